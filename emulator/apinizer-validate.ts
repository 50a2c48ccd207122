import { isJsonObject, type JsonObject, type JsonValue } from "./http";
import type { Condition, ConnectionTypeDecl, FieldSpec, FieldTable } from "./apinizer-types";

/**
 * One validation problem; like the vendor's `validation_errors` entries
 * (docs/api/apinizer.md#answers), no values echoed.
 */
export interface ValidationIssue {
  readonly field: string;
  readonly message: string;
}

export interface ValidationResult {
  /** The connection as stored: common fields, then every declared field (default or null). */
  readonly dto: JsonObject;
  readonly issues: readonly ValidationIssue[];
}

/**
 * At most 255 characters, no spaces (docs/api/apinizer.md#names); the emulator accepts
 * `[A-Za-z0-9._-]`.
 */
export const APINIZER_NAME_PATTERN = /^[A-Za-z0-9._-]{1,255}$/;
const DESCRIPTION_MAX = 1000;

/**
 * Validates a create/update body against its type declaration and returns the stored form. PUT is
 * full replacement (docs/api/apinizer.md#update-replaces-the-whole-connection), so omitted and null
 * fields take their defaults; unknown fields are dropped (the vendor's own examples send
 * non-fields, docs/api/apinizer.md#examples-that-contradict-the-field-tables, so they cannot be
 * errors).
 */
export function validateConnection(decl: ConnectionTypeDecl, body: JsonObject): ValidationResult {
  const issues: ValidationIssue[] = [];
  const dto: JsonObject = {};
  dto.name = checkName(body.name, issues);
  dto.type = decl.type;
  dto.description = checkDescription(body.description, issues);
  dto.deployToWorker = checkBool(body.deployToWorker, true, "deployToWorker", issues);
  dto.enabled = checkBool(body.enabled, true, "enabled", issues);
  Object.assign(dto, checkTable(decl.fields, body, "", issues));
  if (issues.length === 0) {
    for (const rule of decl.rules ?? []) {
      const message = rule.check(dto);
      if (message !== undefined) {
        issues.push({ field: rule.field, message });
      }
    }
  }
  if (issues.length === 0) {
    decl.normalise?.(dto);
  }
  return { dto, issues };
}

function checkName(value: JsonValue | undefined, issues: ValidationIssue[]): JsonValue {
  if (value === undefined || value === null || value === "") {
    issues.push({ field: "name", message: "is required" });
    return null;
  }
  if (typeof value !== "string" || !APINIZER_NAME_PATTERN.test(value)) {
    issues.push({ field: "name", message: nameRule() });
    return null;
  }
  return value;
}

export function nameRule(): string {
  return "must be 1 to 255 characters: letters, digits, '.', '_' or '-' (no spaces)";
}

function checkDescription(value: JsonValue | undefined, issues: ValidationIssue[]): JsonValue {
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value !== "string" || value.length > DESCRIPTION_MAX) {
    issues.push({
      field: "description",
      message: `must be a string of at most ${DESCRIPTION_MAX} characters`,
    });
    return null;
  }
  return value;
}

function checkBool(
  value: JsonValue | undefined,
  fallback: boolean,
  field: string,
  issues: ValidationIssue[],
): boolean {
  if (value === undefined || value === null) {
    return fallback;
  }
  if (typeof value !== "boolean") {
    issues.push({ field, message: "must be a boolean" });
    return fallback;
  }
  return value;
}

function checkTable(
  table: FieldTable,
  input: JsonObject,
  prefix: string,
  issues: ValidationIssue[],
): JsonObject {
  const out: JsonObject = {};
  for (const [name, spec] of Object.entries(table)) {
    const path = prefix + name;
    const raw = input[name];
    if (raw === undefined || raw === null) {
      if (spec.required === true) {
        issues.push({ field: path, message: "is required" });
      }
      out[name] = cloneDefault(spec.default);
      continue;
    }
    out[name] = checkValue(spec, raw, path, issues);
  }
  // Conditional requirements are judged after defaults, e.g. database useCredentials defaults true.
  for (const [name, spec] of Object.entries(table)) {
    if (spec.requiredWhen !== undefined && spec.requiredWhen.every((c) => holds(c, out))) {
      if (!hasValue(out[name])) {
        issues.push({
          field: prefix + name,
          message: `is required when ${describe(spec.requiredWhen)}`,
        });
      }
    }
  }
  return out;
}

function checkValue(
  spec: FieldSpec,
  value: JsonValue,
  path: string,
  issues: ValidationIssue[],
): JsonValue {
  const problem = (message: string): JsonValue => {
    issues.push({ field: path, message });
    return null;
  };
  switch (spec.kind) {
    case "string": {
      if (typeof value !== "string") {
        return problem("must be a string");
      }
      if (spec.required === true && value === "") {
        return problem("is required");
      }
      if (spec.minLength !== undefined && value.length < spec.minLength) {
        return problem(`must be at least ${spec.minLength} characters`);
      }
      if (spec.maxLength !== undefined && value.length > spec.maxLength) {
        return problem(`must be at most ${spec.maxLength} characters`);
      }
      if (spec.pattern !== undefined && value !== "" && !spec.pattern.test(value)) {
        return problem(`must be ${spec.patternText ?? "well-formed"}`);
      }
      return value;
    }
    case "int": {
      const inRange =
        typeof value === "number" &&
        Number.isSafeInteger(value) &&
        (spec.min === undefined || value >= spec.min) &&
        (spec.max === undefined || value <= spec.max);
      return inRange ? value : problem(`must be an integer${rangeText(spec.min, spec.max)}`);
    }
    case "bool":
      return typeof value === "boolean" ? value : problem("must be a boolean");
    case "enum":
      return typeof value === "string" && spec.values.includes(value)
        ? value
        : problem(`must be one of ${spec.values.join(", ")}`);
    case "enum-list":
      return Array.isArray(value) &&
        value.every((v) => typeof v === "string" && spec.values.includes(v))
        ? value
        : problem(`must be a list of ${spec.values.join(", ")}`);
    case "object":
      return isJsonObject(value)
        ? checkTable(spec.fields, value, `${path}.`, issues)
        : problem("must be an object");
    case "object-list":
      return checkObjectList(spec.item, spec.minItems ?? 0, value, path, issues);
    case "map":
      return checkMap(spec.value, spec.requiredKeys ?? [], value, path, issues);
  }
}

function checkObjectList(
  item: FieldTable,
  minItems: number,
  value: JsonValue,
  path: string,
  issues: ValidationIssue[],
): JsonValue {
  if (!Array.isArray(value)) {
    issues.push({ field: path, message: "must be a list of objects" });
    return null;
  }
  if (value.length < minItems) {
    issues.push({ field: path, message: `must have at least ${minItems} item(s)` });
  }
  return value.map((element, i) => {
    if (!isJsonObject(element)) {
      issues.push({ field: `${path}[${i}]`, message: "must be an object" });
      return null;
    }
    return checkTable(item, element, `${path}[${i}].`, issues);
  });
}

function checkMap(
  valueSpec: FieldSpec,
  requiredKeys: readonly string[],
  value: JsonValue,
  path: string,
  issues: ValidationIssue[],
): JsonValue {
  if (!isJsonObject(value)) {
    issues.push({ field: path, message: "must be an object" });
    return null;
  }
  const out: JsonObject = {};
  for (const key of requiredKeys) {
    if (value[key] === undefined || value[key] === null) {
      issues.push({ field: `${path}.${key}`, message: "is required" });
    }
  }
  for (const [key, entry] of Object.entries(value)) {
    const checked = entry === null ? null : checkValue(valueSpec, entry, `${path}.${key}`, issues);
    // defineProperty, not assignment: a free key may be "__proto__" (JSON.parse makes it an own key).
    Object.defineProperty(out, key, {
      value: checked,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * Resolves the keystore names of a validated connection (`decl.keystoreReferences`): sets each ID
 * field to the keystore's ID, or null when the name is unset or unknown, and reports a name that
 * must resolve but does not (kafka type page: "keyStoreName is required (KeyStore must exist)").
 * `keystores` maps the project's keystore names to their IDs.
 */
export function resolveKeystoreReferences(
  decl: ConnectionTypeDecl,
  dto: JsonObject,
  keystores: ReadonlyMap<string, string>,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const reference of decl.keystoreReferences ?? []) {
    const name = dto[reference.field];
    const id = typeof name === "string" && name !== "" ? keystores.get(name) : undefined;
    dto[reference.idField] = id ?? null;
    const mustExist = reference.mustExistWhen.every((c) => holds(c, dto));
    if (typeof name === "string" && name !== "" && id === undefined && mustExist) {
      issues.push({
        field: reference.field,
        message: `must name a KeyStore that exists in the project: KeyStore (name: ${name}) was not found!`,
      });
    }
  }
  return issues;
}

function holds(condition: Condition, dto: JsonObject): boolean {
  const value = dto[condition.field] ?? null;
  if (condition.present === true) {
    return hasValue(value);
  }
  return condition.oneOf?.includes(value) ?? false;
}

function hasValue(value: JsonValue | undefined): boolean {
  return !(
    value === undefined ||
    value === null ||
    value === "" ||
    (Array.isArray(value) && value.length === 0)
  );
}

function describe(conditions: readonly Condition[]): string {
  return conditions
    .map((c) =>
      c.present === true
        ? `${c.field} is set`
        : `${c.field} is ${(c.oneOf ?? []).map(String).join(" or ")}`,
    )
    .join(" and ");
}

function rangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) {
    return ` between ${min} and ${max}`;
  }
  if (min !== undefined) {
    return ` of at least ${min}`;
  }
  return max !== undefined ? ` of at most ${max}` : "";
}

function cloneDefault(value: JsonValue | undefined): JsonValue {
  return value === undefined ? null : (structuredClone(value) as JsonValue);
}
