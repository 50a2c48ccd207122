/**
 * `pulumi-connections drift`: a refresh preview through the Automation API, reported per
 * connection. It never changes state: `previewRefresh` is `pulumi refresh --preview-only`.
 */
import * as path from "node:path";
import { apinizerProjectError, parseFlags, projectDirError } from "./args";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import {
  buildReport,
  DriftReport,
  EXIT,
  exitCodeOf,
  ExitCode,
  summarizeFailure,
} from "./drift-report";
import { redactReport, secretsOf } from "./drift-all-report";
import { render, ReportFormat } from "./drift-render";
import {
  DEFAULT_PARALLEL,
  driftAll,
  DriftAllOptions,
  MAX_PARALLEL,
  projectNameOf,
} from "./drift-all";
import { pulumiCommand } from "./pulumi-cli";
import {
  importAllCommand,
  managedConnections,
  scopesFor,
  UnmanagedConnection,
  unmanagedOf,
  UnmanagedReport,
} from "./drift-unmanaged";
import { listConnections, ListScope, settingsFrom } from "./import-source";

export const DRIFT_USAGE = `usage: pulumi-connections drift --stack NAME [--cwd DIR] [--json | --markdown]
                                [--unmanaged [--apinizer-project NAME ...]]
       pulumi-connections drift --all-stacks [--project NAME] [--parallel N] [--cwd DIR]
                                [--json | --markdown]

Runs a refresh preview of the stack (pulumi refresh --preview-only: state is never changed) and
reports, per Pictory and Apinizer connection, which fields drifted (state → API now, secrets shown
as [secret]), which connections were deleted out of band, and which could not be read. A Vimeo
connection whose version moved while no readable field changed is reported as a possible
credential change: its secrets are write-only and cannot be compared.

With --all-stacks it checks every stack of the backend (or of one project), a few at a time, and
prints one report: each stack clean, drifted (with the per-connection detail above), failed (why:
wrong passphrase, API unreachable, bad credentials, an interrupted update, another project's
stack, ...) or busy (an update holds its lock, or wrote its state during the check: not read, or
the reading discarded). Stack locks are read from file:// and postgres:// backends.

With --unmanaged it also lists the connections the APIs hold that the stack does not manage, each
with the \`pulumi-connections import\` command that writes the program adopting it. It lists, per
account the stack uses, the families and Apinizer projects its resources use, with the stack's
config (or the environment) as credentials.

options:
  --stack NAME     the stack to check
  --unmanaged      also list the connections in the APIs that the stack does not manage
  --apinizer-project NAME
                   with --unmanaged: list this Apinizer project too; repeatable
  --all-stacks     check every stack of the backend instead (not with --stack)
  --project NAME   with --all-stacks: only the stacks of this project (the one in --cwd)
  --parallel N     with --all-stacks: stacks checked at once, 1 to ${MAX_PARALLEL}; default ${DEFAULT_PARALLEL}
  --cwd DIR        the Pulumi project directory (holds Pulumi.yaml and the stack config files);
                   default: the current directory
  --json           print one JSON document: { stack, clean, failed, error?, checked, drifted,
                   deleted, unreadable, remediation, unmanaged? }; with --all-stacks { backend, project?,
                   clean, failed, error?, counts, lockCheck, stacks: [{ stack, project?,
                   status, reason?, locks?, report? }] }
  --markdown       print Markdown, for $GITHUB_STEP_SUMMARY or a pull-request comment
  -h, --help       print this help

The backend, passphrase and credentials come from the environment, as for the pulumi CLI
(PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE, PICTORY_API_KEY, APINIZER_TOKEN, ...). With
--all-stacks every stack is checked with that one passphrase or secrets provider, and the CLI
runs it makes get GOMAXPROCS=8 unless GOMAXPROCS is set (the PostgreSQL backend needs it to list
stacks on small machines).

exit codes:
  0   no drift (--all-stacks: every stack was checked and none drifted)
  2   drift found (the report names the command that converges it: pulumi up --refresh --stack NAME);
      with --all-stacks: some stack drifted and every stack was checked
  1   the check itself failed or could not read every connection (API unreachable, bad
      credentials, unknown stack): never to be read as "no drift"; with --all-stacks: some stack
      failed or was busy, or no stack was found
  64  usage error
`;

/** Where the command writes; injectable for tests. */
export interface DriftIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

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
  const values = parseFlags(argv, {
    stack: { type: "string" },
    "all-stacks": { type: "boolean" },
    project: { type: "string" },
    parallel: { type: "string" },
    cwd: { type: "string" },
    json: { type: "boolean" },
    markdown: { type: "boolean" },
    unmanaged: { type: "boolean" },
    "apinizer-project": { type: "string", multiple: true },
    help: { type: "boolean", short: "h" },
  });
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
export async function drift(argv: readonly string[], io: DriftIo): Promise<ExitCode> {
  const parsed = parseDriftArgs(argv, process.cwd());
  if ("help" in parsed) {
    io.stdout(DRIFT_USAGE);
    return EXIT.clean;
  }
  if ("usageError" in parsed) {
    io.stderr(`pulumi-connections drift: ${parsed.usageError}\n\n${DRIFT_USAGE}`);
    return EXIT.usage;
  }
  if ("allStacks" in parsed) return driftAll(parsed, io);
  let report = await checkDrift(parsed.stack, parsed.workDir);
  if (parsed.unmanaged) report = withUnmanaged(report, await checkUnmanaged(parsed));
  // The provider masks what it knows; the environment's secrets and every URL's credentials are
  // masked here too, as `--all-stacks` does, whatever the pulumi CLI's own errors quote.
  report = redactReport(report, secretsOf(process.env, process.env.PULUMI_BACKEND_URL));
  io.stdout(render(report, parsed.format));
  return exitCodeOf(report);
}

/**
 * The unmanaged connections of the stack: its state (`pulumi stack export`, secrets stay
 * encrypted) against what the APIs list with the stack's config. A failure is part of the result.
 */
export async function checkUnmanaged(options: DriftOptions): Promise<UnmanagedReport> {
  let scopes: ListScope[] = [];
  const connections: UnmanagedConnection[] = [];
  const commands: string[] = [];
  try {
    const { LocalWorkspace } =
      require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
    const stack = await LocalWorkspace.selectStack(
      { stackName: options.stack, workDir: options.workDir },
      { pulumiCommand: await pulumiCommand() },
    );
    const managed = managedConnections((await stack.exportStack()).deployment);
    scopes = scopesFor(managed, options.unmanaged?.apinizerProjects ?? []);
    const config = await stack.getAllConfig();
    const store = settingsFrom({ get: (key) => config[key]?.value });
    const command = {
      stack: options.stack,
      ...(options.cwdArg !== undefined ? { cwd: options.cwdArg } : {}),
    };
    for (const scope of scopes) {
      const listed = await listConnections(store, scope);
      const found = unmanagedOf(listed, managed, scope, command);
      connections.push(...found);
      const together = importAllCommand(listed, found, scope, command);
      if (together !== undefined) commands.push(together);
    }
  } catch (e) {
    return { scopes, connections, commands, error: summarizeFailure(e) };
  }
  return { scopes, connections, commands };
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

/** The refresh preview and its report. Every failure becomes a failed report, never "no drift". */
export async function checkDrift(stackName: string, workDir: string): Promise<DriftReport> {
  const events: EngineEvent[] = [];
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
    await stack.previewRefresh({ onEvent: (e) => events.push(e) });
  } catch (e) {
    failure = summarizeFailure(e);
  }
  return buildReport(stackName, events, failure);
}
