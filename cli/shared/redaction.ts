/** What a report may print: every string through the provider's one redactor. */
import { ownWords } from "../../provider/core/kind";
import { redact, urlCredentials } from "../../provider/core/secrets";
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

/** The commands and product a report names in its advice. */
const COMMAND_WORDS = [
  "pulumi-connections",
  "pulumi",
  "Pulumi",
  "connections",
  "connection",
  "Connections",
  "Connection",
];

/**
 * Every string of a report value through the provider's own redactor ({@link redact}: secrets in
 * every form, URLs without credentials), so that a report and a provider message hide the same
 * things the same way.
 */
export function redactReport<T>(value: T, secrets: readonly string[]): T {
  // The report names resource types, config keys and the commands to run: the code's words, kept
  // readable where a word-like passphrase shares characters with them.
  const words = [...KINDS.values()].flatMap(ownWords).concat(COMMAND_WORDS);
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redact(v, secrets, { keep: words });
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
