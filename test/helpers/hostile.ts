/**
 * A hostile HTTP server for provider tests: it answers any method and path the way a broken,
 * misconfigured or malicious API (or whatever sits in front of it) would. Tests pick the behaviour
 * with {@link HostileServer.setMode}, optionally for some requests only, so that for example only
 * the POST is held while the GETs go through to a real emulator:
 *
 * ```ts
 * const hostile = await startHostile();
 * hostile.setMode({ kind: "proxy", target: emulator.url });
 * hostile.setMode({ kind: "slowHeaders", delayMs: 60_000 }, { method: "POST" });
 * // ... point pictory:baseUrl at `${hostile.url}/pictoryapis` ...
 * await hostile.stop(); // ends every open response and socket at once
 * ```
 *
 * Nothing here buffers a large answer: `huge` and `endless` stream from one reused chunk. Nothing
 * runs after `stop()`: every timer, pump and proxied request is ended with it.
 */
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** How the server answers. Every mode answers any method and path. */
export type HostileMode =
  /** 200, JSON content type, headers at once, then the body one byte at a time, forever. */
  | { readonly kind: "trickle"; readonly bytesPerSecond?: number }
  /**
   * 200, chunked JSON-looking body streamed as fast as the socket takes it (backpressure
   * respected), never ending. See {@link HostileOptions.endlessBudgetBytes} for the safety valve.
   */
  | { readonly kind: "endless" }
  /**
   * 200 with a valid JSON body of exactly `bytes` bytes: `around` (default `{}`) plus a string
   * property `padding` that fills it up. Streamed, never held whole. Chunked unless
   * `declareLength` (then a `content-length` header announces the size up front).
   */
  | {
      readonly kind: "huge";
      readonly bytes: number;
      readonly around?: Readonly<Record<string, unknown>>;
      readonly declareLength?: boolean;
    }
  /**
   * Holds the response headers back for `delayMs`, then answers as `then` ("ok": 200 `{}`).
   * Without `then` it never answers at all.
   */
  | { readonly kind: "slowHeaders"; readonly delayMs: number; readonly then?: HostileMode | "ok" }
  /** A fixed JSON answer: `body` is serialized with JSON.stringify, exactly once. */
  | {
      readonly kind: "json";
      readonly status: number;
      readonly body: unknown;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /**
   * A fixed answer with a body taken verbatim (truncated JSON, plain text, anything): a string is
   * sent as UTF-8, bytes as they are (text in another encoding).
   */
  | {
      readonly kind: "raw";
      readonly status: number;
      readonly body: string | Uint8Array;
      readonly contentType?: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** A login page: `text/html`, status 200 unless given. */
  | { readonly kind: "html"; readonly status?: number }
  /**
   * 400 whose message is the whole request body, verbatim, after `prefix` (default none): `json`
   * answers `{"message": "<prefix><raw body>"}`, `text` answers `<prefix><raw body>` as
   * text/plain (without a prefix that text is itself the request's JSON).
   */
  | { readonly kind: "echo400"; readonly style: "json" | "text"; readonly prefix?: string }
  /** A redirect (302 unless given) to `location`, typically another host; empty body. */
  | { readonly kind: "redirect"; readonly location: string; readonly status?: number }
  /** 429 or 503 with `Retry-After: <seconds>`. */
  | { readonly kind: "retryAfter"; readonly status: 429 | 503; readonly seconds: number }
  /**
   * Forwards the request unchanged to `target` (an origin such as an emulator's URL). With
   * `rewrite`, the answer is read whole and its body replaced by `rewrite(body)` (an answer the
   * API applied but that fails validation). With `reset`, the answer is read whole and the
   * client's socket destroyed instead of answering: the request was applied, the answer lost.
   */
  | {
      readonly kind: "proxy";
      readonly target: string;
      readonly holdAnswerMs?: number;
      readonly rewrite?: (body: string) => string;
      readonly reset?: boolean;
    };

/**
 * 404s as gateways, frameworks and a base URL without the API's path answer them, none of them
 * the API's word that a connection is gone: nginx's page, Go's text, Kong's and Spring's JSON,
 * Express's HTML, a bare `{error}` and an empty body.
 */
export const GATEWAY_404S: readonly HostileMode[] = [
  {
    kind: "raw",
    status: 404,
    contentType: "text/html",
    body: "<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>",
  },
  {
    kind: "raw",
    status: 404,
    contentType: "text/plain; charset=utf-8",
    body: "404 page not found\n",
  },
  { kind: "json", status: 404, body: { message: "no Route matched with those values" } },
  { kind: "json", status: 404, body: { error: "Not Found" } },
  {
    kind: "json",
    status: 404,
    body: {
      timestamp: "2026-01-01T00:00:00.000+00:00",
      status: 404,
      error: "Not Found",
      path: "/",
    },
  },
  {
    kind: "raw",
    status: 404,
    contentType: "text/html; charset=utf-8",
    body: '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Error</title></head><body><pre>Cannot GET /</pre></body></html>\n',
  },
  { kind: "raw", status: 404, contentType: "", body: "" },
];

/** Which requests a rule applies to; an omitted criterion matches every request. */
export interface HostileMatch {
  /** Exact method, case-insensitive. */
  readonly method?: string;
  /** A substring of the request's path (query included). */
  readonly pathIncludes?: string;
  /** The rule applies to this many matching requests, then no more. @default every one */
  readonly times?: number;
}

/** One request as the server received it. */
export interface HostileRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly path: string;
  /** The complete request body (empty until it has been received). */
  readonly body: string;
  readonly headers: http.IncomingHttpHeaders;
  /** `Date.now()` when the request arrived. */
  readonly at: number;
}

export interface HostileServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /**
   * Without `match`: the default mode, for requests no rule matches. With `match`: adds a rule
   * that takes precedence over the default and over every rule added before it.
   */
  setMode(mode: HostileMode, match?: HostileMatch): void;
  /** Drops every rule and the request log; the default mode becomes `mode` (a 500 if omitted). */
  reset(mode?: HostileMode): void;
  /** Every request received since the start or the last reset/clearRequests, oldest first. */
  requests(): HostileRequest[];
  clearRequests(): void;
  /** Body bytes written by the streaming modes (trickle, endless, huge) so far. */
  bytesStreamed(): number;
  /** Responses that have started but not yet ended or been closed. */
  openResponses(): number;
  /** Ends every open response, socket, timer and proxied request at once, then closes the server. */
  stop(): Promise<void>;
}

export interface HostileOptions {
  /** The default mode until {@link HostileServer.setMode} is called (a 500 if omitted). */
  readonly mode?: HostileMode;
  /**
   * Safety valve of `endless`: after this many bytes in total (all responses together) the
   * endless responses stop sending but stay open, so a client that buffers whole bodies cannot
   * exhaust the test machine. Default 256 MiB.
   */
  readonly endlessBudgetBytes?: number;
}

const NO_MODE: HostileMode = {
  kind: "json",
  status: 500,
  body: { message: "hostile server: no mode set for this request" },
};

const LOGIN_PAGE =
  "<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>\n" +
  '<form method="post" action="/login"><h1>Sign in to continue</h1>\n' +
  '<input name="username"><input name="password" type="password">\n' +
  '<button type="submit">Sign in</button></form>\n</body></html>\n';

const CHUNK = 64 * 1024;

export async function startHostile(options: HostileOptions = {}): Promise<HostileServer> {
  let defaultMode: HostileMode = options.mode ?? NO_MODE;
  let rules: { mode: HostileMode; match: HostileMatch; used: number }[] = [];
  let log: {
    method: string;
    path: string;
    body: string;
    headers: http.IncomingHttpHeaders;
    at: number;
  }[] = [];
  let stopped = false;
  let streamed = 0;
  let endlessBudget = options.endlessBudgetBytes ?? 256 * 1024 * 1024;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const open = new Set<http.ServerResponse>();
  const upstream = new Set<http.ClientRequest>();

  const later = (fn: () => void, ms: number): NodeJS.Timeout => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, ms);
    timers.add(t);
    return t;
  };
  const every = (fn: () => void, ms: number): NodeJS.Timeout => {
    const t = setInterval(() => {
      if (!stopped) fn();
    }, ms);
    timers.add(t);
    return t;
  };
  const cancel = (t: NodeJS.Timeout | undefined): void => {
    if (t === undefined) return;
    clearTimeout(t);
    clearInterval(t);
    timers.delete(t);
  };

  const pick = (method: string, path: string): HostileMode => {
    for (let i = rules.length - 1; i >= 0; i--) {
      const rule = rules[i]!;
      const { mode, match } = rule;
      if (match.method !== undefined && match.method.toUpperCase() !== method.toUpperCase())
        continue;
      if (match.pathIncludes !== undefined && !path.includes(match.pathIncludes)) continue;
      if (match.times !== undefined && rule.used >= match.times) continue;
      rule.used++;
      return mode;
    }
    return defaultMode;
  };

  /** Ends the response politely; a response that is already gone is left alone. */
  const finish = (
    res: http.ServerResponse,
    status: number,
    headers: http.OutgoingHttpHeaders,
    body: string | Uint8Array,
  ) => {
    if (res.destroyed || res.writableEnded) return;
    const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
    res.writeHead(status, { ...headers, "content-length": String(bytes.length) });
    res.end(bytes);
  };

  /** Writes chunks from `next` while the socket takes them; `next` returns undefined at the end. */
  const pump = (res: http.ServerResponse, next: () => Buffer | undefined | "stall"): void => {
    const step = (): void => {
      while (!stopped && !res.destroyed && !res.writableEnded) {
        const chunk = next();
        if (chunk === "stall") return;
        if (chunk === undefined) {
          res.end();
          return;
        }
        streamed += chunk.length;
        if (!res.write(chunk)) {
          res.once("drain", step);
          return;
        }
      }
    };
    step();
  };

  const serve = (
    mode: HostileMode,
    entry: (typeof log)[number],
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): void => {
    switch (mode.kind) {
      case "json":
        finish(
          res,
          mode.status,
          { "content-type": "application/json;charset=UTF-8", ...(mode.headers ?? {}) },
          JSON.stringify(mode.body) ?? "",
        );
        return;
      case "raw":
        finish(
          res,
          mode.status,
          {
            "content-type": mode.contentType ?? "text/plain; charset=utf-8",
            ...(mode.headers ?? {}),
          },
          mode.body,
        );
        return;
      case "html":
        finish(res, mode.status ?? 200, { "content-type": "text/html; charset=utf-8" }, LOGIN_PAGE);
        return;
      case "echo400": {
        const echoed = `${mode.prefix ?? ""}${entry.body}`;
        if (mode.style === "json") {
          finish(
            res,
            400,
            { "content-type": "application/json" },
            JSON.stringify({ message: echoed }),
          );
        } else {
          finish(res, 400, { "content-type": "text/plain; charset=utf-8" }, echoed);
        }
        return;
      }
      case "redirect":
        // No body: the target is only in the Location header, where a client must read it.
        finish(res, mode.status ?? 302, { location: mode.location }, "");
        return;
      case "retryAfter":
        finish(
          res,
          mode.status,
          { "content-type": "application/json", "retry-after": String(mode.seconds) },
          JSON.stringify({
            message: mode.status === 429 ? "Too Many Requests" : "Service Unavailable",
          }),
        );
        return;
      case "slowHeaders": {
        if (!Number.isFinite(mode.delayMs)) return; // never answers; stop() ends it
        const t = later(() => {
          if (mode.then === undefined) return;
          const then: HostileMode =
            mode.then === "ok" ? { kind: "json", status: 200, body: {} } : mode.then;
          serve(then, entry, req, res);
        }, mode.delayMs);
        res.once("close", () => cancel(t));
        return;
      }
      case "trickle": {
        res.writeHead(200, { "content-type": "application/json;charset=UTF-8" });
        res.flushHeaders();
        const head = Buffer.from('{"success":true,"Items":[', "utf8");
        let i = 0;
        const interval = Math.max(1, Math.round(1000 / Math.max(1, mode.bytesPerSecond ?? 10)));
        const t = every(() => {
          if (res.destroyed || res.writableEnded) return;
          const byte = i < head.length ? head.subarray(i, i + 1) : Buffer.from(" ");
          i++;
          streamed += 1;
          res.write(byte);
        }, interval);
        res.once("close", () => cancel(t));
        return;
      }
      case "endless": {
        res.writeHead(200, { "content-type": "application/json;charset=UTF-8" });
        res.flushHeaders();
        const item = '{"name":"endless","description":"' + "e".repeat(200) + '"},';
        const body = Buffer.from(item.repeat(Math.ceil(CHUNK / item.length)), "utf8");
        let first = true;
        pump(res, () => {
          if (endlessBudget <= 0) return "stall";
          const chunk = first ? Buffer.from('{"success":true,"Items":[', "utf8") : body;
          first = false;
          endlessBudget -= chunk.length;
          return chunk;
        });
        return;
      }
      case "huge": {
        const around = JSON.stringify(mode.around ?? {});
        const head = Buffer.from(
          `${around.slice(0, -1)}${around === "{}" ? "" : ","}"padding":"`,
          "utf8",
        );
        const tail = Buffer.from('"}', "utf8");
        let remaining = mode.bytes - head.length - tail.length;
        if (remaining < 0) throw new Error(`huge: ${mode.bytes} bytes cannot hold ${around}`);
        res.writeHead(200, {
          "content-type": "application/json;charset=UTF-8",
          ...(mode.declareLength ? { "content-length": String(mode.bytes) } : {}),
        });
        const pad = Buffer.alloc(CHUNK, "a");
        let stage = 0;
        pump(res, () => {
          if (stage === 0) {
            stage = 1;
            return head;
          }
          if (stage === 1) {
            if (remaining > 0) {
              const n = Math.min(remaining, CHUNK);
              remaining -= n;
              return n === CHUNK ? pad : pad.subarray(0, n);
            }
            stage = 2;
            return tail;
          }
          return undefined;
        });
        return;
      }
      case "proxy": {
        const target = new URL(entry.path, mode.target);
        const headers = { ...req.headers };
        delete headers.host;
        delete headers.connection;
        headers["content-length"] = String(Buffer.byteLength(entry.body));
        const out = http.request(target, { method: entry.method, headers }, (answer) => {
          upstream.delete(out);
          const relay = () => {
            if (res.destroyed) {
              answer.destroy();
              return;
            }
            const h = { ...answer.headers };
            delete h.connection;
            delete h["keep-alive"];
            if (mode.rewrite === undefined && !mode.reset) {
              res.writeHead(answer.statusCode ?? 502, h);
              answer.pipe(res);
              return;
            }
            const parts: Buffer[] = [];
            answer.on("data", (c: Buffer) => parts.push(c));
            answer.on("error", () => res.destroy());
            answer.on("end", () => {
              if (mode.reset) {
                res.socket?.destroy();
                return;
              }
              const body = mode.rewrite!(Buffer.concat(parts).toString("utf8"));
              delete h["content-length"];
              delete h["transfer-encoding"];
              finish(res, answer.statusCode ?? 502, h, body);
            });
          };
          if (mode.holdAnswerMs === undefined) return relay();
          const held = later(relay, mode.holdAnswerMs);
          res.once("close", () => {
            cancel(held);
            answer.destroy();
          });
        });
        upstream.add(out);
        out.on("error", () => {
          upstream.delete(out);
          if (!res.headersSent) finish(res, 502, { "content-type": "text/plain" }, "proxy failed");
          else res.destroy();
        });
        res.once("close", () => {
          if (upstream.has(out)) {
            upstream.delete(out);
            out.destroy();
          }
        });
        out.end(entry.body);
        return;
      }
    }
  };

  const server = http.createServer((req, res) => {
    if (stopped) {
      req.socket.destroy();
      return;
    }
    const entry = {
      method: req.method ?? "GET",
      path: req.url ?? "/",
      body: "",
      headers: req.headers,
      at: Date.now(),
    };
    log.push(entry);
    open.add(res);
    res.once("close", () => open.delete(res));
    res.once("finish", () => open.delete(res));
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", () => res.destroy());
    req.on("end", () => {
      entry.body = Buffer.concat(chunks).toString("utf8");
      if (stopped) return;
      try {
        serve(pick(entry.method, entry.path), entry, req, res);
      } catch (e) {
        finish(res, 500, { "content-type": "text/plain" }, `hostile server bug: ${String(e)}`);
      }
    });
  });
  // Incoming requests are small; the server itself must never be what times out.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 60_000;
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setMode(mode, match) {
      if (match === undefined) defaultMode = mode;
      else rules.push({ mode, match, used: 0 });
    },
    reset(mode) {
      rules = [];
      log = [];
      defaultMode = mode ?? NO_MODE;
      endlessBudget = options.endlessBudgetBytes ?? 256 * 1024 * 1024;
    },
    requests: () => log.map((e) => ({ ...e })),
    clearRequests() {
      log = [];
    },
    bytesStreamed: () => streamed,
    openResponses: () => open.size,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const t of timers) {
        clearTimeout(t);
        clearInterval(t);
      }
      timers.clear();
      for (const r of upstream) r.destroy();
      upstream.clear();
      for (const res of open) res.destroy();
      open.clear();
      for (const s of sockets) s.destroy();
      sockets.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
