import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import * as path from "node:path";
import {
  CREDENTIALS,
  emulatorState,
  expectSecretsApplied,
  engineProject,
  EngineProject,
  fleet,
  killSession,
  leaks,
  PulumiResult,
  ResourceSpec,
} from "./harness";

// `pulumi up` killed with SIGKILL while creates are in flight (a CI runner killed mid-job), then
// the recovery docs/guides/recovery.md documents, run command by command as a user would, with the CLI itself.
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

/**
 * Expects exactly the connections of `specs` in the API, no name twice, each in the state once
 * with the API's version, and each holding its secrets (the emulator keeps fingerprints of them).
 * Returns the API's connections.
 */
async function expectConverged(
  p: EngineProject,
  specs: readonly ResourceSpec[],
): Promise<Record<string, unknown>[]> {
  const finalApi = await apiConnections(p);
  const finalState = stateConnections(p);
  expect(finalApi.size).toBe(specs.length);
  expect(finalState.size).toBe(specs.length);
  const s = await emulatorState(p.emulator);
  const all = [...s.pictory.aws, ...s.pictory.vimeo, ...(s.apinizer.demo ?? [])];
  expect(new Set(all.map((c) => String(c.name).toLowerCase())).size).toBe(specs.length);
  expect([...finalApi.keys()].sort()).toEqual([...finalState.keys()].sort());
  for (const [id, version] of finalApi) expect(finalState.get(id)).toBe(version);
  expectSecretsApplied(s, specs);
  return all;
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

/**
 * Waits until no request has completed for 3 s, twice the latency the tests set: requests the API
 * had received before a kill still complete on its side.
 */
async function apiQuiet(p: EngineProject): Promise<void> {
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
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The engine project of the tests of one block (made before them, closed after them), with a
 * scan after each test: no secret of `secrets` in the CLI output, the state or the request log.
 */
function scannedProject(name: string, secrets: readonly string[]) {
  let project: EngineProject | undefined;
  const outputs: string[] = [];
  beforeAll(async () => {
    project = await engineProject(name);
  });
  afterAll(async () => {
    await project?.close();
  });
  afterEach(() => {
    const p = project!;
    expect(
      leaks(
        {
          "CLI output": outputs.join("\n"),
          state: p.stateBytes(),
          "request log": JSON.stringify(p.emulator.requests()),
        },
        secrets,
      ),
    ).toEqual([]);
  });
  return {
    get p(): EngineProject {
      return project!;
    },
    /** Runs the CLI to completion and keeps its output for the scan. */
    async run(args: string[], env?: Record<string, string>): Promise<PulumiResult> {
      const result = await project!.runPulumi(args, env);
      outputs.push(result.output);
      return result;
    },
    /** Keeps the output of a run started otherwise (startPulumi) for the scan. */
    keep(result: PulumiResult): void {
      outputs.push(result.output);
    },
  };
}

const main = scannedProject("interrupted", SECRETS);
const pulumi = main.run;

test(`recovers from SIGKILL in the middle of creating ${N} connections: no duplicate, no orphan, no drift`, async () => {
  const p = main.p;
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
  main.keep(killed);
  expect(killed.signal).toBe("SIGKILL");
  const postedAtKill = posts();
  expect(postedAtKill).toBeLessThan(N);
  await until("the process group to be gone", () => !groupAlive(pgid), 10_000);
  // Requests the API had received before the kill still complete on its side: wait until no
  // request has completed for longer than the latency.
  await apiQuiet(p);
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

  await expectConverged(p, FLEET);

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
  const p = main.p;
  const destroy = await pulumi(["destroy", "--yes", "--skip-preview", "--non-interactive"]);
  expect(destroy.code).toBe(0);
  expect((await apiConnections(p)).size).toBe(0);
});

// The same kill with PULUMI_SKIP_CHECKPOINTS=true, the fast path for large stacks: the engine
// then writes the checkpoint once, when the run ends, instead of after every step. A killed run
// writes none, so the state stays what the previous run left, whatever the killed run did in the
// API: its creates become connections the state does not know (all of them, not only those in
// flight), and its updates leave the state with the versions before them.
describe("with PULUMI_SKIP_CHECKPOINTS=true", () => {
  // Every command runs with the variable, as a CI job that sets it for the whole pipeline does.
  const FAST = { PULUMI_SKIP_CHECKPOINTS: "true" };
  const fastSecretOf = (name: string, field: string) => `fastpath-${name}-${field}-c41a`;
  // Half the fleet is deployed first; the killed run updates that half (a new description) and
  // creates the other half.
  const DEPLOYED = Math.floor(N / 2);
  const V1 = fleet(N, { prefix: "fast", description: "v1", secret: fastSecretOf }).slice(
    0,
    DEPLOYED,
  );
  const V2 = fleet(N, { prefix: "fast", description: "v2", secret: fastSecretOf });
  const FAST_SECRETS = [...V2.flatMap((r) => Object.values(r.secrets ?? {})), ...CREDENTIALS];

  const fastProject = scannedProject("interrupted-fast", FAST_SECRETS);
  const fast = (args: string[], env: Record<string, string> = {}): Promise<PulumiResult> =>
    fastProject.run(args, { ...FAST, ...env });

  /** Every file of the backend but the locks, path → SHA-256 of its bytes. */
  function backendFiles(q: EngineProject): Map<string, string> {
    const root = path.join(q.stateDir, "backend", ".pulumi");
    const out = new Map<string, string>();
    for (const f of files(root)) {
      if (path.relative(root, f).startsWith("locks")) continue;
      out.set(f, createHash("sha256").update(readFileSync(f)).digest("hex"));
    }
    return out;
  }

  test(`SIGKILL while updating ${DEPLOYED} and creating ${N - DEPLOYED} connections: the state keeps none of it; cancel, then up --refresh with adopt, converges`, async () => {
    const q = fastProject.p;
    // The first deployment, on the fast path: it writes the state once, at the end.
    await q.setResources(V1);
    const first = await fast(UP);
    expect(first.code).toBe(0);
    expect(stateConnections(q).size).toBe(DEPLOYED);
    const versionsBefore = stateConnections(q);

    await q.setResources(V2);
    const backendBefore = backendFiles(q);
    q.takeRequests();
    q.emulator.setFaults({ latencyMs: 1500 });
    // The killed run's requests: those logged from here on.
    const from = q.emulator.requests().length;
    const log = () => q.emulator.requests().slice(from);
    const posts = () => log().filter((r) => r.method === "POST" && r.status === 200).length;
    const pictoryPuts = () =>
      log().filter((r) => r.method === "PUT" && r.path.startsWith("/pictoryapis/")).length;
    const toCreate = N - DEPLOYED;

    const run = q.startPulumi(UP, FAST);
    const sid = run.child.pid!;
    let exited = false;
    void run.done.then(() => (exited = true));
    await until(
      "a quarter of the creates and a Pictory update",
      () => exited || (posts() >= Math.ceil(toCreate / 4) && pictoryPuts() >= 1),
    );
    expect(exited).toBe(false);
    // Every process of the run (CLI, language host, program, provider), as a lost runner dies.
    await killSession(sid);
    const killed = await run.done;
    fastProject.keep(killed);
    expect(killed.signal).toBe("SIGKILL");
    const createdAtKill = posts();
    expect(createdAtKill).toBeLessThan(toCreate);
    await apiQuiet(q);
    q.emulator.setFaults({});

    // What the kill left: the lock, and nothing else. Not one byte of the checkpoint, its
    // `.attrs`, backups or history changed, so no `.attrs` can be torn and no operation is
    // pending: the state is the first deployment's, as it was before the killed run.
    const backend = path.join(q.stateDir, "backend");
    const locks = () =>
      files(path.join(backend, ".pulumi", "locks")).filter((f) => f.endsWith(".json"));
    expect(locks()).toHaveLength(1);
    expect(backendFiles(q)).toEqual(backendBefore);
    expect(files(backend).filter((f) => f.endsWith(".attrs") && statSync(f).size === 0)).toEqual(
      [],
    );
    const deployment = q.exportStack();
    expect(deployment.pending_operations ?? []).toEqual([]);
    const inState = stateConnections(q);
    expect(inState).toEqual(versionsBefore);
    // In the API: every create the killed run sent that the API answered is an orphan, and the
    // Pictory updates it made moved versions past the state's.
    const api = await apiConnections(q);
    const orphans = [...api.keys()].filter((id) => !inState.has(id));
    expect(orphans.length).toBeGreaterThanOrEqual(createdAtKill);
    expect(orphans.length).toBeLessThan(toCreate);
    const stale = [...inState].filter(([id, v]) => v !== undefined && api.get(id) !== v);
    expect(stale.length).toBeGreaterThan(0);
    console.log(
      `fast path: killed after ${createdAtKill} of ${toCreate} creates and ${pictoryPuts()} Pictory ` +
        `updates answered; state unchanged (${inState.size} connections); orphans ${orphans.length}, ` +
        `stale versions ${stale.length}`,
    );

    // 1. Refused because of the dead run's lock, without a request; `pulumi cancel` removes it.
    const requestsBefore = log().length;
    const locked = await fast(UP);
    expect(locked.code).not.toBe(0);
    expect(locked.output).toContain("the stack is currently locked by 1 lock(s)");
    expect(log().length).toBe(requestsBefore);
    const cancel = await fast(["cancel", "--yes", "--non-interactive"]);
    expect(cancel.code).toBe(0);
    expect(locks()).toHaveLength(0);

    // 2. A plain `up` cannot recover: each orphan fails on its name, each connection the killed
    //    run updated on Pictory fails on its version (the state's is older than the API's);
    //    the rest (the creates never sent, the updates never made) go through.
    q.takeRequests();
    const plain = await fast([...UP, "--continue-on-error"]);
    expect(plain.code).not.toBe(0);
    expect(plain.output).toContain("already exists");
    expect(plain.output).toContain('connections:onNameConflict set to "adopt"');
    expect(plain.output).toContain("was changed outside this stack");
    const plainRequests = q.takeRequests();
    const conflicts = plainRequests.filter(
      (r) => r === "POST pictory-aws 409" || r === "POST pictory-vimeo 409",
    );
    expect(conflicts.length).toBe(orphans.filter((id) => !id.startsWith("demo/")).length);
    expect(
      plainRequests.filter((r) => r.startsWith("PUT pictory") && r.endsWith(" 409")).length,
    ).toBe(stale.length);
    expect((await apiConnections(q)).size).toBe(N);

    // 3. The recovery: refresh first (the versions and values the killed run left in the API),
    //    then create what is missing, adopting the names that exist. No new POST succeeds.
    const recovered = await fast([...UP, "--refresh"], { CONNECTIONS_ON_NAME_CONFLICT: "adopt" });
    expect(recovered.code).toBe(0);
    const requests = q.takeRequests();
    expect(requests.filter((r) => r.startsWith("POST") && r.endsWith(" 200"))).toEqual([]);
    expect(requests.filter((r) => r.startsWith("PUT") && r.endsWith(" 409"))).toEqual([]);

    const converged = await expectConverged(q, V2);
    // The program's description everywhere, the adopted connections included.
    for (const c of converged) expect(c.description).toBe("v2");

    // 4. Nothing left to do, drift included.
    const check = await fast([
      "preview",
      "--refresh",
      "--expect-no-changes",
      "--non-interactive",
      "--diff",
    ]);
    expect(check.code).toBe(0);
  });

  test("SIGKILL in the middle of destroy: the state keeps every connection; cancel, then destroy, removes them all", async () => {
    const q = fastProject.p;
    const from = q.emulator.requests().length;
    const deletes = () =>
      q.emulator
        .requests()
        .slice(from)
        .filter((r) => r.method === "DELETE").length;
    q.emulator.setFaults({ latencyMs: 1500 });
    const run = q.startPulumi(["destroy", "--yes", "--skip-preview", "--non-interactive"], FAST);
    let exited = false;
    void run.done.then(() => (exited = true));
    await until("a quarter of the deletes", () => exited || deletes() >= Math.ceil(N / 4));
    expect(exited).toBe(false);
    await killSession(run.child.pid!);
    const killed = await run.done;
    fastProject.keep(killed);
    expect(killed.signal).toBe("SIGKILL");
    await apiQuiet(q);
    q.emulator.setFaults({});
    // The state still lists all N, some of them gone from the API.
    const left = (await apiConnections(q)).size;
    expect(left).toBeLessThan(N);
    expect(left).toBeGreaterThan(0);
    expect(stateConnections(q).size).toBe(N);
    expect((q.exportStack().pending_operations ?? []) as unknown[]).toEqual([]);
    console.log(`fast path: destroy killed after ${N - left} of ${N} deletes`);

    expect((await fast(["cancel", "--yes", "--non-interactive"])).code).toBe(0);
    // A delete of a connection that is already gone succeeds (404 is "deleted"), so destroy
    // simply runs again.
    const destroy = await fast(["destroy", "--yes", "--skip-preview", "--non-interactive"]);
    expect(destroy.code).toBe(0);
    expect((await apiConnections(q)).size).toBe(0);
    expect(q.exportStack().resources ?? []).toEqual([]);
  });
});
