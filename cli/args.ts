/** Argument parsing shared by the commands: one way to read flags, one message per mistake. */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { parseArgs, ParseArgsConfig } from "node:util";

/** A usage error, printed with the command's help; exit code 64. */
export interface UsageError {
  readonly usageError: string;
}

/** Strict flags, no positionals; a mistake becomes a {@link UsageError}. */
export function parseFlags<O extends NonNullable<ParseArgsConfig["options"]>>(
  argv: readonly string[],
  options: O,
):
  | ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>>["values"]
  | UsageError {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    return { usageError: e instanceof Error ? e.message : String(e) };
  }
}

/** The usage error of `--apinizer-project` values that are not project names (a path segment). */
export function apinizerProjectError(projects: readonly string[]): UsageError | undefined {
  const bad = projects.find((p) => !/^(?!\.{1,2}$)[A-Za-z0-9._-]+$/.test(p));
  return bad === undefined
    ? undefined
    : { usageError: `--apinizer-project ${JSON.stringify(bad)} is not a project name` };
}

/** The usage error of a `--cwd` that holds no Pulumi project. */
export function projectDirError(workDir: string): UsageError | undefined {
  if (existsSync(path.join(workDir, "Pulumi.yaml")) || existsSync(path.join(workDir, "Pulumi.yml")))
    return undefined;
  return { usageError: `--cwd ${workDir} holds no Pulumi.yaml: pass the Pulumi project directory` };
}
