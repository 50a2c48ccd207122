import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ADMIN_PREFIX, handleAdmin, isLoopbackHost, type AdminContext } from "./admin";
import {
  apinizerErrorResponse,
  apinizerStatusMessage,
  handleApinizer,
  isApinizerPath,
} from "./apinizer";
import { FaultEngine, type FaultDecision } from "./faults";
import {
  headerValue,
  jsonResponse,
  readBody,
  splitTarget,
  type ApiRequest,
  type ApiResponse,
} from "./http";
import { bumpVersion, handlePictory, pictoryTarget } from "./pictory";
import { RequestLog } from "./request-log";
import { Store, type PictoryFamilyId } from "./store";
import { PARSER_HEAD_BYTES, PARSER_HEADER_FIELDS, preflight, Wire } from "./wire";
import type {
  ApinizerEnvelope,
  EmulatorOptions,
  FaultRule,
  FaultSettings,
  RequestFamily,
  RequestLogEntry,
  RunningEmulator,
  TenantCredentials,
} from "./types";

export const DEFAULT_PICTORY_API_KEY = "pictai_emulator_key";
export const DEFAULT_APINIZER_TOKEN = "apinizer_emulator_token";
export const DEFAULT_PROJECTS: readonly string[] = ["demo"];
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_PAGE_SIZE = 50;
const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/** Options with defaults applied. */
interface Config {
  readonly port: number;
  readonly tenants: readonly TenantCredentials[];
  readonly projects: readonly string[];
  readonly envelope: ApinizerEnvelope;
  readonly dataFile: string | undefined;
  readonly maxBodyBytes: number;
  readonly pageSize: number;
  readonly unpaged: ReadonlySet<PictoryFamilyId>;
  readonly keystores: Readonly<Record<string, readonly string[]>>;
  readonly environments: readonly string[];
  readonly log: (line: string) => void;
}

function resolveOptions(options: EmulatorOptions): Config {
  const pageSize = options.pictoryPageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new RangeError(`pictoryPageSize must be a positive integer, got ${pageSize}`);
  }
  const unpaged = options.pictoryListsWithoutPageKey ?? [];
  for (const family of unpaged) {
    if (family !== "aws" && family !== "vimeo") {
      throw new RangeError(`pictoryListsWithoutPageKey holds aws or vimeo, got ${String(family)}`);
    }
  }
  // A project named `default` always exists (docs/api/apinizer.md#projects).
  const projects = [...new Set([...(options.projects ?? DEFAULT_PROJECTS), "default"])];
  const keystores = options.apinizerKeystores ?? {};
  for (const [project, names] of Object.entries(keystores)) {
    if (!projects.includes(project)) {
      throw new RangeError(`apinizerKeystores names project ${project}, which is not in projects`);
    }
    if (names.some((name) => typeof name !== "string" || name === "")) {
      throw new RangeError(`apinizerKeystores of project ${project} must be non-empty strings`);
    }
  }
  return {
    port: options.port ?? 0,
    tenants: [
      {
        pictoryApiKey: options.pictoryApiKey ?? DEFAULT_PICTORY_API_KEY,
        apinizerToken: options.apinizerToken ?? DEFAULT_APINIZER_TOKEN,
        apinizerReadOnlyToken: options.apinizerReadOnlyToken,
        pictoryAccess: options.pictoryAccess,
      },
      ...(options.extraTenants ?? []),
    ],
    projects,
    envelope: options.apinizerEnvelope ?? "v1",
    dataFile: options.dataFile,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    pageSize,
    unpaged: new Set(unpaged),
    keystores,
    environments: options.apinizerEnvironments ?? ["production"],
    log: options.log ?? (() => undefined),
  };
}

/** Starts the emulator on 127.0.0.1 and resolves once it accepts connections. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const config = resolveOptions(options);
  const store = new Store(config.tenants, config.projects, config.dataFile, config.keystores);
  const faults = new FaultEngine();
  if (options.faults !== undefined) {
    faults.set(options.faults);
  }
  const requestLog = new RequestLog();
  const timers = new Timers();
  const reset = (): void => {
    store.clear();
    faults.reset();
    requestLog.clear();
  };
  const admin: AdminContext = {
    store,
    faults,
    requestLog,
    envelope: config.envelope,
    pageSize: config.pageSize,
    unpaged: config.unpaged,
    reset,
  };
  const engine = new RequestEngine(config, store, faults, requestLog, timers, admin);
  const wire = new Wire(send, config.log);
  const server = createServer(
    {
      keepAliveTimeout: 10_000,
      maxHeaderSize: PARSER_HEAD_BYTES,
      // Node would answer a missing Host with an empty 400; `preflight` answers it in JSON.
      requireHostHeader: false,
    },
    (req, res) => {
      wire.track(req, res);
      engine.handle(req, res).catch((error: unknown) => engine.crashed(res, error));
    },
  );
  wire.attach(server);
  // Clients may keep sockets open for long; never let a stray header timeout kill a test.
  server.headersTimeout = 60_000;
  server.maxHeadersCount = PARSER_HEADER_FIELDS;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let stopped: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        timers.cancelAll();
        server.close(() => resolve());
        server.closeAllConnections();
        wire.destroyAll();
      });
      return stopped;
    },
    setFaults: (f: FaultSettings) => faults.set(f),
    enqueueFault: (r: FaultRule) => faults.enqueue(r),
    reset,
    requests: (): readonly RequestLogEntry[] => requestLog.list(),
    clearRequests: () => requestLog.clear(),
  };
}

/** Cancellable sleeps, so `stop()` never waits for an injected delay. */
class Timers {
  private readonly pending = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.pending.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.pending.add(entry);
    });
  }

  cancelAll(): void {
    for (const entry of this.pending) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.pending.clear();
  }
}

/** The per-request pipeline: admin or API; body; faults; family handler; answer; log. */
class RequestEngine {
  constructor(
    private readonly config: Config,
    private readonly store: Store,
    private readonly faults: FaultEngine,
    private readonly requestLog: RequestLog,
    private readonly timers: Timers,
    private readonly admin: AdminContext,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = (req.method ?? "GET").toUpperCase();
    const refused = preflight(req);
    if (refused !== undefined) {
      send(res, refused);
      // No path: it may be the oversized part.
      this.config.log(`${method} refused ${refused.status}`);
      return;
    }
    const { path, query } = splitTarget(req.url ?? "/");
    const body = await readBody(req, this.config.maxBodyBytes);
    if (!req.complete) {
      // The client went away mid-body, or the body's framing broke (the wire layer answers that):
      // never act on a truncated request.
      this.config.log(`${method} ${path} aborted by client`);
      return;
    }
    const request: ApiRequest = { method, path, query, headers: req.headers, body };
    if (path.startsWith(ADMIN_PREFIX)) {
      const response = adminRefusal(req) ?? handleAdmin(request, this.admin);
      send(res, response);
      this.config.log(`admin ${method} ${path} ${response.status}`);
      return;
    }
    const family = classify(path);
    const decision = this.faults.decide({
      method,
      path,
      credential: headerValue(req.headers, "authorization") ?? "",
      versionedUpdate: method === "PUT" && pictoryTarget(path)?.id !== undefined,
    });
    const finish = (status: number): void => {
      const durationMs = Math.round((performance.now() - started) * 100) / 100;
      const fault = decision.labels.length > 0 ? decision.labels.join(",") : undefined;
      this.requestLog.add({ method, path, query, status, durationMs, family, fault });
      // Path and status only: never headers, bodies or the query string.
      this.config.log(
        `${method} ${path} ${status} ${Math.round(durationMs)}ms${fault ? ` fault=${fault}` : ""}`,
      );
    };
    if (decision.latencyMs > 0) {
      await this.timers.sleep(decision.latencyMs);
    }
    if (decision.drop === "before") {
      req.socket.destroy();
      finish(0);
      return;
    }
    if (decision.respond !== undefined) {
      const { status, retryAfterSeconds } = decision.respond;
      const response = this.injectedError(family, status, retryAfterSeconds);
      send(res, response);
      finish(response.status);
      return;
    }
    if (decision.bumpVersion) {
      this.bumpTarget(request);
    }
    const response = this.route(request, family, decision);
    if (decision.drop === "after") {
      // The change is committed but the client never hears about it (a lost create response).
      req.socket.destroy();
      finish(0);
      return;
    }
    if (decision.delayAfterMs > 0) {
      await this.timers.sleep(decision.delayAfterMs);
    }
    send(res, response);
    finish(response.status);
  }

  /** Last resort: a handler threw. Answer 500 JSON rather than crash or hang. */
  crashed(res: ServerResponse, error: unknown): void {
    this.config.log(`internal error: ${error instanceof Error ? error.name : "unknown"}`);
    if (!res.headersSent && !res.destroyed) {
      send(res, jsonResponse(500, { message: "internal emulator error" }));
    }
  }

  private route(request: ApiRequest, family: RequestFamily, decision: FaultDecision): ApiResponse {
    if (
      family === "pictory-aws" ||
      family === "pictory-vimeo" ||
      request.path.startsWith("/pictoryapis/")
    ) {
      return handlePictory(request, {
        store: this.store,
        pageSize: this.config.pageSize,
        unpaged: this.config.unpaged,
      });
    }
    if (family === "apinizer") {
      return handleApinizer(request, {
        store: this.store,
        envelope: this.config.envelope,
        environments: this.config.environments,
        deployFailures: decision.deployFailures,
      });
    }
    return jsonResponse(404, { message: "Not Found" });
  }

  /** The concurrent writer: bump the addressed Pictory connection as if edited elsewhere. */
  private bumpTarget(request: ApiRequest): void {
    const target = pictoryTarget(request.path);
    const tenant = this.store.byPictoryKey(headerValue(request.headers, "authorization"));
    if (target?.id === undefined || tenant === undefined) {
      return;
    }
    const record = tenant.pictory[target.family.id].get(target.id);
    if (record !== undefined) {
      bumpVersion(record);
      this.store.commit();
    }
  }

  /** Injected errors use the family's own error shape, always JSON. */
  private injectedError(
    family: RequestFamily,
    status: number,
    retryAfterSeconds: number | undefined,
  ): ApiResponse {
    const headers: Record<string, string> =
      retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) };
    if (family === "apinizer") {
      const response = apinizerErrorResponse(
        this.config.envelope,
        status,
        apinizerStatusMessage(this.config.envelope, status),
        retryAfterSeconds,
      );
      return { ...response, headers };
    }
    // `{"message": ...}` for 429 and 5xx, like the documented 401
    // (docs/api/pictory-vimeo.md#authentication).
    return jsonResponse(status, { message: STATUS_CODES[status] ?? "Error" }, headers);
  }
}

/** Admin requests from anywhere but this machine's own tools. */
function adminRefusal(req: IncomingMessage): ApiResponse | undefined {
  if (!LOOPBACK.has(req.socket.remoteAddress ?? "")) {
    return jsonResponse(403, { error: "the admin API only answers loopback clients" });
  }
  // A page on a rebound DNS name reaches 127.0.0.1 too, but sends its own name as Host.
  if (!isLoopbackHost(headerValue(req.headers, "host"))) {
    return jsonResponse(403, { error: "admin API answers loopback Host headers only" });
  }
  return undefined;
}

function classify(path: string): RequestFamily {
  const pictory = pictoryTarget(path);
  if (pictory !== undefined) {
    return pictory.family.logFamily;
  }
  return isApinizerPath(path) ? "apinizer" : "other";
}

function send(res: ServerResponse, response: ApiResponse): void {
  if (res.destroyed || res.headersSent) {
    return;
  }
  const headers: Record<string, string | number> = { ...response.headers };
  let payload: string | undefined;
  if (typeof response.body === "string") {
    payload = response.body;
    headers["content-type"] = "text/plain;charset=UTF-8";
  } else if (response.body !== undefined) {
    payload = JSON.stringify(response.body);
    headers["content-type"] = response.contentType ?? "application/json";
  }
  if (payload === undefined) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  headers["content-length"] = Buffer.byteLength(payload);
  res.writeHead(response.status, headers);
  res.end(payload);
}
