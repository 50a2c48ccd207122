/** How a secret value is shown anywhere a human or a log could read it. */
export const MASK = "[secret]";

/** Shorter values are masked only where they stand whole; masking every 3-letter run would garble messages. */
const MIN_SECRET_LENGTH = 4;

/**
 * A run of this many characters equal to the start of a secret is masked too where the text is
 * cut right after it (its end, a space, a quote, an ellipsis): an API that echoes a request may
 * cut a value, and a prefix of a secret is still a secret.
 */
export const MIN_PREFIX_LENGTH = 8;

/** A run this long equal to the start of a secret is masked wherever it stands. */
const MIN_INNER_PREFIX_LENGTH = 16;

/** Where an echoed value was cut: the text ends, or a space, quote or ellipsis follows. */
const CUT = /^($|[\s"'`.\u2026])/;

/**
 * Every form a secret can take in an API answer that echoes the request: raw, JSON-escaped (once
 * and twice, for a body quoted inside a message), URL-encoded, form-encoded and base64.
 */
export function secretForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  return [
    value,
    json,
    JSON.stringify(json).slice(1, -1),
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    Buffer.from(value, "utf8").toString("base64"),
  ];
}

/**
 * Replaces every form of the given secret values in `text` with {@link MASK}, and every run of at
 * least {@link MIN_PREFIX_LENGTH} characters that starts one of those forms.
 *
 * This runs before any text from an API answer is cut to length or placed in a message: the API
 * could echo a value back (Apinizer's get-one returns secrets in plaintext), so every message that
 * leaves the provider goes through here with all secrets the call knew about.
 */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  const forms = [
    ...new Set(
      [...secrets]
        .filter((s): s is string => typeof s === "string" && s.length >= MIN_SECRET_LENGTH)
        .flatMap(secretForms),
    ),
  ].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return text;
  // Longest first, so a secret that contains another is masked whole.
  let out = text;
  for (const form of forms) out = out.split(form).join(MASK);
  for (const form of forms) if (form.length > MIN_PREFIX_LENGTH) out = maskPrefixes(out, form);
  return out;
}

/**
 * Masks each run of `text` that equals the start of `form`: 16+ characters anywhere, 8+ where
 * the text is cut right after the run. Shorter prefixes in running text are left alone, since a
 * test credential such as `apinizer_token` shares its first word with the label `apinizer:Connection`.
 */
function maskPrefixes(text: string, form: string): string {
  const head = form.slice(0, MIN_PREFIX_LENGTH);
  let out = "";
  let from = 0;
  for (let at = text.indexOf(head, from); at !== -1; at = text.indexOf(head, from)) {
    let end = at + MIN_PREFIX_LENGTH;
    while (end < text.length && end - at < form.length && text[end] === form[end - at]) end++;
    if (end - at >= MIN_INNER_PREFIX_LENGTH || CUT.test(text.slice(end, end + 1))) {
      out += text.slice(from, at) + MASK;
      from = end;
    } else {
      out += text.slice(from, at + 1);
      from = at + 1;
    }
  }
  return out + text.slice(from);
}

/** Cuts text for a message after it was redacted, so that a cut can never expose part of a secret. */
export function excerpt(text: string, secrets: Iterable<string | undefined>, max = 200): string {
  const clean = redact(text, secrets).replace(/\s+/g, " ").trim();
  return clean.length > max ? `${clean.slice(0, max - 3)}...` : clean;
}

/** Every string inside a JSON value, for collecting the secret values a call carries. */
export function collectStrings(value: unknown, into: string[] = []): string[] {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, into));
  else if (value && typeof value === "object")
    Object.values(value).forEach((v) => collectStrings(v, into));
  return into;
}

/**
 * Describes a received value in a validation message without showing it: the engine and its logs
 * keep these messages, and a program may pass a secret into any field.
 */
export function describeReceived(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return `a string of ${value.length} characters`;
  if (Array.isArray(value)) return `a list of ${value.length} items`;
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}
