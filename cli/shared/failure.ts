/** A failed Pulumi CLI or Automation API call, reduced to the lines a report shows. */
/** The engine's own summary lines, which add nothing to the provider's messages. */
export const GENERIC_FAILURES = new Set(["preview failed", "refresh failed", "update failed"]);

/** A diagnostic's message on one line, without the engine's prefixes. */
export function cleanDiagnostic(message: string): string {
  return message
    .trim()
    .replace(/^(error: )?/, "")
    .replace(/^Preview failed: /, "")
    .replace(/\s*\n\s*/g, " ");
}

/**
 * The message of a failed Automation API call, reduced to its `error:` lines: the CLI's full
 * output repeats every diagnostic and stack trace.
 */
export function summarizeFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("error: "))
    .map((l) => cleanDiagnostic(l))
    .filter((l) => !GENERIC_FAILURES.has(l));
  const unique = [...new Set(lines)];
  if (unique.length > 0) return unique.join("; ");
  const first = text
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  return first ?? "unknown error";
}
