import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { jsonResponse, type ApiResponse } from "./http";

/**
 * Requests that cannot be served as HTTP/1.1. Node's parser answers its own errors with a bare
 * `400 Bad Request` (and a few other paths with empty bodies, or none at all), which clients under
 * test then report as an unreadable answer; here every such request gets the emulator's generic
 * JSON error `{message}`, a fitting status and `connection: close`.
 */

/** Longest request target; longer ones get 414 rather than whatever the handler would make of them. */
export const MAX_TARGET_BYTES = 8 * 1024;
/** Request line plus header lines; larger heads get 431. */
export const MAX_HEAD_BYTES = 16 * 1024;
/** Header fields per request; more get 431. */
export const MAX_HEADER_FIELDS = 500;
/**
 * Node's own limit on a request head. Far above the two above so that they, not the parser, decide:
 * the parser only reports "overflow", judged from the chunk at hand, which cannot tell a long
 * request line from a long header once the head spans several reads. Set explicitly so that
 * `--max-http-header-size` in NODE_OPTIONS cannot change what the emulator accepts.
 */
export const PARSER_HEAD_BYTES = 1024 * 1024;
/** Node drops header fields past its count limit; one more than ours shows that there were too many. */
export const PARSER_HEADER_FIELDS = MAX_HEADER_FIELDS + 1;
/** How long a rejected client may keep its end open after our answer before we hang up anyway. */
const LINGER_MS = 2000;

const VERSION_NOT_SUPPORTED = "HTTP version not supported: the emulator speaks HTTP/1.1";
const TARGET_TOO_LONG = `request target is longer than ${MAX_TARGET_BYTES} bytes`;
const HEAD_TOO_LARGE = `request line and header fields are larger than ${MAX_HEAD_BYTES} bytes`;
/** The methods the emulator's APIs use, for the Allow header of a 405. */
const ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE";

/** uri-host [":" port] (RFC 9112 3.2): a bracketed IP literal or reg-name / IPv4 characters. */
const HOST_SYNTAX = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?$/;
/** tchar (RFC 9110 5.6.2): a syntactically valid method that llhttp does not know. */
const METHOD_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+ /;

/** A JSON error that also ends the connection: after a framing problem nothing that follows can be trusted. */
export function httpError(
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): ApiResponse {
  return jsonResponse(status, { message }, { ...headers, connection: "close" });
}

/**
 * Checks on a parsed request head that Node leaves to the application. Returns the answer when the
 * request must be refused, before its body is read.
 */
export function preflight(req: IncomingMessage): ApiResponse | undefined {
  // HTTP/0.9 and "HTTP/2.0" in an HTTP/1 request line both reach the handler; neither client could
  // read an HTTP/1.1 answer as meant.
  if (req.httpVersionMajor !== 1) {
    return httpError(505, VERSION_NOT_SUPPORTED);
  }
  if ((req.url ?? "").length > MAX_TARGET_BYTES) {
    return httpError(414, TARGET_TOO_LONG);
  }
  if (req.rawHeaders.length / 2 > MAX_HEADER_FIELDS) {
    return httpError(431, `a request may carry at most ${MAX_HEADER_FIELDS} header fields`);
  }
  if (headBytes(req) > MAX_HEAD_BYTES) {
    return httpError(431, HEAD_TOO_LARGE);
  }
  // RFC 9112 3.2: 400 for a missing (HTTP/1.1), repeated or invalid Host. Node keeps only the first
  // of repeated Host headers in `req.headers`, so count the raw ones.
  const hosts: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]?.toLowerCase() === "host") {
      hosts.push(req.rawHeaders[i + 1] ?? "");
    }
  }
  const [host] = hosts;
  if (hosts.length > 1) {
    return httpError(400, "a request must not carry more than one Host header");
  }
  if (host === undefined) {
    return req.httpVersionMinor >= 1
      ? httpError(400, "an HTTP/1.1 request needs a Host header")
      : undefined;
  }
  return HOST_SYNTAX.test(host)
    ? undefined
    : httpError(400, "the Host header is not a valid host[:port]");
}

/** Size of the request head as sent: request line and `name: value` lines with their CRLFs. */
function headBytes(req: IncomingMessage): number {
  let size = `${req.method ?? ""} ${req.url ?? ""} HTTP/${req.httpVersion}\r\n`.length;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    // Node hands header bytes over one character per byte.
    const line = `${req.rawHeaders[i] ?? ""}: ${req.rawHeaders[i + 1] ?? ""}\r\n`;
    size += Buffer.byteLength(line, "latin1");
  }
  return size;
}

/** What Node's parser attaches to its errors. */
interface ParserError extends Error {
  readonly code?: string;
  readonly reason?: string;
  readonly bytesParsed?: number;
  readonly rawPacket?: Buffer;
}

interface Verdict {
  readonly status: number;
  readonly message: string;
}

/** Status and message for a `clientError`; undefined when the socket itself failed (nothing to answer). */
export function classifyClientError(error: ParserError): Verdict | undefined {
  const code = error.code ?? "";
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") {
    return { status: 408, message: "the request was not received in time" };
  }
  if (!code.startsWith("HPE_")) {
    return undefined;
  }
  const head = currentHead(error);
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      // Only heads beyond PARSER_HEAD_BYTES get here, judged from the chunk that overflowed: 414
      // when it shows this message's request line from its start with no end yet, else 431 (the
      // head as a whole is too large either way).
      return head !== undefined && METHOD_TOKEN.test(head) && !head.includes("\n")
        ? { status: 414, message: TARGET_TOO_LONG }
        : { status: 431, message: HEAD_TOO_LARGE };
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      return { status: 413, message: "chunk extensions are too large" };
    case "HPE_PAUSED_H2_UPGRADE":
      return { status: 505, message: VERSION_NOT_SUPPORTED };
    case "HPE_INVALID_METHOD":
      return METHOD_TOKEN.test(restOfMessage(error))
        ? { status: 501, message: "request method is not implemented" }
        : malformed(error);
    case "HPE_INVALID_EOF_STATE":
      return { status: 400, message: "malformed HTTP request: it ended before it was complete" };
    case "HPE_INVALID_VERSION":
      // A well-formed "HTTP/x.y" that llhttp refuses is an unsupported version, not bad syntax.
      return head !== undefined && / HTTP\/\d\.\d$/.test(head)
        ? { status: 505, message: VERSION_NOT_SUPPORTED }
        : malformed(error);
    default:
      return malformed(error);
  }
}

function malformed(error: ParserError): Verdict {
  // llhttp's reasons ("Duplicate Content-Length", ...) name the problem without quoting the input.
  const reason = error.reason;
  const detail = reason !== undefined && /^[\x20-\x7e]{1,120}$/.test(reason) ? `: ${reason}` : "";
  return { status: 400, message: `malformed HTTP request${detail}` };
}

/** Where the failing message starts in the chunk: after the last blank line before the error. */
function messageStart(raw: Buffer, at: number): number {
  if (at <= 0) {
    return 0; // a negative offset would make lastIndexOf count from the end
  }
  const blank = raw.lastIndexOf("\r\n\r\n", at - 1);
  return blank < 0 ? 0 : blank + 4;
}

/** The failing message from its start up to the error, as far as this chunk holds it. */
function currentHead(error: ParserError): string | undefined {
  const raw = error.rawPacket;
  const at = error.bytesParsed;
  if (raw === undefined || at === undefined) {
    return undefined;
  }
  return raw.subarray(messageStart(raw, at), at).toString("latin1");
}

/** The start of the failing message (leading empty lines skipped), for a look at its method. */
function restOfMessage(error: ParserError): string {
  const raw = error.rawPacket;
  if (raw === undefined) {
    return "";
  }
  const start = messageStart(raw, error.bytesParsed ?? 0);
  return raw
    .subarray(start, start + 64)
    .toString("latin1")
    .replace(/^[\r\n]+/, "");
}

/** An HTTP/1.1 response written straight to a socket that Node's HTTP layer has given up on. */
function rawResponse(
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): string {
  const body = JSON.stringify({ message });
  const fields: Record<string, string> = {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    date: new Date().toUTCString(),
    ...headers,
    connection: "close",
  };
  const lines = Object.entries(fields).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\n${lines.join("")}\r\n${body}`;
}

interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}

/**
 * Answers what Node's HTTP layer would answer without a JSON body, and keeps track of the requests
 * in flight on each socket so that an error answer never cuts into an earlier response.
 */
export class Wire {
  private readonly inFlight = new WeakMap<Duplex, Set<Exchange>>();
  /** Sockets answered outside Node's HTTP layer; `stop()` must not wait for them to linger out. */
  private readonly detached = new Set<Duplex>();
  private readonly answered = new WeakSet<Duplex>();

  constructor(
    private readonly send: (res: ServerResponse, response: ApiResponse) => void,
    private readonly log: (line: string) => void,
  ) {}

  attach(server: Server): void {
    server.on("clientError", (error: ParserError, socket: Duplex) =>
      this.clientError(error, socket),
    );
    // Without a listener Node silently closes CONNECT connections.
    server.on("connect", (_req: IncomingMessage, socket: Duplex) => {
      this.log("CONNECT refused 405");
      this.answerRaw(socket, 405, "CONNECT is not supported: the emulator is not a proxy", {
        allow: ALLOWED_METHODS,
      });
    });
    // Without a listener Node answers 417 with an empty body.
    server.on("checkExpectation", (_req: IncomingMessage, res: ServerResponse) => {
      this.log("unsupported Expect 417");
      this.send(res, httpError(417, "the only supported expectation is 100-continue"));
    });
  }

  /** Registers a request whose head Node has parsed; call first thing in the request listener. */
  track(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket;
    let exchanges = this.inFlight.get(socket);
    if (exchanges === undefined) {
      exchanges = new Set();
      this.inFlight.set(socket, exchanges);
    }
    const exchange = { req, res };
    const live = exchanges;
    live.add(exchange);
    res.once("finish", () => {
      // An answered request whose body is still arriving stays: a framing error in that body
      // belongs to it and must not earn a second answer.
      if (req.complete) {
        live.delete(exchange);
      } else {
        req.once("end", () => live.delete(exchange));
      }
    });
  }

  /** Destroys the sockets answered outside Node's HTTP layer. */
  destroyAll(): void {
    for (const socket of this.detached) {
      socket.destroy();
    }
    this.detached.clear();
  }

  private clientError(error: ParserError, socket: Duplex): void {
    // The parser stays in its error state and reports again on every further chunk.
    if (this.answered.has(socket)) {
      return;
    }
    this.answered.add(socket);
    const verdict = classifyClientError(error);
    if (verdict === undefined || !socket.writable) {
      socket.destroy();
      return;
    }
    this.log(`malformed request ${error.code ?? "unknown"} ${verdict.status}`);
    const exchanges = [...(this.inFlight.get(socket) ?? [])];
    // The request whose body broke, if its head got through: its handler gives up on it unanswered
    // unless it answered before reading the body.
    const broken = exchanges.find((x) => !x.req.complete);
    const alreadyAnswered = broken?.res.headersSent === true;
    const ahead = exchanges.filter((x) => x !== broken || alreadyAnswered);
    void Promise.all(ahead.map((x) => finished(x.res))).then(() => {
      if (alreadyAnswered) {
        this.hangUp(socket);
      } else {
        this.answerRaw(socket, verdict.status, verdict.message);
      }
    });
  }

  private answerRaw(
    socket: Duplex,
    status: number,
    message: string,
    headers?: Readonly<Record<string, string>>,
  ): void {
    this.hangUp(socket, rawResponse(status, message, headers));
  }

  /** Sends `last` (if any), half-closes, and destroys once the client is done or has lingered. */
  private hangUp(socket: Duplex, last?: string): void {
    if (socket.destroyed || !socket.writable) {
      socket.destroy();
      return;
    }
    this.detached.add(socket);
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once("close", () => {
      clearTimeout(timer);
      this.detached.delete(socket);
    });
    // Keep reading until the client closes: unread input at close would turn our FIN into a reset
    // that can discard the answer before the client reads it.
    socket.once("end", () => socket.destroy());
    socket.resume();
    socket.end(last);
  }
}

function finished(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.writableFinished || res.destroyed) {
      resolve();
      return;
    }
    res.once("finish", () => resolve());
    res.once("close", () => resolve());
  });
}
