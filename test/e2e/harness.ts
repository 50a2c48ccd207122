import { ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";
import { Stack } from "@pulumi/pulumi/automation";
import { fingerprint, RunningEmulator, startEmulator, EmulatorOptions } from "../../emulator";
import { emulatorConfig, ensurePulumi, localEnv, localStack } from "../../scripts/workspace";

const ROOT = path.resolve(__dirname, "..", "..");

/** One resource of the test program: its kind, Pulumi name, plain args and secret args (from config). */
export interface ResourceSpec {
  readonly kind: "aws" | "vimeo" | "apinizer";
  readonly name: string;
  readonly args: Record<string, unknown>;
  /** Field → value; passed through secret stack config, as a user would. */
  readonly secrets?: Record<string, string>;
}

/**
 * The program every engine test runs: it declares whatever the `resources` config says, so a test
 * changes the program by changing config. It requires the installed package by name.
 */
const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const { pictory, apinizer } = require("pulumi-connections");
const cfg = new pulumi.Config();
const specs = JSON.parse(cfg.require("resources"));
const classes = { aws: pictory.AwsConnection, vimeo: pictory.VimeoConnection, apinizer: apinizer.Connection };
const out = {};
for (const spec of specs) {
  const args = { ...spec.args };
  for (const field of Object.keys(spec.secrets || {})) args[field] = cfg.requireSecret("secret-" + spec.name + "-" + field);
  const r = new classes[spec.kind](spec.name, args);
  out[spec.name] = { id: r.id, name: r.name, version: r.version };
}
module.exports = out;
`;

export interface EngineProject {
  readonly dir: string;
  readonly stateDir: string;
  readonly stack: Stack;
  readonly emulator: RunningEmulator;
  /** Sets the program's resources (and their secrets in secret config). */
  setResources(resources: readonly ResourceSpec[]): Promise<void>;
  /** API requests since the last call, as "METHOD family status". */
  takeRequests(): string[];
  /** All bytes under the backend folder (state, history, backups). */
  stateBytes(): string;
  /**
   * Starts the Pulumi CLI in the project with the stack's environment (plus `env`), as a user's
   * shell or a CI job would, in its own process group so that the group can be killed.
   */
  startPulumi(args: readonly string[], env?: Readonly<Record<string, string>>): PulumiProcess;
  /** Runs the Pulumi CLI to completion; never throws on a non-zero exit. */
  runPulumi(args: readonly string[], env?: Readonly<Record<string, string>>): Promise<PulumiResult>;
  /** `pulumi stack export` as a user runs it (secrets stay encrypted, unlike the Automation API's). */
  exportStack(): {
    resources: {
      type: string;
      inputs?: Record<string, unknown>;
      outputs?: Record<string, unknown>;
    }[];
  } & Record<string, unknown>;
  close(): Promise<void>;
}

export interface PulumiResult {
  /** Exit code; null when killed by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stdout and stderr, interleaved as they arrived. */
  readonly output: string;
}

export interface PulumiProcess {
  readonly child: ChildProcess;
  /** Output so far. */
  output(): string;
  readonly done: Promise<PulumiResult>;
}

/** Collects an Automation API operation's stdout and stderr, for scanning. */
export function captureOutput(): {
  onOutput: (s: string) => void;
  onError: (s: string) => void;
  text(): string;
} {
  const chunks: string[] = [];
  return {
    onOutput: (s) => void chunks.push(s),
    onError: (s) => void chunks.push(s),
    text: () => chunks.join(""),
  };
}

/** The needles found in any haystack, as "needle in where"; empty when none is. */
export function leaks(
  haystacks: Readonly<Record<string, string>>,
  needles: readonly string[],
): string[] {
  const hits: string[] = [];
  for (const needle of new Set(needles)) {
    if (needle === "") continue;
    for (const [where, text] of Object.entries(haystacks)) {
      if (text.includes(needle)) hits.push(`${needle} in ${where}`);
    }
  }
  return hits;
}

/** The credentials every engine test configures (scripts/workspace.ts emulatorConfig). */
export const CREDENTIALS: readonly string[] = ["pictai_emulator_key", "apinizer_emulator_token"];

/** A Pulumi project in a fresh folder with the packed package extracted into its node_modules. */
export async function engineProject(
  name: string,
  emulatorOptions: EmulatorOptions = {},
): Promise<EngineProject> {
  const tarball = process.env.E2E_TARBALL;
  if (!tarball)
    throw new Error(
      "E2E_TARBALL is not set: run the engine tests through jest (test/global-setup.ts)",
    );
  // Under the repository, so that @pulumi/pulumi, undici and zod resolve from its node_modules and
  // the program and the package share one @pulumi/pulumi.
  const base = path.join(ROOT, ".e2e-work", "projects");
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, `${name}-`));
  const pkgDir = path.join(dir, "node_modules", "pulumi-connections");
  mkdirSync(pkgDir, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", pkgDir, "--strip-components=1"]);
  writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\nmain: index.js\n`);
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name, private: true, main: "index.js" }),
  );
  writeFileSync(path.join(dir, "index.js"), PROGRAM);

  const emulator = await startEmulator(emulatorOptions);
  const stateDir = path.join(dir, ".state");
  const stack = await localStack({
    workDir: dir,
    stackName: "test",
    stateDir,
    config: {
      ...emulatorConfig(emulator.url),
      "connections:retryBaseMs": { value: "50" },
      resources: { value: "[]" },
    },
  });
  let seen = 0;
  function startPulumi(
    args: readonly string[],
    env: Readonly<Record<string, string>> = {},
  ): PulumiProcess {
    const child = spawn(path.join(ensurePulumi(), "pulumi"), [...args, "--stack", "test"], {
      cwd: dir,
      env: { ...process.env, ...localEnv(stateDir, env) },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const chunks: string[] = [];
    child.stdout!.setEncoding("utf8").on("data", (s: string) => chunks.push(s));
    child.stderr!.setEncoding("utf8").on("data", (s: string) => chunks.push(s));
    const done = new Promise<PulumiResult>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) => resolve({ code, signal, output: chunks.join("") }));
    });
    return { child, output: () => chunks.join(""), done };
  }
  return {
    dir,
    stateDir,
    stack,
    emulator,
    async setResources(resources) {
      const config: Record<string, { value: string; secret?: boolean }> = {
        resources: {
          value: JSON.stringify(
            resources.map(({ secrets, ...r }) => ({
              ...r,
              secrets: secrets
                ? Object.fromEntries(Object.keys(secrets).map((k) => [k, true]))
                : {},
            })),
          ),
        },
      };
      for (const r of resources) {
        for (const [field, value] of Object.entries(r.secrets ?? {})) {
          config[`secret-${r.name}-${field}`] = { value, secret: true };
        }
      }
      await stack.setAllConfig(config);
    },
    takeRequests() {
      const all = emulator.requests();
      const fresh = all.slice(seen);
      seen = all.length;
      return fresh.map((r) => `${r.method} ${r.family} ${r.status}`);
    },
    stateBytes() {
      return readTree(path.join(stateDir, "backend"));
    },
    startPulumi,
    runPulumi(args, env) {
      return startPulumi(args, env).done;
    },
    exportStack() {
      const out = execFileSync(
        path.join(ensurePulumi(), "pulumi"),
        ["stack", "export", "--stack", "test"],
        {
          cwd: dir,
          env: { ...process.env, ...localEnv(stateDir) },
          encoding: "utf8",
          // A few MB at 200 connections; the default 1 MB is too small.
          maxBuffer: 256 * 1024 * 1024,
        },
      );
      return JSON.parse(out).deployment;
    },
    async close() {
      await emulator.stop();
    },
  };
}

function readTree(dir: string): string {
  let out = "";
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry);
    out += statSync(p).isDirectory() ? readTree(p) : readFileSync(p, "latin1");
  }
  return out;
}

/** Connections the emulator holds for the default tenant. */
export async function emulatorState(emulator: RunningEmulator): Promise<{
  pictory: { aws: Record<string, unknown>[]; vimeo: Record<string, unknown>[] };
  apinizer: Record<string, Record<string, unknown>[]>;
}> {
  const res = await fetch(`${emulator.url}/_emulator/state?tenant=pictai_emulator_key`);
  return ((await res.json()) as { tenants: never[] }).tenants[0]!;
}

export async function adminEdit(
  emulator: RunningEmulator,
  target: string,
  body: object | null,
): Promise<void> {
  const res = await fetch(`${emulator.url}/_emulator/${target}`, {
    method: body ? "PATCH" : "DELETE",
    headers: { "content-type": "application/json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`admin ${target}: ${res.status} ${await res.text()}`);
}

/** The error message of an operation expected to fail, or "" when it succeeded. */
export function failureOf(operation: Promise<unknown>): Promise<string> {
  return operation.then(
    () => "",
    (e: Error) => e.message,
  );
}

export interface FleetOptions {
  /** Connection names are `<prefix>-aws-<i>`, `<prefix>-vimeo-<i>`, `<prefix>-mail-<i>`. */
  readonly prefix: string;
  /** @default none */
  readonly description?: string;
  /** The secret value of one field of one resource (by Pulumi name). */
  readonly secret: (resource: string, field: string) => string;
}

/** N connections spread over the three kinds, a third each; Vimeo and Apinizer ones carry secrets. */
export function fleet(n: number, opts: FleetOptions): ResourceSpec[] {
  const { prefix, description, secret } = opts;
  return Array.from({ length: n }, (_, i): ResourceSpec => {
    switch (i % 3) {
      case 0:
        return {
          kind: "aws",
          name: `aws${i}`,
          args: {
            name: `${prefix}-aws-${i}`,
            awsAccountId: "123456789012",
            awsRegion: "us-east-2",
            description,
          },
        };
      case 1:
        return {
          kind: "vimeo",
          name: `vimeo${i}`,
          args: { name: `${prefix}-vimeo-${i}`, clientIdentifier: `cid-${i}`, description },
          secrets: {
            clientSecret: secret(`vimeo${i}`, "clientSecret"),
            accessToken: secret(`vimeo${i}`, "accessToken"),
          },
        };
      default:
        return {
          kind: "apinizer",
          name: `mail${i}`,
          args: {
            projectName: "demo",
            name: `${prefix}-mail-${i}`,
            type: "email",
            host: "smtp.example.com",
            auth: true,
            username: `bot${i}`,
            description,
          },
          secrets: { password: secret(`mail${i}`, "password") },
        };
    }
  });
}

/** Options of {@link engineProjectOn}. */
export interface BackendProjectOptions {
  /** PULUMI_BACKEND_URL of every CLI run, the Automation API's included, e.g. `postgres://...`. */
  readonly backendUrl: string;
  /** More environment of every CLI run (e.g. GOMAXPROCS for the PostgreSQL backend). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * What {@link EngineProject.stateBytes} returns: the backend is not a folder of this project, so
   * the caller says how to read what it holds (e.g. the decoded rows of a state table).
   */
  readonly stateBytes: () => string;
  /**
   * A second checkout of that project, as a second CI runner has: the same program and project
   * name, its stack config file (`Pulumi.test.yaml`, with the passphrase's salt) copied, its
   * emulator shared, and a PULUMI_HOME of its own. Its stack must already be in the backend.
   */
  readonly copyOf?: EngineProject;
  readonly emulatorOptions?: EmulatorOptions;
}

/**
 * {@link engineProject} on a backend given by URL instead of a `file://` folder of its own; every
 * CLI run (startPulumi, runPulumi, exportStack, the Automation API's stack) uses that backend.
 */
export async function engineProjectOn(
  name: string,
  opts: BackendProjectOptions,
): Promise<EngineProject> {
  const tarball = process.env.E2E_TARBALL;
  if (!tarball)
    throw new Error(
      "E2E_TARBALL is not set: run the engine tests through jest (test/global-setup.ts)",
    );
  const base = path.join(ROOT, ".e2e-work", "projects");
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, `${name}-`));
  const pkgDir = path.join(dir, "node_modules", "pulumi-connections");
  mkdirSync(pkgDir, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", pkgDir, "--strip-components=1"]);
  writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\nmain: index.js\n`);
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name, private: true, main: "index.js" }),
  );
  writeFileSync(path.join(dir, "index.js"), PROGRAM);
  const backendEnv = { ...opts.env, PULUMI_BACKEND_URL: opts.backendUrl };
  const stateDir = path.join(dir, ".state");

  const ownsEmulator = !opts.copyOf;
  const emulator = opts.copyOf?.emulator ?? (await startEmulator(opts.emulatorOptions));
  let stack: Stack;
  try {
    if (opts.copyOf) {
      const config = path.join(opts.copyOf.dir, "Pulumi.test.yaml");
      writeFileSync(path.join(dir, "Pulumi.test.yaml"), readFileSync(config));
      stack = await localStack({ workDir: dir, stackName: "test", stateDir, env: backendEnv });
    } else {
      stack = await localStack({
        workDir: dir,
        stackName: "test",
        stateDir,
        env: backendEnv,
        config: {
          ...emulatorConfig(emulator.url),
          "connections:retryBaseMs": { value: "50" },
          resources: { value: "[]" },
        },
      });
    }
  } catch (e) {
    if (ownsEmulator) await emulator.stop();
    throw e;
  }
  const cliEnv = (extra: Readonly<Record<string, string>> = {}) => ({
    ...process.env,
    ...localEnv(stateDir, { ...backendEnv, ...extra }),
  });
  let seen = 0;
  function startPulumi(
    args: readonly string[],
    env: Readonly<Record<string, string>> = {},
  ): PulumiProcess {
    const child = spawn(path.join(ensurePulumi(), "pulumi"), [...args, "--stack", "test"], {
      cwd: dir,
      env: cliEnv(env),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const chunks: string[] = [];
    child.stdout!.setEncoding("utf8").on("data", (s: string) => chunks.push(s));
    child.stderr!.setEncoding("utf8").on("data", (s: string) => chunks.push(s));
    const done = new Promise<PulumiResult>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) => resolve({ code, signal, output: chunks.join("") }));
    });
    return { child, output: () => chunks.join(""), done };
  }
  return {
    dir,
    stateDir,
    stack,
    emulator,
    async setResources(resources) {
      const config: Record<string, { value: string; secret?: boolean }> = {
        resources: {
          value: JSON.stringify(
            resources.map(({ secrets, ...r }) => ({
              ...r,
              secrets: secrets
                ? Object.fromEntries(Object.keys(secrets).map((k) => [k, true]))
                : {},
            })),
          ),
        },
      };
      for (const r of resources) {
        for (const [field, value] of Object.entries(r.secrets ?? {})) {
          config[`secret-${r.name}-${field}`] = { value, secret: true };
        }
      }
      await stack.setAllConfig(config);
    },
    takeRequests() {
      const all = emulator.requests();
      const fresh = all.slice(seen);
      seen = all.length;
      return fresh.map((r) => `${r.method} ${r.family} ${r.status}`);
    },
    stateBytes: opts.stateBytes,
    startPulumi,
    runPulumi(args, env) {
      return startPulumi(args, env).done;
    },
    exportStack() {
      const out = execFileSync(
        path.join(ensurePulumi(), "pulumi"),
        ["stack", "export", "--stack", "test"],
        { cwd: dir, env: cliEnv(), encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
      );
      return JSON.parse(out).deployment;
    },
    async close() {
      if (ownsEmulator) await emulator.stop();
    },
  };
}

/** The processes of a session (Linux /proc), as pids. */
export function sessionProcesses(sid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // gone
    }
    // "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[3]) === sid) pids.push(Number(entry));
  }
  return pids;
}

/**
 * Kills a `startPulumi` run the way a lost CI runner dies: every process of its session. Pulumi
 * 3.259 starts each plugin (language host, provider) in a process group of its own
 * (cmdutil.RegisterProcessGroup), so killing the CLI's group leaves them running; they stay in
 * the CLI's session, which `startPulumi` (detached) makes. Returns once none is left.
 */
export async function killSession(sid: number, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pids = sessionProcesses(sid);
    if (pids.length === 0) return;
    if (Date.now() > deadline) throw new Error(`session ${sid} still has processes ${pids}`);
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What a run of the package's own CLI printed, and its exit code. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `pulumi-connections ARGS` (the built `dist/cli/main.js`) with the project's environment. */
export function runCli(
  p: Pick<EngineProject, "stateDir">,
  args: readonly string[],
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "dist", "cli", "main.js"), ...args], {
      env: { ...process.env, ...localEnv(p.stateDir) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Replaces a project's program (`index.js`) with `source`, which requires the installed package by name. */
export function writeProgram(p: EngineProject, source: string): void {
  writeFileSync(path.join(p.dir, "index.js"), source);
}

/** A second stack of an {@link engineProject}: see {@link extraStack}. */
export interface ExtraStack {
  readonly name: string;
  readonly stack: Stack;
  /** Runs the Pulumi CLI on this stack to completion; never throws on a non-zero exit. */
  runPulumi(args: readonly string[], env?: Readonly<Record<string, string>>): Promise<PulumiResult>;
}

/**
 * Another stack of the same project: its folder, program, file backend and emulator, with its own
 * stack config (the emulator's, as {@link engineProject} sets it). For tests where the stack name
 * matters, such as autonaming.
 */
export async function extraStack(p: EngineProject, stackName: string): Promise<ExtraStack> {
  const stack = await localStack({
    workDir: p.dir,
    stackName,
    stateDir: p.stateDir,
    config: {
      ...emulatorConfig(p.emulator.url),
      "connections:retryBaseMs": { value: "50" },
      resources: { value: "[]" },
    },
  });
  return {
    name: stackName,
    stack,
    runPulumi(args, env = {}) {
      const child = spawn(path.join(ensurePulumi(), "pulumi"), [...args, "--stack", stackName], {
        cwd: p.dir,
        env: { ...process.env, ...localEnv(p.stateDir, env) },
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const chunks: string[] = [];
      child.stdout!.setEncoding("utf8").on("data", (s: string) => chunks.push(s));
      child.stderr!.setEncoding("utf8").on("data", (s: string) => chunks.push(s));
      return new Promise<PulumiResult>((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code, signal) => resolve({ code, signal, output: chunks.join("") }));
      });
    },
  };
}

/**
 * Expects each Vimeo and Apinizer connection in `state` (see {@link emulatorState}) to hold the
 * secrets its spec declares, by the fingerprints the emulator keeps of them.
 */
export function expectSecretsApplied(
  state: Awaited<ReturnType<typeof emulatorState>>,
  specs: readonly ResourceSpec[],
): void {
  const specOf = (name: unknown) => specs.find((r) => r.args.name === name)!;
  for (const c of state.pictory.vimeo) {
    const spec = specOf(c.name);
    expect(c).toMatchObject({
      clientSecret: fingerprint(spec.secrets!.clientSecret!),
      accessToken: fingerprint(spec.secrets!.accessToken!),
    });
  }
  for (const c of state.apinizer.demo ?? []) {
    expect(c).toMatchObject({ password: fingerprint(specOf(c.name).secrets!.password!) });
  }
}
