import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ensurePulumi, localEnv } from "../../scripts/workspace";
import { RunningPostgres, startPostgres } from "../helpers/postgres";
import {
  adminEdit,
  CREDENTIALS,
  emulatorState,
  expectSecretsApplied,
  engineProjectOn,
  EngineProject,
  fleet,
  killSession,
  leaks,
  PulumiProcess,
  PulumiResult,
  ResourceSpec,
  sessionProcesses,
} from "./harness";

// Pulumi's PostgreSQL state backend (`postgres://`, pkg/backend/diy/postgres in the CLI), as a
// team shares it between CI runners: a real PostgreSQL 15 server started by this file, the CLI
// run as a user or a runner runs it. The quickstart flow; two runners racing one stack; a runner
// killed mid-`up` and the recovery of docs/guides/recovery.md. Every CLI run gets GOMAXPROCS=8: the backend opens
// 2 x GOMAXPROCS connections, and on 2 cores listing stacks can use them all and hang.
jest.setTimeout(600_000);

const DATABASE = "pcx_state";
const UP = ["up", "--yes", "--skip-preview", "--non-interactive"];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let pg: RunningPostgres;
/** The backend environment of every run: the password in PGPASSWORD, not in the URL (see below). */
let backend: { backendUrl: string; env: Record<string, string> };
const projects: EngineProject[] = [];
/** Sessions of background CLI runs not finished yet: none may outlive the file, even on failure. */
const running = new Set<number>();
function track(run: PulumiProcess): number {
  const sid = run.child.pid!;
  running.add(sid);
  void run.done.then(() => running.delete(sid));
  return sid;
}
const outputs: string[] = [];
const secrets: string[] = [...CREDENTIALS];

beforeAll(async () => {
  pg = await startPostgres(DATABASE);
  backend = { backendUrl: pg.bareUrl, env: { GOMAXPROCS: "8", PGPASSWORD: pg.password } };
  secrets.push(pg.password);
});
afterAll(async () => {
  for (const sid of running) await killSession(sid);
  for (const p of projects) await p.close();
  await pg?.stop();
});

/** Everything the database holds: the raw rows as psql prints them, and each blob decoded. */
function databaseBytes(): string {
  const raw = pg.psql("SELECT key, data::text FROM pulumi_state ORDER BY key");
  return [raw, ...pg.stateRows().map((r) => `${r.key}\n${r.bytes.toString("latin1")}`)].join("\n");
}

function tree(dir: string): string {
  if (!existsSync(dir)) return "";
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => readFileSync(f, "latin1"))
    .join("\n");
}

afterEach(() => {
  // The state tables hold only `pulumi_state`, the backend's default (?table= changes it).
  expect(
    pg.psql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"),
  ).toBe("pulumi_state\n");
  const haystacks: Record<string, string> = {
    "CLI output": outputs.join("\n"),
    "state table": databaseBytes(),
  };
  for (const p of projects) {
    haystacks[`request log of ${path.basename(p.dir)}`] = JSON.stringify(p.emulator.requests());
    // PULUMI_HOME (workspace files, logs) and the project (stack config: ciphertexts only).
    haystacks[`files of ${path.basename(p.dir)}`] =
      tree(p.stateDir) + readFileSync(path.join(p.dir, "Pulumi.test.yaml"), "latin1");
  }
  expect(leaks(haystacks, secrets)).toEqual([]);
});

async function project(name: string, copyOf?: EngineProject): Promise<EngineProject> {
  const p = await engineProjectOn(name, { ...backend, stateBytes: databaseBytes, copyOf });
  projects.push(p);
  return p;
}

/** Runs the CLI to completion and keeps its output for the secret scan. */
async function pulumi(
  p: EngineProject,
  args: string[],
  env?: Record<string, string>,
): Promise<PulumiResult> {
  const result = await p.runPulumi(args, env);
  outputs.push(result.output);
  return result;
}

function expectExit(result: PulumiResult, code: number): void {
  if (result.code !== code)
    throw new Error(`expected exit ${code}, got ${result.code}:\n${result.output}`);
}

/** Keys of the state table under `<database>/.pulumi/<what>/` of one project. */
function keys(what: string, projectName: string): string[] {
  return pg
    .stateRows()
    .map((r) => r.key)
    .filter((k) => k.startsWith(`${DATABASE}/.pulumi/${what}/`) && k.includes(`/${projectName}/`));
}

/** The diy backend's lock message, as the CLI prints it for this database (password masked). */
function lockMessage(projectName: string): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(
    esc(
      "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) " +
        "to end or delete the lock file with `pulumi cancel`.\n" +
        `  postgres://****:****@127.0.0.1:${pg.port}/${DATABASE}/.pulumi/locks/organization/${projectName}/test/`,
    ) +
      "[0-9a-f-]{36}\\.json\\?sslmode=disable: created by [^@\\s]+@[^\\s]+ \\(pid (\\d+)\\) at " +
      "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ",
  );
}

type Exported = ReturnType<EngineProject["exportStack"]>;

/** The connections in a stack export, ID → version. */
function stateConnections(exported: Exported): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const r of (exported.resources ?? []) as { type: string; id?: string; outputs?: never }[]) {
    if (!r.type.startsWith("pulumi-nodejs:dynamic/")) continue;
    out.set(String(r.id), (r.outputs as { version?: unknown } | undefined)?.version);
  }
  return out;
}

/** The emulator's connections keyed as the state's IDs are, with their versions, and their names. */
async function apiConnections(
  p: EngineProject,
): Promise<{ byId: Map<string, unknown>; names: string[] }> {
  const s = await emulatorState(p.emulator);
  const byId = new Map<string, unknown>();
  for (const c of [...s.pictory.aws, ...s.pictory.vimeo])
    byId.set(String(c.connectionId), c.version);
  for (const c of s.apinizer.demo ?? []) byId.set(`demo/${String(c.name)}`, undefined);
  const names = [...s.pictory.aws, ...s.pictory.vimeo, ...(s.apinizer.demo ?? [])].map((c) =>
    String(c.name).toLowerCase(),
  );
  return { byId, names };
}

/** State and API agree: `n` connections, each once in both, with the API's version. */
async function expectConverged(p: EngineProject, n: number): Promise<void> {
  const exported = p.exportStack();
  expect(exported.pending_operations ?? []).toEqual([]);
  const inState = stateConnections(exported);
  const api = await apiConnections(p);
  expect(api.names).toHaveLength(n);
  expect(new Set(api.names).size).toBe(n);
  expect(inState.size).toBe(n);
  expect([...api.byId.keys()].sort()).toEqual([...inState.keys()].sort());
  for (const [id, version] of api.byId) expect(inState.get(id)).toBe(version);
}

describe("the quickstart flow on a PostgreSQL backend", () => {
  const VIMEO_SECRET = "pg-vimeo-client-secret-71c2";
  const VIMEO_TOKEN = "pg-vimeo-access-token-0d9a";
  const SMTP_PASSWORD = "pg-smtp-password-e35f";
  secrets.push(VIMEO_SECRET, VIMEO_TOKEN, SMTP_PASSWORD);
  const RESOURCES: ResourceSpec[] = [
    {
      kind: "aws",
      name: "media",
      args: {
        name: "pg-media",
        awsAccountId: "123456789012",
        awsRegion: "us-east-2",
        description: "raw",
      },
    },
    {
      kind: "vimeo",
      name: "marketing",
      args: { name: "pg-marketing", clientIdentifier: "cid" },
      secrets: { clientSecret: VIMEO_SECRET, accessToken: VIMEO_TOKEN },
    },
    {
      kind: "apinizer",
      name: "alerts",
      args: {
        projectName: "demo",
        name: "pg-alerts",
        type: "email",
        host: "smtp.example.com",
        auth: true,
        username: "bot",
      },
      secrets: { password: SMTP_PASSWORD },
    },
    {
      kind: "apinizer",
      name: "hooks",
      args: {
        projectName: "demo",
        name: "pg-hooks",
        type: "webhook",
        fullUrl: "https://hooks.example.com/x",
      },
    },
  ];
  let p: EngineProject;

  test("up creates the connections; the state is rows of the database; a second preview sends nothing", async () => {
    p = await project("pg-flow");
    await p.setResources(RESOURCES);
    expectExit(await pulumi(p, UP), 0);
    // One POST per connection (and, before an Apinizer create, maybe a lookup of its name).
    expect(
      p
        .takeRequests()
        .filter((r) => r !== "GET apinizer 404")
        .sort(),
    ).toEqual([
      "POST apinizer 200",
      "POST apinizer 200",
      "POST pictory-aws 200",
      "POST pictory-vimeo 200",
    ]);
    // The checkpoint is one row, keyed by the bucket layout under the database's name.
    const checkpoint = pg
      .stateRows()
      .find((r) => r.key === `${DATABASE}/.pulumi/stacks/pg-flow/test.json`);
    expect(checkpoint).toBeDefined();
    const resources = JSON.parse(checkpoint!.bytes.toString("utf8")).checkpoint.latest
      .resources as {
      type: string;
    }[];
    expect(resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"))).toHaveLength(4);
    // No stack lock survives a finished run.
    expect(keys("locks", "pg-flow")).toEqual([]);

    const preview = await pulumi(p, ["preview", "--non-interactive", "--expect-no-changes"]);
    expectExit(preview, 0);
    expect(p.takeRequests()).toEqual([]);
  });

  test("an out-of-band edit: refresh --preview-only shows it, the drift check fails, up --refresh converges", async () => {
    const media = (await emulatorState(p.emulator)).pictory.aws[0]!;
    await adminEdit(p.emulator, `pictory/aws/${String(media.connectionId)}`, {
      description: "dashboard edit",
    });
    const before = pg.stateRows().find((r) => r.key.endsWith("/stacks/pg-flow/test.json"))!;

    const refresh = await pulumi(p, ["refresh", "--preview-only", "--non-interactive", "--diff"]);
    expectExit(refresh, 0);
    expect(refresh.output).toMatch(/~ description\s*: "raw" => "dashboard edit"/);
    // A preview writes nothing.
    const after = pg.stateRows().find((r) => r.key.endsWith("/stacks/pg-flow/test.json"))!;
    expect(after.bytes.equals(before.bytes)).toBe(true);

    const check = await pulumi(p, [
      "preview",
      "--refresh",
      "--expect-no-changes",
      "--non-interactive",
    ]);
    expect(check.code).not.toBe(0);
    expect(check.output).toContain(
      "error: no changes were expected for preview but changes were proposed",
    );

    expectExit(
      await pulumi(p, ["up", "--refresh", "--yes", "--skip-preview", "--non-interactive"]),
      0,
    );
    expect((await emulatorState(p.emulator)).pictory.aws[0]).toMatchObject({
      description: "raw",
      version: 3,
    });
    expectExit(
      await pulumi(p, ["preview", "--refresh", "--expect-no-changes", "--non-interactive"]),
      0,
    );
    await expectConverged(p, 4);
  });

  test("destroy deletes every connection", async () => {
    expectExit(await pulumi(p, ["destroy", "--yes", "--skip-preview", "--non-interactive"]), 0);
    expect((await apiConnections(p)).names).toEqual([]);
    expect(stateConnections(p.exportStack()).size).toBe(0);
  });

  test("the password belongs in PGPASSWORD: in the URL, the CLI prints it and stores it under PULUMI_HOME", () => {
    // What these runs print and store is checked here, not by the scan (it is the point).
    const home = mkdtempSync(path.join(tmpdir(), "pcx-pg-home-"));
    const cli = (args: string[], url: string, extra: Record<string, string> = {}) => {
      const env = {
        ...process.env,
        ...localEnv(p.stateDir, { GOMAXPROCS: "8", PULUMI_HOME: home, ...extra }),
      } as Record<string, string | undefined>;
      delete env.PULUMI_BACKEND_URL;
      if (!args.includes("login")) env.PULUMI_BACKEND_URL = url;
      try {
        return execFileSync(path.join(ensurePulumi(), "pulumi"), [...args, "--non-interactive"], {
          cwd: p.dir,
          env,
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        });
      } catch (e) {
        const err = e as { stdout: string; stderr: string };
        return `${err.stdout}${err.stderr}`;
      }
    };
    const unreachable = (url: string) => url.replace(`:${pg.port}/`, ":1/");
    try {
      // `pulumi login URL` prints the URL and keeps it in credentials.json; selecting a stack
      // keeps it in workspaces/; failing to connect prints it.
      expect(cli(["login", pg.url], pg.url)).toContain(`Logged in to `);
      expect(cli(["stack", "select", "test"], pg.url)).toBe("");
      expect(cli(["stack", "select", "test"], unreachable(pg.url))).toContain(
        `error: unable to open state database "${unreachable(pg.url)}": failed to ping PostgreSQL: dial tcp 127.0.0.1:1: connect: connection refused`,
      );
      const stored = tree(home);
      expect(stored).toContain(`"current": "${pg.url}"`);
      expect(stored).toContain(`"${pg.url}": "organization/pg-flow/test"`);
      const printed = cli(["login", pg.url], pg.url);
      expect(printed).toContain(pg.password);

      // With the password in PGPASSWORD, none of them holds it.
      rmSync(home, { recursive: true, force: true });
      const withEnv = { PGPASSWORD: pg.password };
      const out = [
        cli(["login", pg.bareUrl], pg.bareUrl, withEnv),
        cli(["stack", "select", "test"], pg.bareUrl, withEnv),
        cli(["stack", "select", "test"], unreachable(pg.bareUrl), withEnv),
      ].join("\n");
      expect(out).toContain(`unable to open state database "${unreachable(pg.bareUrl)}"`);
      expect(tree(home)).toContain(`"current": "${pg.bareUrl}"`);
      expect(out + tree(home)).not.toContain(pg.password);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe("two runners start `pulumi up` of one stack together", () => {
  const N = 6;
  const secretOf = (name: string, field: string) => `pg-race-${name}-${field}-a41f`;
  const FLEET = fleet(N, { prefix: "race", secret: secretOf });
  secrets.push(...FLEET.flatMap((r) => Object.values(r.secrets ?? {})));
  let first: EngineProject;
  let second: EngineProject;
  let loser: EngineProject;

  test("exactly one runs, the other fails on the lock naming it; no connection is created twice", async () => {
    first = await project("pg-race");
    await first.setResources(FLEET);
    // A second checkout of the same repository: same program, stack config and passphrase.
    second = await project("pg-race", first);
    // Creates take a while, so the winner holds the lock while the loser asks for it.
    first.emulator.setFaults({ latencyMs: 1500 });

    const lock = lockMessage("pg-race");
    let winner: EngineProject | undefined;
    for (let attempt = 1; attempt <= 3 && !winner; attempt++) {
      const runs: [EngineProject, PulumiProcess][] = [
        [first, first.startPulumi(UP)],
        [second, second.startPulumi(UP)],
      ];
      for (const [, run] of runs) track(run);
      const results = await Promise.all(runs.map(([, run]) => run.done));
      outputs.push(...results.map((r) => r.output));
      // Never both: each runner writes its lock and then looks again for any other.
      expect(results.filter((r) => r.code === 0).length).toBeLessThanOrEqual(1);
      for (const [i, result] of results.entries()) {
        if (result.code === 0) continue;
        expect(result.code).toBe(1);
        const match = lock.exec(result.output);
        if (!match) throw new Error(`not the lock message:\n${result.output}`);
        // The lock it names is the other runner's.
        expect(Number(match[1])).toBe(runs[1 - i]![1].child.pid);
      }
      const ok = results.findIndex((r) => r.code === 0);
      if (ok >= 0) {
        winner = runs[ok]![0];
        console.log(`attempt ${attempt}: ${path.basename(winner.dir)} ran, the other hit the lock`);
      } else {
        // Both wrote their lock before either looked again: both back off. Nothing ran.
        console.log(`attempt ${attempt}: both runners hit the lock (both locks written at once)`);
        expect(first.emulator.requests().filter((r) => r.method === "POST")).toEqual([]);
      }
    }
    expect(winner).toBeDefined();
    loser = winner === first ? second : first;
    first.emulator.setFaults({});
    expect(keys("locks", "pg-race")).toEqual([]);
    await expectConverged(first, N);
    // Both checkouts read the one state.
    expect(JSON.stringify(second.exportStack().resources)).toBe(
      JSON.stringify(first.exportStack().resources),
    );
  });

  test("the loser's retry finds nothing to do and creates nothing", async () => {
    first.takeRequests();
    expectExit(
      await pulumi(loser, ["preview", "--refresh", "--expect-no-changes", "--non-interactive"]),
      0,
    );
    const retry = await pulumi(loser, UP);
    expectExit(retry, 0);
    expect(retry.output).toContain(`${N + 1} unchanged`);
    expect(first.takeRequests().filter((r) => !r.startsWith("GET"))).toEqual([]);
    await expectConverged(first, N);
  });
});

describe("a runner killed mid-`up`, and the recovery, on a PostgreSQL backend", () => {
  const N = Number(process.env.POSTGRES_KILL_TEST_CONNECTIONS ?? 24);
  const secretOf = (name: string, field: string) => `pg-kill-${name}-${field}-93be`;
  const FLEET = fleet(N, { prefix: "pgkill", secret: secretOf });
  secrets.push(...FLEET.flatMap((r) => Object.values(r.secrets ?? {})));
  let p: EngineProject;

  async function until(what: string, probe: () => boolean, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!probe()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  }

  test(`SIGKILL while creating ${N} connections, then cancel, clear pending creates, adopt: exactly ${N}, no duplicate`, async () => {
    p = await project("pg-kill");
    await p.setResources(FLEET);
    p.emulator.setFaults({ latencyMs: 1500 });
    const posts = () => p.emulator.requests().filter((r) => r.method === "POST").length;

    // Four requests in flight per API, so that the kill leaves creates never sent as well.
    const run = p.startPulumi(UP, { CONNECTIONS_MAX_IN_FLIGHT: "4" });
    const sid = track(run);
    let exited = false;
    void run.done.then(() => (exited = true));
    await until("a quarter of the creates", () => exited || posts() >= Math.ceil(N / 4));
    expect(exited).toBe(false);
    // The CLI, language host, program and provider: a lost runner takes all of them with it.
    await killSession(sid);
    const killed = await run.done;
    outputs.push(killed.output);
    expect(killed.signal).toBe("SIGKILL");
    expect(sessionProcesses(sid)).toEqual([]);
    // Requests the API had received still complete on its side: wait until it is quiet.
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

    // What the kill left: the dead run's lock, one row. No `.attrs` rows: this backend keeps no
    // attributes beside a blob, and writes each blob with one INSERT ... ON CONFLICT UPDATE, so a
    // kill cannot leave a torn checkpoint (the file backend's `failed to load checkpoint: EOF`).
    expect(keys("locks", "pg-kill")).toHaveLength(1);
    const rows = pg.stateRows();
    expect(rows.filter((r) => r.key.endsWith(".attrs"))).toEqual([]);
    for (const r of rows.filter((r) => r.key.includes("/pg-kill/") && r.key.endsWith(".json")))
      expect(() => JSON.parse(r.bytes.toString("utf8"))).not.toThrow();

    // 1. The next run is refused on the dead run's lock, naming its pid, and sends nothing.
    const before = p.emulator.requests().length;
    const next = await pulumi(p, UP);
    expectExit(next, 1);
    const match = lockMessage("pg-kill").exec(next.output);
    if (!match) throw new Error(`not the lock message:\n${next.output}`);
    expect(Number(match[1])).toBe(sid);
    expect(next.output).not.toContain("failed to load checkpoint");
    expect(p.emulator.requests().length).toBe(before);
    // Read-only commands take no lock: a refresh preview (the drift job) still runs, and leaves it.
    expectExit(await pulumi(p, ["refresh", "--preview-only", "--non-interactive"]), 0);
    expect(keys("locks", "pg-kill")).toHaveLength(1);

    // The answered creates are in the state; the others are pending, and the API made some (orphans).
    const exported = p.exportStack();
    const pending = (exported.pending_operations ?? []) as { type: string }[];
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((o) => o.type === "creating")).toBe(true);
    const inState = stateConnections(exported);
    const api = await apiConnections(p);
    const orphans = [...api.byId.keys()].filter((id) => !inState.has(id));
    expect(orphans.length).toBeGreaterThan(0);
    expect(api.byId.size).toBeLessThan(N);
    expect([...inState.keys()].every((id) => api.byId.has(id))).toBe(true);
    console.log(
      `killed with ${inState.size} connections in state, ${orphans.length} orphans, ${pending.length} pending creates`,
    );

    // 2. `pulumi cancel` deletes the lock row.
    expectExit(await pulumi(p, ["cancel", "--yes", "--non-interactive"]), 0);
    expect(keys("locks", "pg-kill")).toEqual([]);

    // 3. Refresh, dropping the pending creates.
    expectExit(
      await pulumi(p, [
        "refresh",
        "--clear-pending-creates",
        "--yes",
        "--skip-preview",
        "--non-interactive",
      ]),
      0,
    );
    expect(p.exportStack().pending_operations ?? []).toEqual([]);

    // 4. `up` adopting the names that exist: the orphans are taken over, the rest created once.
    p.takeRequests();
    const adopted = await pulumi(p, UP, { CONNECTIONS_ON_NAME_CONFLICT: "adopt" });
    expectExit(adopted, 0);
    expect(adopted.output).not.toContain("pending operations");
    const postsMade = p.takeRequests().filter((r) => r.startsWith("POST"));
    // Only what the API did not have is created.
    expect(postsMade.filter((r) => r.endsWith(" 200"))).toHaveLength(N - api.byId.size);

    await expectConverged(p, N);
    const s = await emulatorState(p.emulator);
    expectSecretsApplied(s, FLEET);

    // 5. The drift check: state and API agree.
    const check = await pulumi(p, [
      "preview",
      "--refresh",
      "--expect-no-changes",
      "--non-interactive",
    ]);
    expectExit(check, 0);
    expect(check.output).not.toContain("pending operations");
    expect(keys("locks", "pg-kill")).toEqual([]);
  });

  test("destroy removes every connection, the adopted ones included", async () => {
    expectExit(await pulumi(p, ["destroy", "--yes", "--skip-preview", "--non-interactive"]), 0);
    expect((await apiConnections(p)).names).toEqual([]);
  });
});
