/**
 * `pulumi-connections drift`: a refresh preview through the Automation API, reported per
 * connection. It never changes state: `previewRefresh` is `pulumi refresh --preview-only`.
 */
import * as path from "node:path";
import { apinizerProjectError, parseFlags, projectDirError, usageLine } from "../shared/args";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import {
  buildReport,
  DriftReport,
  EXIT,
  exitCodeOf,
  ExitCode,
  StackResources,
  stackResourcesOf,
} from "./report";
import { redactReport, secretsOf, StackMasker, stackMasker } from "../shared/redaction";
import { summarizeFailure } from "../shared/failure";
import type { CliIo } from "../shared/io";
import { render, ReportFormat } from "./render";
import { driftAll, DriftAllOptions } from "./all-stacks";
import { projectNameOf } from "../shared/stacks";
import {
  DEFAULT_PARALLEL,
  DRIFT_COMMAND,
  DRIFT_OPTIONS,
  MAX_PARALLEL,
  usageOf,
} from "../shared/options";
import { pulumiCommand } from "../shared/pulumi-cli";
import { ConfigEntry, configSecretsOf, secretsFailure } from "../shared/stack-secrets";
import {
  maskScope,
  scopeFindings,
  scopesFor,
  UnmanagedConnection,
  UnmanagedReport,
} from "./unmanaged";
import { managedConnections, ManagedElsewhere } from "../shared/connections";
import { listConnections, ListScope, otherStacks, settingsFrom } from "../shared/listing";

export const DRIFT_USAGE = usageOf(DRIFT_COMMAND);

export interface DriftOptions {
  readonly stack: string;
  readonly workDir: string;
  readonly format: ReportFormat;
  /** List the connections the stack does not manage, in these extra Apinizer projects too. */
  readonly unmanaged?: { readonly apinizerProjects: readonly string[] };
  /** `--cwd` as given, for the commands the report prints. */
  readonly cwdArg?: string;
}

/** Parsed arguments, or the usage error to print. */
export function parseDriftArgs(
  argv: readonly string[],
  cwd: string,
): DriftOptions | DriftAllOptions | { readonly help: true } | { readonly usageError: string } {
  const values = parseFlags(argv, DRIFT_OPTIONS);

  if ("usageError" in values) return values;
  if (values.help) return { help: true };
  const all = values["all-stacks"] === true;
  if (all && values.stack !== undefined)
    return { usageError: "--stack and --all-stacks cannot be combined: choose one" };
  if (!all && (values.project !== undefined || values.parallel !== undefined))
    return { usageError: "--project and --parallel go with --all-stacks" };
  if (all && values.unmanaged)
    return { usageError: "--unmanaged goes with --stack: it lists what one stack does not manage" };
  if (values["apinizer-project"] !== undefined && !values.unmanaged)
    return { usageError: "--apinizer-project goes with --unmanaged" };
  const badProject = apinizerProjectError(values["apinizer-project"] ?? []);
  if (badProject) return badProject;
  if (!all && !values.stack)
    return { usageError: "--stack is required: pass the stack to check (or --all-stacks)" };
  if (values.json && values.markdown)
    return { usageError: "--json and --markdown cannot be combined: choose one" };
  if (values.project !== undefined && !/^[A-Za-z0-9_.-]+$/.test(values.project))
    return { usageError: `--project ${JSON.stringify(values.project)} is not a project name` };
  let parallel = DEFAULT_PARALLEL;
  if (values.parallel !== undefined) {
    parallel = Number(values.parallel);
    if (!/^[0-9]+$/.test(values.parallel) || parallel < 1 || parallel > MAX_PARALLEL)
      return {
        usageError: `--parallel ${JSON.stringify(values.parallel)}: expected a whole number from 1 to ${MAX_PARALLEL}`,
      };
  }
  const workDir = path.resolve(cwd, values.cwd ?? ".");
  const badDir = projectDirError(workDir);
  if (badDir) return badDir;
  const format: ReportFormat = values.json ? "json" : values.markdown ? "markdown" : "text";
  if (all) {
    const here = projectNameOf(workDir);
    if (values.project !== undefined && here !== undefined && here !== values.project)
      return {
        usageError:
          `--project ${values.project}, but ${workDir} holds project "${here}": a stack is ` +
          `checked from its own project directory, so pass that one with --cwd`,
      };
    return {
      allStacks: true,
      workDir,
      format,
      ...(values.project !== undefined ? { project: values.project } : {}),
      parallel,
    };
  }
  return {
    stack: values.stack!,
    workDir,
    format,
    ...(values.unmanaged
      ? { unmanaged: { apinizerProjects: [...new Set(values["apinizer-project"] ?? [])] } }
      : {}),
    ...(values.cwd !== undefined ? { cwdArg: values.cwd } : {}),
  };
}

/** Runs the command; resolves to its exit code. */
export async function drift(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const parsed = parseDriftArgs(argv, process.cwd());
  if ("help" in parsed) {
    io.stdout(DRIFT_USAGE);
    return EXIT.clean;
  }
  if ("usageError" in parsed) {
    io.stderr(usageLine("drift", parsed.usageError));
    return EXIT.usage;
  }
  if ("allStacks" in parsed) return driftAll(parsed, io);
  const checked = await checkStackDrift(parsed.stack, parsed.workDir);
  let report = checked.report;
  if (parsed.unmanaged)
    report = withUnmanaged(report, await checkUnmanaged(parsed, stackMasker(checked.secrets)));
  // The stack's secrets masked what the API and state said (a readable field may echo one); the
  // environment's secrets and every URL's credentials are masked in the whole report, as
  // `--all-stacks` does, whatever the pulumi CLI's own errors quote.
  report = redactReport(report, secretsOf(process.env, process.env.PULUMI_BACKEND_URL));
  io.stdout(render(report, parsed.format));
  return exitCodeOf(report);
}

/**
 * The unmanaged connections of the stack: its state (`pulumi stack export`, secrets stay
 * encrypted) against what the APIs list with the stack's config. A failure is part of the result.
 */
export async function checkUnmanaged(
  options: DriftOptions,
  mask: StackMasker = stackMasker([]),
): Promise<UnmanagedReport> {
  let scopes: ListScope[] = [];
  const connections: UnmanagedConnection[] = [];
  const commands: string[] = [];
  const managedElsewhere: ManagedElsewhere[] = [];
  try {
    const { LocalWorkspace } =
      require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
    const stack = await LocalWorkspace.selectStack(
      { stackName: options.stack, workDir: options.workDir },
      { pulumiCommand: await pulumiCommand() },
    );
    const managed = managedConnections((await stack.exportStack()).deployment);
    scopes = scopesFor(managed, options.unmanaged?.apinizerProjects ?? []);
    // A connection another stack of the backend manages is not this stack's to import.
    const others = await otherStacks(options.workDir, options.stack);
    const config = await stack.getAllConfig();
    const store = settingsFrom({ get: (key) => config[key]?.value });
    const command = {
      stack: options.stack,
      ...(options.cwdArg !== undefined ? { cwd: options.cwdArg } : {}),
    };
    for (const scope of scopes) {
      const listed = await listConnections(store, scope);
      const found = scopeFindings(listed, managed, others, scope, command, mask);
      managedElsewhere.push(...found.managedElsewhere);
      connections.push(...found.connections);
      if (found.command !== undefined) commands.push(found.command);
    }
  } catch (e) {
    return {
      scopes: scopes.map((s) => maskScope(s, mask)),
      connections,
      commands,
      managedElsewhere,
      error: mask.message(summarizeFailure(e)),
    };
  }
  return { scopes: scopes.map((s) => maskScope(s, mask)), connections, commands, managedElsewhere };
}

/** A listing that failed makes the whole check incomplete: never read as "nothing unmanaged". */
export function withUnmanaged(report: DriftReport, unmanaged: UnmanagedReport): DriftReport {
  if (unmanaged.error === undefined) return { ...report, unmanaged };
  const error = `the unmanaged connections could not be listed: ${unmanaged.error}`;
  return {
    ...report,
    clean: false,
    failed: true,
    error: report.error ? `${report.error}; ${error}` : error,
    unmanaged,
  };
}

/** The checkpoint's resources and every secret of the stack (state and config), in memory only. */
async function readStackSecrets(stack: {
  exportStack(): Promise<{ deployment?: unknown }>;
  getAllConfig(): Promise<Readonly<Record<string, ConfigEntry>>>;
}): Promise<StackResources> {
  // `exportStack` and `getAllConfig` show secrets; an export whose secrets are not decrypted throws.
  const state = stackResourcesOf((await stack.exportStack()).deployment);
  const config = configSecretsOf(await stack.getAllConfig(), process.env);
  return { ...state, secrets: [...state.secrets, ...config] };
}

/** The refresh preview and its report. Every failure becomes a failed report, never "no drift". */
export async function checkDrift(stackName: string, workDir: string): Promise<DriftReport> {
  return (await checkStackDrift(stackName, workDir)).report;
}

/**
 * {@link checkDrift}, and the plaintext of the stack's secrets (cli/shared/stack-secrets.ts) for
 * masking what `--unmanaged` lists: held in memory, never part of the report.
 */
async function checkStackDrift(
  stackName: string,
  workDir: string,
): Promise<{ report: DriftReport; secrets: readonly string[] }> {
  const events: EngineEvent[] = [];
  let resources: StackResources = { managed: new Set(), read: new Set(), secrets: [] };
  let failure: string | undefined;
  try {
    // Loaded here, not at the top: `--help` and usage errors need no Automation API.
    const { LocalWorkspace } =
      require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
    // The user's environment as it is (backend, passphrase or KMS, credentials): nothing forced.
    const stack = await LocalWorkspace.selectStack(
      { stackName, workDir },
      { pulumiCommand: await pulumiCommand() },
    );
    // Which resources the engine manages (`.get` reads are `external` there, and never drift),
    // and the stack's secrets, to mask them in what the API returns (cli/shared/stack-secrets.ts).
    let secrets: StackResources | string;
    try {
      secrets = await readStackSecrets(stack);
    } catch (e) {
      secrets = secretsFailure(e);
    }
    // A stack whose secrets cannot be read is not checked: its report would show values it
    // cannot mask. The message is the check's own, said whole.
    if (typeof secrets === "string")
      return { report: buildReport(stackName, [], resources, secrets), secrets: [] };
    resources = secrets;
    await stack.previewRefresh({ onEvent: (e) => events.push(e) });
  } catch (e) {
    failure = summarizeFailure(e);
  }
  return {
    report: buildReport(stackName, events, resources, failure),
    secrets: resources.secrets,
  };
}
