/**
 * `pulumi-connections drift --all-stacks`: the single-stack check (a refresh preview, reported per
 * connection) over every stack of the backend, a few at a time, in one report. Pulumi Cloud has its
 * own drift detection; `pulumi stack drift` refuses self-managed backends, which this is for.
 *
 * Per stack, in order:
 * 1. a stack of another project than the one in `--cwd` is `failed`: its program, its stack config
 *    and its `node_modules` are in its own directory;
 * 2. the backend's lock (shared/backend-locks.ts): held → `busy`, and nothing is read;
 * 3. `pulumi stack export --show-secrets` and `pulumi config --show-secrets`, the stack's
 *    secrets kept in memory to mask them in what the API returns (shared/stack-secrets.ts; a
 *    passphrase that does not decrypt them fails the stack, saying so); pending operations → an
 *    update in progress or an interrupted one (see {@link pendingStack});
 * 4. the refresh preview, as `pulumi-connections drift --stack` runs it;
 * 5. the lock and the export again: a lock taken or a state written meanwhile → `busy`, the
 *    result discarded, since it may mix states from before and after the update.
 */
import { configSecretsOf, passphraseFailure, StackSecretsError } from "../shared/stack-secrets";
import {
  describeBackend,
  LockCheck,
  LockReader,
  lockReaderFor,
  StackLock,
} from "../shared/backend-locks";
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
  StackCheck,
} from "./all-report";
import { renderAll } from "./all-render";
import { buildReport, ExitCode, StackResources, stackResourcesOf } from "./report";
import type { ReportFormat } from "./render";
import { pulumiCommand } from "../shared/pulumi-cli";
import { redactReport, secretsOf } from "../shared/redaction";
import { summarizeFailure } from "../shared/failure";
import {
  childEnv,
  cliAt,
  cliStackOps,
  ListedStack,
  mapLimit,
  pendingOperationsOf,
  projectNameOf,
  splitStackName,
  StackOps,
} from "../shared/stacks";

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

export { DEFAULT_PARALLEL, MAX_PARALLEL } from "../shared/options";
export type { ListedStack, StackOps } from "../shared/stacks";

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
      const said = summarizeFailure(e);
      return { error: passphraseFailure(said) ?? `its state could not be exported: ${said}` };
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
    const said = summarizeFailure(e);
    return failedStack(
      name,
      passphraseFailure(said) ?? `its config could not be read: ${said}`,
      project,
    );
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
