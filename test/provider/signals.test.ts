/**
 * SIGINT and SIGTERM stop the provider process promptly, even while a request trickles: every
 * operation in flight fails with CANCELLED (its outcome unknown, and the message says what to do)
 * and the process exits. Runs the built provider (`dist/`) in a child process, as the
 * dynamic-provider host does.
 */
import { ChildProcess, spawn } from "node:child_process";
import { HostileServer, startHostile } from "../helpers/hostile";
import { pictoryHooksSource } from "../helpers/provider-process";

let hostile: HostileServer;
beforeAll(async () => {
  hostile = await startHostile({ mode: { kind: "trickle", bytesPerSecond: 1 } });
});
afterAll(async () => {
  await hostile.stop();
});

/**
 * A provider process creating one connection against the trickling server, or with `idle` only
 * configured, as the dynamic-provider host is when the engine ends its run.
 */
function startProvider(idle = false): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ["-e", providerScript(idle)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += String(d)));
  child.stderr!.on("data", (d) => (out += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

function providerScript(idle: boolean): string {
  return `
    console.log("PID " + process.pid);
    ${pictoryHooksSource(`${hostile.url}/pictoryapis`)}
    if (${idle}) ready.then(() => h.check({}, {})).then(() => console.log("IDLE"));
    else ready
      .then(() => h.create({ name: "sig", awsAccountId: "123456789012", awsRegion: "us-east-2" }))
      .then(() => console.log("RESOLVED"), (e) => console.log("FAILED " + e.code + " " + e.message));
    setInterval(() => {}, 1000);
  `;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(predicate: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("signals", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "%s fails the trickling create with CANCELLED and ends the process within 3 s",
    async (signal) => {
      hostile.clearRequests();
      const p = startProvider();
      await waitFor(() => hostile.requests().length > 0, 10_000);
      // The POST is in flight, its body trickling: without the handler this waits ten minutes.
      const sentAt = Date.now();
      p.child.kill(signal);
      const code = await p.exited;
      expect(Date.now() - sentAt).toBeLessThan(3_000);
      expect(code).toBe(signal === "SIGINT" ? 130 : 143);
      expect(p.output()).toContain("FAILED CANCELLED");
      expect(p.output()).toContain("pulumi refresh");
      expect(p.output()).not.toContain("RESOLVED");
    },
    20_000,
  );

  // The engine signals every provider process when its run ends and waits for it to exit: an
  // idle one that sat out the grace period for requests in flight added that to every `pulumi`
  // command.
  it.each(["SIGTERM", "SIGINT"] as const)(
    "%s ends an idle provider process at once, without waiting for the grace period",
    async (signal) => {
      const p = startProvider(true);
      await waitFor(() => p.output().includes("IDLE"), 10_000);
      const sentAt = Date.now();
      p.child.kill(signal);
      const code = await p.exited;
      expect(Date.now() - sentAt).toBeLessThan(1_000);
      expect(code).toBe(signal === "SIGINT" ? 130 : 143);
    },
    20_000,
  );
});

// A `pulumi up` killed with SIGKILL never signals its providers. A parent process stands in for
// the CLI and is killed as the run would be; the CLI starts the host either directly or through
// its `pulumi-resource-pulumi-nodejs` shell script, which outlives the CLI.
test.each([
  ["directly", `spawn(process.execPath, ["-e", script], { stdio: "inherit" })`],
  [
    "through a shell script that outlives it",
    `spawn("sh", ["-c", '"' + process.execPath + '" -e "$SCRIPT"; true'], { stdio: "inherit", env: { ...process.env, SCRIPT: script } })`,
  ],
])(
  "a provider process started %s ends when the run is killed with SIGKILL, instead of waiting forever",
  async (_how, start) => {
    hostile.clearRequests();
    const cli = spawn(
      process.execPath,
      [
        "-e",
        `const { spawn } = require("node:child_process");
         const script = ${JSON.stringify(providerScript(false))};
         ${start};
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    cli.stdout!.on("data", (d) => (out += String(d)));
    await waitFor(() => /PID \d+/.test(out) && hostile.requests().length > 0, 10_000);
    const pid = Number(/PID (\d+)/.exec(out)![1]);
    cli.kill("SIGKILL");
    try {
      await waitFor(() => !alive(pid), 10_000);
    } finally {
      if (alive(pid)) process.kill(pid, "SIGKILL");
    }
    expect(alive(pid)).toBe(false);
  },
  30_000,
);
