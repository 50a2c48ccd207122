import { randomBytes } from "node:crypto";
import {
  decodeSegment,
  emptyResponse,
  headerValue,
  jsonResponse,
  parseJsonObject,
  type ApiRequest,
  type ApiResponse,
  type JsonObject,
  type JsonValue,
} from "./http";
import { PICTORY_FAMILIES, type PictoryFamily } from "./pictory-families";
import type { PictoryFamilyId, PictoryRecord, Store, Tenant } from "./store";

/** Shared by both Pictory families: everything the handler needs besides the request. */
export interface PictoryContext {
  readonly store: Store;
  readonly pageSize: number;
  /**
   * Families whose list answers everything at once, without `nextPageKey`
   * (docs/api/pictory-aws.md#list-without-nextpagekey).
   */
  readonly unpaged: ReadonlySet<PictoryFamilyId>;
}

/**
 * One 400 entry, in Pictory's documented validation shape
 * (docs/api/pictory-vimeo.md#validation-errors).
 */
export interface PictoryIssue {
  readonly name: string;
  readonly errors: string;
  /** The field is missing rather than wrong, which the update page files under its own 400. */
  readonly missing?: boolean;
}

/** The two 400 causes of the AWS update page, as the message's lead. */
const MISSING_FIELDS = "Missing Required Fields";
const INVALID_VALUES = "Invalid Field Values";

const PREFIX = "/pictoryapis/v1/";
/** docs/api/pictory-vimeo.md#ids-and-dates: 17 timestamp digits, then 15-16 of [a-z0-9]. */
export const CONNECTION_ID_PATTERN = /^\d{17}[a-z0-9]{15,16}$/;

/** Which family and connection a Pictory path addresses; undefined when it is no Pictory route. */
export function pictoryTarget(
  path: string,
): { family: PictoryFamily; id: string | undefined } | undefined {
  if (!path.startsWith(PREFIX)) {
    return undefined;
  }
  const rest = path.slice(PREFIX.length).split("/");
  const family = PICTORY_FAMILIES.find((f) => f.segment === rest[0]);
  if (family === undefined || rest.length > 2) {
    return undefined;
  }
  if (rest.length === 1) {
    return { family, id: undefined };
  }
  const id = decodeSegment(rest[1] ?? "");
  // "/awsconnections/" has an empty id: paths carry no trailing slash
  // (docs/api/pictory-aws.md#endpoints), so it is no route.
  return id === undefined || id === "" ? undefined : { family, id };
}

export function handlePictory(req: ApiRequest, ctx: PictoryContext): ApiResponse {
  const target = pictoryTarget(req.path);
  if (target === undefined) {
    return jsonResponse(404, { message: "Not Found" });
  }
  const allowed = target.id === undefined ? ["GET", "POST"] : ["GET", "PUT", "DELETE"];
  if (!allowed.includes(req.method)) {
    return jsonResponse(405, { message: "Method Not Allowed" }, { allow: allowed.join(", ") });
  }
  if (isBlockedUserAgent(headerValue(req.headers, "user-agent"))) {
    return jsonResponse(403, { message: "error code: 1010" });
  }
  // The key is sent raw, without "Bearer " (docs/api/pictory-vimeo.md#authentication).
  const tenant = ctx.store.byPictoryKey(headerValue(req.headers, "authorization"));
  if (tenant === undefined) {
    return jsonResponse(401, { message: "Unauthorized" });
  }
  const { family, id } = target;
  const records = tenant.pictory[family.id];
  if (id === undefined) {
    return req.method === "GET"
      ? listConnections(family, records, req, ctx.unpaged.has(family.id) ? undefined : ctx.pageSize)
      : createConnection(family, tenant, req, ctx.store);
  }
  if (isForbidden(ctx.store, tenant, family, id)) {
    return forbidden(req.method, id);
  }
  switch (req.method) {
    case "GET":
      return getConnection(family, records, id);
    case "PUT":
      return updateConnection(family, tenant, id, req, ctx.store);
    default:
      return deleteConnection(family, records, id, ctx.store);
  }
}

/**
 * Production sits behind Cloudflare, which answers 403 "error 1010" to bot-like User-Agents such as
 * Python urllib's default (docs/api/pictory-vimeo.md#authentication). Emulated so clients notice in
 * tests that they must send a normal User-Agent. The real block page is not JSON; the emulator
 * keeps to JSON.
 */
function isBlockedUserAgent(userAgent: string | undefined): boolean {
  return userAgent !== undefined && /^Python-urllib\//i.test(userAgent);
}

/**
 * The caller's key may not touch this connection (PictoryAccessRules): it is marked forbidden, or
 * another tenant holds it and that tenant's IDs are forbidden. Only IDs that exist count: an
 * unknown ID is still 404.
 */
function isForbidden(store: Store, tenant: Tenant, family: PictoryFamily, id: string): boolean {
  const rules = tenant.pictoryAccess;
  if (tenant.pictory[family.id].has(id)) {
    return rules.forbiddenIds.has(id);
  }
  if (store.pictoryHolder(family.id, id, tenant) === undefined) {
    return false;
  }
  return rules.othersForbidden || rules.forbiddenIds.has(id);
}

/**
 * 403 with the pages' text: "You do not have permission to access this connection" (get by ID),
 * "... to update this connection" (update); the delete page's text is not quoted in full, so
 * its verb is our guess.
 */
function forbidden(method: string, id: string): ApiResponse {
  const verb = method === "GET" ? "access" : method === "PUT" ? "update" : "delete";
  return jsonResponse(403, {
    message:
      `You do not have permission to ${verb} this connection (${id}): ` +
      "verify the connection belongs to your account and that your API key has the necessary permissions",
  });
}

/**
 * `pageSize` undefined: everything in one answer and never a `nextPageKey`
 * (docs/api/pictory-aws.md#list-without-nextpagekey).
 */
function listConnections(
  family: PictoryFamily,
  records: Map<string, PictoryRecord>,
  req: ApiRequest,
  pageSize: number | undefined,
): ApiResponse {
  const token = req.query.nextPageKey;
  const after = token === undefined || token === "" ? undefined : decodePageKey(token);
  if (after === null) {
    return jsonResponse(400, { message: "nextPageKey is not a valid page token" });
  }
  const sorted = [...records.values()]
    .filter((r) => after === undefined || r.connectionId > after)
    .sort((a, b) => (a.connectionId < b.connectionId ? -1 : 1));
  const page = pageSize === undefined ? sorted : sorted.slice(0, pageSize);
  const body: JsonObject = { Items: page.map((r) => fullObject(family, r)) };
  const last = page[page.length - 1];
  if (pageSize !== undefined && sorted.length > pageSize && last !== undefined) {
    body.nextPageKey = encodePageKey(last.connectionId);
  }
  return jsonResponse(200, body);
}

/** docs/api/pictory-vimeo.md#lists: base64 of a DynamoDB-style `{"lastEvaluatedKey": {...}}`. */
export function encodePageKey(connectionId: string): string {
  return Buffer.from(JSON.stringify({ lastEvaluatedKey: { connectionId } })).toString("base64");
}

/** The id to continue after, undefined for "from the start", null for a broken token. */
function decodePageKey(token: string): string | undefined | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64").toString("utf8"));
    const key = (parsed as { lastEvaluatedKey?: { connectionId?: unknown } }).lastEvaluatedKey;
    if (typeof key !== "object" || key === null) {
      return null;
    }
    return typeof key.connectionId === "string" ? key.connectionId : undefined;
  } catch {
    return null;
  }
}

function createConnection(
  family: PictoryFamily,
  tenant: Tenant,
  req: ApiRequest,
  store: Store,
): ApiResponse {
  const parsed = parseJsonObject(req);
  if (!parsed.ok) {
    return bodyProblem(parsed.problem, parsed.message);
  }
  const body = parsed.value;
  const issues = validatePictoryBody(family, body, "create");
  if (issues.length > 0) {
    return invalidBody(issues);
  }
  const records = tenant.pictory[family.id];
  const name = body.name as string;
  if (findByName(records, name) !== undefined) {
    return duplicateName(name);
  }
  const now = timestamp();
  const record: PictoryRecord = {
    connectionId: newConnectionId(records),
    enabled: typeof body.enabled === "boolean" ? body.enabled : true,
    version: 1,
    createdDate: now,
    updatedDate: now,
    fields: {},
  };
  applyFields(family, record, body);
  records.set(record.connectionId, record);
  store.commit();
  return jsonResponse(200, createShape(family, record));
}

function getConnection(
  family: PictoryFamily,
  records: Map<string, PictoryRecord>,
  id: string,
): ApiResponse {
  const record = records.get(id);
  return record === undefined ? notFound(id) : jsonResponse(200, fullObject(family, record));
}

function updateConnection(
  family: PictoryFamily,
  tenant: Tenant,
  id: string,
  req: ApiRequest,
  store: Store,
): ApiResponse {
  const parsed = parseJsonObject(req);
  if (!parsed.ok) {
    return bodyProblem(parsed.problem, parsed.message);
  }
  const records = tenant.pictory[family.id];
  const record = records.get(id);
  if (record === undefined) {
    return notFound(id);
  }
  const body = parsed.value;
  const issues = validatePictoryBody(family, body, "update");
  if (issues.length > 0) {
    return invalidBody(issues);
  }
  // "409 Conflict - Version Mismatch" (docs/api/pictory-aws.md#version-mismatch); Vimeo's update
  // page only says the update fails, so it answers the same.
  if (body.version !== record.version) {
    return jsonResponse(409, {
      message: `version mismatch: current version is ${record.version}, request had ${String(body.version)}`,
    });
  }
  const clash = renameClash(records, record, body);
  if (clash !== undefined) {
    return duplicateName(clash);
  }
  commitEdit(family, record, body);
  store.commit();
  return jsonResponse(
    200,
    family.updateResponse === "full" ? fullObject(family, record) : createShape(family, record),
  );
}

function deleteConnection(
  family: PictoryFamily,
  records: Map<string, PictoryRecord>,
  id: string,
  store: Store,
): ApiResponse {
  if (!records.delete(id)) {
    return family.deleteUnknownStatus === 204 ? emptyResponse(204) : notFound(id);
  }
  store.commit();
  return emptyResponse(204);
}

const REQUIRED = "is required";

/**
 * Checks a body against the family declaration. "update" needs a positive integer `version`,
 * refuses immutable fields and requires the fields the family requires on update; "admin" (an
 * out-of-band dashboard edit) needs no version and may change anything.
 */
export function validatePictoryBody(
  family: PictoryFamily,
  body: JsonObject,
  mode: "create" | "update" | "admin",
): PictoryIssue[] {
  const issues: PictoryIssue[] = [];
  for (const field of family.fields) {
    const error = fieldError(field, body[field.name], mode);
    if (error !== undefined) {
      issues.push({
        name: field.name,
        errors: error,
        ...(error === REQUIRED && { missing: true }),
      });
    }
  }
  if (body.enabled !== undefined && typeof body.enabled !== "boolean") {
    issues.push({ name: "enabled", errors: "must be a boolean" });
  }
  if (mode === "update") {
    // The AWS update page: "version must be a positive integer (required)": 0, negatives, fractions
    // and strings are 400, not a 409 mismatch (docs/api/pictory-aws.md#version-mismatch). Vimeo's
    // update page also marks it required.
    if (body.version === undefined) {
      issues.push({ name: "version", errors: REQUIRED, missing: true });
    } else if (!isPositiveInteger(body.version)) {
      issues.push({ name: "version", errors: "must be a positive integer" });
    }
  }
  return issues;
}

function isPositiveInteger(value: JsonValue): boolean {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 1;
}

function fieldError(
  field: PictoryFamily["fields"][number],
  value: JsonValue | undefined,
  mode: "create" | "update" | "admin",
): string | undefined {
  if (mode === "update" && field.immutable === true) {
    // Even unchanged, even null: "Do NOT include" them (the AWS update page).
    return value === undefined
      ? undefined
      : "must not be sent on update: it cannot be changed; delete and re-create the connection instead";
  }
  if (value === undefined) {
    const required =
      (mode === "create" && field.requiredOnCreate) ||
      (mode === "update" && field.requiredOnUpdate === true);
    return required ? REQUIRED : undefined;
  }
  if (typeof value !== "string") {
    return "must be a string";
  }
  if (value === "" && field.clearable === true) {
    return undefined;
  }
  const tooLong = value.length > field.maxLength;
  const badPattern = field.pattern !== undefined && !field.pattern.test(value);
  return value === "" || tooLong || badPattern ? field.rule : undefined;
}

function renameClash(
  records: Map<string, PictoryRecord>,
  record: PictoryRecord,
  body: JsonObject,
): string | undefined {
  if (typeof body.name !== "string" || body.name === record.fields.name) {
    return undefined;
  }
  const other = findByName(records, body.name);
  return other !== undefined && other !== record ? body.name : undefined;
}

/**
 * Applies a validated PUT or dashboard edit: bumps version and updatedDate
 * (docs/api/pictory-vimeo.md#versions).
 */
function commitEdit(family: PictoryFamily, record: PictoryRecord, body: JsonObject): void {
  applyFields(family, record, body);
  if (typeof body.enabled === "boolean") {
    record.enabled = body.enabled;
  }
  bumpVersion(record);
}

/**
 * Omitted fields keep their stored value (docs/api/pictory-vimeo.md#partial-updates); "" clears.
 */
function applyFields(family: PictoryFamily, record: PictoryRecord, body: JsonObject): void {
  for (const field of family.fields) {
    const value = body[field.name];
    if (typeof value !== "string") {
      continue;
    }
    if (value === "" && field.clearable === true) {
      delete record.fields[field.name];
    } else {
      record.fields[field.name] = value;
    }
  }
}

/** An out-of-band change: the next PUT with the old version gets 409. */
export function bumpVersion(record: PictoryRecord): void {
  record.version += 1;
  record.updatedDate = timestamp(record.updatedDate);
}

/** Out-of-band dashboard edit for the admin API; no version check. */
export function adminEditPictory(
  family: PictoryFamily,
  tenant: Tenant,
  id: string,
  body: JsonObject,
  store: Store,
): ApiResponse {
  const records = tenant.pictory[family.id];
  const record = records.get(id);
  if (record === undefined) {
    return notFound(id);
  }
  const issues = validatePictoryBody(family, body, "admin");
  if (issues.length > 0) {
    return invalidBody(issues);
  }
  const clash = renameClash(records, record, body);
  if (clash !== undefined) {
    return duplicateName(clash);
  }
  commitEdit(family, record, body);
  store.commit();
  return jsonResponse(200, fullObject(family, record));
}

/**
 * Get/list/Vimeo-update shape: everything but secrets, plus `type` and dates
 * (docs/api/pictory-vimeo.md#endpoints).
 */
export function fullObject(family: PictoryFamily, record: PictoryRecord): JsonObject {
  const out: JsonObject = { connectionId: record.connectionId };
  for (const field of family.fields) {
    const value = record.fields[field.name];
    if (field.secret !== true && value !== undefined) {
      out[field.name] = value;
    }
  }
  out.type = family.type;
  out.enabled = record.enabled;
  out.createdDate = record.createdDate;
  out.updatedDate = record.updatedDate;
  out.version = record.version;
  return out;
}

function createShape(family: PictoryFamily, record: PictoryRecord): JsonObject {
  const full = fullObject(family, record);
  const out: JsonObject = {};
  for (const key of family.createShape) {
    const value = full[key];
    if (value !== undefined) {
      out[key] = value;
    }
  }
  return out;
}

function findByName(records: Map<string, PictoryRecord>, name: string): PictoryRecord | undefined {
  // Uniqueness is exact-match (docs/api/pictory-vimeo.md#name-rules).
  for (const record of records.values()) {
    if (record.fields.name === name) {
      return record;
    }
  }
  return undefined;
}

function notFound(id: string): ApiResponse {
  return jsonResponse(404, {
    message: `connection ${id} does not exist or you do not have access to it`,
  });
}

function duplicateName(name: string): ApiResponse {
  return jsonResponse(409, { message: `a connection named ${name} already exists` });
}

/**
 * 400 in the one documented Pictory validation shape (docs/api/pictory-vimeo.md#validation-errors).
 * The message leads with the update page's cause (page 000: "Missing Required Fields" or "Invalid
 * Field Values") and names the first problem; the field values are never echoed.
 */
function invalidBody(issues: readonly PictoryIssue[]): ApiResponse {
  const missing = issues.find((i) => i.missing === true);
  const first = missing ?? issues[0];
  const lead = missing === undefined ? INVALID_VALUES : MISSING_FIELDS;
  return jsonResponse(400, {
    code: "INVALID_REQUEST_BODY",
    message: first === undefined ? lead : `${lead}: ${first.name} ${first.errors}`,
    fields: issues.map((i) => ({ name: i.name, errors: i.errors })),
  });
}

function bodyProblem(problem: string, message: string): ApiResponse {
  if (problem === "too-large") {
    return jsonResponse(413, { message });
  }
  return jsonResponse(400, { code: "INVALID_REQUEST_BODY", message, fields: [] });
}

/** docs/api/pictory-vimeo.md#ids-and-dates: UTC `yyyyMMddHHmmssSSS` + 16 random [a-z0-9]. */
export function newConnectionId(existing: ReadonlyMap<string, unknown>): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (;;) {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 17);
    const suffix = [...randomBytes(16)].map((b) => alphabet[b % alphabet.length]).join("");
    const id = stamp + suffix;
    if (!existing.has(id)) {
      return id;
    }
  }
}

/**
 * ISO-8601 UTC with milliseconds (docs/api/pictory-vimeo.md#ids-and-dates). Strictly after
 * `previous`, so that an update in the same millisecond as the create still changes `updatedDate`.
 */
export function timestamp(previous?: string): string {
  const now = Date.now();
  const floor = previous === undefined ? 0 : Date.parse(previous) + 1;
  return new Date(Math.max(now, floor)).toISOString();
}
