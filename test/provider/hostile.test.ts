/**
 * Every provider hook of the three kinds against a hostile API (test/helpers/hostile.ts): bodies
 * that trickle, never end or are huge, headers held back, 200 answers of the wrong shape, login
 * pages, redirects to another host, 400s that echo the request (secrets included) and absurd
 * `Retry-After`s. Each case pins the error code, what the message says, and how long it may take.
 *
 * Bounds come from the config below: a request may take connections:requestTimeoutMs, a whole
 * operation (retries and create-recovery lookups included) connections:operationTimeoutMs, plus
 * SLACK_MS. An operation still pending at the bound is reported as such, never awaited further.
 */
import * as http from "node:http";
import { inspect } from "node:util";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { ConnectionError } from "../../provider/core/errors";
import type { Props } from "../../provider/core/kind";
import { ProviderHooks, ProviderRuntime } from "../../provider/core/runtime";
import { KINDS } from "../../provider/registry";
import { emulatorConfigValues } from "../../scripts/workspace";
import { startHostile, type HostileMode, type HostileServer } from "../helpers/hostile";

const REQUEST_TIMEOUT_MS = 1500;
const OPERATION_TIMEOUT_MS = 4000;
const SLACK_MS = 2000;
/** Upper bound of any failing operation here: the operation deadline plus slack. */
const DEADLINE_MS = OPERATION_TIMEOUT_MS + SLACK_MS;
const MAX_RESPONSE_BYTES = 1048576;
const RETRY_MAX_DELAY_MS = 200;

// ---------------------------------------------------------------------------------------------
// Rig: a provider runtime whose base URLs point at a hostile server.

const servers: HostileServer[] = [];
const runtimes: ProviderRuntime[] = [];
const emulators: RunningEmulator[] = [];

async function hostileServer(): Promise<HostileServer> {
  const server = await startHostile();
  servers.push(server);
  return server;
}

async function emulator(): Promise<RunningEmulator> {
  const emu = await startEmulator();
  emulators.push(emu);
  return emu;
}

type KindName = "aws" | "vimeo" | "apinizer";
const TOKENS: Record<KindName, string> = {
  aws: "pictory:AwsConnection",
  vimeo: "pictory:VimeoConnection",
  apinizer: "apinizer:Connection",
};

interface Rig {
  readonly hostile: HostileServer;
  readonly runtime: ProviderRuntime;
  readonly config: Record<string, string>;
  readonly hooks: Record<KindName, ProviderHooks>;
}

/** A runtime configured as `pulumi config` would, against a fresh hostile server. */
async function rig(overrides: Record<string, string> = {}): Promise<Rig> {
  const hostile = await hostileServer();
  const config: Record<string, string> = {
    ...emulatorConfigValues(hostile.url),
    "connections:retryBaseMs": "10",
    "connections:retryMaxDelayMs": String(RETRY_MAX_DELAY_MS),
    "connections:requestTimeoutMs": String(REQUEST_TIMEOUT_MS),
    "connections:operationTimeoutMs": String(OPERATION_TIMEOUT_MS),
    "connections:maxResponseBytes": String(MAX_RESPONSE_BYTES),
    // The tests run up to a dozen operations at once; none may wait for a slot.
    "connections:maxInFlight": "16",
    ...overrides,
  };
  const runtime = new ProviderRuntime(KINDS);
  runtimes.push(runtime);
  runtime.settings.configure({ get: (k) => config[k] });
  const hooks = {
    aws: runtime.hooks(TOKENS.aws),
    vimeo: runtime.hooks(TOKENS.vimeo),
    apinizer: runtime.hooks(TOKENS.apinizer),
  };
  return { hostile, runtime, config, hooks };
}

async function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, watchdog]);
  } finally {
    clearTimeout(timer);
  }
}

afterEach(async () => {
  // Servers first: their stop() ends every hanging response, so the runtimes can close.
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await Promise.all(runtimes.splice(0).map((r) => bounded(r.close(), 5000, "runtime.close()")));
  await Promise.all(emulators.splice(0).map((e) => e.stop()));
});

// ---------------------------------------------------------------------------------------------
// The connections the hooks are driven with.

const AWS_ID = "20251217080657842fux3au9kh1p0j5s";
const VIMEO_ID = "20251222155613307xv0nodhitf9cd0f";
const CREATED = "2025-12-17T08:06:56.862Z";

const INPUTS: Record<KindName, Props> = {
  aws: {
    name: "hostile-aws",
    description: "raw footage",
    enabled: true,
    awsAccountId: "123456789012",
    awsRegion: "us-east-2",
  },
  vimeo: {
    name: "hostile-vimeo",
    enabled: true,
    clientIdentifier: "hostile-client",
    clientSecret: "vimeo-client-secret-1234",
    accessToken: "vimeo-access-token-5678",
  },
  apinizer: {
    projectName: "demo",
    name: "hostile-mail",
    type: "email",
    host: "smtp.example.com",
    port: 587,
    auth: true,
    username: "robot",
    password: "smtp-password-4321",
  },
};

const IDS: Record<KindName, string> = {
  aws: AWS_ID,
  vimeo: VIMEO_ID,
  apinizer: "demo/hostile-mail",
};

const STATES: Record<KindName, Props> = {
  aws: { ...INPUTS.aws, connectionId: AWS_ID, version: 1 },
  vimeo: { ...INPUTS.vimeo, connectionId: VIMEO_ID, version: 1 },
  apinizer: { ...INPUTS.apinizer },
};

/** Paths below the base URL: the collection (create, lookups) and the connection itself. */
const PATHS: Record<KindName, { collection: string; item: string }> = {
  aws: { collection: "/v1/awsconnections", item: `/v1/awsconnections/${AWS_ID}` },
  vimeo: { collection: "/v1/vimeo-connections", item: `/v1/vimeo-connections/${VIMEO_ID}` },
  apinizer: {
    collection: "/projects/demo/connections/hostile-mail/",
    item: "/projects/demo/connections/hostile-mail/",
  },
};

const BASE_URL_KEY: Record<KindName, string> = {
  aws: "pictory:baseUrl",
  vimeo: "pictory:baseUrl",
  apinizer: "apinizer:baseUrl",
};

type Op = "create" | "read" | "update" | "delete";
const OPS: readonly Op[] = ["create", "read", "update", "delete"];
const METHOD: Record<Op, string> = { create: "POST", read: "GET", update: "PUT", delete: "DELETE" };

function run(r: Rig, kind: KindName, op: Op, inputs: Props = INPUTS[kind]): Promise<unknown> {
  const hooks = r.hooks[kind];
  switch (op) {
    case "create":
      return hooks.create(inputs);
    case "read":
      return hooks.read(IDS[kind], STATES[kind]);
    case "update":
      return hooks.update(IDS[kind], STATES[kind], { ...inputs, description: "edited" });
    case "delete":
      return hooks.delete(IDS[kind], STATES[kind]);
  }
}

/** A valid Pictory answer (create: version 1 without dates; get: version 1; update: version 2). */
function pictoryAnswer(kind: "aws" | "vimeo", op: Op): Record<string, unknown> {
  const version = op === "update" ? 2 : 1;
  const common = {
    connectionId: IDS[kind],
    name: INPUTS[kind].name,
    enabled: true,
    version,
    ...(op === "create" ? {} : { createdDate: CREATED, updatedDate: CREATED }),
    ...(op === "update" ? { description: "edited" } : {}),
  };
  return kind === "aws"
    ? {
        description: INPUTS.aws.description,
        awsAccountId: INPUTS.aws.awsAccountId,
        awsRegion: INPUTS.aws.awsRegion,
        ...(op === "read" ? { type: "AWS" } : {}),
        ...common,
      }
    : {
        clientIdentifier: INPUTS.vimeo.clientIdentifier,
        ...(op === "create" ? {} : { type: "VIMEO" }),
        ...common,
      };
}

const APINIZER_ITEM = {
  name: "hostile-mail",
  type: "email",
  deployToWorker: true,
  enabled: true,
  host: "smtp.example.com",
  port: 587,
  enableStartTls: false,
  auth: true,
  username: "robot",
  password: "smtp-password-4321",
  defaultEncoding: "UTF-8",
  additionalProperties: [],
};
const APINIZER_GET = { success: true, resultList: [APINIZER_ITEM], resultCount: 1 };
/** Apinizer v1's answer for an unknown name (docs/api/apinizer.md#not-found). */
const APINIZER_NOT_FOUND = {
  error: "not_found",
  error_description: "Connection (name: hostile-mail) was not found!",
};

/**
 * A create may look the name up before (or after) its POST: those GETs find nothing, so that the
 * test is about the answer to the POST.
 */
function nameIsFree(server: HostileServer, kind: KindName): void {
  server.setMode(
    kind === "apinizer"
      ? { kind: "json", status: 404, body: APINIZER_NOT_FOUND }
      : { kind: "json", status: 200, body: { Items: [] } },
    { method: "GET" },
  );
}

/** Connections the emulator holds for its default tenant, all families together. */
async function emulatorStateCount(emu: RunningEmulator): Promise<number> {
  const res = await fetch(`${emu.url}/_emulator/state?tenant=pictai_emulator_key`);
  const body = (await res.json()) as {
    tenants: { pictory: Record<string, unknown[]>; apinizer: Record<string, unknown[]> }[];
  };
  const t = body.tenants[0]!;
  return [...Object.values(t.pictory), ...Object.values(t.apinizer)].flat().length;
}

const APINIZER_WRITE = {
  success: true,
  deploymentResult: {
    success: true,
    deploymentResults: [
      { environmentName: "production", success: true, message: "Deployment successful" },
    ],
  },
};

// ---------------------------------------------------------------------------------------------
// Outcomes: every failing operation is measured, bounded, and described in one line.

interface Outcome {
  readonly label: string;
  readonly ms: number;
  readonly pending: boolean;
  readonly error?: unknown;
  readonly value?: unknown;
}

/** Awaits `p` for at most `limitMs`; a promise still pending then is reported, not awaited. */
async function settle(label: string, p: Promise<unknown>, limitMs = DEADLINE_MS): Promise<Outcome> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<"pending">((resolve) => {
    timer = setTimeout(() => resolve("pending"), limitMs);
  });
  try {
    const result = await Promise.race([
      p.then(
        (value) => ({ kind: "value" as const, value }),
        (error: unknown) => ({ kind: "error" as const, error }),
      ),
      pending,
    ]);
    const ms = Date.now() - started;
    if (result === "pending") return { label, ms, pending: true };
    return result.kind === "error"
      ? { label, ms, pending: false, error: result.error }
      : { label, ms, pending: false, value: result.value };
  } finally {
    clearTimeout(timer);
  }
}

interface Expected {
  /** One code, or the codes any of which is right. */
  readonly code: string | readonly string[];
  readonly maxMs?: number;
  readonly minMs?: number;
  /** Each entry must match the message; an array entry means "one of these". */
  readonly says?: readonly (string | RegExp | readonly (string | RegExp)[])[];
  readonly neverSays?: readonly (string | RegExp)[];
  /** Per code: more that the message must say when the error has that code. */
  readonly saysPerCode?: Readonly<Record<string, readonly (string | RegExp)[]>>;
  readonly maxMessageLength?: number;
}

function matches(text: string, what: string | RegExp): boolean {
  return typeof what === "string" ? text.includes(what) : what.test(text);
}

function short(text: string, max = 400): string {
  return text.length > max ? `${text.slice(0, max)}... (${text.length} chars)` : text;
}

/** What is wrong with an outcome, one line each; empty when it is as expected. */
function problems(o: Outcome, exp: Expected): string[] {
  const codes = typeof exp.code === "string" ? [exp.code] : exp.code;
  if (o.pending)
    return [`${o.label}: still pending after ${o.ms} ms (expected ${codes.join("|")})`];
  if (o.error === undefined) {
    return [`${o.label}: resolved (expected ${codes.join("|")}) with ${short(inspect(o.value))}`];
  }
  const e = o.error;
  if (!ConnectionError.isInstance(e)) {
    return [`${o.label}: rejected with a non-ConnectionError: ${short(inspect(e))}`];
  }
  const msg = e.message;
  const out: string[] = [];
  const where = `${o.label} [${e.code} after ${o.ms} ms: ${short(msg)}]`;
  if (!codes.includes(e.code)) out.push(`${where}: code is ${e.code}, expected ${codes.join("|")}`);
  if (exp.maxMs !== undefined && o.ms > exp.maxMs)
    out.push(`${where}: took ${o.ms} ms, more than ${exp.maxMs}`);
  if (exp.minMs !== undefined && o.ms < exp.minMs)
    out.push(`${where}: took ${o.ms} ms, less than ${exp.minMs}`);
  const must = [...(exp.says ?? []), ...(exp.saysPerCode?.[e.code] ?? [])];
  for (const s of must) {
    const options = Array.isArray(s) ? s : [s];
    if (!options.some((x) => matches(msg, x)))
      out.push(`${where}: does not say ${options.join(" or ")}`);
  }
  for (const s of exp.neverSays ?? []) if (matches(msg, s)) out.push(`${where}: says ${String(s)}`);
  if (exp.maxMessageLength !== undefined && msg.length > exp.maxMessageLength)
    out.push(`${where}: message is ${msg.length} characters, more than ${exp.maxMessageLength}`);
  return out;
}

async function expectAll(
  cases: readonly { label: string; run: () => Promise<unknown>; exp: Expected }[],
): Promise<Outcome[]> {
  const outcomes = await Promise.all(cases.map((c) => settle(c.label, c.run())));
  expect(outcomes.flatMap((o, i) => problems(o, cases[i]!.exp))).toEqual([]);
  return outcomes;
}

const TIMEOUT_SETTING = /connections:(requestTimeoutMs|operationTimeoutMs)/;

/**
 * What an operation that failed on a slow answer must name: a create must name the create (the
 * word, or its POST), not only the lookup that followed it.
 */
function namesOperation(kind: KindName, op: Op): Expected["says"] {
  return op === "create" ? [[/creat/i, `POST ${PATHS[kind].collection}`]] : [];
}

/** What a timed-out operation must say: the setting to raise, and for a create the create. */
function timeoutExpectation(kind: KindName, op: Op, minMs?: number): Expected {
  return {
    code: "TIMEOUT",
    maxMs: DEADLINE_MS,
    ...(minMs === undefined ? {} : { minMs }),
    says: [TIMEOUT_SETTING, ...(namesOperation(kind, op) ?? [])],
  };
}

const ALL: readonly KindName[] = ["aws", "vimeo", "apinizer"];

/** The methods of the requests the server saw for one kind's connection, oldest first. */
function methodsOn(server: HostileServer, kind: KindName): string {
  return server
    .requests()
    .filter((q) => q.path.includes(PATHS[kind].collection.replace(/\/$/, "")))
    .map((q) => q.method)
    .join(" ");
}

/** Every hook of every kind, in parallel, against the rig's current mode. */
function everyOperation(r: Rig, exp: (kind: KindName, op: Op) => Expected) {
  return ALL.flatMap((kind) =>
    OPS.map((op) => ({ label: `${kind} ${op}`, run: () => run(r, kind, op), exp: exp(kind, op) })),
  );
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP, for proving the harness itself.

interface RawAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly res: http.IncomingMessage;
}

function rawRequest(url: string, method = "GET", body?: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false }, (res) =>
      resolve({ status: res.statusCode ?? 0, headers: res.headers, res }),
    );
    req.on("error", reject);
    req.end(body);
  });
}

function readAll(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.on("error", reject);
  });
}

/** Reads until `bytes` arrived (then stops reading) or `ms` passed; says whether the body ended. */
function readSome(
  res: http.IncomingMessage,
  bytes: number,
  ms: number,
): Promise<{ received: number; ended: boolean; text: string }> {
  return new Promise((resolve) => {
    let received = 0;
    let text = "";
    let done = false;
    const finish = (ended: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      res.pause();
      resolve({ received, ended, text });
    };
    const timer = setTimeout(() => finish(false), ms);
    res.on("data", (c: Buffer) => {
      received += c.length;
      if (text.length < 256) text += c.toString("utf8");
      if (received >= bytes) finish(false);
    });
    res.on("end", () => finish(true));
    res.on("error", () => finish(true));
    res.on("aborted", () => finish(true));
  });
}

// =============================================================================================

describe("the hostile server itself", () => {
  it("json mode answers exactly the body, status and headers, for any method and path, and logs requests", async () => {
    const hostile = await hostileServer();
    const body = { connectionId: { a: 1 }, version: "garbage", list: [1, "two", null] };
    hostile.setMode({ kind: "json", status: 201, body, headers: { "x-extra": "yes" } });
    const answer = await rawRequest(`${hostile.url}/any/path?q=1`, "PATCH", "sent-body");
    expect(answer.status).toBe(201);
    expect(answer.headers["content-type"]).toMatch(/^application\/json/);
    expect(answer.headers["x-extra"]).toBe("yes");
    expect(await readAll(answer.res)).toBe(JSON.stringify(body));
    expect(hostile.requests()).toMatchObject([
      { method: "PATCH", path: "/any/path?q=1", body: "sent-body" },
    ]);
  });

  it("rules per method and path take precedence over the default, the last added first", async () => {
    const hostile = await hostileServer();
    hostile.setMode({ kind: "json", status: 200, body: "default" });
    hostile.setMode({ kind: "json", status: 201, body: "post" }, { method: "post" });
    hostile.setMode({ kind: "json", status: 202, body: "special" }, { pathIncludes: "/special" });
    const status = async (method: string, path: string) => {
      const a = await rawRequest(`${hostile.url}${path}`, method);
      await readAll(a.res);
      return a.status;
    };
    expect(await status("GET", "/x")).toBe(200);
    expect(await status("POST", "/x")).toBe(201);
    expect(await status("POST", "/special/x")).toBe(202);
    expect(await status("GET", "/special")).toBe(202);
    hostile.reset({ kind: "json", status: 204, body: null });
    expect(await status("POST", "/special")).toBe(204);
    expect(hostile.requests()).toHaveLength(1);
  });

  it("html, echo400, redirect and retryAfter answer as documented", async () => {
    const hostile = await hostileServer();
    hostile.setMode({ kind: "html" });
    let a = await rawRequest(`${hostile.url}/p`);
    expect([a.status, a.headers["content-type"]]).toEqual([200, "text/html; charset=utf-8"]);
    expect(await readAll(a.res)).toContain("<form");

    const sent = JSON.stringify({ secret: 'a"b\\c' });
    hostile.setMode({ kind: "echo400", style: "json" });
    a = await rawRequest(`${hostile.url}/p`, "POST", sent);
    expect(a.status).toBe(400);
    expect(JSON.parse(await readAll(a.res))).toEqual({ message: sent });
    hostile.setMode({ kind: "echo400", style: "text" });
    a = await rawRequest(`${hostile.url}/p`, "PUT", sent);
    expect([a.status, await readAll(a.res)]).toEqual([400, sent]);

    hostile.setMode({ kind: "redirect", location: "http://127.0.0.1:9/login" });
    a = await rawRequest(`${hostile.url}/p`);
    await readAll(a.res);
    expect([a.status, a.headers.location]).toEqual([302, "http://127.0.0.1:9/login"]);

    hostile.setMode({ kind: "retryAfter", status: 503, seconds: 99999 });
    a = await rawRequest(`${hostile.url}/p`);
    await readAll(a.res);
    expect([a.status, a.headers["retry-after"]]).toEqual([503, "99999"]);
  });

  it("trickle sends headers at once and then single bytes, endless streams fast, huge is exact JSON", async () => {
    const hostile = await hostileServer();
    hostile.setMode({ kind: "trickle", bytesPerSecond: 20 });
    let started = Date.now();
    let a = await rawRequest(`${hostile.url}/t`);
    expect(Date.now() - started).toBeLessThan(500);
    expect(a.status).toBe(200);
    const trickled = await readSome(a.res, 1_000_000, 600);
    expect(trickled.ended).toBe(false);
    expect(trickled.received).toBeGreaterThanOrEqual(3);
    expect(trickled.received).toBeLessThanOrEqual(20);
    expect(trickled.text).toBe('{"success":true,"Items":['.slice(0, trickled.received));
    a.res.destroy();

    hostile.setMode({ kind: "endless" });
    started = Date.now();
    a = await rawRequest(`${hostile.url}/e`);
    const streamed = await readSome(a.res, 8 * 1024 * 1024, 3000);
    expect(streamed.ended).toBe(false);
    expect(streamed.received).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    expect(Date.now() - started).toBeLessThan(3000);
    a.res.destroy();

    const around = { connectionId: AWS_ID, name: "huge" };
    for (const declareLength of [false, true]) {
      hostile.setMode({ kind: "huge", bytes: 3_000_000, around, declareLength });
      a = await rawRequest(`${hostile.url}/h`);
      expect(a.headers["content-length"]).toBe(declareLength ? "3000000" : undefined);
      const text = await readAll(a.res);
      expect(Buffer.byteLength(text)).toBe(3_000_000);
      expect(JSON.parse(text)).toMatchObject(around);
    }
  });

  it("stop() ends held, trickling and endless responses at once and nothing runs after it", async () => {
    const hostile = await hostileServer();
    hostile.setMode({ kind: "slowHeaders", delayMs: 60_000 }, { pathIncludes: "/held" });
    hostile.setMode({ kind: "trickle" }, { pathIncludes: "/trickle" });
    hostile.setMode({ kind: "endless" }, { pathIncludes: "/endless" });
    const held = new Promise<string>((resolve) => {
      const req = http.request(`${hostile.url}/held`, { agent: false }, () => resolve("answered"));
      req.on("error", () => resolve("ended"));
      req.end();
    });
    const trickle = await rawRequest(`${hostile.url}/trickle`);
    const endless = await rawRequest(`${hostile.url}/endless`);
    const ends = [trickle, endless].map(
      (a) => new Promise<void>((resolve) => a.res.on("close", () => resolve())),
    );
    trickle.res.resume();
    endless.res.resume();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(hostile.openResponses()).toBe(3);
    const started = Date.now();
    await hostile.stop();
    await bounded(Promise.all(ends), 1000, "the streaming responses' end");
    expect(await bounded(held, 1000, "the held request")).toBe("ended");
    expect(Date.now() - started).toBeLessThan(1000);
    const after = hostile.bytesStreamed();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hostile.bytesStreamed()).toBe(after);
    await expect(rawRequest(`${hostile.url}/x`)).rejects.toThrow();
  });

  it("proxy mode lets every hook of the three kinds succeed against a real emulator", async () => {
    const emu = await emulator();
    const r = await rig();
    r.hostile.setMode({ kind: "proxy", target: emu.url });
    for (const kind of ALL) {
      const created = (await r.hooks[kind].create(INPUTS[kind])) as {
        id: string;
        outs: Record<string, unknown>;
      };
      const read = await r.hooks[kind].read(created.id, created.outs);
      expect(read.id).toBe(created.id);
      const updated = await r.hooks[kind].update(created.id, read.props, {
        ...INPUTS[kind],
        description: "edited",
      });
      expect(updated.outs).toMatchObject({ description: "edited" });
      await r.hooks[kind].delete(created.id, updated.outs);
    }
    // Every request went through the proxy to the emulator, unchanged, and nothing else did.
    const seen = r.hostile.requests().map((q) => `${q.method} ${q.path}`);
    for (const method of ["POST", "GET", "PUT", "DELETE"])
      expect(seen.filter((q) => q.startsWith(method)).length).toBeGreaterThanOrEqual(3);
    expect(emu.requests().map((q) => `${q.method} ${q.path}`)).toEqual(seen);
    expect(await emulatorStateCount(emu)).toBe(0);
  });

  it("slowHeaders below the request timeout, then proxied, is waited for (the provider is not too eager)", async () => {
    const emu = await emulator();
    const r = await rig();
    r.hostile.setMode({ kind: "proxy", target: emu.url });
    const created = await r.hooks.aws.create(INPUTS.aws);
    r.hostile.setMode({
      kind: "slowHeaders",
      delayMs: 400,
      then: { kind: "proxy", target: emu.url },
    });
    const started = Date.now();
    const read = await r.hooks.aws.read(created.id, created.outs);
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(read.props).toMatchObject({ name: "hostile-aws", version: 1 });
  });

  it("json answers of the documented shape are accepted by create, read and update (the control for the wrong shapes)", async () => {
    const r = await rig();
    for (const kind of ["aws", "vimeo"] as const) {
      r.hostile.setMode({ kind: "json", status: 200, body: pictoryAnswer(kind, "create") });
      nameIsFree(r.hostile, kind);
      expect(await r.hooks[kind].create(INPUTS[kind])).toMatchObject({ id: IDS[kind] });
      r.hostile.reset({ kind: "json", status: 200, body: pictoryAnswer(kind, "read") });
      expect(await r.hooks[kind].read(IDS[kind], STATES[kind])).toMatchObject({
        id: IDS[kind],
        props: { version: 1 },
      });
      r.hostile.setMode({ kind: "json", status: 200, body: pictoryAnswer(kind, "update") });
      const updated = await r.hooks[kind].update(IDS[kind], STATES[kind], {
        ...INPUTS[kind],
        description: "edited",
      });
      expect(updated.outs).toMatchObject({ version: 2, description: "edited" });
    }
    r.hostile.setMode({ kind: "json", status: 200, body: APINIZER_WRITE });
    nameIsFree(r.hostile, "apinizer");
    expect(await r.hooks.apinizer.create(INPUTS.apinizer)).toMatchObject({ id: IDS.apinizer });
    r.hostile.reset({ kind: "json", status: 200, body: APINIZER_GET });
    expect(await r.hooks.apinizer.read(IDS.apinizer, STATES.apinizer)).toMatchObject({
      id: IDS.apinizer,
      props: { host: "smtp.example.com" },
    });
  });
});

// =============================================================================================

describe("check", () => {
  it("never sends a request, for valid and invalid inputs of every kind", async () => {
    const r = await rig();
    r.hostile.setMode({ kind: "json", status: 500, body: { message: "no request expected" } });
    for (const kind of ALL) {
      const valid = await r.hooks[kind].check({}, INPUTS[kind]);
      expect(valid.failures ?? []).toEqual([]);
      const invalid = await r.hooks[kind].check({}, { ...INPUTS[kind], name: "" });
      expect((invalid.failures ?? []).length).toBeGreaterThan(0);
      await r.hooks[kind].check(STATES[kind], { ...INPUTS[kind], description: "edited" });
      await r.hooks[kind].diff(IDS[kind], STATES[kind], { ...INPUTS[kind], description: "x" });
    }
    expect(r.hostile.requests()).toEqual([]);
  });
});

// =============================================================================================

describe("slow and never-ending answers fail with TIMEOUT within the operation deadline", () => {
  it("trickled bodies (a byte every 100 ms, never ending): every operation of every kind", async () => {
    const r = await rig();
    r.hostile.setMode({ kind: "trickle", bytesPerSecond: 10 });
    await expectAll(
      everyOperation(r, (kind, op) => timeoutExpectation(kind, op, REQUEST_TIMEOUT_MS - 100)),
    );
  }, 30_000);

  it("headers held back: every operation of every kind", async () => {
    const r = await rig();
    r.hostile.setMode({ kind: "slowHeaders", delayMs: 60_000 });
    await expectAll(
      everyOperation(r, (kind, op) => timeoutExpectation(kind, op, REQUEST_TIMEOUT_MS - 100)),
    );
  }, 30_000);

  it("endless bodies streamed at full speed: every operation fails in time, naming the setting that stopped it", async () => {
    const r = await rig();
    r.hostile.setMode({ kind: "endless" });
    await expectAll(
      everyOperation(r, () => ({
        code: ["TIMEOUT", "RESPONSE_TOO_LARGE"],
        maxMs: DEADLINE_MS,
        saysPerCode: {
          TIMEOUT: [TIMEOUT_SETTING],
          RESPONSE_TOO_LARGE: ["connections:maxResponseBytes"],
        },
      })),
    );
  }, 30_000);

  it("a create whose POST times out and whose recovery lookups hang too fails in time, naming the create", async () => {
    const r = await rig();
    r.hostile.setMode({ kind: "slowHeaders", delayMs: 60_000 });
    await expectAll(
      ALL.map((kind) => ({
        label: `${kind} create`,
        run: () => run(r, kind, "create"),
        exp: timeoutExpectation(kind, "create", REQUEST_TIMEOUT_MS - 100),
      })),
    );
    // A create is never re-sent without a lookup in between.
    for (const kind of ALL) expect(methodsOn(r.hostile, kind)).not.toMatch(/POST POST/);
  }, 30_000);

  it("a create whose POST trickles while the lookups hang fails in time, naming the create", async () => {
    const r = await rig();
    r.hostile.setMode({ kind: "slowHeaders", delayMs: 60_000 });
    r.hostile.setMode({ kind: "trickle" }, { method: "POST" });
    await expectAll(
      ALL.map((kind) => ({
        label: `${kind} create`,
        run: () => run(r, kind, "create"),
        exp: timeoutExpectation(kind, "create", REQUEST_TIMEOUT_MS - 100),
      })),
    );
  }, 30_000);

  it("a create whose POST times out while the lookups reach the emulator fails in time, creates nothing", async () => {
    const emu = await emulator();
    const r = await rig();
    r.hostile.setMode({ kind: "proxy", target: emu.url });
    r.hostile.setMode({ kind: "slowHeaders", delayMs: 60_000 }, { method: "POST" });
    await expectAll(
      ALL.map((kind) => ({
        label: `${kind} create`,
        run: () => run(r, kind, "create"),
        exp: timeoutExpectation(kind, "create", REQUEST_TIMEOUT_MS - 100),
      })),
    );
    for (const kind of ALL) {
      expect(methodsOn(r.hostile, kind)).toMatch(/POST/);
      expect(methodsOn(r.hostile, kind)).not.toMatch(/POST POST/);
    }
    expect(emu.requests().filter((q) => q.method === "POST")).toHaveLength(0);
  }, 30_000);
});

// =============================================================================================

describe("a huge answer fails with RESPONSE_TOO_LARGE, quickly and without buffering it", () => {
  const HUGE = 300 * 1024 * 1024;

  async function huge(kind: KindName, op: Op, mode: HostileMode) {
    const r = await rig();
    r.hostile.setMode(mode);
    const base = process.memoryUsage.rss();
    let peak = base;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 10);
    try {
      const outcome = await settle(`${kind} ${op}`, run(r, kind, op), 15_000);
      peak = Math.max(peak, process.memoryUsage.rss());
      const found = problems(outcome, {
        code: "RESPONSE_TOO_LARGE",
        maxMs: 5000,
        says: [
          "connections:maxResponseBytes",
          [String(MAX_RESPONSE_BYTES), /\b1(\.0)? ?MiB\b/, /\b1024 ?KiB\b/],
        ],
      });
      const grewMb = Math.round((peak - base) / 1e6);
      if (grewMb > 100) found.push(`${kind} ${op}: the process's RSS grew by ${grewMb} MB`);
      const streamedMb = Math.round(r.hostile.bytesStreamed() / 1e6);
      if (streamedMb > 64)
        found.push(`${kind} ${op}: read ${streamedMb} MB of the answer before giving up`);
      expect(found).toEqual([]);
    } finally {
      clearInterval(sampler);
    }
  }

  it("Pictory read, 300 MB chunked (no content-length)", async () => {
    await huge("aws", "read", {
      kind: "huge",
      bytes: HUGE,
      around: pictoryAnswer("aws", "read"),
    });
  }, 30_000);

  it("Apinizer read, 300 MB announced by content-length", async () => {
    await huge("apinizer", "read", {
      kind: "huge",
      bytes: HUGE,
      around: APINIZER_GET,
      declareLength: true,
    });
  }, 30_000);

  it("Pictory create (Vimeo), 300 MB chunked", async () => {
    await huge("vimeo", "create", {
      kind: "huge",
      bytes: HUGE,
      around: pictoryAnswer("vimeo", "create"),
    });
  }, 30_000);
});

// =============================================================================================

describe("Pictory 200 answers of the wrong shape fail with BAD_RESPONSE and reach no state", () => {
  const LONG_ID = "2025121708065784".repeat(125_000);
  const WRONG: readonly { what: string; field: string; patch: Record<string, unknown> }[] = [
    { what: "connectionId an object", field: "connectionId", patch: { connectionId: { a: 1 } } },
    { what: 'version "garbage"', field: "version", patch: { version: "garbage" } },
    { what: "version 0", field: "version", patch: { version: 0 } },
    {
      what: "createdDate an object",
      field: "createdDate",
      patch: { createdDate: { nested: true } },
    },
    {
      what: "a 2,000,000-character connectionId",
      field: "connectionId",
      patch: { connectionId: LONG_ID },
    },
    {
      what: "a connectionId off the documented pattern",
      field: "connectionId",
      patch: { connectionId: "not-a-pictory-id" },
    },
    { what: "name a number", field: "name", patch: { name: 42 } },
    { what: 'updatedDate "yesterday"', field: "updatedDate", patch: { updatedDate: "yesterday" } },
  ];
  const cases = (["aws", "vimeo"] as const).flatMap((kind) =>
    (["create", "read", "update"] as const).flatMap((op) => WRONG.map((w) => ({ kind, op, ...w }))),
  );

  it.each(cases)("$kind $op answered with $what", async ({ kind, op, field, patch }) => {
    // Above the 2 MB of the longest answer here: the shape is what fails, not the size.
    const r = await rig({ "connections:maxResponseBytes": String(4 * 1024 * 1024) });
    if (op === "create") nameIsFree(r.hostile, kind);
    r.hostile.setMode({
      kind: "json",
      status: 200,
      body: { ...pictoryAnswer(kind, op), ...patch },
    });
    const outcome = await settle(`${kind} ${op}`, run(r, kind, op));
    expect(
      problems(outcome, {
        code: "BAD_RESPONSE",
        maxMs: DEADLINE_MS,
        says: [METHOD[op], op === "create" ? PATHS[kind].collection : PATHS[kind].item, field],
        maxMessageLength: 5000,
      }),
    ).toEqual([]);
  });

  it.each(["aws", "vimeo"] as const)("%s read answered {}", async (kind) => {
    const r = await rig();
    r.hostile.setMode({ kind: "json", status: 200, body: {} });
    const outcome = await settle(`${kind} read`, run(r, kind, "read"));
    expect(
      problems(outcome, {
        code: "BAD_RESPONSE",
        says: ["GET", PATHS[kind].item, ["connectionId", "version", "name"]],
      }),
    ).toEqual([]);
  });
});

describe("Apinizer 200 answers of the wrong shape fail with BAD_RESPONSE and reach no state", () => {
  const item = PATHS.apinizer.item;
  const WRONG: readonly { what: string; op: Op; body: unknown; says: Expected["says"] }[] = [
    { what: "create answered {} (no envelope)", op: "create", body: {}, says: ["POST", item] },
    { what: "update answered {} (no envelope)", op: "update", body: {}, says: ["PUT", item] },
    { what: "read answered {} (no envelope)", op: "read", body: {}, says: ["GET", item] },
    {
      what: "read with resultList an object",
      op: "read",
      body: { success: true, resultList: { name: "hostile-mail" }, resultCount: 1 },
      says: ["GET", item, "resultList"],
    },
    {
      what: "read with a list item that is a number",
      op: "read",
      body: { success: true, resultList: [42], resultCount: 1 },
      says: ["GET", item, "resultList"],
    },
    {
      what: "read with a list item whose name is an object",
      op: "read",
      body: { success: true, resultList: [{ ...APINIZER_ITEM, name: { a: 1 } }], resultCount: 1 },
      says: ["GET", item, "name"],
    },
    {
      what: "read answered with another connection",
      op: "read",
      body: { ...APINIZER_GET, resultList: [{ ...APINIZER_ITEM, name: "someone-elses" }] },
      says: ["GET", item, '"someone-elses" instead of "hostile-mail"'],
    },
  ];

  it.each(WRONG)("$what", async ({ op, body, says }) => {
    const r = await rig();
    r.hostile.setMode({ kind: "json", status: 200, body });
    if (op === "create") nameIsFree(r.hostile, "apinizer");
    const outcome = await settle(`apinizer ${op}`, run(r, "apinizer", op));
    expect(
      problems(outcome, {
        code: "BAD_RESPONSE",
        says,
        neverSays: [/unavailable or rate limiting/i, /unexpected error/i],
      }),
    ).toEqual([]);
  });

  it("read answered with another connection, for an account with its own URL, names that account's key", async () => {
    // The base URL of account `eu` is its own setting; the shared `apinizer:baseUrl` is unused.
    const r = await rig();
    r.config["apinizer:accounts"] = JSON.stringify({
      eu: { token: "eu-token-0123456789", baseUrl: r.hostile.url },
    });
    r.config["apinizer:baseUrl"] = "https://shared.invalid/apiops";
    const body = { ...APINIZER_GET, resultList: [{ ...APINIZER_ITEM, name: "someone-elses" }] };
    r.hostile.setMode({ kind: "json", status: 200, body });
    const read = r.hooks.apinizer.read(IDS.apinizer, { ...STATES.apinizer, account: "eu" });
    await expect(read).rejects.toThrow("apinizer:accounts.eu.baseUrl");
  });
});

// =============================================================================================

describe("a login page (HTML 200) fails with BAD_RESPONSE pointing at the base URL", () => {
  it.each(ALL)("%s: create, read, update and delete", async (kind) => {
    const r = await rig();
    r.hostile.setMode({ kind: "html" });
    await expectAll(
      OPS.map((op) => ({
        label: `${kind} ${op}`,
        run: () => run(r, kind, op),
        exp: {
          code: "BAD_RESPONSE",
          maxMs: DEADLINE_MS,
          // Pictory's delete answers 204 with an empty body, not JSON.
          says: [
            "text/html",
            op === "delete" && kind !== "apinizer" ? "204 with an empty body" : "JSON",
            BASE_URL_KEY[kind],
          ],
          neverSays: [/unexpected error/i, /unavailable or rate limiting/i],
        },
      })),
    );
  });
});

describe("a redirect to another host is not followed", () => {
  it.each([
    { kind: "aws", status: 302 },
    { kind: "apinizer", status: 302 },
    { kind: "vimeo", status: 307 },
  ] as const)(
    "$kind, $status: every hook fails with BAD_RESPONSE saying where it points",
    async ({ kind, status }) => {
      const other = await hostileServer();
      other.setMode({ kind: "json", status: 200, body: kind === "apinizer" ? APINIZER_GET : {} });
      const r = await rig();
      const location = `${other.url}/elsewhere/login?next=%2F`;
      r.hostile.setMode({ kind: "redirect", location, status });
      await expectAll(
        OPS.map((op) => ({
          label: `${kind} ${op}`,
          run: () => run(r, kind, op),
          exp: {
            code: "BAD_RESPONSE",
            maxMs: DEADLINE_MS,
            // Both servers listen on 127.0.0.1: the redirect is to another port of the host.
            says: [String(status), "the same host on another port", BASE_URL_KEY[kind]],
          },
        })),
      );
      expect(other.requests()).toEqual([]);
    },
  );
});

// =============================================================================================

describe("a 400 that echoes the request body never shows a secret", () => {
  /** Longer than 200 characters, with `"` and `\` early (so a cut at 200 falls inside it). */
  const secret = (head: string) =>
    `${head}-q"uo"te-back\\sl\\ash-${"0123456789abcdef".repeat(16)}-tail-${head.split("").reverse().join("")}`;
  const CLIENT_SECRET = secret("Zq9Xv3Lm");
  const ACCESS_TOKEN = secret("Wp4Tr8Kd");
  const PASSWORD = secret("Hj2Ny6Bs");

  /** The forms a secret takes on the wire and in echoes of it. */
  function forms(s: string): Record<string, string> {
    const json = JSON.stringify(s).slice(1, -1);
    return {
      raw: s,
      "JSON-escaped": json,
      "JSON-escaped twice": JSON.stringify(json).slice(1, -1),
      "URL-encoded": encodeURIComponent(s),
    };
  }

  /**
   * How `text` leaks `s`, if it does: whole forms; else a form's first 8 characters (a cut
   * message); else any 16-character run of a form (a piece from the middle).
   */
  function leaks(text: string, s: string): string[] {
    const all = Object.entries(forms(s));
    const whole = all.filter(([, f]) => text.includes(f)).map(([name]) => `${name} whole`);
    if (whole.length > 0) return whole;
    const prefix = all
      .filter(([, f]) => text.includes(f.slice(0, 8)))
      .map(([name, f]) => `${name} prefix ${JSON.stringify(f.slice(0, 8))}`);
    if (prefix.length > 0) return prefix;
    const runs: string[] = [];
    for (const [name, f] of all) {
      for (let i = 0; i + 16 <= f.length; i++) {
        if (text.includes(f.slice(i, i + 16))) {
          runs.push(`${name} 16-character run from ${i}`);
          break;
        }
      }
    }
    return runs;
  }

  const CASES = [
    { kind: "vimeo", secrets: { clientSecret: CLIENT_SECRET, accessToken: ACCESS_TOKEN } },
    { kind: "apinizer", secrets: { password: PASSWORD } },
  ] as const;
  const STYLES = [
    { style: "json", prefix: "" },
    { style: "text", prefix: "" },
    // Not JSON any more: a client that parses every body cannot mistake it for the request.
    { style: "text", prefix: "error: " },
  ] as const;
  const table = CASES.flatMap((c) =>
    (["create", "update"] as const).flatMap((op) =>
      STYLES.map((st) => ({ ...c, op, ...st, how: st.prefix ? "prefixed text" : st.style })),
    ),
  );

  it.each(table)("$kind $op, echoed as $how", async ({ kind, secrets, op, style, prefix }) => {
    const r = await rig();
    r.hostile.setMode({ kind: "echo400", style, prefix });
    if (op === "create") nameIsFree(r.hostile, kind);
    const inputs = { ...INPUTS[kind], ...secrets };
    const checked = await r.hooks[kind].check({}, inputs);
    expect(checked.failures ?? []).toEqual([]);
    const outcome = await settle(`${kind} ${op}`, run(r, kind, op, checked.inputs));
    // The harness really sent (and so echoed) the secrets: otherwise this test proves nothing.
    const sent = r.hostile
      .requests()
      .map((q) => q.body)
      .join("\n");
    for (const v of Object.values(secrets)) expect(sent).toContain(JSON.stringify(v).slice(1, -1));

    const found = problems(outcome, { code: "VALIDATION_FAILED", says: ["400"] });
    if (outcome.error instanceof Error) {
      const e = outcome.error;
      const views = {
        message: e.message,
        stack: e.stack ?? "",
        "inspected error": inspect(e, { depth: 6 }),
      };
      for (const [view, text] of Object.entries(views)) {
        for (const [name, v] of Object.entries(secrets)) {
          const how = leaks(text, v);
          if (how.length > 0) found.push(`the ${view} leaks ${name}: ${how.join(", ")}`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});

// =============================================================================================

describe("Retry-After: 99999 is not slept: bounded retries, then a rate-limit message", () => {
  const MAX_RETRIES = 3;
  const table = [
    { kind: "aws", op: "read", status: 429 },
    { kind: "aws", op: "read", status: 503 },
    { kind: "apinizer", op: "read", status: 429 },
    { kind: "apinizer", op: "read", status: 503 },
    { kind: "vimeo", op: "delete", status: 503 },
    { kind: "aws", op: "update", status: 429 },
    { kind: "aws", op: "create", status: 429 },
    { kind: "apinizer", op: "create", status: 503 },
  ] as const;

  it.each(table)(
    "$kind $op answered $status",
    async ({ kind, op, status }) => {
      const r = await rig({ "connections:maxRetries": String(MAX_RETRIES) });
      r.hostile.setMode({ kind: "retryAfter", status, seconds: 99999 });
      if (op === "create") nameIsFree(r.hostile, kind);
      const outcome = await settle(`${kind} ${op}`, run(r, kind, op));
      const found = problems(outcome, {
        // A create whose POST got a 503 may not know whether it was processed.
        code: op === "create" && status === 503 ? ["API_ERROR", "NETWORK_ERROR"] : "API_ERROR",
        maxMs: DEADLINE_MS,
        says: [String(status), /rate limit|unavailable/i],
      });
      const seen = r.hostile.requests();
      const idempotent = op !== "create";
      const same = seen.filter((q) => q.method === METHOD[op]);
      if (idempotent || status === 429) {
        // Retried at most maxRetries times (or not at all), never waiting longer than retryMaxDelayMs.
        if (same.length < 1 || same.length > MAX_RETRIES + 1)
          found.push(`${same.length} ${METHOD[op]} requests, expected 1 to ${MAX_RETRIES + 1}`);
        for (let i = 1; i < same.length; i++) {
          const gap = same[i]!.at - same[i - 1]!.at;
          if (gap > RETRY_MAX_DELAY_MS + 500)
            found.push(`waited ${gap} ms before retry ${i}, more than retryMaxDelayMs`);
        }
      } else if (/POST POST/.test(methodsOn(r.hostile, kind))) {
        found.push(`${methodsOn(r.hostile, kind)}: a create answered 503 was re-sent blind`);
      }
      expect(found).toEqual([]);
    },
    30_000,
  );
});
