/**
 * Connections listed from the APIs → the Pulumi program that adopts them, its secret config keys,
 * and the same as data. Pure: no I/O, so naming and rendering are unit tested on their own
 * (test/unit/import-program.test.ts). Which fields are written, which become secret config and
 * which cannot be read all come from the kinds' declarations.
 */
import { createHash } from "node:crypto";
import { FieldSpec, holds, isUnreadable, jsonEqual } from "../../provider/core/fields";
import { fieldsFor, ResourceKind } from "../../provider/core/kind";
import {
  cmp,
  elsewhereLine,
  identity,
  ListedConnection,
  ManagedElsewhere,
  partitionByOwner,
  shellWord,
  StackConnections,
} from "../shared/connections";

/** Why a field becomes secret config instead of a value in the program. */
export type SecretReason = "write-only" | "masked on read" | "secret";

/** A field the program reads from secret stack config. */
export interface SecretConfig {
  readonly field: string;
  /** The stack config key (in the project's namespace), as `config.requireSecret` names it. */
  readonly key: string;
  /**
   * `write-only` and `masked on read`: the API never shows it, so its value must come from you;
   * `secret`: the API shows it, but a secret never goes into a generated program.
   */
  readonly reason: SecretReason;
  /** A JSON value (`config.requireSecretObject`), such as webhook `headerList`. */
  readonly json: boolean;
}

/** One connection of the generated program. */
export interface ImportedConnection {
  /** The resource kind, e.g. `pictory:AwsConnection`. */
  readonly type: string;
  /** The Pulumi resource name: valid, unique per kind, the same on every run. */
  readonly resource: string;
  /** The resource ID the provider uses (Pictory `connectionId`; Apinizer `project/name`). */
  readonly id: string;
  /** The `adopt` value: the Pictory connection ID, or the Apinizer connection name. */
  readonly adopt: string;
  /** The account the connection was listed from; absent for the default credentials. */
  readonly account?: string;
  /** Readable fields whose value is not the API's default, in declaration order. */
  readonly args: Readonly<Record<string, unknown>>;
  /** Fields read from secret stack config. */
  readonly secrets: readonly SecretConfig[];
  /**
   * Optional secret fields the API never shows: whether the connection has one cannot be known.
   * They are left out of the program (with a comment there); if the connection has one, add it,
   * or the next update sends none.
   */
  readonly unknownSecrets: readonly string[];
}

/** What the import command produces, program and data alike. */
export interface ImportResult {
  readonly connections: readonly ImportedConnection[];
  /** One command per secret config key, without any value. */
  readonly configCommands: readonly string[];
  /**
   * Listed connections left out because other stacks of the backend manage them: adopting one
   * here would give it two owners, each free to change or delete it. Sorted by reference.
   */
  readonly managedElsewhere: readonly ManagedElsewhere[];
}

/** `pictory:AwsConnection` → `pictory-aws`, `apinizer:Connection` → `apinizer`: for config keys. */
export function kindTag(kind: ResourceKind): string {
  const [family, type] = kind.token.split(":") as [string, string];
  const rest = type.replace(/Connection$/, "");
  return rest === "" ? family : `${family}-${slug(rest)}`;
}

/** Lowercase letters, digits and single dashes; never empty. */
export function slug(text: string): string {
  const s = text
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return s === "" ? "connection" : s;
}

/** The longest resource name before a suffix, so names stay readable in plans. */
const MAX_BASE = 60;

/** The connection's own name, and the Apinizer project it lives in. */
function namesOf(c: ListedConnection): { name: string; project?: string } {
  const name = String(c.remote.fields.name ?? c.remote.id);
  const project = c.remote.fields.projectName;
  return typeof project === "string" ? { name, project } : { name };
}

function hash(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * Resource names for the listed connections, by identity. A name is the slug of the connection's
 * name (Apinizer: project and name, since a name repeats across projects). When slugs collide
 * within a kind ("Prod S3" and "prod-s3"), the connection whose name is exactly the slug keeps it
 * and the others get 8 hex characters of a hash of their identity: each depends only on the
 * connection itself, so a run over the same account gives the same names.
 */
export function resourceNames(connections: readonly ListedConnection[]): Map<string, string> {
  const groups = new Map<string, ListedConnection[]>();
  const bases = new Map<string, string>();
  for (const c of connections) {
    const { name, project } = namesOf(c);
    let base = slug(project === undefined ? name : `${project}-${name}`);
    if (base.length > MAX_BASE) base = `${base.slice(0, MAX_BASE).replace(/-+$/, "")}`;
    bases.set(identity(c), base);
    const group = `${c.kind.token}\u0000${base}`;
    groups.set(group, [...(groups.get(group) ?? []), c]);
  }
  const out = new Map<string, string>();
  for (const members of groups.values()) {
    for (const c of members) {
      const id = identity(c);
      const base = bases.get(id)!;
      const { name, project } = namesOf(c);
      const exact = (project === undefined ? name : `${project}-${name}`) === base;
      out.set(id, members.length === 1 || exact ? base : `${base}-${hash(id, 8)}`);
    }
  }
  // A hash suffix could in principle equal another connection's exact name: settled by a longer one.
  const taken = new Map<string, string>();
  for (const c of [...connections].sort((a, b) => cmp(identity(a), identity(b)))) {
    const id = identity(c);
    const key = `${c.kind.token}\u0000${out.get(id)}`;
    if (taken.has(key)) out.set(id, `${bases.get(id)}-${hash(id, 16)}`);
    taken.set(`${c.kind.token}\u0000${out.get(id)}`, id);
  }
  return out;
}

function isSet(spec: FieldSpec, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  const v = spec.normalize ? spec.normalize(value) : value;
  return spec.default === undefined || !jsonEqual(v, spec.default);
}

/** The inputs a condition is judged on: what the API returned, and the defaults of the rest. */
function withDefaults(
  fields: Readonly<Record<string, FieldSpec>>,
  values: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(fields)) {
    const v = values[k];
    if (v !== undefined && v !== null) out[k] = v;
    else if (spec.default !== undefined) out[k] = spec.default;
  }
  return out;
}

/**
 * One connection of the program: its readable fields as the API holds them (a value equal to the
 * declared default is left out, as the program would leave it), its secrets as config keys.
 */
export function importedConnection(
  c: ListedConnection,
  resource: string,
  account?: string,
): ImportedConnection {
  const { kind, remote } = c;
  const fields = fieldsFor(kind, remote.fields);
  const judged = withDefaults(fields, remote.fields);
  const args: Record<string, unknown> = {};
  const secrets: SecretConfig[] = [];
  const unknownSecrets: string[] = [];
  for (const [field, spec] of Object.entries(fields)) {
    if (spec.local) continue;
    const value = remote.fields[field];
    const required =
      spec.required === true ||
      (spec.requiredWhen !== undefined && holds(spec.requiredWhen, judged));
    if (spec.secret || isUnreadable(spec)) {
      const unreadable = isUnreadable(spec);
      if (required || (!unreadable && isSet(spec, value))) {
        secrets.push({
          field,
          key: `${kindTag(kind)}-${resource}-${field}`,
          reason: spec.writeOnly ? "write-only" : spec.maskedOnRead ? "masked on read" : "secret",
          json: spec.kind === "json",
        });
      } else if (unreadable) {
        unknownSecrets.push(field);
      }
      continue;
    }
    if (isSet(spec, value)) args[field] = value;
  }
  const name = remote.fields.name;
  return {
    type: kind.token,
    resource,
    id: remote.id,
    // Apinizer's adopt looks the connection up by name in its project; Pictory's by ID.
    adopt: kind.nameScope && typeof name === "string" ? name : remote.id,
    ...(account !== undefined ? { account } : {}),
    args,
    secrets,
    unknownSecrets,
  };
}

/**
 * The program's connections in order: kinds as registered, then by resource name. With `only`,
 * just those references, named as in the full import.
 */
export function importResult(
  connections: readonly ListedConnection[],
  kindOrder: readonly string[],
  options: {
    readonly account?: string;
    readonly stack?: string;
    readonly only?: ReadonlySet<string>;
    /** The backend's other stacks: what they manage is left out. @default none */
    readonly others?: readonly StackConnections[];
  } = {},
): ImportResult {
  // Named over everything listed, so a name does not change when another stack takes one over.
  const names = resourceNames(connections);
  const { only } = options;
  const { free, elsewhere } = partitionByOwner(connections, options.others ?? [], options.account);
  const imported = free
    .filter((c) => !only || only.has(identity(c)))
    .map((c) => importedConnection(c, names.get(identity(c))!, options.account))
    .sort(
      (a, b) =>
        kindOrder.indexOf(a.type) - kindOrder.indexOf(b.type) || cmp(a.resource, b.resource),
    );
  const stack = options.stack !== undefined ? ` --stack ${shellWord(options.stack)}` : "";
  const configCommands = imported.flatMap((c) =>
    c.secrets.map((s) => `pulumi config set --secret ${s.key}${stack}`),
  );
  const managedElsewhere = elsewhere.filter((e) => !only || only.has(e.ref));
  return { connections: imported, configCommands, managedElsewhere };
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A JSON value as a TypeScript expression, indented to `indent`. */
function literal(value: unknown, indent: string): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
}

function property(key: string): string {
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}

/** The SDK's class for a kind token: `pictory:AwsConnection` → `pictory.AwsConnection`. */
function className(type: string): { module: string; expression: string } {
  const [module, name] = type.split(":") as [string, string];
  return { module, expression: `${module}.${name}` };
}

function reasonText(s: SecretConfig): string {
  switch (s.reason) {
    case "write-only":
      return "write-only: the API never returns it";
    case "masked on read":
      return "masked on read: the API never shows it";
    case "secret":
      return "secret: kept out of the program";
  }
}

/**
 * The TypeScript program: one `new` per connection with `adopt`, so the first `pulumi up` takes
 * each one over instead of creating it. Byte-identical for the same connections.
 */
export function renderProgram(result: ImportResult, header: readonly string[] = []): string {
  const lines: string[] = [
    "// Generated by `pulumi-connections import`: every connection below exists already, and `adopt`",
    "// makes the first `pulumi up` take it over instead of creating it.",
    ...header.map((h) => `// ${h}`),
  ];
  if (result.managedElsewhere.length > 0) {
    lines.push(
      "//",
      "// Left out: managed by other stacks of the backend (adopting one here would give it two",
      "// owners, each free to change or delete it):",
      ...result.managedElsewhere.map((e) => `//   ${elsewhereLine(e)}`),
    );
  }
  if (result.configCommands.length > 0) {
    lines.push(
      "//",
      "// Set these secrets first (each command asks for the value):",
      ...result.configCommands.map((c) => `//   ${c}`),
    );
  }
  const secrets = result.connections.some((c) => c.secrets.length > 0);
  const modules = [...new Set(result.connections.map((c) => className(c.type).module))].sort();
  lines.push("");
  if (secrets) lines.push('import * as pulumi from "@pulumi/pulumi";');
  if (modules.length > 0) lines.push(`import { ${modules.join(", ")} } from "pulumi-connections";`);
  if (secrets) lines.push("", "const config = new pulumi.Config();");
  for (const c of result.connections) {
    lines.push("", `new ${className(c.type).expression}(${JSON.stringify(c.resource)}, {`);
    lines.push(`  adopt: ${JSON.stringify(c.adopt)},`);
    if (c.account !== undefined) lines.push(`  account: ${JSON.stringify(c.account)},`);
    for (const [k, v] of Object.entries(c.args))
      lines.push(`  ${property(k)}: ${literal(v, "  ")},`);
    for (const s of c.secrets) {
      const read = s.json ? "requireSecretObject" : "requireSecret";
      lines.push(`  // ${reasonText(s)}`);
      lines.push(`  ${property(s.field)}: config.${read}(${JSON.stringify(s.key)}),`);
    }
    for (const f of c.unknownSecrets) {
      lines.push(
        `  // ${f}: optional and never shown by the API, so whether it is set is unknown; if it is,`,
        `  // declare it (from secret config), or the next update sends none`,
      );
    }
    lines.push("});");
  }
  return `${lines.join("\n")}\n`;
}

/** `--json`: the same as data. */
export function renderImportJson(result: ImportResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
