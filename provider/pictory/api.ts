import { versionConflict } from "../core/engine";
import { ConnectionApiError, ConnectionNameConflictError } from "../core/errors";
import { HttpResponse } from "../core/http";
import { ApiCall, ConnectionApi, Props, Ref, Remote } from "../core/kind";

/** Declaration of one Pictory collection (spec A.1, B.1): both families share this protocol. */
export interface PictoryCollection {
  /** Path below the base URL, e.g. `/v1/awsconnections`. */
  readonly path: string;
  /** Fields sent on create only: the API does not accept them on PUT (spec A.2 immutability). */
  readonly createOnly: readonly string[];
  /** Declared fields the API may return. */
  readonly fields: readonly string[];
}

/** Output-only properties the Pictory API computes (spec A.2, B.2). */
const COMPUTED = ["connectionId", "version", "createdDate", "updatedDate"] as const;

/** Upper bound on list pages while looking a name up (spec A+B "List envelope" has no page size). */
const MAX_PAGES = 200;

export function pictoryApi(collection: PictoryCollection): ConnectionApi {
  const headers = (call: ApiCall) => ({ authorization: call.family.credential });

  const toRemote = (body: unknown): Remote => {
    const obj = (body ?? {}) as Record<string, unknown>;
    const fields: Record<string, unknown> = {};
    for (const f of collection.fields) if (f in obj) fields[f] = obj[f];
    const computed: Record<string, unknown> = {};
    for (const c of COMPUTED) if (obj[c] !== undefined && obj[c] !== null) computed[c] = obj[c];
    return { id: String(obj.connectionId ?? ""), fields, computed };
  };

  const findByName = async (call: ApiCall, name: unknown): Promise<Remote | undefined> => {
    let pageKey: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await call.http.send(
        {
          method: "GET",
          path: collection.path,
          headers: headers(call),
          ...(pageKey ? { query: { nextPageKey: pageKey } } : {}),
        },
        true,
      );
      expectOk(call, res, "list connections");
      const body = res.body as { Items?: unknown[]; nextPageKey?: string };
      const hit = (body.Items ?? []).find((i) => (i as { name?: unknown }).name === name);
      if (hit) return toRemote(hit);
      if (!body.nextPageKey) return undefined;
      pageKey = body.nextPageKey;
    }
    return undefined;
  };

  const get = async (call: ApiCall, id: string): Promise<Remote | undefined> => {
    const res = await call.http.send(
      {
        method: "GET",
        path: `${collection.path}/${encodeURIComponent(id)}`,
        headers: headers(call),
      },
      true,
    );
    if (res.status === 404) return undefined;
    expectOk(call, res, "read the connection");
    return toRemote(res.body);
  };

  return {
    async create(call, _inputs, body) {
      const res = await call.http.send(
        { method: "POST", path: collection.path, headers: headers(call), body },
        false,
      );
      expectOk(call, res, "create the connection");
      return toRemote(res.body);
    },
    get: (call, ref) => get(call, ref.id),
    findByName: (call, inputs) => findByName(call, inputs.name),
    findById: (call, _inputs, id) => get(call, id),
    async update(call: ApiCall, ref: Ref, body: Props, version: number | undefined) {
      const sent: Record<string, unknown> = { ...body, version };
      for (const f of collection.createOnly) delete sent[f];
      // Spec B.2: an omitted field keeps its stored value, so "unset" must be sent as "" to clear.
      if (sent.description === undefined && ref.state.description !== undefined)
        sent.description = "";
      const res = await call.http.send(
        {
          method: "PUT",
          path: `${collection.path}/${encodeURIComponent(ref.id)}`,
          headers: headers(call),
          body: sent,
        },
        true,
      );
      if (res.status === 409) {
        const current = await get(call, ref.id);
        if (current && current.computed.version !== version) {
          // A retried PUT whose first attempt landed looks like a conflict: accept it when it says what we sent.
          if (
            res.attempts > 1 &&
            current.computed.version === (version ?? 0) + 1 &&
            matches(current, sent)
          )
            return current;
          throw versionConflict(call.label, ref.id, version, current.computed.version);
        }
      }
      if (res.status === 404) {
        throw new ConnectionApiError(
          "NOT_FOUND",
          `${call.label} (ID ${ref.id}) no longer exists: it was deleted outside Pulumi; run \`pulumi up --refresh\` to create it again`,
          404,
        );
      }
      expectOk(call, res, "update the connection");
      const remote = toRemote(res.body);
      // Spec A.3: the AWS update answer may lack fields; what we sent is what the API now holds.
      return {
        ...remote,
        id: remote.id || ref.id,
        fields: { ...pickFields(collection, sent), ...remote.fields },
      };
    },
    async delete(call, ref) {
      const res = await call.http.send(
        {
          method: "DELETE",
          path: `${collection.path}/${encodeURIComponent(ref.id)}`,
          headers: headers(call),
        },
        true,
      );
      // Spec A.4: AWS delete answers 404 for an already deleted ID; Vimeo answers 204 (B.1).
      if (res.status === 404) return;
      expectOk(call, res, "delete the connection");
    },
  };
}

function pickFields(collection: PictoryCollection, body: Props): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of collection.fields) if (body[f] !== undefined) out[f] = body[f];
  return out;
}

function matches(remote: Remote, sent: Props): boolean {
  return Object.entries(remote.fields).every(([k, v]) => sent[k] === undefined || sent[k] === v);
}

/** Turns a non-2xx answer into a typed error whose message names the cause and the fix. */
function expectOk(call: ApiCall, res: HttpResponse, what: string): void {
  if (res.status >= 200 && res.status < 300) return;
  const body = (res.body ?? {}) as {
    message?: unknown;
    fields?: { name?: unknown; errors?: unknown }[];
  };
  const detail =
    typeof body.message === "string"
      ? body.message
      : typeof res.body === "string"
        ? res.body.slice(0, 200)
        : "";
  const fields = Array.isArray(body.fields)
    ? body.fields.map((f) => `${String(f.name)}: ${String(f.errors)}`).join("; ")
    : "";
  const said = [detail, fields].filter(Boolean).join(" - ");
  const prefix = `${call.label}: could not ${what}: the API answered ${res.status}${said ? ` (${said})` : ""}`;
  switch (res.status) {
    case 400:
      throw new ConnectionApiError(
        "VALIDATION_FAILED",
        `${prefix}; fix the named field in the program`,
        400,
      );
    case 401:
      throw new ConnectionApiError(
        "UNAUTHORIZED",
        `${prefix}; the API key was refused: set a valid key with \`pulumi config set --secret pictory:apiKey <key>\` or PICTORY_API_KEY`,
        401,
      );
    case 403:
      throw new ConnectionApiError(
        "FORBIDDEN",
        `${prefix}; the key's account may not change this connection`,
        403,
      );
    case 409:
      throw new ConnectionNameConflictError(
        `${prefix}; names are unique per account: choose another name, or set adopt: true to manage the existing connection`,
        409,
      );
    default:
      throw new ConnectionApiError(
        "API_ERROR",
        `${prefix}; ${res.status >= 500 || res.status === 429 ? "the API is unavailable or rate limiting: retry later" : "see the API's message"}`,
        res.status,
      );
  }
}
