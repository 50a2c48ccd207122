/**
 * The CLI's options are one table per command (cli/shared/options.ts): the parser accepts exactly the
 * options of the table, and `--help` and docs/cli.md show every one of them with the exit codes.
 */
import fc from "fast-check";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { DRIFT_USAGE, parseDriftArgs } from "../../cli/drift/command";
import { IMPORT_USAGE, parseImportArgs } from "../../cli/import/command";
import { run } from "../../cli";
import {
  CLI_COMMANDS,
  CLI_TOP_LEVEL,
  CliCommand,
  DRIFT_COMMAND,
  IMPORT_COMMAND,
  optionSignature,
} from "../../cli/shared/options";

const ROOT = path.resolve(__dirname, "..", "..");

const commands: readonly [CliCommand, (argv: string[]) => object, string][] = [
  [DRIFT_COMMAND, (argv) => parseDriftArgs(argv, ROOT), DRIFT_USAGE],
  [IMPORT_COMMAND, (argv) => parseImportArgs(argv, ROOT), IMPORT_USAGE],
];

/** The argument list that passes one option, with a value when it takes one. */
function argvOf(name: string, type: "string" | "boolean"): string[] {
  return type === "string" ? [`--${name}`, "x"] : [`--${name}`];
}

describe.each(commands)("pulumi-connections $name", (command, parse, usage) => {
  it("never calls a declared option unknown", () => {
    for (const [name, option] of Object.entries(command.options)) {
      const parsed = parse(argvOf(name, option.type));
      const message = "usageError" in parsed ? String(parsed.usageError) : "";
      expect(message).not.toMatch(/unknown option/i);
    }
  });

  it("refuses every option the table does not declare", () => {
    const declared = new Set(Object.keys(command.options));
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z-]{0,15}$/).filter((n) => !declared.has(n)),
        (name) => {
          const parsed = parse([`--${name}`]);
          expect("usageError" in parsed && String(parsed.usageError)).toMatch(/unknown option/i);
        },
      ),
    );
  });

  it("shows every option and exit code in --help and docs/cli.md", () => {
    const doc = readFileSync(path.join(ROOT, "docs/cli.md"), "utf8");
    for (const [name, option] of Object.entries(command.options)) {
      expect(usage).toContain(optionSignature(name, option));
      expect(doc).toContain(`| \`${optionSignature(name, option)}\``);
    }
    for (const { code } of command.exitCodes) {
      expect(usage).toMatch(new RegExp(`^  ${code} `, "m"));
      expect(doc).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|`));
    }
  });
});

describe("pulumi-connections itself", () => {
  const io = () => {
    const out: string[] = [];
    return {
      out,
      io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t) },
    };
  };

  it("accepts every top-level option of the table, with the exit code it documents", async () => {
    for (const [name, option] of Object.entries(CLI_TOP_LEVEL.options)) {
      const forms = [`--${name}`, ...(option.short ? [`-${option.short}`] : [])];
      for (const form of forms) {
        const { io: streams } = io();
        const code = await run([form], streams);
        expect(CLI_TOP_LEVEL.exitCodes.map((e) => e.code)).toContain(code);
        expect(code).not.toBe(64);
      }
    }
  });

  it("exits with a documented code when there is no command or an unknown one", async () => {
    const documented = CLI_TOP_LEVEL.exitCodes.map((e) => e.code);
    expect(documented).toContain(await run([], io().io));
    expect(documented).toContain(await run(["no-such-command"], io().io));
  });

  it("documents every command of docs/cli.md's list", () => {
    const doc = readFileSync(path.join(ROOT, "docs/cli.md"), "utf8");
    for (const c of CLI_COMMANDS) expect(doc).toContain(`## ${c.name}`);
  });
});
