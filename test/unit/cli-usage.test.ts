import { readFileSync } from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { closest } from "../../cli/shared/args";
import { EXIT, EXIT_CODES, exitCodesOf } from "../../cli/shared/exit-codes";
import { DRIFT_USAGE, IMPORT_USAGE, run } from "../../cli/index";

// The command line as people expect it: --version, one line per usage error with a hint, --help per
// command, exit codes listed from the one table the code returns them from.

async function runCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
  });
  return { code, stdout, stderr };
}

const manifest = JSON.parse(
  readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"),
) as { version: string };

describe("pulumi-connections", () => {
  it("--version prints the package version, exit 0", async () => {
    expect(await runCli(["--version"])).toEqual({
      code: 0,
      stdout: `${manifest.version}\n`,
      stderr: "",
    });
  });

  it("a mistyped option: one line naming it, the likely option, where the help is; exit 64", async () => {
    expect(await runCli(["drift", "--stak", "prod"])).toEqual({
      code: EXIT.usage,
      stdout: "",
      stderr:
        "pulumi-connections drift: unknown option --stak; did you mean --stack? " +
        "(run pulumi-connections drift --help)\n",
    });
    expect((await runCli(["import", "--jsno"])).stderr).toBe(
      "pulumi-connections import: unknown option --jsno; did you mean --json? " +
        "(run pulumi-connections import --help)\n",
    );
    expect((await runCli(["drift", "--all-stakcs"])).stderr).toContain(
      "did you mean --all-stacks?",
    );
    // Nothing close: no guess.
    const far = await runCli(["drift", "--stack", "prod", "--frobnicate"]);
    expect(far.code).toBe(64);
    expect(far.stderr).toBe(
      "pulumi-connections drift: unknown option --frobnicate (run pulumi-connections drift --help)\n",
    );
  });

  it("every other usage error is one line too, and an unknown command gets a guess", async () => {
    for (const argv of [
      ["drift", "--all-stacks", "--stack", "prod"],
      ["drift", "--stack"],
      ["import", "--type", "x"],
    ]) {
      const r = await runCli(argv);
      expect(r.code).toBe(64);
      expect(r.stderr.split("\n")).toHaveLength(2);
      expect(r.stderr).toContain(`(run pulumi-connections ${argv[0]} --help)`);
    }
    expect(await runCli(["drfit"])).toEqual({
      code: 64,
      stdout: "",
      stderr:
        'pulumi-connections: unknown command "drfit"; did you mean drift? (run pulumi-connections --help)\n',
    });
  });

  it("--help per command, also as `help <command>`, with the exit codes of the table", async () => {
    for (const [command, usage] of [
      ["drift", DRIFT_USAGE],
      ["import", IMPORT_USAGE],
    ] as const) {
      expect(await runCli([command, "--help"])).toEqual({ code: 0, stdout: usage, stderr: "" });
      expect(await runCli(["help", command])).toEqual({ code: 0, stdout: usage, stderr: "" });
      const flat = usage.replace(/\s+/g, " ");
      for (const { code, meaning } of exitCodesOf(command))
        expect(flat).toContain(` ${code} ${meaning.replace(/\s+/g, " ")}`);
    }
    for (const { code, meaning } of EXIT_CODES)
      if ("drift" in meaning)
        expect(DRIFT_USAGE).toMatch(
          new RegExp(`^ {2}${String(code).padEnd(4)}${meaning.drift.split(" ")[0]}`, "m"),
        );
    expect(IMPORT_USAGE).toMatch(/^ {2}0 {3}the program/m);
    expect(IMPORT_USAGE).not.toMatch(/^ {2}2 /m);
  });

  it("EXIT is the table by name", () => {
    expect(EXIT).toEqual({ clean: 0, drifted: 2, failed: 1, usage: 64 });
    expect(new Set(EXIT_CODES.map((e) => e.code)).size).toBe(EXIT_CODES.length);
  });
});

describe("closest", () => {
  const options = ["stack", "all-stacks", "project", "parallel", "cwd", "json", "markdown"];

  it("suggests the option one typo away (dropped, doubled, swapped or wrong letter)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...options.filter((o) => o.length >= 4)),
        fc.nat(),
        fc.constantFrom("drop", "double", "swap", "replace"),
        (option, at, edit) => {
          const i = at % (option.length - 1);
          const typo =
            edit === "drop"
              ? option.slice(0, i) + option.slice(i + 1)
              : edit === "double"
                ? option.slice(0, i) + option[i] + option.slice(i)
                : edit === "swap"
                  ? option.slice(0, i) + option[i + 1] + option[i] + option.slice(i + 2)
                  : option.slice(0, i) + (option[i] === "q" ? "z" : "q") + option.slice(i + 1);
          fc.pre(!options.includes(typo));
          const guess = closest(typo, options);
          expect(guess).toBeDefined();
          // Another option may be as close (e.g. stack / all-stacks); never a farther one.
          expect(guess === option || closest(typo, [guess!]) === guess).toBe(true);
        },
      ),
    );
  });

  it("guesses nothing for a word far from every option", () => {
    expect(closest("frobnicate", options)).toBeUndefined();
    expect(closest("x", options)).toBeUndefined();
  });
});
