/**
 * The `--all-stacks` report → text, Markdown or JSON. Pure; every stack that was checked keeps the
 * single-stack report's own rendering (render.ts) for its per-connection detail.
 */
import type { AllStacksReport, StackCheck } from "./all-report";
import {
  notComparedMarkdown,
  notComparedText,
  renderMarkdown,
  renderText,
  ReportFormat,
  summaryOf,
} from "./render";
import { escapeMarkdown } from "../shared/markdown";

/** One line per stack: what the check found, or why it could not. */
export function stackDetail(s: StackCheck): string {
  if (s.status === "failed" || s.status === "busy") return s.reason ?? s.status;
  return s.report ? summaryOf(s.report) : "";
}

/** "6 stacks: 1 clean, 2 drifted, 2 failed, 1 busy" */
export function countsLine(report: AllStacksReport): string {
  const { counts } = report;
  const n = counts.total;
  const parts = (["clean", "drifted", "failed", "busy"] as const)
    .filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`);
  return `${n} stack${n === 1 ? "" : "s"}${parts.length > 0 ? `: ${parts.join(", ")}` : ""}`;
}

function where(report: AllStacksReport): string {
  return report.project !== undefined
    ? `project "${report.project}" on ${report.backend}`
    : report.backend;
}

/** The verdict: an incomplete check first, since it says nothing about the stacks it missed. */
function verdict(report: AllStacksReport): string {
  if (report.error !== undefined) return `the check failed: ${report.error}`;
  if (report.failed) return "not every stack could be checked";
  return report.clean ? "no drift" : "drift found";
}

const NOT_CLEAN =
  'This is not a "no drift" result: the stacks marked failed or busy were not checked. ' +
  "Fix the failures (or wait for the updates to end), then run the check again.";

const LOCK_NOTE: Partial<Record<AllStacksReport["lockCheck"], string>> = {
  none:
    "This backend's stack locks are not read by this check: an update is recognised only once it " +
    "has written the state (pending operations, or a state changed during the check).",
};

/** Stacks whose single-stack report has rows to show: drift, deletions, unreadable connections. */
function detailed(report: AllStacksReport): StackCheck[] {
  return report.stacks.filter(
    (s) =>
      s.report &&
      (s.report.drifted.length > 0 ||
        s.report.deleted.length > 0 ||
        s.report.unreadable.length > 0),
  );
}

export function renderAllText(report: AllStacksReport): string {
  const lines = [`Drift report for ${where(report)}: ${verdict(report)}`, countsLine(report)];
  if (report.stacks.length > 0) {
    const rows = [
      ["STACK", "STATUS", "DETAIL"],
      ...report.stacks.map((s) => [s.stack, s.status, stackDetail(s)]),
    ];
    const widths = [0, 1].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
    lines.push(
      "",
      ...rows.map((r) =>
        `${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}`.trimEnd(),
      ),
    );
  }
  const once = { notCompared: false };
  for (const s of detailed(report)) lines.push("", renderText(s.report!, once).trimEnd());
  const notCompared = notComparedText(report.notCompared);
  if (notCompared.length > 0) lines.push("", ...notCompared);
  const note = LOCK_NOTE[report.lockCheck];
  if (note) lines.push("", note);
  if (report.failed) lines.push("", NOT_CLEAN);
  return `${lines.join("\n")}\n`;
}

/** Markdown for `$GITHUB_STEP_SUMMARY` or an issue: a table of stacks, then each stack's drift. */
export function renderAllMarkdown(report: AllStacksReport): string {
  const summary = escapeMarkdown(countsLine(report));
  const lead =
    report.error !== undefined
      ? `**The drift check failed**: ${escapeMarkdown(report.error)}. ${NOT_CLEAN}`
      : report.failed
        ? `**Not every stack could be checked**: ${summary}. ${NOT_CLEAN}`
        : report.clean
          ? `**No drift**: ${summary}.`
          : `**Drift found**: ${summary}.`;
  const place =
    report.project !== undefined
      ? `project ${code(report.project)} on ${code(report.backend)}`
      : code(report.backend);
  const lines = [`## Connection drift: ${place}`, "", lead];
  if (report.stacks.length > 0) {
    lines.push(
      "",
      "| stack | status | detail |",
      "| --- | --- | --- |",
      ...report.stacks.map(
        (s) => `| ${escapeMarkdown(s.stack)} | ${s.status} | ${escapeMarkdown(stackDetail(s))} |`,
      ),
    );
  }
  const once = { notCompared: false };
  for (const s of detailed(report)) lines.push("", renderMarkdown(s.report!, once).trimEnd());
  const notCompared = notComparedMarkdown(report.notCompared);
  if (notCompared.length > 0) lines.push("", ...notCompared);
  const note = LOCK_NOTE[report.lockCheck];
  if (note) lines.push("", `_${escapeMarkdown(note)}_`);
  return `${lines.join("\n")}\n`;
}

/** A Markdown code span: nothing inside is markup; a backtick (never in a name or URL) becomes '. */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\r?\n/g, " ")}\``;
}

export function renderAllJson(report: AllStacksReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function renderAll(report: AllStacksReport, format: ReportFormat): string {
  switch (format) {
    case "json":
      return renderAllJson(report);
    case "markdown":
      return renderAllMarkdown(report);
    case "text":
      return renderAllText(report);
  }
}
