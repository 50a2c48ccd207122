import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import * as path from "node:path";
import { fingerprint } from "../../emulator";
import {
  CREDENTIALS,
  emulatorState,
  engineProject,
  EngineProject,
  fleet,
  leaks,
  PulumiResult,
} from "./harness";

// `pulumi up` killed with SIGKILL while creates are in flight (a CI runner killed mid-job), then
// the recovery README.md documents, run command by command as a user would, with the CLI itself.
jest.setTimeout(600_000);

const N = Number(process.env.INTERRUPTED_TEST_CONNECTIONS ?? 60);
const UP = ["up", "--yes", "--skip-preview", "--non-interactive"];

const secretOf = (name: string, field: string) => `interrupted-${name}-${field}-5b8e`;

const FLEET = fleet(N, { prefix: "int", secret: secretOf });
const SECRETS = [...FLEET.flatMap((r) => Object.values(r.secrets ?? {})), ...CREDENTIALS];

/** The emulator's connections, keyed as the state's IDs are, with their versions. */
async function apiConnections(p: EngineProject): Promise<Map<string, unknown>> {
  const s = await emulatorState(p.emulator);
  const out = new Map<string, unknown>();
  for (const c of [...s.pictory.aws, ...s.pictory.vimeo])
    out.set(String(c.connectionId), c.version);
  for (const c of s.apinizer.demo ?? []) out.set(`demo/${String(c.name)}`, undefined);
  return out;
}

/** The connections in the stack's state, ID → version. */
function stateConnections(p: EngineProject): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const r of p.exportStack().resources as { type: string; id?: string; outputs?: never }[]) {
    if (!r.type.startsWith("pulumi-nodejs:dynamic/")) continue;
    out.set(String(r.id), (r.outputs as { version?: unknown } | undefined)?.version);
  }
  return out;
}

/** Every file under `dir`, as paths. */
function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile());
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `probe` holds, polling every 100 ms. */
async function until(what: string, probe: () => boolean, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

let p: EngineProject;
const outputs: string[] = [];
beforeAll(async () => {
  p = await engineProject("interrupted");
});
afterAll(async () => {
  await p?.close();
});
afterEach(() => {
  expect(
    leaks(
      {
        "CLI output": outputs.join("\n"),
        state: p.stateBytes(),
        "request log": JSON.stringify(p.emulator.requests()),
      },
      SECRETS,
    ),
  ).toEqual([]);
});

/** Runs the CLI and keeps its output for the secret scan. */
async function pulumi(args: string[], env?: Record<string, string>): Promise<PulumiResult> {
  const result = await p.runPulumi(args, env);
  outputs.push(result.output);
  return result;
}

test(`recovers from SIGKILL in the middle of creating ${N} connections: no duplicate, no orphan, no drift`, async () => {
  await p.setResources(FLEET);
  // Creates take a while, so that many are in flight when the job dies.
  p.emulator.setFaults({ latencyMs: 1500 });
  const posts = () => p.emulator.requests().filter((r) => r.method === "POST").length;

  const run = p.startPulumi(UP);
  const pgid = run.child.pid!;
  let exited = false;
  void run.done.then(() => (exited = true));
  await until("a quarter of the creates", () => exited || posts() >= Math.ceil(N / 4));
  expect(exited).toBe(false);
  // The CLI, language host, program and provider, as a CI runner kills a job.
  process.kill(-pgid, "SIGKILL");
  const killed = await run.done;
  outputs.push(killed.output);
  expect(killed.signal).toBe("SIGKILL");
  const postedAtKill = posts();
  expect(postedAtKill).toBeLessThan(N);
  await until("the process group to be gone", () => !groupAlive(pgid), 10_000);
  // Requests the API had received before the kill still complete on its side: wait until no
  // request has completed for longer than the latency.
  let count = -1;
  let changed = Date.now();
  await until(
    "the API to go quiet",
    () => {
      const now = p.emulator.requests().length;
      if (now !== count) [count, changed] = [now, Date.now()];
      return Date.now() - changed > 3000;
    },
    30_000,
  );
  p.emulator.setFaults({});

  // What the kill left: the dead run's lock and maybe a torn checkpoint write. The file backend
  // writes the checkpoint to a temporary file and renames it, but writes the `.attrs` file next
  // to it in place: a kill at that moment leaves it empty, and every command then fails.
  const backend = path.join(p.stateDir, "backend");
  const lockDir = path.join(backend, ".pulumi", "locks");
  const locks = () => files(lockDir).filter((f) => f.endsWith(".json"));
  expect(locks()).toHaveLength(1);
  const before = p.emulator.requests().length;
  let next = await pulumi(UP);
  const torn = files(backend).filter((f) => f.endsWith(".attrs") && statSync(f).size === 0);
  // An empty `<stack>.json.attrs` breaks loading the stack; an empty `.bak.attrs` does not.
  const tornCheckpoint = torn.some((f) => f.endsWith(".json.attrs"));
  expect(next.output.includes("failed to load checkpoint: EOF")).toBe(tornCheckpoint);
  if (tornCheckpoint) {
    // 0. Only then: delete the empty `.attrs` files; the checkpoint itself is the previous,
    //    complete one.
    for (const f of torn) rmSync(f);
    next = await pulumi(UP);
  }
  console.log(
    `killed after ${postedAtKill} of ${N} creates answered; empty .attrs files: ` +
      (torn.map((f) => path.basename(f)).join(", ") || "none"),
  );

  // 1. The next run is refused because of the dead run's lock; it sends no request.
  expect(next.code).not.toBe(0);
  expect(next.output).toContain("the stack is currently locked by 1 lock(s)");
  expect(next.output).toContain("pulumi cancel");
  expect(p.emulator.requests().length).toBe(before);

  // The state has the creates that were answered and saved; the others are pending operations,
  // and some of those the API did create (orphans).
  const pending = (p.exportStack().pending_operations ?? []) as { type: string }[];
  expect(pending.length).toBeGreaterThan(0);
  expect(pending.every((o) => o.type === "creating")).toBe(true);
  const api = await apiConnections(p);
  const inState = stateConnections(p);
  expect(api.size).toBeGreaterThan(0);
  expect(api.size).toBeLessThan(N);
  const orphans = [...api.keys()].filter((id) => !inState.has(id));
  expect(orphans.length).toBeGreaterThan(0);
  expect([...inState.keys()].every((id) => api.has(id))).toBe(true);

  // 2. `pulumi cancel` removes the lock (the file backend has no running update to stop).
  const cancel = await pulumi(["cancel", "--yes", "--non-interactive"]);
  expect(cancel.code).toBe(0);
  expect(locks()).toHaveLength(0);

  // 3. Refresh, dropping the pending creates: non-interactively a plain refresh keeps them, and
  //    `up` warns about them on every run from then on.
  const refresh = await pulumi([
    "refresh",
    "--clear-pending-creates",
    "--yes",
    "--skip-preview",
    "--non-interactive",
  ]);
  expect(refresh.code).toBe(0);
  expect(p.exportStack().pending_operations ?? []).toEqual([]);
  expect(stateConnections(p).size).toBe(inState.size);

  // 4. A plain `up` creates what is missing, but each orphan fails on its name, with the recovery.
  const conflicted = await pulumi([...UP, "--continue-on-error"]);
  expect(conflicted.code).not.toBe(0);
  expect(conflicted.output).toContain("already exists");
  expect(conflicted.output).toContain('connections:onNameConflict set to "adopt"');
  expect((await apiConnections(p)).size).toBe(N);

  // 5. `up` again, adopting the connections whose names exist: converges with no new POST that
  //    succeeds.
  p.takeRequests();
  const adopted = await pulumi(UP, { CONNECTIONS_ON_NAME_CONFLICT: "adopt" });
  expect(adopted.code).toBe(0);
  expect(adopted.output).not.toContain("pending operations");
  const requests = p.takeRequests();
  expect(requests.filter((r) => r.startsWith("POST") && r.endsWith(" 200"))).toEqual([]);
  // Each Pictory orphan meets its name on a POST (409); an Apinizer create looks its name up first
  // while the server's generation is unknown, so an Apinizer orphan may be found without a POST.
  const pictoryOrphans = orphans.filter((id) => !id.startsWith("demo/")).length;
  expect(requests.filter((r) => r.startsWith("POST pictory")).length).toBe(pictoryOrphans);
  expect(requests.filter((r) => r.startsWith("POST apinizer")).length).toBeLessThanOrEqual(
    orphans.length - pictoryOrphans,
  );

  // Exactly N connections, each in the state once with the API's version, nothing unmanaged.
  const finalApi = await apiConnections(p);
  const finalState = stateConnections(p);
  expect(finalApi.size).toBe(N);
  expect(finalState.size).toBe(N);
  const s = await emulatorState(p.emulator);
  const names = [...s.pictory.aws, ...s.pictory.vimeo, ...(s.apinizer.demo ?? [])].map((c) =>
    String(c.name).toLowerCase(),
  );
  expect(new Set(names).size).toBe(N);
  expect([...finalApi.keys()].sort()).toEqual([...finalState.keys()].sort());
  for (const [id, version] of finalApi) expect(finalState.get(id)).toBe(version);
  // Every connection holds the program's secrets, the adopted ones included (the emulator keeps
  // fingerprints of them).
  for (const c of s.pictory.vimeo) {
    const spec = FLEET.find((r) => r.args.name === c.name)!;
    expect(c).toMatchObject({
      clientSecret: fingerprint(spec.secrets!.clientSecret!),
      accessToken: fingerprint(spec.secrets!.accessToken!),
    });
  }
  for (const c of s.apinizer.demo ?? []) {
    const spec = FLEET.find((r) => r.args.name === c.name)!;
    expect(c).toMatchObject({ password: fingerprint(spec.secrets!.password!) });
  }

  // 6. Nothing left to do, drift included.
  const check = await pulumi([
    "preview",
    "--refresh",
    "--expect-no-changes",
    "--non-interactive",
    "--diff",
  ]);
  expect(check.output).not.toContain("pending operations");
  expect(check.code).toBe(0);
});

test("destroy removes every connection, the adopted ones included", async () => {
  const destroy = await pulumi(["destroy", "--yes", "--skip-preview", "--non-interactive"]);
  expect(destroy.code).toBe(0);
  expect((await apiConnections(p)).size).toBe(0);
});
