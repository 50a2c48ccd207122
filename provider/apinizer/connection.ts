import { FieldSet } from "../core/fields";
import { ResourceKind } from "../core/kind";
import { apinizerApi } from "./api";
import { APINIZER_TYPES } from "./types";

/**
 * Names are path segments. `.` and `..` are dot-segments that clients and proxies resolve away
 * (RFC 3986 5.2.4), so `connections/../` would address the project itself, on DELETE too.
 */
const PATH_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,255}$/;

/** Fields of every Apinizer connection (spec C.5); per-type fields live in `./types` (C.7). */
const COMMON: FieldSet = {
  projectName: {
    kind: "string",
    required: true,
    replaceOnChange: true,
    pattern: PATH_NAME,
    patternText: "an existing project's name: letters, digits, '.', '_' or '-', not . or ..",
    doc: "the project the connection belongs to; a path segment, never sent in the body",
  },
  name: {
    kind: "string",
    required: true,
    // Spec C.1/C.5: no spaces in path names, UI max 255; letters, digits, underscore recommended.
    pattern: PATH_NAME,
    patternText: "1-255 letters, digits, '.', '_' or '-' (no spaces; not . or ..)",
    doc: "unique in the project, case-insensitively; a change renames in place",
  },
  type: {
    kind: "string",
    required: true,
    replaceOnChange: true,
    enum: Object.keys(APINIZER_TYPES),
    doc: "the connection type; an update must keep it, so a change replaces the connection",
  },
  // Spec C.5 [CONFLICT]: the UI says 1000 in one place and 255 in another; the API takes 1000.
  description: { kind: "string", maxLength: 1000 },
  deployToWorker: { kind: "boolean", default: true },
  enabled: { kind: "boolean", default: true },
};

/** Apinizer project connection: typed by `type`, which is fixed at creation (spec C.5). */
export const apinizerConnection: ResourceKind = {
  token: "apinizer:Connection",
  family: "apinizer",
  title: "Apinizer connection",
  fields: COMMON,
  variants: { field: "type", sets: APINIZER_TYPES },
  uniqueNames: true,
  nameAlphabet: /[A-Za-z0-9._-]/,
  nameMaxLength: 255,
  outputs: ["deploymentResult"],
  api: apinizerApi,
};
