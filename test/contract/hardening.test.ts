/**
 * Emulator hardening (emulator only): every malformed HTTP request gets a complete JSON answer,
 * fault-rule path patterns cannot stall the event loop, and the admin API neither answers foreign
 * Host headers (DNS rebinding) nor ever shows a secret value.
 */
import { createHash, randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import {
  CONNECTION_TYPES,
  secretFields,
  startEmulator,
  type RunningEmulator,
} from "../../emulator";
import { typeFixture } from "./apinizer-fixtures";
import { EMULATOR_APINIZER_TOKEN, EMULATOR_PICTORY_KEY } from "./harness";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => emu.reset());

// ---------------------------------------------------------------------------------------------
// Raw wire helpers: the cases below are bytes no well-behaved HTTP client would send.

interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The body is exactly as long as its framing says. */
  readonly complete: boolean;
}

interface RawExchange {
  readonly responses: RawResponse[];
  /** The server closed the connection before the wait ran out. */
  readonly closed: boolean;
  /** Bytes after the last parsable response (should be none). */
  readonly rest: string;
}

/** Sends `payload` as is, then collects everything until the server closes or `waitMs` passes. */
function exchange(
  payload: string | Buffer,
  options: { halfClose?: boolean; waitMs?: number } = {},
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let closed = false;
    const socket = connect(emu.port, "127.0.0.1", () => {
      const bytes = typeof payload === "string" ? Buffer.from(payload, "latin1") : payload;
      if (options.halfClose === true) {
        socket.end(bytes);
      } else {
        socket.write(bytes);
      }
    });
    const timer = setTimeout(() => socket.destroy(), options.waitMs ?? 3000);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => {
      closed = true;
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(parseResponses(Buffer.concat(chunks), closed));
    });
  });
}

function parseResponses(raw: Buffer, closed: boolean): RawExchange {
  const responses: RawResponse[] = [];
  let offset = 0;
  for (;;) {
    const headEnd = raw.indexOf("\r\n\r\n", offset);
    if (headEnd < 0) {
      break;
    }
    const [statusLine = "", ...lines] = raw
      .subarray(offset, headEnd)
      .toString("latin1")
      .split("\r\n");
    const status = /^HTTP\/1\.[01] (\d{3}) /.exec(statusLine);
    if (status === null) {
      break;
    }
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const bodyStart = headEnd + 4;
    const length = headers["content-length"];
    if (length !== undefined) {
      const end = bodyStart + Number(length);
      responses.push({
        status: Number(status[1]),
        headers,
        body: raw.subarray(bodyStart, Math.min(end, raw.length)).toString("utf8"),
        complete: end <= raw.length,
      });
      offset = Math.min(end, raw.length);
      continue;
    }
    // No length: either bodiless or delimited by the close (both count as incomplete JSON).
    responses.push({
      status: Number(status[1]),
      headers,
      body: raw.subarray(bodyStart).toString("utf8"),
      complete: false,
    });
    offset = raw.length;
  }
  return { responses, closed, rest: raw.subarray(offset).toString("latin1") };
}

/** One complete JSON error response with `connection: close`, and the server hung up. */
function expectJsonError(result: RawExchange, status: number): Record<string, unknown> {
  expect(result.responses).toHaveLength(1);
  const [response] = result.responses as [RawResponse];
  const body = parsedBody(response);
  expect({
    status: response.status,
    contentType: response.headers["content-type"],
    connection: response.headers.connection,
    complete: response.complete,
    message: typeof body?.message,
    closed: result.closed,
    rest: result.rest,
  }).toEqual({
    status,
    contentType: expect.stringMatching(/^application\/json/),
    connection: "close",
    complete: true,
    message: "string",
    closed: true,
    rest: "",
  });
  expect(String(body?.message).length).toBeGreaterThan(0);
  return body ?? {};
}

function parsedBody(response: RawResponse): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(response.body);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const HOST = "Host: 127.0.0.1\r\n";
const get = (target: string, headers = HOST): string => `GET ${target} HTTP/1.1\r\n${headers}\r\n`;
const post = (headers: string, body: string): string =>
  `POST /apiops/projects/demo/connections/x/ HTTP/1.1\r\n${HOST}${headers}\r\n${body}`;
const chunked = (body: string): string => post("Transfer-Encoding: chunked\r\n", body);

/** [what, status, bytes]: each must get exactly one complete JSON error and a closed connection. */
const MALFORMED: readonly (readonly [string, number, string | Buffer])[] = [
  // The request line.
  ["a request line that is not HTTP", 400, "GARBAGE\r\n\r\n"],
  ["an unknown method (BREW)", 501, `BREW /pot HTTP/1.1\r\n${HOST}\r\n`],
  ["a lower-case method", 501, `get / HTTP/1.1\r\n${HOST}\r\n`],
  ["a method with an invalid character", 400, `G@T / HTTP/1.1\r\n${HOST}\r\n`],
  ["tabs instead of spaces in the request line", 400, `GET\t/\tHTTP/1.1\r\n${HOST}\r\n`],
  ["a missing request target", 400, `GET  HTTP/1.1\r\n${HOST}\r\n`],
  ["a space inside the request target", 400, `GET /a b HTTP/1.1\r\n${HOST}\r\n`],
  ["a control character in the request target", 400, `GET /a\x01b HTTP/1.1\r\n${HOST}\r\n`],
  ["a relative request target", 400, `GET abc HTTP/1.1\r\n${HOST}\r\n`],
  ["a protocol other than HTTP", 400, `GET / HTTQ/1.1\r\n${HOST}\r\n`],
  ["HTTP/0.9 (no version)", 505, "GET /\r\n\r\n"],
  ["HTTP/1.2", 505, `GET / HTTP/1.2\r\n${HOST}\r\n`],
  ["HTTP/2.0 in an HTTP/1 request line", 505, `GET / HTTP/2.0\r\n${HOST}\r\n`],
  ["HTTP/3.0", 505, `GET / HTTP/3.0\r\n${HOST}\r\n`],
  ["the HTTP/2 connection preface", 505, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"],
  [
    "a TLS ClientHello",
    400,
    Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03]),
  ],
  ["NUL bytes", 400, Buffer.alloc(8)],
  ["CR without LF after the request line", 400, `GET / HTTP/1.1\r${HOST}\r\n`],
  ["LF-only line endings", 400, "GET / HTTP/1.1\nHost: 127.0.0.1\n\n"],
  ["a LF-only line ending after a header", 400, "GET / HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n"],
  ["an oversized request target (10 KB)", 414, get(`/${"a".repeat(10_000)}`)],
  ["an oversized request target (20 KB)", 414, get(`/${"a".repeat(20_000)}`)],
  ["an oversized request target (100 KB)", 414, get(`/${"a".repeat(100_000)}`)],
  // Header fields.
  ["a missing Host header (HTTP/1.1)", 400, get("/", "")],
  ["two Host headers", 400, get("/", "Host: 127.0.0.1\r\nHost: evil.example\r\n")],
  ["a Host header with a space", 400, get("/", "Host: a b\r\n")],
  ["a Host header with a non-numeric port", 400, get("/", "Host: localhost:http\r\n")],
  ["a control character in a header name", 400, get("/", `${HOST}X-A\x01: b\r\n`)],
  ["a NUL in a header value", 400, get("/", `${HOST}X-A: b\x00c\r\n`)],
  ["a DEL in a header value", 400, get("/", `${HOST}X-A: b\x7fc\r\n`)],
  ["whitespace before a header colon", 400, get("/", `${HOST}X-A : b\r\n`)],
  ["a header line without a colon", 400, get("/", `${HOST}NoColon\r\n`)],
  ["a header without a name", 400, get("/", `${HOST}: v\r\n`)],
  ["an obsolete folded header line", 400, get("/", `${HOST}X-A: b\r\n  c\r\n`)],
  ["an oversized header (20 KB)", 431, get("/", `${HOST}X-Big: ${"b".repeat(20_000)}\r\n`)],
  [
    "too many header bytes (3,000 headers)",
    431,
    get("/", `${HOST}${Array.from({ length: 3000 }, (_, i) => `X-${i}: v\r\n`).join("")}`),
  ],
  ["an unsupported expectation", 417, post("Expect: teapot\r\nContent-Length: 0\r\n", "")],
  [
    "CONNECT (the emulator is no proxy)",
    405,
    "CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n",
  ],
  // Body framing (request smuggling vectors included).
  ["two different Content-Lengths", 400, post("Content-Length: 1\r\nContent-Length: 2\r\n", "ab")],
  ["two equal Content-Lengths", 400, post("Content-Length: 2\r\nContent-Length: 2\r\n", "ab")],
  [
    "Content-Length together with chunked",
    400,
    post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"),
  ],
  ["a negative Content-Length", 400, post("Content-Length: -1\r\n", "")],
  ["a non-numeric Content-Length", 400, post("Content-Length: abc\r\n", "")],
  ["a Content-Length with two numbers", 400, post("Content-Length: 1 2\r\n", "ab")],
  ["an overflowing Content-Length", 400, post("Content-Length: 99999999999999999999999\r\n", "")],
  [
    "a Transfer-Encoding that does not end in chunked",
    400,
    post("Transfer-Encoding: gzip\r\n", "ab"),
  ],
  ["chunked followed by another coding", 400, post("Transfer-Encoding: chunked, gzip\r\n", "ab")],
  [
    "two Transfer-Encoding headers",
    400,
    post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"),
  ],
  ["a chunk size that is not hex", 400, chunked("zz\r\nab\r\n0\r\n\r\n")],
  ["an overflowing chunk size", 400, chunked("ffffffffffffffffffff\r\nab\r\n0\r\n\r\n")],
  ["chunk data longer than its size", 400, chunked("2\r\nabc\r\n0\r\n\r\n")],
  ["a chunk size line ending in LF only", 400, chunked("2\nab\r\n0\r\n\r\n")],
  ["an oversized chunk extension", 413, chunked(`2;${"e".repeat(20_000)}\r\nab\r\n0\r\n\r\n`)],
  ["an invalid trailer field", 400, chunked("0\r\nBad Trailer\r\n\r\n")],
];

describe("malformed HTTP", () => {
  it("covers at least 40 cases", () => {
    expect(MALFORMED.length).toBeGreaterThanOrEqual(40);
  });

  it.each(MALFORMED)(
    "rejects %s with a complete JSON %i and closes",
    async (_what, status, bytes) => {
      expectJsonError(await exchange(bytes), status);
    },
  );

  it.each([
    ["request target", get(`/${"a".repeat(2 * 1024 * 1024)}`)],
    ["header", get("/", `${HOST}X-Big: ${"b".repeat(2 * 1024 * 1024)}\r\n`)],
  ])(
    "rejects a 2 MB %s (past the parser's own limit) with JSON 414 or 431",
    async (_what, bytes) => {
      const result = await exchange(bytes);
      const status = result.responses[0]?.status ?? 0;
      expect([414, 431]).toContain(status);
      expectJsonError(result, status);
    },
  );

  it("rejects a request cut off inside its headers (client half-closes) with 400 JSON", async () => {
    expectJsonError(
      await exchange("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: b", { halfClose: true }),
      400,
    );
  });

  it("rejects a malformed request pipelined behind a valid one, after answering the valid one", async () => {
    const result = await exchange(
      `${get("/apiops/test/healthcheck")}BREW / HTTP/1.1\r\n${HOST}\r\n`,
    );
    expect(result.responses.map((r) => [r.status, r.body])).toEqual([
      [200, "OK"],
      [501, expect.any(String)],
    ]);
    expect(parsedBody(result.responses[1] as RawResponse)).toEqual({ message: expect.any(String) });
    expect(result.responses[1]?.headers.connection).toBe("close");
    expect(result.closed).toBe(true);
  });

  it("rejects a malformed request pipelined behind a slow one without cutting into its answer", async () => {
    emu.enqueueFault({ action: "delay", delayMs: 300, path: "/apiops/test/healthcheck" });
    const result = await exchange(`${get("/apiops/test/healthcheck")}${chunked("zz\r\n")}`);
    expect(result.responses.map((r) => [r.status, r.complete, r.body])).toEqual([
      [200, true, "OK"],
      [400, true, expect.any(String)],
    ]);
    expect(parsedBody(result.responses[1] as RawResponse)).toEqual({
      message: expect.stringContaining("chunk"),
    });
    expect(result.closed).toBe(true);
  });

  it("still serves well-formed but unusual requests normally", async () => {
    const leadingEmptyLines = await exchange(`\r\n\r\n${get("/apiops/test/healthcheck")}`, {
      waitMs: 300,
    });
    expect(leadingEmptyLines.responses.map((r) => [r.status, r.body])).toEqual([[200, "OK"]]);
    const http10 = await exchange("GET /apiops/test/healthcheck HTTP/1.0\r\n\r\n");
    expect(http10.responses.map((r) => [r.status, r.body])).toEqual([[200, "OK"]]);
    const upgrade = await exchange(
      get("/apiops/test/healthcheck", `${HOST}Connection: Upgrade\r\nUpgrade: websocket\r\n`),
      { waitMs: 300 },
    );
    expect(upgrade.responses.map((r) => r.status)).toEqual([200]);
  });

  it("is still alive afterwards and never answered 500", async () => {
    const health = await exchange(get("/apiops/test/healthcheck"), { waitMs: 300 });
    expect(health.responses.map((r) => r.status)).toEqual([200]);
    expect(emu.requests().filter((e) => e.status >= 500)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// HTTP with a chosen Host header, for the admin API.

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly json: Record<string, unknown>;
}

function call(
  method: string,
  path: string,
  options: { host?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port: emu.port,
        method,
        path,
        agent: false,
        // Node would replace an empty Host with its own.
        setHost: false,
        headers: {
          host: options.host ?? `127.0.0.1:${emu.port}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            // Not JSON: callers assert on `text` or `status`.
          }
          resolve({ status: res.statusCode ?? 0, text, json });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const pictoryAuth = { authorization: EMULATOR_PICTORY_KEY };
const apinizerAuth = { authorization: `Bearer ${EMULATOR_APINIZER_TOKEN}` };

async function createVimeo(
  name: string,
  clientSecret: string,
  accessToken: string,
): Promise<string> {
  const created = await call("POST", "/pictoryapis/v1/vimeo-connections", {
    headers: pictoryAuth,
    body: { name, clientIdentifier: "cid", clientSecret, accessToken },
  });
  expect(created.status).toBe(200);
  return String(created.json.connectionId);
}

async function createApinizer(body: Record<string, unknown>): Promise<void> {
  const created = await call("POST", `/apiops/projects/demo/connections/${String(body.name)}/`, {
    headers: apinizerAuth,
    body,
  });
  expect(created.status).toBe(200);
}

// ---------------------------------------------------------------------------------------------

describe("fault rule path patterns", () => {
  const EVIL = "^/(a+)+$";
  const EVIL_PATH = `/${"a".repeat(30)}!`;

  it("rejects the backtracking pattern ^/(a+)+$ with 400 naming the rule and why; the next request is answered within 1 s", async () => {
    const added = await call("POST", "/_emulator/faults/once", {
      body: { action: "status", status: 503, path: EVIL },
    });
    const started = performance.now();
    const next = await call("GET", EVIL_PATH);
    const elapsedMs = performance.now() - started;
    expect({ added: added.status, next: next.status, fast: elapsedMs < 1000 }).toEqual({
      added: 400,
      next: 404,
      fast: true,
    });
    expect(added.json.error).toBe("invalid fault rule");
    expect(added.json.rule).toEqual({ action: "status", status: 503, path: EVIL });
    expect(added.json.issues).toEqual([
      { path: "path", message: expect.stringMatching(/glob.*not a regular expression/) },
    ]);
    expect((await call("GET", "/_emulator/faults/once")).json.rules).toEqual([]);
  });

  it("rejects the backtracking pattern through enqueueFault too", () => {
    expect(() => emu.enqueueFault({ action: "status", path: EVIL })).toThrow(/glob/);
  });

  it.each([
    ["a pattern that cannot match a path (no leading / or *)", "vimeo-connections"],
    ["regular-expression anchors", "^/apiops/"],
    ["a backslash", "/apiops/\\d+"],
    ["a character class", "/apiops/[a-z]"],
    ["whitespace", "/api ops"],
    ["a pattern over 512 characters", `/${"a".repeat(512)}`],
    ["an empty pattern", ""],
  ])("rejects %s with 400", async (_what, path) => {
    const added = await call("POST", "/_emulator/faults/once", {
      body: { action: "status", path },
    });
    expect(added.status).toBe(400);
    expect(added.json.issues).toEqual([{ path: "path", message: expect.any(String) }]);
  });

  it.each([
    ["/apiops/*", "/apiops/projects/", true],
    ["/apiops/*", "/pictoryapis/v1/awsconnections", false],
    ["*/vimeo-connections", "/pictoryapis/v1/vimeo-connections", true],
    [
      "*/vimeo-connections",
      "/pictoryapis/v1/vimeo-connections/20250101000000000abcdefghijklmnop",
      false,
    ],
    [
      "*/vimeo-connections*",
      "/pictoryapis/v1/vimeo-connections/20250101000000000abcdefghijklmnop",
      true,
    ],
    ["/apiops/projects/", "/apiops/projects/", true],
    ["/apiops/projects/", "/apiops/projects/demo/connections/", false],
    ["*", "/anything/at/all", true],
    ["/pictoryapis/*/awsconnections/*", "/pictoryapis/v1/awsconnections/abc", true],
    ["/pictoryapis/*/awsconnections/*", "/pictoryapis/v1/vimeo-connections/abc", false],
    ["/a*b*c", "/abc", true],
    ["/a*b*c", "/acb", false],
    ["*a*a", "/aa", true],
    ["*a*a", "/ab", false],
    ["/pictoryapis/v1/awsconnections/%41*", "/pictoryapis/v1/awsconnections/%41bc", true],
  ])("glob %s on %s matches: %s", async (pattern, path, matches) => {
    emu.enqueueFault({ action: "status", status: 418, path: pattern });
    const answer = await call("GET", path);
    expect(answer.status === 418).toBe(matches);
  });

  it("matches adversarial globs in linear time (answers within 1 s)", async () => {
    const path = `/${"a".repeat(8000)}`;
    const patterns = [
      `${"*a".repeat(200)}b`,
      `*${`${"a".repeat(40)}b*`.repeat(10)}`,
      `/${"*".repeat(500)}b`,
    ];
    for (const pattern of patterns) {
      emu.enqueueFault({ action: "status", status: 418, path: pattern });
      const started = performance.now();
      const answer = await call("GET", path);
      expect({ status: answer.status, fast: performance.now() - started < 1000 }).toEqual({
        status: 404,
        fast: true,
      });
      emu.reset();
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe("admin API and Host headers (DNS rebinding)", () => {
  let vimeoId: string;
  let awsId: string;

  beforeEach(async () => {
    vimeoId = await createVimeo("rebind-vimeo", "rebind-secret", "rebind-token");
    const aws = await call("POST", "/pictoryapis/v1/awsconnections", {
      headers: pictoryAuth,
      body: { name: "rebind-aws", awsAccountId: "123456789012", awsRegion: "us-east-1" },
    });
    awsId = String(aws.json.connectionId);
    await createApinizer({ ...typeFixture("email").valid, type: "email", name: "mail" });
    emu.enqueueFault({ action: "status", status: 500, path: "/never/*" });
    emu.setFaults({ seed: 7 });
  });

  /** Everything the admin API can show, read with a loopback Host. */
  async function snapshot(): Promise<unknown> {
    const reads = ["/state", "/info", "/faults", "/faults/once", "/requests"];
    return Promise.all(reads.map(async (r) => (await call("GET", `/_emulator${r}`)).json));
  }

  const routes = (): (readonly [string, string, unknown?])[] => [
    ["POST", "/_emulator/reset"],
    ["GET", "/_emulator/requests"],
    ["DELETE", "/_emulator/requests"],
    ["GET", "/_emulator/faults"],
    ["PUT", "/_emulator/faults", { rate5xx: 1 }],
    ["GET", "/_emulator/faults/once"],
    ["POST", "/_emulator/faults/once", { action: "status", status: 500 }],
    ["DELETE", "/_emulator/faults/once"],
    ["GET", "/_emulator/state"],
    ["GET", "/_emulator/state?tenant=default"],
    ["GET", "/_emulator/info"],
    ["PATCH", `/_emulator/pictory/vimeo/${vimeoId}`, { description: "rebound" }],
    ["DELETE", `/_emulator/pictory/aws/${awsId}`],
    ["PATCH", "/_emulator/apinizer/demo/mail", { port: 2525 }],
    ["DELETE", "/_emulator/apinizer/demo/mail"],
    ["GET", "/_emulator/no-such-route"],
  ];

  it("rejects every admin route with Host: evil.example (403 JSON) and changes nothing", async () => {
    const before = await snapshot();
    const answers: [string, number, unknown][] = [];
    for (const [method, path, body] of routes()) {
      const answer = await call(method, path, { host: "evil.example", body });
      answers.push([`${method} ${path}`, answer.status, answer.json.error]);
    }
    expect(answers).toEqual(
      routes().map(([method, path]) => [
        `${method} ${path}`,
        403,
        "admin API answers loopback Host headers only",
      ]),
    );
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    "evil.example",
    "evil.example:80",
    "localhost.evil.example",
    "evil-localhost",
    "127.0.0.1.nip.io",
    "0.0.0.0",
    "10.0.0.1",
    "128.0.0.1",
    "127.0.0.256",
    "[::2]",
    "[::ffff:7f00:1]",
    "",
  ])("rejects admin requests with Host %j (403)", async (host) => {
    const answer = await call("POST", "/_emulator/reset", { host });
    expect([answer.status, answer.json.error]).toEqual([
      403,
      "admin API answers loopback Host headers only",
    ]);
    // The reset did not happen: the queued rule is still there.
    expect((await call("GET", "/_emulator/faults/once")).json.rules).toHaveLength(1);
  });

  it("rejects an admin request without a Host header (HTTP/1.0) with 403", async () => {
    const result = await exchange("POST /_emulator/reset HTTP/1.0\r\n\r\n");
    expect(result.responses.map((r) => [r.status, parsedBody(r)])).toEqual([
      [403, { error: "admin API answers loopback Host headers only" }],
    ]);
    expect((await call("GET", "/_emulator/faults/once")).json.rules).toHaveLength(1);
  });

  it.each([
    "localhost",
    "localhost:8787",
    "LocalHost",
    "127.0.0.1",
    "127.0.0.1:8787",
    "127.1.2.3",
    "127.255.255.255:1",
    "[::1]",
    "[::1]:8787",
  ])("answers admin requests with Host %j", async (host) => {
    const answer = await call("GET", "/_emulator/info", { host });
    expect(answer.status).toBe(200);
    expect(answer.json.apinizerEnvelope).toBe("v1");
  });

  it("DELETE /_emulator/faults/once drops the queued rules", async () => {
    expect((await call("GET", "/_emulator/faults/once")).json.rules).toHaveLength(1);
    expect((await call("DELETE", "/_emulator/faults/once")).status).toBe(204);
    expect((await call("GET", "/_emulator/faults/once")).json.rules).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("admin API and secrets", () => {
  const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");
  const run = randomBytes(4).toString("hex");
  const secretValue = (where: string): string => `SECRET-${run}-${where}`;

  /** The type pages' secret fields per type, as the contract fixtures list them. */
  const apinizerSecrets = (type: string): string[] => [...typeFixture(type).secrets];

  it("the emulator treats exactly the type pages' secret fields as secret", () => {
    for (const decl of CONNECTION_TYPES) {
      expect([decl.type, secretFields(decl).sort()]).toEqual([
        decl.type,
        apinizerSecrets(decl.type).sort(),
      ]);
    }
  });

  /** Creates one connection of every family and type with a distinct value in every secret. */
  async function createEverything(): Promise<{ secrets: string[]; vimeoId: string }> {
    const secrets: string[] = [];
    const remember = (value: string): string => {
      secrets.push(value);
      return value;
    };
    const vimeoId = await createVimeo(
      "secret-vimeo",
      remember(secretValue("vimeo-clientSecret")),
      remember(secretValue("vimeo-accessToken")),
    );
    for (const decl of CONNECTION_TYPES) {
      const body: Record<string, unknown> = {
        ...typeFixture(decl.type).valid,
        type: decl.type,
        name: `secret-${decl.type}`,
      };
      for (const field of apinizerSecrets(decl.type)) {
        body[field] = remember(secretValue(`${decl.type}-${field}`));
      }
      // elasticsearch: caKeystoreFile is a secret itself now (masked in get, its type page), so
      // the loop above sets it and with it what caKeystoreFilePass requires.
      if (decl.type === "webhook") {
        body.headerList = [
          { name: "Authorization", value: remember(secretValue("webhook-authorization")) },
          { name: "X-Api-Key", value: remember(secretValue("webhook-api-key")) },
        ];
      }
      await createApinizer(body);
    }
    return { secrets, vimeoId };
  }

  function expectNoSecret(label: string, text: string, secrets: readonly string[]): void {
    expect([label, secrets.filter((s) => text.includes(s))]).toEqual([label, []]);
    // Also no prefix of a value (a truncated secret is still a leak).
    expect([label, text.includes(`SECRET-${run}`)]).toEqual([label, false]);
  }

  it("never shows a secret value in the state dump, info, faults or request log", async () => {
    const { secrets } = await createEverything();
    const reads = [
      "/state",
      "/state?tenant=default",
      `/state?tenant=${EMULATOR_PICTORY_KEY}`,
      `/state?tenant=${EMULATOR_APINIZER_TOKEN}`,
      "/info",
      "/faults",
      "/faults/once",
      "/requests",
    ];
    for (const read of reads) {
      const answer = await call("GET", `/_emulator${read}`);
      expect([read, answer.status]).toEqual([read, 200]);
      expectNoSecret(read, answer.text, secrets);
    }
  });

  it("shows every secret of every type as a sha256 fingerprint in the state dump", async () => {
    await createEverything();
    const state = (await call("GET", "/_emulator/state?tenant=default")).json as {
      tenants: {
        pictory: { vimeo: Record<string, unknown>[] };
        apinizer: { demo: Record<string, unknown>[] };
      }[];
    };
    const tenant = state.tenants[0];
    expect(tenant?.pictory.vimeo[0]).toMatchObject({
      clientSecret: { sha256: sha256(secretValue("vimeo-clientSecret")) },
      accessToken: { sha256: sha256(secretValue("vimeo-accessToken")) },
    });
    for (const decl of CONNECTION_TYPES) {
      const stored = tenant?.apinizer.demo.find((c) => c.name === `secret-${decl.type}`);
      const expected: Record<string, unknown> = {};
      for (const field of apinizerSecrets(decl.type)) {
        expected[field] = { sha256: sha256(secretValue(`${decl.type}-${field}`)) };
      }
      if (decl.type === "webhook") {
        expected.headerList = [
          {
            name: "Authorization",
            value: { sha256: sha256(secretValue("webhook-authorization")) },
          },
          { name: "X-Api-Key", value: { sha256: sha256(secretValue("webhook-api-key")) } },
        ];
      }
      expect([decl.type, stored]).toEqual([decl.type, expect.objectContaining(expected)]);
    }
  });

  it("answers out-of-band PATCHes with fingerprints, never the stored or the new secret", async () => {
    const { secrets, vimeoId } = await createEverything();
    const rotated: string[] = [];
    const edits: [string, Record<string, unknown>][] = [
      [`/pictory/vimeo/${vimeoId}`, { description: "edited" }],
      [`/pictory/vimeo/${vimeoId}`, { clientSecret: secretValue("rotated-vimeo") }],
    ];
    rotated.push(secretValue("rotated-vimeo"));
    for (const decl of CONNECTION_TYPES) {
      edits.push([`/apinizer/demo/secret-${decl.type}`, { description: "edited" }]);
      const changes: Record<string, unknown> = {};
      for (const field of apinizerSecrets(decl.type)) {
        changes[field] = secretValue(`rotated-${decl.type}-${field}`);
        rotated.push(String(changes[field]));
      }
      if (decl.type === "webhook") {
        changes.headerList = [{ name: "Authorization", value: secretValue("rotated-webhook") }];
        rotated.push(secretValue("rotated-webhook"));
      }
      edits.push([`/apinizer/demo/secret-${decl.type}`, changes]);
    }
    for (const [path, changes] of edits) {
      const answer = await call("PATCH", `/_emulator${path}`, { body: changes });
      expect([path, answer.status]).toEqual([path, 200]);
      expectNoSecret(`PATCH ${path}`, answer.text, [...secrets, ...rotated]);
    }
    const webhook = await call("PATCH", "/_emulator/apinizer/demo/secret-webhook", {
      body: { timeout: 5 },
    });
    expect(webhook.json.headerList).toEqual([
      { name: "Authorization", value: { sha256: sha256(secretValue("rotated-webhook")) } },
    ]);
    const email = await call("PATCH", "/_emulator/apinizer/demo/secret-email", {
      body: { port: 2525 },
    });
    expect(email.json.password).toEqual({ sha256: sha256(secretValue("rotated-email-password")) });
  });

  it("rejects an invalid secret in an out-of-band PATCH without echoing it", async () => {
    await createEverything();
    const short = `S${run}`.slice(0, 7);
    const answer = await call("PATCH", "/_emulator/apinizer/demo/secret-snmp", {
      body: { privPassphrase: short },
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("privPassphrase");
    expect(answer.text).not.toContain(short);
  });
});
