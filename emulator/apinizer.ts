import { STATUS_CODES } from "node:http";
import {
  decodeSegment,
  headerValue,
  jsonResponse,
  parseJsonObject,
  type ApiRequest,
  type ApiResponse,
  type BodyProblem,
  type JsonObject,
  type JsonValue,
} from "./http";
import {
  CONNECTION_TYPES,
  connectionType,
  maskedInGetFields,
  secretFields,
  type ConnectionTypeDecl,
} from "./apinizer-types";
import {
  resolveKeystoreReferences,
  validateConnection,
  type ValidationIssue,
} from "./apinizer-validate";
import { keystoreId, type ApinizerProject, type Store, type Tenant } from "./store";
import type { ApinizerEnvelope } from "./types";

/** Everything the Apinizer handler needs besides the request. */
export interface ApinizerContext {
  readonly store: Store;
  readonly envelope: ApinizerEnvelope;
  /**
   * Worker environments every deployment goes to (all of them: there is no per-connection selector,
   * docs/api/apinizer.md#deployment-result).
   */
  readonly environments: readonly string[];
  /** Environments whose deployment reports failure for this request (fault injection). */
  readonly deployFailures: ReadonlySet<string>;
}

/**
 * Error classes; the envelope decides the status (v2 uses 400 where v1 uses 404,
 * docs/api/apinizer.md#not-found).
 */
export type ApinizerErrorKind =
  "bad_request" | "not_found" | "unauthorized" | "forbidden" | "too_large";

/** Spring-style content type (docs/api/apinizer.md#answers). */
const CONTENT_TYPE = "application/json;charset=UTF-8";
const ROOT = "/apiops/";
/** The token endpoint of both authentication pages (`POST /apiops/auth/token`). */
const TOKEN_PATHS = new Set(["/apiops/auth/token", "/apiops/auth/token/"]);

export function isApinizerPath(path: string): boolean {
  return path.startsWith(ROOT) || path === "/apiops";
}

export function handleApinizer(req: ApiRequest, ctx: ApinizerContext): ApiResponse {
  const { path, method } = req;
  // Health check needs no auth; it is the documented readiness probe
  // (docs/api/apinizer.md#projects).
  if (path === "/apiops/test/healthcheck" || path === "/apiops/test/healthcheck/") {
    return method === "GET" ? { status: 200, body: "OK" } : methodNotAllowed(ctx, ["GET"]);
  }
  if (TOKEN_PATHS.has(path)) {
    return tokenEndpoint();
  }
  const route = matchRoute(path);
  if (route === undefined) {
    // Includes the slash-less forms, which the docs call incorrect
    // (docs/api/apinizer.md#trailing-slash).
    return {
      ...failure(ctx.envelope, "not_found", `No handler found for ${method} ${path}`),
      status: 404,
    };
  }
  const allowed = route.kind === "item" ? ["GET", "POST", "PUT", "DELETE"] : ["GET"];
  if (!allowed.includes(method)) {
    return methodNotAllowed(ctx, allowed);
  }
  const caller = authenticate(req, ctx);
  if (!("tenant" in caller)) {
    return caller;
  }
  const { tenant } = caller;
  if (route.kind === "projects") {
    return listProjects(tenant);
  }
  const project = route.project === undefined ? undefined : tenant.apinizer.get(route.project);
  if (project === undefined) {
    const name = route.project ?? "";
    return ctx.envelope === "v1"
      ? failure("v1", "not_found", `Project '${name}' not found`)
      : failure("v2", "bad_request", `Project (${name}) is not found!`);
  }
  if (route.kind === "list") {
    return listConnections(project, req, ctx);
  }
  const keystores = projectKeystores(tenant, route.project ?? "");
  if (route.name === undefined) {
    return failure(ctx.envelope, "bad_request", "Connection name is not correctly URL-encoded!");
  }
  if (route.name === "") {
    return failure(ctx.envelope, "bad_request", "Connection name can not be empty!");
  }
  if (method !== "GET" && caller.readOnly) {
    return ctx.envelope === "v1"
      ? failure("v1", "forbidden", "You do not have permission to perform this action")
      : failure("v2", "forbidden", "User does not have required permission for this operation!");
  }
  switch (method) {
    case "GET":
      return getConnection(project, route.name, ctx);
    case "POST":
      return createConnection(project, route.name, req, ctx, keystores);
    case "PUT":
      return updateConnection(project, route.name, req, ctx, keystores);
    default:
      return deleteConnection(project, route.name, ctx);
  }
}

/**
 * `POST /apiops/auth/token` (username and password for a token) exists per both authentication
 * pages, but the provider authenticates with personal API access tokens, so the emulator has no
 * users to log in: it answers 404 (docs/api/apinizer.md#authentication), in the endpoint's
 * OAuth-style error fields (both authentication pages: `{"error", "error_description"}`), whatever
 * the envelope generation.
 */
function tokenEndpoint(): ApiResponse {
  return respond(404, {
    error: "not_found",
    error_description:
      "The emulator has no token endpoint: send a personal API access token as Authorization: Bearer <token>",
  });
}

/** The project's keystores, name to ID (docs/api/apinizer.md#kafka-keystores). */
export function projectKeystores(tenant: Tenant, project: string): Map<string, string> {
  const names = tenant.apinizerKeystores.get(project) ?? new Set<string>();
  return new Map([...names].map((name) => [name, keystoreId(project, name)]));
}

type Route =
  | { kind: "projects" }
  | { kind: "list"; project: string | undefined }
  | { kind: "item"; project: string | undefined; name: string | undefined };

const LIST_PATH = /^\/apiops\/projects\/([^/]+)\/connections\/$/;
const ITEM_PATH = /^\/apiops\/projects\/([^/]+)\/connections\/([^/]*)\/$/;

function matchRoute(path: string): Route | undefined {
  if (path === "/apiops/projects/") {
    return { kind: "projects" };
  }
  const list = LIST_PATH.exec(path);
  if (list !== null) {
    return { kind: "list", project: decodeSegment(list[1] ?? "") };
  }
  const item = ITEM_PATH.exec(path);
  if (item !== null) {
    return {
      kind: "item",
      project: decodeSegment(item[1] ?? ""),
      name: decodeSegment(item[2] ?? ""),
    };
  }
  return undefined;
}

interface Caller {
  readonly tenant: Tenant;
  /** Authenticated with the tenant's view-only token. */
  readonly readOnly: boolean;
}

/**
 * `Authorization: Bearer <token>` and the documented texts of its refusals
 * (docs/api/apinizer.md#authentication).
 */
function authenticate(req: ApiRequest, ctx: ApinizerContext): Caller | ApiResponse {
  const header = headerValue(req.headers, "authorization");
  const token = header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  const tenant = ctx.store.byApinizerToken(token);
  if (tenant !== undefined) {
    return { tenant, readOnly: token !== tenant.apinizerToken };
  }
  if (ctx.envelope === "v1") {
    return failure("v1", "unauthorized", "Invalid token");
  }
  return failure(
    "v2",
    "unauthorized",
    header === undefined
      ? "Empty Key! Client must be authenticated to access this resource."
      : "Token is not valid!",
  );
}

function listProjects(tenant: Tenant): ApiResponse {
  const resultList = [...tenant.apinizer.keys()].map((name) => ({
    name,
    description: name === "default" ? "Default project" : `Emulated project ${name}`,
  }));
  // The projects list uses `status` even in the v1 docs (docs/api/apinizer.md#answers).
  return respond(200, { status: "SUCCESS", resultList, resultCount: resultList.length });
}

function listConnections(
  project: ApinizerProject,
  req: ApiRequest,
  ctx: ApinizerContext,
): ApiResponse {
  const type = req.query.type;
  if (type === undefined || type === "") {
    return failure(ctx.envelope, "bad_request", "Connection type parameter is required!");
  }
  const decl = connectionType(type);
  if (decl === undefined) {
    return failure(ctx.envelope, "bad_request", invalidTypeMessage(type));
  }
  const secrets = secretFields(decl);
  const items = [...project.values()]
    .filter((dto) => dto.type === type)
    .sort((a, b) => String(a.name).toLowerCase().localeCompare(String(b.name).toLowerCase()))
    .map((dto) => maskSecrets(dto, secrets));
  return listEnvelope(ctx, items);
}

/**
 * The list shows every secret field as null, key present; get some of them
 * (docs/api/apinizer.md#secrets-in-lists).
 */
function maskSecrets(dto: JsonObject, secrets: readonly string[]): JsonObject {
  const copy: JsonObject = { ...dto };
  for (const field of secrets) {
    copy[field] = null;
  }
  return copy;
}

function getConnection(project: ApinizerProject, name: string, ctx: ApinizerContext): ApiResponse {
  const dto = project.get(name.toLowerCase());
  if (dto === undefined) {
    return failure(ctx.envelope, "not_found", notFoundMessage(name));
  }
  // A one-item list (docs/api/apinizer.md#endpoints). Secrets in plaintext (the CRUD get page)
  // unless the type page says they are masked in get (docs/api/apinizer.md#secrets-masked-on-read).
  const decl = connectionType(String(dto.type));
  return listEnvelope(ctx, [decl === undefined ? dto : maskSecrets(dto, maskedInGetFields(decl))]);
}

function createConnection(
  project: ApinizerProject,
  name: string,
  req: ApiRequest,
  ctx: ApinizerContext,
  keystores: ReadonlyMap<string, string>,
): ApiResponse {
  const checked = checkBody(req, ctx, keystores);
  if ("status" in checked) {
    return checked;
  }
  const { dto } = checked;
  if (String(dto.name).toLowerCase() !== name.toLowerCase()) {
    return failure(
      ctx.envelope,
      "bad_request",
      `Connection name in the body (${String(dto.name)}) must match the name in the path (${name})!`,
    );
  }
  const existing = project.get(name.toLowerCase());
  if (existing !== undefined) {
    // v1 rejects a duplicate; v2 treats POST as an upsert
    // (docs/api/apinizer.md#create-on-an-existing-name), but the type stays fixed.
    if (ctx.envelope === "v1") {
      return failure(
        "v1",
        "bad_request",
        `Connection (name: ${String(existing.name)}) already exists!`,
      );
    }
    if (existing.type !== dto.type) {
      return failure("v2", "bad_request", typeChangeMessage(existing, dto));
    }
  }
  project.set(name.toLowerCase(), dto);
  ctx.store.commit();
  return deployEnvelope(ctx, dto.deployToWorker === true, "Deployment");
}

function updateConnection(
  project: ApinizerProject,
  name: string,
  req: ApiRequest,
  ctx: ApinizerContext,
  keystores: ReadonlyMap<string, string>,
): ApiResponse {
  const existing = project.get(name.toLowerCase());
  const keptName = typeof existing?.name === "string" ? existing.name : name;
  const checked = checkBody(req, ctx, keystores, existing, keptName);
  if ("status" in checked) {
    return checked;
  }
  if (existing === undefined) {
    // An update of an unknown name is 400 in both generations (docs/api/apinizer.md#not-found).
    return failure(ctx.envelope, "bad_request", notFoundMessage(name));
  }
  const { dto } = checked;
  const newKey = String(dto.name).toLowerCase();
  // A body name that differs from the path is a rename; the new name must be free
  // (docs/api/apinizer.md#update-keeps-the-name).
  if (newKey !== name.toLowerCase() && project.has(newKey)) {
    return failure(
      ctx.envelope,
      "bad_request",
      `Connection (name: ${String(dto.name)}) already exists!`,
    );
  }
  project.delete(name.toLowerCase());
  project.set(newKey, dto);
  ctx.store.commit();
  return deployEnvelope(ctx, dto.deployToWorker === true, "Deployment");
}

function deleteConnection(
  project: ApinizerProject,
  name: string,
  ctx: ApinizerContext,
): ApiResponse {
  const existing = project.get(name.toLowerCase());
  if (existing === undefined) {
    return failure(ctx.envelope, "bad_request", notFoundMessage(name));
  }
  project.delete(name.toLowerCase());
  ctx.store.commit();
  // deploymentResult is present "when the connection was deployed"
  // (docs/api/apinizer.md#deployment-result).
  return deployEnvelope(ctx, existing.deployToWorker === true, "Undeployment");
}

/**
 * Parses and validates a write body. With `existing`, the type must not change
 * (docs/api/apinizer.md#type-is-fixed), and that check comes first so the message names the real
 * problem. With `keptName` (an update), a `name` that is omitted or empty keeps that name
 * (docs/api/apinizer.md#update-keeps-the-name, the update page: "If omitted or empty, the existing
 * name from the path parameter is used", both generations).
 */
function checkBody(
  req: ApiRequest,
  ctx: ApinizerContext,
  keystores: ReadonlyMap<string, string>,
  existing?: JsonObject,
  keptName?: string,
): { dto: JsonObject } | ApiResponse {
  const parsed = parseJsonObject(req);
  if (!parsed.ok) {
    return bodyProblem(ctx, parsed.problem, parsed.message);
  }
  const body =
    keptName !== undefined && isUnsetName(parsed.value.name)
      ? { ...parsed.value, name: keptName }
      : parsed.value;
  if (body.type === undefined || body.type === null || body.type === "") {
    return validationFailure(ctx, [{ field: "type", message: "is required" }]);
  }
  if (typeof body.type !== "string") {
    return validationFailure(ctx, [{ field: "type", message: "must be a string" }]);
  }
  if (existing !== undefined && existing.type !== body.type) {
    return failure(ctx.envelope, "bad_request", typeChangeMessage(existing, body));
  }
  const decl = connectionType(body.type);
  if (decl === undefined) {
    return failure(ctx.envelope, "bad_request", invalidTypeMessage(body.type));
  }
  return validated(ctx, decl, body, keystores);
}

function isUnsetName(name: JsonValue | undefined): boolean {
  return name === undefined || name === null || name === "";
}

/** Field validation, then keystore references, each a 400 with the field named. */
function validated(
  ctx: ApinizerContext,
  decl: ConnectionTypeDecl,
  body: JsonObject,
  keystores: ReadonlyMap<string, string>,
): { dto: JsonObject } | ApiResponse {
  const result = validateConnection(decl, body);
  if (result.issues.length > 0) {
    return validationFailure(ctx, result.issues);
  }
  const references = resolveKeystoreReferences(decl, result.dto, keystores);
  return references.length > 0 ? validationFailure(ctx, references) : { dto: result.dto };
}

function bodyProblem(ctx: ApinizerContext, problem: BodyProblem, message: string): ApiResponse {
  if (problem === "too-large") {
    return failure(ctx.envelope, "too_large", message);
  }
  return failure(ctx.envelope, "bad_request", message);
}

/**
 * A field-level 400. v1 uses the error-handling page's validation shape: `"error":
 * "validation_failed"`, "Validation failed: ..." and `validation_errors`
 * (docs/api/apinizer.md#answers; the CRUD pages' `bad_request` stays for the other 400s: not found,
 * already exists, name mismatch, type change).
 */
function validationFailure(ctx: ApinizerContext, issues: readonly ValidationIssue[]): ApiResponse {
  const text = `Validation failed: ${issues.map((i) => `${i.field} ${i.message}`).join("; ")}`;
  if (ctx.envelope === "v2") {
    return failure("v2", "bad_request", text);
  }
  const response = failure("v1", "bad_request", text);
  const body = response.body as JsonObject;
  body.error = "validation_failed";
  body.validation_errors = issues.map((i) => ({ field: i.field, message: i.message }));
  return response;
}

function typeChangeMessage(existing: JsonObject, body: JsonObject): string {
  return `Connection type can not be changed (from ${String(existing.type)} to ${String(body.type)})!`;
}

function invalidTypeMessage(type: string): string {
  return `Connection type (${type}) is not valid! Valid types: ${CONNECTION_TYPES.map((t) => t.type).join(", ")}`;
}

function notFoundMessage(name: string): string {
  return `Connection (name: ${name}) was not found!`;
}

function methodNotAllowed(ctx: ApinizerContext, allowed: readonly string[]): ApiResponse {
  const response = apinizerErrorResponse(ctx.envelope, 405, "Request method is not supported");
  return { ...response, headers: { allow: allowed.join(", ") } };
}

function listEnvelope(ctx: ApinizerContext, items: JsonObject[]): ApiResponse {
  const head: JsonObject = ctx.envelope === "v1" ? { success: true } : { status: "SUCCESS" };
  return respond(200, { ...head, resultList: items, resultCount: items.length });
}

/**
 * The deploy envelope (docs/api/apinizer.md#deployment-result). v1 lists one result per environment
 * (`[]` when nothing was deployed); v2 shows only `{success}` unless something failed. A failed
 * deployment is still HTTP 200.
 */
function deployEnvelope(
  ctx: ApinizerContext,
  deployed: boolean,
  verb: "Deployment" | "Undeployment",
): ApiResponse {
  const environments = deployed ? [...new Set([...ctx.environments, ...ctx.deployFailures])] : [];
  const results = environments.map((environmentName) => {
    const failed = ctx.deployFailures.has(environmentName);
    return {
      environmentName,
      success: !failed,
      message: failed
        ? `${verb} failed on environment ${environmentName}: worker did not acknowledge`
        : `${verb} successful`,
    };
  });
  const success = results.every((r) => r.success);
  if (ctx.envelope === "v1") {
    return respond(200, {
      success: true,
      deploymentResult: { success, deploymentResults: results },
    });
  }
  const failed = results.find((r) => !r.success);
  const deploymentResult: JsonObject =
    failed === undefined
      ? { success: true }
      : {
          success: false,
          envName: failed.environmentName,
          detail: failed.message,
          deploymentResults: results,
        };
  return respond(200, { status: "SUCCESS", deploymentResult });
}

function failure(
  envelope: ApinizerEnvelope,
  kind: ApinizerErrorKind,
  message: string,
): ApiResponse {
  return apinizerErrorResponse(envelope, statusOf(envelope, kind), message);
}

function statusOf(envelope: ApinizerEnvelope, kind: ApinizerErrorKind): number {
  switch (kind) {
    case "unauthorized":
      return 401;
    case "not_found":
      // v2: "generally do not return 403 or 404" (docs/api/apinizer.md#not-found).
      return envelope === "v1" ? 404 : 400;
    case "forbidden":
      return envelope === "v1" ? 403 : 400;
    case "too_large":
      return envelope === "v1" ? 413 : 400;
    default:
      return 400;
  }
}

const V1_ERROR_CODES: Readonly<Record<number, string>> = {
  400: "bad_request",
  401: "unauthorized_client",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  429: "rate_limit_exceeded",
};

/**
 * An error in the active envelope (docs/api/apinizer.md#answers): v1 `{error, error_description}`,
 * v2 `{status: "FAILURE", resultMessage}`. Also used for injected faults.
 */
export function apinizerErrorResponse(
  envelope: ApinizerEnvelope,
  status: number,
  message: string,
  retryAfterSeconds?: number,
): ApiResponse {
  let body: JsonObject;
  if (envelope === "v1") {
    const code = V1_ERROR_CODES[status] ?? (status >= 500 ? "internal_error" : "bad_request");
    body = { error: code, error_description: message };
    if (status === 429 && retryAfterSeconds !== undefined) {
      body.retry_after = retryAfterSeconds; // generic v1 error page (its rate limit)
    }
  } else {
    body = { status: "FAILURE", resultMessage: message };
  }
  return { status, body, contentType: CONTENT_TYPE };
}

/**
 * The text of an injected error. The pages' own texts where they have one: v1's error-handling
 * page "An unexpected error occurred. Please try again later." (500) and "Rate limit exceeded.
 * Please try again later." (429); v2's "An unexpected error occurred" (500).
 */
export function apinizerStatusMessage(envelope: ApinizerEnvelope, status: number): string {
  if (status >= 500) {
    return envelope === "v1"
      ? "An unexpected error occurred. Please try again later."
      : "An unexpected error occurred";
  }
  if (status === 429 && envelope === "v1") {
    return "Rate limit exceeded. Please try again later.";
  }
  return STATUS_CODES[status] ?? "Error";
}

function respond(status: number, body: JsonValue): ApiResponse {
  return { ...jsonResponse(status, body), contentType: CONTENT_TYPE };
}

/**
 * Out-of-band dashboard edit: merges `changes` into the stored connection (null removes a field),
 * re-validates, and renames when `name` changes. Returns the stored form or the problems.
 */
export function adminEditApinizer(
  project: ApinizerProject,
  name: string,
  changes: JsonObject,
  store: Store,
  keystores: ReadonlyMap<string, string>,
): { status: number; body: JsonValue } {
  const existing = project.get(name.toLowerCase());
  if (existing === undefined) {
    return { status: 404, body: { error: notFoundMessage(name) } };
  }
  if (changes.type !== undefined && changes.type !== existing.type) {
    return { status: 400, body: { error: typeChangeMessage(existing, changes) } };
  }
  const decl = connectionType(String(existing.type));
  if (decl === undefined) {
    return { status: 400, body: { error: invalidTypeMessage(String(existing.type)) } };
  }
  const merged: JsonObject = { ...existing, ...changes };
  const result = validateConnection(decl, merged);
  // The dashboard resolves keystore names as the API does.
  const issues =
    result.issues.length > 0
      ? result.issues
      : resolveKeystoreReferences(decl, result.dto, keystores);
  if (issues.length > 0) {
    return {
      status: 400,
      body: { error: "validation failed", issues: [...issues] as unknown as JsonValue },
    };
  }
  const newKey = String(result.dto.name).toLowerCase();
  if (newKey !== name.toLowerCase() && project.has(newKey)) {
    return {
      status: 409,
      body: { error: `Connection (name: ${String(result.dto.name)}) already exists!` },
    };
  }
  project.delete(name.toLowerCase());
  project.set(newKey, result.dto);
  store.commit();
  return { status: 200, body: result.dto };
}
