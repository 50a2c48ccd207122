/**
 * The report of `pulumi-connections drift --all-stacks`: one entry per stack of the backend,
 * each clean, drifted, failed or busy, and one exit code for the lot. Pure: the runner
 * (drift-all.ts) gathers the facts, these functions decide; unit tested in
 * test/unit/drift-all.test.ts.
 */
import { ownWords } from "../provider/core/kind";
import { redact, urlCredentials } from "../provider/core/secrets";
import { KINDS } from "../provider/registry";
import type { LockCheck, StackLock } from "./backend-locks";
import { DriftReport, EXIT, ExitCode, NotCompared, sortedRecord } from "./drift-report";

/**
 * - `clean`: checked; every connection matches state.
 * - `drifted`: checked; the per-connection detail is in `report`.
 * - `failed`: could not be checked (wrong passphrase, API unreachable, bad credentials, an
 *   interrupted update, ...): `reason` says why; never "no drift".
 * - `busy`: an update holds the stack (its lock, or its state changed while the check ran): not
 *   read, or the reading discarded, since the state was being written.
 */
export type StackStatus = "clean" | "drifted" | "failed" | "busy";

export const STATUSES: readonly StackStatus[] = ["clean", "drifted", "failed", "busy"];

export interface StackCheck {
  /** The stack as `--stack` takes it in the project directory (fully qualified if of another project). */
  readonly stack: string;
  /** The stack's project, when the backend scopes stacks by project. */
  readonly project?: string;
  readonly status: StackStatus;
  /** Why the stack is failed or busy. */
  readonly reason?: string;
  /** The locks that make the stack busy. */
  readonly locks?: readonly StackLock[];
  /** The single-stack report, when the refresh preview ran and its result stands. */
  readonly report?: DriftReport;
}

export interface AllStacksReport {
  /** The backend, without credentials: `postgres://db:5432/pulumi`, `file:///srv/state`. */
  readonly backend: string;
  /** `--project`, when given: only that project's stacks were listed. */
  readonly project?: string;
  /** Every stack was checked and none drifted. */
  readonly clean: boolean;
  /** Some stack could not be checked (failed or busy), or the stacks could not be listed. */
  readonly failed: boolean;
  /** Why the check as a whole failed: the listing failed or found no stack. */
  readonly error?: string;
  readonly counts: Readonly<Record<StackStatus | "total", number>>;
  /** How busy stacks were recognised: the backend's lock files or rows, the service, or not by lock. */
  readonly lockCheck: LockCheck;
  /** The fields no check could compare, over every stack that was read (see the single-stack report). */
  readonly notCompared: NotCompared;
  readonly stacks: readonly StackCheck[];
}

/** The status a finished refresh preview gives its stack. */
export function statusOf(report: DriftReport): StackStatus {
  if (report.failed) return "failed";
  return report.clean ? "clean" : "drifted";
}

/** A stack whose refresh preview ran and whose state did not change meanwhile. */
export function checkedStack(report: DriftReport, project?: string): StackCheck {
  const status = statusOf(report);
  return {
    stack: report.stack,
    ...(project !== undefined ? { project } : {}),
    status,
    ...(status === "failed" ? { reason: report.error ?? "the check failed" } : {}),
    report,
  };
}

/** "root@ci-7 (pid 4242) since 2026-05-01T10:00:00Z" */
export function describeLock(lock: StackLock): string {
  const who =
    lock.username || lock.hostname
      ? `${lock.username ?? "?"}@${lock.hostname ?? "?"}`
      : "an unknown process";
  const pid = lock.pid !== undefined ? ` (pid ${lock.pid})` : "";
  const since = lock.timestamp ? ` since ${lock.timestamp}` : "";
  return `${who}${pid}${since}`;
}

/** A stack another process holds: its lock names who. */
export function lockedStack(
  stack: string,
  locks: readonly StackLock[],
  project?: string,
): StackCheck {
  const n = locks.length;
  return {
    stack,
    ...(project !== undefined ? { project } : {}),
    status: "busy",
    reason:
      `an update holds the stack's lock (${n === 1 ? "" : `${n} locks: `}${locks.map(describeLock).join("; ")}): ` +
      `not read while its state is being written; check again when it ends (a lock left by a ` +
      `process that is gone is cleared with \`pulumi cancel --stack ${stack}\`)`,
    locks,
  };
}

/** The `pending_operations` of a stack export, counted by type: `creating 2, updating 1`. */
export function pendingSummary(pending: readonly { readonly type?: unknown }[]): string {
  const counts = new Map<string, number>();
  for (const op of pending) {
    const type = typeof op.type === "string" ? op.type : "unknown";
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, n]) => `${type} ${n}`)
    .join(", ");
}

/**
 * A stack whose state holds pending operations. With the backend's locks readable and none held,
 * they were left by an update that was interrupted (killed, or cancelled): nobody will finish
 * them, so the stack needs a person, not a retry. Without lock reading they are the sign of an
 * update in progress, or of an interrupted one: busy.
 */
export function pendingStack(
  stack: string,
  pending: readonly { readonly type?: unknown }[],
  locksReadable: boolean,
  project?: string,
): StackCheck {
  const n = pending.length;
  const ops = `${n} pending operation${n === 1 ? "" : "s"} (${pendingSummary(pending)})`;
  return {
    stack,
    ...(project !== undefined ? { project } : {}),
    ...(locksReadable
      ? {
          status: "failed" as const,
          reason:
            `an interrupted update left ${ops} in the state and holds no lock: the API may hold ` +
            `connections the state does not know; recover with \`pulumi refresh ` +
            `--clear-pending-creates --stack ${stack}\` and \`pulumi up --stack ${stack}\``,
        }
      : {
          status: "busy" as const,
          reason:
            `the state holds ${ops}: an update is in progress (or was interrupted); ` +
            `not read while its state is being written`,
        }),
  };
}

/** A stack whose state or lock changed while the check read it: its result is discarded. */
export function changedStack(stack: string, what: string, project?: string): StackCheck {
  return {
    stack,
    ...(project !== undefined ? { project } : {}),
    status: "busy",
    reason: `an update ran while the check read the stack (${what}): its result was discarded; check again when it ends`,
  };
}

/** A stack that could not be checked before any refresh ran. */
export function failedStack(stack: string, reason: string, project?: string): StackCheck {
  return { stack, ...(project !== undefined ? { project } : {}), status: "failed", reason };
}

/** Builds the whole report; stacks sorted by name, so that runs compare line by line. */
export function buildAllStacksReport(input: {
  readonly backend: string;
  readonly project?: string;
  readonly lockCheck: LockCheck;
  readonly stacks: readonly StackCheck[];
  /** The listing failed: the message to show. */
  readonly listingError?: string;
}): AllStacksReport {
  const stacks = [...input.stacks].sort((a, b) =>
    a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : 0,
  );
  const counts = { clean: 0, drifted: 0, failed: 0, busy: 0, total: stacks.length };
  for (const s of stacks) counts[s.status]++;
  let error: string | undefined;
  if (input.listingError !== undefined) {
    error = `the stacks could not be listed: ${input.listingError}`;
  } else if (stacks.length === 0) {
    error =
      input.project !== undefined
        ? `no stack of project "${input.project}" in the backend: nothing was checked`
        : "no stack in the backend: nothing was checked";
  }
  const failed = error !== undefined || counts.failed > 0 || counts.busy > 0;
  const notCompared = new Map<string, readonly string[]>();
  for (const s of stacks)
    for (const [key, fields] of Object.entries(s.report?.notCompared ?? {}))
      notCompared.set(key, [...new Set([...(notCompared.get(key) ?? []), ...fields])]);
  return {
    backend: input.backend,
    ...(input.project !== undefined ? { project: input.project } : {}),
    clean: !failed && counts.drifted === 0,
    failed,
    ...(error !== undefined ? { error } : {}),
    counts,
    lockCheck: input.lockCheck,
    notCompared: sortedRecord(notCompared),
    stacks,
  };
}

/**
 * 0: every stack was checked and is clean; 2: some drifted and every stack was checked; 1: some
 * stack could not be checked (failed or busy), or the stacks could not be listed or there were
 * none. Failure dominates drift: an unchecked stack may hold drift too.
 */
export function exitCodeOfAll(report: AllStacksReport): ExitCode {
  if (report.failed) return EXIT.failed;
  return report.clean ? EXIT.clean : EXIT.drifted;
}

/**
 * Values from the environment that must never be printed, however a CLI message quotes them:
 * every variable named like a secret (PGPASSWORD, the passphrase, access tokens, the API
 * credentials), and the backend URL's credentials ({@link urlCredentials}). At any length:
 * the redactor masks a short one wherever it stands whole.
 */
export function secretsOf(
  env: Readonly<Record<string, string | undefined>>,
  backendUrl?: string,
): string[] {
  const out = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (
      value &&
      /(PASSWORD|PASSPHRASE|SECRET|TOKEN|API_KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?)$/i.test(name)
    )
      out.add(value);
  }
  for (const v of backendUrl ? urlCredentials(backendUrl) : []) out.add(v);
  return [...out];
}

/** The commands and product a report names in its advice. */
const COMMAND_WORDS = [
  "pulumi-connections",
  "pulumi",
  "Pulumi",
  "connections",
  "connection",
  "Connections",
  "Connection",
];

/**
 * Every string of a report value through the provider's own redactor ({@link redact}: secrets in
 * every form, URLs without credentials), so that a report and a provider message hide the same
 * things the same way.
 */
export function redactReport<T>(value: T, secrets: readonly string[]): T {
  // The report names resource types, config keys and the commands to run: the code's words, kept
  // readable where a word-like passphrase shares characters with them.
  const words = [...KINDS.values()].flatMap(ownWords).concat(COMMAND_WORDS);
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redact(v, secrets, { keep: words });
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
