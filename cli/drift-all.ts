/**
 * `pulumi-connections drift --all-stacks`: the single-stack check (a refresh preview, reported per
 * connection) over every stack of the backend, a few at a time, in one report. Pulumi Cloud has its
 * own drift detection; `pulumi stack drift` refuses self-managed backends, which this is for.
 *
 * Per stack, in order:
 * 1. a stack of another project than the one in `--cwd` is `failed`: its program, its stack config
 *    and its `node_modules` are in its own directory;
 * 2. the backend's lock (backend-locks.ts): held → `busy`, and nothing is read;
 * 3. `pulumi stack export` (secrets stay encrypted): pending operations → an update in progress
 *    or an interrupted one (see {@link pendingStack});
 * 4. the refresh preview, as `pulumi-connections drift --stack` runs it;
 * 5. the lock and the export again: a lock taken or a state written meanwhile → `busy`, the
 *    result discarded, since it may mix states from before and after the update.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import * as path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { spawn } from "node:child_process";
import { describeBackend, LockCheck, LockReader, lockReaderFor, StackLock } from "./backend-locks";
import {
  AllStacksReport,
  buildAllStacksReport,
  changedStack,
  checkedStack,
  describeLock,
  exitCodeOfAll,
  failedStack,
  lockedStack,
  pendingStack,
  redactReport,
  secretsOf,
  StackCheck,
} from "./drift-all-report";
import { renderAll } from "./drift-all-render";
import {
  buildReport,
  ExitCode,
  StackResources,
  stackResourcesOf,
  summarizeFailure,
} from "./drift-report";
import type { ReportFormat } from "./drift-render";
import { pulumiCommand } from "./pulumi-cli";
import { ConfigEntry, configSecretsOf, StackSecretsError } from "./stack-secrets";

export interface DriftAllOptions {
  readonly allStacks: true;
  /** The Pulumi project directory: every stack is refreshed there, with its stack config. */
  readonly workDir: string;
  readonly format: ReportFormat;
  /** Only this project's stacks; by default every stack of the backend. */
  readonly project?: string;
  /** Stacks checked at once. */
  readonly parallel: number;
}

export { DEFAULT_PARALLEL, MAX_PARALLEL } from "./options";

/** One stack of `pulumi stack ls --json --fully-qualify-stack-names`. */
export interface ListedStack {
  /** `organization/<project>/<stack>` (diy), `<org>/<project>/<stack>` (Cloud), `<stack>` (legacy diy). */
  readonly name: string;
  /** Set by backends that know (Pulumi Cloud); the diy backends never set it. */
  readonly updateInProgress?: boolean;
}

/** What the check asks of the Pulumi CLI; injectable, so the sequence is unit tested. */
export interface StackOps {
  /** Every stack of the backend, or of one project. Rejects with the CLI's message. */
  list(project?: string): Promise<ListedStack[]>;
  /**
   * `pulumi stack export` of a stack, as text; with `showSecrets`, secrets decrypted (kept in
   * memory only, to mask them: cli/stack-secrets.ts). Rejects with the CLI's message.
   */
  exportState(stack: string, showSecrets?: boolean): Promise<string>;
  /** `pulumi config --show-secrets --json` of a stack. Rejects with the CLI's message. */
  readConfig(stack: string): Promise<Readonly<Record<string, ConfigEntry>>>;
  /** The refresh preview's engine events, and its failure if it failed; never rejects. */
  refreshPreview(stack: string): Promise<{ events: EngineEvent[]; failure?: string }>;
}

/** `organization/proj/dev` → project `proj`, stack `dev`; a legacy `dev` has no project. */
export function splitStackName(name: string): { project?: string; stack: string } {
  const parts = name.split("/");
  if (parts.length === 3) return { project: parts[1]!, stack: parts[2]! };
  return { stack: parts[parts.length - 1]! };
}

/** `pulumi stack ls --json` output → the stacks; throws on anything else. */
export function parseStackList(stdout: string): ListedStack[] {
  const raw: unknown = JSON.parse(stdout);
  if (!Array.isArray(raw)) throw new Error("`pulumi stack ls --json` printed no list");
  return raw.map((entry: unknown) => {
    const e = entry as { name?: unknown; updateInProgress?: unknown };
    if (typeof e?.name !== "string")
      throw new Error("`pulumi stack ls --json`: a stack without a name");
    return {
      name: e.name,
      ...(e.updateInProgress === true ? { updateInProgress: true } : {}),
    };
  });
}

/** The `pending_operations` of a `pulumi stack export`. */
export function pendingOperationsOf(exported: string): { type?: unknown }[] {
  const parsed = JSON.parse(exported) as { deployment?: { pending_operations?: unknown } };
  const pending = parsed?.deployment?.pending_operations;
  return Array.isArray(pending) ? (pending as { type?: unknown }[]) : [];
}

/** Runs `fn` over `items`, at most `limit` at a time; results in the order of `items`. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

export interface CheckAllInput {
  readonly ops: StackOps;
  /** The backend's lock reader; undefined when its locks cannot be read. */
  readonly locks?: LockReader;
  readonly lockCheck: LockCheck;
  /** The backend as printed (no credentials). */
  readonly backend: string;
  /** The project of the `--cwd` directory. */
  readonly currentProject?: string;
  readonly workDir: string;
  readonly project?: string;
  readonly parallel: number;
}

/** Checks every stack; never rejects: every failure is in the report. */
export async function checkAllStacks(input: CheckAllInput): Promise<AllStacksReport> {
  let listed: ListedStack[];
  try {
    listed = await input.ops.list(input.project);
  } catch (e) {
    return buildAllStacksReport({
      backend: input.backend,
      ...(input.project !== undefined ? { project: input.project } : {}),
      lockCheck: input.lockCheck,
      stacks: [],
      listingError: summarizeFailure(e),
    });
  }
  const stacks = await mapLimit(listed, input.parallel, async (entry) => {
    try {
      return await checkStack(input, entry);
    } catch (e) {
      return failedStack(splitStackName(entry.name).stack, summarizeFailure(e));
    }
  });
  return buildAllStacksReport({
    backend: input.backend,
    ...(input.project !== undefined ? { project: input.project } : {}),
    lockCheck: input.lockCheck,
    stacks,
  });
}

async function checkStack(input: CheckAllInput, entry: ListedStack): Promise<StackCheck> {
  const { ops, locks, currentProject } = input;
  const { project, stack } = splitStackName(entry.name);
  const ours = project === undefined || currentProject === undefined || project === currentProject;
  // As `--stack` takes it in the project directory: short for this project's stacks.
  const name = ours ? stack : entry.name;
  if (!ours) {
    return failedStack(
      name,
      `a stack of project "${project}", not of the project in ${input.workDir} ("${currentProject}"): ` +
        `check it from its own project directory (--cwd), or pass --project ${currentProject}`,
      project,
    );
  }
  if (entry.updateInProgress) {
    return {
      stack: name,
      ...(project !== undefined ? { project } : {}),
      status: "busy",
      reason:
        "the backend reports an update in progress: not read while its state is being written",
    };
  }

  const readLocks = async (): Promise<StackLock[] | string> => {
    if (!locks) return [];
    try {
      return await locks.read(entry.name);
    } catch (e) {
      return `the stack's lock could not be read: ${e instanceof Error ? e.message : String(e)}`;
    }
  };
  const exportState = async (): Promise<string | { error: string }> => {
    try {
      return await ops.exportState(entry.name, true);
    } catch (e) {
      return { error: `its state could not be exported: ${summarizeFailure(e)}` };
    }
  };

  const held = await readLocks();
  if (typeof held === "string") return failedStack(name, held, project);
  if (held.length > 0) return lockedStack(name, held, project);

  const before = await exportState();
  if (typeof before !== "string") return failedStack(name, before.error, project);
  let pending: { type?: unknown }[];
  let resources: StackResources;
  try {
    pending = pendingOperationsOf(before);
    resources = stackResourcesOf((JSON.parse(before) as { deployment?: unknown }).deployment);
  } catch (e) {
    if (e instanceof StackSecretsError) return failedStack(name, e.message, project);
    return failedStack(name, "its state export is not JSON", project);
  }
  try {
    const config = configSecretsOf(await ops.readConfig(entry.name), process.env);
    resources = { ...resources, secrets: [...resources.secrets, ...config] };
  } catch (e) {
    return failedStack(name, `its config could not be read: ${summarizeFailure(e)}`, project);
  }
  if (pending.length > 0) return pendingStack(name, pending, locks !== undefined, project);

  const { events, failure } = await ops.refreshPreview(entry.name);

  const heldAfter = await readLocks();
  if (typeof heldAfter === "string") return failedStack(name, heldAfter, project);
  if (heldAfter.length > 0)
    return changedStack(
      name,
      `its lock was taken by ${heldAfter.map(describeLock).join("; ")}`,
      project,
    );
  const after = await exportState();
  if (typeof after !== "string") return failedStack(name, after.error, project);
  if (after !== before) return changedStack(name, "its state was written", project);

  return checkedStack(buildReport(name, events, resources, failure), project);
}

/**
 * The environment of every CLI run the check makes, beyond the user's own: `--event-log` needs
 * PULUMI_DEBUG_COMMANDS (the Automation API sets it too), and GOMAXPROCS, unless set, is raised to
 * at least 8. The PostgreSQL backend opens 2 × GOMAXPROCS connections and listing stacks holds
 * them all: on a 2-core machine `pulumi stack ls` of 4 or more stacks never returns.
 */
export function childEnv(
  env: Readonly<Record<string, string | undefined>>,
  cores: number = availableParallelism(),
): Record<string, string> {
  return {
    PULUMI_DEBUG_COMMANDS: "true",
    ...(env.GOMAXPROCS ? {} : { GOMAXPROCS: String(Math.max(8, cores)) }),
  };
}

/** The `name:` of a Pulumi.yaml, or undefined. */
export function projectNameOf(workDir: string): string | undefined {
  for (const file of ["Pulumi.yaml", "Pulumi.yml"]) {
    let text: string;
    try {
      text = readFileSync(path.join(workDir, file), "utf8");
    } catch {
      continue;
    }
    const m = /^name:[ \t]*(.+?)[ \t]*(?:#.*)?$/m.exec(text);
    return m ? m[1]!.replace(/^(["'])(.*)\1$/, "$2") : undefined;
  }
  return undefined;
}

/** Runs the Pulumi CLI; rejects on a non-zero exit with its output in the message. */
type Cli = (args: string[]) => Promise<{ stdout: string; stderr: string }>;

/**
 * The Pulumi CLI at `bin`, run as the Automation API runs it: its folder first on PATH (so that
 * its bundled plugins are used), `--non-interactive`, and a failure's message carrying `stdout`
 * and `stderr` as the Automation API's CommandError does (so {@link summarizeFailure} reads both
 * the same way).
 */
export function cliAt(
  bin: string,
  cwd: string,
  extraEnv: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Cli {
  const PATH = path.isAbsolute(bin)
    ? [path.dirname(bin), env.PATH ?? ""].join(path.delimiter)
    : (env.PATH ?? "");
  return (args) =>
    new Promise((resolve, reject) => {
      const child = spawn(bin, [...args, "--non-interactive"], {
        cwd,
        env: { ...env, ...extraEnv, PATH },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (b: Buffer) => out.push(b));
      child.stderr.on("data", (b: Buffer) => err.push(b));
      child.on("error", reject);
      child.on("close", (code, signal) => {
        const stdout = Buffer.concat(out).toString("utf8");
        const stderr = Buffer.concat(err).toString("utf8");
        if (code === 0) resolve({ stdout, stderr });
        else
          reject(
            new Error(
              `\`pulumi ${args.slice(0, 2).join(" ")}\` exited with ${code ?? signal}\n` +
                `stdout:\n${stdout}\nstderr:\n${stderr}`,
            ),
          );
      });
    });
}

/** {@link StackOps} with the real CLI, in the project directory. */
export function cliStackOps(cli: Cli): StackOps {
  return {
    async list(project) {
      const args = ["stack", "ls", "--json", "--fully-qualify-stack-names"];
      args.push(...(project !== undefined ? ["--project", project] : ["--all"]));
      return parseStackList((await cli(args)).stdout);
    },
    async exportState(stack, showSecrets = false) {
      const args = ["stack", "export", "--stack", stack];
      return (await cli(showSecrets ? [...args, "--show-secrets"] : args)).stdout;
    },
    async readConfig(stack) {
      const { stdout } = await cli(["config", "--show-secrets", "--json", "--stack", stack]);
      return JSON.parse(stdout) as Record<string, ConfigEntry>;
    },
    async refreshPreview(stack) {
      const dir = mkdtempSync(path.join(tmpdir(), "pulumi-connections-drift-"));
      const log = path.join(dir, "events.jsonl");
      let failure: string | undefined;
      try {
        try {
          await cli(["refresh", "--preview-only", "--stack", stack, "--event-log", log]);
        } catch (e) {
          failure = summarizeFailure(e);
        }
        return { events: readEvents(log), ...(failure !== undefined ? { failure } : {}) };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The engine events of an `--event-log` file; a torn last line (a killed CLI) is skipped. */
export function readEvents(file: string): EngineEvent[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  const events: EngineEvent[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      events.push(JSON.parse(line) as EngineEvent);
    } catch {
      // Not a whole event.
    }
  }
  return events;
}

/** Where the command writes. */
export interface DriftAllIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Runs `drift --all-stacks`; resolves to its exit code. */
export async function driftAll(opts: DriftAllOptions, io: DriftAllIo): Promise<ExitCode> {
  const report = await runAllStacks(opts);
  io.stdout(renderAll(report, opts.format));
  return exitCodeOfAll(report);
}

/** The whole check with the real CLI and the user's environment; the report is redacted. */
export async function runAllStacks(
  opts: DriftAllOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<AllStacksReport> {
  const cli = cliAt((await pulumiCommand()).command, opts.workDir, childEnv(env), env);

  let backendUrl = env.PULUMI_BACKEND_URL;
  let whoamiError: string | undefined;
  if (!backendUrl) {
    try {
      backendUrl = (JSON.parse((await cli(["whoami", "--json"])).stdout) as { url?: string }).url;
    } catch (e) {
      whoamiError = summarizeFailure(e);
    }
  }
  const secrets = secretsOf(env, backendUrl);
  const backend = backendUrl ? describeBackend(backendUrl) : "the current backend";
  let locks: LockReader | undefined;
  let lockError: string | undefined;
  try {
    locks = backendUrl ? lockReaderFor(backendUrl, opts.workDir, env) : undefined;
  } catch (e) {
    lockError = e instanceof Error ? e.message : String(e);
  }
  const lockCheck: LockCheck =
    locks?.kind ?? (backendUrl && /^https?:\/\//.test(backendUrl) ? "service" : "none");

  const ops = cliStackOps(cli);
  const setupError = whoamiError ?? lockError;
  const report = await checkAllStacks({
    ops: setupError
      ? {
          ...ops,
          list: () => Promise.reject(new Error(setupError)),
        }
      : ops,
    ...(locks ? { locks } : {}),
    lockCheck,
    backend,
    currentProject: projectNameOf(opts.workDir),
    workDir: opts.workDir,
    ...(opts.project !== undefined ? { project: opts.project } : {}),
    parallel: opts.parallel,
  });
  return redactReport(report, secrets);
}
