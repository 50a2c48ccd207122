/**
 * A drift report → text for people, Markdown for a job summary or PR comment, JSON for machines.
 * Pure functions; values arrive already masked (see report.ts), and nothing here unmasks.
 */
import { ConnectionRef, DriftReport, NotCompared, SECRET_MASK } from "./report";
import type { UnmanagedConnection, UnmanagedReport } from "./unmanaged";
import { elsewhereLine } from "../shared/connections";
import { escapeMarkdown } from "../shared/markdown";

export type ReportFormat = "text" | "markdown" | "json";

/** One line of the drift table. */
export interface DriftRow {
  /** The Pulumi resource name. */
  readonly connection: string;
  readonly type: string;
  /** A field name, or what happened to the connection as a whole. */
  readonly drift: string;
  readonly state: string;
  readonly api: string;
}

const MAX_VALUE = 80;

/** A report value as a table cell: strings quoted, `null` as "(unset)", long values shortened. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "(unset)";
  if (value === SECRET_MASK) return SECRET_MASK;
  const text = JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** The rows of every format: drifted fields, credential warnings, deletions, unreadable connections. */
export function driftRows(report: DriftReport): DriftRow[] {
  const rows: DriftRow[] = [];
  for (const c of report.drifted) {
    for (const f of c.fields) {
      rows.push({
        connection: c.resource,
        type: c.type,
        drift: f.field,
        state: formatValue(f.old),
        api: formatValue(f.new),
      });
    }
    if (c.fields.length === 0) {
      rows.push({
        connection: c.resource,
        type: c.type,
        drift: c.note ?? "changed",
        state: c.version ? `version ${c.version.old}` : "",
        api: c.version ? `version ${c.version.new}` : "",
      });
    }
  }
  for (const c of report.deleted) {
    rows.push({
      connection: c.resource,
      type: c.type,
      drift: "deleted out of band",
      state: c.id ? `ID ${c.id}` : "",
      api: "(none)",
    });
  }
  for (const c of report.unreadable) {
    rows.push({
      connection: c.resource,
      type: c.type,
      drift: "could not be read",
      state: "",
      api: c.error,
    });
  }
  return rows;
}

/** "2 drifted, 1 deleted out of band, 1 could not be read (5 connections checked)" */
export function summaryOf(report: DriftReport): string {
  const parts: string[] = [];
  if (report.drifted.length > 0) parts.push(`${report.drifted.length} drifted`);
  if (report.deleted.length > 0) parts.push(`${report.deleted.length} deleted out of band`);
  if (report.unreadable.length > 0) parts.push(`${report.unreadable.length} could not be read`);
  const n = report.checked;
  const checked = `${n} connection${n === 1 ? "" : "s"} checked`;
  return parts.length > 0 ? `${parts.join(", ")} (${checked})` : checked;
}

/** The verdict: failure first, since a failed check says nothing about drift. */
function verdict(report: DriftReport): string {
  if (report.failed) return `the check failed: ${report.error ?? "unknown error"}`;
  return report.clean ? "no drift" : "drift found";
}

const NOT_CLEAN = 'This is not a "no drift" result: fix the failure, then run the check again.';

/** What a rendering includes beyond the report's own verdict and rows. */
export interface RenderOptions {
  /**
   * The fields the check cannot compare; off where a fleet report lists them once for all stacks.
   * @default true
   */
  readonly notCompared?: boolean;
}

const NOT_COMPARED_WHY =
  "the API never returns these fields (write-only, or masked when read), so a change made to " +
  "them outside Pulumi cannot be seen";

/** The kinds and types with fields the check cannot compare, and those fields, one line each. */
function gaps(notCompared: NotCompared): [string, string][] {
  return Object.entries(notCompared)
    .filter(([, fields]) => fields.length > 0)
    .map(([key, fields]) => [key, fields.join(", ")]);
}

/** "Not compared: …" and an aligned list, or nothing when every field is compared. */
export function notComparedText(notCompared: NotCompared): string[] {
  const rows = gaps(notCompared);
  if (rows.length === 0) return [];
  const width = Math.max(...rows.map(([key]) => key.length));
  return [
    `Not compared: ${NOT_COMPARED_WHY}:`,
    ...rows.map(([key, fields]) => `  ${key.padEnd(width)}  ${fields}`),
  ];
}

/** The Markdown counterpart of {@link notComparedText}. */
export function notComparedMarkdown(notCompared: NotCompared): string[] {
  const rows = gaps(notCompared);
  if (rows.length === 0) return [];
  return [
    `**Not compared**: ${NOT_COMPARED_WHY}.`,
    "",
    "| kind | fields not compared |",
    "| --- | --- |",
    ...rows.map(([key, fields]) => `| ${escapeMarkdown(key)} | ${escapeMarkdown(fields)} |`),
  ];
}

export function renderText(report: DriftReport, options: RenderOptions = {}): string {
  const lines = [`Drift report for stack "${report.stack}": ${verdict(report)}`, summaryOf(report)];
  const rows = driftRows(report);
  if (rows.length > 0) {
    lines.push("", ...alignedTable(rows));
  }
  if (report.failed) lines.push("", NOT_CLEAN);
  if (report.drifted.length > 0 || report.deleted.length > 0) {
    lines.push("", `To converge: ${report.remediation}`);
  }
  if (report.read.length > 0)
    lines.push("", `${readSummary(report.read)}:`, ...report.read.map((c) => `  ${readLine(c)}`));
  const u = report.unmanaged;
  if (u && u.error === undefined) {
    lines.push("", unmanagedSummary(u));
    if (u.connections.length > 0) {
      lines.push("", ...alignedColumns(UNMANAGED_HEADERS, u.connections.map(unmanagedRow)));
      lines.push("", "To write the program that adopts them:", ...u.commands.map((c) => `  ${c}`));
    }
    if (u.managedElsewhere.length > 0)
      lines.push("", `${ELSEWHERE}:`, ...u.managedElsewhere.map((e) => `  ${elsewhereLine(e)}`));
  }
  const notCompared = options.notCompared === false ? [] : notComparedText(report.notCompared);
  if (notCompared.length > 0) lines.push("", ...notCompared);
  return `${lines.join("\n")}\n`;
}

/**
 * "Read, not managed: 2 connections …": those a program reads with `.get`. The engine never
 * changes them, so whatever the API holds is not drift of this stack.
 */
export function readSummary(read: readonly ConnectionRef[]): string {
  const n = read.length;
  return (
    `Read, not managed: ${n} connection${n === 1 ? "" : "s"} the program reads with \`.get\` ` +
    `(not compared: the stack does not manage ${n === 1 ? "it" : "them"})`
  );
}

function readLine(c: ConnectionRef): string {
  return `${c.resource} (${c.type}${c.id ? `, ID ${c.id}` : ""})`;
}

/** "2 connections in the APIs are not managed by this stack" */
export function unmanagedSummary(u: UnmanagedReport): string {
  const n = u.connections.length;
  if (n === 0)
    return u.managedElsewhere.length > 0
      ? "Unmanaged: none (every connection listed is managed by this stack or another stack of the backend)"
      : "Unmanaged: none (every connection listed is managed by this stack)";
  return `Unmanaged: ${n} connection${n === 1 ? "" : "s"} in the APIs ${n === 1 ? "is" : "are"} not managed by this stack`;
}

const ELSEWHERE =
  "Managed by other stacks of the backend (not offered for import: adopting one here would give it two owners)";

const UNMANAGED_HEADERS = ["TYPE", "NAME", "ID", "IMPORT"] as const;

function unmanagedRow(c: UnmanagedConnection): string[] {
  const where = c.projectName !== undefined ? `${c.projectName}/` : "";
  const account = c.account !== undefined ? ` (account ${c.account})` : "";
  return [c.type, `${where}${c.name}${account}`, c.id, c.importCommand];
}

function alignedColumns(headers: readonly string[], rows: readonly string[][]): string[] {
  const all = [[...headers], ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
}

const HEADERS: DriftRow = {
  connection: "CONNECTION",
  type: "TYPE",
  drift: "DRIFT",
  state: "IN STATE",
  api: "IN THE API NOW",
};
const COLUMNS = ["connection", "type", "drift", "state", "api"] as const;

function alignedTable(rows: readonly DriftRow[]): string[] {
  const all = [HEADERS, ...rows];
  const widths = COLUMNS.map((c) => Math.max(...all.map((r) => r[c].length)));
  return all.map((r) =>
    COLUMNS.map((c, i) => (i === COLUMNS.length - 1 ? r[c] : r[c].padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
}

/** Markdown for `$GITHUB_STEP_SUMMARY` or a pull-request comment. */
export function renderMarkdown(report: DriftReport, options: RenderOptions = {}): string {
  const lead = report.failed
    ? `**The drift check failed**: ${escapeMarkdown(report.error ?? "unknown error")}. ${NOT_CLEAN}`
    : report.clean
      ? `**No drift**: ${summaryOf(report)}.`
      : `**Drift found**: ${summaryOf(report)}.`;
  const lines = [`### Connection drift: stack \`${report.stack}\``, "", lead];
  const rows = driftRows(report);
  if (rows.length > 0) {
    lines.push(
      "",
      "| connection | type | drift | in state | in the API now |",
      "| --- | --- | --- | --- | --- |",
      ...rows.map((r) => `| ${COLUMNS.map((c) => escapeMarkdown(r[c])).join(" | ")} |`),
    );
  }
  if (report.drifted.length > 0 || report.deleted.length > 0) {
    lines.push("", `Converge with \`${report.remediation}\`.`);
  }
  if (report.read.length > 0) {
    lines.push(
      "",
      `**${escapeMarkdown(readSummary(report.read))}**:`,
      "",
      ...report.read.map((c) => `- ${escapeMarkdown(readLine(c))}`),
    );
  }
  const u = report.unmanaged;
  if (u && u.error === undefined) {
    lines.push("", `**${escapeMarkdown(unmanagedSummary(u))}**`);
    if (u.connections.length > 0) {
      lines.push(
        "",
        "| type | name | ID | import |",
        "| --- | --- | --- | --- |",
        ...u.connections.map(
          (c) =>
            `| ${unmanagedRow(c)
              .map((cell, i) => (i === 3 ? code(cell) : escapeMarkdown(cell)))
              .join(" | ")} |`,
        ),
        "",
        "Write the program that adopts them with:",
        "",
        "```sh",
        ...u.commands,
        "```",
      );
    }
    if (u.managedElsewhere.length > 0)
      lines.push(
        "",
        `**${ELSEWHERE}**:`,
        "",
        ...u.managedElsewhere.map((e) => `- ${escapeMarkdown(elsewhereLine(e))}`),
      );
  }
  const notCompared = options.notCompared === false ? [] : notComparedMarkdown(report.notCompared);
  if (notCompared.length > 0) lines.push("", ...notCompared);
  return `${lines.join("\n")}\n`;
}

/** Inline code in a table cell: backticks cannot occur in our commands, pipes are escaped. */
function code(text: string): string {
  return `\`${text.replace(/\|/g, "\\|")}\``;
}

export function renderJson(report: DriftReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function render(report: DriftReport, format: ReportFormat): string {
  switch (format) {
    case "json":
      return renderJson(report);
    case "markdown":
      return renderMarkdown(report);
    case "text":
      return renderText(report);
  }
}
