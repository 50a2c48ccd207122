/** What a report may print: every string through the provider's one redactor. */
import { ownWords } from "../../provider/core/kind";
import { decodeEchoes, redact, RedactOptions, urlCredentials } from "../../provider/core/secrets";
import { KINDS } from "../../provider/registry";

/**
 * Values from the environment that must never be printed, however a CLI message quotes them:
 * every variable named like a secret (PGPASSWORD, the passphrase, access tokens, the API
 * credentials), and the backend URL's credentials ({@link urlCredentials}). At any length:
 * the redactor masks a short one wherever it stands whole.
 */
export function secretsOf(
  env: Readonly<Record<string, string | undefined>>,
  backendUrl?: string,
): string[] {
  const out = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (
      value &&
      /(PASSWORD|PASSPHRASE|SECRET|TOKEN|API_KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?)$/i.test(name)
    )
      out.add(value);
  }
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
  const words = ownReportWords();
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redact(v, secrets, { keep: words });
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
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
  // A value is shown as the API holds it, unless undoing its escapes (`&#120;`, `%78`, `\u0078`:
  // what a reader undoes at a glance) uncovers a secret: then it is shown decoded, masked.
  const masked = (v: string, options: RedactOptions) => {
    const decoded = decodeEchoes(v);
    const plain = redact(decoded, secrets, options);
    // Compared with what redaction without secrets does to it: URLs lose their credentials.
    if (decoded !== v && plain !== redact(decoded, [], options)) return plain;
    return redact(v, secrets, options);
  };
  return {
    text: (v) => masked(v, {}),
    message: (t) => masked(t, { keep: words }),
  };
}
