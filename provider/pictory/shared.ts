import { FieldSpec } from "../core/fields";

/**
 * Fields both Pictory families share. AWS name and description limits are undocumented (spec A.2,
 * D.2): the Vimeo rules apply to both.
 */
export const PICTORY_NAME: FieldSpec = {
  kind: "string",
  required: true,
  pattern: /^[A-Za-z0-9 _-]{1,100}$/,
  patternText: "1-100 letters, digits, spaces, _ or -",
  doc: "unique within the account",
};

export const PICTORY_DESCRIPTION: FieldSpec = {
  kind: "string",
  maxLength: 250,
  // Pictory keeps an omitted field on PUT, so a description the program drops is sent as "".
  clearWith: "",
  doc: "free text, at most 250 characters",
};

/** Spec B.2 [CONFLICT] "default true" vs "required": we send it always and default to true. */
export const PICTORY_ENABLED: FieldSpec = {
  kind: "boolean",
  default: true,
  doc: "whether Pictory may use the connection",
};

export const PICTORY_NAME_ALPHABET = /[A-Za-z0-9 _-]/;
