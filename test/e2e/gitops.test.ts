import { execFileSync, spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";
import { RunningEmulator, startEmulator } from "../../emulator";
import { RunningPostgres, startPostgres } from "../helpers/postgres";
import { localEnv } from "../../scripts/workspace";
import { adminEdit, emulatorState } from "./harness";

// examples/gitops as CI runs it: the workflow's steps call examples/gitops/pipeline.sh, and this
// file runs that script, step by step, against the emulator with a local file backend and a
// passphrase, with the environment the workflow sets from CI secrets. If the workflow stops
// calling these commands, or the commands stop working, this fails: the example cannot rot.
jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, "..", "..");
const EXAMPLE = path.join(ROOT, "examples", "gitops");
const WORKFLOW = path.join(EXAMPLE, ".github", "workflows", "connections.yml");
const LOCK = path.join(EXAMPLE, "package-lock.json");
const PASSWORD_LIKE = ["pictai_emulator_key", "apinizer_emulator_token"];

let emulator: RunningEmulator;
let dir: string;
let env: Record<string, string>;
let step = 0;

interface StepRun {
  readonly code: number | null;
  readonly output: string;
  /** What the step wrote to $GITHUB_STEP_SUMMARY. */
  readonly summary: string;
}

/**
 * One workflow step: `./pipeline.sh <command>` with a fresh step summary file, as on GitHub; in
 * the checkout `at.dir` with the environment `at.env` (the file-backend one by default).
 */
function pipeline(
  command: string,
  at: { dir: string; env: Record<string, string> } = { dir, env },
): Promise<StepRun> {
  const summaryFile = path.join(at.dir, `.summary-${++step}-${command}.md`);
  writeFileSync(summaryFile, "");
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [path.join(at.dir, "pipeline.sh"), command], {
      cwd: at.dir,
      env: { ...at.env, GITHUB_STEP_SUMMARY: summaryFile },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code, output, summary: readFileSync(summaryFile, "utf8") }),
    );
  });
}

function expectExit(run: StepRun, code: number, secrets: readonly string[] = []): void {
  if (run.code !== code) throw new Error(`expected exit ${code}, got ${run.code}:\n${run.output}`);
  for (const secret of [...PASSWORD_LIKE, ...secrets])
    expect(run.output + run.summary).not.toContain(secret);
}

interface WorkflowJob {
  if: string;
  runs: string[];
  /** The `uses:` steps, each with its `with:` inputs. */
  uses: { action: string; with: Record<string, string> }[];
}

/**
 * Just enough YAML for a workflow: top-level `on`/`env`/`permissions` keys and, per job, its `if`,
 * the `run` commands of its steps and its `uses` steps with their inputs, in order. Enough to pin
 * the example; not a YAML parser.
 */
function parseWorkflow(text: string): {
  on: string[];
  env: Record<string, string>;
  permissions: Record<string, string>;
  jobs: Record<string, WorkflowJob>;
} {
  const on: string[] = [];
  const env: Record<string, string> = {};
  const permissions: Record<string, string> = {};
  const jobs: Record<string, WorkflowJob> = {};
  let section = "";
  let job: WorkflowJob | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\s+#.*$/, "");
    if (/^\S/.test(line)) {
      section = line.replace(/:.*$/, "");
      continue;
    }
    const entry = /^ {2}([\w-]+):\s*(.*)$/.exec(line);
    if (entry) {
      if (section === "on") on.push(entry[1]!);
      if (section === "env") env[entry[1]!] = entry[2]!;
      if (section === "permissions") permissions[entry[1]!] = entry[2]!;
      if (section === "jobs") jobs[entry[1]!] = job = { if: "", runs: [], uses: [] };
      continue;
    }
    if (section !== "jobs" || !job) continue;
    const cond = /^ {4}if:\s*(.+)$/.exec(line);
    if (cond) job.if = cond[1]!;
    const run = /^\s+(?:- )?run:\s*(.+)$/.exec(line);
    if (run) job.runs.push(run[1]!.trim());
    const uses = /^ {6}- uses:\s*(.+)$/.exec(line);
    if (uses) job.uses.push({ action: uses[1]!.trim(), with: {} });
    const input = /^ {10}([\w-]+):\s*(.+)$/.exec(line);
    if (input && job.uses.length > 0) job.uses.at(-1)!.with[input[1]!] = input[2]!.trim();
  }
  return { on, env, permissions, jobs };
}

/** The Pulumi CLI version the repository builds and proves recovery on (scripts/ensure-pulumi.sh). */
function pinnedPulumiVersion(): string {
  const script = readFileSync(path.join(ROOT, "scripts", "ensure-pulumi.sh"), "utf8");
  const m = /^PULUMI_VERSION="\$\{PULUMI_VERSION:-([0-9.]+)\}"$/m.exec(script);
  if (!m) throw new Error("scripts/ensure-pulumi.sh no longer sets PULUMI_VERSION as expected");
  return m[1]!;
}

type Json = Record<string, unknown>;
const readJson = (file: string): Json => JSON.parse(readFileSync(file, "utf8")) as Json;

/** The example's program type-checks against the package's own types (it is not in tsconfig). */
function typeErrors(file: string): string[] {
  const configFile = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  const program = ts.createProgram([file], { ...options, noEmit: true, types: ["node"] });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

/** A checkout of the example as a runner has it after `npm ci`, in a fresh folder. */
function checkout(): string {
  const tarball = process.env.E2E_TARBALL;
  if (!tarball) throw new Error("E2E_TARBALL is not set: run through jest (test/global-setup.ts)");
  // Under the repository, so @pulumi/pulumi resolves from its node_modules (as in harness.ts).
  const base = path.join(ROOT, ".e2e-work", "projects");
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, "gitops-"));
  for (const file of ["Pulumi.yaml", "package.json", "pipeline.sh"])
    copyFileSync(path.join(EXAMPLE, file), path.join(dir, file));
  chmodSync(path.join(dir, "pipeline.sh"), 0o755);
  // The program is the example's index.ts, transpiled here with the repository's TypeScript
  // (plain JS in the copy), so the test does not depend on how the locally built v3.68 language
  // host (CONTRIBUTING.md, "The Pulumi CLI") handles TypeScript; in CI Pulumi runs index.ts as it is. The
  // type check is a test of its own below.
  const source = readFileSync(path.join(EXAMPLE, "index.ts"), "utf8");
  const js = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  }).outputText;
  writeFileSync(path.join(dir, "index.js"), js);
  // `npm ci` in CI; here the packed package, extracted as harness.ts does, plus the bin link npm makes.
  const pkgDir = path.join(dir, "node_modules", "pulumi-connections");
  mkdirSync(pkgDir, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", pkgDir, "--strip-components=1"]);
  mkdirSync(path.join(dir, "node_modules", ".bin"), { recursive: true });
  chmodSync(path.join(pkgDir, "dist", "cli", "main.js"), 0o755);
  symlinkSync(
    "../pulumi-connections/dist/cli/main.js",
    path.join(dir, "node_modules", ".bin", "pulumi-connections"),
  );
  return dir;
}

beforeAll(async () => {
  dir = checkout();
  emulator = await startEmulator();
  const stateDir = path.join(dir, ".state");
  mkdirSync(path.join(stateDir, "backend"), { recursive: true });
  mkdirSync(path.join(stateDir, "home"), { recursive: true });
  // What the workflow's `env:` provides from CI secrets, pointed at the emulator and a file backend.
  env = {
    ...(process.env as Record<string, string>),
    ...localEnv(stateDir),
    PULUMI_STACK: "prod",
    PICTORY_API_KEY: "pictai_emulator_key",
    PICTORY_BASE_URL: `${emulator.url}/pictoryapis`,
    APINIZER_TOKEN: "apinizer_emulator_token",
    APINIZER_BASE_URL: `${emulator.url}/apiops`,
    CONNECTIONS_RETRY_BASE_MS: "50",
  };
});

afterAll(async () => {
  await emulator?.stop();
});

test("the workflow's jobs call pipeline.sh preview, up and drift on the right events", () => {
  const wf = parseWorkflow(readFileSync(WORKFLOW, "utf8"));
  expect(wf.on).toEqual(["pull_request", "push", "schedule", "workflow_dispatch"]);
  for (const name of [
    "PULUMI_BACKEND_URL",
    "PULUMI_CONFIG_PASSPHRASE",
    "PGPASSWORD",
    "PICTORY_API_KEY",
    "APINIZER_TOKEN",
    "APINIZER_BASE_URL",
  ])
    expect(wf.env[name]).toBe(`\${{ secrets.${name} }}`);
  const steps = Object.fromEntries(
    Object.entries(wf.jobs).map(([name, j]) => [name, { if: j.if, runs: j.runs }]),
  );
  expect(steps).toEqual({
    preview: {
      if: "github.event_name == 'pull_request'",
      runs: ["npm ci", "./pipeline.sh preview"],
    },
    up: {
      if: "github.event_name == 'push' && github.ref == 'refs/heads/main'",
      runs: ["npm ci", "./pipeline.sh up"],
    },
    drift: {
      if: "github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'",
      runs: ["npm ci", "./pipeline.sh drift"],
    },
  });
});

test("the workflow pins the Pulumi CLI the package is tested on, and lets jobs use OIDC", () => {
  const wf = parseWorkflow(readFileSync(WORKFLOW, "utf8"));
  // OIDC (aws-actions/configure-aws-credentials and the like) needs an ID token; reading the
  // repository needs contents: read. Nothing else.
  expect(wf.permissions).toEqual({ contents: "read", "id-token": "write" });
  const version = pinnedPulumiVersion();
  for (const [name, job] of Object.entries(wf.jobs)) {
    const pulumi = job.uses.filter((u) => u.action.startsWith("pulumi/actions@"));
    expect({ job: name, pulumi: pulumi.map((u) => u.with["pulumi-version"]) }).toEqual({
      job: name,
      pulumi: [version],
    });
  }
  // The program's SDK is the CLI's release, as in the repository.
  const pkg = readJson(path.join(EXAMPLE, "package.json"));
  expect((pkg.dependencies as Json)["@pulumi/pulumi"]).toBe(version);
});

test("the example has a package-lock.json in sync with its package.json, so `npm ci` works", () => {
  if (!existsSync(LOCK))
    throw new Error(`${LOCK} is missing: the workflow runs \`npm ci\` and caches npm by it`);
  const pkg = readJson(path.join(EXAMPLE, "package.json"));
  const lock = readJson(LOCK);
  const packages = lock.packages as Record<string, Json>;
  expect(lock).toMatchObject({ name: pkg.name, lockfileVersion: 3 });
  // npm records the root's ranges as package.json has them: any edit there needs a new lock.
  const root = packages[""]!;
  for (const key of ["dependencies", "devDependencies", "engines"] as const)
    expect({ [key]: root[key] }).toEqual({ [key]: pkg[key] });

  // pulumi-connections is not on the registry: the example installs the packed tarball, named by
  // this repository's version, with this repository's dependencies.
  const own = readJson(path.join(ROOT, "package.json"));
  const spec = (pkg.dependencies as Json)["pulumi-connections"];
  expect(spec).toBe(`file:vendor/pulumi-connections-${String(own.version)}.tgz`);
  const entry = packages["node_modules/pulumi-connections"]!;
  expect(entry).toMatchObject({ version: own.version, resolved: spec });
  expect(entry.dependencies).toEqual(own.dependencies);
  // No checksum: any build of that version the user puts in vendor/ installs.
  expect(entry.integrity).toBeUndefined();
  for (const [where, p] of Object.entries(packages)) {
    if (where === "" || where === "node_modules/pulumi-connections") continue;
    expect({ where, integrity: typeof p.integrity }).toEqual({ where, integrity: "string" });
  }

  // npm's own verdict, without the network or the tarball: `npm ci` refuses a lock out of sync.
  const dir = mkdtempSync(path.join(os.tmpdir(), "gitops-ci-"));
  try {
    copyFileSync(path.join(EXAMPLE, "package.json"), path.join(dir, "package.json"));
    copyFileSync(LOCK, path.join(dir, "package-lock.json"));
    const ci = spawnSync(
      "npm",
      ["ci", "--dry-run", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"],
      { cwd: dir, encoding: "utf8" },
    );
    if (ci.status !== 0) throw new Error(`npm ci --dry-run failed:\n${ci.stdout}\n${ci.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the example program type-checks", () => {
  expect(typeErrors(path.join(EXAMPLE, "index.ts"))).toEqual([]);
});

test("preview (pull request) plans the connections and posts the plan as the job summary", async () => {
  const run = await pipeline("preview");
  expectExit(run, 0);
  expect(run.summary).toContain("### pulumi preview: stack `prod`");
  expect(run.summary).toMatch(/\+ 3 to create/);
  expect(run.summary).toContain("pulumi-nodejs:dynamic/pictory:AwsConnection");
  const state = await emulatorState(emulator);
  expect(state.pictory.aws).toEqual([]);
});

test("up (main) creates the connections", async () => {
  const run = await pipeline("up");
  expectExit(run, 0);
  expect(run.summary).toContain("### pulumi up: stack `prod`");
  const state = await emulatorState(emulator);
  expect(state.pictory.aws).toEqual([
    expect.objectContaining({ name: "gitops-media", description: "raw footage, managed from Git" }),
  ]);
  expect(state.apinizer.default).toEqual([
    expect.objectContaining({ name: "gitops-deploy-hooks", type: "webhook" }),
  ]);
});

test("drift (nightly) reports no drift with exit 0", async () => {
  const run = await pipeline("drift");
  expectExit(run, 0);
  expect(run.summary).toContain("### Connection drift: stack `prod`");
  expect(run.summary).toContain("**No drift**: 2 connections checked.");
});

test("drift reports an out-of-band edit with exit 2, naming the field and the fix", async () => {
  const media = (await emulatorState(emulator)).pictory.aws[0]!;
  await adminEdit(emulator, `pictory/aws/${String(media.connectionId)}`, {
    description: "edited in the dashboard",
  });
  const run = await pipeline("drift");
  expectExit(run, 2);
  expect(run.summary).toContain(
    '| media | pictory:AwsConnection | description | "raw footage, managed from Git" | "edited in the dashboard" |',
  );
  expect(run.summary).toContain("Converge with `pulumi up --refresh --stack prod`.");
  expect(run.output).toContain("**Drift found**");
});

test("up converges the drift, and the next drift check is clean", async () => {
  expectExit(await pipeline("up"), 0);
  const media = (await emulatorState(emulator)).pictory.aws[0]!;
  expect(media.description).toBe("raw footage, managed from Git");
  const run = await pipeline("drift");
  expectExit(run, 0);
  expect(run.summary).toContain("**No drift**");
});

describe("on a PostgreSQL backend", () => {
  // The same steps with PULUMI_BACKEND_URL=postgres://, the password in PGPASSWORD, on a server
  // this file starts, and no GOMAXPROCS in the environment: pipeline.sh sets it for postgres://.
  let pg: RunningPostgres;
  let pgEmulator: RunningEmulator;
  let at: { dir: string; env: Record<string, string> };

  beforeAll(async () => {
    pg = await startPostgres("gitops_state");
    pgEmulator = await startEmulator();
    const pgDir = checkout();
    const stateDir = path.join(pgDir, ".state");
    mkdirSync(path.join(stateDir, "home"), { recursive: true });
    const { GOMAXPROCS: _unset, ...rest } = env;
    at = {
      dir: pgDir,
      env: {
        ...rest,
        PULUMI_HOME: path.join(stateDir, "home"),
        PULUMI_BACKEND_URL: pg.bareUrl,
        PGPASSWORD: pg.password,
        PICTORY_BASE_URL: `${pgEmulator.url}/pictoryapis`,
        APINIZER_BASE_URL: `${pgEmulator.url}/apiops`,
      },
    };
  });
  afterAll(async () => {
    await pgEmulator?.stop();
    await pg?.stop();
  });

  test("pipeline.sh runs pulumi with GOMAXPROCS=8 for a postgres:// backend unless it is set", async () => {
    // A stand-in `pulumi` first on PATH that reports the GOMAXPROCS it was given.
    const fakeBin = path.join(at.dir, ".fake-bin");
    mkdirSync(fakeBin, { recursive: true });
    writeFileSync(
      path.join(fakeBin, "pulumi"),
      '#!/usr/bin/env bash\necho "pulumi $1 GOMAXPROCS=${GOMAXPROCS-unset}"\n',
      { mode: 0o755 },
    );
    const seen = async (extra: Record<string, string>) => {
      const run = await pipeline("preview", {
        dir: at.dir,
        env: { ...at.env, PATH: `${fakeBin}${path.delimiter}${at.env.PATH}`, ...extra },
      });
      expectExit(run, 0);
      return [...run.output.matchAll(/^pulumi (\S+) GOMAXPROCS=(\S+)$/gm)].map(
        (m) => `${m[1]} ${m[2]}`,
      );
    };
    expect(await seen({})).toEqual(["stack 8", "preview 8"]);
    expect(await seen({ GOMAXPROCS: "16" })).toEqual(["stack 16", "preview 16"]);
    expect(await seen({ PULUMI_BACKEND_URL: "s3://bucket/prefix" })).toEqual([
      "stack unset",
      "preview unset",
    ]);
  });

  test("up creates the connections with the state in the database, and drift is clean", async () => {
    const up = await pipeline("up", at);
    expectExit(up, 0, [pg.password]);
    expect((await emulatorState(pgEmulator)).pictory.aws).toEqual([
      expect.objectContaining({ name: "gitops-media" }),
    ]);
    const checkpoint = pg
      .stateRows()
      .find((r) => r.key === "gitops_state/.pulumi/stacks/connections-gitops/prod.json");
    expect(checkpoint).toBeDefined();
    expect(checkpoint!.bytes.toString("utf8")).toContain("gitops-media");
    const drift = await pipeline("drift", at);
    expectExit(drift, 0, [pg.password]);
    expect(drift.summary).toContain("**No drift**: 2 connections checked.");
  });
});
