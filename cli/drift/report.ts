/**
 * Engine events of a refresh preview → a drift report. Pure: no CLI, no I/O, so every case is
 * unit tested with synthetic events (test/unit/drift-report.test.ts).
 */
import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";
import { isUnreadable, jsonEqual } from "../../provider/core/fields";
import { fieldsFor, ResourceKind, unreadableFields } from "../../provider/core/kind";
import type { FieldSpec } from "../../provider/core/fields";
import { KINDS } from "../../provider/registry";

import { MASK } from "../../provider/core/secrets";
import { REPORT_TEXTS, stackMasker, StackMasker } from "../shared/redaction";
import { secretSig, stateSecretsOf } from "../shared/stack-secrets";
import type { UnmanagedReport } from "./unmanaged";
import { connectionKind } from "../shared/connections";
import { cleanDiagnostic, GENERIC_FAILURES } from "../shared/failure";
import { EXIT, ExitCode } from "../shared/exit-codes";

/** How every secret value appears in a report, whatever the output format: the provider's one mask. */
export const SECRET_MASK = MASK;

/** A field value as the report shows it: JSON, {@link SECRET_MASK}, or `null` for "not set". */
export type ReportValue = unknown;

/** One readable field whose value in the API differs from the value in state. */
export interface FieldDrift {
  /** The property, as the program names it (`description`, `enabled`, ...). */
  readonly field: string;
  /** The value in state (the API default when the program left it unset); masked when secret. */
  readonly old: ReportValue;
  /** The value the API holds now; `null` when the API no longer has one; masked when secret. */
  readonly new: ReportValue;
}

/** Where a connection sits: its Pulumi resource and its ID in the API. */
export interface ConnectionRef {
  /** The Pulumi resource name (the URN's last segment). */
  readonly resource: string;
  /** The resource kind, e.g. `pictory:AwsConnection`. */
  readonly type: string;
  readonly urn: string;
  /** The connection's ID in the API, as the check read it, else from state; empty when unknown. */
  readonly id: string;
  /** The connection's `name` in state, when it has one. */
  readonly name?: string;
}

/** A connection that still exists but differs from state. */
export interface DriftedConnection extends ConnectionRef {
  /**
   * Readable fields that differ, sorted by name. Write-only and masked fields never appear: they
   * are listed under {@link DriftReport.notCompared}.
   */
  readonly fields: readonly FieldDrift[];
  /** The API's optimistic-locking version, when it moved. */
  readonly version?: { readonly old: number; readonly new: number };
  /**
   * True when only `version` moved and the connection has fields the API never shows: someone
   * probably changed a credential the API cannot show (Vimeo `clientSecret`, `accessToken`).
   */
  readonly possibleCredentialChange: boolean;
  /** One line for people, e.g. "possible credential change (version 1 → 2)". */
  readonly note?: string;
}

/** A connection in state that the API could not read: its drift is unknown. */
export interface UnreadableConnection extends ConnectionRef {
  /** The provider's error, as the engine reported it (the provider masks secrets in it). */
  readonly error: string;
}

/** What a refresh preview found. `clean` is true only when the check completed and found nothing. */
export interface DriftReport {
  readonly stack: string;
  /** No drift, no deletion, and the check completed. */
  readonly clean: boolean;
  /** The check itself failed or is incomplete: its result must not be read as "no drift". */
  readonly failed: boolean;
  /** Why the check failed, when it did. */
  readonly error?: string;
  /** Connections in the stack's state that the check looked at. */
  readonly checked: number;
  readonly drifted: readonly DriftedConnection[];
  /** Connections deleted outside Pulumi; the next `up` creates them again (with new IDs). */
  readonly deleted: readonly ConnectionRef[];
  readonly unreadable: readonly UnreadableConnection[];
  /**
   * Connections the program reads with `.get` (the checkpoint marks them `external`): the engine
   * does not manage them, so what the API holds is never drift of this stack. Listed apart, not
   * counted in {@link DriftReport.checked}.
   */
  readonly read: readonly ConnectionRef[];
  /**
   * What the check cannot see: for each kind (`pictory:VimeoConnection`) and Apinizer type
   * (`apinizer:Connection/ldap`) among the connections checked, the fields the API never returns
   * (write-only, or masked when read), in declaration order; `[]` when every field is compared.
   * Keys sorted. Derived from the declarations, so it holds names only, never values.
   */
  readonly notCompared: NotCompared;
  /** The command that converges the stack to its program. */
  readonly remediation: string;
  /** With `--unmanaged`: the connections in the APIs that the stack does not manage. */
  readonly unmanaged?: UnmanagedReport;
}

/** Field names per kind or `kind/type`; see {@link DriftReport.notCompared}. */
export type NotCompared = Readonly<Record<string, readonly string[]>>;

export { EXIT, EXIT_CODES } from "../shared/exit-codes";
export type { ExitCode } from "../shared/exit-codes";

/** Failure dominates: a partial result cannot promise that the unread connections are fine. */
export function exitCodeOf(report: DriftReport): ExitCode {
  if (report.failed) return EXIT.failed;
  return report.clean ? EXIT.clean : EXIT.drifted;
}

export function remediationFor(stack: string): string {
  return `pulumi up --refresh --stack ${stack}`;
}

/** Keys that belong to the dynamic-provider host, not to the connection. */
const HOST_KEYS = new Set(["__provider"]);

/**
 * The stack's resources as its checkpoint (`pulumi stack export`) records them. Only a resource
 * listed in {@link StackResources.managed} can be reported as drifted or deleted: the engine
 * manages it. Pulumi stores a resource read with `.get` as `external: true` and never changes
 * it, whatever the read returns.
 */
export interface StackResources {
  /** URNs of the resources the stack created or adopted. */
  readonly managed: ReadonlySet<string>;
  /** URNs of the resources the program only reads (`external: true`). */
  readonly read: ReadonlySet<string>;
  /**
   * Plaintext of every secret the stack holds (cli/shared/stack-secrets.ts says where it comes
   * from): every value of the report that came from the API or from state is masked with them, and
   * nothing else. Never shown.
   */
  readonly secrets: readonly string[];
}

/**
 * The {@link StackResources} of a `pulumi stack export --show-secrets` deployment; `external` must
 * be `true` exactly. Throws when the export's secrets are not decrypted: the report could not mask
 * them.
 */
export function stackResourcesOf(deployment: unknown): StackResources {
  const resources = (deployment as { resources?: unknown } | undefined)?.resources;
  const managed = new Set<string>();
  const read = new Set<string>();
  for (const r of Array.isArray(resources) ? resources : []) {
    const { urn, external } = (r ?? {}) as { urn?: unknown; external?: unknown };
    if (typeof urn !== "string") continue;
    (external === true ? read : managed).add(urn);
  }
  return { managed, read, secrets: stateSecretsOf(deployment) };
}

function resourceName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/**
 * Builds the report of one refresh preview.
 *
 * @param events every engine event of the preview, in order
 * @param resources the stack's checkpoint, exported before the preview: a connection it does not
 *   list as managed is never drift (read with `.get`: listed apart; absent: not read)
 * @param failure set when the preview itself failed (the Automation API threw): the message to show
 */
export function buildReport(
  stack: string,
  events: readonly EngineEvent[],
  resources: StackResources,
  failure?: string,
): DriftReport {
  const seen = new Map<string, StepEventMetadata>();
  const finished = new Map<string, StepEventMetadata>();
  const errors = new Map<string, string[]>();
  const stackErrors: string[] = [];
  // Only what the API, the engine and state said is masked with the stack's secrets, never the
  // report's own words: the errors this function writes itself stay as written.
  const mask = stackMasker(resources.secrets);

  for (const event of events) {
    const pre = event.resourcePreEvent?.metadata;
    if (pre && connectionKind(pre.type)) seen.set(pre.urn, pre);
    const done = event.resOutputsEvent?.metadata;
    if (done && connectionKind(done.type)) finished.set(done.urn, done);
    const diag = event.diagnosticEvent;
    if (diag && diag.severity === "error") {
      const message = cleanDiagnostic(diag.message);
      if (diag.urn && connectionKind(typeOfUrn(diag.urn) ?? "")) {
        errors.set(diag.urn, [...(errors.get(diag.urn) ?? []), message]);
      } else if (!GENERIC_FAILURES.has(message)) {
        stackErrors.push(message);
      }
    }
  }

  const drifted: DriftedConnection[] = [];
  const deleted: ConnectionRef[] = [];
  const unreadable: UnreadableConnection[] = [];
  const read: ConnectionRef[] = [];
  const notCompared = new Map<string, readonly string[]>();
  const urns = [...new Set([...seen.keys(), ...finished.keys(), ...errors.keys()])].sort();
  for (const urn of urns) {
    const meta = finished.get(urn) ?? seen.get(urn);
    const ref = refOf(urn, meta);
    const problems = errors.get(urn);
    const isRead = resources.read.has(urn);
    if (!isRead) {
      const coverage = coverageOf(ref.type, meta?.old?.inputs ?? meta?.new?.inputs ?? {});
      if (coverage) notCompared.set(coverage.key, coverage.fields);
    }
    if (problems) {
      unreadable.push({ ...ref, error: problems.map(mask.message).join("; ") });
      continue;
    }
    if (isRead) {
      read.push(ref);
      continue;
    }
    if (!resources.managed.has(urn)) {
      // Allow-list: only what the checkpoint says the engine manages is compared.
      unreadable.push({
        ...ref,
        error: REPORT_TEXTS.notInState,
      });
      continue;
    }
    const done = finished.get(urn);
    if (!done) {
      // Started but never finished and no error of its own: the preview stopped before reading it.
      if (failure !== undefined || stackErrors.length > 0)
        unreadable.push({ ...ref, error: REPORT_TEXTS.notReached });
      continue;
    }
    if (done.op === "delete" || (done.old && !done.new)) {
      deleted.push(ref);
      continue;
    }
    const drift = driftOf(ref, done);
    if (drift) drifted.push(drift);
  }

  const maskRef = <T extends ConnectionRef>(ref: T): T => ({
    ...ref,
    resource: mask.text(ref.resource),
    urn: mask.message(ref.urn),
    id: mask.text(ref.id),
    ...(ref.name !== undefined ? { name: mask.text(ref.name) } : {}),
  });
  for (const list of [drifted, deleted, unreadable, read] as ConnectionRef[][])
    list.splice(0, list.length, ...list.map(maskRef));
  for (let i = 0; i < drifted.length; i++) {
    const d = drifted[i]!;
    drifted[i] = {
      ...d,
      fields: d.fields.map((f) => ({
        ...f,
        old: maskValue(f.old, mask),
        new: maskValue(f.new, mask),
      })),
    };
  }
  for (let i = 0; i < stackErrors.length; i++) stackErrors[i] = mask.message(stackErrors[i]!);
  if (failure !== undefined) failure = mask.message(failure);

  const failed = failure !== undefined || stackErrors.length > 0 || unreadable.length > 0;
  // The CLI's failure text repeats each resource's error; those are listed under `unreadable`.
  const reasons = [...new Set(stackErrors)];
  if (unreadable.length > 0) {
    const n = unreadable.length;
    reasons.push(`${n} connection${n === 1 ? "" : "s"} could not be read`);
  } else if (failure !== undefined && !reasons.includes(failure)) {
    reasons.push(failure);
  }
  return {
    stack,
    clean: !failed && drifted.length === 0 && deleted.length === 0,
    failed,
    ...(failed ? { error: reasons.join("; ") } : {}),
    checked: urns.length - read.length,
    drifted,
    deleted,
    unreadable,
    read,
    notCompared: sortedRecord(notCompared),
    remediation: remediationFor(stack),
  };
}

/**
 * The report key of a connection (`pictory:VimeoConnection`, `apinizer:Connection/ldap`) and the
 * fields the check cannot compare for it; undefined when its kind or type is not known (a
 * connection the check never got to read, say).
 */
export function coverageOf(
  type: string,
  inputs: Bag,
): { readonly key: string; readonly fields: readonly string[] } | undefined {
  const kind = KINDS.get(type);
  if (!kind) return undefined;
  let key = kind.token;
  if (kind.variants) {
    const variant = inputs[kind.variants.field];
    if (typeof variant !== "string" || !Object.hasOwn(kind.variants.sets, variant))
      return undefined;
    key = `${kind.token}/${variant}`;
  }
  return { key, fields: unreadableFields(kind, inputs) };
}

/** A map as a plain object with sorted keys, so that two reports compare line by line. */
export function sortedRecord<T>(map: ReadonlyMap<string, T>): Readonly<Record<string, T>> {
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `urn:pulumi:stack::project::parent$type::name` → `type`. */
function typeOfUrn(urn: string): string | undefined {
  const parts = urn.split("::");
  if (parts.length < 4) return undefined;
  const qualified = parts[2]!;
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}

function refOf(urn: string, meta: StepEventMetadata | undefined): ConnectionRef {
  const state = meta?.old ?? meta?.new;
  const type = connectionKind(meta?.type ?? typeOfUrn(urn) ?? "") ?? "";
  const name = state?.outputs?.name ?? state?.inputs?.name;
  return {
    resource: resourceName(urn),
    type,
    urn,
    // The ID the read found (an Apinizer ID follows a rename the stack made), else the state's.
    id: meta?.new?.id || state?.id || "",
    ...(typeof name === "string" ? { name } : {}),
  };
}

type Bag = Readonly<Record<string, unknown>>;

function driftOf(ref: ConnectionRef, meta: StepEventMetadata): DriftedConnection | undefined {
  const kind = KINDS.get(ref.type);
  const oldInputs: Bag = meta.old?.inputs ?? {};
  const newInputs: Bag = meta.new?.inputs ?? {};
  const fields = fieldDrifts(kind, oldInputs, newInputs);
  const oldVersion = meta.old?.outputs?.version;
  const newVersion = meta.new?.outputs?.version;
  const version =
    typeof oldVersion === "number" && typeof newVersion === "number" && oldVersion !== newVersion
      ? { old: oldVersion, new: newVersion }
      : undefined;
  const hidden = kind ? unreadableFields(kind, { ...oldInputs, ...newInputs }).length > 0 : false;

  if (fields.length > 0)
    return { ...ref, fields, ...(version ? { version } : {}), possibleCredentialChange: false };
  if (version && hidden) {
    // The API never returns write-only secrets
    // (docs/api/pictory-vimeo.md#secrets-are-never-returned) nor masked ones, so a version that
    // moved while every readable field stayed put is the only trace of a credential changed out of
    // band.
    return {
      ...ref,
      fields,
      version,
      possibleCredentialChange: true,
      note: `possible credential change (version ${version.old} → ${version.new})`,
    };
  }
  if (meta.op === "update") {
    // The engine saw a change this report cannot show (for example a secret that is not declared).
    return {
      ...ref,
      fields,
      ...(version ? { version } : {}),
      possibleCredentialChange: false,
      note: REPORT_TEXTS.hiddenChange,
    };
  }
  // A version bump with nothing else changed on a kind without write-only fields: the API holds
  // what state says; `up --refresh` records the new version.
  return undefined;
}

/**
 * Readable fields that differ between the inputs in state and the inputs the API implies now.
 * Fields the API never shows (write-only, masked when read) and provider-local ones are skipped,
 * so nothing {@link DriftReport.notCompared} lists is ever reported; an unset field counts as the
 * API default.
 */
export function fieldDrifts(
  kind: ResourceKind | undefined,
  oldInputs: Bag,
  newInputs: Bag,
): FieldDrift[] {
  const specs: Readonly<Record<string, FieldSpec>> = kind
    ? { ...fieldsFor(kind, oldInputs), ...fieldsFor(kind, newInputs) }
    : {};
  const keys = [...new Set([...Object.keys(oldInputs), ...Object.keys(newInputs)])].sort();
  const out: FieldDrift[] = [];
  for (const key of keys) {
    if (HOST_KEYS.has(key)) continue;
    const spec = specs[key];
    if (spec && (spec.local || isUnreadable(spec))) continue;
    const before = oldInputs[key] ?? spec?.default;
    const after = newInputs[key] ?? spec?.default;
    if (jsonEqual(before, after)) continue;
    const secret = !!spec?.secret || isSecret(before) || isSecret(after);
    out.push({ field: key, old: shown(before, secret), new: shown(after, secret) });
  }
  return out;
}

/** True for a value the engine marked secret (or already masked), at any depth. */
export function isSecret(value: unknown): boolean {
  if (value === SECRET_MASK) return true;
  if (value === null || typeof value !== "object") return false;
  if (Object.prototype.hasOwnProperty.call(value, secretSig())) return true;
  return Object.values(value).some(isSecret);
}

/**
 * A report value read from the API or from state, masked with the stack's secrets ({@link
 * StackMasker.text}) whatever field it sits in: someone may paste a credential into a readable
 * field outside Pulumi. A number or boolean that holds a secret is shown as the mask; object keys
 * are masked too.
 */
export function maskValue(value: ReportValue, mask: StackMasker): ReportValue {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return mask.text(v);
    if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint")
      return mask.text(String(v)) === String(v) ? v : SECRET_MASK;
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [mask.text(k), walk(x)]));
    return v;
  };
  return walk(value) as ReportValue;
}

function shown(value: unknown, secret: boolean): ReportValue {
  if (value === undefined || value === null) return null;
  return secret ? SECRET_MASK : value;
}
