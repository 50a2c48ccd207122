/**
 * Planning: what Pulumi asks before it touches anything. `check` validates the inputs, `diff` says
 * what changes and whether it replaces, and the helpers shape bodies, outputs and read-back inputs
 * from a kind's declaration. Pure: no request, no clock, no process state, so every function here
 * can be tested with generated cases alone. The operations (provider/core/operations.ts) build on
 * it; it never uses them.
 */
import type * as pulumi from "@pulumi/pulumi";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import {
  describeCondition,
  fieldSchema,
  FieldSpec,
  holds,
  isUnreadable,
  jsonEqual,
} from "./fields";
import { fieldsFor, lockedVersion, nameScope, Props, Remote, ResourceKind } from "./kind";
import { JsonSchema, jsonSchemaOf } from "./describe";
import { describeReceived } from "./secrets";

/** Whether a (possibly partially unknown) value holds the engine's unknown placeholder anywhere. */
export function containsUnknown(value: unknown): boolean {
  if (value === unknownValue) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** A validation failure, as Pulumi's dynamic providers report it. */
export type Failure = pulumi.dynamic.CheckFailure;

export interface CheckOutcome {
  readonly inputs: Record<string, unknown>;
  readonly failures: Failure[];
}

export interface DiffOutcome {
  readonly changes: boolean;
  readonly replaces: string[];
  readonly deleteBeforeReplace: boolean;
  /** The properties that differ, for messages and the drift report. */
  readonly changed: string[];
  /**
   * Whether the engine may compare the inputs itself to name each changed field: true when
   * something changed and every `__` input is as it was. See {@link hostChanges}.
   */
  readonly engineNamesFields: boolean;
}

/** Keys the dynamic-provider host owns; they never reach the engine's logic. */
const HOST_KEYS = new Set(["__provider"]);

/**
 * `check`: validates every property before any network call, one failure per property, and never
 * echoes a value (a wrong secret must not end up in a log). Unknown values pass during preview.
 */
export function check(kind: ResourceKind, olds: Props, news: Props): CheckOutcome {
  const inputs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(news))
    if (!HOST_KEYS.has(k) && v !== undefined) inputs[k] = v;
  const failures: Failure[] = [];

  const proposal = inputs.__autoname as { name?: unknown; fixed?: unknown } | undefined;
  // A proposal that depends on values unknown during preview is unknown too.
  if (inputs.name === undefined && containsUnknown(proposal)) inputs.name = unknownValue;
  else if (inputs.name === undefined && typeof proposal?.name === "string") {
    inputs.name = autoname(kind, olds, inputs, {
      name: proposal.name,
      fixed: proposal.fixed === true,
    });
    // Only its presence matters once the name is chosen (see autoname), so an autonamed
    // connection keeps the stored proposal: a new one (a replacement, an alias, another pattern)
    // would otherwise be a changed input in the engine's own comparison, which prints `__` keys.
    if (olds.__autoname !== undefined) inputs.__autoname = olds.__autoname;
  }

  const discriminator = kind.variants?.field;
  // Unknown during preview, or invalid (reported on its own): the allowed fields cannot be known.
  const typeKnown =
    !discriminator ||
    (!containsUnknown(inputs[discriminator]) &&
      !!kind.variants!.sets[String(inputs[discriminator])]);
  const fields = fieldsFor(kind, inputs);

  for (const key of Object.keys(inputs)) {
    if (fields[key]) continue;
    if (!typeKnown) continue;
    const allowed = Object.keys(fields).filter((f) => !fields[f]!.local);
    const where = discriminator ? ` for ${discriminator} "${String(inputs[discriminator])}"` : "";
    failures.push({
      property: key,
      reason: `is not a property of ${kind.title}${where}; remove it (allowed: ${allowed.join(", ")})`,
    });
  }

  for (const [key, spec] of Object.entries(fields)) {
    const value = inputs[key];
    if (value === undefined || value === null) {
      if (isRequired(spec, inputs)) failures.push({ property: key, reason: requiredReason(spec) });
      continue;
    }
    if (containsUnknown(value)) continue;
    const result = fieldSchema(spec).safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const at = issue.path.length > 0 ? ` (at ${pathText(spec, issue.path)})` : "";
      // Zod names the keys it does not allow: the program's text, which may hold a secret.
      const problem =
        issue.code === "unrecognized_keys"
          ? `has ${issue.keys.length === 1 ? "a key" : `${issue.keys.length} keys`} the declaration does not allow (see the reference page for the keys it takes)`
          : issue.message;
      // Described, never shown: a program may pass a secret into any field.
      failures.push({
        property: key,
        reason: `${problem}${at}, received ${describeReceived(valueAt(value, issue.path))}`,
      });
      continue;
    }
    if (spec.normalize) inputs[key] = spec.normalize(value);
  }
  // The API holds its default for a field the program leaves out, and every write sends it: the
  // checked inputs say so, so a plan shows the value the API will hold (`enabled: false => true`
  // when `enabled: false` is removed), not a bare removal.
  if (typeKnown) {
    for (const [key, spec] of Object.entries(fields)) {
      if (!spec.local && spec.default !== undefined && inputs[key] === undefined)
        inputs[key] = spec.default;
    }
  }
  return { inputs, failures };
}

/**
 * Where in a value a problem is, for a message: indices, and keys the declaration names. Any other
 * key (a map's, or one the declaration does not take) is the program's text, which may hold a
 * secret, so it is shown as `<key>`.
 */
function pathText(spec: FieldSpec, path: readonly PropertyKey[]): string {
  let js: JsonSchema | undefined = jsonSchemaOf(spec);
  const parts: string[] = [];
  for (const p of path) {
    const options: JsonSchema[] = js?.anyOf ?? (js ? [js] : []);
    if (typeof p === "number") {
      parts.push(String(p));
      js = options.find((o) => o.items)?.items;
      continue;
    }
    const named = options.find((o) => typeof p === "string" && o.properties?.[p] !== undefined);
    if (named && typeof p === "string") {
      parts.push(p);
      js = named.properties![p];
      continue;
    }
    parts.push("<key>");
    const rest = options.find((o) => typeof o.additionalProperties === "object");
    js = typeof rest?.additionalProperties === "object" ? rest.additionalProperties : undefined;
  }
  return parts.join(".");
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const k of path)
    v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function isRequired(spec: FieldSpec, inputs: Props): boolean {
  if (spec.required) return true;
  if (!spec.requiredWhen) return false;
  // A condition over unknown values cannot be decided during preview; `up` checks again.
  return !containsUnknown(inputs) && holds(spec.requiredWhen, inputs);
}

function requiredReason(spec: FieldSpec): string {
  const when = spec.requiredWhen ? ` when ${describeCondition(spec.requiredWhen)}` : "";
  const how = spec.secret ? "; pass it as a secret (for example config.requireSecret(...))" : "";
  return `is required${when}${how}`;
}

/**
 * The name of a connection whose program leaves `name` out. The SDK's proposal is deterministic
 * (the same in `preview` and `up`) and derived from the fields fixed at creation too. An
 * autonamed connection keeps its name across updates and a rename of the logical resource
 * (`aliases`): renaming the remote connection would be a change no one asked for. A replacement
 * takes the proposal, which differs from the old name because a fixed field changed, so the new
 * connection can be created while the old one still holds the old name. The engine checks a
 * replacement again without the old inputs, and gets the same proposal then. A fixed proposal
 * (verbatim autonaming) keeps the name, and its replacement deletes first.
 */
function autoname(
  kind: ResourceKind,
  olds: Props,
  news: Props,
  proposal: { name: string; fixed: boolean },
): string {
  // `autonamePrefix`: what states written before `__autoname` hold.
  const wasAutonamed = olds.__autoname !== undefined || typeof olds.autonamePrefix === "string";
  if (!wasAutonamed || typeof olds.name !== "string") return proposal.name;
  const fields = fieldsFor(kind, news);
  const scope = new Set(nameScope(kind));
  const moved = Object.keys(fields).filter(
    (k) =>
      fields[k]!.replaceOnChange &&
      !scope.has(k) &&
      !containsUnknown(news[k]) &&
      !jsonEqual(effective(fields[k]!, olds[k]), effective(fields[k]!, news[k])),
  );
  return moved.length === 0 ? olds.name : proposal.name;
}

/** `diff`: no requests. Replace-on-change fields replace; every other declared field updates in place. */
export function diff(kind: ResourceKind, olds: Props, news: Props): DiffOutcome {
  const changed = changedFields(kind, olds, news);
  const fields = { ...fieldsFor(kind, olds), ...fieldsFor(kind, news) };
  // The resource option replaceOnChanges: Pulumi matches it against the changed keys a provider
  // reports, which the dynamic-provider host never passes on, so the option is applied here.
  const option = Array.isArray(news.__replaceOnChanges)
    ? (news.__replaceOnChanges as string[])
    : [];
  const replaces = changed.filter(
    (k) =>
      fields[k]?.replaceOnChange ||
      option.some((o) => o === "*" || o === k || o.startsWith(`${k}.`) || o.startsWith(`${k}[`)),
  );
  // pulumi#16175-style pitfall: replaceOnChange is ignored when diff reports changes, so we say it.
  // Delete first only when the new connection would collide with the old one: the same name in
  // the same namespace (another Apinizer project is another namespace).
  const nameKept = !changed.includes("name");
  const scopeKept = nameScope(kind).every((k) => !changed.includes(k));
  const steering = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) =>
    k.startsWith("__"),
  );
  return {
    changes: changed.length > 0,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && kind.uniqueNames && nameKept && scopeKept,
    changed,
    engineNamesFields:
      changed.length > 0 &&
      steering.every((k) => !containsUnknown(news[k]) && jsonEqual(olds[k], news[k])),
  };
}

/**
 * The `changes` a diff hands to Pulumi's dynamic-provider host, which passes on only `changes`,
 * `replaces` and `deleteBeforeReplace`. With `true` the CLI shows the inputs with secrets
 * already masked as `[secret]` on both sides, so a changed secret shows no field at all, and
 * `preview --json` has no `diffReasons` or `detailedDiff`. Left undefined ("unknown"), the engine
 * compares the old and new inputs itself (pulumi/pulumi pkg/resource/deploy/step_generator.go,
 * diffResource) before masking: every changed field is named, a secret as `[secret] => [secret]`,
 * and `preview --json` carries both. Our `replaces` and `deleteBeforeReplace` still apply. The
 * engine compares old inputs with new ones where we compare old outputs, but the declared fields
 * of outputs are the inputs (outputsOf), so both see a change or neither. That comparison covers
 * every input, so it is used only while the `__` inputs are unchanged: it would print them, and
 * they are provider-internal.
 */
export function hostChanges(outcome: DiffOutcome): boolean | undefined {
  if (!outcome.changes) return false;
  return outcome.engineNamesFields ? undefined : true;
}

/**
 * Declared fields whose old and new values differ (defaults count as set): the wire fields, and
 * the local ones that replace (`account`).
 */
export function changedFields(kind: ResourceKind, olds: Props, news: Props): string[] {
  const fields = { ...fieldsFor(kind, olds), ...fieldsFor(kind, news) };
  const out: string[] = [];
  for (const [key, spec] of Object.entries(fields)) {
    if (spec.local && !spec.replaceOnChange) continue;
    const b = news[key];
    if (containsUnknown(b)) {
      out.push(key);
      continue;
    }
    if (!jsonEqual(effective(spec, olds[key]), effective(spec, b))) out.push(key);
  }
  return out.sort();
}

function effective(spec: FieldSpec, value: unknown): unknown {
  const v = value === null ? undefined : value;
  if (v === undefined) return spec.default;
  return spec.normalize ? spec.normalize(v) : v;
}

/**
 * The request body: every declared wire field that has a value, and the API default for one the
 * program leaves unset, so that an update converges a field someone changed out of band (Pictory
 * keeps an omitted field, docs/api/pictory-vimeo.md#partial-updates). Local fields stay home.
 */
export function wireBody(kind: ResourceKind, inputs: Props): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(fieldsFor(kind, inputs))) {
    if (spec.local) continue;
    const value = inputs[key] ?? spec.default;
    if (value !== undefined && value !== null) body[key] = value;
  }
  return body;
}

/**
 * Outputs: the desired inputs the API accepted, plus the kind's output properties: the previous
 * values, overlaid by what the API computed now. A volatile output that the answer lacks is not
 * carried over once the version moved (Pictory's AWS update answer has no `updatedDate`): unset
 * until the next read, never stale. No `undefined` values.
 */
export function outputsOf(
  kind: ResourceKind,
  inputs: Props,
  remote: Remote,
  previous: Props = {},
): Record<string, unknown> {
  const computed: Record<string, unknown> = {};
  const versionMoved =
    remote.version !== undefined && remote.version !== lockedVersion(kind, previous);
  for (const [k, spec] of Object.entries(kind.outputs))
    if (previous[k] !== undefined && !(spec.volatile && versionMoved)) computed[k] = previous[k];
  Object.assign(computed, remote.computed);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries({ ...computed, ...inputs })) {
    if (!HOST_KEYS.has(k) && v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * The inputs that describe what the API holds now, for `read`: a field the program never set stays
 * unset while the API holds its default, write-only secrets keep their state value (the API cannot
 * return them, docs/api/pictory-vimeo.md#secrets-are-never-returned), and local fields are carried
 * over.
 */
export function inputsFromRemote(
  kind: ResourceKind,
  state: Props,
  remote: Remote,
): Record<string, unknown> {
  const merged = { ...state, ...remote.fields };
  const fields = fieldsFor(kind, merged);
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(fields)) {
    const old = state[key];
    if (
      spec.local ||
      isUnreadable(spec) ||
      (spec.serverFillsEmpty && (old === undefined || old === ""))
    ) {
      if (old !== undefined) out[key] = old;
      continue;
    }
    const has = Object.prototype.hasOwnProperty.call(remote.fields, key);
    const value = remote.fields[key];
    if (!has) {
      // Not returned at all: for fields the API never echoes (path parameters) keep state.
      if (old !== undefined && spec.kind !== "string" && spec.default === undefined) out[key] = old;
      continue;
    }
    if (value === null || value === undefined) {
      // Apinizer lists show secrets as null (docs/api/apinizer.md#secrets-in-lists): null is "not
      // shown", not "unset".
      if (spec.secret && old !== undefined) out[key] = old;
      continue;
    }
    if (old === undefined && jsonEqual(effective(spec, value), spec.default)) continue;
    out[key] = value;
  }
  return out;
}
