/**
 * What a field's declaration says, in words: the sentences every generated artefact (the SDK's
 * TSDoc, the README's tables, the native plugins' Pulumi schema) derives from the declarations.
 */
import { z } from "zod";
import { describeCondition, FieldSpec } from "./fields";

export type JsonSchema = {
  type?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  description?: string;
  default?: unknown;
  title?: string;
  minItems?: number;
};

export function jsonSchemaOf(spec: FieldSpec): JsonSchema {
  const schema = spec.schema ?? z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]);
  return z.toJSONSchema(schema, { unrepresentable: "any" }) as JsonSchema;
}

export function sentence(text: string): string {
  const t = text.trim();
  const s = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/**
 * What a field's declaration says, as sentences: doc, limits, rules, secrecy, replacement. For an
 * output, a field the API never shows says whose value it holds: the one this stack last sent.
 */
export function facts(spec: FieldSpec, output = false): string[] {
  const out: string[] = [];
  if (spec.doc) out.push(sentence(spec.doc));
  const limits = limitText(spec);
  if (limits) out.push(sentence(limits));
  if (spec.requiredWhen && !output) {
    out.push(`Required when ${describeCondition(spec.requiredWhen, (f) => `\`${f}\``)}.`);
  }
  if (output && spec.writeOnly) {
    out.push(
      "Secret and write-only: the value this stack last sent, never one read from the API, " +
        "which does not return it; unset once a refresh finds the connection changed outside this stack.",
    );
  } else if (output && spec.maskedOnRead) {
    out.push(
      "Secret: the value this stack last sent, never one read from the API, which masks it on read.",
    );
  } else if (spec.secret && spec.writeOnly) {
    out.push("Secret and write-only: the API never returns it, so it cannot be drift-checked.");
  } else if (spec.secret && spec.maskedOnRead) {
    out.push(
      "Secret: the API masks it when the connection is read, so it cannot be drift-checked; " +
        "every update sends it.",
    );
  } else if (spec.secret) {
    out.push("Secret: stored encrypted in the state and never shown.");
  }
  if (spec.replaceOnChange) out.push("Fixed at creation: a change replaces the connection.");
  return out;
}

export function limitText(spec: FieldSpec): string | undefined {
  const parts: string[] = [];
  if (spec.pattern) parts.push(`must be ${spec.patternText ?? `matching ${spec.pattern.source}`}`);
  if (spec.minLength !== undefined && spec.maxLength !== undefined)
    parts.push(`${spec.minLength}-${spec.maxLength} characters`);
  else if (spec.maxLength !== undefined) parts.push(`at most ${spec.maxLength} characters`);
  else if (spec.minLength !== undefined) parts.push(`at least ${spec.minLength} characters`);
  if (spec.min !== undefined && spec.max !== undefined)
    parts.push(`from ${spec.min} to ${spec.max}`);
  else if (spec.min !== undefined) parts.push(`at least ${spec.min}`);
  else if (spec.max !== undefined) parts.push(`at most ${spec.max}`);
  return parts.length > 0 ? parts.join("; ") : undefined;
}

export function defaultText(spec: FieldSpec): string | undefined {
  if (spec.autonamed)
    return "the resource name plus 7 hex characters (see pulumi:autonaming), kept across updates";
  if (spec.default !== undefined) return JSON.stringify(spec.default);
  return spec.defaultDoc;
}

export function isOptional(spec: FieldSpec): boolean {
  return !spec.required || spec.autonamed === true;
}
