/**
 * Contract-suite harness: an HTTP client and "targets". Every contract case runs against an
 * in-process emulator; with credentials in the environment the same cases also run against the live
 * service (see `describePictory` / `describeApinizer`). Cases only talk HTTP, written against the
 * vendors' pages and our notes on them (docs/api/apinizer.md, docs/api/pictory-vimeo.md), never
 * against the emulator's code.
 */
import { randomBytes } from "node:crypto";
import { Agent, request } from "undici";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";

export const EMULATOR_PICTORY_KEY = "pictai_emulator_key";
export const EMULATOR_APINIZER_TOKEN = "apinizer_emulator_token";

/** One keep-alive agent per test file keeps thousands of requests cheap. */
const agent = new Agent({ keepAliveTimeout: 10_000, connections: 32 });
afterAll(async () => {
  await agent.close();
});

export interface HttpResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  /** Parsed body when it is JSON, else undefined. */
  readonly json: unknown;
}

export interface CallOptions {
  /** Serialised as JSON with `content-type: application/json`. */
  readonly body?: unknown;
  /** Sent as-is; set `content-type` yourself. */
  readonly raw?: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
  /** Leave out the default Authorization header. */
  readonly noAuth?: boolean;
}

/** A base URL plus default headers. */
export class Client {
  constructor(
    readonly baseUrl: string,
    private readonly defaultHeaders: Readonly<Record<string, string>> = {},
  ) {}

  async call(method: string, path: string, options: CallOptions = {}): Promise<HttpResult> {
    const headers: Record<string, string> = {
      "user-agent": "pulumi-connections-contract-tests",
      ...(options.noAuth === true ? {} : this.defaultHeaders),
    };
    let body: string | Buffer | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] = "application/json";
    }
    Object.assign(headers, options.headers);
    const response = await request(`${this.baseUrl}${path}`, {
      method: method as "GET",
      headers,
      body,
      dispatcher: agent,
    });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, text, json: parseJson(text) };
  }

  get(path: string, options?: CallOptions): Promise<HttpResult> {
    return this.call("GET", path, options);
  }
  post(path: string, body: unknown, options?: CallOptions): Promise<HttpResult> {
    return this.call("POST", path, { ...options, body });
  }
  put(path: string, body: unknown, options?: CallOptions): Promise<HttpResult> {
    return this.call("PUT", path, { ...options, body });
  }
  delete(path: string, options?: CallOptions): Promise<HttpResult> {
    return this.call("DELETE", path, options);
  }
}

function parseJson(text: string): unknown {
  try {
    return text === "" ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** A JSON object body, or a failing expectation. */
export function obj(result: HttpResult): Record<string, unknown> {
  const value = result.json;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(
      `expected a JSON object body, got status ${result.status}: ${result.text.slice(0, 300)}`,
    );
  }
  return value as Record<string, unknown>;
}

const RUN_ID = randomBytes(3).toString("hex");
let nameCounter = 0;

/**
 * Unique, clearly labelled names (live runs create real connections;
 * docs/api/pictory-vimeo.md#name-rules).
 */
export function uniqueName(label: string): string {
  nameCounter += 1;
  return `pcx-contract-${RUN_ID}-${label}-${nameCounter}`.slice(0, 100);
}

type Kind = "emulator" | "live";

interface TargetBase {
  readonly kind: Kind;
  /** True when talking to the vendor; emulator-only cases are skipped then. */
  readonly live: boolean;
  /** The in-process emulator; throws on a live target. */
  readonly emulator: RunningEmulator;
}

export interface PictoryTarget extends TargetBase {
  /** Base is ".../pictoryapis"; paths start with "/v1/". Sends the API key. */
  readonly client: Client;
  readonly apiKey: string;
  /** Registers a created connection for deletion in afterAll (live runs). */
  track(segment: string, id: string): void;
}

export interface ApinizerTarget extends TargetBase {
  /** Base is the console URL; paths start with "/apiops/". Sends the bearer token. */
  readonly client: Client;
  readonly envelope: "v1" | "v2";
  /** The bearer token (without "Bearer "). */
  readonly token: string;
  readonly project: string;
  /** "/apiops/projects/<project>/connections/" */
  readonly connectionsPath: string;
  /** Registers a created connection for deletion in afterAll (live runs). */
  track(name: string): void;
}

/** A target whose fields are filled in by beforeAll; reading them earlier throws. */
class LazyTarget<T extends object> {
  private value: T | undefined;
  set(value: T | undefined): void {
    this.value = value;
  }
  get(): T {
    if (this.value === undefined) {
      throw new Error("target used outside its describe block's beforeAll/afterAll window");
    }
    return this.value;
  }
}

function proxy<T extends object>(lazy: LazyTarget<T>, fixed: Partial<T>): T {
  return new Proxy(fixed as T, {
    get: (target, key) => (key in target ? target[key as keyof T] : lazy.get()[key as keyof T]),
  });
}

function noEmulator(): RunningEmulator {
  throw new Error("no emulator on a live target");
}

/** Live Pictory settings from the environment, or undefined when not configured. */
function livePictory(): { baseUrl: string; apiKey: string } | undefined {
  const apiKey = process.env.PICTORY_API_KEY;
  if (apiKey === undefined || apiKey === "") {
    return undefined;
  }
  const baseUrl = (process.env.PICTORY_BASE_URL ?? "https://api.pictory.ai/pictoryapis").replace(
    /\/+$/,
    "",
  );
  return { baseUrl, apiKey };
}

function liveApinizer(): { baseUrl: string; token: string; project: string } | undefined {
  const token = process.env.APINIZER_TOKEN;
  const base = process.env.APINIZER_BASE_URL;
  const project = process.env.APINIZER_PROJECT;
  if (!token || !base || !project) {
    return undefined;
  }
  return { baseUrl: base.replace(/\/+$/, "").replace(/\/apiops$/, ""), token, project };
}

export type PictoryBody = (target: PictoryTarget, kind: Kind) => void;
export type ApinizerBody = (target: ApinizerTarget, kind: Kind) => void;

/**
 * Runs `body` against the emulator and, when `PICTORY_API_KEY` is set, against the live Pictory
 * API; otherwise the live block shows up as skipped with a note on how to enable it.
 */
export function describePictory(
  title: string,
  body: PictoryBody,
  options: EmulatorOptions = {},
): void {
  describe(`${title} [emulator]`, () => {
    const lazy = new LazyTarget<PictoryTarget>();
    beforeAll(async () => {
      const emulator = await startEmulator(options);
      lazy.set({
        kind: "emulator",
        live: false,
        emulator,
        apiKey: EMULATOR_PICTORY_KEY,
        client: new Client(`${emulator.url}/pictoryapis`, { authorization: EMULATOR_PICTORY_KEY }),
        track: () => undefined,
      });
    });
    afterAll(async () => {
      await lazy.get().emulator.stop();
      lazy.set(undefined);
    });
    body(proxy(lazy, { kind: "emulator", live: false }), "emulator");
  });
  const live = livePictory();
  if (live === undefined) {
    describe.skip(`${title} [live Pictory API: set PICTORY_API_KEY (optional PICTORY_BASE_URL) to enable]`, () => {
      it("runs only with PICTORY_API_KEY set", () => undefined);
    });
    return;
  }
  describe(`${title} [live ${live.baseUrl}]`, () => {
    const lazy = new LazyTarget<PictoryTarget>();
    const created: { segment: string; id: string }[] = [];
    const client = new Client(live.baseUrl, { authorization: live.apiKey });
    beforeAll(() => {
      lazy.set({
        kind: "live",
        live: true,
        get emulator(): RunningEmulator {
          return noEmulator();
        },
        apiKey: live.apiKey,
        client,
        track: (segment, id) => created.push({ segment, id }),
      });
    });
    afterAll(async () => {
      for (const { segment, id } of created) {
        await client.delete(`/v1/${segment}/${id}`).catch(() => undefined);
      }
    });
    body(proxy(lazy, { kind: "live", live: true }), "live");
  });
}

/**
 * Runs `body` against the emulator in both envelope generations (docs/api/apinizer.md#answers) and,
 * when `APINIZER_TOKEN`, `APINIZER_BASE_URL` and `APINIZER_PROJECT` are set, against the live API
 * (its envelope is detected from a list call).
 */
export function describeApinizer(
  title: string,
  body: ApinizerBody,
  options: EmulatorOptions = {},
): void {
  for (const envelope of ["v1", "v2"] as const) {
    describe(`${title} [emulator ${envelope}]`, () => {
      const lazy = new LazyTarget<ApinizerTarget>();
      beforeAll(async () => {
        const emulator = await startEmulator({ ...options, apinizerEnvelope: envelope });
        lazy.set({
          kind: "emulator",
          live: false,
          emulator,
          envelope,
          token: EMULATOR_APINIZER_TOKEN,
          project: "demo",
          connectionsPath: "/apiops/projects/demo/connections/",
          client: new Client(emulator.url, { authorization: `Bearer ${EMULATOR_APINIZER_TOKEN}` }),
          track: () => undefined,
        });
      });
      afterAll(async () => {
        await lazy.get().emulator.stop();
        lazy.set(undefined);
      });
      body(proxy(lazy, { kind: "emulator", live: false }), "emulator");
    });
  }
  const live = liveApinizer();
  if (live === undefined) {
    describe.skip(`${title} [live Apinizer API: set APINIZER_TOKEN, APINIZER_BASE_URL and APINIZER_PROJECT to enable]`, () => {
      it("runs only with the Apinizer variables set", () => undefined);
    });
    return;
  }
  describe(`${title} [live ${live.baseUrl}]`, () => {
    const lazy = new LazyTarget<ApinizerTarget>();
    const created = new Set<string>();
    const client = new Client(live.baseUrl, { authorization: `Bearer ${live.token}` });
    const connectionsPath = `/apiops/projects/${encodeURIComponent(live.project)}/connections/`;
    beforeAll(async () => {
      const probe = await client.get(`${connectionsPath}?type=email`);
      const envelope = obj(probe).status === "SUCCESS" ? "v2" : "v1";
      lazy.set({
        kind: "live",
        live: true,
        get emulator(): RunningEmulator {
          return noEmulator();
        },
        envelope,
        token: live.token,
        project: live.project,
        connectionsPath,
        client,
        track: (name) => created.add(name),
      });
    });
    afterAll(async () => {
      for (const name of created) {
        await client
          .delete(`${connectionsPath}${encodeURIComponent(name)}/`)
          .catch(() => undefined);
      }
    });
    body(proxy(lazy, { kind: "live", live: true }), "live");
  });
}

/** `it` for cases that need the emulator (faults, admin, tenancy): skipped on live targets. */
export function emulatorOnly(kind: Kind): jest.It {
  return kind === "live" ? it.skip : it;
}
