/**
 * `pulumi-connections drift`: a refresh preview through the Automation API, reported per
 * connection. It never changes state: `previewRefresh` is `pulumi refresh --preview-only`.
 */
import * as path from "node:path";
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import {
  buildReport,
  DriftReport,
  EXIT,
  exitCodeOf,
  ExitCode,
  summarizeFailure,
} from "./drift-report";
import { render, ReportFormat } from "./drift-render";

export const DRIFT_USAGE = `usage: pulumi-connections drift --stack NAME [--cwd DIR] [--json | --markdown]

Runs a refresh preview of the stack (pulumi refresh --preview-only: state is never changed) and
reports, per Pictory and Apinizer connection, which fields drifted (state → API now, secrets shown
as [secret]), which connections were deleted out of band, and which could not be read. A Vimeo
connection whose version moved while no readable field changed is reported as a possible
credential change: its secrets are write-only and cannot be compared.

options:
  --stack NAME   the stack to check (required)
  --cwd DIR      the Pulumi project directory (holds Pulumi.yaml); default: the current directory
  --json         print one JSON document: { stack, clean, failed, error?, checked, drifted,
                 deleted, unreadable, remediation }
  --markdown     print a Markdown table, for $GITHUB_STEP_SUMMARY or a pull-request comment
  -h, --help     print this help

The backend, passphrase and credentials come from the environment, as for the pulumi CLI
(PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE, PICTORY_API_KEY, APINIZER_TOKEN, ...).

exit codes:
  0   no drift
  2   drift found (the report names the command that converges it: pulumi up --refresh --stack NAME)
  1   the check itself failed or could not read every connection (API unreachable, bad
      credentials, unknown stack): never to be read as "no drift"
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
}

/** Parsed arguments, or the usage error to print. */
export function parseDriftArgs(
  argv: readonly string[],
  cwd: string,
): DriftOptions | { readonly help: true } | { readonly usageError: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string" },
        cwd: { type: "string" },
        json: { type: "boolean" },
        markdown: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    return { usageError: e instanceof Error ? e.message : String(e) };
  }
  if (values.help) return { help: true };
  if (!values.stack) return { usageError: "--stack is required: pass the stack to check" };
  if (values.json && values.markdown)
    return { usageError: "--json and --markdown cannot be combined: choose one" };
  const workDir = path.resolve(cwd, values.cwd ?? ".");
  if (
    !existsSync(path.join(workDir, "Pulumi.yaml")) &&
    !existsSync(path.join(workDir, "Pulumi.yml"))
  )
    return {
      usageError: `--cwd ${workDir} holds no Pulumi.yaml: pass the Pulumi project directory`,
    };
  return {
    stack: values.stack,
    workDir,
    format: values.json ? "json" : values.markdown ? "markdown" : "text",
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
  const report = await checkDrift(parsed.stack, parsed.workDir);
  io.stdout(render(report, parsed.format));
  return exitCodeOf(report);
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

/**
 * The Pulumi CLI: in this package's own checkout, the one scripts/ensure-pulumi.sh finds or builds
 * (so `npm run drift` works without a global install); in an installed package (which ships no
 * scripts), `pulumi` from PATH, as the Automation API does by default.
 */
async function pulumiCommand() {
  const { PulumiCommand } =
    require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
  let workspace: typeof import("../scripts/workspace") | undefined;
  try {
    require.resolve("../scripts/workspace");
    workspace = require("../scripts/workspace") as typeof import("../scripts/workspace");
  } catch {
    workspace = undefined;
  }
  if (workspace) {
    return PulumiCommand.get({
      root: path.dirname(workspace.ensurePulumi()),
      skipVersionCheck: true,
    });
  }
  return PulumiCommand.get({ skipVersionCheck: true });
}
