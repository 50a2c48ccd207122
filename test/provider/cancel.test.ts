/**
 * The engine's Cancel call (a first Ctrl-C on `pulumi up`) stops the provider's work: requests in
 * flight are aborted with CANCELLED (their outcome unknown, the message saying what to run next),
 * no request is sent after it, and the process keeps serving the engine. The transport's part is
 * checked on generated mixes of requests; the whole path runs the built provider (`dist/`) in a
 * child process behind a grpc-js server with Pulumi's ResourceProvider service, as the
 * dynamic-provider host has it, and sends it a real Cancel call.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as grpc from "@grpc/grpc-js";
import fc from "fast-check";
import { Deadline, HttpClient, DEFAULT_HTTP_OPTIONS } from "../../provider/core/http";
import { onEngineCancel } from "../../provider/core/cancel";
import { HostileServer, startHostile } from "../helpers/hostile";
import { pictoryHooksSource } from "../helpers/provider-process";

const PROVIDER_RPC = require.resolve("@pulumi/pulumi/proto/provider_grpc_pb");
const EMPTY = require.resolve("google-protobuf/google/protobuf/empty_pb");
const GRPC = require.resolve("@grpc/grpc-js");

let hostile: HostileServer;
beforeAll(async () => {
  hostile = await startHostile({ mode: { kind: "slowHeaders", delayMs: 600_000 } });
});
afterAll(async () => {
  await hostile.stop();
});

async function waitFor(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A deadline that never runs out, cancelled by hand. */
function cancellable(): { deadline: Deadline; cancel(): void } {
  const controller = new AbortController();
  return {
    deadline: {
      signal: controller.signal,
      ms: 600_000,
      setting: "connections:operationTimeoutMs",
      cancelled: () => controller.signal.aborted,
    },
    cancel: () => controller.abort(Object.assign(new Error("cancelled"), { code: "CANCELLED" })),
  };
}

const METHODS = ["GET", "POST", "PUT", "DELETE"] as const;

describe("HttpClient after a cancel", () => {
  it("aborts every request in flight, sends none of those waiting or started later, and says which is which", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...METHODS), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.constantFrom(...METHODS), { minLength: 0, maxLength: 3 }),
        async (before, maxInFlight, after) => {
          hostile.clearRequests();
          const client = new HttpClient(`${hostile.url}/api`, {
            ...DEFAULT_HTTP_OPTIONS,
            requestTimeoutMs: 600_000,
            maxInFlight,
          });
          const { deadline, cancel } = cancellable();
          try {
            const send = (method: (typeof METHODS)[number], i: number) =>
              client
                .send({ method, path: `/c/${i}`, headers: {} }, method !== "POST", deadline)
                .then(
                  () => ({ method, path: `/c/${i}`, error: undefined }),
                  (e: { code?: string; message: string }) => ({
                    method,
                    path: `/c/${i}`,
                    error: e,
                  }),
                );
            const first = before.map(send);
            const sending = Math.min(before.length, maxInFlight);
            await waitFor(() => hostile.requests().length === sending, 5_000, "the requests");
            const cancelledAt = Date.now();
            cancel();
            const later = after.map((m, i) => send(m, before.length + i));
            const settled = await Promise.all([...first, ...later]);
            expect(Date.now() - cancelledAt).toBeLessThan(2_000);
            const sent = new Set(hostile.requests().map((r) => r.path.replace(/^\/api/, "")));
            expect(sent.size).toBe(sending);
            for (const r of settled) {
              expect(r.error?.code).toBe("CANCELLED");
              if (!sent.has(r.path)) {
                expect(r.error!.message).toContain("was not sent");
              } else if (r.method === "GET") {
                expect(r.error!.message).toContain("a read changes nothing");
              } else {
                expect(r.error!.message).toContain("outcome is unknown");
                expect(r.error!.message).toContain("pulumi refresh");
              }
            }
            await new Promise((r) => setTimeout(r, 50));
            expect(hostile.requests().filter((r) => r.at > cancelledAt)).toEqual([]);
          } finally {
            await client.close().catch(() => undefined);
          }
        },
      ),
      { numRuns: 15 },
    );
  }, 60_000);
});

describe("onEngineCancel", () => {
  it("reports that it cannot observe Cancel, and changes nothing, where no server is found", () => {
    expect(
      onEngineCancel(
        () => undefined,
        () => [],
      ),
    ).toBe(false);
    expect(
      onEngineCancel(
        () => undefined,
        () => {
          throw new Error("no handles here");
        },
      ),
    ).toBe(false);
  });
});

/** The built provider behind a grpc-js server as the dynamic-provider host has it. */
function startHost(): { child: ChildProcess; output: () => string } {
  const script = `
    const grpc = require(${JSON.stringify(GRPC)});
    const provrpc = require(${JSON.stringify(PROVIDER_RPC)});
    const { Empty } = require(${JSON.stringify(EMPTY)});
    const server = new grpc.Server();
    // The host's Cancel: an empty answer, nothing else.
    server.addService(provrpc.ResourceProviderService, { cancel: (call, cb) => cb(undefined, new Empty()) });
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (err) throw err;
      console.log("PORT " + port);
      ${pictoryHooksSource(`${hostile.url}/pictoryapis`)}
      const create = (name) => h.create({ name, awsAccountId: "123456789012", awsRegion: "us-east-2" });
      ready
        .then(() => create("held"))
        .then(() => console.log("RESOLVED"), (e) => console.log("FAILED " + e.code + " " + e.message))
        .then(() => create("after"))
        .then(() => console.log("RESOLVED"), (e) => console.log("AFTER " + e.code + " " + e.message));
    });
  `;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += String(d)));
  child.stderr!.on("data", (d) => (out += String(d)));
  return { child, output: () => out };
}

function cancelCall(port: number): Promise<void> {
  const provrpc = require(PROVIDER_RPC);
  const { Empty } = require(EMPTY);
  const client = new provrpc.ResourceProviderClient(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  ) as grpc.Client & { cancel(req: unknown, cb: (e: Error | null) => void): void };
  return new Promise<void>((resolve, reject) =>
    client.cancel(new Empty(), (e) => {
      client.close();
      if (e) reject(e);
      else resolve();
    }),
  ).finally(() => client.close());
}

describe("the engine's Cancel call", () => {
  it("fails the held create with CANCELLED at once, refuses the next one, and leaves the process serving", async () => {
    hostile.clearRequests();
    const host = startHost();
    try {
      await waitFor(() => hostile.requests().length > 0, 15_000, "the create's request");
      const port = Number(/PORT (\d+)/.exec(host.output())![1]);
      const held = hostile.requests().length;
      const cancelledAt = Date.now();
      await cancelCall(port);
      await waitFor(() => host.output().includes("AFTER "), 3_000, "both creates to fail");
      expect(Date.now() - cancelledAt).toBeLessThan(3_000);
      expect(host.output()).toMatch(/FAILED CANCELLED .*was aborted because the run was cancelled/);
      expect(host.output()).toContain("outcome is unknown");
      expect(host.output()).toMatch(/AFTER CANCELLED .*was not sent/);
      expect(host.output()).not.toContain("RESOLVED");
      await new Promise((r) => setTimeout(r, 500));
      expect(hostile.requests()).toHaveLength(held);
      // The process serves the engine on: it answers another Cancel, and does not exit.
      await cancelCall(port);
      expect(host.child.exitCode).toBeNull();
      const exited = new Promise((r) => host.child.once("exit", (code) => r(code)));
      host.child.kill("SIGTERM");
      expect(await exited).toBe(143);
    } finally {
      if (host.child.exitCode === null) host.child.kill("SIGKILL");
    }
  }, 30_000);
});
