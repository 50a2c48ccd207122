import { FieldSet } from "../core/fields";
import { ResourceKind } from "../core/kind";
import {
  alphabetText,
  autonaming,
  nameCheck,
  NameRule,
  namePattern,
  reservedText,
} from "../core/names";
import { apinizerFamily } from "./family";
import { apinizerApi } from "./api";
import { APINIZER_TYPE_DOCS, APINIZER_TYPES } from "./types";

/**
 * Names are path segments, without spaces (docs/api/apinizer.md#names), at most 255 characters
 * (the console's limit). `.` and `..` are dot-segments that clients and proxies resolve away
 * (RFC 3986 5.2.4), so `connections/../` would address the project itself, on DELETE too.
 */
export const PATH_NAME: NameRule = {
  alphabet: "A-Za-z0-9._-",
  minLength: 1,
  maxLength: 255,
  reserved: [".", ".."],
  quoteSymbols: true,
};

/**
 * Fields of every Apinizer connection; per-type fields live in `./types`
 * (docs/api/apinizer.md#connection-types).
 */
const COMMON: FieldSet = {
  projectName: {
    kind: "string",
    required: true,
    replaceOnChange: true,
    pattern: namePattern(PATH_NAME),
    patternText: `an existing project's name: ${alphabetText(PATH_NAME)}, ${reservedText(PATH_NAME)}`,
    doc: "the project the connection belongs to; a path segment, never sent in the body",
  },
  name: {
    kind: "string",
    required: true,
    autonamed: true,
    ...nameCheck(PATH_NAME),
    doc: "unique in the project, case-insensitively; a change renames in place",
  },
  type: {
    kind: "string",
    required: true,
    replaceOnChange: true,
    enum: Object.keys(APINIZER_TYPES),
    doc: "the connection type; an update must keep it, so a change replaces the connection",
  },
  // The console says 1000 in one place and 255 in another
  // (docs/api/apinizer.md#where-the-pages-are-silent).
  description: { kind: "string", maxLength: 1000, doc: "free text" },
  deployToWorker: {
    kind: "boolean",
    default: true,
    doc: "deploy to (or undeploy from) the workers with each change",
  },
  enabled: { kind: "boolean", default: true, doc: "whether policies may use the connection" },
};

/**
 * Apinizer project connection: typed by `type`, which is fixed at creation
 * (docs/api/apinizer.md#type-is-fixed).
 */
export const apinizerConnection: ResourceKind = {
  token: "apinizer:Connection",
  family: apinizerFamily,
  title: "Apinizer connection",
  doc: "An Apinizer project connection of one of the 14 types; `type` is fixed at creation.",
  fields: COMMON,
  variants: { field: "type", sets: APINIZER_TYPES, docs: APINIZER_TYPE_DOCS },
  uniqueNames: true,
  // The ID is `project/name`: both are path segments, which never hold a `/`.
  lookupBy: ["projectName", "name"],
  // Another project is another namespace: a move there never collides with the old name.
  nameScope: ["projectName"],
  ...autonaming(PATH_NAME),
  outputs: {
    deploymentResult: {
      kind: "json",
      optional: true,
      doc: "what the last create or update reported about deploying to the workers",
      tsType: "Record<string, unknown>",
    },
  },
  api: apinizerApi,
};
