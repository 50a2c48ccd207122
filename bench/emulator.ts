/**
 * Emulator throughput: requests per second for get and update of Pictory Vimeo connections, so
 * later provider benchmarks can tell that the emulator is not their bottleneck.
 */
import { Pool } from "undici";
import { startEmulator } from "../emulator";

export interface EmulatorBenchResult {
  readonly getRps: number;
  readonly updateRps: number;
}

export interface EmulatorBenchOptions {
  /** Requests per measured operation. @default 5000 */
  readonly requests?: number;
  /** Requests in flight at once. @default 16 */
  readonly concurrency?: number;
}

const API_KEY = "pictai_emulator_key";
const VIMEO = "/pictoryapis/v1/vimeo-connections";

export async function benchEmulator(
  options: EmulatorBenchOptions = {},
): Promise<EmulatorBenchResult> {
  const total = options.requests ?? 5000;
  const concurrency = options.concurrency ?? 16;
  const emulator = await startEmulator();
  const pool = new Pool(emulator.url, { connections: concurrency, pipelining: 1 });
  try {
    const call = async (
      method: "GET" | "POST" | "PUT",
      path: string,
      body?: unknown,
    ): Promise<unknown> => {
      const response = await pool.request({
        method,
        path,
        headers: { authorization: API_KEY, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.body.text();
      if (response.statusCode !== 200) {
        throw new Error(`bench ${method} ${path} answered ${response.statusCode}: ${text}`);
      }
      return JSON.parse(text) as unknown;
    };
    // One connection per worker: concurrent PUTs on one connection would race on `version`.
    const ids: string[] = [];
    for (let w = 0; w < concurrency; w += 1) {
      const created = (await call("POST", VIMEO, {
        name: `bench-${w}`,
        clientIdentifier: "bench",
        clientSecret: "bench-secret",
        accessToken: "bench-token",
      })) as { connectionId: string };
      ids.push(created.connectionId);
    }
    // Warm up sockets and the JIT so the first measured operation is not penalised.
    await measure(Math.min(total, 1000), concurrency, async (w) => {
      await call("GET", `${VIMEO}/${ids[w]}`);
    });
    const getRps = await measure(total, concurrency, async (w) => {
      await call("GET", `${VIMEO}/${ids[w]}`);
    });
    const versions = ids.map(() => 1);
    const updateRps = await measure(total, concurrency, async (w) => {
      const version = versions[w] ?? 1;
      await call("PUT", `${VIMEO}/${ids[w]}`, { description: `v${version}`, version });
      versions[w] = version + 1;
    });
    return { getRps, updateRps };
  } finally {
    await pool.close();
    await emulator.stop();
  }
}

/** Runs `total` operations on `concurrency` workers; returns operations per second. */
async function measure(
  total: number,
  concurrency: number,
  operation: (worker: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < total) {
        next += 1;
        await operation(worker);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return Math.round(total / seconds);
}

if (require.main === module) {
  benchEmulator()
    .then(({ getRps, updateRps }) => {
      const rows = [
        ["operation", "requests/s"],
        ["GET vimeo connection", String(getRps)],
        ["PUT vimeo connection", String(updateRps)],
      ];
      for (const [name, value] of rows) {
        process.stdout.write(`${(name ?? "").padEnd(24)}${(value ?? "").padStart(12)}\n`);
      }
    })
    .catch((error: unknown) => {
      process.stderr.write(
        `bench failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    });
}
