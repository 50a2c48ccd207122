/**
 * The Pulumi package schema of each native plugin, derived from the declarations: every language's
 * SDK is generated from it (`pulumi package gen-sdk`), so a field's type, secrecy, default,
 * replacement and description are written once, in the kind's declaration.
 */
import { facts, isOptional, JsonSchema, jsonSchemaOf, sentence } from "../core/describe";
import { FamilyDeclaration, FamilyName } from "../core/family";
import { FieldSpec, OutputSpec } from "../core/fields";
import { COMMON_LOCAL_FIELDS, fieldsFor } from "../core/kind";
import { PROVIDER_SETTINGS, providerSettingEnv } from "../core/settings";
import { apinizerFamily } from "../apinizer/family";
import { pictoryFamily } from "../pictory/family";
import { NativeResource, pascal, resourcesOf } from "./tokens";

/**
 * The plugins' version: the npm package's (test/unit/plugin-schema.test.ts holds them equal). A
 * constant, so that neither the compiled provider nor the plugin bundle reads package.json.
 */
export const PLUGIN_VERSION = "0.1.0";

/** The repository every SDK points at; the Go SDKs live under `sdk/go/<package>` in it. */
export const REPOSITORY = "https://github.com/pulumi-connections/pulumi-connections";
const GO_MODULE = "github.com/pulumi-connections/pulumi-connections/sdk/go";

export const FAMILIES: Readonly<Record<FamilyName, FamilyDeclaration>> = {
  pictory: pictoryFamily,
  apinizer: apinizerFamily,
};

/** Inputs of the local (provider-steering) fields a native resource offers: the rest are the TS SDK's. */
export const NATIVE_LOCAL_INPUTS = ["adopt", "onConflict"] as const;

/** A property of a Pulumi schema (pkg/codegen/schema): the subset these packages use. */
export interface PropertySpec {
  type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
  $ref?: string;
  items?: PropertySpec;
  additionalProperties?: PropertySpec;
  oneOf?: PropertySpec[];
  description?: string;
  secret?: boolean;
  replaceOnChanges?: boolean;
  default?: unknown;
}

export interface ObjectTypeSpec {
  type: "object";
  description?: string;
  properties: Record<string, PropertySpec>;
  required?: string[];
}

export interface EnumTypeSpec {
  type: "string";
  description?: string;
  enum: { value: string; name?: string }[];
}

export interface ResourceSpec extends ObjectTypeSpec {
  inputProperties: Record<string, PropertySpec>;
  requiredInputs: string[];
}

export interface FunctionSpec {
  description: string;
  inputs: ObjectTypeSpec;
  outputs: ObjectTypeSpec;
}

export interface PackageSchema {
  name: string;
  displayName: string;
  version: string;
  description: string;
  keywords: string[];
  homepage: string;
  repository: string;
  license: string;
  publisher: string;
  meta: { moduleFormat: string };
  config: { variables: Record<string, PropertySpec> };
  provider: {
    description: string;
    inputProperties: Record<string, PropertySpec>;
    properties: Record<string, PropertySpec>;
  };
  types: Record<string, ObjectTypeSpec | EnumTypeSpec>;
  resources: Record<string, ResourceSpec>;
  functions: Record<string, FunctionSpec>;
  language: Record<string, unknown>;
}

/** Named types collected while properties are derived: objects and enums, by token. */
class Types {
  public readonly specs: Record<string, ObjectTypeSpec | EnumTypeSpec> = {};
  public constructor(private readonly pkg: string) {}

  /**
   * An enum type, named after its owner and field (`LdapConnectionSearchScope`, `OnConflict`):
   * shared by every resource whose field has the same values.
   */
  public enumRef(name: string, owner: string, values: readonly string[]): PropertySpec {
    const spec: EnumTypeSpec = { type: "string", enum: values.map((value) => ({ value })) };
    for (const candidate of [`${owner}${name}`, `${owner}${name}Values`]) {
      const token = `${this.pkg}:index:${candidate}`;
      const existing = this.specs[token];
      if (existing === undefined) this.specs[token] = spec;
      else if (JSON.stringify(existing) !== JSON.stringify(spec)) continue;
      return { $ref: `#/types/${token}` };
    }
    throw new Error(`no free name for the enum ${owner}${name}`);
  }

  public objectRef(name: string, spec: ObjectTypeSpec): PropertySpec {
    const token = `${this.pkg}:index:${name}`;
    this.specs[token] = spec;
    return { $ref: `#/types/${token}` };
  }
}

/** The type of a `json` field's JSON Schema (zod's), naming nested objects and enums after `name`. */
function fromJsonSchema(js: JsonSchema, name: string, owner: string, types: Types): PropertySpec {
  if (js.enum) return types.enumRef(name, owner, js.enum.map(String));
  if (js.anyOf) return { oneOf: js.anyOf.map((s) => fromJsonSchema(s, name, owner, types)) };
  switch (js.type) {
    case "string":
      return { type: "string" };
    case "integer":
      return { type: "integer" };
    case "number":
      return { type: "number" };
    case "boolean":
      return { type: "boolean" };
    case "array":
      return {
        type: "array",
        items: js.items
          ? fromJsonSchema(js.items, name, owner, types)
          : { $ref: "pulumi.json#/Any" },
      };
    case "object": {
      if (js.properties) {
        const properties: Record<string, PropertySpec> = {};
        for (const [k, v] of Object.entries(js.properties)) {
          const prop = fromJsonSchema(v, pascal(k), owner, types);
          if (v.description) prop.description = sentence(v.description);
          properties[k] = prop;
        }
        return types.objectRef(`${owner}${name}`, {
          type: "object",
          ...(js.description ? { description: sentence(js.description) } : {}),
          properties,
          ...(js.required?.length ? { required: [...js.required] } : {}),
        });
      }
      // Map keys are strings in every language; an allowed key list is the field's description.
      const value =
        typeof js.additionalProperties === "object"
          ? fromJsonSchema(js.additionalProperties, `${name}Value`, owner, types)
          : { $ref: "pulumi.json#/Any" };
      return { type: "object", additionalProperties: value };
    }
    default:
      return { $ref: "pulumi.json#/Any" };
  }
}

/** A field's property: its type, description (the same sentences as the TS SDK's), secrecy, replacement and default. */
function fieldProperty(
  key: string,
  spec: FieldSpec,
  owner: string,
  types: Types,
  output: boolean,
): PropertySpec {
  let prop: PropertySpec;
  switch (spec.kind) {
    case "string":
      prop = spec.enum ? types.enumRef(pascal(key), owner, spec.enum) : { type: "string" };
      break;
    case "integer":
      prop = { type: "integer" };
      break;
    case "boolean":
      prop = { type: "boolean" };
      break;
    case "json":
      prop = fromJsonSchema(jsonSchemaOf(spec), pascal(key), owner, types);
      break;
  }
  const lines = facts(spec, output);
  const keys = jsonSchemaOf(spec).propertyNames?.enum;
  if (spec.kind === "json" && keys) lines.push(`Keys: ${keys.join(", ")}.`);
  if (spec.default !== undefined && (spec.kind === "json" || spec.enum))
    lines.push(`Default: ${JSON.stringify(spec.default)}.`);
  if (spec.defaultDoc !== undefined && !output) lines.push(`Default: ${spec.defaultDoc}.`);
  if (spec.autonamed && !output)
    lines.push(
      "Default: the resource name plus 7 random hex characters (see pulumi:autonaming), kept across updates.",
    );
  return {
    ...prop,
    ...(lines.length > 0 ? { description: lines.join(" ") } : {}),
    ...(spec.secret ? { secret: true } : {}),
    ...(spec.replaceOnChange && !output ? { replaceOnChanges: true } : {}),
    ...(spec.default !== undefined && spec.kind !== "json" && !spec.enum && !output
      ? { default: spec.default }
      : {}),
  };
}

function outputProperty(spec: OutputSpec): PropertySpec {
  const base: PropertySpec =
    spec.kind === "json" ? { $ref: "pulumi.json#/Any" } : { type: spec.kind };
  return { ...base, description: sentence(spec.doc) };
}

/** The fields a native resource has: the kind's and its variant's, without the discriminator. */
function declaredFields(r: NativeResource): [string, FieldSpec][] {
  const discriminator = r.kind.variants?.field;
  const all = fieldsFor(r.kind, discriminator ? { [discriminator]: r.variant } : {});
  return Object.entries(all).filter(
    ([k, s]) =>
      k !== discriminator && (!s.local || (NATIVE_LOCAL_INPUTS as readonly string[]).includes(k)),
  );
}

/**
 * The prefix of the types a field's values need: none for a field every resource of the kind has
 * (`OnConflict`), the resource's name for a variant's own (`SnmpConnectionVersion`), so that no
 * type takes a name as general as `Version`.
 */
function typeOwner(r: NativeResource, key: string): string {
  return key in r.kind.fields || key in COMMON_LOCAL_FIELDS ? "" : r.name;
}

/** Whether a field may be absent from the resource's outputs (the TS SDK's rule). */
function optionalOutput(spec: FieldSpec): boolean {
  return (
    (isOptional(spec) && !spec.autonamed && spec.default === undefined) ||
    spec.writeOnly === true ||
    spec.local === true
  );
}

function resourceDescription(r: NativeResource): string {
  const doc = r.variant !== undefined ? r.kind.variants?.docs?.[r.variant] : undefined;
  const idText = r.kind.lookupBy.map((k) => `\`${k}\``).join("/");
  return (
    (r.variant !== undefined
      ? `An ${r.kind.title} of type \`${r.variant}\`${doc ? `: ${doc}` : ""}.`
      : sentence(r.kind.doc)) +
    `\n\nImport an existing one with \`pulumi import ${r.token} <name> <id>\`, the ID being ${idText}.`
  );
}

function resourceSpec(r: NativeResource, types: Types): ResourceSpec {
  const fields = declaredFields(r);
  const inputProperties: Record<string, PropertySpec> = {};
  const properties: Record<string, PropertySpec> = {};
  for (const [k, spec] of fields) {
    inputProperties[k] = fieldProperty(k, spec, typeOwner(r, k), types, false);
    properties[k] = fieldProperty(k, spec, typeOwner(r, k), types, true);
  }
  for (const [k, spec] of Object.entries(r.kind.outputs)) properties[k] = outputProperty(spec);
  return {
    type: "object",
    description: resourceDescription(r),
    inputProperties,
    requiredInputs: fields.filter(([, s]) => s.required && !s.autonamed).map(([k]) => k),
    properties,
    required: [
      ...fields.filter(([, s]) => !optionalOutput(s)).map(([k]) => k),
      ...Object.entries(r.kind.outputs)
        .filter(([, s]) => !s.optional)
        .map(([k]) => k),
    ],
  };
}

/** The lookup of one resource: by what identifies it, returning what the API shows of it. */
function functionSpec(r: NativeResource, types: Types): FunctionSpec {
  const { kind } = r;
  const docOf = (k: string): string => kind.fields[k]?.doc ?? kind.outputs[k]?.doc ?? k;
  const inputs: Record<string, PropertySpec> = {};
  for (const k of kind.lookupBy) inputs[k] = { type: "string", description: sentence(docOf(k)) };
  const outputs: Record<string, PropertySpec> = {
    id: { type: "string", description: `The resource ID: ${kind.lookupBy.join("/")}.` },
  };
  const required = ["id"];
  // Write-only secrets never come back from the API, so a lookup has none to return.
  for (const [k, spec] of declaredFields(r)) {
    if (spec.local || spec.writeOnly) continue;
    const prop = fieldProperty(k, spec, typeOwner(r, k), types, true);
    // What the resource's outputs say about writing the field does not apply to a lookup.
    const lines = facts(spec).filter((l) => !/^(Required when|Fixed at|Secret)/.test(l));
    if (spec.secret) lines.push("Secret: absent when the API masks it.");
    delete prop.description;
    outputs[k] = { ...prop, ...(lines.length > 0 ? { description: lines.join(" ") } : {}) };
    if (!spec.secret && !optionalOutput(spec)) required.push(k);
  }
  for (const [k, spec] of Object.entries(kind.outputs)) {
    outputs[k] = outputProperty(spec);
    if (!spec.optional) required.push(k);
  }
  const where =
    r.variant !== undefined ? ` whose \`${kind.variants!.field}\` is \`${r.variant}\`` : "";
  return {
    description:
      `Reads one ${kind.title}${where} without managing it, by its ${kind.lookupBy.join(" and ")}, ` +
      `with the provider's credentials. Fails with NOT_FOUND when it does not exist` +
      (r.variant !== undefined ? " or is of another type" : "") +
      `; secret fields come back as secrets, write-only ones not at all.`,
    inputs: { type: "object", properties: inputs, required: [...kind.lookupBy] },
    outputs: { type: "object", properties: outputs, required },
  };
}

/**
 * The provider configuration: the family's credential (secret) and base URL, and every
 * provider-wide setting. Each falls back to the environment variable the dynamic providers read,
 * so a stack configured for those works unchanged; none carries a schema default, which SDKs
 * would send and which would then hide the environment's value.
 */
export function providerConfig(family: FamilyDeclaration): Record<string, PropertySpec> {
  const { credential: c, baseUrl: b } = family;
  const config: Record<string, PropertySpec> = {
    [word(c.key)]: {
      type: "string",
      secret: true,
      description:
        `The ${family.title} ${c.noun}; ${c.hint}. Falls back to the environment variable ${c.env}. ` +
        `Secret: stored encrypted in the state.`,
    },
    [word(b.key)]: {
      type: "string",
      description:
        `The ${family.title} API's base URL, for example ${b.example}. Falls back to ${b.env}` +
        (b.default !== undefined ? `, then ${b.default}.` : "; one of them is required."),
    },
  };
  for (const [name, s] of Object.entries(PROVIDER_SETTINGS)) {
    const values =
      s.kind === "number"
        ? ` Default ${s.default}.`
        : s.kind === "choice"
          ? ` One of ${s.choices.map((c) => `"${c}"`).join(", ")}; default "${s.choices[0]}".`
          : "";
    const doc = `${sentence(s.doc)}${values} Falls back to ${providerSettingEnv(name)}.`;
    config[name] =
      s.kind === "number"
        ? { type: "number", description: doc }
        : { type: "string", description: doc };
  }
  return config;
}

/** The Pulumi package schema of one plugin: `pictory` or `apinizer`. */
export function packageSchema(pkg: FamilyName): PackageSchema {
  const family = FAMILIES[pkg];
  const types = new Types(pkg);
  const resources: Record<string, ResourceSpec> = {};
  const functions: Record<string, FunctionSpec> = {};
  for (const r of resourcesOf(pkg)) {
    resources[r.token] = resourceSpec(r, types);
    functions[r.function] = functionSpec(r, types);
  }
  const config = providerConfig(family);
  const title = family.title;
  return {
    name: pkg,
    displayName: `${title} connections`,
    version: PLUGIN_VERSION,
    description: `Manage ${title} connections: ${resourcesOf(pkg)
      .map((r) => r.name)
      .join(", ")}.`,
    keywords: ["pulumi", pkg, "connections", "category/utility", "kind/native"],
    homepage: REPOSITORY,
    repository: REPOSITORY,
    license: "Apache-2.0",
    publisher: "pulumi-connections",
    meta: { moduleFormat: "(.*)" },
    config: { variables: config },
    provider: {
      description:
        `The provider of ${title} connections. The default provider reads the stack config ` +
        `\`${pkg}:<key>\`; an explicit provider reaches another account or server with its own ` +
        `${word(family.credential.key)} and baseUrl.`,
      inputProperties: config,
      properties: Object.fromEntries(
        Object.entries(config).filter(([, p]) => !p.secret && p.type === "string"),
      ),
    },
    types: types.specs,
    resources,
    functions,
    language: {
      nodejs: {
        packageName: `@pulumi-connections/${pkg}`,
        packageDescription: `Pulumi provider for ${title} connections`,
        // The generated code uses invoke options of recent SDKs; the same floor as this package.
        dependencies: { "@pulumi/pulumi": "^3.200.0" },
        respectSchemaVersion: true,
      },
      go: {
        importBasePath: `${GO_MODULE}/${pkg}`,
        generateResourceContainerTypes: true,
        respectSchemaVersion: true,
      },
      python: {
        packageName: `pulumi_connections_${pkg}`,
        // No `requires`: the generator then writes the floor its own code needs (invoke_output).
        pyproject: { enabled: true },
        respectSchemaVersion: true,
      },
      csharp: {
        rootNamespace: "PulumiConnections",
        packageReferences: { Pulumi: "3.*" },
        respectSchemaVersion: true,
      },
    },
  };
}

/** The word of a config key: `pictory:apiKey` → `apiKey`. */
export function word(key: string): string {
  return key.slice(key.indexOf(":") + 1);
}
