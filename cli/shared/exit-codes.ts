/**
 * The exit codes of `pulumi-connections`, declared once: the commands return them by name and
 * their `--help` prints them from here.
 */

/** The commands whose help lists exit codes. */
export type CommandName = "drift" | "import";

export const EXIT_CODES = [
  {
    name: "clean",
    code: 0,
    meaning: {
      drift: "no drift (--all-stacks: every stack was checked and none drifted)",
      import: "the program (or the --json document) was written",
    },
  },
  {
    name: "drifted",
    code: 2,
    meaning: {
      drift:
        "drift found (the report names the command that converges it: pulumi up --refresh --stack NAME);\n" +
        "with --all-stacks: some stack drifted and every stack was checked",
    },
  },
  {
    name: "failed",
    code: 1,
    meaning: {
      drift:
        "the check itself failed or could not read every connection (API unreachable, bad\n" +
        'credentials, unknown stack): never to be read as "no drift"; with --all-stacks: some stack\n' +
        "failed or was busy, or no stack was found",
      import:
        "the connections could not be listed, or --out names an existing file and --force is not\n" +
        "given (message on stderr)",
    },
  },
  {
    name: "usage",
    code: 64,
    meaning: {
      drift: "usage error: an unknown option, a missing or bad value (sysexits EX_USAGE)",
      import: "usage error: an unknown option, a missing or bad value (sysexits EX_USAGE)",
    },
  },
] as const satisfies readonly {
  readonly name: string;
  readonly code: number;
  readonly meaning: Partial<Record<CommandName, string>>;
}[];

type ExitEntry = (typeof EXIT_CODES)[number];

/** The codes by name: `EXIT.drifted` is 2. */
export const EXIT = Object.fromEntries(EXIT_CODES.map((e) => [e.name, e.code])) as {
  readonly [E in ExitEntry as E["name"]]: E["code"];
};

export type ExitCode = ExitEntry["code"];

/** One exit code of a command, as help and docs/cli.md show it. */
export interface CliExitCode {
  readonly code: number;
  readonly meaning: string;
}

/** A command's exit codes with their meanings on one line each, for help and docs. */
export function exitCodesOf(command: CommandName): CliExitCode[] {
  const out: CliExitCode[] = [];
  for (const entry of EXIT_CODES) {
    const meaning = (entry.meaning as Partial<Record<CommandName, string>>)[command];
    if (meaning !== undefined) out.push({ code: entry.code, meaning: meaning.replace(/\n/g, " ") });
  }
  return out;
}
