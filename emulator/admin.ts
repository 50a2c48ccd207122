import { createHash } from "node:crypto";
import { ZodError } from "zod";
import { adminEditApinizer } from "./apinizer";
import { connectionType, secretFields } from "./apinizer-types";
import type { FaultEngine } from "./faults";
import {
  decodeSegment,
  emptyResponse,
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
import type { Store, Tenant } from "./store";
import type { ApinizerEnvelope, FaultRule, FaultSettings } from "./types";

export const ADMIN_PREFIX = "/_emulator/";

/** What the admin API reaches into. */
export interface AdminContext {
  readonly store: Store;
  readonly faults: FaultEngine;
  readonly requestLog: RequestLog;
  readonly envelope: ApinizerEnvelope;
  readonly pageSize: number;
  /** Clears connections, faults and the request log. */
  reset(): void;
}

/**
 * The admin API (no auth; the server only binds to loopback):
 * - `POST /_emulator/reset`
 * - `GET|DELETE /_emulator/requests`
 * - `GET|PUT /_emulator/faults`, `GET|POST|DELETE /_emulator/faults/once`
 * - `GET /_emulator/state`, `GET /_emulator/info`
 * - `PATCH|DELETE /_emulator/pictory/{aws|vimeo}/{id}` and `/_emulator/apinizer/{project}/{name}`:
 *   out-of-band edits, as if made in the vendor's dashboard; `?tenant=<key|token|label>`.
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
      return withBody(req, (body) => {
        ctx.faults.enqueue(body as unknown as FaultRule);
        return jsonResponse(201, { rules: ctx.faults.pending() as unknown as JsonValue });
      });
    case "GET state":
      return stateResponse(req, ctx);
    case "GET info":
      return jsonResponse(200, info(ctx));
    default:
      return outOfBand(req, route, ctx);
  }
}

function withBody(req: ApiRequest, apply: (body: JsonObject) => ApiResponse): ApiResponse {
  const parsed = parseJsonObject(req);
  if (!parsed.ok) {
    return jsonResponse(parsed.problem === "too-large" ? 413 : 400, { error: parsed.message });
  }
  try {
    return apply(parsed.value);
  } catch (error) {
    if (error instanceof ZodError) {
      const issues = error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
      return jsonResponse(400, { error: "invalid fault settings", issues });
    }
    throw error;
  }
}

function info(ctx: AdminContext): JsonObject {
  const first = ctx.store.tenants[0];
  return {
    apinizerEnvelope: ctx.envelope,
    pictoryPageSize: ctx.pageSize,
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
      .map((record) => {
        const out = fullObject(family, record);
        for (const field of family.fields) {
          const value = record.fields[field.name];
          if (field.secret === true && value !== undefined) {
            out[field.name] = fingerprint(value);
          }
        }
        return out;
      });
  }
  const apinizer: JsonObject = {};
  for (const [projectName, project] of tenant.apinizer) {
    apinizer[projectName] = [...project.values()]
      .sort((a, b) => String(a.name).localeCompare(String(b.name)))
      .map((dto) => {
        const decl = connectionType(String(dto.type));
        const out: JsonObject = { ...dto };
        for (const field of decl === undefined ? [] : secretFields(decl)) {
          const value = dto[field];
          if (typeof value === "string") {
            out[field] = fingerprint(value);
          }
        }
        return out;
      });
  }
  return { tenant: tenant.label, pictory, apinizer };
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
  return withBody(req, (body) => adminEditPictory(family, tenant, id, body, ctx.store));
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
    const result = adminEditApinizer(project, name, body, ctx.store);
    return jsonResponse(result.status, result.body);
  });
}

function notFound(req: ApiRequest): ApiResponse {
  return jsonResponse(404, { error: `no admin endpoint ${req.method} ${req.path}` });
}
