/** How a secret value is shown anywhere a human or a log could read it. */
export const MASK = "[secret]";

/**
 * A run of this many characters of a secret, or of any encoded form of it as many characters of
 * the form as carry these, is masked wherever it stands: an API that echoes a request may cut a
 * value at either end, and part of a secret is still a secret. A secret (or a form) shorter than
 * this is masked wherever it stands whole.
 */
export const SECRET_RUN = 6;

/** Decoding passes over an echoed text: one per layer of encoding, bounded so it always ends. */
const DECODE_ROUNDS = 10;

/** Longest part of an API field that is decoded and masked; the message shows far less anyway. */
const MAX_FIELD_CHARS = 8_192;

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  sol: "/",
  bsol: "\\",
  colon: ":",
  equals: "=",
  plus: "+",
  percnt: "%",
  num: "#",
  semi: ";",
  comma: ",",
  lpar: "(",
  rpar: ")",
  lsqb: "[",
  rsqb: "]",
  lbrack: "[",
  rbrack: "]",
  lcub: "{",
  rcub: "}",
  lbrace: "{",
  rbrace: "}",
  grave: "`",
  excl: "!",
  quest: "?",
  commat: "@",
  dollar: "$",
  ast: "*",
  verbar: "|",
  vert: "|",
  tilde: "~",
  hat: "^",
  lowbar: "_",
  period: ".",
  newline: "\n",
  tab: "\t",
};

function fromCodePoint(cp: number): string | undefined {
  return Number.isInteger(cp) && cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : undefined;
}

/** Bytes read as UTF-8, or as Latin-1 when they are not UTF-8 (an older server's encoding). */
function fromBytes(bytes: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString("latin1");
  }
}

/**
 * One layer of the string escapes of JSON (Gson's `\u003d` included, and upper-cased `\U003D`)
 * and of the languages a server may be written in: Python's `\UXXXXXXXX`, ES2015's `\u{...}`,
 * and runs of `\xNN` or octal `\NNN` bytes (read as UTF-8).
 */
function decodeStringEscapes(text: string): string {
  return (
    text
      .replace(/(?:\\x[0-9a-fA-F]{2})+|(?:\\[0-3][0-7]{2})+/g, (run) =>
        fromBytes(
          Buffer.from(
            run
              .split("\\")
              .slice(1)
              .map((e) => (e[0] === "x" ? parseInt(e.slice(1), 16) : parseInt(e, 8))),
          ),
        ),
      )
      // Java properties, shells and regular expressions escape any punctuation with a backslash.
      .replace(
        /\\(U[0-9a-fA-F]{8}|u\{[0-9a-fA-F]{1,8}\}|[uU][0-9a-fA-F]{4}|[bfnrt]|[!-/:-@[-`{-~])/g,
        (m, e: string) => {
          if (e.length > 2) return fromCodePoint(parseInt(e.replace(/[uU{}]/g, ""), 16)) ?? m;
          return { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" }[e] ?? e;
        },
      )
  );
}

/**
 * HTML character references, named and numeric; numeric ones with any number of leading zeros
 * and without their `;`, as browsers read them.
 */
function decodeHtmlEntities(text: string): string {
  return text
    .replace(/&#(?:0*([0-9]{1,7})|[xX]0*([0-9a-fA-F]{1,6}));?/g, (m, d?: string, h?: string) => {
      return fromCodePoint(d !== undefined ? parseInt(d, 10) : parseInt(h!, 16)) ?? m;
    })
    .replace(/&([a-zA-Z]{2,8});/g, (m, e: string) => NAMED_ENTITIES[e.toLowerCase()] ?? m);
}

/**
 * Runs of percent escapes read as UTF-8, or Latin-1 when they are not UTF-8; JavaScript's
 * `escape()` `%uXXXX`; and runs of two or more quoted-printable `=XX` (a single one is as likely
 * a `key=AB` of the text itself).
 */
function decodePercent(text: string): string {
  return text
    .replace(/%u([0-9a-fA-F]{4})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => fromBytes(Buffer.from(run.replace(/%/g, ""), "hex")))
    .replace(/(?:=[0-9A-F]{2}){2,}/g, (run) =>
      fromBytes(Buffer.from(run.replace(/=/g, ""), "hex")),
    );
}

/**
 * An echoed text with every layer of JSON escapes, HTML references and percent escapes undone, to
 * a fixpoint (at most {@link DECODE_ROUNDS} passes): an API quoting a request may escape it once
 * per layer it went through (a JSON body quoted in a JSON message, written by Gson, in a page).
 */
export function decodeEchoes(text: string): string {
  let out = text;
  for (let i = 0; i < DECODE_ROUNDS; i++) {
    const next = decodePercent(decodeHtmlEntities(decodeStringEscapes(out)));
    if (next === out) break;
    out = next;
  }
  return out;
}

/** JSON's escaping as Gson writes it: `=`, `&`, `<`, `>`, `'` and every non-ASCII letter as `\uXXXX`. */
function gsonEscape(value: string): string {
  return JSON.stringify(value)
    .slice(1, -1)
    .replace(/[=&<>'\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function htmlEscape(value: string): string {
  return value.replace(/[&<>"'\u0080-\uffff]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function percentEncode(value: string): string {
  return [...Buffer.from(value, "utf8")]
    .map((b) =>
      /[A-Za-z0-9\-_.!~*'()]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, "0")}`,
    )
    .join("");
}

/**
 * The base64 characters that depend on the value alone, for each of the three positions it can
 * start at within a 3-byte group: base64 of `user:secret` holds the secret's bytes at offset 5,
 * whose characters are those of the secret's own base64 only when the offset is a multiple of 3.
 */
/**
 * Base32 (RFC 4648) of the value at each of the five byte alignments, less the characters that
 * depend on its neighbours, as {@link base64Cores} does. Written here because Node has no base32
 * codec and these few lines are all masking needs of one.
 */
function base32Cores(bytes: Buffer): string[] {
  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const out: string[] = [];
  for (let pad = 0; pad < 5; pad++) {
    let bits = "0".repeat(pad * 8);
    for (const b of bytes) bits += b.toString(2).padStart(8, "0");
    const first = Math.ceil((pad * 8) / 5);
    const last = Math.floor(bits.length / 5);
    let core = "";
    for (let i = first; i < last; i++) core += ALPHABET[parseInt(bits.slice(i * 5, i * 5 + 5), 2)];
    if (core !== "") out.push(core);
  }
  return out;
}

function base64Cores(value: string | Buffer): string[] {
  const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  const out: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const b64 = Buffer.concat([Buffer.alloc(pad), bytes]).toString("base64");
    const first = Math.ceil((pad * 8) / 6);
    const last = Math.floor(((pad + bytes.length) * 8) / 6);
    if (last > first) {
      const core = b64.slice(first, last);
      out.push(core, core.replace(/\+/g, "-").replace(/\//g, "_"));
    }
  }
  return out;
}

/**
 * One form of a secret and the length of its runs: how many of its characters carry
 * {@link SECRET_RUN} characters (bytes, for a binary code) of the secret. A text form's run is
 * SECRET_RUN; a binary code spends more characters on each byte, and a run of SECRET_RUN of them
 * holds only two or three bytes of the secret, or one and a half characters in UTF-16 hex:
 * masking those would mask digits of every date and ID ("072005" is a run of the UTF-16 hex of
 * `or_`) while hiding less of the secret than the runs a text form leaves readable.
 */
interface Form {
  readonly text: string;
  readonly run: number;
  /** A text form (escaped, re-read, reversed), not a binary code. */
  readonly isText: boolean;
}

/**
 * How many characters of a code of `bits` bits a character lie wholly inside `bytes` bytes, at
 * the worst alignment: the first and last characters of a cut may also carry bits of what stands
 * around the secret. For a code of a code, the outer code's bytes are the inner code's
 * characters: `within(within(6, 6), 6)` for base64 of base64.
 */
const within = (bytes: number, bits: number): number => Math.floor((bytes * 8 - (bits - 1)) / bits);

const HEX_BITS = 4;
const BASE64_BITS = 6;
const BASE32_BITS = 5;

/** Each alignment's base64 core, standard alphabet only: the inner layer of a composed code. */
const base64Std = (value: string | Buffer): string[] =>
  base64Cores(value).filter((_core, i) => i % 2 === 0);

/**
 * Every form a secret can take in an echoed text after {@link decodeEchoes}, with its run (see
 * {@link Form}): raw, upper- and lower-case, with whitespace as single spaces, decoded itself (a
 * secret that holds `%41`), and, for a text that was cut inside an escape or encoded more often
 * than decoding undoes, its JSON, Gson, percent, form and HTML encodings; plus, of each of those,
 * what no decoding undoes: base64 at all three byte alignments (standard and URL-safe alphabets)
 * and hex; the UTF-16 text (little- and big-endian, as Windows and Java encode strings) in base64
 * and hex; base64 of base64 and of that again, hex of base64 (a dump of a Basic header) and base64
 * of hex, each at every alignment; base32; and the bytes as numbers, the ways languages print a
 * byte array: unsigned (a Node Buffer's JSON), signed (Java), as `0x` hex (Go), and the code
 * points.
 */
function encodedForms(value: string): Form[] {
  const forms = new Map<string, number>();
  const add = (text: string, run: number) => {
    if (text !== "") forms.set(text, Math.min(forms.get(text) ?? run, run));
  };
  const texts = secretTexts(value);
  for (const t of texts) add(t, SECRET_RUN);
  // Base64 and hex of each text form too: a request body is often encoded before it is sent.
  for (const t of texts) {
    for (const core of base64Cores(t)) add(core, within(SECRET_RUN, BASE64_BITS));
    add(Buffer.from(t, "utf8").toString("hex"), within(SECRET_RUN, HEX_BITS));
  }
  const utf16le = Buffer.from(value, "utf16le");
  for (const utf16 of [utf16le, Buffer.from(utf16le).swap16()]) {
    for (const core of base64Cores(utf16)) add(core, within(2 * SECRET_RUN, BASE64_BITS));
    add(utf16.toString("hex"), within(2 * SECRET_RUN, HEX_BITS));
  }
  const bytes = Buffer.from(value, "utf8");
  const once = within(SECRET_RUN, BASE64_BITS);
  for (const inner of base64Std(bytes)) {
    for (const core of base64Cores(inner)) add(core, within(once, BASE64_BITS));
    add(Buffer.from(inner).toString("hex"), within(once, HEX_BITS));
    for (const twice of base64Std(inner))
      for (const core of base64Cores(twice))
        add(core, within(within(once, BASE64_BITS), BASE64_BITS));
  }
  for (const core of base64Cores(bytes.toString("hex")))
    add(core, within(within(SECRET_RUN, HEX_BITS), BASE64_BITS));
  for (const core of base32Cores(bytes)) add(core, within(SECRET_RUN, BASE32_BITS));
  // Numbers of two digits at least (the bytes of a text are 10 or more but for control
  // characters), a cut possibly starting inside the first; `0x48` is four letters and digits.
  const numbers = 2 * SECRET_RUN - 1;
  add([...bytes].join(","), numbers);
  add([...bytes].map((b) => (b > 127 ? b - 256 : b)).join(","), numbers);
  add([...value].map((c) => c.codePointAt(0)!).join(","), numbers);
  add([...bytes].map((b) => `0x${b.toString(16).padStart(2, "0")}`).join(","), 4 * SECRET_RUN - 3);
  return [...forms].map(([text, run]) => ({ text, run, isText: texts.has(text) }));
}

/** The forms of a secret {@link redact} masks: see {@link encodedForms}. */
export function secretForms(value: string): string[] {
  return encodedForms(value).map((f) => f.text);
}

/** The forms of {@link secretForms} that are text (escaped, re-read, reversed), not binary codes. */
function secretTexts(value: string): Set<string> {
  const variants = new Set([
    value,
    value.toUpperCase(),
    value.toLowerCase(),
    value.replace(/\s+/g, " "),
    decodeEchoes(value),
  ]);
  const texts = new Set<string>();
  for (const v of variants) {
    const percent = percentEncode(v);
    for (const t of [
      v,
      JSON.stringify(v).slice(1, -1),
      gsonEscape(v),
      percent,
      percent.replace(/%20/g, "+"),
      v.replace(/ /g, "+"),
      htmlEscape(v),
      // SQL and CSV double a quote.
      v.replace(/(['"])/g, "$1$1"),
    ])
      texts.add(t);
  }
  // UTF-8 read as Latin-1 (mojibake), and the secret reversed: no decoding undoes either.
  texts.add(Buffer.from(value, "utf8").toString("latin1"));
  // And Latin-1 read as UTF-8, where those bytes happen to be valid UTF-8 ("ß¿" is U+07FF): other
  // Latin-1 bodies are never parsed (see HttpClient in http.ts).
  const asUtf8 = latin1ReadAsUtf8(value);
  if (asUtf8 !== undefined) texts.add(asUtf8);
  texts.add([...value].reverse().join(""));
  texts.delete("");
  return texts;
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/** `bytes` as UTF-8 text, or undefined when they are not UTF-8 (no U+FFFD in their place). */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The value's Latin-1 bytes read as UTF-8, when it is Latin-1 text and those bytes are UTF-8. */
function latin1ReadAsUtf8(value: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- every character outside Latin-1 is what this matches
  if (/[^\u0000-\u00ff]/.test(value)) return undefined;
  return decodeUtf8(Buffer.from(value, "latin1"));
}

/** Whitespace, control characters and bidi overrides: all compared and shown as one space. */
// eslint-disable-next-line no-control-regex -- control characters are what this matches
const BLANK = /[\s\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Invisible characters a reader skips: format characters (zero-width, soft hyphen) outside BLANK. */
const INVISIBLE = /\p{Cf}/u;

/** Combining marks, dropped so that accented, decomposed and Turkish dotted forms compare equal. */
const MARKS = /\p{M}/gu;

/**
 * Text as it is compared: each character in its compatibility form (NFKD: fullwidth letters are
 * letters) without combining marks, lower-case; invisible format characters dropped; every run
 * of {@link BLANK} characters one space. `from[i]`/`to[i]` are where the i-th unit of the result
 * came from in the original, so a match maps back to what to mask.
 */
export function normalize(text: string): { text: string; from: number[]; to: number[] } {
  let out = "";
  const from: number[] = [];
  const to: number[] = [];
  let i = 0;
  // Whether the last unit written is a blank run that only invisible characters followed: a
  // zero-width character between two tabs must not split one blank run into two spaces.
  let inBlank = false;
  for (const ch of text) {
    const end = i + ch.length;
    if (BLANK.test(ch)) {
      if (inBlank) to[to.length - 1] = end;
      else {
        out += " ";
        from.push(i);
        to.push(end);
        inBlank = true;
      }
    } else if (INVISIBLE.test(ch)) {
      if (inBlank) to[to.length - 1] = end;
    } else {
      inBlank = false;
      // A dotless ı is how a Turkish locale lower-cases I.
      const lower = ch
        .normalize("NFKD")
        .replace(MARKS, "")
        .toLowerCase()
        .replace(MARKS, "")
        .replace(/ı/g, "i");
      out += lower;
      for (let k = 0; k < lower.length; k++) {
        from.push(i);
        to.push(end);
      }
    }
    i = end;
  }
  return { text: out, from, to };
}

/** What a set of secrets is matched by: runs of {@link SECRET_RUN}, and short values whole. */
/** Runs of forms by their length (see {@link Form}): a text is compared at each length. */
type Runs = Map<number, Set<string>>;

/** Adds the runs of a normalized form: each `run` characters of it, or the form whole when shorter. */
function addRuns(into: Runs, form: string, run: number): void {
  // A form shorter than a run (a base64 core of a short secret is a letter or two) is masked only
  // as the short secret itself is, through `whole`: otherwise it would mask letters of every word.
  if (form.length < SECRET_RUN) return;
  const length = Math.min(run, form.length);
  let set = into.get(length);
  if (!set) into.set(length, (set = new Set()));
  for (let at = 0; at + length <= form.length; at++) set.add(form.slice(at, at + length));
}

function mergeRuns(into: Runs, from: Runs): void {
  for (const [length, set] of from) {
    const mine = into.get(length);
    if (mine) for (const r of set) mine.add(r);
    else into.set(length, new Set(set));
  }
}

/** Marks in `hit` each unit of `text` a run covers, `at` mapping the text's units to `hit`'s. */
function markRuns(text: string, runs: Runs, hit: Uint8Array, at?: readonly number[]): void {
  for (const [length, set] of runs) {
    for (let i = 0; i + length <= text.length; i++) {
      if (!set.has(text.slice(i, i + length))) continue;
      if (at) hit.fill(1, at[i]!, at[i + length - 1]! + 1);
      else hit.fill(1, i, i + length);
    }
  }
}

interface Matcher {
  readonly runs: Runs;
  /** Runs of a secret's letters and digits alone: see {@link skeleton}. */
  readonly skeletonRuns: Runs;
  readonly whole: readonly string[];
  /**
   * Whether a value is masked only where it stands as a word: in the code's own words a
   * one-letter secret is no more in "Connection" than any other letter, nor "pictor" in
   * "pictory", and masking them there would both wreck the message and spell the secret out.
   */
  readonly asWords: boolean;
  /** Every form of every secret, compared whole: see {@link maskAround}. */
  readonly forms: readonly string[];
}

/** The last matcher built, by its secrets: an error path masks several texts with the same ones. */
let lastMatcher: { key: string; matcher: Matcher | undefined } | undefined;

function matcherOf(
  secrets: readonly string[],
  wholeOnly: boolean,
  shortAsWords: boolean,
): Matcher | undefined {
  const key = `${wholeOnly ? "w" : "r"}${shortAsWords ? "w" : "a"}${secrets.join("\u0000")}`;
  if (lastMatcher?.key !== key)
    lastMatcher = { key, matcher: buildMatcher(secrets, wholeOnly, shortAsWords) };
  return lastMatcher.matcher;
}

function buildMatcher(
  secrets: readonly string[],
  wholeOnly: boolean,
  shortAsWords: boolean,
): Matcher | undefined {
  const runs: Runs = new Map();
  const skeletonRuns: Runs = new Map();
  const whole = new Set<string>();
  const forms = new Set<string>();
  for (const secret of new Set(secrets)) {
    const m = matcherOfOne(secret);
    for (const f of m.forms) forms.add(f);
    if (!wholeOnly) mergeRuns(runs, m.runs);
    if (!wholeOnly) mergeRuns(skeletonRuns, m.skeletonRuns);
    for (const w of wholeOnly ? [...m.self, ...m.forms] : m.whole) whole.add(w);
  }
  if (runs.size === 0 && whole.size === 0) return undefined;
  return {
    runs,
    skeletonRuns,
    whole: [...whole],
    asWords: wholeOnly || shortAsWords,
    forms: [...forms],
  };
}

/** Each secret's runs, kept for the next message: a provider masks many with the same secrets. */
interface OneSecret {
  readonly runs: Runs;
  readonly skeletonRuns: Runs;
  readonly whole: readonly string[];
  /**
   * The secret itself when short, as written and decoded: in the code's own words a short form
   * such as the reverse of "on" is a word ("no") far more often than an echo.
   */
  readonly self: readonly string[];
  /** Every form, compared whole: for texts whose every word is the code's own. */
  readonly forms: readonly string[];
}
const perSecret = new Map<string, OneSecret>();
const MAX_CACHED_SECRETS = 1_024;

function matcherOfOne(secret: string): OneSecret {
  const cached = perSecret.get(secret);
  if (cached) return cached;
  const runs: Runs = new Map();
  const skeletonRuns: Runs = new Map();
  const whole = new Set<string>();
  const forms = new Set<string>();
  // Binary forms too: hex with a space or colon between bytes is hex to this comparison, and
  // the bytes as decimal numbers (a Node Buffer's JSON, `[81, 109, ...]`) are their digits.
  const letters = Math.max(1, skeleton(normalize(secret).text).text.length);
  for (const { text, run, isText } of encodedForms(secret)) {
    const n = normalize(text).text;
    if (n.length >= SECRET_RUN) forms.add(n);
    addRuns(runs, n, run);
    // An escaped text form's letters and digits alone (`&#1087;` is `1087`, `\u00e9` is `u00e9`)
    // are more than the secret's, digits mostly: its run grows with them as a binary code's does,
    // or `&#1087;&#1072;` would mask the digits of dates and IDs. A code's run counts them already.
    const sk = skeleton(n).text;
    const skRun = isText ? Math.max(run, Math.ceil((SECRET_RUN * sk.length) / letters)) : run;
    addRuns(skeletonRuns, sk, skRun);
  }
  // A short secret's text forms (escaped, re-read in another encoding, reversed) are masked whole
  // like the secret itself; its base64 and hex cores are not (see below).
  for (const text of secretTexts(secret)) {
    const short = normalize(text).text;
    if (short !== "" && short.length < SECRET_RUN) whole.add(short);
  }
  const self = [normalize(secret).text, normalize(decodeEchoes(secret)).text].filter(
    (t) => t !== "" && t.length < SECRET_RUN,
  );
  const out = {
    self: [...new Set(self)],
    runs,
    skeletonRuns,
    whole: [...whole],
    forms: [...forms],
  };
  if (perSecret.size >= MAX_CACHED_SECRETS) perSecret.delete(perSecret.keys().next().value!);
  perSecret.set(secret, out);
  return out;
}

/** A range of a text, `[start, end)`, in its own units. */
type Range = readonly [number, number];

/** The ranges of one piece of text (no {@link MASK} inside) a run or a whole short value covers. */
function maskRanges(text: string, m: Matcher): Range[] {
  const n = normalize(text);
  const hit = new Uint8Array(n.text.length);
  markRuns(n.text, m.runs, hit);
  if (m.skeletonRuns.size > 0) {
    const sk = skeleton(n.text);
    markRuns(sk.text, m.skeletonRuns, hit, sk.at);
  }
  for (const w of m.whole) {
    const bounded = m.asWords;
    for (let at = n.text.indexOf(w); at !== -1; at = n.text.indexOf(w, at + 1))
      if (!bounded || standsAlone(n.text, w, at)) hit.fill(1, at, at + w.length);
  }
  const out: Range[] = [];
  for (let p = 0; p < hit.length; p++) {
    if (!hit[p]) continue;
    let q = p;
    while (q + 1 < hit.length && hit[q + 1]) q++;
    out.push([n.from[p]!, n.to[q]!]);
    p = q;
  }
  return out;
}

/** `text` with each of `ranges` (overlapping or not) shown as one {@link MASK}. */
function applyMasks(text: string, ranges: readonly Range[]): string {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  let out = "";
  let from = 0;
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]![0];
    let end = sorted[i]![1];
    while (i + 1 < sorted.length && sorted[i + 1]![0] <= end) end = Math.max(end, sorted[++i]![1]);
    if (end <= from) continue;
    out += text.slice(from, Math.max(from, start)) + MASK;
    from = end;
  }
  return out + text.slice(from);
}

/**
 * The ranges of a piece to mask, the code's own words (`kept`, longest first) left readable where
 * a secret merely shares characters with them: the text is masked once around each kept word, as
 * pieces of their own, and once whole. What the whole text shows of a secret is masked unless all
 * its letters and digits are kept words': a secret that holds a kept word (`my-pulumi-pass`,
 * `db-password-1`) has pieces around it shorter than a run, and only the whole text shows them to
 * be a secret.
 */
function maskAround(text: string, m: Matcher, kept: readonly string[]): Range[] {
  const keptRanges: Range[] = [];
  const pieces: Range[] = [];
  const cut = (start: number, end: number, words: readonly string[]): void => {
    const [word, ...rest] = words;
    if (word === undefined) return void pieces.push([start, end]);
    let from = start;
    for (let at = text.indexOf(word, from); at !== -1 && at + word.length <= end;) {
      cut(from, at, rest);
      keptRanges.push([at, at + word.length]);
      from = at + word.length;
      at = text.indexOf(word, from);
    }
    cut(from, end, rest);
  };
  cut(0, text.length, kept);
  const ranges: Range[] = [];
  for (const [start, end] of pieces)
    for (const [a, b] of maskRanges(text.slice(start, end), m)) ranges.push([start + a, start + b]);
  if (keptRanges.length === 0) return ranges;
  const inKept = new Uint8Array(text.length);
  for (const [a, b] of keptRanges) inKept.fill(1, a, b);
  // A match that adds no letter or digit to the kept words (two of them and the `: ` between) is
  // the words' own, whatever secret shares their characters; unless it holds a whole secret that
  // is not part of one kept word: `pulumi-password` or `password!` written whole is the secret.
  const keptForms = kept.map((k) => normalize(k).text);
  const forms = m.forms.filter((f) => !keptForms.some((k) => k.includes(f)));
  const ownOnly = (a: number, b: number) => {
    for (let i = a; i < b; i++) if (!inKept[i] && WORD.test(text[i]!)) return false;
    const matched = normalize(text.slice(a, b)).text;
    return !forms.some((f) => matched.includes(f));
  };
  // Runs as written only: letters and digits alone run on across the kept word's edge
  // (`pulumi cancel` holds the run `ulumic` of a passphrase `pulumi-connections-local`).
  const asWritten = { ...m, skeletonRuns: new Map() };
  for (const [a, b] of maskRanges(text, asWritten)) if (!ownOnly(a, b)) ranges.push([a, b]);
  return ranges;
}

const WORD = /[\p{L}\p{N}]/u;

/**
 * A normalized text's letters and digits alone, with where each stands. An API may quote a secret
 * with something between its characters that a reader skips: grouped (`Qm7x-K2pR-9vT4`), with its
 * punctuation backslash-escaped (Java properties, a shell) or its quotes doubled (SQL, CSV), as
 * UTF-16 read as UTF-8 (a NUL after each character). Compared on letters and digits alone, every
 * such form is the secret's own.
 */
function skeleton(text: string): { text: string; at: number[] } {
  let out = "";
  const at: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (!WORD.test(text[i]!)) continue;
    out += text[i];
    at.push(i);
  }
  return { text: out, at };
}

/** An escape that stands for one character (`%20`, `\u0020`, `\x20`, `&#32;`): a separator too. */
const ESCAPE_BEFORE = /(%[0-9a-f]{2}|\\u[0-9a-f]{4}|\\x[0-9a-f]{2}|&#?[0-9a-z]{1,8};)$/;
const ESCAPE_AFTER = /^(%[0-9a-f]{2}|\\u[0-9a-f]{4}|\\x[0-9a-f]{2}|&#?[0-9a-z]{1,8};)/;

/**
 * Whether `w` at `at` in a normalized `text` is a word of its own: no letter or digit runs on into
 * it, an escaped character (a percent-encoded space) counting as a separator.
 */
function standsAlone(text: string, w: string, at: number): boolean {
  const end = at + w.length;
  const joins = (outside: string | undefined, edge: string) =>
    outside !== undefined && WORD.test(outside) && WORD.test(edge);
  const before =
    joins(text[at - 1], w[0]!) && !ESCAPE_BEFORE.test(text.slice(Math.max(0, at - 10), at));
  const after = joins(text[end], w[w.length - 1]!) && !ESCAPE_AFTER.test(text.slice(end, end + 10));
  return !before && !after;
}

/** How {@link redact} masks. */
export interface RedactOptions {
  /**
   * The code's own words (a resource type token, a config key) left as they are where a secret
   * shares characters with them.
   * @default []
   */
  readonly keep?: readonly string[];
  /**
   * Mask each form of a secret only where it stands whole, not its runs: for a message whose
   * API-derived parts were masked already, so that its own words (a name a reader knows) are
   * neither hidden nor turned into a clue about which characters a secret holds. Each form is
   * then masked only where it stands as a word.
   * @default false
   */
  readonly whole?: boolean;
  /**
   * Mask a secret shorter than a run only where it stands as a word, its runs anywhere: for
   * values no request carried (the environment's secrets in a drift report), where a one-digit
   * password would otherwise hide the digits of every date and spell itself out.
   * @default false
   */
  readonly shortAsWords?: boolean;
}

/**
 * Masks every secret in `text`, in every form {@link secretForms} lists: any run of a form
 * (see {@link encodedForms}; or, with `whole`, the form whole), compared as
 * {@link normalize} does, and a secret shorter than that wherever it stands whole. URLs are shown
 * by {@link redactUrl}. Masks already in the text stay as they are, unless a secret holds the
 * mask's own text: then the mask is compared like any other text.
 */
export function redact(
  text: string,
  secrets: Iterable<string | undefined>,
  { keep = [], whole = false, shortAsWords = false }: RedactOptions = {},
): string {
  const list = [...secrets].filter((s): s is string => typeof s === "string" && s !== "");
  const m = matcherOf(list, whole, shortAsWords);
  const maskText = normalize(MASK).text;
  const holdsMask = list.some((s) => normalize(decodeEchoes(s)).text.includes(maskText));
  // Longest first, so that a kept word holding another is kept whole. A word shorter than a run
  // is not kept: it can only be masked as a whole short secret, which must be.
  const kept = [...new Set(keep)]
    .filter((k) => k.length >= SECRET_RUN)
    .sort((a, b) => b.length - a.length);
  const mask = (piece: string) => (m ? applyMasks(piece, maskAround(piece, m, kept)) : piece);
  const shown = redactUrls(text);
  return holdsMask ? mask(shown) : shown.split(MASK).map(mask).join(MASK);
}

/**
 * A value as it was given, unless undoing its escapes (`&#120;`, `%78`, `\u0078`: what a reader
 * undoes at a glance) uncovers a secret: then it is shown decoded, masked.
 */
export function maskDecoded(v: string, secrets: readonly string[], options: RedactOptions): string {
  // URLs are read as written first: decoding `%20password%3D…` in an option's value would end
  // the URL there and leave the password as prose after it.
  const written = redactUrls(v);
  const decoded = decodeEchoes(written);
  const plain = redact(decoded, secrets, options);
  // Decoded whenever redaction hides something there: a secret, or a URL's credentials.
  if (decoded !== written && plain !== decoded) return plain;
  return redact(v, secrets, options);
}

/** Joins the fields of one answer while masking: invisible to {@link normalize}, see {@link excerpt}. */
const JOIN = "\u2063";

/**
 * What an API's documented error fields said, fit for a message: each decoded
 * ({@link decodeEchoes}), control characters and whitespace runs as one space, joined with ` - `,
 * every secret masked, then cut to `max`. The fields are masked as one text with nothing between
 * them, so a secret split over two of them is masked too; masking comes before the cut, so no cut
 * can leave part of a secret unmasked.
 */
export function excerpt(
  text: string | readonly string[],
  secrets: Iterable<string | undefined>,
  max = 200,
): string {
  const plain = (typeof text === "string" ? [text] : text)
    .map((t) =>
      // URLs are shown as written first: decoding `%3D` and `%20` in a shown option's value
      // would turn `dbname=host%3Ddb%20password%3D…` into prose after the URL.
      decodeEchoes(redactUrls(t.slice(0, MAX_FIELD_CHARS)))
        // A control character (an escape sequence a terminal would run) is shown as a space.
        .replace(new RegExp(`${BLANK.source}+`, "g"), " ")
        .replaceAll(JOIN, "")
        .trim(),
    )
    .filter((t) => t !== "")
    .join(JOIN);
  // The separator is the code's own text, but a secret may be as short as a space: masked too.
  const clean = redact(redact(plain, secrets).replaceAll(JOIN, " - "), secrets);
  if (clean.length <= max) return clean;
  // Never cut inside a mask; the ellipsis is masked too, in case a secret is made of dots.
  let cut = max - 3;
  const inMask = clean.lastIndexOf(MASK, cut);
  if (inMask !== -1 && inMask + MASK.length > cut) cut = inMask;
  return redact(`${clean.slice(0, cut)}...`, secrets);
}

/** Query parameters whose values are shown: connection options, never credentials. */
const SHOWN_QUERY_VALUES = new Set([
  "sslmode",
  "sslnegotiation",
  "table",
  "connect_timeout",
  "target_session_attrs",
  "channel_binding",
  "dbname",
  "host",
  "port",
  "region",
  // The options of Pulumi's cloud state backends (gocloud.dev's s3://, azblob:// and gs:// URLs),
  // so that `PULUMI_BACKEND_URL=s3://state?region=…&awssdk=v2&profile=dev` is not a secret.
  "awssdk",
  "profile",
  "endpoint",
  "disablessl",
  "s3forcepathstyle",
  "use_path_style",
  "dualstack",
  "fips",
  "accelerate",
  "anonymous",
  "domain",
  "protocol",
  "localemu",
]);

/**
 * A shown option's value that is one plain word, list or path: `require;password=…`,
 * `%26password%3D…`, `db1,password=…` and `http://u:p@minio` carry more than their name says.
 */
const PLAIN_OPTION_VALUE = /^[\w.,:/[\]~!$'()*+-]*$/;

/** A query value that is itself a URL. */
const URL_VALUE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Query parameters whose names are shown (libpq's, and credentials' usual names). */
const SHOWN_QUERY_NAMES = new Set([
  ...SHOWN_QUERY_VALUES,
  "user",
  "password",
  "passfile",
  "sslpassword",
  "sslcert",
  "sslkey",
  "sslrootcert",
  "sslcrl",
  "application_name",
  "options",
  "token",
  "access_token",
  "api_key",
  "apikey",
  "key",
  "secret",
  "signature",
  "auth",
]);

/** A host (name or bracketed address) and port at the start of a text, ending where the host does. */
const HOST_AT_START = /^(?:[\w.~%-]+|\[[0-9a-f:.]*\])(?::\d*)?(?=[/?#]|$)/i;

/** A whole authority that is a host and a port, nothing else. */
const HOST_PORT = /^(?:[\w.~%-]*|\[[0-9a-f:.]*\])(?::\d*)?$/i;

interface UrlParts {
  readonly scheme: string;
  readonly userInfo: string;
  readonly hostPort: string;
  readonly path: string;
  readonly query?: string;
  /**
   * The user info of the other reading of a URL whose authority is a host and a port, but with a
   * later `@` a host follows: `https://api.example.com/x?password=P@ss` is a host, a path and a
   * query, yet `u:1234/pw@db` may be a password holding `/`. The host reading is shown (its query
   * values are masked anyway); the other's password is masked wherever it appears.
   */
  readonly otherUserInfo?: string;
}

/**
 * A URL's parts. The user info runs to the last `@` that a host follows: a password written with
 * `/`, `?` or `#` unescaped (as users paste them) would otherwise end the authority early and be
 * read as the path, query or fragment, e.g. `postgres://u:Pg/w0rd@db:5432/state`, or its end
 * taken for the host (`postgresql://etl:p@ss/w0rd@db:5432/app`). Past an authority holding `@`,
 * the user info runs at most to the query: `?email=a@b.com` is a value, not user info. When the
 * authority is a host and a port, the user info is empty ({@link UrlParts.otherUserInfo}).
 */
function urlParts(url: string): UrlParts | undefined {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)(.*)$/is.exec(url);
  if (!m) return undefined;
  const [, scheme = "", rest = ""] = m;
  const authority = /^[^/?#]*/.exec(rest)![0];
  const parse = (at: number) => {
    const afterInfo = rest.slice(at + 1);
    const [, hostPort = "", path = "", query] = /^([^/?#]*)([^?#]*)(\?[^#]*)?/.exec(afterInfo)!;
    return { scheme, userInfo: at === -1 ? "" : rest.slice(0, at), hostPort, path, query };
  };
  const hostFollows = (at: number) => at !== -1 && HOST_AT_START.test(rest.slice(at + 1));
  const lastBefore = (end: number) => {
    for (let at = rest.lastIndexOf("@", end); at !== -1; at = rest.lastIndexOf("@", at - 1))
      if (hostFollows(at)) return at;
    return -1;
  };
  if (authority.includes("@")) {
    const query = rest.search(/[?#]/);
    const at = lastBefore(query === -1 ? rest.length : query);
    return parse(at >= authority.lastIndexOf("@") ? at : authority.lastIndexOf("@"));
  }
  const last = lastBefore(rest.length);
  if (last === -1) return parse(-1);
  // `etl:/pw@db` is a user and a password holding `/`, not the host `etl` with an empty port.
  if (!/^(?:[\w.~%-]+|\[[0-9a-f:.]*\])(?::\d+)?$/i.test(authority)) return parse(last);
  return { ...parse(-1), otherUserInfo: rest.slice(0, last) };
}

/**
 * Whether a path segment looks like a generated key, as a webhook's token does: 16 characters or
 * more that switch between upper case, lower case and digits at least 8 times
 * (`Xk9pQ2rT7vW3yZ8aB4cD6eF1`), where a name switches a few times (`CustomerPortal2024`: 3).
 */
function keyLike(segment: string): boolean {
  if (segment.length < 16) return false;
  const classOf = (c: string) =>
    /[A-Z]/.test(c) ? "A" : /[a-z]/.test(c) ? "a" : /\d/.test(c) ? "0" : "";
  let switches = 0;
  let last = "";
  for (const c of segment) {
    const k = classOf(c);
    if (k === "") continue;
    if (last !== "" && k !== last) switches++;
    last = k;
  }
  return switches >= 8;
}

/** A connection option (`name=value`) of a query or a path, shown by {@link SHOWN_QUERY_VALUES}. */
function shownParam(p: string): string {
  const eq = p.indexOf("=");
  const name = eq === -1 ? p : p.slice(0, eq);
  const lower = name.toLowerCase();
  const value = p.slice(eq + 1);
  // A URL as a value (a backend's `endpoint=`) is shown as any URL is.
  if (SHOWN_QUERY_VALUES.has(lower) && PLAIN_OPTION_VALUE.test(value))
    return URL_VALUE.test(value) ? `${name}=${redactUrl(value)}` : p;
  return SHOWN_QUERY_NAMES.has(lower) ? `${name}=${MASK}` : MASK;
}

/**
 * A path fit to print: its segments, but one like a generated key (a Slack or Telegram webhook's
 * token) masked; and from the first option on (`default;user=hive;password=…` for Hive and
 * Impala, `SAMPLE:password=…;` for DB2), options shown as a query's, each to the next `;`, since
 * a value may hold `/`.
 */
function shownPath(path: string): string {
  const segments = (p: string) =>
    p
      .split("/")
      .map((segment) => (keyLike(segment) ? MASK : segment))
      .join("/");
  const eq = path.indexOf("=");
  if (eq === -1) return segments(path);
  const cut = Math.max(
    path.lastIndexOf("/", eq),
    path.lastIndexOf(";", eq),
    path.lastIndexOf(":", eq),
  );
  const options = path
    .slice(cut + 1)
    .split(";")
    .map((p) => (p === "" ? p : shownParam(p)));
  return `${segments(path.slice(0, cut + 1))}${options.join(";")}`;
}

/**
 * A URL fit to print: scheme, host, port and path ({@link shownPath}); no user info; of the
 * query, only the values of connection options ({@link SHOWN_QUERY_VALUES}), the names of known
 * parameters, and nothing of the rest (a bare token can stand as a parameter's name), e.g.
 * `postgres://db:5432/state?sslmode=require&password=[secret]`. No fragment.
 */
export function redactUrl(url: string): string {
  const parts = urlParts(url);
  if (!parts) return MASK;
  const { scheme, path, query } = parts;
  // SQL Server's options follow the port: `db:1433;databaseName=app;password=…`.
  const [hostPort = "", ...options] = parts.hostPort.split(";");
  // A host that is not a name (or address) and a port is part of a credential cut off by the text.
  const host = `${HOST_PORT.test(hostPort) ? hostPort : MASK}${options.map((o) => `;${o === "" ? o : shownParam(o)}`).join("")}`;
  const params = (query ?? "")
    .slice(1)
    .split("&")
    .filter((p) => p !== "")
    .map(shownParam);
  return `${scheme}${host}${shownPath(path)}${params.length > 0 ? `?${params.join("&")}` : ""}`;
}

/**
 * The credentials a URL carries, to be masked wherever else they appear (a driver's error may
 * quote them without the URL): the user info's password, and the value of every query parameter
 * whose value {@link redactUrl} does not show; each as written and percent-decoded. Of an
 * ambiguous URL, those of both readings.
 */
export function urlCredentials(url: string): string[] {
  const parts = urlParts(url);
  if (!parts) return [];
  const { userInfo, query = "" } = parts;
  const out: string[] = [];
  for (const info of [userInfo, parts.otherUserInfo ?? ""]) {
    const colon = info.indexOf(":");
    if (colon !== -1) out.push(info.slice(colon + 1));
  }
  for (const p of query.slice(1).split("&")) {
    const eq = p.indexOf("=");
    const value = p.slice(eq + 1);
    if (eq === -1) out.push(p);
    // A URL as a value holds its own credentials; taken whole, every `http://` would be masked.
    else if (URL_VALUE.test(value)) out.push(...urlCredentials(value));
    else if (
      !SHOWN_QUERY_VALUES.has(p.slice(0, eq).toLowerCase()) ||
      !PLAIN_OPTION_VALUE.test(value)
    )
      out.push(value);
  }
  const decoded = out.map((v) => {
    try {
      return decodeURIComponent(v.replace(/\+/g, " "));
    } catch {
      return v;
    }
  });
  return [...new Set([...out, ...decoded])].filter((v) => v !== "");
}

/**
 * A URL whose user info holds a space, a quote or an angle bracket, pasted unescaped
 * (`postgres://admin:correct horse@db/`, `postgres://u:ab"cd@db`), where a URL in a text would
 * end: the scheme, a user and a password, up to an `@` a host follows on the line. A port
 * (`https://db:5432/x refused for etl@corp.example`) is not a password. Two passes, because a
 * password may hold `@` and a space (`admin:a@b c@db:5432/app`): first up to the last `@` on the
 * line whose host ends like a URL's (a port, a path, a query), never past another URL; then up to
 * the first `@` a host follows, for a URL that ends at its host (`admin:correct horse@db`).
 */
const SPACED_USER_INFO = [
  /(?<![a-z+.-])([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>`]*:(?!\d+(?:[/\s,;.)]|$))(?:(?!:\/\/)[^\n]){0,256}@(?=(?:[\p{L}\p{N}_.~%-]+|\[[0-9a-f:.]*\])(?::\d+)?[/?#])/giu,
  /(?<![a-z+.-])([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>`]*:(?!\d+(?:[/\s,;.)]|$))[^\n]{0,256}?@(?=(?:[\p{L}\p{N}_.~%-]+|\[[0-9a-f:.]*\])(?::\d*)?(?:[/?#\s"'<>`,;.)\]]|$))/giu,
];

/**
 * A JDBC URL with no `//` after its subprotocol (Oracle's `jdbc:oracle:thin:scott/tiger@db`,
 * Sybase's `jdbc:sybase:Tds:host:port/db?password=…`): its driver's own syntax, which holds the
 * credentials anywhere. Only the subprotocol is shown; the rest is masked to the next space or
 * double quote, a `'` included (a password may hold one).
 */
const OPAQUE_JDBC =
  /(?<![a-z+.-])jdbc:(?![a-z0-9+.:-]*:\/\/)((?:[a-z][a-z0-9]*:){0,2})(?:"[^"\n]*"?|[^\s"<>`])+/gi;

/**
 * Every URL in a text, shown by {@link redactUrl}; the end of a sentence stays outside a URL
 * without a query. A query runs to the next space or quote: where its last value ends is unknown
 * (a password may be `),::,.`), and punctuation after it is masked with it, never shown.
 */
export function redactUrls(text: string): string {
  return SPACED_USER_INFO.reduce(
    (t, spaced) => t.replace(spaced, (m, scheme: string) => (/[\s"<>`]/.test(m) ? scheme : m)),
    text,
  )
    .replace(OPAQUE_JDBC, (_m, sub: string) => `jdbc:${sub}${MASK}`)
    .replace(
      /(?<![a-z+.-])[a-z][a-z0-9+.-]*:\/\/(?:[^\s"<>`?]*\?[^\s"<>`]*|[^\s"<>`?]*[^\s"'<>`.,;:)\]?])/gi,
      redactUrl,
    );
}

/** Every string inside a JSON value, for collecting the secret values a call carries. */
export function collectStrings(
  value: unknown,
  into: string[] = [],
  { numbers = false }: { readonly numbers?: boolean } = {},
): string[] {
  if (typeof value === "string") into.push(value);
  else if (numbers && typeof value === "number" && Number.isFinite(value)) into.push(String(value));
  else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, into, { numbers }));
  else if (value && typeof value === "object")
    Object.values(value).forEach((v) => collectStrings(v, into, { numbers }));
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
