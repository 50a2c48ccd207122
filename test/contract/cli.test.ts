/**
 * The emulator CLI (`node dist/emulator/cli.js`): readiness line, flags, persistence and clean
 * shutdown on SIGINT/SIGTERM. The CLI is compiled from the current sources into
 * node_modules/.cache so the test never runs a stale build.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client, obj } from "./harness";

const ROOT = resolve(__dirname, "../..");
const OUT = join(ROOT, "node_modules", ".cache", "pulumi-connections-emulator-cli");
const CLI = join(OUT, "cli.js");

beforeAll(() => {
  execFileSync(
    process.execPath,
    [
      join(ROOT, "node_modules", "typescript", "bin", "tsc"),
      "--outDir",
      OUT,
      "--rootDir",
      join(ROOT, "emulator"),
      "--module",
      "commonjs",
      "--target",
      "ES2022",
      "--lib",
      "ES2023",
      "--types",
      "node",
      "--strict",
      "--esModuleInterop",
      "--skipLibCheck",
      join(ROOT, "emulator", "cli.ts"),
    ],
    { cwd: ROOT, stdio: "pipe" },
  );
}, 120_000);

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

interface Cli {
  readonly child: ChildProcessWithoutNullStreams;
  readonly firstLine: string;
  readonly url: string;
  exit(): Promise<number | null>;
}

const running = new Set<ChildProcessWithoutNullStreams>();
afterEach(() => {
  for (const child of running) {
    child.kill("SIGKILL");
  }
  running.clear();
});

async function startCli(args: string[]): Promise<Cli> {
  const child = spawn(process.execPath, [CLI, "--quiet", ...args], { cwd: ROOT });
  running.add(child);
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  const firstLine = await new Promise<string>((done, fail) => {
    let buffer = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      const newline = buffer.indexOf("\n");
      if (newline >= 0) {
        done(buffer.slice(0, newline));
      }
    });
    child.once("exit", (code) =>
      fail(new Error(`cli exited with ${String(code)} before it was ready`)),
    );
  });
  const url = firstLine.replace(/^emulator listening on /, "");
  return {
    child,
    firstLine,
    url,
    exit: async () => {
      const code = await exited;
      running.delete(child);
      return code;
    },
  };
}

describe("emulator CLI", () => {
  it("prints exactly 'emulator listening on http://127.0.0.1:<port>' and stops on SIGTERM", async () => {
    const port = await freePort();
    const cli = await startCli(["--port", String(port)]);
    expect(cli.firstLine).toBe(`emulator listening on http://127.0.0.1:${port}`);
    expect((await new Client(cli.url).get("/apiops/test/healthcheck")).text).toBe("OK");
    cli.child.kill("SIGTERM");
    expect(await cli.exit()).toBe(0);
  });

  it("stops cleanly on SIGINT", async () => {
    const cli = await startCli(["--port", "0"]);
    cli.child.kill("SIGINT");
    expect(await cli.exit()).toBe(0);
  });

  it("honours --pictory-api-key, --apinizer-token, repeated --project and --apinizer-envelope v2", async () => {
    const cli = await startCli([
      "--port",
      "0",
      "--pictory-api-key",
      "pictai_cli",
      "--apinizer-token",
      "cli_token",
      "--project",
      "alpha",
      "--project",
      "beta",
      "--apinizer-envelope",
      "v2",
    ]);
    const pictory = new Client(`${cli.url}/pictoryapis`, { authorization: "pictai_cli" });
    expect((await pictory.get("/v1/vimeo-connections")).status).toBe(200);
    expect(
      (
        await pictory.get("/v1/vimeo-connections", {
          headers: { authorization: "pictai_emulator_key" },
        })
      ).status,
    ).toBe(401);
    const apinizer = new Client(cli.url, { authorization: "Bearer cli_token" });
    const projects = obj(await apinizer.get("/apiops/projects/"));
    expect((projects.resultList as { name: string }[]).map((p) => p.name)).toEqual(
      expect.arrayContaining(["alpha", "beta"]),
    );
    const missing = await apinizer.get("/apiops/projects/demo/connections/?type=email");
    expect(missing.status).toBe(400);
    expect(obj(missing).status).toBe("FAILURE");
  });

  it("sets faults from --latency, --rate-429, --rate-5xx, --drop-rate and --rate-limit", async () => {
    const cli = await startCli([
      "--port",
      "0",
      "--latency",
      "5",
      "--rate-429",
      "1",
      "--rate-5xx",
      "0.5",
      "--drop-rate",
      "0",
      "--rate-limit",
      "100",
    ]);
    const faults = obj(await new Client(cli.url).get("/_emulator/faults"));
    expect(faults).toEqual({
      latencyMs: 5,
      rate429: 1,
      rate5xx: 0.5,
      dropRate: 0,
      rateLimitPerSecond: 100,
    });
    expect((await new Client(cli.url).get("/apiops/projects/")).status).toBe(429);
  });

  it("seeds keystores from repeated --apinizer-keystore and unpages lists with --pictory-unpaged", async () => {
    const cli = await startCli([
      "--port",
      "0",
      "--project",
      "alpha",
      "--apinizer-keystore",
      "alpha:kafka-ks",
      "--apinizer-keystore",
      "default:other:ks",
      "--pictory-unpaged",
      "aws",
    ]);
    const admin = new Client(`${cli.url}/_emulator`);
    const names = async (project: string): Promise<string[]> =>
      (obj(await admin.get(`/apinizer-keystores/${project}`)).keystores as { name: string }[]).map(
        (k) => k.name,
      );
    expect(await names("alpha")).toEqual(["kafka-ks"]);
    // Split at the first colon: the keystore name may hold one.
    expect(await names("default")).toEqual(["other:ks"]);
    expect(obj(await admin.get("/info")).pictoryListsWithoutPageKey).toEqual(["aws"]);
  });

  it("keeps state across restarts with --data", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pcx-cli-"));
    try {
      const dataFile = join(dir, "state.json");
      const first = await startCli(["--port", "0", "--data", dataFile]);
      const body = { name: "persisted", awsAccountId: "123456789012", awsRegion: "us-east-1" };
      const pictory = (url: string): Client =>
        new Client(`${url}/pictoryapis`, { authorization: "pictai_emulator_key" });
      expect((await pictory(first.url).post("/v1/awsconnections", body)).status).toBe(200);
      first.child.kill("SIGTERM");
      await first.exit();
      const second = await startCli(["--port", "0", "--data", dataFile]);
      const items = obj(await pictory(second.url).get("/v1/awsconnections")).Items as {
        name: string;
      }[];
      expect(items.map((i) => i.name)).toEqual(["persisted"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [["--apinizer-envelope", "v3"]],
    [["--rate-429", "2"]],
    [["--port", "abc"]],
    [["--no-such-flag"]],
    [["--apinizer-keystore", "no-colon"]],
    [["--apinizer-keystore", "elsewhere:ks"]],
    [["--apinizer-keystore", "demo:"]],
    [["--pictory-unpaged", "youtube"]],
  ])("rejects bad arguments %j with exit code 2 and the usage text", (args) => {
    let status: number | null = null;
    let stderr = "";
    try {
      execFileSync(process.execPath, [CLI, ...args], { stdio: "pipe" });
    } catch (error) {
      const failure = error as { status: number | null; stderr: Buffer };
      status = failure.status;
      stderr = failure.stderr.toString("utf8");
    }
    expect(status).not.toBe(0);
    expect(stderr).toMatch(/usage/);
  });
});

/** Whether something accepts connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

describe("npm run emulator", () => {
  // The package's own script, run by npm, in a folder whose dist/emulator is the fresh build.
  let dir: string;
  const groups = new Set<number>();
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "pcx-npm-emulator-"));
    const { scripts } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        name: "npm-emulator",
        private: true,
        scripts: { emulator: scripts.emulator },
      }),
    );
    mkdirSync(join(dir, "dist"));
    symlinkSync(OUT, join(dir, "dist", "emulator"));
  });
  afterEach(() => {
    // npm, its shell and the emulator share a process group: nothing outlives a failed test.
    for (const group of groups) {
      try {
        process.kill(-group, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    groups.clear();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(["SIGTERM", "SIGINT", "SIGKILL"] as const)(
    "stops serving when the npm process gets %s",
    async (signal) => {
      const port = await freePort();
      const npm = spawn("npm", ["run", "emulator", "--", "--port", String(port), "--quiet"], {
        cwd: dir,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      groups.add(npm.pid!);
      await new Promise<void>((done, fail) => {
        let out = "";
        npm.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString("utf8");
          if (out.includes(`emulator listening on http://127.0.0.1:${port}\n`)) done();
        });
        npm.once("exit", (code) => fail(new Error(`npm exited (${String(code)}): ${out}`)));
      });
      expect(await listening(port)).toBe(true);
      npm.kill(signal);
      const deadline = Date.now() + 10_000;
      while ((await listening(port)) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(await listening(port)).toBe(false);
    },
    30_000,
  );
});
