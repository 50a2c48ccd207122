/**
 * The commands' options and exit codes as data: each command's parser hands its table to
 * `parseArgs`, its `--help` renders it, and `npm run generate` writes docs/cli.md from it, so an
 * option cannot be parsed without being documented. Exit codes come from ./exit-codes, the one
 * table the commands return them from.
 */
import { CliExitCode, exitCodesOf } from "./exit-codes";

export type { CliExitCode };

/** One option: what `parseArgs` needs, plus how help and docs show it. */
export interface CliOption {
  readonly type: "string" | "boolean";
  readonly multiple?: boolean;
  readonly short?: string;
  /** The placeholder of its value in help: `NAME`. */
  readonly value?: string;
  readonly help: string;
}

export interface CliCommand {
  readonly name: string;
  /** The usage lines after `usage: `, one per form. */
  readonly synopsis: readonly string[];
  /** Paragraphs of what the command does. */
  readonly description: readonly string[];
  readonly options: Readonly<Record<string, CliOption>>;
  /** Paragraphs after the options: where settings come from. */
  readonly notes?: readonly string[];
  readonly exitCodes: readonly CliExitCode[];
  /** The column where option help starts in `--help`; a longer option gets a line of its own. */
  readonly helpColumn: number;
}

/** Stacks `drift --all-stacks` checks at once by default, and at most. */
export const DEFAULT_PARALLEL = 4;
export const MAX_PARALLEL = 32;

const HELP: CliOption = { type: "boolean", short: "h", help: "print this help" };

export const DRIFT_OPTIONS = {
  stack: { type: "string", value: "NAME", help: "the stack to check" },
  unmanaged: {
    type: "boolean",
    help: "also list the connections in the APIs that the stack does not manage",
  },
  "apinizer-project": {
    type: "string",
    multiple: true,
    value: "NAME",
    help: "with --unmanaged: list this Apinizer project too; repeatable",
  },
  "all-stacks": {
    type: "boolean",
    help: "check every stack of the backend instead (not with --stack)",
  },
  project: {
    type: "string",
    value: "NAME",
    help: "with --all-stacks: only the stacks of this project (the one in --cwd)",
  },
  parallel: {
    type: "string",
    value: "N",
    help: `with --all-stacks: stacks checked at once, 1 to ${MAX_PARALLEL}; default ${DEFAULT_PARALLEL}`,
  },
  cwd: {
    type: "string",
    value: "DIR",
    help: "the Pulumi project directory (holds Pulumi.yaml and the stack config files); default: the current directory",
  },
  json: {
    type: "boolean",
    help:
      "print one JSON document: { stack, clean, failed, error?, checked, drifted, deleted, " +
      "unreadable, notCompared, remediation, unmanaged? }; with --all-stacks { backend, project?, " +
      "clean, failed, error?, counts, lockCheck, notCompared, stacks: [{ stack, project?, status, " +
      "reason?, locks?, report? }] }",
  },
  markdown: {
    type: "boolean",
    help: "print Markdown, for $GITHUB_STEP_SUMMARY or a pull-request comment",
  },
  help: HELP,
} as const satisfies Readonly<Record<string, CliOption>>;

export const DRIFT_COMMAND: CliCommand = {
  name: "drift",
  synopsis: [
    "pulumi-connections drift --stack NAME [--cwd DIR] [--json | --markdown] [--unmanaged [--apinizer-project NAME ...]]",
    "pulumi-connections drift --all-stacks [--project NAME] [--parallel N] [--cwd DIR] [--json | --markdown]",
  ],
  description: [
    "Runs a refresh preview of the stack (pulumi refresh --preview-only: state is never changed) " +
      "and reports, per Pictory and Apinizer connection, which fields drifted (state → API now, " +
      "secrets shown as [secret]), which connections were deleted out of band, and which could not " +
      "be read. A Vimeo connection whose version moved while no readable field changed is reported " +
      "as a possible credential change: its secrets are write-only and cannot be compared.",
    "With --all-stacks it checks every stack of the backend (or of one project), a few at a time, " +
      "and prints one report: each stack clean, drifted (with the per-connection detail above), " +
      "failed (why: wrong passphrase, API unreachable, bad credentials, an interrupted update, " +
      "another project's stack, ...) or busy (an update holds its lock, or wrote its state during " +
      "the check: not read, or the reading discarded). Stack locks are read from file:// and " +
      "postgres:// backends.",
    "With --unmanaged it also lists the connections the APIs hold that the stack does not manage, " +
      "each with the `pulumi-connections import` command that writes the program adopting it. " +
      "Those that another stack of the backend manages are listed apart, with that stack, and " +
      "never offered for import; if a stack of the backend cannot be read, the listing fails " +
      "(exit 1). It " +
      "lists, per account the stack uses, the families and Apinizer projects its resources use, " +
      "with the stack's config (or the environment) as credentials.",
  ],
  options: DRIFT_OPTIONS,
  helpColumn: 19,
  notes: [
    "The backend, passphrase and credentials come from the environment, as for the pulumi CLI " +
      "(PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE, PICTORY_API_KEY, APINIZER_TOKEN, ...). With " +
      "--all-stacks every stack is checked with that one passphrase or secrets provider, and the " +
      "CLI runs it makes get GOMAXPROCS=8 unless GOMAXPROCS is set (the PostgreSQL backend needs " +
      "it to list stacks on small machines).",
  ],
  exitCodes: exitCodesOf("drift"),
};

export const IMPORT_OPTIONS = {
  stack: {
    type: "string",
    value: "NAME",
    help:
      "read credentials and base URLs from this stack's config (secrets decrypted as the pulumi " +
      "CLI does); without it, from the environment (PICTORY_API_KEY, PICTORY_BASE_URL, " +
      "APINIZER_TOKEN, APINIZER_BASE_URL)",
  },
  cwd: {
    type: "string",
    value: "DIR",
    help: "with --stack: the Pulumi project directory; default: the current one",
  },
  account: {
    type: "string",
    value: "NAME",
    help: "the account of the stack config's pictory:accounts / apinizer:accounts",
  },
  "apinizer-project": {
    type: "string",
    multiple: true,
    value: "NAME",
    help: "list this Apinizer project's connections; repeatable",
  },
  type: {
    type: "string",
    multiple: true,
    value: "T",
    help: "with --apinizer-project: only this Apinizer type; repeatable",
  },
  family: {
    type: "string",
    multiple: true,
    value: "F",
    help:
      "only this family: pictory or apinizer; repeatable. Default: pictory, and apinizer when " +
      "--apinizer-project is given",
  },
  only: {
    type: "string",
    multiple: true,
    value: "REF",
    help:
      "only this connection, as `drift --unmanaged` names it (pictory:AwsConnection/<id>, " +
      "apinizer:Connection/<project>/<name>); repeatable. Names are those a full import of the " +
      "same scope gives",
  },
  out: {
    type: "string",
    value: "FILE",
    help:
      "write the program (or --json document) to FILE; default: stdout. An existing FILE is " +
      "never replaced without --force",
  },
  force: {
    type: "boolean",
    help: "with --out: replace FILE if it exists",
  },
  json: {
    type: "boolean",
    help: "print { connections, configCommands } instead of the program",
  },
  help: HELP,
} as const satisfies Readonly<Record<string, CliOption>>;

export const IMPORT_COMMAND: CliCommand = {
  name: "import",
  synopsis: [
    "pulumi-connections import [--stack NAME [--cwd DIR]] [--account NAME] [--apinizer-project NAME ... [--type T ...]] [--family pictory|apinizer ...] [--only REF ...] [--out FILE [--force]] [--json]",
  ],
  description: [
    "Lists the connections the configured credentials can see (Pictory AWS and Vimeo, every page; " +
      "Apinizer in each --apinizer-project) and writes a Pulumi TypeScript program that declares " +
      "each one with its current values and `adopt` set to its ID (Pictory) or name (Apinizer): " +
      "its first `pulumi up` takes them over and creates nothing. Connections that other stacks of " +
      "the backend manage (every stack but --stack, read with `pulumi stack export`) are left out " +
      "and named with their stack; if a stack cannot be read, nothing is written. Secrets never " +
      "enter the program: " +
      'each becomes config.requireSecret("<key>"), and the `pulumi config set --secret <key>` ' +
      "commands to run are printed on stderr (and listed at the top of the program). The output " +
      "is the same on every run over the same connections.",
  ],
  options: IMPORT_OPTIONS,
  helpColumn: 27,
  exitCodes: exitCodesOf("import"),
};

/**
 * `pulumi-connections` itself, before a command: its options and exit codes, for docs/cli.md.
 * `cli/index.ts` dispatches them; `test/unit/cli-options.test.ts` checks that it accepts each.
 */
export const CLI_TOP_LEVEL: CliCommand = {
  name: "pulumi-connections",
  synopsis: [
    "pulumi-connections <command> [options]",
    "pulumi-connections --help",
    "pulumi-connections --version",
  ],
  description: [
    "Runs one command. Without a command, or with an unknown one, it prints the usage on stderr.",
  ],
  options: {
    help: { ...HELP, help: "print the commands (also `help`)" },
    version: { type: "boolean", help: "print the version of pulumi-connections" },
  },
  exitCodes: [
    { code: 0, meaning: "the help or the version was printed" },
    { code: 64, meaning: "no command, or an unknown one" },
  ],
  helpColumn: 19,
};

/** Every command, in the order help and docs list them. */
export const CLI_COMMANDS: readonly CliCommand[] = [DRIFT_COMMAND, IMPORT_COMMAND];

/** How an option is written in help and docs: `-h, --help`, `--stack NAME`. */
export function optionSignature(name: string, option: CliOption): string {
  const long = `--${name}${option.value ? ` ${option.value}` : ""}`;
  return option.short ? `-${option.short}, ${long}` : long;
}

/** Wraps words to lines of at most `width` columns. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ").filter(Boolean)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * A command's `--help`: synopsis, description, options, notes and exit codes, wrapped at 100
 * columns. `extra` adds lines under an option (the Apinizer types of `--type`).
 */
export function usageOf(command: CliCommand, extra: Readonly<Record<string, string>> = {}): string {
  const indent = command.helpColumn;
  const out: string[] = [];
  command.synopsis.forEach((s, i) => out.push(`${i === 0 ? "usage: " : "       "}${s}`));
  for (const p of command.description) out.push("", ...wrap(p, 100));
  out.push("", "options:");
  for (const [name, option] of Object.entries(command.options)) {
    const sig = `  ${optionSignature(name, option)}`;
    const text = wrap(option.help + (extra[name] ? ` (${extra[name]})` : ""), 100 - indent);
    if (sig.length < indent - 1) {
      out.push(`${sig.padEnd(indent)}${text[0] ?? ""}`);
      text.slice(1).forEach((t) => out.push(`${" ".repeat(indent)}${t}`));
    } else {
      out.push(sig);
      text.forEach((t) => out.push(`${" ".repeat(indent)}${t}`));
    }
  }
  for (const p of command.notes ?? []) out.push("", ...wrap(p, 100));
  out.push("", "exit codes:");
  for (const { code, meaning } of command.exitCodes) {
    const text = wrap(meaning, 100 - 6);
    out.push(`  ${String(code).padEnd(4)}${text[0]}`);
    text.slice(1).forEach((t) => out.push(`      ${t}`));
  }
  return `${out.join("\n")}\n`;
}
