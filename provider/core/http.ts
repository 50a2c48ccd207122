import { getCACertificates } from "node:tls";
import { Dispatcher, EnvHttpProxyAgent, Pool, errors as undiciErrors } from "undici";
import { ConnectionResponseError, ConnectionTransportError } from "./errors";
import { decodeUtf8 } from "./secrets";

/** Transport tuning. Defaults start from undici's RetryHandler (see STYLE.md). */
export interface HttpOptions {
  /** @default 10000 */
  readonly connectTimeoutMs: number;
  /** Deadline of one attempt, from sending the request to the last byte of the answer. @default 30000 */
  readonly requestTimeoutMs: number;
  /** Largest answer read; a larger one is cut off and fails. @default 8388608 (8 MiB) */
  readonly maxResponseBytes: number;
  /** Retries after the first attempt, for requests that are safe to repeat. @default 4 */
  readonly maxRetries: number;
  /** First backoff step; doubles each retry, with full jitter. @default 500 */
  readonly retryBaseMs: number;
  /** Cap of one backoff step, `Retry-After` included. @default 30000 */
  readonly retryMaxDelayMs: number;
  /** Requests in flight per base URL, so a large `up` does not trip rate limits. @default 8 */
  readonly maxInFlight: number;
  /** Extra certificate authorities (PEM), trusted besides the system's and NODE_EXTRA_CA_CERTS. @default none */
  readonly ca?: string;
  /** Where `ca` came from, for messages. @default none */
  readonly caFile?: string;
  /**
   * How messages name the settings behind these options: each provider reads them under its own
   * namespace (`connections:caFile` for the dynamic providers, `pictory:caFile` under the pictory
   * plugin), and a message must name the key that the user can set there.
   * @default the dynamic providers' keys, {@link DYNAMIC_TRANSPORT_KEYS}
   */
  readonly keys?: TransportSettingKeys;
}

/** The config keys of the settings a transport message tells the user to change. */
export type TransportSettingKeys = Readonly<
  Record<"requestTimeoutMs" | "maxResponseBytes" | "caFile", string>
>;

/** The dynamic providers' keys (settings.ts builds every provider's from its namespace). */
export const DYNAMIC_TRANSPORT_KEYS: TransportSettingKeys = {
  requestTimeoutMs: "connections:requestTimeoutMs",
  maxResponseBytes: "connections:maxResponseBytes",
  caFile: "connections:caFile",
};

export const DEFAULT_HTTP_OPTIONS: HttpOptions = {
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxResponseBytes: 8 * 1024 * 1024,
  maxRetries: 4,
  retryBaseMs: 500,
  retryMaxDelayMs: 30_000,
  maxInFlight: 8,
};

/** The deadline of a whole provider operation; every request and backoff of it stops there. */
export interface Deadline {
  readonly signal: AbortSignal;
  /** The operation's budget, for messages. */
  readonly ms: number;
  /** Where the budget was set, for messages: `connections:operationTimeoutMs` or `customTimeouts.create`. */
  readonly setting: string;
  /**
   * Set when the run was cancelled (the engine's Cancel call, SIGINT or SIGTERM) rather than out
   * of time: requests in flight are aborted and no new one is sent.
   */
  cancelled(): boolean;
}

export interface HttpRequest {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path below the base URL, already encoded. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export interface HttpResponse {
  readonly status: number;
  /** Parsed JSON, or undefined when the body was empty or not JSON (see {@link HttpResponse.text}). */
  readonly body: unknown;
  /** Whether the body parsed as JSON. */
  readonly json: boolean;
  /** The raw body (already capped by maxResponseBytes); redact before showing any of it. */
  readonly text: string;
  /** The body's length in bytes, for messages that describe it without quoting it. */
  readonly bytes: number;
  readonly contentType: string;
  /** The `Location` header of a redirect. */
  readonly location?: string;
  /** Attempts it took, for the benchmark's request counts. */
  readonly attempts: number;
}

/** Statuses that mean "not processed, try later" (undici RetryHandler's list minus 500). */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** POST creates: only a 429 says for sure that nothing was created, so only it is retried here. */
const RETRYABLE_STATUS_UNSAFE = new Set([429]);

/**
 * Transport failures after which repeating an idempotent request is safe and useful; anything
 * else (TLS, DNS, a size cap) fails the same way again.
 */
const RETRYABLE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "ATTEMPT_TIMEOUT",
]);

const USER_AGENT = "pulumi-connections/0.1 (+node; Pulumi dynamic provider)";

/**
 * One keep-alive connection pool per base URL, an overall deadline per attempt and per operation,
 * a response size cap, bounded retries with jittered exponential backoff honouring `Retry-After`,
 * and a cap on requests in flight. Redirects are never followed: a credential must not travel to
 * another host, and these APIs do not redirect.
 */
export class HttpClient {
  private readonly pool: Dispatcher;
  private readonly origin: string;
  /** The proxy requests go through, for messages; undefined when they go straight to the API. */
  private readonly proxy: string | undefined;
  private readonly basePath: string;
  /** The settings' keys as this provider reads them, for messages. */
  private readonly keys: TransportSettingKeys;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  /** Total attempts sent; read by the benchmark. */
  public attemptsSent = 0;

  public constructor(
    public readonly baseUrl: string,
    private readonly options: HttpOptions = DEFAULT_HTTP_OPTIONS,
  ) {
    const url = new URL(baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, "");
    this.keys = options.keys ?? DYNAMIC_TRANSPORT_KEYS;
    // Passing `ca` replaces Node's store, so the defaults (which include NODE_EXTRA_CA_CERTS) are kept.
    const tls = options.ca ? { ca: [...getCACertificates("default"), options.ca] } : {};
    const common = {
      connections: Math.max(options.maxInFlight, 1),
      connect: { timeout: options.connectTimeoutMs, ...tls },
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
      keepAliveTimeout: 30_000,
    };
    // Corporate networks: https_proxy / http_proxy / no_proxy (either case) as undici reads them,
    // read once and given to its agent, so messages name the proxy the agent really uses.
    // `requestTls` is the TLS to the API through the proxy's tunnel.
    const env = proxyEnv();
    this.proxy = proxyFor(url, env);
    this.pool =
      this.proxy !== undefined
        ? new EnvHttpProxyAgent({ ...common, requestTls: tls, ...env })
        : new Pool(url.origin, common);
  }

  /**
   * Sends a request. `idempotent` requests (GET, versioned PUT, DELETE) are retried on 429/502/503/504
   * and listed transport errors; a POST only on 429, since anything else may have created the
   * connection. Every attempt and every backoff ends at the deadline.
   */
  public async send(
    req: HttpRequest,
    idempotent: boolean,
    deadline: Deadline,
  ): Promise<HttpResponse> {
    const statuses = idempotent ? RETRYABLE_STATUS : RETRYABLE_STATUS_UNSAFE;
    let attempt = 0;
    for (;;) {
      attempt++;
      let retryAfterMs: number | undefined;
      try {
        const res = await this.once(req, deadline);
        if (!statuses.has(res.status) || attempt > this.options.maxRetries) {
          return { ...res, attempts: attempt };
        }
        // Honoured up to retryMaxDelayMs: a server asking for a day must not stall `pulumi up`.
        retryAfterMs = res.retryAfterMs;
      } catch (e) {
        const error = this.transportError(e, req, deadline);
        const retryable = RETRYABLE_CODES.has(errorCode(e)) && !deadline.signal.aborted;
        if (!idempotent || !retryable || attempt > this.options.maxRetries) throw error;
      }
      await sleep(this.backoff(attempt, retryAfterMs), deadline.signal).catch((e: unknown) => {
        throw this.transportError(e, req, deadline);
      });
    }
  }

  public async close(): Promise<void> {
    await this.pool.close();
  }

  private backoff(attempt: number, retryAfterMs: number | undefined): number {
    const exp = Math.min(
      this.options.retryMaxDelayMs,
      this.options.retryBaseMs * 2 ** (attempt - 1),
    );
    const jittered = exp / 2 + Math.random() * (exp / 2);
    if (retryAfterMs === undefined) return jittered;
    return Math.min(this.options.retryMaxDelayMs, Math.max(retryAfterMs, jittered));
  }

  private async once(
    req: HttpRequest,
    deadline: Deadline,
  ): Promise<Omit<HttpResponse, "attempts"> & { retryAfterMs?: number }> {
    // After a cancel nothing more is sent, not even a request that was waiting for a slot.
    if (deadline.cancelled()) throw notSent(req);
    await this.acquire(deadline.signal).catch((e: unknown) => {
      throw deadline.cancelled() ? notSent(req) : e;
    });
    if (deadline.cancelled()) {
      this.release();
      throw notSent(req);
    }
    // One signal for the attempt: its own deadline, or the operation's, whichever comes first.
    const attemptTimer = new AbortController();
    const timer = setTimeout(
      () => attemptTimer.abort(attemptTimeout(this.options.requestTimeoutMs)),
      this.options.requestTimeoutMs,
    );
    const signal = AbortSignal.any([deadline.signal, attemptTimer.signal]);
    try {
      this.attemptsSent++;
      const query = req.query ? `?${new URLSearchParams(req.query).toString()}` : "";
      const hasBody = req.body !== undefined;
      const res = await this.pool.request({
        origin: this.origin,
        method: req.method,
        path: `${this.basePath}${req.path}${query}`,
        headers: {
          "user-agent": USER_AGENT,
          accept: "application/json",
          ...(hasBody ? { "content-type": "application/json" } : {}),
          ...req.headers,
        },
        body: hasBody ? JSON.stringify(req.body) : undefined,
        signal,
      });
      const raw = await readCapped(res.body, this.options.maxResponseBytes, signal, () =>
        tooLarge(req, this.options.maxResponseBytes, this.keys.maxResponseBytes),
      );
      // JSON travels as UTF-8 (RFC 8259, section 8.1), so a body in another encoding is not an
      // answer the vendors document. A lenient decoder would turn its non-ASCII letters into
      // U+FFFD, and a secret echoed in Latin-1 would come out with its ASCII letters intact and no
      // mask form matching it; so such a body is never parsed, and messages count its bytes
      // instead of quoting any of it. It is kept one character per byte so that "empty" stays
      // true to the bytes.
      const utf8 = decodeUtf8(raw);
      const text = utf8 ?? raw.toString("latin1");
      let body: unknown;
      let json = false;
      if (utf8 !== undefined && text.length > 0) {
        try {
          body = JSON.parse(text);
          json = true;
        } catch {
          body = undefined;
        }
      }
      const header = (name: string): string | undefined => {
        const v = res.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      const retryAfter = parseRetryAfter(header("retry-after"));
      const location = header("location");
      return {
        status: res.statusCode,
        body,
        json,
        text,
        bytes: raw.length,
        contentType: header("content-type") ?? "no content type",
        ...(location !== undefined ? { location } : {}),
        ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
      };
    } finally {
      clearTimeout(timer);
      this.release();
    }
  }

  /**
   * The bound of requests in flight is kept here, not left to the pool's `connections`: a request
   * queued inside undici is already under its attempt deadline (requestTimeoutMs would count the
   * wait for a free socket), and undici's ProxyAgent does not pass `connections` on to the pool of
   * an http:// API reached through HTTP_PROXY without a tunnel, which would be unbounded.
   */
  private async acquire(signal: AbortSignal): Promise<void> {
    if (this.inFlight < this.options.maxInFlight) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal.removeEventListener("abort", giveUp);
        resolve();
      };
      const giveUp = () => {
        const i = this.waiting.indexOf(wake);
        if (i !== -1) this.waiting.splice(i, 1);
        reject(signal.reason);
      };
      if (signal.aborted) return giveUp();
      signal.addEventListener("abort", giveUp, { once: true });
      this.waiting.push(wake);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }

  /** Turns whatever the transport threw into a typed error that names the request and the fix. */
  private transportError(e: unknown, req: HttpRequest, deadline: Deadline): Error {
    if (e instanceof ConnectionResponseError || e instanceof ConnectionTransportError) return e;
    const what = `${req.method} ${req.path}`;
    if (deadline.cancelled()) {
      return new ConnectionTransportError(
        "CANCELLED",
        `${what} was aborted ${CANCELLED_BY}; ${afterCancel(req)}`,
        e,
      );
    }
    if (deadline.signal.aborted) {
      return new ConnectionTransportError(
        "TIMEOUT",
        `${what} was still waiting when the operation's deadline of ${seconds(deadline.ms)} ` +
          `(${deadline.setting}) passed; raise ${deadline.setting} if the API is just slow, or check that it is healthy`,
        e,
      );
    }
    const code = errorCode(e);
    if (code === "ATTEMPT_TIMEOUT" || /TIMEOUT/.test(code)) {
      return new ConnectionTransportError(
        "TIMEOUT",
        `${what} got no complete answer within ${seconds(this.options.requestTimeoutMs)}; ` +
          `raise ${this.keys.requestTimeoutMs} if the API is just slow, or check that it is healthy`,
        e,
      );
    }
    if (isTlsError(code)) {
      const ca = this.options.caFile ? ` (${this.keys.caFile} is ${this.options.caFile})` : "";
      return new ConnectionTransportError(
        "NETWORK_ERROR",
        `${what} failed: the server's TLS certificate was not trusted (${code})${ca}; if a corporate ` +
          `proxy or a private certificate authority signs it, point ${this.keys.caFile} (or ` +
          `CONNECTIONS_CA_FILE) or NODE_EXTRA_CA_CERTS at that authority's PEM file`,
        e,
      );
    }
    const detail = code || (e instanceof Error ? e.message : "unknown error");
    const via =
      this.proxy !== undefined
        ? ` through the proxy ${this.proxy} (HTTPS_PROXY / HTTP_PROXY; NO_PROXY bypasses it)`
        : "";
    return new ConnectionTransportError(
      "NETWORK_ERROR",
      `${what} failed (${detail}): check that ${this.baseUrl} is reachable from here${via} ` +
        `(proxy, firewall, DNS), then run the command again`,
      e,
    );
  }
}

/** The proxy settings of the environment, read once: what undici's EnvHttpProxyAgent is given. */
export interface ProxyEnv {
  readonly httpProxy?: string;
  readonly httpsProxy?: string;
  readonly noProxy: string;
}

/**
 * The proxy variables as undici's EnvHttpProxyAgent reads them: the lower-case name first
 * (`https_proxy` before `HTTPS_PROXY`), an empty value counting as set. Read once and handed to
 * the agent, so the agent and {@link proxyFor} decide on the same values.
 */
export function proxyEnv(env: NodeJS.ProcessEnv = process.env): ProxyEnv {
  const httpProxy = env.http_proxy ?? env.HTTP_PROXY;
  const httpsProxy = env.https_proxy ?? env.HTTPS_PROXY;
  return {
    ...(httpProxy !== undefined ? { httpProxy } : {}),
    ...(httpsProxy !== undefined ? { httpsProxy } : {}),
    noProxy: env.no_proxy ?? env.NO_PROXY ?? "",
  };
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { "http:": 80, "https:": 443 };

/**
 * The proxy EnvHttpProxyAgent sends requests for this URL through, given the same settings; the
 * rules are undici's (lib/dispatcher/env-http-proxy-agent.js, which keeps them private): an https
 * URL falls back to the HTTP proxy; a NO_PROXY entry `host:port` bypasses only that port, `*`
 * everything, `.example.com` and `example.com` the domain and its subdomains, `*.example.com`
 * only the subdomains. Credentials in the proxy URL are dropped, since this is for messages.
 */
export function proxyFor(url: URL, env: ProxyEnv = proxyEnv()): string | undefined {
  const proxy = url.protocol === "https:" ? env.httpsProxy || env.httpProxy : env.httpProxy;
  if (!proxy) return undefined;
  const host = url.hostname
    .replace(/^\[(.+)\]$/, "$1")
    .toLowerCase()
    .replace(/(.)\.$/, "$1");
  const port = Number.parseInt(url.port, 10) || DEFAULT_PORTS[url.protocol] || 0;
  const exempt = env.noProxy
    .split(/[,\s]/)
    .filter(Boolean)
    .some((entry) => {
      const bracketed = /^\[(.+)\]:(\d+)$/.exec(entry);
      const bare = entry.replace(/^\[(.+)\]$/, "$1");
      const withPort = bare.split(":").length === 2 ? /^(.+):(\d+)$/.exec(bare) : null;
      const [name, entryPort] = bracketed
        ? [bracketed[1]!, Number(bracketed[2])]
        : withPort
          ? [withPort[1]!, Number(withPort[2])]
          : [bare, 0];
      if (entryPort && entryPort !== port) return false;
      if (name === "*") return true;
      const domain = name
        .replace(/^\*?\./, "")
        .replace(/^(.+)\.$/, "$1")
        .toLowerCase();
      return (!entry.startsWith("*") && host === domain) || host.endsWith(`.${domain}`);
    });
  if (exempt) return undefined;
  try {
    const p = new URL(proxy);
    return `${p.protocol}//${p.host}`;
  } catch {
    return proxy.replace(/\/\/[^@/]*@/, "//");
  }
}

/** Reads a body, failing as soon as it passes `max` bytes or the signal fires. */
async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(err?: Error): unknown },
  max: number,
  signal: AbortSignal,
  onTooLarge: () => Error,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      if (signal.aborted) throw signal.reason;
      size += chunk.length;
      if (size > max) throw onTooLarge();
      chunks.push(chunk);
    }
  } catch (e) {
    body.destroy();
    throw e;
  }
  return Buffer.concat(chunks);
}

/** What cancels requests, for messages. */
const CANCELLED_BY =
  "because the run was cancelled (Ctrl-C on pulumi, a CI job's cancel, or SIGINT/SIGTERM to the provider)";

/**
 * What to run after a request was aborted mid-way. A POST creates, and may have: the next `up`
 * then meets the name, and its NAME_CONFLICT says how to adopt the connection. A PUT or DELETE
 * may have changed the connection: a refresh reads what the API holds. A GET changed nothing.
 */
function afterCancel(req: HttpRequest): string {
  switch (req.method) {
    case "POST":
      return (
        "its outcome is unknown: the connection may have been created. Run `pulumi refresh`, then " +
        "`pulumi up`: if the connection was created, that create fails with NAME_CONFLICT and says " +
        "how to adopt it"
      );
    case "PUT":
    case "DELETE":
      return "its outcome is unknown: run `pulumi refresh` to read what the API holds, then `pulumi up`";
    case "GET":
      return "a read changes nothing: run the command again";
  }
}

/** A request refused because the run was cancelled before it could be sent. */
function notSent(req: HttpRequest): ConnectionTransportError {
  return new ConnectionTransportError(
    "CANCELLED",
    `${req.method} ${req.path} was not sent ${CANCELLED_BY}, so it changed nothing; ` +
      `run \`pulumi refresh\`, then \`pulumi up\` to finish the work the run left`,
  );
}

function tooLarge(req: HttpRequest, max: number, key: string): ConnectionTransportError {
  return new ConnectionTransportError(
    "RESPONSE_TOO_LARGE",
    `${req.method} ${req.path} answered with more than ${max} bytes, the ${key} ` +
      `cap; check that the base URL points at the API, or raise the cap if its answers are really that large`,
  );
}

function attemptTimeout(ms: number): Error {
  return Object.assign(new Error(`attempt timed out after ${ms} ms`), { code: "ATTEMPT_TIMEOUT" });
}

function errorCode(e: unknown): string {
  const own = (e as { code?: unknown } | null)?.code;
  if (typeof own === "string") return own;
  const cause = (e as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (typeof cause === "string") return cause;
  if (e instanceof undiciErrors.HeadersTimeoutError) return "UND_ERR_HEADERS_TIMEOUT";
  if (e instanceof undiciErrors.BodyTimeoutError) return "UND_ERR_BODY_TIMEOUT";
  return "";
}

function isTlsError(code: string): boolean {
  return /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code);
}

function seconds(ms: number): string {
  return `${ms / 1000} s`;
}

/** `Retry-After` is seconds or an HTTP date (RFC 9110 10.2.3). */
export function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
