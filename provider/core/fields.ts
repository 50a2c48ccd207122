import { z } from "zod";

/**
 * One property of a resource kind, declared once: what it is on the wire, whether it is secret,
 * whether changing it means replacement, and its limits. Everything else (check, diff, the wire
 * body, drift mapping) is derived from these declarations by the engine.
 */
export interface FieldSpec {
  /** Wire type; `json` is any JSON object or array validated by {@link FieldSpec.schema}. */
  readonly kind: "string" | "integer" | "boolean" | "json";
  /** Required when the connection is created. */
  readonly required?: boolean;
  /**
   * Required only when this condition holds over the other inputs (Apinizer's conditional fields,
   * docs/api/apinizer.md#connection-types).
   */
  readonly requiredWhen?: Condition;
  /** A Pulumi secret: masked in every message, secret in state. */
  readonly secret?: boolean;
  /**
   * The API never returns it (docs/api/pictory-vimeo.md#secrets-are-never-returned): kept from
   * state on refresh, never drift-detected.
   */
  readonly writeOnly?: boolean;
  /**
   * The API answers it masked (`null`) when reading the connection: the Apinizer type pages that
   * say "Password is masked in get operations". Handled like a write-only field: kept from
   * state on refresh, never reported as drift, sent with every update.
   */
  readonly maskedOnRead?: boolean;
  /**
   * Changing it means delete and re-create (docs/api/pictory-aws.md#account-and-region-are-fixed,
   * docs/api/apinizer.md#type-is-fixed).
   */
  readonly replaceOnChange?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: RegExp;
  /** Shown instead of the raw regular expression in failure messages. */
  readonly patternText?: string;
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** The API's default when the field is omitted; refresh treats an equal value as "not set". */
  readonly default?: unknown;
  /** Validation for `json` fields. */
  readonly schema?: z.ZodType;
  /**
   * Mirrors a normalisation the server applies on write, so it never shows as drift
   * (docs/api/apinizer.md#logback-paths).
   */
  readonly normalize?: (value: unknown) => unknown;
  /**
   * Left empty, the server fills in a value the provider cannot predict (logback `logPodName`
   * becomes the server's hostname, docs/api/apinizer.md#logback-paths): that value is the server's
   * choice, not drift.
   */
  readonly serverFillsEmpty?: boolean;
  /**
   * What an update sends to clear the field once the program stops setting it, for APIs where an
   * omitted field keeps its stored value (Pictory description: `""`).
   */
  readonly clearWith?: unknown;
  /** Not sent to the API: it steers the provider (for example `onConflict`). */
  readonly local?: boolean;
  /**
   * The connection's name: when the program leaves it out, the provider derives it from the
   * resource name.
   */
  readonly autonamed?: boolean;
  /** One-line description, reused in docs and messages. */
  readonly doc?: string;
  /**
   * What an unset local field means, in words, for the SDK's TSDoc and the reference pages. Not a
   * value: {@link FieldSpec.default} is the API's, which refresh compares with and the wire sends.
   */
  readonly defaultDoc?: string;
}

export type FieldSet = Readonly<Record<string, FieldSpec>>;

/** An output-only property: computed by the API, never set by the program. */
export interface OutputSpec {
  readonly kind: FieldSpec["kind"];
  readonly doc: string;
  /** Absent until the API reports it. */
  readonly optional?: boolean;
  /**
   * Moves with every write of the connection: a write whose answer lacks it leaves it unset
   * rather than stale.
   */
  readonly volatile?: boolean;
  /** The SDK's TypeScript type of a `json` output. */
  readonly tsType?: string;
  /**
   * How an API answer must hold it, where that is stricter than its wire type (an ID's form, a
   * date, a version of at least 1): every answer is validated against it before it reaches the
   * state. @default any value of its wire type, missing or null allowed
   */
  readonly answer?: z.ZodType;
}

export type OutputSet = Readonly<Record<string, OutputSpec>>;

/**
 * A rule over the other inputs, as data: the engine evaluates it, and the failure message and the
 * SDK's docs are derived from it, so the rule and its wording cannot disagree.
 */
export type Condition =
  | { readonly field: string; readonly equals: string | number | boolean }
  | { readonly field: string; readonly notEquals: string | number | boolean }
  | { readonly field: string; readonly oneOf: readonly (string | number | boolean)[] }
  /** Set to something other than an empty string. */
  | { readonly field: string; readonly present: true }
  | { readonly all: readonly Condition[] };

export function holds(c: Condition, inputs: Readonly<Record<string, unknown>>): boolean {
  if ("all" in c) return c.all.every((x) => holds(x, inputs));
  const v = inputs[c.field];
  if ("equals" in c) return v === c.equals;
  if ("notEquals" in c) return v !== c.notEquals;
  if ("oneOf" in c) return c.oneOf.includes(v as string);
  return v !== undefined && v !== null && v !== "";
}

/** The condition in words: `auth is true`, `securityLevel is AUTH_NOPRIV or AUTH_PRIV`. */
export function describeCondition(
  c: Condition,
  name: (field: string) => string = (f) => f,
): string {
  if ("all" in c) return c.all.map((x) => describeCondition(x, name)).join(" and ");
  const field = name(c.field);
  if ("equals" in c) return `${field} is ${String(c.equals)}`;
  if ("notEquals" in c) return `${field} is not ${String(c.notEquals)}`;
  if ("oneOf" in c) return `${field} is ${c.oneOf.map(String).join(" or ")}`;
  return `${field} is set`;
}

/** The fields a condition reads. */
export function conditionFields(c: Condition): string[] {
  return "all" in c ? c.all.flatMap(conditionFields) : [c.field];
}

/**
 * Builds the zod schema of one field. Messages never include the received value: zod issues
 * carry no input by default, and we keep it that way so a secret cannot leak through a failure.
 */
export function fieldSchema(spec: FieldSpec): z.ZodType {
  switch (spec.kind) {
    case "string": {
      if (spec.enum) {
        return z.enum(spec.enum as [string, ...string[]], {
          error: () => `must be one of ${spec.enum!.join(", ")}`,
        });
      }
      let s = z.string({ error: () => "must be a string" });
      if (spec.minLength !== undefined)
        s = s.min(spec.minLength, { error: `must be at least ${spec.minLength} characters` });
      if (spec.maxLength !== undefined)
        s = s.max(spec.maxLength, { error: `must be at most ${spec.maxLength} characters` });
      if (spec.pattern)
        s = s.regex(spec.pattern, {
          error: `must match ${spec.patternText ?? spec.pattern.source}`,
        });
      return s;
    }
    case "integer": {
      let n = z
        .number({ error: () => "must be a number" })
        .int({ error: "must be a whole number" });
      if (spec.min !== undefined) n = n.min(spec.min, { error: `must be at least ${spec.min}` });
      if (spec.max !== undefined) n = n.max(spec.max, { error: `must be at most ${spec.max}` });
      return n;
    }
    case "boolean":
      return z.boolean({ error: () => "must be true or false" });
    case "json":
      return spec.schema ?? z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]);
  }
}

/** A field the API never shows: its drift cannot be seen, and the state's value is the truth. */
export function isUnreadable(spec: FieldSpec): boolean {
  return spec.writeOnly === true || spec.maskedOnRead === true;
}

/** Structural equality of JSON values, with object key order ignored. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!jsonEqual(ao[k], bo[k])) return false;
  return true;
}
