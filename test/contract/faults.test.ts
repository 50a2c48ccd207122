/**
 * Fault injection (emulator only): every FaultSettings knob, every one-shot FaultRule action, and
 * the request log that records them.
 */
import { useEmulator, withEmulator } from "../helpers/emulator";
import { Client, EMULATOR_APINIZER_TOKEN, EMULATOR_PICTORY_KEY, obj } from "./harness";

const OTHER_KEY = "pictai_other_tenant";
const emu = useEmulator({ extraTenants: [{ pictoryApiKey: OTHER_KEY }] });

let pictory: Client;
let apinizer: Client;
beforeAll(() => {
  pictory = new Client(`${emu.url}/pictoryapis`, { authorization: EMULATOR_PICTORY_KEY });
  apinizer = new Client(emu.url, { authorization: `Bearer ${EMULATOR_APINIZER_TOKEN}` });
});
beforeEach(() => emu.current.reset());

const VIMEO = "/v1/vimeo-connections";
let counter = 0;
function vimeoBody(): Record<string, unknown> {
  counter += 1;
  return { name: `fault-${counter}`, clientIdentifier: "id", clientSecret: "s", accessToken: "t" };
}

async function createVimeo(): Promise<string> {
  const response = await pictory.post(VIMEO, vimeoBody());
  expect(response.status).toBe(200);
  return String(obj(response).connectionId);
}

/** Resolves to the error code when the connection is dropped without an answer. */
async function dropped(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return false;
  } catch {
    return true;
  }
}

async function vimeoCount(): Promise<number> {
  return (obj(await pictory.get(VIMEO)).Items as unknown[]).length;
}

describe("faults are off by default", () => {
  it("answers 200 requests without any injected error", async () => {
    const statuses = await Promise.all(Array.from({ length: 200 }, () => pictory.get(VIMEO)));
    expect(statuses.every((r) => r.status === 200)).toBe(true);
    expect(emu.current.requests().every((e) => e.fault === undefined)).toBe(true);
  });
});

describe("FaultSettings", () => {
  it("latencyMs delays every matching request", async () => {
    emu.current.setFaults({ latencyMs: 150 });
    const started = performance.now();
    expect((await pictory.get(VIMEO)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(emu.current.requests().at(-1)?.fault).toBe("latency");
  });

  it("rate429 answers 429 with Retry-After and a JSON body in each family's shape", async () => {
    emu.current.setFaults({ rate429: 1, retryAfterSeconds: 7 });
    const p = await pictory.get(VIMEO);
    expect(p.status).toBe(429);
    expect(p.headers["retry-after"]).toBe("7");
    expect(p.json).toEqual({ message: "Too Many Requests" });
    const a = await apinizer.get("/apiops/projects/demo/connections/?type=email");
    expect(a.status).toBe(429);
    expect(a.headers["retry-after"]).toBe("7");
    // apinizer-management-api-docs-v1/01-getting-started/error-handling.md, "Rate Limiting Errors".
    expect(obj(a)).toEqual({
      error: "rate_limit_exceeded",
      error_description: "Rate limit exceeded. Please try again later.",
      retry_after: 7,
    });
    expect(emu.current.requests().map((e) => e.fault)).toEqual(["rate429", "rate429"]);
  });

  it("rate5xx answers 500, 502 or 503 with a JSON body", async () => {
    emu.current.setFaults({ rate5xx: 1 });
    const responses = await Promise.all(Array.from({ length: 30 }, () => pictory.get(VIMEO)));
    for (const response of responses) {
      expect([500, 502, 503]).toContain(response.status);
      expect(typeof obj(response).message).toBe("string");
    }
    const apinizerResponse = await apinizer.get("/apiops/projects/");
    expect(obj(apinizerResponse)).toMatchObject({
      error: expect.any(String),
      error_description: expect.any(String),
    });
  });

  it("seed makes the fault sequence reproducible", async () => {
    const run = async (): Promise<number[]> => {
      emu.current.setFaults({ rate5xx: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i += 1) {
        statuses.push((await pictory.get(VIMEO)).status);
      }
      return statuses;
    };
    const first = await run();
    expect(first).toContain(200);
    expect(first.some((s) => s >= 500)).toBe(true);
    expect(await run()).toEqual(first);
  });

  it("dropRate destroys the socket before processing: nothing is committed", async () => {
    emu.current.setFaults({ dropRate: 1 });
    expect(await dropped(pictory.post(VIMEO, vimeoBody()))).toBe(true);
    emu.current.setFaults({});
    expect(await vimeoCount()).toBe(0);
    const entry = emu.current.requests().find((e) => e.method === "POST");
    expect(entry).toMatchObject({ status: 0, fault: "drop", family: "pictory-vimeo" });
  });

  it("rateLimitPerSecond answers 429 + Retry-After past the budget, per credential", async () => {
    emu.current.setFaults({ rateLimitPerSecond: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      statuses.push((await pictory.get(VIMEO)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await pictory.get(VIMEO);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(emu.current.requests().at(-1)?.fault).toBe("rate-limit");
    // Another credential has its own bucket.
    const other = await pictory.get(VIMEO, { headers: { authorization: OTHER_KEY } });
    expect(other.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await pictory.get(VIMEO)).status).toBe(200);
  });

  it("concurrentWriterRate bumps the version before a PUT, which then gets 409", async () => {
    const id = await createVimeo();
    emu.current.setFaults({ concurrentWriterRate: 1 });
    const response = await pictory.put(`${VIMEO}/${id}`, { version: 1, description: "mine" });
    expect(response.status).toBe(409);
    expect(String(obj(response).message)).toMatch(/current version is 2, request had 1/);
    emu.current.setFaults({});
    const got = obj(await pictory.get(`${VIMEO}/${id}`));
    expect(got.version).toBe(2);
    expect(got).not.toHaveProperty("description");
    expect(emu.current.requests().find((e) => e.method === "PUT")?.fault).toBe("concurrent-writer");
  });

  it("match limits faults to a method and a path prefix", async () => {
    emu.current.setFaults({
      rate5xx: 1,
      match: { method: "post", pathPrefix: "/pictoryapis/v1/vimeo" },
    });
    expect((await pictory.get(VIMEO)).status).toBe(200);
    expect(
      (
        await pictory.post("/v1/awsconnections", {
          name: "m",
          awsAccountId: "123456789012",
          awsRegion: "us-east-1",
        })
      ).status,
    ).toBe(200);
    expect((await pictory.post(VIMEO, vimeoBody())).status).toBeGreaterThanOrEqual(500);
  });

  it("rejects invalid settings", () => {
    expect(() => emu.current.setFaults({ rate429: 2 })).toThrow();
    expect(() => emu.current.setFaults({ latencyMs: -1 })).toThrow();
  });
});

describe("one-shot FaultRule", () => {
  it("status answers once with the given status, Retry-After and a JSON body", async () => {
    emu.current.enqueueFault({ action: "status", status: 503, retryAfterSeconds: 2 });
    const first = await pictory.get(VIMEO);
    expect(first.status).toBe(503);
    expect(first.headers["retry-after"]).toBe("2");
    expect(first.json).toEqual({ message: "Service Unavailable" });
    expect((await pictory.get(VIMEO)).status).toBe(200);
    expect(emu.current.requests()[0]?.fault).toBe("once:status");
  });

  it("times applies a rule to several requests; method and path select them", async () => {
    emu.current.enqueueFault({
      action: "status",
      status: 429,
      method: "GET",
      path: "/apiops/*",
      times: 2,
    });
    expect((await pictory.get(VIMEO)).status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) {
      statuses.push((await apinizer.get("/apiops/projects/")).status);
    }
    expect(statuses).toEqual([429, 429, 200]);
  });

  it("drop-before destroys the socket without processing", async () => {
    emu.current.enqueueFault({ action: "drop-before", method: "POST" });
    expect(await dropped(pictory.post(VIMEO, vimeoBody()))).toBe(true);
    expect(await vimeoCount()).toBe(0);
  });

  it("drop-after commits the request, then drops the answer (a lost create response)", async () => {
    emu.current.enqueueFault({ action: "drop-after", method: "POST", path: "*/vimeo-connections" });
    expect(await dropped(pictory.post(VIMEO, vimeoBody()))).toBe(true);
    expect(await vimeoCount()).toBe(1);
    expect(emu.current.requests().find((e) => e.method === "POST")).toMatchObject({
      status: 0,
      fault: "once:drop-after",
    });
  });

  it("delay processes the request and answers after delayMs", async () => {
    emu.current.enqueueFault({ action: "delay", delayMs: 200 });
    const started = performance.now();
    expect((await pictory.post(VIMEO, vimeoBody())).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it("bump-version makes the next PUT stale", async () => {
    const id = await createVimeo();
    emu.current.enqueueFault({ action: "bump-version", method: "PUT" });
    expect((await pictory.put(`${VIMEO}/${id}`, { version: 1 })).status).toBe(409);
    expect((await pictory.put(`${VIMEO}/${id}`, { version: 2 })).status).toBe(200);
  });

  it("deploy-failure reports an Apinizer deployment failure with HTTP 200", async () => {
    emu.current.enqueueFault({ action: "deploy-failure", environment: "eu-workers" });
    const response = await apinizer.post("/apiops/projects/demo/connections/g1/", {
      name: "g1",
      type: "graylog",
      hostname: "graylog",
    });
    expect(response.status).toBe(200);
    const deployment = obj(response).deploymentResult as Record<string, unknown>;
    expect(deployment.success).toBe(false);
    expect(deployment.deploymentResults).toContainEqual(
      expect.objectContaining({ environmentName: "eu-workers", success: false }),
    );
  });

  it("status 500 on Apinizer uses each generation's documented text", async () => {
    // v1: 01-getting-started/error-handling.md; v2: getting-started/error-handling.mdx.
    emu.current.enqueueFault({ action: "status", status: 500, path: "/apiops/*" });
    expect((await apinizer.get("/apiops/projects/")).json).toEqual({
      error: "internal_error",
      error_description: "An unexpected error occurred. Please try again later.",
    });
    await withEmulator(
      async (v2) => {
        v2.enqueueFault({ action: "status", status: 500, path: "/apiops/*" });
        const client = new Client(v2.url, { authorization: `Bearer ${EMULATOR_APINIZER_TOKEN}` });
        expect((await client.get("/apiops/projects/")).json).toEqual({
          status: "FAILURE",
          resultMessage: "An unexpected error occurred",
        });
      },
      { apinizerEnvelope: "v2" },
    );
  });

  it("rejects an invalid rule", () => {
    expect(() => emu.current.enqueueFault({ action: "explode" as never })).toThrow();
    expect(() => emu.current.enqueueFault({ action: "status", path: "^/apiops/" })).toThrow();
  });
});

describe("request log", () => {
  it("records method, path, query, status, duration and family; no admin requests", async () => {
    await pictory.get(
      `${VIMEO}?nextPageKey=${Buffer.from('{"lastEvaluatedKey":{}}').toString("base64")}`,
    );
    await pictory.get("/v1/awsconnections");
    await apinizer.get("/apiops/projects/demo/connections/?type=email");
    await fetch(`${emu.url}/_emulator/state`);
    await fetch(`${emu.url}/nowhere`);
    const entries = emu.current.requests();
    expect(entries.map((e) => e.family)).toEqual([
      "pictory-vimeo",
      "pictory-aws",
      "apinizer",
      "other",
    ]);
    expect(entries[0]).toMatchObject({
      method: "GET",
      path: "/pictoryapis/v1/vimeo-connections",
      status: 200,
    });
    expect(entries[0]?.query.nextPageKey).toBeDefined();
    expect(entries[2]?.query).toEqual({ type: "email" });
    expect(entries.every((e) => e.durationMs >= 0)).toBe(true);
    const seqs = entries.map((e) => e.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    emu.current.clearRequests();
    expect(emu.current.requests()).toEqual([]);
  });
});
