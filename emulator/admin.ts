import { createHash } from "node:crypto";
import { z, ZodError } from "zod";
import { adminEditApinizer, projectKeystores } from "./apinizer";
import { connectionType, replaceSecrets } from "./apinizer-types";
import type { FaultEngine } from "./faults";
import {
  decodeSegment,
  emptyResponse,
  isJsonObject,
  jsonResponse,
  parseJsonObject,
  type ApiRequest,
  type ApiResponse,
  type JsonObject,
  type JsonValue,
} from "./http";
import { adminEditPictory, fullObject } from "./pictory";
import { PICTORY_FAMILIES, type PictoryFamily } from "./pictory-families";
import type { RequestLog } from "./request-log";
import type { PictoryFamilyId, PictoryRecord, Store, Tenant } from "./store";
import type { ApinizerEnvelope, FaultRule, FaultSettings } from "./types";

export const ADMIN_PREFIX = "/_emulator/";

/** What the admin API reaches into. */
export interface AdminContext {
  readonly store: Store;
  readonly faults: FaultEngine;
  readonly requestLog: RequestLog;
  readonly envelope: ApinizerEnvelope;
  readonly pageSize: number;
  readonly unpaged: ReadonlySet<PictoryFamilyId>;
  /** Clears connections, faults and the request log; restores keystores and access rules. */
  reset(): void;
}

/** Body of `PUT /_emulator/pictory-access`: the PictoryAccessRules of types.ts. */
const pictoryAccessSchema = z.strictObject({
  forbiddenIds: z.array(z.string().min(1).max(100)).max(10_000).optional(),
  othersForbidden: z.boolean().optional(),
});

/** Body of `POST /_emulator/apinizer-keystores/{project}`. */
const keystoreSchema = z.strictObject({ name: z.string().min(1).max(255) });

/**
 * Host names that can only mean this machine: `localhost`, `127.x.y.z` and `[::1]`, with an optional
 * port. A DNS-rebound page reaches the loopback address with its own name as Host, so the Host
 * header, not the peer address, is what tells a local tool from a browser tab.
 */
const LOOPBACK_HOST =
  /^(?:localhost|127(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}|\[::1\])(?::\d{1,5})?$/i;

export function isLoopbackHost(host: string | undefined): boolean {
  return host !== undefined && LOOPBACK_HOST.test(host);
}

/**
 * The admin API (no auth; the server only binds to loopback and only answers loopback Host names):
 * - `POST /_emulator/reset`
 * - `GET|DELETE /_emulator/requests`
 * - `GET|PUT /_emulator/faults`, `GET|POST|DELETE /_emulator/faults/once`
 * - `GET /_emulator/state`, `GET /_emulator/info`
 * - `PATCH|DELETE /_emulator/pictory/{aws|vimeo}/{id}` and `/_emulator/apinizer/{project}/{name}`:
 *   out-of-band edits, as if made in the vendor's dashboard; `?tenant=<key|token|label>`.
 * - `GET|PUT /_emulator/pictory-access?tenant=`: the tenant's PictoryAccessRules (types.ts),
 *   `{forbiddenIds?: string[], othersForbidden?: boolean}`; PUT replaces them. Get, update and
 *   delete of a forbidden connection answer 403 (docs/api/pictory-aws.md#forbidden).
 * - `GET|POST /_emulator/apinizer-keystores/{project}?tenant=` lists `{keystores: [{name, id}]}`
 *   or adds `{name}` (201; 200 when it already exists), `DELETE .../{project}/{name}` removes one
 *   (204): the keystores Kafka's `keyStoreName` / `trustStoreName` must name
 *   (docs/api/apinizer.md#kafka-keystores).
 *
 * No answer ever holds a secret value: stored connections appear with every secret replaced by its
 * fingerprint, as in `GET /_emulator/state`.
 */
export function handleAdmin(req: ApiRequest, ctx: AdminContext): ApiResponse {
  const route = req.path.slice(ADMIN_PREFIX.length).replace(/\/$/, "");
  const key = `${req.method} ${route}`;
  switch (key) {
    case "POST reset":
      ctx.reset();
      return emptyResponse(204);
    case "GET requests":
      return jsonResponse(200, { requests: ctx.requestLog.list() as unknown as JsonValue });
    case "DELETE requests":
      ctx.requestLog.clear();
      return emptyResponse(204);
    case "GET faults":
      return jsonResponse(200, ctx.faults.current() as JsonValue);
    case "PUT faults":
      return withBody(req, (body) => {
        ctx.faults.set(body as unknown as FaultSettings);
        return jsonResponse(200, ctx.faults.current() as JsonValue);
      });
    case "GET faults/once":
      return jsonResponse(200, { rules: ctx.faults.pending() as unknown as JsonValue });
    case "POST faults/once":
      return withBody(
        req,
        (body) => {
          ctx.faults.enqueue(body as unknown as FaultRule);
          return jsonResponse(201, { rules: ctx.faults.pending() as unknown as JsonValue });
        },
        // One rule per request: echo it, so a test that queues several can tell which one failed.
        (body, issues) => ({ error: "invalid fault rule", rule: body, issues }),
      );
    case "DELETE faults/once":
      ctx.faults.clearRules();
      return emptyResponse(204);
    case "GET state":
      return stateResponse(req, ctx);
    case "GET info":
      return jsonResponse(200, info(ctx));
    case "GET pictory-access":
    case "PUT pictory-access":
      return pictoryAccess(req, ctx);
    default:
      return route.startsWith("apinizer-keystores/")
        ? keystores(req, route.slice("apinizer-keystores/".length), ctx)
        : outOfBand(req, route, ctx);
  }
}

function pictoryAccess(req: ApiRequest, ctx: AdminContext): ApiResponse {
  const tenant = ctx.store.byCredential(req.query.tenant);
  if (tenant === undefined) {
    return jsonResponse(404, { error: "unknown tenant" });
  }
  const view = (): ApiResponse =>
    jsonResponse(200, {
      tenant: tenant.label,
      forbiddenIds: [...tenant.pictoryAccess.forbiddenIds].sort(),
      othersForbidden: tenant.pictoryAccess.othersForbidden,
    });
  if (req.method === "GET") {
    return view();
  }
  return withBody(
    req,
    (body) => {
      const rules = pictoryAccessSchema.parse(body);
      tenant.pictoryAccess.forbiddenIds = new Set(rules.forbiddenIds ?? []);
      tenant.pictoryAccess.othersForbidden = rules.othersForbidden ?? false;
      return view();
    },
    (_body, issues) => ({ error: "invalid pictory access rules", issues }),
  );
}

function keystores(req: ApiRequest, rest: string, ctx: AdminContext): ApiResponse {
  const tenant = ctx.store.byCredential(req.query.tenant);
  if (tenant === undefined) {
    return jsonResponse(404, { error: "unknown tenant" });
  }
  const parts = rest.split("/").map(decodeSegment);
  const [projectName, keystoreName] = parts;
  if (parts.some((p) => p === undefined || p === "") || projectName === undefined) {
    return notFound(req);
  }
  if (!tenant.apinizer.has(projectName)) {
    return jsonResponse(404, { error: `no project ${projectName}` });
  }
  const list = (status: number): ApiResponse =>
    jsonResponse(status, {
      project: projectName,
      keystores: [...projectKeystores(tenant, projectName)]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, id]) => ({ name, id })),
    });
  const key = `${req.method} ${parts.length}`;
  switch (key) {
    case "GET 1":
      return list(200);
    case "POST 1":
      return withBody(
        req,
        (body) => {
          const { name } = keystoreSchema.parse(body);
          const names = tenant.apinizerKeystores.get(projectName) ?? new Set<string>();
          tenant.apinizerKeystores.set(projectName, names);
          const known = names.has(name);
          names.add(name);
          ctx.store.commit();
          return list(known ? 200 : 201);
        },
        (_body, issues) => ({ error: "invalid keystore", issues }),
      );
    case "DELETE 2":
      if (
        keystoreName === undefined ||
        tenant.apinizerKeystores.get(projectName)?.delete(keystoreName) !== true
      ) {
        return jsonResponse(404, {
          error: `no keystore ${String(keystoreName)} in ${projectName}`,
        });
      }
      ctx.store.commit();
      return emptyResponse(204);
    default:
      return notFound(req);
  }
}

function withBody(
  req: ApiRequest,
  apply: (body: JsonObject) => ApiResponse,
  invalid: (body: JsonObject, issues: JsonValue) => JsonObject = (_body, issues) => ({
    error: "invalid fault settings",
    issues,
  }),
): ApiResponse {
  const parsed = parseJsonObject(req);
  if (!parsed.ok) {
    return jsonResponse(parsed.problem === "too-large" ? 413 : 400, { error: parsed.message });
  }
  try {
    return apply(parsed.value);
  } catch (error) {
    if (error instanceof ZodError) {
      const issues = error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
      return jsonResponse(400, invalid(parsed.value, issues));
    }
    throw error;
  }
}

function info(ctx: AdminContext): JsonObject {
  const first = ctx.store.tenants[0];
  return {
    apinizerEnvelope: ctx.envelope,
    pictoryPageSize: ctx.pageSize,
    pictoryListsWithoutPageKey: [...ctx.unpaged].sort(),
    projects: first === undefined ? [] : [...first.apinizer.keys()],
    tenants: ctx.store.tenants.map((t) => t.label),
  };
}

function stateResponse(req: ApiRequest, ctx: AdminContext): ApiResponse {
  const wanted = req.query.tenant;
  const tenants =
    wanted === undefined ? ctx.store.tenants : [ctx.store.byCredential(wanted)].filter(isTenant);
  if (wanted !== undefined && tenants.length === 0) {
    return jsonResponse(404, { error: "unknown tenant" });
  }
  return jsonResponse(200, { tenants: tenants.map(tenantState) });
}

function isTenant(tenant: Tenant | undefined): tenant is Tenant {
  return tenant !== undefined;
}

/** Stored connections with every secret replaced by `{"sha256": "<hex>"}` (never the value). */
export function tenantState(tenant: Tenant): JsonObject {
  const pictory: JsonObject = {};
  for (const family of PICTORY_FAMILIES) {
    pictory[family.id] = [...tenant.pictory[family.id].values()]
      .sort((a, b) => (a.connectionId < b.connectionId ? -1 : 1))
      .map((record) => pictoryView(family, record));
  }
  const apinizer: JsonObject = {};
  const apinizerKeystores: JsonObject = {};
  for (const [projectName, project] of tenant.apinizer) {
    apinizer[projectName] = [...project.values()]
      .sort((a, b) => String(a.name).localeCompare(String(b.name)))
      .map(apinizerView);
    apinizerKeystores[projectName] = [...(tenant.apinizerKeystores.get(projectName) ?? [])].sort();
  }
  return { tenant: tenant.label, pictory, apinizer, apinizerKeystores };
}

/** The API's full object plus the write-only secrets, as fingerprints. */
function pictoryView(family: PictoryFamily, record: PictoryRecord): JsonObject {
  const out = fullObject(family, record);
  for (const field of family.fields) {
    const value = record.fields[field.name];
    if (field.secret === true && value !== undefined) {
      out[field.name] = fingerprint(value);
    }
  }
  return out;
}

/** Secret and sensitive fields, nested ones included, as fingerprints. */
function apinizerView(dto: JsonObject): JsonObject {
  const decl = connectionType(String(dto.type));
  // Stored connections passed validation, so their type is known; should one not be, nothing says
  // which of its fields are secret, so it shows only its name and type.
  return decl === undefined
    ? { name: dto.name ?? null, type: dto.type ?? null }
    : replaceSecrets(decl, dto, fingerprint);
}

export function fingerprint(secret: string): JsonObject {
  return { sha256: createHash("sha256").update(secret, "utf8").digest("hex") };
}

function outOfBand(req: ApiRequest, route: string, ctx: AdminContext): ApiResponse {
  const tenant = ctx.store.byCredential(req.query.tenant);
  if (tenant === undefined) {
    return jsonResponse(404, { error: "unknown tenant" });
  }
  const parts = route.split("/").map(decodeSegment);
  if (parts.some((p) => p === undefined) || parts.length !== 3) {
    return notFound(req);
  }
  const [area, first, second] = parts as [string, string, string];
  if (area === "pictory") {
    const family = PICTORY_FAMILIES.find((f) => f.id === first);
    return family === undefined
      ? notFound(req)
      : pictoryOutOfBand(req, family, tenant, second, ctx);
  }
  if (area === "apinizer") {
    return apinizerOutOfBand(req, tenant, first, second, ctx);
  }
  return notFound(req);
}

function pictoryOutOfBand(
  req: ApiRequest,
  family: PictoryFamily,
  tenant: Tenant,
  id: string,
  ctx: AdminContext,
): ApiResponse {
  const records = tenant.pictory[family.id];
  if (req.method === "DELETE") {
    if (!records.delete(id)) {
      return jsonResponse(404, { error: `no ${family.id} connection ${id}` });
    }
    ctx.store.commit();
    return emptyResponse(204);
  }
  if (req.method !== "PATCH") {
    return notFound(req);
  }
  return withBody(req, (body) => {
    const response = adminEditPictory(family, tenant, id, body, ctx.store);
    const record = records.get(id);
    // The edit may have set a secret: answer with the state view, not the API's shape.
    return response.status === 200 && record !== undefined
      ? jsonResponse(200, pictoryView(family, record))
      : response;
  });
}

function apinizerOutOfBand(
  req: ApiRequest,
  tenant: Tenant,
  projectName: string,
  name: string,
  ctx: AdminContext,
): ApiResponse {
  const project = tenant.apinizer.get(projectName);
  if (project === undefined) {
    return jsonResponse(404, { error: `no project ${projectName}` });
  }
  if (req.method === "DELETE") {
    if (!project.delete(name.toLowerCase())) {
      return jsonResponse(404, { error: `no connection ${name} in project ${projectName}` });
    }
    ctx.store.commit();
    return emptyResponse(204);
  }
  if (req.method !== "PATCH") {
    return notFound(req);
  }
  return withBody(req, (body) => {
    const result = adminEditApinizer(
      project,
      name,
      body,
      ctx.store,
      projectKeystores(tenant, projectName),
    );
    return result.status === 200 && isJsonObject(result.body)
      ? jsonResponse(200, apinizerView(result.body))
      : jsonResponse(result.status, result.body);
  });
}

function notFound(req: ApiRequest): ApiResponse {
  return jsonResponse(404, { error: `no admin endpoint ${req.method} ${req.path}` });
}
