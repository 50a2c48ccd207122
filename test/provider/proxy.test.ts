/**
 * Corporate networks, with real components: a forward proxy (the `proxy` npm package, in a child
 * process the test starts) in front of the emulator served over HTTPS with a certificate from a
 * throwaway authority. Requests must go through the proxy (its log shows the CONNECT), NO_PROXY
 * must bypass it, and an untrusted certificate must fail naming both ways to trust it.
 */
import { ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { RunningEmulator, startEmulator } from "../../emulator";
import { DEFAULT_HTTP_OPTIONS, HttpClient, proxyFor } from "../../provider/core/http";
import { ProviderRuntime } from "../../provider/core/runtime";
import { KINDS } from "../../provider/registry";
import { emulatorConfigValues } from "../../scripts/workspace";
import { makeTestPki, startTlsFront, TestPki, TlsFront } from "../helpers/tls";
import { checkAndCreate, expectCode } from "./fixture";

let emulator: RunningEmulator;
let pki: TestPki;
let front: TlsFront;
let proxy: { child: ChildProcess; url: string; log: string[] };
const runtimes: ProviderRuntime[] = [];
const ENV = ["HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy"];
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

/** The `proxy` package (ESM) in a child process, printing one line per CONNECT and per request. */
async function startProxy(): Promise<typeof proxy> {
  const script = `
    import * as http from "node:http";
    import { createProxy } from "proxy";
    const server = createProxy(http.createServer());
    server.on("connect", (req) => console.log("CONNECT " + req.url));
    server.on("request", (req) => console.log("REQUEST " + req.method + " " + req.url));
    server.listen(0, "127.0.0.1", () => console.log("LISTENING " + server.address().port));
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    cwd: process.cwd(),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const log: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the proxy did not start")), 10_000);
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      for (const line of chunk.split("\n").filter(Boolean)) {
        const m = /^LISTENING (\d+)$/.exec(line);
        if (!m) log.push(line);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      }
    });
  });
  return { child, url: `http://127.0.0.1:${port}`, log };
}

beforeAll(async () => {
  emulator = await startEmulator();
  pki = makeTestPki();
  front = await startTlsFront(emulator.url, pki);
  proxy = await startProxy();
});
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  proxy.log.length = 0;
});
afterAll(async () => {
  proxy.child.kill();
  await front.stop();
  await emulator.stop();
  pki.remove();
});

/** A runtime as a provider process started with these environment variables would be. */
function runtime(env: Record<string, string>, config: Record<string, string> = {}) {
  for (const k of ENV) delete process.env[k];
  Object.assign(process.env, env);
  const values: Record<string, string> = {
    ...emulatorConfigValues(front.url),
    "connections:maxRetries": "0",
    "connections:requestTimeoutMs": "5000",
    ...config,
  };
  const r = new ProviderRuntime(KINDS);
  r.settings.configure({ get: (k) => values[k] });
  runtimes.push(r);
  return r;
}

const target = () => front.url.replace("https://", "");

describe("HTTPS_PROXY, NO_PROXY and extra certificate authorities", () => {
  it("sends every request of both families through HTTPS_PROXY as a CONNECT tunnel", async () => {
    const r = runtime({ HTTPS_PROXY: proxy.url }, { "connections:caFile": pki.caFile });
    const created = await checkAndCreate(r.hooks("pictory:AwsConnection"), {
      name: "via-proxy",
      awsAccountId: "123456789012",
      awsRegion: "us-east-2",
    });
    await checkAndCreate(r.hooks("apinizer:Connection"), {
      projectName: "demo",
      name: "via-proxy",
      type: "email",
      host: "smtp.example.com",
    });
    expect(created.outs).toMatchObject({ name: "via-proxy", version: 1 });
    expect(proxy.log).toContain(`CONNECT ${target()}`);
    expect(proxy.log.every((l) => l === `CONNECT ${target()}`)).toBe(true);
    expect(emulator.requests().length).toBeGreaterThanOrEqual(2);
  });

  it("goes straight to the API for a host in NO_PROXY", async () => {
    const r = runtime(
      { HTTPS_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" },
      { "connections:caFile": pki.caFile },
    );
    const before = emulator.requests().length;
    await checkAndCreate(r.hooks("pictory:AwsConnection"), {
      name: "no-proxy",
      awsAccountId: "123456789012",
      awsRegion: "us-east-2",
    });
    expect(emulator.requests().length).toBe(before + 1);
    expect(proxy.log).toEqual([]);
  });

  it("fails an untrusted certificate through the proxy, naming connections:caFile and NODE_EXTRA_CA_CERTS", async () => {
    const r = runtime({ HTTPS_PROXY: proxy.url });
    const err = await expectCode(
      checkAndCreate(r.hooks("pictory:AwsConnection"), {
        name: "wrong-ca",
        awsAccountId: "123456789012",
        awsRegion: "us-east-2",
      }),
      "NETWORK_ERROR",
    );
    expect(err.message).toContain("connections:caFile");
    expect(err.message).toContain("NODE_EXTRA_CA_CERTS");
    expect(proxy.log).toContain(`CONNECT ${target()}`);
  });

  it("names the proxy when it cannot be reached", async () => {
    const r = runtime({ HTTPS_PROXY: "http://127.0.0.1:9" }, { "connections:caFile": pki.caFile });
    const err = await expectCode(
      r.hooks("pictory:AwsConnection").read("20251217080657842fux3au9kh1p0j5s", {
        name: "x",
        awsAccountId: "123456789012",
        awsRegion: "us-east-2",
      }),
      "NETWORK_ERROR",
    );
    expect(err.message).toContain("through the proxy http://127.0.0.1:9");
    expect(err.message).toContain("NO_PROXY");
  });
});

describe("the proxy a request takes is the one messages name", () => {
  const frontPort = () => Number(new URL(front.url).port);
  // Each case: the environment, and whether undici's agent sends the request through the proxy.
  const cases: [string, () => Record<string, string>, boolean][] = [
    [
      "NO_PROXY host:port of another port does not bypass",
      () => ({ HTTPS_PROXY: proxy.url, NO_PROXY: `127.0.0.1:${frontPort() + 1}` }),
      true,
    ],
    [
      "NO_PROXY host:port of the API's port bypasses",
      () => ({ HTTPS_PROXY: proxy.url, NO_PROXY: `example.com,127.0.0.1:${frontPort()}` }),
      false,
    ],
    [
      "https_proxy wins over HTTPS_PROXY",
      () => ({ https_proxy: proxy.url, HTTPS_PROXY: "http://127.0.0.1:9" }),
      true,
    ],
    [
      "no_proxy wins over NO_PROXY, even empty",
      () => ({ HTTPS_PROXY: proxy.url, no_proxy: "", NO_PROXY: "127.0.0.1" }),
      true,
    ],
    [
      "no_proxy wins over NO_PROXY",
      () => ({ HTTPS_PROXY: proxy.url, no_proxy: "127.0.0.1", NO_PROXY: "example.com" }),
      false,
    ],
    ["an https URL falls back to HTTP_PROXY", () => ({ HTTP_PROXY: proxy.url }), true],
  ];

  it.each(cases)("%s", async (_, env, viaProxy) => {
    for (const k of ENV) delete process.env[k];
    Object.assign(process.env, env());
    const client = new HttpClient(front.url, {
      ...DEFAULT_HTTP_OPTIONS,
      maxRetries: 0,
      ca: readFileSync(pki.caFile, "utf8"),
    });
    try {
      const res = await client.send(
        { method: "GET", path: "/apiops/test/healthcheck", headers: {} },
        true,
        {
          signal: new AbortController().signal,
          ms: 10_000,
          setting: "test",
          cancelled: () => false,
        },
      );
      expect(res.text).toBe("OK");
    } finally {
      await client.close();
    }
    expect(proxy.log.includes(`CONNECT ${target()}`)).toBe(viaProxy);
    expect(proxyFor(new URL(front.url))).toBe(viaProxy ? proxy.url : undefined);
  });
});
