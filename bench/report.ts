/** One printed measurement; every record is also one JSON line on stdout. */
export type Measurement = Readonly<Record<string, string | number | boolean | null>>;

/** Prints one measurement as a JSON line, unprefixed, so `grep '^{'` extracts the data. */
export function emit(record: Measurement): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

/** Progress goes to stderr so that stdout holds only tables and JSON lines. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Prints a plain-text table with a title; numbers are right-aligned. */
export function printTable(
  title: string,
  headers: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): void {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)));
  // A column is right-aligned when every cell is a figure, a range, or blank (summary rows).
  const numeric = headers.map((_, i) =>
    rows.every((r) => typeof r[i] === "number" || /^[\d.,x%+-]*$/.test(String(r[i] ?? ""))),
  );
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const out = [
    "",
    `## ${title}`,
    line(headers),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.map(line),
    "",
  ];
  process.stdout.write(`${out.join("\n")}\n`);
}

/** Rounds for display and JSON without pretending to more precision than a wall clock has. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
