/**
 * The secrets a stack holds, so that a drift report can mask them wherever they appear.
 *
 * Why the plaintext is needed: a value the API returns for a readable field (`description`, a
 * name) is shown in the report, and anyone with access to the API can paste a credential there,
 * raw or encoded. Only the redactor (provider/core/secrets.ts `redact`) given the secret itself can
 * recognise it, in every encoding and in every run of a few characters.
 *
 * Where it lives: the checkpoint as `pulumi stack export --show-secrets` prints it (the Automation
 * API's `exportStack` runs exactly that) and the stack config as `pulumi config --show-secrets
 * --json` prints it, both read by the CLI before the refresh preview. The plaintext stays in
 * memory, in `StackResources.secrets`: it is handed to the redactor only, never put in a report,
 * an error message or a file.
 *
 * A checkpoint whose secrets could not be decrypted throws {@link StackSecretsError}: the drift
 * check then fails (exit 1) instead of showing values it cannot check. The refresh preview needs
 * the same decryption (state and provider config), so a stack whose secrets cannot be read could
 * not be checked anyway, and a report that hid every value as "not shown" would look complete
 * while saying nothing.
 */
import { fieldsFor } from "../../provider/core/kind";
import { collectStrings } from "../../provider/core/secrets";
import { accountCredentialProperty, FamilyDeclaration } from "../../provider/core/family";
import { summarizeFailure } from "./failure";
import { KINDS } from "../../provider/registry";

/** The stack's secrets could not be decrypted: nothing can be shown safely. */
export class StackSecretsError extends Error {
  override readonly name = "StackSecretsError";
}

/** What to do when a passphrase-protected stack's secrets cannot be read. */
const SET_PASSPHRASE =
  "set PULUMI_CONFIG_PASSPHRASE, or PULUMI_CONFIG_PASSPHRASE_FILE, to this stack's passphrase " +
  "and run the check again";
const EXPECTED_SECRETS =
  "the check reads the stack's secrets to mask them in the report, with its passphrase";
const WRONG_PASSPHRASE = "but the passphrase set does not decrypt them (incorrect passphrase)";
const NO_PASSPHRASE = "but none is set";
const SEALED_SECRET =
  "the check reads the stack's secrets to mask them in the report, but a secret in its " +
  "state export could not be decrypted (no plaintext): nothing is shown; check that the stack's " +
  "secrets provider (its passphrase in PULUMI_CONFIG_PASSPHRASE, its cloud key) is " +
  "reachable, and run the check again";

/**
 * The fixed sentences of these failures: the report's own words, which the environment's secrets
 * (the passphrase above all) leave readable.
 */
export const SECRETS_FAILURE_TEXTS: readonly string[] = [
  EXPECTED_SECRETS,
  WRONG_PASSPHRASE,
  NO_PASSPHRASE,
  SET_PASSPHRASE,
  SEALED_SECRET,
];

/**
 * Why the stack's secrets could not be read, for a failure of `pulumi stack export
 * --show-secrets` or `pulumi config --show-secrets` (`cliMessage`, as summarizeFailure reduced
 * it), when it is the passphrase: the CLI's two messages for it (a passphrase not this stack's,
 * and none set), each said in full with what to do. Undefined for any other failure: the caller
 * shows the CLI's own words.
 */
export function passphraseFailure(cliMessage: string): string | undefined {
  if (/\bincorrect passphrase\b/i.test(cliMessage))
    return `${EXPECTED_SECRETS}, ${WRONG_PASSPHRASE}: ${SET_PASSPHRASE}`;
  if (/\bpassphrase must be set\b/i.test(cliMessage))
    return `${EXPECTED_SECRETS}, ${NO_PASSPHRASE}: ${SET_PASSPHRASE}`;
  return undefined;
}

/**
 * The failure to show when the stack's secrets could not be read: the check's own message for a
 * checkpoint holding undecrypted secrets and for the passphrase ({@link passphraseFailure}), else
 * the Pulumi CLI's own words (no such stack, a backend that cannot be reached).
 */
export function secretsFailure(error: unknown): string {
  if (error instanceof StackSecretsError) return error.message;
  const said = summarizeFailure(error);
  return passphraseFailure(said) ?? said;
}

/**
 * Pulumi's marker of a secret value in state and in engine events, loaded on first use: a report
 * is built after the Automation API has loaded the SDK, and `--help` need not load it.
 */
export function secretSig(): string {
  return (require("@pulumi/pulumi/runtime/rpc") as typeof import("@pulumi/pulumi/runtime/rpc"))
    .specialSigKey;
}

/** The dynamic provider's serialized code: program text, not a credential of the connection. */
const PROVIDER_CODE_KEY = "__provider";

const DYNAMIC_PREFIX = "pulumi-nodejs:dynamic/";

type Bag = Readonly<Record<string, unknown>>;

function isBag(v: unknown): v is Bag {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Every leaf string and finite number of a secret value, numbers as their text: Pulumi stores
 * `pulumi.secret(834291)` as the plaintext `834291`, and the digits are as much a secret as any
 * string. Booleans and null are not collected: `true` as a secret would mask the word everywhere
 * and hides nothing.
 */
function secretLeaves(value: unknown): string[] {
  return collectStrings(value, [], { numbers: true });
}

/** A checkpoint value with every secret envelope opened; throws when one holds no plaintext. */
function opened(value: unknown, sig: string, into: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => opened(v, sig, into));
  if (!isBag(value)) return value;
  if (Object.hasOwn(value, sig)) {
    const plaintext = value.plaintext;
    if (typeof plaintext !== "string") throw new StackSecretsError(SEALED_SECRET);
    let inner: unknown;
    try {
      inner = JSON.parse(plaintext);
    } catch {
      inner = plaintext;
    }
    const open = opened(inner, sig, into);
    for (const s of secretLeaves(open)) into.add(s);
    return open;
  }
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== PROVIDER_CODE_KEY)
      .map(([k, v]) => [k, opened(v, sig, into)]),
  );
}

/**
 * Every secret of a checkpoint exported with `--show-secrets`: each value Pulumi marks secret, and
 * each field a connection kind declares secret (marked or not), in inputs and outputs. The
 * dynamic provider's serialized code is skipped. Throws {@link StackSecretsError} when a secret
 * holds no plaintext (exported without `--show-secrets`, or not decryptable).
 */
export function stateSecretsOf(deployment: unknown): string[] {
  const resources = isBag(deployment) ? deployment.resources : undefined;
  const out = new Set<string>();
  const sig = secretSig();
  for (const r of Array.isArray(resources) ? resources : []) {
    if (!isBag(r)) continue;
    const type = typeof r.type === "string" ? r.type : "";
    const kind = type.startsWith(DYNAMIC_PREFIX)
      ? KINDS.get(type.slice(DYNAMIC_PREFIX.length))
      : undefined;
    for (const part of [r.inputs, r.outputs]) {
      const props = opened(part, sig, out);
      if (!kind || !isBag(props)) continue;
      for (const [field, spec] of Object.entries(fieldsFor(kind, props)))
        if (spec.secret) for (const s of secretLeaves(props[field])) out.add(s);
    }
  }
  out.delete("");
  return [...out];
}

/** One entry of `pulumi config --show-secrets --json` (the Automation API's `getAllConfig`). */
export interface ConfigEntry {
  readonly value?: unknown;
  readonly secret?: boolean;
  readonly objectValue?: unknown;
}

function objectOf(entry: ConfigEntry | undefined): unknown {
  if (!entry) return undefined;
  if (entry.objectValue !== undefined) return entry.objectValue;
  if (typeof entry.value !== "string") return undefined;
  try {
    return JSON.parse(entry.value);
  } catch {
    return undefined;
  }
}

function accountCredentials(accounts: unknown, family: FamilyDeclaration): string[] {
  if (!isBag(accounts)) return [];
  const property = accountCredentialProperty(family);
  return Object.values(accounts).flatMap((a) =>
    isBag(a) && typeof a[property] === "string" ? [a[property]] : [],
  );
}

/**
 * The secrets of a config entry set with `--secret`: a single value as itself, and every leaf of
 * an object (`pulumi config set --secret --path db.password` marks the whole top-level object
 * secret, its plaintext in `objectValue` and, as JSON text, in `value`). Which leaf the path named
 * is not printed, so every leaf is taken: masking a plain part of a secret object (a host name) in
 * a value that came from the API costs a word; missing the password would show it.
 */
function secretEntryLeaves(entry: ConfigEntry): string[] {
  const leaves = secretLeaves(entry.objectValue);
  if (typeof entry.value !== "string") return leaves;
  let parsed: unknown;
  try {
    parsed = JSON.parse(entry.value);
  } catch {
    parsed = undefined;
  }
  // The JSON text of an object is not itself masked: "{}" would mask the report's own braces.
  if (parsed !== null && typeof parsed === "object") return [...leaves, ...secretLeaves(parsed)];
  return [...leaves, entry.value];
}

/**
 * The provider credentials a stack uses, and its other secret settings: every family's
 * credential and each account's (stack config, else the environment fallbacks, which hold them
 * too), and every config value set with `--secret`, each leaf of a secret object included.
 */
export function configSecretsOf(
  config: Readonly<Record<string, ConfigEntry>>,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const out = new Set<string>();
  const families = new Map([...KINDS.values()].map((k) => [k.family.name, k.family]));
  for (const family of families.values()) {
    const credential = config[family.credential.key]?.value;
    if (typeof credential === "string") out.add(credential);
    const fromEnv = env[family.credential.env];
    if (fromEnv) out.add(fromEnv);
    for (const c of accountCredentials(objectOf(config[family.accounts.key]), family)) out.add(c);
    const envAccounts = env[family.accounts.env];
    if (envAccounts)
      for (const c of accountCredentials(objectOf({ value: envAccounts }), family)) out.add(c);
  }
  for (const entry of Object.values(config))
    if (entry.secret === true) for (const s of secretEntryLeaves(entry)) out.add(s);
  out.delete("");
  return [...out];
}
