/**
 * The `pulumi-connections` command line: one subcommand per module, dispatched here so that
 * `main.ts` stays a two-line entry point and every command can be called from tests.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { drift } from "./drift/command";
import { importCommandMain } from "./import/command";
import { closest } from "./shared/args";
import { EXIT } from "./shared/exit-codes";
import type { CliIo } from "./shared/io";

export { drift, checkDrift, parseDriftArgs, DRIFT_USAGE } from "./drift/command";
export * from "./drift/report";
export * from "./drift/render";
export {
  driftAll,
  runAllStacks,
  checkAllStacks,
  DEFAULT_PARALLEL,
  MAX_PARALLEL,
} from "./drift/all-stacks";
export type { DriftAllOptions, ListedStack, StackOps } from "./drift/all-stacks";
export * from "./drift/all-report";
export * from "./drift/all-render";
export { importCommandMain, parseImportArgs, importCommand, IMPORT_USAGE } from "./import/command";
export type { ImportOptions } from "./import/command";
export * from "./import/program";
export { listConnections, settingsFrom, stackConfig, apinizerTypes } from "./shared/listing";
export type { ListScope } from "./shared/listing";
export { lockReaderFor, describeBackend } from "./shared/backend-locks";
export type { StackLock, LockCheck, LockReader } from "./shared/backend-locks";
export {
  connectionKind,
  connectionRef,
  elsewhereLine,
  managedConnections,
  partitionByOwner,
  sameConnection,
  shellWord,
} from "./shared/connections";
export type {
  ListedConnection,
  ListedRef,
  ManagedConnection,
  ManagedElsewhere,
  StackConnections,
} from "./shared/connections";
export { summarizeFailure } from "./shared/failure";
export { escapeMarkdown } from "./shared/markdown";
export { redactReport, secretsOf } from "./shared/redaction";
export type { CliIo } from "./shared/io";

export const USAGE = `usage: pulumi-connections <command> [options]
       pulumi-connections --version

commands:
  drift    report drift between a stack's state (or every stack's: --all-stacks) and the
           Pictory and Apinizer APIs
           (pulumi-connections drift --help for its options and exit codes)
  import   write the Pulumi program that adopts every connection the credentials can see
           (pulumi-connections import --help)
`;

/** This package's version, from the package.json above this file (in cli/ or dist/cli/). */
export function packageVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
        name?: unknown;
        version?: unknown;
      };
      if (manifest.name === "pulumi-connections" && typeof manifest.version === "string")
        return manifest.version;
    } catch {
      // No package.json here, or not ours: look further up.
    }
    if (path.dirname(dir) === dir)
      throw new Error(`no pulumi-connections package.json above ${from}`);
  }
}

const COMMANDS: Readonly<Record<string, (argv: readonly string[], io: CliIo) => Promise<number>>> =
  { drift, import: importCommandMain };

/** Runs one command line; resolves to the process exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.stderr(USAGE);
    return EXIT.usage;
  }
  // `help drift` is `drift --help`.
  if (command === "help" && rest.length === 1 && Object.hasOwn(COMMANDS, rest[0]!))
    return COMMANDS[rest[0]!]!(["--help"], io);
  if (command === "--help" || command === "-h" || command === "help") {
    io.stdout(USAGE);
    return EXIT.clean;
  }
  if (command === "--version") {
    io.stdout(`${packageVersion()}\n`);
    return EXIT.clean;
  }
  const handler = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!handler) {
    const guess = closest(command.replace(/^-+/, ""), Object.keys(COMMANDS));
    io.stderr(
      `pulumi-connections: unknown command ${JSON.stringify(command)}` +
        `${guess ? `; did you mean ${guess}?` : ""} (run pulumi-connections --help)\n`,
    );
    return EXIT.usage;
  }
  return handler(rest, io);
}
