import { ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { hostname, tmpdir, userInfo } from "node:os";
import * as path from "node:path";
import { RunningEmulator, startEmulator } from "../../emulator";
import {
  emulatorConfig,
  ensurePulumi,
  LOCAL_PASSPHRASE,
  localEnv,
  localStack,
} from "../../scripts/workspace";
import { RunningPostgres, startPostgres } from "../helpers/postgres";
import {
  adminEdit,
  CREDENTIALS,
  emulatorState,
  EngineProject,
  engineProjectOn,
  leaks,
  ResourceSpec,
} from "./harness";

// `pulumi-connections drift --all-stacks` as a child process (real exit codes) against every stack
// of a real PostgreSQL state backend: one project with a stack for each thing a team's stacks can
// be (clean, drifted, deleted out of band, API unreachable, bad credentials, another passphrase,
// an update in progress), and a second project on the same backend. The drift command runs with
// no GOMAXPROCS in its environment: it must set it for its CLI runs itself (the setup's own CLI
// runs get GOMAXPROCS=8, as in postgres.test.ts).
jest.setTimeout(900_000);

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = path.join(ROOT, "dist", "cli", "main.js");
const DATABASE = "pcx_drift_all";
const PROJECT = "drift-all";
const OTHER_PROJECT = "drift-all-b";
const UP = ["up", "--yes", "--skip-preview", "--non-interactive"];

const OTHER_PASSPHRASE = "another-teams-passphrase-4e1d9c";
/** The only key the bad-credentials stack's API accepts once its own key was revoked. */
const ROTATED_KEY = "pictai_rotated_key_0b7c5a";
const VIMEO_SECRET = "drift-all-vimeo-secret-8a7b6c";
const VIMEO_TOKEN = "drift-all-vimeo-token-5d4e3f";
const SMTP_PASSWORD = "drift-all-smtp-password-2a1b0c";
/** Every value that must never appear in the command's output. */
const SECRETS = [
  ...CREDENTIALS,
  LOCAL_PASSPHRASE,
  OTHER_PASSPHRASE,
  ROTATED_KEY,
  VIMEO_SECRET,
  VIMEO_TOKEN,
  SMTP_PASSWORD,
];
/** The reason a stack fails when the passphrase set is not its own. */
const WRONG_PASSPHRASE =
  "the check reads the stack's secrets to mask them in the report, with its passphrase, but the " +
  "passphrase set does not decrypt them (incorrect passphrase): set PULUMI_CONFIG_PASSPHRASE, or " +
  "PULUMI_CONFIG_PASSPHRASE_FILE, to this stack's passphrase and run the check again";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const aws = (stack: string, name: string, args: Record<string, unknown> = {}): ResourceSpec => ({
  kind: "aws",
  name,
  args: {
    name: `${stack}-${name}`,
    awsAccountId: "123456789012",
    awsRegion: "us-east-2",
    ...args,
  },
});
const vimeo = (stack: string, name: string): ResourceSpec => ({
  kind: "vimeo",
  name,
  args: { name: `${stack}-${name}`, clientIdentifier: "cid" },
  secrets: { clientSecret: VIMEO_SECRET, accessToken: VIMEO_TOKEN },
});
const mail = (stack: string, name: string): ResourceSpec => ({
  kind: "apinizer",
  name,
  args: {
    projectName: "demo",
    name: `${stack}-${name}`,
    type: "email",
    host: "smtp.example.com",
    auth: true,
    username: "bot",
  },
  secrets: { password: SMTP_PASSWORD },
});

/** The stacks of the first project; `test` is the harness's own stack, used as the clean one. */
const CLEAN = "test";
const STACKS: Record<string, ResourceSpec[]> = {
  [CLEAN]: [aws("clean", "media"), vimeo("clean", "marketing"), mail("clean", "alerts")],
  drifted: [aws("drifted", "media", { description: "as the program says" })],
  deleted: [aws("deleted", "media"), vimeo("deleted", "marketing")],
  unreachable: [aws("unreachable", "media")],
  badcreds: [aws("badcreds", "media")],
  passphrase: [aws("passphrase", "media")],
  busy: Array.from({ length: 10 }, (_, i) => aws("busy", `media${i}`)),
};

let pg: RunningPostgres;
let a: EngineProject;
let b: EngineProject;
/** The busy stack's API: slow, so that its `pulumi up` holds the lock while the check runs. */
let slow: RunningEmulator;
/** The unreachable stack's API: stopped after its `up`, so its URL is a closed port. */
let gone: RunningEmulator;
/** The bad-credentials stack's API, restarted with its data but another key. */
let revoked: RunningEmulator | undefined;
let busyUp: PulumiRun | undefined;
const outputs: string[] = [];

interface PulumiRun {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

/** The environment of the test's own CLI runs: the backend, its password, GOMAXPROCS=8. */
function setupEnv(p: EngineProject, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...localEnv(p.stateDir, {
      PULUMI_BACKEND_URL: pg.bareUrl,
      PGPASSWORD: pg.password,
      GOMAXPROCS: "8",
      ...extra,
    }),
  };
}

/** The Pulumi CLI on one stack of a project, in its own process group. */
function pulumiOn(
  p: EngineProject,
  stack: string,
  args: readonly string[],
  extra: Record<string, string> = {},
): PulumiRun {
  return pulumiIn(p, [...args, "--stack", stack], extra);
}

/** The Pulumi CLI in a project's folder, in its own process group. */
function pulumiIn(
  p: EngineProject,
  args: readonly string[],
  extra: Record<string, string> = {},
): PulumiRun {
  const child = spawn(path.join(ensurePulumi(), "pulumi"), args, {
    cwd: p.dir,
    env: setupEnv(p, extra),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const chunks: string[] = [];
  child.stdout!.setEncoding("utf8").on("data", (s: string) => chunks.push(s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => chunks.push(s));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>(
    (resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) => {
        const output = chunks.join("");
        outputs.push(output);
        resolve({ code, signal, output });
      });
    },
  );
  return { child, done };
}

async function pulumiOk(
  p: EngineProject,
  stack: string,
  args: readonly string[],
  extra: Record<string, string> = {},
): Promise<string> {
  const r = await pulumiOn(p, stack, args, extra).done;
  if (r.code !== 0)
    throw new Error(`pulumi ${args.join(" ")} --stack ${stack}: ${r.code}\n${r.output}`);
  return r.output;
}

/** Stack config of a resource list, as the harness's setResources writes it. */
function resourceConfig(
  resources: readonly ResourceSpec[],
): Record<string, { value: string; secret?: boolean }> {
  const config: Record<string, { value: string; secret?: boolean }> = {
    resources: {
      value: JSON.stringify(
        resources.map(({ secrets, ...r }) => ({
          ...r,
          secrets: secrets ? Object.fromEntries(Object.keys(secrets).map((k) => [k, true])) : {},
        })),
      ),
    },
  };
  for (const r of resources)
    for (const [field, value] of Object.entries(r.secrets ?? {}))
      config[`secret-${r.name}-${field}`] = { value, secret: true };
  return config;
}

/** A second stack in a project's folder: its own stack config file, the same backend. */
async function addStack(
  p: EngineProject,
  stack: string,
  emulatorUrl: string,
  resources: readonly ResourceSpec[] = STACKS[stack]!,
  passphrase = LOCAL_PASSPHRASE,
): Promise<void> {
  await localStack({
    workDir: p.dir,
    stackName: stack,
    stateDir: p.stateDir,
    env: {
      PULUMI_BACKEND_URL: pg.bareUrl,
      PGPASSWORD: pg.password,
      GOMAXPROCS: "8",
      PULUMI_CONFIG_PASSPHRASE: passphrase,
    },
    config: {
      ...emulatorConfig(emulatorUrl),
      "connections:retryBaseMs": { value: "50" },
      ...resourceConfig(resources),
    },
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface DriftRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `pulumi-connections drift` as a user runs it in the project's folder: the backend URL without
 * its password (PGPASSWORD has it), the local passphrase, and no GOMAXPROCS.
 */
function runDrift(
  p: EngineProject,
  args: readonly string[],
  backendEnv: Record<string, string> = { PULUMI_BACKEND_URL: pg.bareUrl, PGPASSWORD: pg.password },
): Promise<DriftRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...localEnv(p.stateDir, backendEnv) };
  delete env.GOMAXPROCS;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "drift", ...args], {
      cwd: p.dir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const guard = setTimeout(() => child.kill("SIGKILL"), 300_000);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(guard);
      outputs.push(stdout, stderr);
      if (signal)
        reject(
          new Error(
            `drift ${args.join(" ")} killed (${signal}) after 300 s:\n${stdout}\n${stderr}`,
          ),
        );
      else resolve({ code, stdout, stderr });
    });
  });
}

interface StackEntry {
  stack: string;
  project?: string;
  status: string;
  reason?: string;
  locks?: { pid?: number; username?: string; hostname?: string; timestamp?: string }[];
  report?: Record<string, unknown> & {
    drifted: { resource: string; fields: unknown[] }[];
    deleted: { resource: string }[];
    unreadable: { resource: string; error: string }[];
  };
}

async function driftJson(
  p: EngineProject,
  extra: string[] = [],
): Promise<{
  code: number | null;
  report: Record<string, unknown>;
  byStack: Map<string, StackEntry>;
}> {
  const run = await runDrift(p, ["--all-stacks", "--json", ...extra]);
  let report: Record<string, unknown>;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    throw new Error(
      `drift --all-stacks --json printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`,
    );
  }
  const stacks = report.stacks as StackEntry[];
  return { code: run.code, report, byStack: new Map(stacks.map((s) => [s.stack, s])) };
}

/** Keys of the state table under `.pulumi/locks/` of one stack. */
function lockKeys(project: string, stack: string): string[] {
  return pg
    .stateRows()
    .map((r) => r.key)
    .filter((k) => k.startsWith(`${DATABASE}/.pulumi/locks/organization/${project}/${stack}/`));
}

/** Everything the check must leave as it found it: state rows but the busy stack's, and PULUMI_HOME. */
function untouched(p: EngineProject, except: string): string {
  const rows = pg
    .stateRows()
    .filter((r) => !r.key.includes(`/${PROJECT}/${except}`))
    .map((r) => `${r.key}\n${r.bytes.toString("latin1")}`);
  const home = path.join(p.stateDir, "home", "workspaces");
  const workspaces = existsSync(home)
    ? readdirSync(home)
        .filter((f) => statSync(path.join(home, f)).isFile())
        .map((f) => readFileSync(path.join(home, f), "utf8"))
    : [];
  return [...rows, ...workspaces].join("\n");
}

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** `pulumi stack export` of one stack: its pending operations. */
async function pendingOf(p: EngineProject, stack: string): Promise<unknown[]> {
  const out = await pulumiOk(p, stack, ["stack", "export"]);
  return (JSON.parse(out).deployment.pending_operations ?? []) as unknown[];
}

/** The diy backend's lock message, as the CLI prints it for this database (password masked). */
function lockMessage(stack: string): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(
    esc(
      "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) " +
        "to end or delete the lock file with `pulumi cancel`.\n" +
        `  postgres://****:****@127.0.0.1:${pg.port}/${DATABASE}/.pulumi/locks/organization/${PROJECT}/${stack}/`,
    ) +
      "[0-9a-f-]{36}\\.json\\?sslmode=disable: created by [^@\\s]+@[^\\s]+ \\(pid (\\d+)\\) at " +
      "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ",
  );
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  pg = await startPostgres(DATABASE);
  SECRETS.push(pg.password);
  const backend = {
    backendUrl: pg.bareUrl,
    env: { GOMAXPROCS: "8", PGPASSWORD: pg.password },
    stateBytes: () => "",
  };
  a = await engineProjectOn(PROJECT, backend);
  b = await engineProjectOn(OTHER_PROJECT, backend);
  slow = await startEmulator();
  gone = await startEmulator();
  const revokedPort = await freePort();
  const dataFile = path.join(mkdtempSync(path.join(tmpdir(), "drift-all-emulator-")), "data.json");
  const revoking = await startEmulator({ port: revokedPort, dataFile });

  await a.setResources(STACKS[CLEAN]!);
  for (const stack of ["drifted", "deleted"]) await addStack(a, stack, a.emulator.url);
  await addStack(a, "unreachable", gone.url);
  await addStack(a, "badcreds", revoking.url);
  await addStack(a, "passphrase", a.emulator.url, STACKS.passphrase, OTHER_PASSPHRASE);
  await addStack(a, "busy", slow.url);
  await Promise.all([
    pulumiOk(a, CLEAN, UP),
    pulumiOk(a, "drifted", UP),
    pulumiOk(a, "deleted", UP),
    pulumiOk(a, "unreachable", UP),
    pulumiOk(a, "badcreds", UP),
    pulumiOk(a, "passphrase", UP, { PULUMI_CONFIG_PASSPHRASE: OTHER_PASSPHRASE }),
  ]);

  // Out of band: a description edited in the dashboard, a connection deleted, the API gone (the
  // URL in the stack's provider config is a closed port now), the stack's API key revoked. (A
  // refresh reads with the provider config in state, recorded by the last `up`: editing the stack
  // config alone would change nothing here.)
  const state = await emulatorState(a.emulator);
  const byName = (name: string) =>
    [...state.pictory.aws, ...state.pictory.vimeo].find((c) => c.name === name)!;
  await adminEdit(a.emulator, `pictory/aws/${String(byName("drifted-media").connectionId)}`, {
    description: "edited in the dashboard",
  });
  await adminEdit(
    a.emulator,
    `pictory/vimeo/${String(byName("deleted-marketing").connectionId)}`,
    null,
  );
  await gone.stop();
  await revoking.stop();
  revoked = await startEmulator({ port: revokedPort, dataFile, pictoryApiKey: ROTATED_KEY });

  // The second project: one clean stack, one to edit later.
  await b.setResources([aws("b-test", "media")]);
  await pulumiOk(b, "test", UP);
  await addStack(b, "edited", b.emulator.url, [aws("b-edited", "media")]);
  await pulumiOk(b, "edited", UP);
});

afterEach(() => {
  expect(leaks({ "CLI output": outputs.join("\n") }, SECRETS)).toEqual([]);
});

afterAll(async () => {
  if (busyUp && busyUp.child.exitCode === null && busyUp.child.signalCode === null) {
    try {
      process.kill(-busyUp.child.pid!, "SIGKILL");
    } catch {
      // Gone already.
    }
    await busyUp.done;
  }
  await a?.close();
  await b?.close();
  await slow?.stop();
  await gone?.stop();
  await revoked?.stop();
  await pg?.stop();
});

test("every stack of the backend in one report: clean, drifted, deleted, unreachable, bad credentials, another passphrase, busy, another project's; exit 1", async () => {
  // An update of the busy stack, held up by its slow API: it takes the lock, then creates one
  // connection at a time.
  slow.setFaults({ latencyMs: 15_000 });
  busyUp = pulumiOn(a, "busy", UP, { CONNECTIONS_MAX_IN_FLIGHT: "1" });
  await until("the busy stack's lock row", () => lockKeys(PROJECT, "busy").length === 1);

  // The stack really is held: the CLI itself refuses a second update, naming that process.
  const refused = await pulumiOn(a, "busy", UP).done;
  expect(refused.code).toBe(1);
  const match = lockMessage("busy").exec(refused.output);
  if (!match) throw new Error(`not the lock message:\n${refused.output}`);
  expect(Number(match[1])).toBe(busyUp.child.pid);

  const before = untouched(a, "busy");
  const started = Date.now();
  const { code, report, byStack } = await driftJson(a);
  console.log(`drift --all-stacks over ${byStack.size} stacks: ${Date.now() - started} ms`);
  // Still running: the check ran while the update held the stack.
  expect(busyUp.child.exitCode).toBeNull();
  expect(lockKeys(PROJECT, "busy")).toHaveLength(1);
  // Read-only: no state row changed, no lock left, the selected stack the same.
  expect(untouched(a, "busy")).toBe(before);

  expect(code).toBe(1);
  expect(report).toMatchObject({
    backend: `postgres://127.0.0.1:${pg.port}/${DATABASE}`,
    clean: false,
    failed: true,
    lockCheck: "postgres",
    counts: { total: 9, clean: 1, drifted: 2, failed: 5, busy: 1 },
  });
  expect(report).not.toHaveProperty("error");
  expect([...byStack.keys()]).toEqual([
    "badcreds",
    "busy",
    "deleted",
    "drifted",
    `organization/${OTHER_PROJECT}/edited`,
    `organization/${OTHER_PROJECT}/test`,
    "passphrase",
    "test",
    "unreachable",
  ]);

  const clean = byStack.get(CLEAN)!;
  expect(clean).toMatchObject({ project: PROJECT, status: "clean" });
  expect(clean.report).toMatchObject({ clean: true, failed: false, checked: 3 });

  const drifted = byStack.get("drifted")!;
  expect(drifted.status).toBe("drifted");
  expect(drifted.report!.drifted).toEqual([
    expect.objectContaining({
      resource: "media",
      type: "pictory:AwsConnection",
      fields: [
        { field: "description", old: "as the program says", new: "edited in the dashboard" },
      ],
      version: { old: 1, new: 2 },
    }),
  ]);
  expect(drifted.report).toMatchObject({ remediation: "pulumi up --refresh --stack drifted" });

  const deleted = byStack.get("deleted")!;
  expect(deleted.status).toBe("drifted");
  expect(deleted.report!.drifted).toEqual([]);
  expect(deleted.report!.deleted.map((d) => d.resource)).toEqual(["marketing"]);

  const unreachable = byStack.get("unreachable")!;
  expect(unreachable).toMatchObject({ status: "failed", reason: "1 connection could not be read" });
  expect(unreachable.report!.unreadable).toHaveLength(1);
  expect(unreachable.report!.unreadable[0]!.error).toMatch(
    /could not read the connection: GET \/v1\/awsconnections\/\S+ failed \(ECONNREFUSED\): check that http:\/\/127\.0\.0\.1:\d+\/pictoryapis is reachable/,
  );

  const badcreds = byStack.get("badcreds")!;
  expect(badcreds).toMatchObject({ status: "failed", reason: "1 connection could not be read" });
  expect(badcreds.report!.unreadable[0]!.error).toMatch(
    /the API answered 401.*the API key was refused/,
  );

  // The stack's secrets cannot be read with this passphrase: nothing else is read, and the reason
  // says what the check needed, what happened and what to do, the variables' names unmasked.
  const passphrase = byStack.get("passphrase")!;
  expect(passphrase).toMatchObject({ status: "failed", reason: WRONG_PASSPHRASE });
  // Failed before its refresh preview: no per-connection report, nothing read from the API.
  expect(passphrase.report).toBeUndefined();

  // Busy: not read at all, and named by the lock the update holds.
  const busy = byStack.get("busy")!;
  expect(busy.status).toBe("busy");
  expect(busy.report).toBeUndefined();
  expect(busy.locks).toEqual([
    {
      pid: busyUp.child.pid,
      username: userInfo().username,
      hostname: hostname(),
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    },
  ]);
  expect(busy.reason).toMatch(
    new RegExp(
      `^an update holds the stack's lock \\(\\S+@\\S+ \\(pid ${busyUp.child.pid}\\) since `,
    ),
  );

  // Another project's stacks cannot be refreshed from this folder: failed, with the way out.
  for (const stack of ["edited", "test"]) {
    expect(byStack.get(`organization/${OTHER_PROJECT}/${stack}`)).toEqual({
      stack: `organization/${OTHER_PROJECT}/${stack}`,
      project: OTHER_PROJECT,
      status: "failed",
      reason: `a stack of project "${OTHER_PROJECT}", not of the project in ${a.dir} ("${PROJECT}"): check it from its own project directory (--cwd), or pass --project ${PROJECT}`,
    });
  }
});

test("an update killed mid-create: busy while its dead lock stands, failed (interrupted) once `pulumi cancel` removed it", async () => {
  const run = busyUp!;
  const pid = run.child.pid!;
  // Killed while a create is in flight, so that the state holds a pending operation.
  await until(
    "a pending create in the busy stack",
    async () => (await pendingOf(a, "busy")).length > 0,
  );
  process.kill(-pid, "SIGKILL");
  expect((await run.done).signal).toBe("SIGKILL");
  slow.setFaults({});
  expect(lockKeys(PROJECT, "busy")).toHaveLength(1);

  const dead = await runDrift(a, ["--all-stacks", "--project", PROJECT]);
  expect(dead.code).toBe(1);
  expect(dead.stdout).toContain(
    `Drift report for project "${PROJECT}" on postgres://127.0.0.1:${pg.port}/${DATABASE}: not every stack could be checked`,
  );
  expect(dead.stdout).toContain("7 stacks: 1 clean, 2 drifted, 3 failed, 1 busy");
  expect(dead.stdout).toMatch(
    new RegExp(
      `\\nbusy +busy +an update holds the stack's lock \\(\\S+ \\(pid ${pid}\\) since .*\`pulumi cancel --stack busy\`\\)\\n`,
    ),
  );
  // The other project is not listed with --project.
  expect(dead.stdout).not.toContain(OTHER_PROJECT);

  await pulumiOk(a, "busy", ["cancel", "--yes", "--non-interactive"]);
  expect(lockKeys(PROJECT, "busy")).toEqual([]);
  const pending = await pendingOf(a, "busy");
  expect(pending.length).toBeGreaterThan(0);

  const interrupted = await runDrift(a, ["--all-stacks", "--project", PROJECT]);
  expect(interrupted.code).toBe(1);
  expect(interrupted.stdout).toContain("7 stacks: 1 clean, 2 drifted, 4 failed");
  expect(interrupted.stdout).toContain(
    `\nbusy         failed   an interrupted update left ${pending.length} pending operation${pending.length === 1 ? "" : "s"} (creating ${pending.length}) in the state and holds no lock`,
  );
  expect(interrupted.stdout).toContain(`\npassphrase   failed   ${WRONG_PASSPHRASE}\n`);
  // Per-connection detail of the stacks that were read, as the single-stack report prints it.
  expect(interrupted.stdout).toContain('Drift report for stack "drifted": drift found');
  expect(interrupted.stdout).toMatch(
    /media +pictory:AwsConnection +description +"as the program says" +"edited in the dashboard"/,
  );
  expect(interrupted.stdout).toContain('Drift report for stack "deleted": drift found');
  expect(interrupted.stdout).toContain(
    'This is not a "no drift" result: the stacks marked failed or busy were not checked.',
  );
});

test("--project of a project whose stacks all read: exit 2 on drift (Markdown), exit 0 once converged", async () => {
  const state = await emulatorState(b.emulator);
  const edited = state.pictory.aws.find((c) => c.name === "b-edited-media")!;
  await adminEdit(b.emulator, `pictory/aws/${String(edited.connectionId)}`, { enabled: false });

  const md = await runDrift(b, [
    "--all-stacks",
    "--project",
    OTHER_PROJECT,
    "--markdown",
    "--parallel",
    "1",
  ]);
  expect(md.code).toBe(2);
  expect(md.stdout).toContain(
    `## Connection drift: project \`${OTHER_PROJECT}\` on \`postgres://127.0.0.1:${pg.port}/${DATABASE}\``,
  );
  expect(md.stdout).toContain("**Drift found**: 2 stacks: 1 clean, 1 drifted.");
  expect(md.stdout).toContain("| edited | drifted | 1 drifted (1 connection checked) |");
  expect(md.stdout).toContain("| test | clean | 1 connection checked |");
  expect(md.stdout).toContain("### Connection drift: stack `edited`");
  expect(md.stdout).toContain("| media | pictory:AwsConnection | enabled | true | false |");
  expect(md.stdout).toContain("Converge with `pulumi up --refresh --stack edited`.");

  await pulumiOk(b, "edited", ["up", "--refresh", "--yes", "--skip-preview", "--non-interactive"]);
  const text = await runDrift(b, ["--all-stacks", "--project", OTHER_PROJECT]);
  expect(text.code).toBe(0);
  expect(text.stdout).toBe(
    [
      `Drift report for project "${OTHER_PROJECT}" on postgres://127.0.0.1:${pg.port}/${DATABASE}: no drift`,
      "2 stacks: 2 clean",
      "",
      "STACK   STATUS  DETAIL",
      "edited  clean   1 connection checked",
      "test    clean   1 connection checked",
      "",
    ].join("\n"),
  );
});

// Why the command sets GOMAXPROCS for its CLI runs (and `runDrift` gives it none): with a small
// GOMAXPROCS the backend's connection pool (2 x GOMAXPROCS) is too small for its own listing.
test("the premise: `pulumi stack ls` of these stacks with GOMAXPROCS=2 does not return within 30 s", async () => {
  const run = pulumiIn(a, ["stack", "ls", "--all", "--json"], { GOMAXPROCS: "2" });
  const timer = setTimeout(() => process.kill(-run.child.pid!, "SIGKILL"), 30_000);
  const result = await run.done;
  clearTimeout(timer);
  console.log(`stack ls with GOMAXPROCS=2: code ${result.code}, signal ${result.signal}`);
  expect(result.signal).toBe("SIGKILL");
  // With GOMAXPROCS=8 the same listing returns every stack.
  const listed = JSON.parse(
    await pulumiIn(a, ["stack", "ls", "--all", "--json"]).done.then((r) => r.output),
  );
  expect(listed).toHaveLength(9);
});

test("a state database that cannot be reached: exit 1, the CLI's message with the URL's password masked", async () => {
  const closed = await freePort();
  // The password in the URL this time: the CLI prints that URL when it cannot open the database.
  const url = pg.url.replace(`:${pg.port}/`, `:${closed}/`);
  const run = await runDrift(a, ["--all-stacks", "--json"], { PULUMI_BACKEND_URL: url });
  expect(run.code).toBe(1);
  const report = JSON.parse(run.stdout);
  expect(report).toMatchObject({
    backend: `postgres://127.0.0.1:${closed}/${DATABASE}`,
    clean: false,
    failed: true,
    stacks: [],
    counts: { total: 0 },
  });
  expect(report.error).toContain(
    `the stacks could not be listed: unable to open state database "postgres://127.0.0.1:${closed}/${DATABASE}?sslmode=disable"`,
  );
  expect(run.stdout + run.stderr).not.toContain(pg.password);
});
