/** Argument parsing shared by the commands: one way to read flags, one message per mistake. */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { parseArgs, ParseArgsConfig } from "node:util";

/** A usage error, printed on one line with a hint (see {@link usageLine}); exit code 64. */
export interface UsageError {
  readonly usageError: string;
}

/**
 * Strict flags, no positionals; a mistake becomes a {@link UsageError}. An unknown option is
 * named as typed, with the closest known one when it looks like a typo of it.
 */
export function parseFlags<O extends NonNullable<ParseArgsConfig["options"]>>(
  argv: readonly string[],
  options: O,
):
  | ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>>["values"]
  | UsageError {
  // Tokens first, leniently: node's own message for an unknown option is three sentences about
  // positionals, and does not say which option was meant.
  const { tokens } = parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== "option" || Object.hasOwn(options, token.name)) continue;
    const guess = closest(token.name, Object.keys(options));
    return {
      usageError: `unknown option ${token.rawName}${guess ? `; did you mean --${guess}?` : ""}`,
    };
  }
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    return { usageError: e instanceof Error ? e.message : String(e) };
  }
}

/** The one line printed for a usage error: the mistake, then where the options are listed. */
export function usageLine(command: string, usageError: string): string {
  return `pulumi-connections ${command}: ${usageError} (run pulumi-connections ${command} --help)\n`;
}

/**
 * The candidate a mistyped word most likely meant: the nearest by edit distance (a swap of two
 * neighbours counts as one edit), if within a third of the word's length; ties go to the first.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance))
      best = { candidate, distance };
  }
  return best?.candidate;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
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
