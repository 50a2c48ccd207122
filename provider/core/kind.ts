import { z } from "zod";
import { FieldSet, FieldSpec, isUnreadable, OutputSet } from "./fields";
import { Deadline, HttpClient } from "./http";
import { FamilyDeclaration } from "./family";
import { FamilySettings, ProviderSettings } from "./settings";

/** Property bag as the engine hands it over: plain JSON, secrets already unwrapped. */
export type Props = Readonly<Record<string, unknown>>;

/** A connection as the API returned it, reduced to what the engine needs. */
export interface Remote {
  /** The Pulumi resource ID. */
  readonly id: string;
  /** Declared fields the API returned; a missing key means the API did not return it. */
  readonly fields: Props;
  /** Output-only properties (`connectionId`, `version`, dates, `deploymentResult`). */
  readonly computed: Props;
  /** The optimistic-locking version, for families that have one. */
  readonly version?: number;
  /**
   * The write was saved but a follow-up failed (Apinizer worker deployment,
   * docs/api/apinizer.md#deployment-result).
   */
  readonly warning?: string;
}

/** What a wire adapter needs for one call. */
export interface ApiCall {
  /** The resource kind the call is for: adapters read its declaration, never a copy of it. */
  readonly kind: ResourceKind;
  readonly http: HttpClient;
  readonly family: FamilySettings;
  /** Provider-wide settings (policies, timeouts). */
  readonly settings: ProviderSettings;
  /** Human name of the connection for messages, e.g. `pictory:VimeoConnection "marketing"`. */
  readonly label: string;
  /** The operation's deadline (connections:operationTimeoutMs), shared by all its requests. */
  readonly deadline: Deadline;
  /** Every secret value this call knows (inputs, state, credentials), masked in every message. */
  readonly secrets: readonly string[];
  /** The step a request serves when it is not the operation's own (a create's name lookup). */
  readonly during?: string;
}

/** The resource's state: its ID and its last outputs (which include its inputs). */
export interface Ref {
  readonly id: string;
  readonly state: Props;
  /** The version an update must carry, for families that have one. */
  readonly version?: number;
}

/** A versioned update the API refused because the connection moved on: reported as data. */
export interface VersionConflict {
  readonly conflict: { readonly sent?: number; readonly current?: number };
}

export function isConflict(r: Remote | VersionConflict): r is VersionConflict {
  return "conflict" in r;
}

/**
 * The wire protocol of one API family. Families differ in addressing (server IDs vs names in a
 * project), envelopes and error shapes; resource kinds within a family differ only in declarations.
 */
export interface ConnectionApi {
  create(call: ApiCall, inputs: Props, body: Props): Promise<Remote>;
  /**
   * Whether this server's create may silently overwrite a connection of the same name (an
   * upsert). If so, the engine looks the name up first, so that a create never takes over a
   * connection someone else owns.
   */
  createMayOverwrite?(call: ApiCall): boolean;
  /** Undefined when the connection does not exist (any more). */
  get(call: ApiCall, ref: Ref): Promise<Remote | undefined>;
  /** Looks a connection up by its unique name: create recovery and adoption. */
  findByName(call: ApiCall, inputs: Props): Promise<Remote | undefined>;
  /** Looks a connection up by the ID a user gave to `adopt`. */
  findById(call: ApiCall, inputs: Props, id: string): Promise<Remote | undefined>;
  /**
   * Every connection the credential can see in `scope` (Apinizer: `projectName` and `type`, its
   * list being per type; Pictory: none), all pages, each validated as a get answer: what
   * `pulumi-connections import` and the drift report's unmanaged list read.
   */
  list(call: ApiCall, scope: Props): Promise<Remote[]>;
  /** A versioned PUT with `ref.version`; a stale version comes back as a {@link VersionConflict}. */
  update(call: ApiCall, ref: Ref, body: Props): Promise<Remote | VersionConflict>;
  /** Succeeds when the connection is already gone. */
  delete(call: ApiCall, ref: Ref): Promise<void>;
  /**
   * The protocol's own words that messages name (its paths): the last masking of an error keeps
   * them readable even where a secret shares some characters with them. @default none
   */
  readonly ownWords?: readonly string[];
}

/** A resource kind, declared once; the engine derives every provider hook from it. */
export interface ResourceKind {
  /** Registry key and type token suffix: `pictory:AwsConnection` → `pulumi-nodejs:dynamic/pictory:AwsConnection`. */
  readonly token: string;
  readonly family: FamilyDeclaration;
  /** Used in messages: "Pictory AWS S3 private connection". */
  readonly title: string;
  /** What the resource is for, one sentence: the SDK class's documentation. */
  readonly doc: string;
  /** Fields every connection of this kind has. */
  readonly fields: FieldSet;
  /**
   * Per-type fields, selected by the value of `field` (Apinizer `type`,
   * docs/api/apinizer.md#connection-types).
   */
  readonly variants?: {
    readonly field: string;
    readonly sets: Readonly<Record<string, FieldSet>>;
    /** What each variant is for, one sentence: the SDK's and the docs' description of it. */
    readonly docs?: Readonly<Record<string, string>>;
  };
  /** Names are unique in their scope, so a replacement that keeps the name must delete first. */
  readonly uniqueNames: boolean;
  /**
   * What identifies a connection for a lookup and `.get`, in order: the resource ID is their
   * values joined by `/` (Pictory `connectionId`; Apinizer `projectName/name`).
   */
  readonly lookupBy: readonly string[];
  /** Fields that pick the namespace names are unique in (Apinizer `projectName`). @default none */
  readonly nameScope?: readonly string[];
  /** Autonaming: characters outside this class are replaced with `-`. */
  readonly nameAlphabet: RegExp;
  readonly nameMaxLength: number;
  /** Output-only properties, for documentation and the SDK's outputs. */
  readonly outputs: OutputSet;
  /**
   * The optimistic lock, for an API that has one: the output that holds the connection's version,
   * which every update sends back and the API refuses when another write moved it on (Pictory's
   * `version`, docs/api/pictory-vimeo.md#versions). @default none: updates carry no version
   */
  readonly lock?: { readonly field: string };
  readonly api: ConnectionApi;
}

/** The version a connection's state holds in its kind's {@link ResourceKind.lock}, if any. */
export function lockedVersion(kind: ResourceKind, props: Props): number | undefined {
  const version = kind.lock === undefined ? undefined : props[kind.lock.field];
  return typeof version === "number" ? version : undefined;
}

/** Inputs every kind accepts that steer the provider rather than the connection. */
export const COMMON_LOCAL_FIELDS: FieldSet = {
  account: {
    kind: "string",
    local: true,
    // Another account is another namespace: the connection cannot move, it is re-created there.
    replaceOnChange: true,
    pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
    patternText:
      "an account name of the family's accounts config: 1-64 letters, digits, '_', '.' or '-'",
    doc:
      "the account (server) the connection lives in, by name: a key of `<family>:accounts` (or " +
      "`<FAMILY>_ACCOUNTS`), whose credential and base URL manage it; only this name enters the " +
      "state, never a credential",
    defaultDoc: "the family's default credential and base URL",
  },
  adopt: {
    kind: "json",
    schema: z.union([z.boolean(), z.string().min(1)], {
      error: () => "must be true, false or an ID",
    }),
    local: true,
    doc:
      "take over an existing connection instead of creating one: `true` finds it by `name`, a " +
      "string is its ID; it is then converged to these arguments with one update",
    defaultDoc: "false",
  },
  onConflict: {
    kind: "string",
    local: true,
    enum: ["fail", "overwrite"],
    doc:
      "what an update does when the connection's `version` moved on outside this stack (HTTP " +
      "409): `fail` stops with a message, `overwrite` re-reads it and re-applies the program",
    defaultDoc: 'the provider\'s `onConflict` setting, else "fail"',
  },
  __replaceOnChanges: {
    kind: "json",
    schema: z.array(z.string().min(1)),
    local: true,
    doc: "the resource's replaceOnChanges option, which the dynamic-provider host does not carry",
  },
  __customTimeouts: {
    kind: "json",
    schema: z.strictObject({
      create: z.string().optional(),
      update: z.string().optional(),
      delete: z.string().optional(),
    }),
    local: true,
    doc: "the resource's customTimeouts option, which the dynamic-provider host does not carry",
  },
  __get: {
    kind: "boolean",
    local: true,
    doc: "set by the SDK's `.get`: the resource is read, never managed, and a missing ID fails",
  },
  __autoname: {
    kind: "json",
    schema: z.strictObject({ name: z.string().min(1), fixed: z.boolean() }),
    local: true,
    doc: "the name the SDK proposes when `name` is omitted; hidden from plans by its `__` prefix",
  },
};

/**
 * Fields that pick the namespace names are unique in: the kind's own (Apinizer `projectName`) and
 * the account, since another account or server is another namespace.
 */
export function nameScope(kind: ResourceKind): readonly string[] {
  return [...(kind.nameScope ?? []), "account"];
}

/** The account a resource's inputs or state name; undefined for the default credentials. */
export function accountOf(props: Props): string | undefined {
  return typeof props.account === "string" && props.account !== "" ? props.account : undefined;
}

/** All fields that apply to these inputs: common, local, and the variant selected by the inputs. */
export function fieldsFor(kind: ResourceKind, inputs: Props): Readonly<Record<string, FieldSpec>> {
  const variant = kind.variants
    ? kind.variants.sets[String(inputs[kind.variants.field])]
    : undefined;
  return { ...COMMON_LOCAL_FIELDS, ...kind.fields, ...(variant ?? {}) };
}

/**
 * The fields of these inputs' kind and variant that the API never shows (write-only, or masked
 * when read), in declaration order: what a refresh cannot compare with state.
 */
export function unreadableFields(kind: ResourceKind, inputs: Props): string[] {
  return Object.entries(fieldsFor(kind, inputs))
    .filter(([, spec]) => isUnreadable(spec))
    .map(([field]) => field);
}

/** Every secret field of a kind across all its variants: the SDK's `additionalSecretOutputs`. */
export function secretFields(kind: ResourceKind): string[] {
  const sets = [kind.fields, ...Object.values(kind.variants?.sets ?? {})];
  return [...new Set(sets.flatMap((s) => Object.keys(s).filter((k) => s[k]!.secret)))].sort();
}

/**
 * The code's own words a message about `kind` names: its type token, its field names, its
 * protocol's paths, its family's name, title, config keys and variables. The last masking of a message keeps them
 * readable where a secret (a test token such as `apinizer_emulator_token`) shares characters with
 * them; what an API said was masked before, without exception.
 */
export function ownWords(kind: ResourceKind): string[] {
  const f = kind.family;
  return [
    kind.token,
    ...Object.keys(kind.fields),
    ...Object.values(kind.variants?.sets ?? {}).flatMap((set) => Object.keys(set)),
    ...(kind.api.ownWords ?? []),
    f.name,
    f.title,
    f.credential.key,
    f.credential.env,
    f.baseUrl.key,
    f.baseUrl.env,
    f.accounts.key,
    f.accounts.env,
  ];
}
