import { z } from "zod";
import {
  ConnectionApiError,
  ConnectionNameConflictError,
  ConnectionResponseError,
  ConnectionValidationError,
} from "../core/errors";
import { credentialAdvice } from "../core/family";
import { OutputSpec } from "../core/fields";
import { HttpResponse } from "../core/http";
import {
  ApiCall,
  ConnectionApi,
  Props,
  Ref,
  Remote,
  ResourceKind,
  VersionConflict,
} from "../core/kind";
import {
  AbsenceEvidence,
  answerFacts,
  answerFieldSchema,
  apiSaid,
  couldNot,
  lacksApiPath,
  notTheApi,
  parseAnswer,
  parseListing,
  provesGone,
  send,
  urlOf,
  WireRequest,
} from "../core/wire";

/** Where one Pictory resource kind lives; its fields come from the kind's declaration. */
export interface PictoryEndpoint {
  /** Path below the base URL, e.g. `/v1/awsconnections`. */
  readonly path: string;
}

/** Upper bound on list pages while looking a name up (the list envelope documents no page size). */
const MAX_PAGES = 200;

const schemas = new WeakMap<ResourceKind, z.ZodType<Record<string, unknown>>>();

/**
 * An output as an answer carries it: the shape its declaration gives, else its wire type's; only
 * an optional one may be missing or null.
 */
function answerOutputSchema(spec: OutputSpec): z.ZodType {
  if (spec.answer === undefined) return answerFieldSchema(spec);
  return spec.optional ? spec.answer.nullish() : spec.answer;
}

/** The documented shape of one connection in any answer, derived from the kind's declaration. */
function itemSchema(kind: ResourceKind): z.ZodType<Record<string, unknown>> {
  let schema = schemas.get(kind);
  if (!schema) {
    const shape: Record<string, z.ZodType> = {};
    for (const [key, spec] of Object.entries(kind.fields)) shape[key] = answerFieldSchema(spec);
    for (const [key, spec] of Object.entries(kind.outputs)) shape[key] = answerOutputSchema(spec);
    schema = z.looseObject(shape);
    schemas.set(kind, schema);
  }
  return schema;
}

const LIST = z.looseObject({
  Items: z.array(z.looseObject({}), { error: "must be a list of connections" }),
  nextPageKey: z.string({ error: "must be a string" }).nullish(),
});

/** The Pictory connection protocol, shared by the AWS and Vimeo kinds. */
export function pictoryApi(endpoint: PictoryEndpoint): ConnectionApi {
  return {
    create: (call, _inputs, body) => create(call, endpoint, body),
    get: (call, ref) => getById(call, endpoint, ref.id),
    findByName: (call, inputs) => findByName(call, endpoint, inputs.name),
    findById: (call, _inputs, id) => getById(call, endpoint, id),
    list: (call) => list(call, endpoint),
    update: (call, ref, body) => update(call, endpoint, ref, body),
    delete: (call, ref) => remove(call, endpoint, ref),
    ownWords: [endpoint.path],
  };
}

function itemPath(endpoint: PictoryEndpoint, id: string): string {
  return `${endpoint.path}/${encodeURIComponent(id)}`;
}

/**
 * When a Pictory connection is gone. The vendor documents a 404 for an unknown ID (the AWS update
 * and get pages, reference 000_ and 001_: "The connection ID does not exist or has been deleted")
 * but not its body, and a gateway in front of the API (Kong: `404 {"message":"no Route
 * matched"}`) or a base URL without `/pictoryapis` answers a 404 of the same shape. So a 404 is
 * only a lead: the connection is gone once a well-formed listing of its collection (every page,
 * each item validated) lacks its ID, the step the same pages advise ("Use the Get AWS
 * Connections endpoint to list all available connections"). A 403 is never gone: another
 * account's connection, or a key without permission.
 */
function absence(endpoint: PictoryEndpoint, id: string): AbsenceEvidence {
  return {
    documented: () => false,
    maybe: (res) => res.status === 404 || res.status === 410,
    listed: async (call) => (await list(call, endpoint)).some((r) => r.id === id),
    expected: `the API's answer about connection ${id}`,
  };
}

function toRemote(kind: ResourceKind, item: Record<string, unknown>): Remote {
  const fields: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(kind.fields)) {
    if (!spec.local && key in item) fields[key] = item[key];
  }
  const computed: Record<string, unknown> = {};
  for (const key of Object.keys(kind.outputs)) {
    if (item[key] !== undefined && item[key] !== null) computed[key] = item[key];
  }
  const id = item.connectionId as string;
  if (!kind.lock) return { id, fields, computed };
  return { id, fields, computed, version: item[kind.lock.field] as number };
}

async function create(call: ApiCall, endpoint: PictoryEndpoint, body: Props): Promise<Remote> {
  const what = "create the connection";
  const req: WireRequest = { method: "POST", path: endpoint.path, body };
  const res = await send(call, what, req, false);
  expectOk(call, req, res, what);
  return toRemote(call.kind, parseAnswer(call, what, req, res, itemSchema(call.kind)));
}

async function getById(
  call: ApiCall,
  endpoint: PictoryEndpoint,
  id: string,
): Promise<Remote | undefined> {
  const what = "read the connection";
  const req: WireRequest = { method: "GET", path: itemPath(endpoint, id) };
  const res = await send(call, what, req, true);
  if (await provesGone(call, what, req, res, absence(endpoint, id))) return undefined;
  expectOk(call, req, res, what, id);
  const remote = toRemote(call.kind, parseAnswer(call, what, req, res, itemSchema(call.kind)));
  expectSameId(call, what, req, res, remote, id);
  return remote;
}

async function findByName(
  call: ApiCall,
  endpoint: PictoryEndpoint,
  name: unknown,
): Promise<Remote | undefined> {
  for await (const page of pages(call, endpoint)) {
    const hit = page.items.find((i) => i.name === name);
    if (hit) return page.parse(hit);
  }
  return undefined;
}

async function list(call: ApiCall, endpoint: PictoryEndpoint): Promise<Remote[]> {
  const all: Remote[] = [];
  for await (const page of pages(call, endpoint)) all.push(...page.items.map(page.parse));
  return all;
}

/** One list page: its raw items, and how to validate one as a get answer is validated. */
interface Page {
  readonly items: readonly Record<string, unknown>[];
  parse(item: Record<string, unknown>): Remote;
}

/**
 * The list pages document two keys, `Items` and, when more remain, a non-empty `nextPageKey`
 * (docs/api/pictory-vimeo.md#lists). Any other key may say that more follow in a way this
 * provider does not know to follow (a store's `LastEvaluatedKey` passed through), and an empty
 * `nextPageKey` says neither "last page" nor where the next one starts: a listing that lacks a
 * connection proves it gone only when it is complete, so such a page is an error, never the end.
 */
function expectComplete(call: ApiCall, what: string, req: WireRequest, res: HttpResponse): void {
  const body = res.body as Record<string, unknown>;
  const other = Object.keys(body).some((k) => k !== "Items" && k !== "nextPageKey");
  if (!other && body.nextPageKey !== "") return;
  throw new ConnectionResponseError(
    `${couldNot(call, what)}: ${req.method} ${urlOf(call, req)} answered ${answerFacts(res)} ` +
      `holding ${other ? "keys the list page does not document" : "an empty nextPageKey"}, so ` +
      `whether more connections follow is unknown and nothing was concluded from it; the state ` +
      `was left as it is: check that ${call.family.baseUrlKey} (now ${call.family.baseUrl}) ` +
      `reaches the API and no proxy rewrites its answers, or report the answer to the vendor`,
    { status: res.status },
  );
}

/** Every page of the list, following `nextPageKey` while the API sends one. */
async function* pages(call: ApiCall, endpoint: PictoryEndpoint): AsyncGenerator<Page> {
  const what = "list connections";
  let pageKey: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const req: WireRequest = {
      method: "GET",
      path: endpoint.path,
      ...(pageKey ? { query: { nextPageKey: pageKey } } : {}),
    };
    const res = await send(call, what, req, true);
    expectOk(call, req, res, what);
    const answer = parseListing(call, what, req, res, LIST);
    expectComplete(call, what, req, res);
    yield {
      items: answer.Items,
      parse: (item) =>
        toRemote(
          call.kind,
          parseAnswer(call, what, req, { ...res, body: item }, itemSchema(call.kind)),
        ),
    };
    // The AWS list documents no nextPageKey at all: its absence is the last page.
    if (!answer.nextPageKey) return;
    pageKey = answer.nextPageKey;
  }
  throw new ConnectionResponseError(
    `${couldNot(call, what)}: GET ${endpoint.path} still had a nextPageKey after ${MAX_PAGES} pages; ` +
      `the API keeps answering with more pages: report it to the vendor`,
  );
}

async function update(
  call: ApiCall,
  endpoint: PictoryEndpoint,
  ref: Ref,
  body: Props,
): Promise<Remote | VersionConflict> {
  const what = "update the connection";
  const { kind } = call;
  const { version } = ref;
  const sent: Record<string, unknown> = {
    ...body,
    ...(kind.lock ? { [kind.lock.field]: version } : {}),
  };
  for (const [key, spec] of Object.entries(kind.fields)) {
    // Fixed at creation: the AWS update page lists them as a cause of 400.
    if (spec.replaceOnChange) delete sent[key];
    // An omitted field keeps its stored value, so unsetting one sends the field's clearing value.
    else if (
      spec.clearWith !== undefined &&
      sent[key] === undefined &&
      ref.state[key] !== undefined
    )
      sent[key] = spec.clearWith;
  }
  const req: WireRequest = {
    method: "PUT",
    path: itemPath(endpoint, ref.id),
    body: sent,
  };
  const res = await send(call, what, req, true);
  if (res.status === 409) {
    const current = await getById(call, endpoint, ref.id);
    if (current && current.version !== version) {
      // A retried PUT whose first attempt landed looks like a conflict: accept it when it says what we sent.
      if (res.attempts > 1 && current.version === (version ?? 0) + 1 && matches(current, sent))
        return current;
      return { conflict: { sent: version, current: current.version } };
    }
  }
  if (await provesGone(call, what, req, res, absence(endpoint, ref.id))) {
    throw new ConnectionApiError(
      "NOT_FOUND",
      `${call.label} (ID ${ref.id}) no longer exists: the API answered 404 and its listing lacks ` +
        `the ID, so it was deleted outside Pulumi; run \`pulumi up --refresh\` to create it again`,
      { status: 404 },
    );
  }
  expectOk(call, req, res, what, ref.id);
  const remote = toRemote(kind, parseAnswer(call, what, req, res, itemSchema(kind)));
  expectSameId(call, what, req, res, remote, ref.id);
  // The AWS update answer may lack fields; what we sent is what the API now holds.
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(kind.fields)) if (sent[key] !== undefined) fields[key] = sent[key];
  return { ...remote, fields: { ...fields, ...remote.fields } };
}

async function remove(call: ApiCall, endpoint: PictoryEndpoint, ref: Ref): Promise<void> {
  const what = "delete the connection";
  const req: WireRequest = {
    method: "DELETE",
    path: itemPath(endpoint, ref.id),
  };
  const res = await send(call, what, req, true);
  // AWS answers 404 for an already deleted ID (confirmed by the listing); Vimeo answers 204.
  if (await provesGone(call, what, req, res, absence(endpoint, ref.id))) return;
  expectOk(call, req, res, what, ref.id);
  if (res.status === 204 && res.text === "") return;
  // Both delete pages answer 204 with an empty body (docs/api/pictory-aws.md#endpoints,
  // docs/api/pictory-vimeo.md#delete-is-idempotent). `200 {}`, a gateway's JSON message, a job
  // ID or a page are not the API's word that it deleted anything: the state keeps the connection.
  if (lacksApiPath(call.family)) throw notTheApi(call, what, req, res, "a 204 with an empty body");
  throw new ConnectionResponseError(
    `${couldNot(call, what)}: ${req.method} ${urlOf(call, req)} answered ${answerFacts(res)}, not ` +
      `the 204 with an empty body the API documents for a delete, so whether the connection was ` +
      `deleted is unknown and the state keeps it: check that ${call.family.baseUrlKey} (now ` +
      `${call.family.baseUrl}) reaches the API and no proxy answers in its place, then run the ` +
      `command again (\`pulumi refresh\` drops the connection from the state if the API no longer holds it)`,
    { status: res.status },
  );
}

/** An answer about another connection than the one addressed is no answer about this one. */
function expectSameId(
  call: ApiCall,
  what: string,
  req: WireRequest,
  res: HttpResponse,
  remote: Remote,
  id: string,
): void {
  if (remote.id === id) return;
  throw new ConnectionResponseError(
    `${couldNot(call, what)}: ${req.method} ${req.path} answered with the connectionId of another ` +
      `connection; this answer was not written to the state: check that ${call.family.baseUrlKey} ` +
      `points at the API (now ${call.family.baseUrl})`,
    { status: res.status },
  );
}

function matches(remote: Remote, sent: Props): boolean {
  return Object.entries(remote.fields).every(([k, v]) => sent[k] === undefined || sent[k] === v);
}

/** Turns a non-2xx answer into a typed error whose message names the cause and the fix. */
function expectOk(
  call: ApiCall,
  req: WireRequest,
  res: HttpResponse,
  what: string,
  id?: string,
): void {
  if (res.status >= 200 && res.status < 300) return;
  // Every documented route exists, and an unknown ID was confirmed or refuted before (absence):
  // a gateway, a framework or a base URL without the API's path answered these.
  if ([404, 405, 410].includes(res.status))
    throw notTheApi(call, what, req, res, "an answer the API documents");
  const body = (res.json && res.body !== null && typeof res.body === "object" ? res.body : {}) as {
    message?: unknown;
    fields?: unknown;
  };
  // The documented 400 shape: `message` and `fields: [{name, errors}]`, `errors` a text (or a
  // list of texts); anything else in the body is not shown.
  const fields = (Array.isArray(body.fields) ? body.fields : []).map((f) => {
    const { name, errors } = (f ?? {}) as { name?: unknown; errors?: unknown };
    const texts = (Array.isArray(errors) ? errors : [errors]).filter((e) => typeof e === "string");
    return typeof name === "string" ? `${name}: ${texts.join(", ")}` : texts.join(", ");
  });
  const said = apiSaid(call, res, [body.message, fields.join("; ")]);
  const prefix = `${couldNot(call, what)}: the API answered ${res.status}${said ? ` (${said})` : ""}`;
  switch (res.status) {
    case 400:
      throw new ConnectionValidationError(
        "VALIDATION_FAILED",
        `${prefix}; fix the named field in the program`,
        {
          status: 400,
        },
      );
    case 401:
      throw new ConnectionApiError(
        "UNAUTHORIZED",
        `${prefix}; the API key was refused: ${credentialAdvice(call.family.declaration, call.family.account)}`,
        { status: 401 },
      );
    case 403:
      throw new ConnectionApiError(
        "FORBIDDEN",
        `${prefix}; ${id ? `connection ${id}` : "this connection"} is not accessible with the configured ` +
          `API key: it belongs to another Pictory account, or the key lacks permission. Check that ` +
          `${call.family.credentialKey} is the key of the account that owns it; the state was left as it is`,
        { status: 403 },
      );
    case 409:
      throw new ConnectionNameConflictError(
        `${prefix}; names are unique per account: choose another name, or set adopt: true to manage the existing connection`,
        { status: 409 },
      );
    default:
      throw new ConnectionApiError(
        "API_ERROR",
        `${prefix}; ${res.status >= 500 || res.status === 429 ? "the API is unavailable or rate limiting: retry later" : "see the API's message"}`,
        { status: res.status },
      );
  }
}
