import { Pool, errors as undiciErrors } from "undici";
import { ConnectionApiError } from "./errors";

/** Transport tuning. Defaults start from undici's RetryHandler (see STYLE.md). */
export interface HttpOptions {
  /** @default 10000 */
  readonly connectTimeoutMs: number;
  /** Time to the response headers. @default 30000 */
  readonly headersTimeoutMs: number;
  /** Time between body chunks. @default 30000 */
  readonly bodyTimeoutMs: number;
  /** Retries after the first attempt, for requests that are safe to repeat. @default 4 */
  readonly maxRetries: number;
  /** First backoff step; doubles each retry, with full jitter. @default 500 */
  readonly retryBaseMs: number;
  /** Cap of one backoff step, `Retry-After` included. @default 30000 */
  readonly retryMaxDelayMs: number;
  /** Requests in flight per base URL, so a large `up` does not trip rate limits. @default 8 */
  readonly maxInFlight: number;
}

export const DEFAULT_HTTP_OPTIONS: HttpOptions = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  maxRetries: 4,
  retryBaseMs: 500,
  retryMaxDelayMs: 30_000,
  maxInFlight: 8,
};

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
  readonly body: unknown;
  /** Attempts it took, for the benchmark's request counts. */
  readonly attempts: number;
}

/** Statuses that mean "not processed, try later" (undici RetryHandler's list minus 500). */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** POST creates: only a 429 says for sure that nothing was created, so only it is retried here. */
const RETRYABLE_STATUS_UNSAFE = new Set([429]);

const USER_AGENT = "pulumi-connections/0.1 (+node; Pulumi dynamic provider)";

/**
 * One keep-alive connection pool per base URL, bounded retries with jittered exponential backoff
 * honouring `Retry-After`, and a cap on requests in flight.
 */
export class HttpClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  /** Total attempts sent; read by the benchmark. */
  public attemptsSent = 0;

  public constructor(
    public readonly baseUrl: string,
    private readonly options: HttpOptions = DEFAULT_HTTP_OPTIONS,
  ) {
    const url = new URL(baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, "");
    this.pool = new Pool(url.origin, {
      connections: Math.max(options.maxInFlight, 1),
      connectTimeout: options.connectTimeoutMs,
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
      keepAliveTimeout: 30_000,
    });
  }

  /**
   * Sends a request. `idempotent` requests (GET, versioned PUT, DELETE) are retried on 429/502/503/504
   * and network errors; a POST only on 429, since anything else may have created the connection.
   */
  public async send(req: HttpRequest, idempotent: boolean): Promise<HttpResponse> {
    const statuses = idempotent ? RETRYABLE_STATUS : RETRYABLE_STATUS_UNSAFE;
    let attempt = 0;
    for (;;) {
      attempt++;
      let retryAfterMs: number | undefined;
      try {
        const res = await this.once(req);
        if (!statuses.has(res.status) || attempt > this.options.maxRetries) {
          return { ...res, attempts: attempt };
        }
        retryAfterMs = res.retryAfterMs;
      } catch (e) {
        if (!idempotent || attempt > this.options.maxRetries) throw toTransportError(e, req);
      }
      await sleep(this.backoff(attempt, retryAfterMs));
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
  ): Promise<{ status: number; body: unknown; retryAfterMs?: number }> {
    await this.acquire();
    try {
      this.attemptsSent++;
      const query = req.query ? `?${new URLSearchParams(req.query).toString()}` : "";
      const hasBody = req.body !== undefined;
      const res = await this.pool.request({
        method: req.method,
        path: `${this.basePath}${req.path}${query}`,
        headers: {
          "user-agent": USER_AGENT,
          accept: "application/json",
          ...(hasBody ? { "content-type": "application/json" } : {}),
          ...req.headers,
        },
        body: hasBody ? JSON.stringify(req.body) : undefined,
      });
      const text = await res.body.text();
      let body: unknown = text;
      if (text.length > 0) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const retryAfter = parseRetryAfter(res.headers["retry-after"]);
      return retryAfter === undefined
        ? { status: res.statusCode, body }
        : { status: res.statusCode, body, retryAfterMs: retryAfter };
    } finally {
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    if (this.inFlight < this.options.maxInFlight) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }
}

/** `Retry-After` is seconds or an HTTP date (RFC 9110 10.2.3). */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Number(v) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Transport failures: the request may or may not have reached the server. */
export function toTransportError(e: unknown, req: HttpRequest): ConnectionApiError {
  const code = (e as { code?: string } | null)?.code ?? "";
  const timeout =
    e instanceof undiciErrors.ConnectTimeoutError ||
    e instanceof undiciErrors.HeadersTimeoutError ||
    e instanceof undiciErrors.BodyTimeoutError ||
    /TIMEOUT/.test(code);
  const what = timeout
    ? "timed out"
    : `failed (${code || (e as Error)?.message || "unknown error"})`;
  return new ConnectionApiError(
    timeout ? "TIMEOUT" : "NETWORK_ERROR",
    `${req.method} ${req.path} ${what}: check that the API is reachable from here, then run the command again`,
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
