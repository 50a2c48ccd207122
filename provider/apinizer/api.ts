import { z } from "zod";
import {
  ConnectionApiError,
  ConnectionNameConflictError,
  ConnectionResponseError,
  ConnectionValidationError,
} from "../core/errors";
import { credentialAdvice } from "../core/family";
import { FieldSpec, isUnreadable, jsonEqual } from "../core/fields";
import { HttpClient, HttpResponse } from "../core/http";
import { ApiCall, ConnectionApi, Props, Ref, Remote, ResourceKind } from "../core/kind";
import {
  AbsenceEvidence,
  answerFieldSchema,
  apiSaid,
  couldNot,
  isJsonAnswer,
  notTheApi,
  parseAnswer,
  parseListing,
  provesGone,
  send,
  WireRequest,
} from "../core/wire";
import { excerpt } from "../core/secrets";

/**
 * Apinizer's connection protocol: addressed by project and name, no server ID and no version,
 * trailing slashes required, and two envelope generations that we both accept: `{success}` +
 * `{error, error_description}` (management-api-docs v1) and `{status}` + `{resultMessage}`
 * (docs.apinizer.com v2).
 */
export const apinizerApi: ConnectionApi = {
  create,
  // Until the server is known to be v1, whose POST refuses an existing name.
  createMayOverwrite: (call) => generations.get(call.http) !== "v1",
  // By the project and name in state, never by parsing the ID: after a rename the ID is the old
  // name until this read returns the new one (see toRemote).
  get: (call, ref) => getByName(call, ref.state.projectName, ref.state.name, ref.state.type),
  findByName: (call, inputs) => getByName(call, inputs.projectName, inputs.name, inputs.type),
  findById: (call, inputs, id) => getByName(call, inputs.projectName, id, inputs.type),
  list,
  update,
  delete: remove,
  ownWords: ["/projects/", "/connections/"],
};

type Generation = "v1" | "v2";

/**
 * The envelope generation each server answered with. A v2 server's POST is an upsert (the v2
 * create page), so until a server is known to be v1 every create looks the name up first: one
 * GET per create is the price of never overwriting a connection another stack owns.
 */
const generations = new WeakMap<HttpClient, Generation>();

/**
 * One path segment. `encodeURIComponent` leaves `.` alone, and a `.` or `..` segment is resolved
 * away by clients and proxies (RFC 3986 5.2.4): refused here too, for state written before check
 * refused it.
 */
function segment(call: ApiCall, field: string, value: unknown): string {
  const s = typeof value === "string" ? value : "";
  if (s === "" || s === "." || s === "..") {
    throw new ConnectionValidationError(
      "VALIDATION_FAILED",
      `${call.label}: ${field} must be a name, not ${s === "" ? "empty" : JSON.stringify(s)}: ` +
        `it is a path segment of every request; set ${field} to the connection's real ${field}`,
    );
  }
  return encodeURIComponent(s);
}

function path(call: ApiCall, project: unknown, name: unknown): string {
  return `/projects/${segment(call, "projectName", project)}/connections/${segment(call, "name", name)}/`;
}

const ENVELOPE = z.looseObject({
  success: z.boolean({ error: "must be true or false" }).optional(),
  status: z.string({ error: "must be a string" }).optional(),
});

const DEPLOYMENT = z
  .looseObject({
    success: z.boolean({ error: "must be true or false" }).nullish(),
    deploymentResults: z
      .array(
        z.looseObject({
          environmentName: z.string().nullish(),
          success: z.boolean().nullish(),
          message: z.string().nullish(),
        }),
        { error: "must be a list" },
      )
      .nullish(),
  })
  .nullish();

const WRITE_ANSWER = ENVELOPE.extend({ deploymentResult: DEPLOYMENT });

const schemas = new WeakMap<ResourceKind, z.ZodType<{ resultList: Record<string, unknown>[] }>>();

/** Every field the kind declares, in all its types. */
function allFields(kind: ResourceKind): Record<string, FieldSpec> {
  return Object.assign({}, kind.fields, ...Object.values(kind.variants?.sets ?? {})) as Record<
    string,
    FieldSpec
  >;
}

/** The get answer: the envelope and a list of connections shaped as the kind declares. */
function getSchema(kind: ResourceKind): z.ZodType<{ resultList: Record<string, unknown>[] }> {
  let schema = schemas.get(kind);
  if (!schema) {
    const shape: Record<string, z.ZodType> = {};
    for (const [key, spec] of Object.entries(allFields(kind))) shape[key] = answerFieldSchema(spec);
    // The project is a path segment, never part of the body.
    delete shape.projectName;
    const item = z.looseObject({
      ...shape,
      name: z.string({ error: "must be the connection's name" }).min(1),
      type: z.string({ error: "must be the connection's type" }),
    });
    schema = ENVELOPE.extend({
      resultList: z.array(item, { error: "must be a list of connections" }),
    });
    schemas.set(kind, schema);
  }
  return schema;
}

function toRemote(
  kind: ResourceKind,
  project: unknown,
  item: Record<string, unknown>,
  computed: Props = {},
): Remote {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(allFields(kind))) {
    if (!spec.local && key in item) out[key] = item[key];
  }
  out.projectName = project;
  // The ID is the project and the connection's real name. Pulumi's update answer carries no ID
  // (the dynamic-provider host drops it), so after a rename the state keeps the old ID until
  // the next read, whose new ID the engine records; operations therefore address the connection
  // by the project and name in state, which an update always brings up to date.
  return { id: `${String(project)}/${String(item.name)}`, fields: out, computed };
}

async function getByName(
  call: ApiCall,
  project: unknown,
  name: unknown,
  type?: unknown,
): Promise<Remote | undefined> {
  const what = "read the connection";
  const req: WireRequest = {
    method: "GET",
    path: path(call, project, name),
  };
  const res = await send(call, what, req, true);
  learnGeneration(call, res);
  if (await provesGone(call, what, req, res, absence(project, name, type))) return undefined;
  expectOk(call, req, res, what);
  const answer = parseAnswer(call, what, req, res, getSchema(call.kind));
  const item = answer.resultList[0];
  // The get pages answer one connection ("resultCount: Always 1 for get operation", v2
  // get-connection.mdx) and a missing one with the not-found envelope (documentsAbsence). An empty
  // list is neither: a gateway's or cache's answer, which must not drop a live connection.
  if (!item) throw notTheApi(call, what, req, res, "the documented answer holding one connection");
  // The ID and the name in state come from this answer: another connection's would move the
  // resource onto it. Names are unique case-insensitively, so only the case may differ. The name
  // answered is the API's text, masked run by run like any other.
  if (String(item.name).toLowerCase() !== String(name).toLowerCase()) {
    throw new ConnectionResponseError(
      `${couldNot(call, what)}: ${req.method} ${req.path} answered with the connection ` +
        `"${excerpt(String(item.name), call.secrets, 100)}" instead of ${JSON.stringify(name)}; this answer was not written to the state: ` +
        `check that ${call.family.baseUrlKey} points at the API (now ${call.family.baseUrl})`,
      { status: res.status },
    );
  }
  return toRemote(call.kind, project, item);
}

/**
 * The list of one type in a project (its `type` query parameter is required, and the list is not
 * paginated: docs/api/apinizer.md#endpoints). The list shows every secret as `null`, so each
 * connection is then read on its own, as a refresh reads it: its readable secrets are present, and
 * are not mistaken for unset.
 */
async function list(call: ApiCall, scope: Props): Promise<Remote[]> {
  const projectName = scope.projectName;
  const answer = await listType(call, projectName, scope.type);
  // The client bounds the requests in flight (connections:maxInFlight).
  const read = await Promise.all(
    answer.resultList.map((item) => getByName(call, projectName, item.name, scope.type)),
  );
  // A connection deleted between the list and its read is gone: not listed.
  return read.filter((r): r is Remote => r !== undefined);
}

/** One type's list in a project, validated: the envelope and every item. */
async function listType(
  call: ApiCall,
  project: unknown,
  type: unknown,
): Promise<{ resultList: Record<string, unknown>[] }> {
  const what = "list connections";
  const req: WireRequest = {
    method: "GET",
    path: `/projects/${segment(call, "projectName", project)}/connections/`,
    query: { type: String(type) },
  };
  const res = await send(call, what, req, true);
  learnGeneration(call, res);
  expectOk(call, req, res, what);
  const answer = parseListing(call, what, req, res, getSchema(call.kind));
  if (!isListEnvelope(res.body, answer.resultList.length))
    throw notTheApi(call, what, req, res, LIST_ENVELOPE);
  return answer;
}

/** The list pages' keys: v1 list-connections.md and v2 list-connections.mdx. */
const LIST_KEYS = new Set(["success", "status", "resultList", "resultCount"]);

const LIST_ENVELOPE =
  'the documented list answer: "success": true (v1) or "status": "SUCCESS" (v2), neither ' +
  'contradicted by the other, with only "resultList" and a "resultCount" equal to its length';

/**
 * Whether a listing's envelope is exactly the list pages' answer. An empty listing is what drops a
 * connection from the state after a gateway's 404, so an envelope that contradicts itself (`success:
 * true` with `status: "FAILURE"`), says more exist than it holds (`resultCount`), or carries an
 * undocumented key (a total, a page marker, a message) is no evidence: the pages document no
 * paging, and any other key means something answered that we do not know.
 */
function isListEnvelope(body: unknown, length: number): boolean {
  const b = body as Record<string, unknown>;
  if (!Object.keys(b).every((key) => LIST_KEYS.has(key))) return false;
  const v1 = b.success === true && (!("status" in b) || b.status === "SUCCESS");
  const v2 = b.status === "SUCCESS" && (!("success" in b) || b.success === true);
  return (v1 || v2) && (!("resultCount" in b) || b.resultCount === length);
}

/** The names one type's list holds, lowercased (names are unique case-insensitively). */
async function listNames(call: ApiCall, project: unknown, type: string): Promise<Set<string>> {
  const answer = await listType(call, project, type);
  return new Set(answer.resultList.map((item) => String(item.name).toLowerCase()));
}

async function write(
  call: ApiCall,
  method: "POST" | "PUT",
  target: string,
  body: Props,
  what: string,
): Promise<{ computed: Props; warning?: string }> {
  const { projectName, ...dto } = body;
  void projectName;
  const req: WireRequest = { method, path: target, body: dto };
  const res = await send(call, what, req, method === "PUT");
  learnGeneration(call, res);
  expectOk(call, req, res, what);
  const answer = parseAnswer(call, what, req, res, WRITE_ANSWER);
  return deployment(call, answer.deploymentResult);
}

async function create(call: ApiCall, inputs: Props, body: Props): Promise<Remote> {
  const what = "create the connection";
  const target = path(call, inputs.projectName, inputs.name);
  const written = await write(call, "POST", target, body, what);
  return withWarning(
    toRemote(call.kind, inputs.projectName, { ...body }, written.computed),
    written.warning,
  );
}

async function update(call: ApiCall, ref: Ref, body: Props): Promise<Remote> {
  const what = "update the connection";
  const { projectName, name } = ref.state;
  const { projectName: _project, ...dto } = body;
  void _project;
  // A PUT to the current name with a different body name renames in place.
  const req: WireRequest = { method: "PUT", path: path(call, projectName, name), body: dto };
  const res = await send(call, what, req, true);
  learnGeneration(call, res);
  if (!succeeded(res)) {
    if (await provesGone(call, what, req, res, absence(projectName, name, ref.state.type)))
      return afterNotFound(call, ref, body, res.status);
    expectOk(call, req, res, what);
  }
  const answer = parseAnswer(call, what, req, res, WRITE_ANSWER);
  const written = deployment(call, answer.deploymentResult);
  const remote = toRemote(call.kind, projectName, { ...body }, written.computed);
  return withWarning(remote, written.warning);
}

/**
 * An update the API answered with "not found" for the name in state. A rename whose answer was
 * lost (the server applied the PUT, the connection reset, the retried PUT went to the old name),
 * or one an interrupted run applied, left the connection under the new name: found there with
 * the values sent, the update is done. Only when neither name exists is it deleted; a refresh
 * advised then re-creates it, where advising one for a renamed connection would orphan it.
 */
async function afterNotFound(
  call: ApiCall,
  ref: Ref,
  body: Props,
  status: number,
): Promise<Remote> {
  const { projectName, name, type } = ref.state;
  const target = body.name;
  const renamed = typeof target === "string" && target.toLowerCase() !== String(name).toLowerCase();
  if (renamed) {
    const lookup: ApiCall = {
      ...call,
      during: `learn whether the rename to "${target}" was applied`,
    };
    const found = await getByName(lookup, projectName, target, type);
    if (found && holdsSent(call.kind, found, body)) return found;
    if (found) {
      throw new ConnectionApiError(
        "API_ERROR",
        `${couldNot(call, "update the connection")}: the API has no connection named ` +
          `${JSON.stringify(name)} in project ${JSON.stringify(projectName)} any more, and one named ` +
          `${JSON.stringify(target)} (the new name) holds other values than this update sent: a rename ` +
          `may have been applied and the connection changed since. The state was left as it is; ` +
          `check that connection in the Apinizer console before running \`pulumi up\` again`,
      );
    }
  }
  throw new ConnectionApiError(
    "NOT_FOUND",
    `${couldNot(call, "update the connection")}: the API answered that no connection named ` +
      `${JSON.stringify(name)} exists in project ${JSON.stringify(projectName)}` +
      `${renamed ? `, nor one named ${JSON.stringify(target)}` : ""}: it was deleted outside Pulumi; ` +
      `run \`pulumi refresh\` so that the next \`pulumi up\` creates it again`,
    { status },
  );
}

/** Whether a connection read back holds every readable value an update sent. */
function holdsSent(kind: ResourceKind, found: Remote, sent: Props): boolean {
  const specs = allFields(kind);
  return Object.entries(found.fields).every(([key, value]) => {
    const spec = specs[key];
    if (!spec || spec.local || isUnreadable(spec) || key === "projectName") return true;
    if (value === null || value === undefined || sent[key] === undefined) return true;
    return jsonEqual(value, sent[key]);
  });
}

async function remove(call: ApiCall, ref: Ref): Promise<void> {
  const what = "delete the connection";
  const req: WireRequest = {
    method: "DELETE",
    path: path(call, ref.state.projectName, ref.state.name),
  };
  const res = await send(call, what, req, true);
  learnGeneration(call, res);
  if (
    await provesGone(
      call,
      what,
      req,
      res,
      absence(ref.state.projectName, ref.state.name, ref.state.type),
    )
  )
    return;
  expectOk(call, req, res, what);
}

function learnGeneration(call: ApiCall, res: HttpResponse): void {
  if (!res.json || res.body === null || typeof res.body !== "object") return;
  const b = res.body as Record<string, unknown>;
  if (typeof b.success === "boolean") generations.set(call.http, "v1");
  else if (typeof b.status === "string" && !generations.has(call.http))
    generations.set(call.http, "v2");
}

function withWarning(remote: Remote, warning: string | undefined): Remote {
  return warning === undefined ? remote : { ...remote, warning };
}

/** The message of an error envelope, in either generation. */
function message(res: HttpResponse): unknown {
  if (!res.json || res.body === null || typeof res.body !== "object") return undefined;
  const b = res.body as { error_description?: unknown; resultMessage?: unknown; message?: unknown };
  return b.error_description ?? b.resultMessage ?? b.message;
}

function said(res: HttpResponse): string {
  const m = message(res);
  return typeof m === "string" ? m : "";
}

/**
 * An unknown project is "Project 'X' not found" (v1, 404) or "Project (X) is not found!" (v2,
 * 400). Matched on the wording, not on the word "connection" anywhere: a project may well be
 * called "connections-team", and "Connection (name: project-a) was not found!" is no project.
 */
function isProjectMissing(text: string): boolean {
  return /\bproject\b/i.test(text) && /not found/i.test(text) && !/^\s*connection\b/i.test(text);
}

const V1_ERROR = z.looseObject({ error: z.string(), error_description: z.string() });
const V2_ERROR = z.looseObject({ status: z.literal("FAILURE"), resultMessage: z.string() });

/**
 * The vendor's not-found answer for the connection `name`, and nothing looser. v1
 * (management-api-docs, get-connection.md and delete-connection.md): `404` or `400` with
 * `{"error", "error_description": "Connection (name: X) was not found!"}`; v2 (docs.apinizer.com
 * update-connection.mdx and delete-connection.mdx): `400 {"status": "FAILURE",
 * "resultMessage": "Connection (name: X) was not found!"}`. Both the envelope, sent as JSON, and a
 * message naming this very connection are required: a gateway's `404 {"error": "not found"}`
 * or a framework's `No handler found for GET ...` has the words but is no answer of the API's.
 * Names are unique case-insensitively, so only the case may differ.
 */
function documentsAbsence(res: HttpResponse, name: unknown): boolean {
  if (!isJsonAnswer(res)) return false;
  const v1 = V1_ERROR.safeParse(res.body);
  const v2 = V2_ERROR.safeParse(res.body);
  const text =
    v1.success && (res.status === 404 || res.status === 400)
      ? v1.data.error_description
      : v2.success && res.status === 400
        ? v2.data.resultMessage
        : undefined;
  const named =
    text === undefined
      ? null
      : /^Connection \(name: (.*)\) (?:was|is) not found!?$/i.exec(text.trim());
  return named !== null && named[1]!.toLowerCase() === String(name).toLowerCase();
}

/**
 * When an Apinizer connection is gone: the documented not-found answer above; otherwise an answer
 * that might mean it (any other 404 or 410) is confirmed by the
 * well-formed listing of the connection's type in its project, which is not paginated, or fails.
 */
function absence(project: unknown, name: unknown, type: unknown): AbsenceEvidence {
  return {
    documented: (res) => documentsAbsence(res, name),
    maybe: (res) => (res.status === 404 || res.status === 410) && !isProjectMissing(said(res)),
    listed:
      typeof type === "string" && type !== ""
        ? async (call) => (await listNames(call, project, type)).has(String(name).toLowerCase())
        : undefined,
    expected: `the API's answer about connection ${JSON.stringify(name)}`,
  };
}

/** Either generation's error envelope. */
function hasEnvelope(res: HttpResponse): boolean {
  return V1_ERROR.safeParse(res.body).success || V2_ERROR.safeParse(res.body).success;
}

function succeeded(res: HttpResponse): boolean {
  const b = (res.json && res.body !== null && typeof res.body === "object" ? res.body : {}) as {
    success?: unknown;
    status?: unknown;
  };
  return res.status >= 200 && res.status < 300 && (b.success === true || b.status === "SUCCESS");
}

/**
 * A failed deployment comes back with HTTP 200. The connection is saved all the same, so this is
 * reported as a warning on the result; the engine applies the `onDeploymentFailure` policy once
 * the connection is safely in state.
 */
function deployment(
  call: ApiCall,
  result: z.infer<typeof DEPLOYMENT>,
): { computed: Props; warning?: string } {
  if (!result) return { computed: {} };
  if (result.success !== false) return { computed: { deploymentResult: result } };
  const failed = (result.deploymentResults ?? [])
    .filter((e) => e.success === false)
    .map(
      (e) =>
        `${excerpt(e.environmentName ?? "an unnamed environment", call.secrets, 60)} ` +
        `(${excerpt(e.message ?? "", call.secrets) || "no message"})`,
    );
  return {
    computed: { deploymentResult: result },
    warning: `${call.label}: saved, but deploying it to the workers failed in ${failed.join(", ") || "an unnamed environment"}`,
  };
}

function expectOk(call: ApiCall, req: WireRequest, res: HttpResponse, what: string): void {
  if (succeeded(res)) return;
  const text = said(res);
  const shown = apiSaid(call, res, [text], `${req.method} ${req.path}`);
  const prefix = `${couldNot(call, what)}: the API answered ${res.status}${shown ? ` (${shown})` : ""}`;
  const failureEnvelope =
    res.json &&
    res.body !== null &&
    typeof res.body === "object" &&
    ((res.body as { success?: unknown }).success === false ||
      (typeof (res.body as { status?: unknown }).status === "string" && text !== ""));
  if (res.status >= 200 && res.status < 300 && !failureEnvelope) {
    // A 2xx without the documented envelope is not an answer we can trust; not JSON says so first.
    if (!res.json) parseAnswer(call, what, req, res, ENVELOPE);
    throw new ConnectionResponseError(
      `${couldNot(call, what)}: ${req.method} ${req.path} answered ${res.status} without the documented ` +
        `envelope (neither "success": true nor "status": "SUCCESS"); this answer was not written to the state: ` +
        `check that ${call.family.baseUrlKey} points at the API's /apiops root (now ${call.family.baseUrl})`,
      { status: res.status },
    );
  }
  // No documented route answers these without the envelope: a gateway, a framework or a base URL
  // without `/apiops` did (both generations' error-handling pages document an envelope for all).
  if (!(isJsonAnswer(res) && hasEnvelope(res)) && [404, 405, 410].includes(res.status))
    throw notTheApi(call, what, req, res, "an answer in the API's documented envelope");
  if (res.status === 401) {
    throw new ConnectionApiError(
      "UNAUTHORIZED",
      `${prefix}; the token was refused: ${credentialAdvice(call.family.declaration, call.family.account)}`,
      { status: 401 },
    );
  }
  if (res.status === 403 || /permission/i.test(text)) {
    throw new ConnectionApiError(
      "FORBIDDEN",
      `${prefix}; the token's user needs CONNECTIONS manage rights in the project; the state was left as it is`,
      { status: res.status },
    );
  }
  if (/already exist/i.test(text)) {
    throw new ConnectionNameConflictError(
      `${prefix}; names are unique per project (case-insensitive): choose another name, or set adopt: true to manage the existing connection`,
      { status: res.status },
    );
  }
  if (isProjectMissing(text)) {
    throw new ConnectionApiError(
      "NOT_FOUND",
      `${prefix}; create the project first or fix projectName`,
      {
        status: res.status,
      },
    );
  }
  if (/^\s*connection\b.*(was|is) not found/i.test(text)) {
    // Not the documented answer for the connection addressed (see documentsAbsence), so no
    // conclusion about it: advising a refresh here could drop a live connection from the state.
    throw new ConnectionApiError(
      "API_ERROR",
      `${prefix}; the API named a connection that it cannot find, not the one addressed; ` +
        `the state was left as it is: check the names in the program and in the Apinizer console`,
      { status: res.status },
    );
  }
  if (res.status >= 400 && res.status < 500 && res.status !== 429) {
    throw new ConnectionValidationError(
      "VALIDATION_FAILED",
      `${prefix}; fix the named field in the program`,
      {
        status: res.status,
      },
    );
  }
  throw new ConnectionApiError(
    "API_ERROR",
    `${prefix}; ${res.status >= 500 || res.status === 429 ? "the API is unavailable or rate limiting: retry later" : "the API answered with an unexpected status: see its message"}`,
    { status: res.status },
  );
}
