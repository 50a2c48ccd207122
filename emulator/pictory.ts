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
import type { PictoryRecord, Store, Tenant } from "./store";

/** Shared by both Pictory families: everything the handler needs besides the request. */
export interface PictoryContext {
  readonly store: Store;
  readonly pageSize: number;
}

/** One 400 entry, in Pictory's documented validation shape (spec A+B "Errors"). */
export interface PictoryIssue {
  readonly name: string;
  readonly errors: string;
}

const PREFIX = "/pictoryapis/v1/";
/** Spec A+B "connectionId format": 17 timestamp digits, then 15-16 of [a-z0-9]. */
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
  // "/awsconnections/" has an empty id: paths carry no trailing slash (spec A+B), so it is no route.
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
  // The key is sent raw, without "Bearer " (spec A+B "Authentication").
  const tenant = ctx.store.byPictoryKey(headerValue(req.headers, "authorization"));
  if (tenant === undefined) {
    return jsonResponse(401, { message: "Unauthorized" });
  }
  const { family, id } = target;
  const records = tenant.pictory[family.id];
  if (id === undefined) {
    return req.method === "GET"
      ? listConnections(family, records, req, ctx.pageSize)
      : createConnection(family, tenant, req, ctx.store);
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
 * Production sits behind Cloudflare, which answers 403 "error 1010" to bot-like User-Agents such
 * as Python urllib's default (spec A+B "Authentication"). Emulated so clients notice in tests that
 * they must send a normal User-Agent. The real block page is not JSON; the emulator keeps to JSON.
 */
function isBlockedUserAgent(userAgent: string | undefined): boolean {
  return userAgent !== undefined && /^Python-urllib\//i.test(userAgent);
}

function listConnections(
  family: PictoryFamily,
  records: Map<string, PictoryRecord>,
  req: ApiRequest,
  pageSize: number,
): ApiResponse {
  const token = req.query.nextPageKey;
  const after = token === undefined || token === "" ? undefined : decodePageKey(token);
  if (after === null) {
    return jsonResponse(400, { message: "nextPageKey is not a valid page token" });
  }
  const sorted = [...records.values()]
    .filter((r) => after === undefined || r.connectionId > after)
    .sort((a, b) => (a.connectionId < b.connectionId ? -1 : 1));
  const page = sorted.slice(0, pageSize);
  const body: JsonObject = { Items: page.map((r) => fullObject(family, r)) };
  const last = page[page.length - 1];
  if (sorted.length > pageSize && last !== undefined) {
    body.nextPageKey = encodePageKey(last.connectionId);
  }
  return jsonResponse(200, body);
}

/** Spec A+B "List envelope": base64 of a DynamoDB-style `{"lastEvaluatedKey": {...}}`. */
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
  const issues = validatePictoryBody(family, body, "update", record);
  if (issues.length > 0) {
    return invalidBody(issues);
  }
  // The mismatch status is undocumented; 409 as recommended (spec A+B "Optimistic locking").
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

/**
 * Checks a body against the family declaration. "update" needs an integer `version` and keeps
 * immutable fields; "admin" (an out-of-band dashboard edit) needs no version and may change them.
 */
export function validatePictoryBody(
  family: PictoryFamily,
  body: JsonObject,
  mode: "create" | "update" | "admin",
  stored?: PictoryRecord,
): PictoryIssue[] {
  const issues: PictoryIssue[] = [];
  for (const field of family.fields) {
    const error = fieldError(field, body[field.name], mode, stored);
    if (error !== undefined) {
      issues.push({ name: field.name, errors: error });
    }
  }
  if (body.enabled !== undefined && typeof body.enabled !== "boolean") {
    issues.push({ name: "enabled", errors: "must be a boolean" });
  }
  if (mode === "update") {
    if (body.version === undefined) {
      issues.push({ name: "version", errors: "is required" });
    } else if (typeof body.version !== "number" || !Number.isSafeInteger(body.version)) {
      issues.push({ name: "version", errors: "must be an integer" });
    }
  }
  return issues;
}

function fieldError(
  field: PictoryFamily["fields"][number],
  value: JsonValue | undefined,
  mode: "create" | "update" | "admin",
  stored: PictoryRecord | undefined,
): string | undefined {
  if (value === undefined) {
    return mode === "create" && field.requiredOnCreate ? "is required" : undefined;
  }
  if (typeof value !== "string") {
    return "must be a string";
  }
  if (mode === "update" && field.immutable === true) {
    return value === stored?.fields[field.name]
      ? undefined
      : "cannot be changed; delete and re-create the connection instead";
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

/** Applies a validated PUT or dashboard edit: bumps version and updatedDate (spec A+B). */
function commitEdit(family: PictoryFamily, record: PictoryRecord, body: JsonObject): void {
  applyFields(family, record, body);
  if (typeof body.enabled === "boolean") {
    record.enabled = body.enabled;
  }
  bumpVersion(record);
}

/** Omitted fields keep their stored value (spec A.2, B.2 partial update); "" clears. */
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
  const issues = validatePictoryBody(family, body, "admin", record);
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

/** Get/list/Vimeo-update shape: everything but secrets, plus `type` and dates (spec A.3, B.3). */
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
  // Uniqueness is exact-match (spec B.2 [INF]).
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

function invalidBody(issues: readonly PictoryIssue[]): ApiResponse {
  const first = issues[0];
  return jsonResponse(400, {
    code: "INVALID_REQUEST_BODY",
    message:
      first === undefined
        ? "invalid request body"
        : `invalid request body: ${first.name} ${first.errors}`,
    fields: issues.map((i) => ({ name: i.name, errors: i.errors })),
  });
}

function bodyProblem(problem: string, message: string): ApiResponse {
  if (problem === "too-large") {
    return jsonResponse(413, { message });
  }
  return jsonResponse(400, { code: "INVALID_REQUEST_BODY", message, fields: [] });
}

/** Spec A+B "connectionId format": UTC `yyyyMMddHHmmssSSS` + 16 random [a-z0-9]. */
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
 * ISO-8601 UTC with milliseconds (spec A+B "Timestamps"). Strictly after `previous`, so that an
 * update in the same millisecond as the create still changes `updatedDate`.
 */
export function timestamp(previous?: string): string {
  const now = Date.now();
  const floor = previous === undefined ? 0 : Date.parse(previous) + 1;
  return new Date(Math.max(now, floor)).toISOString();
}
