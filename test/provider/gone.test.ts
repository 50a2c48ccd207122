/**
 * A connection is gone only when the API says so. A proxy (test/helpers/hostile.ts) in front of a
 * real emulator answers chosen requests itself: gateways' and frameworks' 404s, JSON shaped almost
 * like the vendor's not-found answers, lost answers. Whatever they say, no read, delete, update or
 * lookup concludes "gone" while the emulator still holds the connection; a base URL without the
 * API's path is a configuration error naming the setting; a rename or a create the API applied
 * but whose answer was lost or malformed does not orphan the connection.
 */
import fc from "fast-check";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { ConnectionError } from "../../provider/core/errors";
import { hasDuplicateKey } from "../../provider/core/wire";
import type { Props } from "../../provider/core/kind";
import { ProviderHooks, ProviderRuntime } from "../../provider/core/runtime";
import { KINDS } from "../../provider/registry";
import { emulatorConfigValues } from "../../scripts/workspace";
import {
  GATEWAY_404S,
  startHostile,
  type HostileMode,
  type HostileServer,
} from "../helpers/hostile";

type KindName = "aws" | "vimeo" | "apinizer";
const KIND_NAMES: readonly KindName[] = ["aws", "vimeo", "apinizer"];
const TOKENS: Record<KindName, string> = {
  aws: "pictory:AwsConnection",
  vimeo: "pictory:VimeoConnection",
  apinizer: "apinizer:Connection",
};

const INPUTS: Record<KindName, Props> = {
  aws: {
    name: "gone-aws",
    description: "raw footage",
    enabled: true,
    awsAccountId: "123456789012",
    awsRegion: "us-east-2",
  },
  vimeo: {
    name: "gone-vimeo",
    enabled: true,
    clientIdentifier: "gone-client",
    clientSecret: "vimeo-client-secret-1234",
    accessToken: "vimeo-access-token-5678",
  },
  apinizer: {
    projectName: "demo",
    name: "gone-mail",
    type: "email",
    host: "smtp.example.com",
    port: 587,
    auth: true,
    username: "robot",
    password: "smtp-password-4321",
  },
};

const PATH_KEY: Record<KindName, { key: string; path: string }> = {
  aws: { key: "pictory:baseUrl", path: "/pictoryapis" },
  vimeo: { key: "pictory:baseUrl", path: "/pictoryapis" },
  apinizer: { key: "apinizer:baseUrl", path: "/apiops" },
};

interface Rig {
  readonly emulator: RunningEmulator;
  readonly hostile: HostileServer;
  readonly hooks: Record<KindName, ProviderHooks>;
  /** Back to forwarding every request to the emulator, with no rules. */
  forward(): void;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * An emulator behind a hostile proxy and a provider runtime pointed at the proxy. `config`
 * overrides stack config values, given the proxy's and the emulator's URLs.
 */
async function rig(
  options: {
    envelope?: "v1" | "v2";
    config?: (proxy: string, emulator: string) => Record<string, string>;
  } = {},
): Promise<Rig> {
  const emulator = await startEmulator({ apinizerEnvelope: options.envelope ?? "v1" });
  cleanups.push(() => emulator.stop());
  const hostile = await startHostile({ mode: { kind: "proxy", target: emulator.url } });
  const config: Record<string, string> = {
    ...emulatorConfigValues(hostile.url),
    "connections:retryBaseMs": "10",
    "connections:retryMaxDelayMs": "100",
    "connections:requestTimeoutMs": "3000",
    ...(options.config?.(hostile.url, emulator.url) ?? {}),
  };
  const runtime = new ProviderRuntime(KINDS);
  runtime.settings.configure({ get: (k) => config[k] });
  cleanups.push(async () => {
    await hostile.stop();
    await runtime.close();
  });
  const hooks = {
    aws: runtime.hooks(TOKENS.aws),
    vimeo: runtime.hooks(TOKENS.vimeo),
    apinizer: runtime.hooks(TOKENS.apinizer),
  };
  return {
    emulator,
    hostile,
    hooks,
    forward: () => hostile.reset({ kind: "proxy", target: emulator.url }),
  };
}

/** The names of the connections of a kind the emulator holds. */
async function held(emulator: RunningEmulator, kind: KindName): Promise<string[]> {
  const res = await fetch(`${emulator.url}/_emulator/state?tenant=pictai_emulator_key`);
  const body = (await res.json()) as {
    tenants: {
      pictory: Record<"aws" | "vimeo", { name?: string }[]>;
      apinizer: Record<string, { name?: string }[]>;
    }[];
  };
  const tenant = body.tenants[0]!;
  const list = kind === "apinizer" ? (tenant.apinizer.demo ?? []) : tenant.pictory[kind];
  return list.map((c) => String(c.name));
}

/** Creates a connection through the provider; its ID and state. */
async function created(r: Rig, kind: KindName, inputs: Props = INPUTS[kind]) {
  const checked = await r.hooks[kind].check({}, inputs);
  expect(checked.failures).toEqual([]);
  const { id, outs } = await r.hooks[kind].create(checked.inputs);
  return { id, state: outs, inputs: checked.inputs };
}

/** The path of the connection's own requests, below the base URL. */
function itemPath(kind: KindName, id: string): string {
  if (kind === "apinizer") return `/connections/${String(INPUTS.apinizer.name)}/`;
  return `/${id}`;
}

/** The message an error carries (its `String()` is only its class and code, as the host prints it). */
function text(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function outcome(p: Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> {
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}

function code(e: unknown): string | undefined {
  return ConnectionError.isInstance(e) ? e.code : undefined;
}

// ---------------------------------------------------------------------------------------------
// Hostile not-found answers: gateways', frameworks', and JSON almost like the vendor's.

const CONTENT_TYPES = [
  "application/json",
  "application/json;charset=UTF-8",
  "application/problem+json",
  "text/plain; charset=utf-8",
  "text/html",
  "",
];

/** Bodies shaped almost like the vendors' not-found answers, never exactly for `name`. */
function almostVendor(name: string): fc.Arbitrary<unknown> {
  const other = fc
    .string({ minLength: 1, maxLength: 20 })
    .filter((s) => s.toLowerCase() !== name.toLowerCase());
  const message = fc.oneof(
    other.map((n) => `Connection (name: ${n}) was not found!`),
    fc.constant("Connection was not found!"),
    fc.constant(`Connection (name: ${name}) was found!`),
    fc.constant(`Route for connection (name: ${name}) was not found!`),
    fc.constant("Not Found"),
    fc.string({ maxLength: 60 }),
  );
  return fc.oneof(
    message.map((m) => ({ error: "not_found", error_description: m })),
    message.map((m) => ({ status: "FAILURE", resultMessage: m })),
    message.map((m) => ({ message: m })),
    message.map((m) => ({ success: false, error: m })),
    // The right message without its envelope.
    fc.constant({ message: `Connection (name: ${name}) was not found!` }),
    fc.constant({ error_description: `Connection (name: ${name}) was not found!` }),
    fc.constant({ status: "SUCCESS", resultMessage: `Connection (name: ${name}) was not found!` }),
    fc.constant({ resultMessage: `Connection (name: ${name}) was not found!` }),
    fc.jsonValue({ maxDepth: 2 }),
  );
}

/** A hostile answer to a request about a live connection: none is the API's word that it is gone. */
function hostileNotFound(name: string): fc.Arbitrary<HostileMode> {
  const status = fc.constantFrom(404, 400, 410);
  const typed = fc.record({
    status,
    contentType: fc.constantFrom(...CONTENT_TYPES),
    body: fc.oneof(
      fc.constant(""),
      fc.string({ maxLength: 80 }),
      almostVendor(name).map((b) => JSON.stringify(b)),
    ),
  });
  return fc.oneof(
    fc.constantFrom(...GATEWAY_404S),
    typed.map(
      ({ status: s, contentType, body }) =>
        ({ kind: "raw", status: s, contentType, body }) as const,
    ),
    // Exactly the vendor's words, but at a status or in a content type the vendor never uses.
    fc.constantFrom(410, 404).map(
      (s) =>
        ({
          kind: "json",
          status: s,
          body: { status: "FAILURE", resultMessage: `Connection (name: ${name}) was not found!` },
        }) as const,
    ),
    fc.constant({
      kind: "raw",
      status: 404,
      contentType: "text/plain",
      body: JSON.stringify({
        error: "not_found",
        error_description: `Connection (name: ${name}) was not found!`,
      }),
    } as const),
  );
}

type Op = "read" | "get" | "delete" | "update";

/** Whether the operation's outcome says the connection is gone. */
function concludedGone(op: Op, o: { value?: unknown; error?: unknown }): boolean {
  if (op === "read") return o.error === undefined && (o.value as { id: string }).id === "";
  if (op === "delete") return o.error === undefined;
  if (op === "get") return code(o.error) === "NOT_FOUND";
  // An update that succeeded did not conclude anything; one that says "deleted" did.
  return code(o.error) === "NOT_FOUND" || /deleted|pulumi refresh/i.test(text(o.error));
}

describe.each(KIND_NAMES)(
  "%s: a hostile not-found answer never makes a live connection gone",
  (kind) => {
    it.each(["read", "get", "delete", "update"] as const)("%s", async (op) => {
      const r = await rig();
      const c = await created(r, kind);
      const name = String(INPUTS[kind].name);
      await fc.assert(
        fc.asyncProperty(hostileNotFound(name), async (mode) => {
          r.forward();
          const method = { read: "GET", get: "GET", delete: "DELETE", update: "PUT" }[op];
          r.hostile.setMode(mode, { method, pathIncludes: itemPath(kind, c.id) });
          const hooks = r.hooks[kind];
          const o = await outcome(
            op === "read"
              ? hooks.read(c.id, c.state)
              : op === "get"
                ? hooks.read(c.id, { ...c.state, __get: true })
                : op === "delete"
                  ? hooks.delete(c.id, c.state)
                  : hooks.update(c.id, c.state, { ...c.inputs, description: "edited" }),
          );
          expect(await held(r.emulator, kind)).toContain(name);
          if (concludedGone(op, o)) {
            throw new Error(
              `${op} concluded "gone" from ${JSON.stringify(mode)}: ${String(o.error ?? JSON.stringify(o.value))}`,
            );
          }
          // A not-found's error names what came back, never its content.
          if (
            o.error !== undefined &&
            mode.kind === "raw" &&
            mode.status !== 400 &&
            mode.body.length > 12
          ) {
            expect(text(o.error)).not.toContain(mode.body);
          }
        }),
        { numRuns: 25 },
      );
    });

    it("a connection the emulator lacks is gone, whatever the proxy answered for it", async () => {
      const r = await rig();
      const c = await created(r, kind);
      r.forward();
      await r.hooks[kind].delete(c.id, c.state);
      expect(await held(r.emulator, kind)).not.toContain(INPUTS[kind].name);
      for (const mode of GATEWAY_404S) {
        r.forward();
        r.hostile.setMode(mode, { pathIncludes: itemPath(kind, c.id) });
        expect((await r.hooks[kind].read(c.id, c.state)).id).toBe("");
        await r.hooks[kind].delete(c.id, c.state);
      }
      r.forward();
      expect((await r.hooks[kind].read(c.id, c.state)).id).toBe("");
    });
  },
);

describe("apinizer v2: the documented 400 not-found answer is gone, an almost-documented one is not", () => {
  it("v2", async () => {
    const r = await rig({ envelope: "v2" });
    const c = await created(r, "apinizer");
    const hooks = r.hooks.apinizer;
    r.hostile.setMode(
      {
        kind: "json",
        status: 400,
        body: { status: "FAILURE", resultMessage: "Connection (name: other) was not found!" },
      },
      { pathIncludes: itemPath("apinizer", c.id) },
    );
    expect(code((await outcome(hooks.read(c.id, c.state))).error)).not.toBe(undefined);
    expect(await held(r.emulator, "apinizer")).toContain("gone-mail");
    r.forward();
    await hooks.delete(c.id, c.state);
    expect((await hooks.read(c.id, c.state)).id).toBe("");
  });
});

// ---------------------------------------------------------------------------------------------
// A base URL without the API's path fails the first request as a configuration error.

describe.each(KIND_NAMES)("%s: a base URL without the API's path", (kind) => {
  it("fails every operation with CONFIG_INVALID naming the setting and the path", async () => {
    const good = await rig();
    const c = await created(good, kind);
    const { key, path } = PATH_KEY[kind];
    const r = await rig({ config: (_proxy, emu) => ({ [key]: emu }) });
    // The connection lives in `good`'s emulator; this one is empty but the answers come from
    // routes that do not exist without the path.
    const hooks = r.hooks[kind];
    const ops: [string, () => Promise<unknown>][] = [
      ["read", () => hooks.read(c.id, c.state)],
      ["get", () => hooks.read(c.id, { ...c.state, __get: true })],
      ["delete", () => hooks.delete(c.id, c.state)],
      ["update", () => hooks.update(c.id, c.state, { ...c.inputs, description: "edited" })],
      ["create", () => hooks.create(c.inputs)],
    ];
    for (const [op, p] of ops) {
      const o = await outcome(p());
      expect({ op, code: code(o.error) }).toEqual({ op, code: "CONFIG_INVALID" });
      expect(text(o.error)).toContain(key);
      expect(text(o.error)).toContain(path);
      expect(text(o.error)).toContain(`${r.emulator.url}${path}`);
    }
  });

  it("names an account's own key", async () => {
    const family = kind === "apinizer" ? "apinizer" : "pictory";
    const cred = kind === "apinizer" ? "token" : "apiKey";
    const r = await rig({
      config: (proxy, emu) => {
        const values = emulatorConfigValues(emu);
        return {
          [`${family}:accounts`]: JSON.stringify({
            eu: { [cred]: values[`${family}:${cred}`], baseUrl: proxy },
          }),
        };
      },
    });
    const c = await created(r, kind);
    const o = await outcome(r.hooks[kind].read(c.id, { ...c.state, account: "eu" }));
    expect(code(o.error)).toBe("CONFIG_INVALID");
    expect(text(o.error)).toContain(`${family}:accounts.eu.baseUrl`);
    expect(text(o.error)).toContain(PATH_KEY[kind].path);
  });
});

// ---------------------------------------------------------------------------------------------
// Answers the API gave but that were lost or malformed.

describe.each(["v1", "v2"] as const)("apinizer %s: a rename whose answer was lost", (envelope) => {
  it("is found under the new name and the update succeeds", async () => {
    const r = await rig({ envelope });
    const c = await created(r, "apinizer");
    r.hostile.setMode(
      { kind: "proxy", target: r.emulator.url, reset: true },
      { method: "PUT", pathIncludes: itemPath("apinizer", c.id), times: 1 },
    );
    const news = { ...c.inputs, name: "gone-mail-renamed", host: "smtp2.example.com" };
    const { outs } = await r.hooks.apinizer.update(c.id, c.state, news);
    expect(outs.name).toBe("gone-mail-renamed");
    // The PUT reached the emulator twice: applied, then retried against the old name.
    expect(r.hostile.requests().filter((q) => q.method === "PUT")).toHaveLength(2);
    expect(await held(r.emulator, "apinizer")).toEqual(["gone-mail-renamed"]);
    r.forward();
    const read = await r.hooks.apinizer.read(c.id, outs);
    expect(read.id).toBe("demo/gone-mail-renamed");
    expect(read.props.host).toBe("smtp2.example.com");
  });

  it("found under the new name with other values, is no deletion", async () => {
    const r = await rig({ envelope });
    const c = await created(r, "apinizer");
    // Someone renamed it out of band, with another host.
    const res = await fetch(`${r.emulator.url}/apiops/projects/demo/connections/gone-mail/`, {
      method: "PUT",
      headers: {
        authorization: `Bearer ${emulatorConfigValues(r.emulator.url)["apinizer:token"]}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({
        ...INPUTS.apinizer,
        projectName: undefined,
        name: "gone-mail-renamed",
        host: "other.example.com",
      }),
    });
    expect(res.status).toBe(200);
    const news = { ...c.inputs, name: "gone-mail-renamed" };
    const o = await outcome(r.hooks.apinizer.update(c.id, c.state, news));
    expect(code(o.error)).not.toBe("NOT_FOUND");
    expect(text(o.error)).not.toMatch(/pulumi refresh/);
    expect(text(o.error)).toContain("gone-mail-renamed");
  });
});

describe.each(KIND_NAMES)(
  "%s: a create the API applied but whose answer failed validation",
  (kind) => {
    it("is recovered by the name lookup", async () => {
      const r = await rig();
      const rewrite =
        kind === "apinizer"
          ? () => JSON.stringify({ result: "ok" })
          : (body: string) => {
              const b = JSON.parse(body) as { connectionId: string };
              return JSON.stringify({ ...b, connectionId: b.connectionId.toUpperCase() });
            };
      r.hostile.setMode(
        { kind: "proxy", target: r.emulator.url, rewrite },
        { method: "POST", times: 1 },
      );
      const c = await created(r, kind);
      expect(await held(r.emulator, kind)).toEqual([INPUTS[kind].name]);
      r.forward();
      const read = await r.hooks[kind].read(c.id, c.state);
      expect(read.id).toBe(c.id);
      if (kind !== "apinizer") expect(c.id).toMatch(/^\d{17}[a-z0-9]+$/);
    });
  },
);

describe("a create whose answer failed validation and whose lookup failed too", () => {
  it.each(["aws", "apinizer"] as const)(
    "%s says the connection may exist and how to adopt it",
    async (kind) => {
      const r = await rig();
      // A first create teaches the provider that this Apinizer server is v1, whose create
      // refuses an existing name: no lookup precedes the next POST.
      await created(r, kind, { ...INPUTS[kind], name: "warm-up" });
      r.hostile.setMode(
        { kind: "proxy", target: r.emulator.url, rewrite: () => JSON.stringify({ result: "ok" }) },
        { method: "POST" },
      );
      // Every lookup of the name meets a gateway's page.
      r.hostile.setMode(GATEWAY_404S[0]!, { method: "GET" });
      const checked = await r.hooks[kind].check({}, INPUTS[kind]);
      const o = await outcome(r.hooks[kind].create(checked.inputs));
      expect(code(o.error)).toBe("BAD_RESPONSE");
      expect(text(o.error)).toContain("may exist");
      expect(text(o.error)).toContain("pulumi config set connections:onNameConflict adopt");
      expect(text(o.error)).not.toContain("nothing was written to the state");
      expect(await held(r.emulator, kind)).toContain(INPUTS[kind].name);
    },
  );
});

describe("an answer that is not JSON is described, never quoted", () => {
  it.each(KIND_NAMES)("%s read of a login page", async (kind) => {
    const r = await rig();
    const c = await created(r, kind);
    r.hostile.setMode({ kind: "html" }, { pathIncludes: itemPath(kind, c.id) });
    const o = await outcome(r.hooks[kind].read(c.id, c.state));
    expect(code(o.error)).toBe("BAD_RESPONSE");
    const message = text(o.error);
    expect(message).toContain("text/html");
    expect(message).toMatch(/\d+ bytes/);
    expect(message).not.toMatch(/Sign in|DOCTYPE|<html/);
  });

  it.each(KIND_NAMES)(
    "%s: a JSON-looking error not sent as JSON has its fields described, not quoted",
    async (kind) => {
      const r = await rig();
      const c = await created(r, kind);
      const word = fc
        .array(fc.constantFrom(..."abcdefghijkmnpqrstuvwxyz23456789"), {
          minLength: 10,
          maxLength: 16,
        })
        .map((a) => a.join(""));
      await fc.assert(
        fc.asyncProperty(
          word,
          fc.constantFrom("message", "error_description", "resultMessage"),
          fc.constantFrom(
            "text/html",
            "text/plain; charset=utf-8",
            "application/x-www-form-urlencoded",
            "text/xml",
            "",
          ),
          fc.constantFrom(400, 409, 422, 500),
          async (said, field, contentType, status) => {
            r.forward();
            const body = JSON.stringify({
              error: "invalid_request",
              [field]: `${said} while forwarding`,
            });
            r.hostile.setMode(
              { kind: "raw", status, contentType, body },
              { pathIncludes: itemPath(kind, c.id) },
            );
            const o = await outcome(r.hooks[kind].read(c.id, c.state));
            expect(o.error).toBeDefined();
            expect(text(o.error)).not.toContain(said);
            expect(text(o.error)).toMatch(/\d+ bytes of/);
          },
        ),
        { numRuns: 20 },
      );
    },
  );
});

describe("apinizer: an answer naming another connection", () => {
  it("shows no run of a secret the name holds", async () => {
    const r = await rig();
    const c = await created(r, "apinizer");
    const password = String(INPUTS.apinizer.password);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: password.length - 6 }),
        fc.integer({ min: 6, max: password.length }),
        fc.constantFrom("answer-", "", "x "),
        async (from, length, prefix) => {
          const name = prefix + password.slice(from, from + length);
          r.forward();
          r.hostile.setMode(
            {
              kind: "json",
              status: 200,
              body: {
                success: true,
                resultList: [{ name, type: "email", host: "smtp.example.com" }],
              },
            },
            { method: "GET", pathIncludes: itemPath("apinizer", c.id) },
          );
          const o = await outcome(r.hooks.apinizer.read(c.id, c.state));
          if (name.toLowerCase() === String(INPUTS.apinizer.name)) return;
          expect(text(o.error)).toContain("instead of");
          for (let i = 0; i + 6 <= password.length; i++)
            expect(text(o.error)).not.toContain(password.slice(i, i + 6));
        },
      ),
      { numRuns: 25 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// A create whose POST got no usable answer recovers by looking its name up; a connection found
// that way is its own only on positive evidence, never merely because the name matches.

const GATEWAY_502: HostileMode = {
  kind: "raw",
  status: 502,
  contentType: "text/html",
  body: "<html><body><h1>502 Bad Gateway</h1></body></html>",
};

/** Values that make a connection of the same name someone else's. */
const OTHER: Record<KindName, Props> = {
  aws: { description: "the data team's bucket" },
  vimeo: { clientIdentifier: "someone-elses-client" },
  apinizer: { host: "smtp.other.example.com" },
};

describe.each(KIND_NAMES)("%s: a create whose POST got a gateway's 502", (kind) => {
  it("does not take over a connection of its name that holds other values", async () => {
    const r = await rig();
    const theirs = await created(r, kind, { ...INPUTS[kind], ...OTHER[kind] });
    r.hostile.setMode(GATEWAY_502, { method: "POST" });
    r.hostile.clearRequests();
    const checked = await r.hooks[kind].check({}, INPUTS[kind]);
    const o = await outcome(r.hooks[kind].create(checked.inputs));
    expect(code(o.error)).toBe("NAME_CONFLICT");
    expect(text(o.error)).toContain("may not have made");
    expect(text(o.error)).toContain(Object.keys(OTHER[kind])[0]!);
    expect(text(o.error)).toContain("connections:onNameConflict");
    expect(r.hostile.requests().filter((q) => !["GET", "POST"].includes(q.method))).toEqual([]);
    r.forward();
    const read = await r.hooks[kind].read(theirs.id, theirs.state);
    expect(read.id).toBe(theirs.id);
    expect(read.inputs).toMatchObject(OTHER[kind]);
  });

  it("adopts it with connections:onNameConflict adopt", async () => {
    const r = await rig({ config: () => ({ "connections:onNameConflict": "adopt" }) });
    const theirs = await created(r, kind, { ...INPUTS[kind], ...OTHER[kind] });
    r.hostile.setMode(GATEWAY_502, { method: "POST" });
    const checked = await r.hooks[kind].check({}, INPUTS[kind]);
    const ours = await r.hooks[kind].create(checked.inputs);
    expect(ours.id).toBe(theirs.id);
    r.forward();
    const read = await r.hooks[kind].read(ours.id, ours.outs);
    for (const key of Object.keys(OTHER[kind])) expect(read.inputs[key]).toBe(INPUTS[kind][key]);
  });
});

describe("aws: a connection found after an ambiguous create", () => {
  const ID = "20230101000000000foreignconnect";
  const MINUTE = 60_000;
  const CHANGES: Record<string, unknown> = {
    description: "the data team's bucket",
    enabled: false,
    awsAccountId: "999999999999",
    awsRegion: "eu-west-1",
  };

  it("is taken as its own only at version 1, created since it started, holding what it sent", async () => {
    const r = await rig();
    const checked = await r.hooks.aws.check({}, INPUTS.aws);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 9 })),
        fc.option(
          fc.oneof(
            // Clearly before the create: minutes to years.
            fc.integer({ min: 10 * MINUTE, max: 3 * 365 * 24 * 60 * MINUTE }).map((ms) => -ms),
            // Within the last minute, or ahead by a fast API clock.
            fc.integer({ min: -MINUTE, max: 60 * MINUTE }),
          ),
          { nil: undefined },
        ),
        fc.subarray(Object.keys(CHANGES)),
        fc.constantFrom<HostileMode>(GATEWAY_502, {
          kind: "json",
          status: 200,
          body: { connectionId: "not-an-id", version: 1 },
        }),
        async (version, offset, changed, postAnswer) => {
          const createdDate =
            offset === undefined ? undefined : new Date(Date.now() + offset).toISOString();
          const found = {
            ...INPUTS.aws,
            ...Object.fromEntries(changed.map((k) => [k, CHANGES[k]])),
            connectionId: ID,
            type: "AWS",
            version,
            ...(createdDate ? { createdDate, updatedDate: createdDate } : {}),
          };
          r.hostile.reset();
          // The listing, and (a later rule wins) the connection by its ID.
          r.hostile.setMode(
            { kind: "json", status: 200, body: { Items: [found] } },
            { method: "GET" },
          );
          r.hostile.setMode(
            { kind: "json", status: 200, body: found },
            { method: "GET", pathIncludes: "/v1/awsconnections/" },
          );
          r.hostile.setMode(
            { kind: "json", status: 200, body: { ...found, version: version + 1 } },
            { method: "PUT" },
          );
          r.hostile.setMode(postAnswer, { method: "POST" });
          const o = await outcome(r.hooks.aws.create(checked.inputs));
          const ours =
            version === 1 && (offset === undefined || offset >= -MINUTE) && !changed.length;
          expect(r.hostile.requests().filter((q) => q.method === "PUT")).toEqual([]);
          if (ours) expect((o.value as { id?: string } | undefined)?.id).toBe(ID);
          else {
            expect(o.value).toBeUndefined();
            expect(code(o.error)).toBe("NAME_CONFLICT");
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// A delete is done only on the API's documented answer: Pictory's 204 with an empty body,
// Apinizer's success envelope. Any other 2xx leaves the connection in the state.

/** 2xx answers that are not the documented one: empty objects, gateways' messages, jobs, pages. */
function hostileSuccess(): fc.Arbitrary<HostileMode & { kind: "raw" }> {
  const body = fc.oneof(
    fc.constantFrom(
      "{}",
      "null",
      "",
      "[]",
      JSON.stringify({ message: "no Route matched with those values" }),
      JSON.stringify({ jobId: "x" }),
      "<html><form action=/login></form></html>",
    ),
    fc
      .jsonValue({ maxDepth: 2 })
      .filter((v) => !JSON.stringify(v).includes("SUCCESS") && !JSON.stringify(v).includes("true"))
      .map((v) => JSON.stringify(v)),
  );
  return fc.record({
    kind: fc.constant("raw" as const),
    status: fc.constantFrom(200, 201, 202, 203),
    body,
    contentType: fc.constantFrom(...CONTENT_TYPES),
  });
}

describe.each(KIND_NAMES)("%s: a delete answered with an undocumented 2xx", (kind) => {
  it("fails, keeps the connection, and says what answered", async () => {
    const r = await rig();
    const c = await created(r, kind);
    await fc.assert(
      fc.asyncProperty(hostileSuccess(), async (answer) => {
        r.hostile.reset({ kind: "proxy", target: r.emulator.url });
        r.hostile.setMode(answer, { method: "DELETE" });
        const o = await outcome(r.hooks[kind].delete(c.id, c.state));
        expect(o.error).toBeDefined();
        if (kind !== "apinizer") {
          const message = text(o.error);
          expect(message).toContain(`${r.hostile.url}/pictoryapis`);
          // The media type without its parameters: the header is the API's text.
          const media =
            (answer.contentType ?? "").split(";")[0]!.toLowerCase() || "no content type";
          const size =
            answer.body === "" ? "an empty body," : `${Buffer.byteLength(answer.body)} bytes of`;
          expect(message).toContain(`${answer.status} with ${size} ${media}, not`);
        }
        expect(await held(r.emulator, kind)).toEqual([INPUTS[kind].name]);
      }),
      { numRuns: 20 },
    );
    // The documented answer still deletes.
    r.forward();
    await r.hooks[kind].delete(c.id, c.state);
    expect(await held(r.emulator, kind)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// A 404 for the item is confirmed only by a listing that is the API's documented answer: exactly
// 200, sent as JSON, complete (no page marker saying more follow), and without duplicate keys.

/** One way a listing lacking the connection falls short of the documented answer. */
interface ListingFlaw {
  readonly status: number;
  readonly contentType: string;
  /** The connection's item in a first copy of the list key, which JSON.parse drops. */
  readonly duplicate: boolean;
  /** An undocumented continuation marker at the top level, with a value. */
  readonly marker?: readonly [string, unknown];
}

function listingFlaw(kind: KindName): fc.Arbitrary<ListingFlaw> {
  const markers: fc.Arbitrary<readonly [string, unknown]>[] = [
    fc.tuple(
      fc.constantFrom("LastEvaluatedKey", "lastEvaluatedKey", "nextToken", "cursor"),
      fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constant({ connectionId: "x" })),
    ),
  ];
  if (kind !== "apinizer") markers.push(fc.constant(["nextPageKey", ""] as const));
  return fc
    .record({
      status: fc.constantFrom(200, 201, 203, 206),
      contentType: fc.constantFrom(...CONTENT_TYPES),
      duplicate: fc.boolean(),
      marker:
        kind === "apinizer"
          ? fc.constant(undefined)
          : fc.option(fc.oneof(...markers), { nil: undefined }),
    })
    .filter(
      (f) =>
        f.status !== 200 ||
        !/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(f.contentType) ||
        f.duplicate ||
        f.marker !== undefined,
    );
}

/** The listing's raw text: empty, with the connection in a dropped first copy when `duplicate`. */
function flawedListing(kind: KindName, item: Record<string, unknown>, flaw: ListingFlaw): string {
  const key = kind === "apinizer" ? "resultList" : "Items";
  const head = kind === "apinizer" ? `"success":true,` : "";
  const copy = flaw.duplicate ? `"${key}":[${JSON.stringify(item)}],` : "";
  const marker = flaw.marker
    ? `,${JSON.stringify(flaw.marker[0])}:${JSON.stringify(flaw.marker[1])}`
    : "";
  return `{${head}${copy}"${key}":[]${marker}}`;
}

describe.each(KIND_NAMES)("%s: a 404 confirmed by a listing that is not well-formed", (kind) => {
  it("is not gone: the refresh fails and the state keeps the connection", async () => {
    const r = await rig();
    const c = await created(r, kind);
    const item =
      kind === "apinizer"
        ? { name: INPUTS.apinizer.name, type: "email", host: "smtp.example.com" }
        : { ...c.state, connectionId: c.id };
    await fc.assert(
      fc.asyncProperty(listingFlaw(kind), async (flaw) => {
        r.forward();
        r.hostile.setMode(
          {
            kind: "raw",
            status: flaw.status,
            contentType: flaw.contentType,
            body: flawedListing(kind, item, flaw),
          },
          { method: "GET" },
        );
        r.hostile.setMode(GATEWAY_404S[0]!, { method: "GET", pathIncludes: itemPath(kind, c.id) });
        const o = await outcome(r.hooks[kind].read(c.id, c.state));
        if (concludedGone("read", o)) {
          throw new Error(`a listing ${JSON.stringify(flaw)} proved the connection gone`);
        }
      }),
      { numRuns: 30 },
    );
  });
});

/**
 * One way an Apinizer listing's envelope falls short of the documented list answer: only
 * `success: true` (v1) or `status: "SUCCESS"` (v2) alongside `resultList` and `resultCount`, never
 * a flag that contradicts the other, and a `resultCount` equal to the list's length.
 */
function apinizerEnvelopeFlaw(): fc.Arbitrary<Record<string, unknown>> {
  const base = fc.constantFrom<Record<string, unknown>>(
    { success: true },
    { status: "SUCCESS" },
    { success: true, status: "SUCCESS" },
  );
  const documented = new Set(["success", "status", "resultList", "resultCount"]);
  return fc.oneof(
    // Contradicting flags, or none.
    fc.constantFrom<Record<string, unknown>>(
      { success: true, status: "FAILURE", resultMessage: "Connection list could not be read!" },
      { success: true, status: "FAILURE" },
      { status: "SUCCESS", success: false },
      { status: "SUCCESS", success: "true" },
      { success: true, status: "success" },
      {},
    ),
    fc
      .tuple(
        base,
        fc.string({ minLength: 1, maxLength: 10 }).filter((s) => s !== "SUCCESS"),
      )
      .map(([b, status]) => ({ ...b, status, success: true })),
    // A key the list page does not document: a total, a page marker, a flag.
    fc
      .tuple(
        base,
        fc.oneof(
          fc.constantFrom("totalCount", "nextPageKey", "hasMore", "resultMessage", "pageKey"),
          fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !documented.has(k)),
        ),
        fc.jsonValue({ maxDepth: 1 }),
      )
      .map(([b, key, value]) => ({ ...b, [key]: value })),
    // A count that is not the list's length.
    fc
      .tuple(
        base,
        fc.oneof(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom(-1, 0.5, "0", null, true)),
      )
      .map(([b, resultCount]) => ({ ...b, resultCount })),
  );
}

describe("apinizer: a 404 confirmed by a listing whose envelope is not the documented one", () => {
  it("is not gone: the read fails, says what came back, and the state keeps the connection", async () => {
    const r = await rig();
    const c = await created(r, "apinizer");
    await fc.assert(
      fc.asyncProperty(apinizerEnvelopeFlaw(), async (envelope) => {
        r.forward();
        r.hostile.setMode(
          { kind: "json", status: 200, body: { ...envelope, resultList: [] } },
          { method: "GET" },
        );
        r.hostile.setMode(GATEWAY_404S[0]!, {
          method: "GET",
          pathIncludes: itemPath("apinizer", c.id),
        });
        const o = await outcome(r.hooks.apinizer.read(c.id, c.state));
        if (concludedGone("read", o)) {
          throw new Error(`a listing ${JSON.stringify(envelope)} proved the connection gone`);
        }
        expect(text(o.error)).toMatch(/answered 200 with/);
        expect(text(o.error)).toMatch(/state was left as it is|not written to the state/i);
      }),
      { numRuns: 40 },
    );
  });

  it("(control) the documented empty listing of either generation proves it gone", async () => {
    const r = await rig();
    const c = await created(r, "apinizer");
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Record<string, unknown>>(
          { success: true },
          { status: "SUCCESS" },
          { success: true, status: "SUCCESS" },
        ),
        fc.boolean(),
        async (envelope, counted) => {
          r.forward();
          r.hostile.setMode(
            {
              kind: "json",
              status: 200,
              body: { ...envelope, resultList: [], ...(counted ? { resultCount: 0 } : {}) },
            },
            { method: "GET" },
          );
          r.hostile.setMode(GATEWAY_404S[0]!, {
            method: "GET",
            pathIncludes: itemPath("apinizer", c.id),
          });
          const o = await outcome(r.hooks.apinizer.read(c.id, c.state));
          expect(concludedGone("read", o)).toBe(true);
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe("apinizer: a read answered 200 with an empty list", () => {
  it("is never gone, whether the connection lives or not", async () => {
    const r = await rig();
    const c = await created(r, "apinizer");
    const { type: _type, ...untyped } = c.state;
    void _type;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          { success: true },
          { status: "SUCCESS" },
          { status: "SUCCESS", resultCount: 0 },
        ),
        fc.constantFrom("application/json", "application/json;charset=UTF-8"),
        fc.boolean(),
        fc.boolean(),
        async (envelope, contentType, deleted, typed) => {
          r.forward();
          if (deleted) await r.hooks.apinizer.delete(c.id, c.state);
          else if (!(await held(r.emulator, "apinizer")).includes(String(INPUTS.apinizer.name)))
            await created(r, "apinizer");
          r.hostile.setMode(
            {
              kind: "raw",
              status: 200,
              contentType,
              body: JSON.stringify({ ...envelope, resultList: [] }),
            },
            { method: "GET", pathIncludes: itemPath("apinizer", c.id) },
          );
          const o = await outcome(r.hooks.apinizer.read(c.id, typed ? c.state : untyped));
          expect(concludedGone("read", o)).toBe(false);
          expect(text(o.error)).toMatch(
            /answered 200 with \d+ bytes of application\/json, not the documented answer holding one connection/,
          );
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe("hasDuplicateKey", () => {
  it("finds no duplicate in what JSON.stringify writes", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 2), (v, space) => {
        expect(hasDuplicateKey(JSON.stringify(v, null, space))).toBe(false);
      }),
    );
  });

  it("finds a key written twice at any depth, in any escaped form", () => {
    const object = fc
      .dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1 })
      .chain((o) => fc.tuple(fc.constant(o), fc.constantFrom(...Object.keys(o))));
    fc.assert(
      fc.property(object, fc.boolean(), fc.constantFrom(0, 1, 2), ([o, key], escaped, depth) => {
        const written = escaped
          ? `"${key
              .split("")
              .map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`)
              .join("")}"`
          : JSON.stringify(key);
        let text = `{${written}:null,${JSON.stringify(o).slice(1)}`;
        for (let i = 0; i < depth; i++) text = i % 2 ? `{"a":${text}}` : `[1,${text}]`;
        expect(JSON.parse(text)).toBeDefined();
        expect(hasDuplicateKey(text)).toBe(true);
      }),
    );
  });
});
