/** How a secret value is shown anywhere a human or a log could read it. */
export const MASK = "[secret]";

/**
 * Replaces every occurrence of the given secret values in `text` with {@link MASK}.
 *
 * This is the last line of defence for error text that embeds an API answer: the API could echo a
 * value back (Apinizer's get-one returns secrets in plaintext, spec C.6), so every message that
 * leaves the provider goes through here with all secrets the call knew about.
 */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  const values = [...new Set([...secrets].filter((s): s is string => !!s && s.length >= 4))].sort(
    (a, b) => b.length - a.length,
  );
  for (const value of values) out = out.split(value).join(MASK);
  return out;
}

/** Shows a value in a message: secrets masked, long strings cut, everything JSON-quoted. */
export function describeValue(value: unknown, secret: boolean): string {
  if (secret) return MASK;
  if (value === undefined) return "nothing";
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
