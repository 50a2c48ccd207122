import { z } from "zod";
import { FieldSet, FieldSpec, OutputSet } from "../core/fields";
import { ResourceKind } from "../core/kind";
import { autonaming, nameCheck, NameRule } from "../core/names";
import { describeReceived } from "../core/secrets";
import { ISO_DATE, VERSION } from "../core/wire";
import { pictoryApi } from "./api";
import { pictoryFamily } from "./family";

/**
 * Fields both Pictory families share. AWS name and description limits are undocumented
 * (docs/api/pictory-aws.md#where-the-pages-are-silent): the Vimeo rules
 * (docs/api/pictory-vimeo.md#name-rules) apply to both.
 */
export const PICTORY_NAME_RULE: NameRule = {
  alphabet: "A-Za-z0-9 _-",
  minLength: 1,
  maxLength: 100,
};

export const PICTORY_NAME: FieldSpec = {
  kind: "string",
  required: true,
  autonamed: true,
  ...nameCheck(PICTORY_NAME_RULE),
  doc: "unique within the Pictory account",
};

export const PICTORY_DESCRIPTION: FieldSpec = {
  kind: "string",
  maxLength: 250,
  // Pictory keeps an omitted field on PUT, so a description the program drops is sent as "".
  clearWith: "",
  doc: "free text",
};

/**
 * Both "default true" and "required" (docs/api/pictory-vimeo.md#where-the-pages-are-silent): sent
 * always, default true.
 */
export const PICTORY_ENABLED: FieldSpec = {
  kind: "boolean",
  default: true,
  doc: "whether Pictory may use the connection",
};

/**
 * Connection IDs are documented by example: 17 digits of a UTC timestamp, then 15 or 16 random
 * characters of `[a-z0-9]`. The random part's length is tolerated from 8 to 32, since four samples
 * do not fix it; what must never pass is something that is not an ID at all (an object, a path,
 * a 2 MB string), which would then address later requests.
 */
export const CONNECTION_ID = z
  .string({ error: (i) => `must be a connection ID, received ${describeReceived(i.input)}` })
  .max(64, { error: "must be a connection ID, received a longer string" })
  .regex(/^\d{17}[a-z0-9]{8,32}$/, {
    error: "must be a connection ID (17 timestamp digits, then lowercase letters and digits)",
  });

/** What the Pictory API computes for every connection, and the shape each answer holds it in. */
export const PICTORY_OUTPUTS: OutputSet = {
  connectionId: {
    kind: "string",
    answer: CONNECTION_ID,
    doc: "server-assigned ID, also the resource ID",
  },
  version: {
    kind: "integer",
    answer: VERSION,
    doc: "optimistic-locking version: 1 after create, +1 per update",
  },
  // The create answer has no dates (docs/api/pictory-vimeo.md#ids-and-dates); get and list answers
  // have both.
  createdDate: {
    kind: "string",
    optional: true,
    answer: ISO_DATE,
    doc: "ISO-8601, from the first answer that has it: after a create, the next refresh",
  },
  updatedDate: {
    kind: "string",
    optional: true,
    volatile: true,
    answer: ISO_DATE,
    doc: "ISO-8601, from the last answer that has it; unset after an update whose answer has none, until the next refresh",
  },
};

/**
 * A Pictory resource kind: both share the protocol, the name, description and enabled fields, the
 * outputs and the naming rules; a kind declares only what is its own.
 */
export function pictoryKind(spec: {
  readonly token: string;
  readonly title: string;
  readonly doc: string;
  /** Path below the base URL, e.g. `/v1/awsconnections`. */
  readonly path: string;
  readonly fields: FieldSet;
}): ResourceKind {
  return {
    token: spec.token,
    family: pictoryFamily,
    title: spec.title,
    doc: spec.doc,
    fields: {
      name: PICTORY_NAME,
      description: PICTORY_DESCRIPTION,
      enabled: PICTORY_ENABLED,
      ...spec.fields,
    },
    uniqueNames: true,
    lookupBy: ["connectionId"],
    ...autonaming(PICTORY_NAME_RULE),
    outputs: PICTORY_OUTPUTS,
    // A versioned PUT: a stale version is answered 409 (docs/api/pictory-vimeo.md#versions).
    lock: { field: "version" },
    api: pictoryApi({ path: spec.path }),
  };
}
