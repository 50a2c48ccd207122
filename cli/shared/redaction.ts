/** What a report may print: every string through the provider's one redactor. */
import { readFileSync } from "node:fs";
import { ownWords } from "../../provider/core/kind";
import { maskDecoded, redact, urlCredentials } from "../../provider/core/secrets";
import { KINDS } from "../../provider/registry";
import { SECRETS_FAILURE_TEXTS } from "./stack-secrets";

/**
 * The passphrase in the file PULUMI_CONFIG_PASSPHRASE_FILE names, without its surrounding
 * whitespace, as the Pulumi CLI reads it (a file usually ends with a newline). A file that cannot be read gives nothing: the
 * Pulumi CLI then fails to read the stack's secrets, and the check with it.
 */
function passphraseFileOf(env: Readonly<Record<string, string | undefined>>): string[] {
  const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (!file) return [];
  let content: string;
  try {
    content = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  const passphrase = content.trim();
  return passphrase ? [passphrase] : [];
}

/**
 * Names of values that are secrets. Any key (AZURE_STORAGE_KEY, the azblob backend's) and MySQL's
 * MYSQL_PWD count too; `_PWD` and `_PASS` only, as PWD and OLDPWD are the shell's directories.
 */
const SECRET_NAME = /(PASSWORD|PASSPHRASE|_PASS|_PWD|SECRET|TOKEN|KEY|CREDENTIALS?)$/i;

/** The credentials in a JSON value of accounts (`{"eu": {"apiKey": "…", "baseUrl": "…"}}`). */
function accountSecretsOf(json: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    // Not JSON: the provider refuses it; the whole value may hold a credential.
    return [json];
  }
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object")
      for (const [k, x] of Object.entries(v)) {
        if (typeof x === "string" && SECRET_NAME.test(k)) out.push(x);
        else if (typeof x === "string") out.push(...urlCredentials(x));
        else walk(x);
      }
  };
  walk(parsed);
  return out;
}

/**
 * Values from the environment that must never be printed, however a CLI message quotes them:
 * every variable named like a secret (PGPASSWORD, the passphrase, access tokens, the API
 * credentials, any key), the passphrase in PULUMI_CONFIG_PASSPHRASE_FILE, and the backend URL's
 * credentials ({@link urlCredentials}). At any length: the redactor masks a short one wherever it
 * stands as a word.
 */
export function secretsOf(
  env: Readonly<Record<string, string | undefined>>,
  backendUrl?: string,
): string[] {
  const out = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value && SECRET_NAME.test(name)) out.add(value);
    // Further accounts as JSON (PICTORY_ACCOUNTS, APINIZER_ACCOUNTS): their credentials, by the
    // same names, and their base URLs' credentials; not the JSON's own keys and punctuation.
    if (value && /_ACCOUNTS$/i.test(name)) for (const v of accountSecretsOf(value)) out.add(v);
  }
  // The passphrase may be given as a file instead: its content is then as secret as the variable.
  for (const v of passphraseFileOf(env)) out.add(v);
  for (const v of backendUrl ? urlCredentials(backendUrl) : []) out.add(v);
  return [...out];
}

/**
 * The commands, product and variables a report names in its advice. A passphrase such as
 * `pulumi-connections-local` shares runs with them, and the advice must stay readable.
 */
const COMMAND_WORDS = [
  "pulumi-connections",
  "pulumi",
  "Pulumi",
  "PULUMI_CONFIG_PASSPHRASE_FILE",
  "PULUMI_CONFIG_PASSPHRASE",
  "connections",
  "connection",
  "Connections",
  "Connection",
];

/** The code's own words in a report: resource types, config keys, the commands it prints. */
function ownReportWords(): string[] {
  return [...KINDS.values()].flatMap(ownWords).concat(COMMAND_WORDS);
}

/** Sentences a drift report writes itself, whatever the API, the state or the CLI said. */
export const REPORT_TEXTS = {
  notReached: "not read: the check stopped before reaching it",
  notInState:
    "not in the stack's state exported before the check (an update ran meanwhile?): " +
    "run the check again",
  hiddenChange: "changed in a secret or another property the report cannot show",
} as const;

/** The report's own sentences that hold a count or a version, which the code computed. */
const REPORT_PATTERNS = [
  /\b\d+ connections? could not be read\b/g,
  /\bpossible credential change \(version \d+ → \d+\)/g,
];

/** The report's own sentences in `text`, to be left as they are by the environment's secrets. */
function ownSentencesIn(text: string): string[] {
  const found = [...Object.values(REPORT_TEXTS), ...SECRETS_FAILURE_TEXTS].filter((t) =>
    text.includes(t),
  );
  for (const pattern of REPORT_PATTERNS) found.push(...(text.match(pattern) ?? []));
  return found;
}

/**
 * A command the report advises (`pulumi up --refresh --stack dev`): its program words and option
 * names are the code's, and stay as they are; each option's value (a stack name) came from
 * outside, and is masked on its own, with no word kept.
 */
function redactCommand(command: string, secrets: readonly string[]): string {
  let afterOption = false;
  return command
    .split(" ")
    .map((token) => {
      const option = token.startsWith("-");
      const shown = option || !afterOption ? token : redact(token, secrets, { shortAsWords: true });
      afterOption = afterOption || option;
      return shown;
    })
    .join(" ");
}

/** The keys under which a report carries a field's value as the API or state holds it. */
const FIELD_VALUE_KEYS = new Set(["old", "new"]);

/**
 * Every string of a report value through the provider's own redactor ({@link redact}: secrets in
 * every form, URLs without credentials), so that a report and a provider message hide the same
 * things the same way. For the environment's secrets, which any text the Pulumi CLI prints may
 * quote; the stack's secrets mask only what was read from the API or from state
 * ({@link stackMasker}).
 */
export function redactReport<T>(value: T, secrets: readonly string[]): T {
  // The report names resource types, config keys and the commands to run: the code's words, kept
  // readable where a word-like passphrase shares characters with them.
  // Its own sentences and the option names of its commands are left as they are: they read the
  // same whatever the secrets are, so masking them would only hide the advice and tell which
  // characters a secret holds (a passphrase "refresh-refresh" would turn `--refresh` into a mask).
  const words = ownReportWords();
  // No request carried these secrets, so a short one is masked only as a word (a one-digit
  // PGPASSWORD would otherwise hide every date's digits).
  const mask = (v: string) =>
    maskDecoded(v, secrets, { keep: [...words, ...ownSentencesIn(v)], shortAsWords: true });
  // A field's value is the API's: its map keys (Apinizer's `propertiesMap`) are masked like its
  // strings, and nothing in it is the report's own sentence or command, whatever it looks like;
  // the report's own keys are its schema.
  const maskValue = (v: string) => maskDecoded(v, secrets, { keep: words, shortAsWords: true });
  const walk = (v: unknown, key?: string, value = false): unknown => {
    if (typeof v === "string") {
      if (value) return maskValue(v);
      return key === "remediation" ? redactCommand(v, secrets) : mask(v);
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, undefined, value));
    if (v !== null && typeof v === "object")
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => {
          const inValue = value || FIELD_VALUE_KEYS.has(k);
          return [value ? maskValue(k) : k, walk(x, k, inValue)];
        }),
      );
    return v;
  };
  return walk(value) as T;
}

/** How the stack's secrets mask what a report took from the API or from state. */
export interface StackMasker {
  /** A value (a field, a name, an ID): every run of a secret, no word kept. */
  text(value: string): string;
  /**
   * A message the provider or the Pulumi CLI wrote (an error, a URN): every run of a secret, but
   * the code's own words (types, config keys, commands) kept readable, as the provider keeps them.
   */
  message(text: string): string;
}

/**
 * Masks with the stack's secrets (cli/shared/stack-secrets.ts) only what came from the API or from
 * state: a value pasted there outside Pulumi may hold one, in any encoding. The report's own words,
 * its commands and its advice are never passed through it: they are the same whatever the secrets
 * are, so they tell nothing about them, and a short secret that is a common word (`import`) would
 * otherwise hide them.
 */
export function stackMasker(secrets: readonly string[]): StackMasker {
  if (secrets.length === 0) return { text: (v) => v, message: (t) => t };
  const words = ownReportWords();
  return {
    text: (v) => maskDecoded(v, secrets, {}),
    message: (t) => maskDecoded(t, secrets, { keep: words }),
  };
}
