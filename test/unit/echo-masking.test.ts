/**
 * Nothing an API echoes is shown unless the code knows it is safe: a failed answer's message is
 * built from the vendor's documented error fields only, decoded, and every secret is masked in
 * every form and at any length. These tests drive the families' real message-building code
 * (their `expectOk`, through `create`) with answers served by a stub transport, and the URL
 * redaction the provider and the CLI share.
 */
import fc from "fast-check";
import { ConnectionError } from "../../provider/core/errors";
import { HttpClient, HttpResponse } from "../../provider/core/http";
import { ApiCall, ResourceKind } from "../../provider/core/kind";
import { ProviderRuntime } from "../../provider/core/runtime";
import {
  decodeEchoes,
  excerpt,
  MASK,
  redact,
  redactUrl,
  urlCredentials,
} from "../../provider/core/secrets";
import { answerFacts, describeBody } from "../../provider/core/wire";
import { KINDS } from "../../provider/registry";
import { emulatorConfigValues } from "../../scripts/workspace";

const runtime = new ProviderRuntime(KINDS);
const config = emulatorConfigValues("http://127.0.0.1:9");
runtime.settings.configure({ get: (k) => config[k] });
afterAll(() => runtime.close());

const VIMEO = KINDS.get("pictory:VimeoConnection")!;
const APINIZER = KINDS.get("apinizer:Connection")!;

/** An answer as the transport hands it over: the body serialized once, as the server sent it. */
function answer(status: number, body: unknown): HttpResponse {
  const text = JSON.stringify(body);
  return {
    status,
    body: JSON.parse(text),
    json: true,
    text,
    bytes: Buffer.byteLength(text),
    contentType: "application/json",
    attempts: 1,
  };
}

/** A call of `kind` whose every request is answered with `res`. */
function callWith(kind: ResourceKind, res: HttpResponse, secrets: readonly string[]): ApiCall {
  const { call } = runtime.client(kind.family);
  const http = { send: () => Promise.resolve(res) } as unknown as HttpClient;
  return {
    ...call,
    kind,
    http,
    label: `${kind.token} "conn"`,
    deadline: {
      signal: new AbortController().signal,
      ms: 1000,
      setting: "connections:operationTimeoutMs",
      cancelled: () => false,
    },
    secrets,
  };
}

/** The message a create fails with when the API answers `res`. */
async function createFails(
  kind: ResourceKind,
  res: HttpResponse,
  secrets: readonly string[],
): Promise<string> {
  const inputs = { name: "conn", projectName: "proj", type: "email" };
  try {
    await kind.api.create(callWith(kind, res, secrets), inputs, inputs);
  } catch (e) {
    if (ConnectionError.isInstance(e)) return e.message;
    throw e;
  }
  throw new Error("the create did not fail");
}

/** What the message quotes of the API: between "answered NNN (" and the last ")". */
function quoted(message: string, status: number): string {
  const start = message.indexOf(`answered ${status} (`);
  expect(start).toBeGreaterThanOrEqual(0);
  return message.slice(start + `answered ${status} (`.length, message.lastIndexOf(")"));
}

/** How many characters of a secret in a row count as showing it (shorter secrets: all of it). */
const RUN = 6;

/**
 * The test's own comparison, independent of the code under test: lower-case, and every run of
 * whitespace or control characters one space (an echo may turn a newline into a space).
 */
function norm(text: string): string {
  // As a reader sees it: invisible format characters unseen, compatibility forms (fullwidth,
  // decomposed accents) read as the letters they show.
  return [...text.replace(/\p{Cf}/gu, "").normalize("NFKC")]
    .map((c) => c.toLowerCase())
    .join("")
    .replace(/[\s\p{Cc}\u202a-\u202e\u2066-\u2069]+/gu, " ");
}

/**
 * Whether `text` shows any of `secret`: a run of {@link RUN} characters of it, or the whole secret
 * when it is shorter; compared case-insensitively with whitespace normalised, never across a mask.
 */
function shows(text: string, secret: string): boolean {
  const s = norm(secret);
  if (s === "") return false;
  const chars = [...GRAPHEMES.segment(s)].map((g) => g.segment);
  return text.split(MASK).some((piece) => {
    const t = norm(piece);
    if (chars.length < RUN) return t.includes(s);
    for (let i = 0; i + RUN <= chars.length; i++)
      if (t.includes(chars.slice(i, i + RUN).join(""))) return true;
    return false;
  });
}

/**
 * Characters as a reader counts them: a letter with its combining marks is one, and so is a
 * character outside the BMP (two UTF-16 units).
 */
const GRAPHEMES = new Intl.Segmenter("en", { granularity: "grapheme" });

// ---------------------------------------------------------------------------------------------
// Encodings an API may apply to what it echoes.

const gson = (s: string) =>
  JSON.stringify(s)
    .slice(1, -1)
    .replace(/[=&<>'\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
const json = (depth: number) => (s: string) => {
  let out = s;
  for (let i = 0; i < depth; i++) out = JSON.stringify(out);
  return out;
};
const percent = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    // A lone surrogate: UTF-8 writes it as U+FFFD, as a server would.
    return [...Buffer.from(s, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
  }
};
const form = (s: string) => new URLSearchParams({ v: s }).toString().slice(2);
const html = (s: string) =>
  s.replace(
    /[&<>"'\u0080-\u{10ffff}]/gu,
    (c) =>
      ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ??
      (c.length > 1 ? `&#x${c.codePointAt(0)!.toString(16)};` : `&#${c.charCodeAt(0)};`),
  );
const base64 = (prefix: string, suffix: string) => (s: string) =>
  Buffer.from(prefix + s + suffix, "utf8").toString("base64");
const hex = (s: string) => Buffer.from(s, "utf8").toString("hex");
const upper = (s: string) => s.toUpperCase();
const lower = (s: string) => s.toLowerCase();
const spaced = (s: string) => s.replace(/\s+/g, " ");

const utf8 = (s: string) => [...Buffer.from(s, "utf8")];
const cps = (s: string) => [...s].map((c) => c.codePointAt(0)!);
/** Other languages' escapes, invisible characters and Unicode forms an echo may carry. */
const interleave = (sep: string) => (s: string) => [...s].join(sep);
const pyBytes = (s: string) =>
  utf8(s)
    .map((b) => `\\x${b.toString(16).padStart(2, "0")}`)
    .join("");
const octal = (s: string) =>
  utf8(s)
    .map((b) => `\\${b.toString(8).padStart(3, "0")}`)
    .join("");
const es6 = (s: string) =>
  cps(s)
    .map((c) => `\\u{${c.toString(16)}}`)
    .join("");
const py8 = (s: string) =>
  cps(s)
    .map((c) => `\\U${c.toString(16).padStart(8, "0")}`)
    .join("");
const jsEscape = (s: string) =>
  [...s].map((c) => `%u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
const longEntity = (s: string) =>
  cps(s)
    .map((c) => `&#${String(c).padStart(9, "0")};`)
    .join("");
const noSemiEntity = (s: string) =>
  cps(s)
    .map((c) => `&#${c}`)
    .join("");
const qp = (s: string) =>
  utf8(s)
    .map((b) => `=${b.toString(16).toUpperCase().padStart(2, "0")}`)
    .join("");
const fullwidth = (s: string) =>
  [...s]
    .map((c) => (c >= "!" && c <= "~" ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c))
    .join("");

type Step = { name: string; apply: (s: string) => string };
const step = (name: string, apply: (s: string) => string): Step => ({ name, apply });

/** Steps a text goes through before it is base64- or hex-encoded (if it is). */
const before = fc.constantFrom(
  step("raw", (s) => s),
  step("upper", upper),
  step("lower", lower),
  step("spaced", spaced),
  step("gson", gson),
  step("json", json(1)),
  step("percent", percent),
  step("form", form),
  step("html", html),
  step("zero-width", interleave("\u200b")),
  step("soft hyphens", interleave("\u00ad")),
  step("NFD", (s) => s.normalize("NFD")),
  step("fullwidth", fullwidth),
  step("\\xNN", pyBytes),
  step("octal", octal),
  step("\\u{}", es6),
  step("\\U", py8),
  step("%u", jsEscape),
  step("long entities", longEntity),
  step("entities without ;", noSemiEntity),
  step("quoted-printable", qp),
);
const binary = fc.oneof(
  fc.constant(step("none", (s) => s)),
  fc.constant(step("hex", hex)),
  fc
    .tuple(fc.oneof(fc.constant("user:"), fc.string({ maxLength: 5 })), fc.string({ maxLength: 5 }))
    .map(([p, s]) => step(`base64(${JSON.stringify(p)}+…+${JSON.stringify(s)})`, base64(p, s))),
);
const after = fc.oneof(
  fc.constantFrom(
    step("gson", gson),
    step("percent", percent),
    step("form", form),
    step("html", html),
    step("upper", upper),
    step("lower", lower),
    step("spaced", spaced),
  ),
  fc.integer({ min: 1, max: 3 }).map((d) => step(`json×${d}`, json(d))),
  fc.integer({ min: 1, max: 30 }).map((k) => step(`drop first ${k}`, (s) => s.slice(k))),
  fc.integer({ min: 1, max: 30 }).map((k) => step(`drop last ${k}`, (s) => s.slice(0, -k))),
);
const encoding = fc
  .tuple(before, binary, fc.array(after, { maxLength: 3 }))
  .map(([b, m, a]) => [b, m, ...a]);

const SPECIAL = [..."aZ9\"\\\n\t =&<>'%+/é😀-_.,}[]"];
const secretArb = fc.oneof(
  fc.string({ unit: "binary", minLength: 1, maxLength: 24 }),
  fc.string({ unit: fc.constantFrom(...SPECIAL), minLength: 1, maxLength: 24 }),
  fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 8 }),
);

/** A vendor-shaped error answer quoting the request body that held the echoed value. */
const answerArb = (kind: "pictory" | "apinizer") =>
  fc
    .tuple(fc.constantFrom(400, 500), fc.integer({ min: 0, max: 2 }))
    .map(([status, shape]) => (echo: string): HttpResponse => {
      const body = `{"name":"conn","clientSecret":"${echo}"}`;
      if (kind === "pictory") {
        if (shape === 0) return answer(status, { message: `Invalid request body: ${body}` });
        return answer(status, {
          code: "INVALID_REQUEST_BODY",
          message: "Validation failed",
          fields: [
            { name: "clientSecret", errors: shape === 1 ? `bad value ${echo}` : [echo, "x"] },
          ],
        });
      }
      if (shape === 0)
        return answer(status, { error: "bad_request", error_description: `Bad body ${body}` });
      return answer(status, { status: "FAILURE", resultMessage: `Invalid value: ${echo}` });
    });

describe("a failed answer's message shows no secret in any form (property)", () => {
  for (const [family, kind] of [
    ["pictory", VIMEO],
    ["apinizer", APINIZER],
  ] as const) {
    it(`${family}: any secret, any composition of encodings, any vendor-shaped answer`, async () => {
      await fc.assert(
        fc.asyncProperty(
          secretArb,
          encoding,
          answerArb(family),
          fc.string({ maxLength: 16 }),
          async (secret, steps, respond, other) => {
            const echo = steps.reduce((s, st) => st.apply(s), secret);
            const res = respond(echo);
            const message = await createFails(kind, res, [secret, other]);
            const said = quoted(message, res.status);
            expect({ steps: steps.map((s) => s.name), shown: shows(said, secret) }).toEqual({
              steps: steps.map((s) => s.name),
              shown: false,
            });
          },
        ),
        { numRuns: 300 },
      );
    });
  }
});

describe("a secret quoted with something between its characters (property)", () => {
  /**
   * What a reader makes of such an echo: its letters and digits alone (a dotless ı read as i),
   * lower-case. Compared piece by piece between masks, six in a row show the secret.
   */
  const letters = (t: string) =>
    t
      .normalize("NFKC")
      .replace(/ı/g, "i")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]/gu, "");
  const showsLetters = (text: string, secret: string) => {
    const s = letters(secret);
    return text.split(MASK).some((piece) => {
      const t = letters(piece);
      for (let i = 0; i + RUN <= s.length; i++) if (t.includes(s.slice(i, i + RUN))) return true;
      return false;
    });
  };
  const between = fc.constantFrom(
    step("grouped", (s) => (s.match(/.{1,4}/gsu) ?? []).join("-")),
    step("grouped with spaces", (s) => [...s].join(" ")),
    step("grouped with dots and colons", (s) => (s.match(/.{1,3}/gsu) ?? []).join(".:")),
    step("punctuation backslash-escaped", (s) => s.replace(/[!-/:-@[-`{-~]/g, "\\$&")),
    step("UTF-16 read as UTF-8 (NULs)", interleave("\u0000")),
    step("quotes doubled", (s) => s.replace(/(['"])/g, "$1$1")),
    step("Turkish lower case", (s) => s.toLocaleLowerCase("tr")),
  );
  const secret = fc
    .string({
      unit: fc.constantFrom(..."aZ9xQkI'\"=:.-_$#é".split("")),
      minLength: 8,
      maxLength: 24,
    })
    .filter((s) => letters(s).length >= RUN);

  for (const [family, kind] of [
    ["pictory", VIMEO],
    ["apinizer", APINIZER],
  ] as const) {
    it(`${family}: no six of its letters and digits in a row show`, async () => {
      await fc.assert(
        fc.asyncProperty(secret, between, answerArb(family), async (value, st, respond) => {
          const res = respond(st.apply(value));
          const message = await createFails(kind, res, [value]);
          expect({
            step: st.name,
            shown: showsLetters(quoted(message, res.status), value),
          }).toEqual({
            step: st.name,
            shown: false,
          });
        }),
        { numRuns: 200 },
      );
    });
  }
});

describe("a secret's bytes echoed in a binary text encoding (property)", () => {
  const byteList = (b: Buffer) => [...b];
  const hexBytes = (b: Buffer, sep: string) =>
    byteList(b)
      .map((x) => x.toString(16).padStart(2, "0"))
      .join(sep);
  /** RFC 4648 base32 of whole 5-bit groups: the test's own encoder, independent of the code's. */
  const base32 = (b: Buffer) => {
    let bits = "";
    for (const x of b) bits += x.toString(2).padStart(8, "0");
    let out = "";
    for (let i = 0; i + 5 <= bits.length; i += 5)
      out += "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[parseInt(bits.slice(i, i + 5), 2)];
    return out;
  };
  const b64 = (b: Buffer) => b.toString("base64");
  const encodings = fc.constantFrom(
    step("decimal bytes (a Node Buffer's JSON)", (s) => byteList(Buffer.from(s)).join(",")),
    step("decimal bytes, spaced", (s) => `[${byteList(Buffer.from(s)).join(", ")}]`),
    step("hex, spaced", (s) => hexBytes(Buffer.from(s), " ")),
    step("hex, colons", (s) => hexBytes(Buffer.from(s), ":").toUpperCase()),
    step("hex of UTF-16LE", (s) => Buffer.from(s, "utf16le").toString("hex")),
    step("base64 three times", (s) => b64(Buffer.from(b64(Buffer.from(b64(Buffer.from(s))))))),
    step("base32", (s) => base32(Buffer.from(s))),
  );
  const secret = fc.string({ unit: "grapheme", minLength: 8, maxLength: 32 });

  it("never leaves the encoding of the whole secret in a message", () => {
    fc.assert(
      fc.property(secret, encodings, fc.string({ maxLength: 12 }), (value, enc, around) => {
        const echoed = enc.apply(value);
        const shown = excerpt(`${around} bad body ${echoed} ${around}`, [value], 8_000);
        expect({ enc: enc.name, shown: shown.includes(echoed) }).toEqual({
          enc: enc.name,
          shown: false,
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe("a binary encoding is masked where it carries six bytes of the secret, no less", () => {
  // A run of six characters of hex is three bytes of the secret, of UTF-16 hex one and a half
  // characters: masking those masked digits of dates and IDs ("072005" is in the UTF-16 hex of
  // `or_`, and in an ID the emulator made on 7 December at 20:05).
  const letters = fc.string({
    unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-".split("")),
    minLength: 6,
    maxLength: 40,
  });
  const digits = fc.string({ unit: fc.constantFrom(..."0123456789".split("")), maxLength: 11 });

  it("leaves an ID or a date of digits as it is, whatever secret of letters is held", () => {
    expect(redact("20261207200509501zf55rlski6umj6la", ["pictai_emulator_key"])).toBe(
      "20261207200509501zf55rlski6umj6la",
    );
    fc.assert(
      fc.property(letters, fc.array(digits, { minLength: 1, maxLength: 4 }), (secret, ids) => {
        const text = ids.join("/");
        expect(redact(text, [secret])).toBe(text);
      }),
      { numRuns: 2_000 },
    );
  });

  it("masks any cut of a hex echo that holds six characters of the secret", () => {
    const codes = fc.constantFrom(
      { name: "hex", encoding: "utf8", perCharacter: 1 } as const,
      { name: "hex of UTF-16LE", encoding: "utf16le", perCharacter: 2 } as const,
    );
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", minLength: 6, maxLength: 24 }),
        codes,
        fc.nat(),
        (value, code, cut) => {
          const bytes = Buffer.from(value, code.encoding);
          // Six characters' bytes (or six bytes of a longer UTF-8 text), from anywhere in it.
          const size = 6 * code.perCharacter;
          const from = cut % (bytes.length - size + 1);
          const piece = bytes.subarray(from, from + size).toString("hex");
          const shown = redact(`echo ${bytes.subarray(from).toString("hex")} end`, [value]);
          expect({ code: code.name, shown: shown.includes(piece) }).toEqual({
            code: code.name,
            shown: false,
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("a failed answer's message (examples that leaked before)", () => {
  const clientSecret = "Zx9=Kq&w<3>'vimeo-clíent-secret-4711";
  const accessToken = "eyJhbGciOi=JIUzI1NiJ9&token<end>";

  it("masks a Vimeo clientSecret and accessToken quoted the way Gson writes JSON", async () => {
    const body = gson(JSON.stringify({ name: "conn", clientSecret, accessToken }));
    const message = await createFails(
      VIMEO,
      answer(400, { message: `Invalid request body: ${body}` }),
      [clientSecret, accessToken],
    );
    expect(message).toContain(MASK);
    expect(shows(message, clientSecret)).toBe(false);
    expect(shows(message, accessToken)).toBe(false);
  });

  it.each([
    ["pictory", VIMEO, { message: "" }],
    ["apinizer", APINIZER, { error: "server_error", error_description: "" }],
  ] as const)(
    "masks a stored secret that a GET's 500 quotes the way Gson writes it (%s)",
    async (_family, kind, shape) => {
      const stored = "Hunter2-stored=password-9 & more";
      const quote = `NullPointerException while mapping ${gson(JSON.stringify({ clientSecret: stored, password: stored }))}`;
      const body = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v || quote]));
      const call = callWith(kind, answer(500, body), [stored]);
      const state = { name: "conn", projectName: "proj" };
      const message = await kind.api
        .get(call, { id: "20250101000000000abcdefgh12345678", state })
        .then(
          () => "the read did not fail",
          (e: Error) => e.message,
        );
      expect(message).toContain("answered 500 (NullPointerException while mapping");
      expect(shows(message, stored)).toBe(false);
    },
  );

  it.each(["x", "ab", "Pw7"])("masks a secret of %j characters", async (secret) => {
    const message = await createFails(
      VIMEO,
      answer(400, { message: `clientSecret '${secret}' is too short` }),
      [secret],
    );
    expect(quoted(message, 400)).toBe(`clientSecret '${MASK}' is too short`);
  });

  const SECRET = "correct horse\nbattery staple";
  it.each([
    ["base64 of user:secret", Buffer.from(`user:${SECRET}`).toString("base64")],
    ["hex", hex(SECRET)],
    ["named HTML entities", SECRET.replace(/ /g, "&nbsp;").replace("\n", "&NewLine;")],
    ["numeric HTML entities", [...SECRET].map((c) => `&#${c.charCodeAt(0)};`).join("")],
    ["upper case", SECRET.toUpperCase()],
    ["its end without its start", SECRET.slice(7)],
    ["a cut-off start followed by a comma", `${SECRET.slice(0, 9)},`],
    ["a cut-off start followed by a brace", `${SECRET.slice(0, 9)}}`],
    ["a cut-off start followed by [...]", `${SECRET.slice(0, 9)}[...]`],
    ["its newline echoed as a space", SECRET.replace("\n", " ")],
    ["percent-encoded", encodeURIComponent(SECRET)],
    ["form-encoded", form(SECRET)],
    ["JSON-escaped three times", json(3)(SECRET)],
  ])("masks a secret echoed as %s", async (_form, echoed) => {
    const message = await createFails(
      VIMEO,
      answer(400, { message: "Invalid", fields: [{ name: "accessToken", errors: echoed }] }),
      [SECRET],
    );
    expect(shows(message, SECRET)).toBe(false);
    expect(quoted(message, 400)).toContain(MASK);
  });

  it("masks a secret inside base64 of a JSON body that escaped it", async () => {
    const quoted = 'q"w"e"r"t"y"u"i"o"p';
    const body = Buffer.from(JSON.stringify({ clientSecret: quoted })).toString("base64");
    const message = await createFails(VIMEO, answer(400, { message: `request ${body} refused` }), [
      quoted,
    ]);
    expect(message).toMatch(/request \S*\[secret\]\S* refused/);
    expect(message).not.toContain(body.slice(16, 40));
  });

  it("never quotes a raw body: it says what came back instead", async () => {
    const res: HttpResponse = {
      status: 502,
      body: undefined,
      json: false,
      text: `<html><body>upstream said: ${SECRET}</body></html>`,
      bytes: Buffer.byteLength(`<html><body>upstream said: ${SECRET}</body></html>`),
      contentType: "text/html; charset=utf-8",
      attempts: 1,
    };
    const message = await createFails(VIMEO, res, []);
    expect(message).not.toContain("upstream");
    expect(quoted(message, 502)).toBe(
      `no error message the API documents: ${Buffer.byteLength(res.text)} bytes of text/html`,
    );
    const other = await createFails(APINIZER, { ...res, status: 500 }, []);
    expect(other).toContain(
      "no error message the API documents from POST /projects/proj/connections/conn/",
    );
  });

  it("leaves an ordinary message as the API wrote it", async () => {
    const text = "name must be 3-100 characters (letters, digits, '-' and '_'); got 120";
    const message = await createFails(VIMEO, answer(400, { message: text }), [SECRET, "tok"]);
    expect(quoted(message, 400)).toBe(text);
  });
});

describe("decoding what an API echoes", () => {
  it("undoes JSON (Gson's too), HTML and percent escapes, layer after layer", () => {
    expect(decodeEchoes("a\\u003db \\u0026 \\u003c\\u003e\\u0027 caf\\u00e9")).toBe(
      "a=b & <>' café",
    );
    expect(decodeEchoes(json(3)('a"b\\c'))).toBe('"""a"b\\c"""');
    expect(decodeEchoes("&lt;x&gt; &#39;&#x1F600;&AMP;")).toBe("<x> '😀&");
    expect(decodeEchoes(percent(percent("é x")))).toBe("é x");
  });

  it("shows control characters as spaces", () => {
    expect(excerpt("red\\u001b[31m alert\u0000", [])).toBe("red [31m alert");
  });
});

describe("URLs are shown without credentials", () => {
  it("drops user info, and shows only connection options' values of the query", () => {
    expect(
      redactUrl("postgres://pulumi:pw@db:5432/state?sslmode=require&password=hunter2&Xyz=1"),
    ).toBe(`postgres://db:5432/state?sslmode=require&password=${MASK}&${MASK}`);
    // Where a query's last value ends is unknown: the full stop after it is masked with it.
    expect(redact("see https://u:p@api.example.com/apiops/x?token=abc.", [])).toBe(
      `see https://api.example.com/apiops/x?token=${MASK}`,
    );
    expect(redact("see https://u:p@api.example.com/apiops/x.", [])).toBe(
      `see https://api.example.com/apiops/x.`,
    );
    expect(
      urlCredentials("postgres://u:p%40ss@db/s?sslpassword=k%2By&sslmode=disable").sort(),
    ).toEqual(["k%2By", "k+y", "p%40ss", "p@ss"].sort());
  });

  it("never shows a credential in a query, a path's options or an opaque JDBC URL, @ and / in it included (property)", () => {
    const secret = fc.string({
      unit: fc.constantFrom(..."abcXYZ0189-_.~!$'()*,:@/+%".split("")),
      minLength: 6,
      maxLength: 20,
    });
    const placements = fc.constantFrom(
      (host: string, s: string) => `https://${host}/apiops/x?password=${s}`,
      (host: string, s: string) => `https://${host}/apiops/x?token=abc&api_key=${s}`,
      (host: string, s: string) => `jdbc:postgresql://${host}:5432/app?user=etl&password=${s}`,
      (host: string, s: string) => `jdbc:hive2://${host}:10000/default;user=hive;password=${s}`,
      (host: string, s: string) => `jdbc:db2://${host}:50000/SAMPLE:password=${s};`,
      (host: string, s: string) => `jdbc:impala://${host}:21050/default;AuthMech=3;PWD=${s}`,
      (host: string, s: string) => `jdbc:oracle:thin:scott/${s}@${host}:1521:orcl`,
      (host: string, s: string) => `jdbc:sybase:Tds:${host}:5000/app?password=${s}`,
      (host: string, s: string) => `postgres://admin:${s} horse@${host}:5432/app`,
    );
    fc.assert(
      fc.property(fc.domain(), secret, placements, (host, value, place) => {
        // A spaced password that starts like a port and a path (`admin:1/x horse@db`), or with
        // `@`, reads as a host: docs/installation-configuration.md names this limit.
        fc.pre(!(place(host, "§").includes("§ horse") && /^(?:\d+[/,;.)]|@)/.test(value)));
        const text = `could not connect with ${place(host, value)}: refused.`;
        const without = `could not connect with ${place(host, "-")}: refused.`;
        const shown = redact(text, []);
        const own = redact(without, []);
        for (let i = 0; i + 6 <= value.length; i++) {
          const run = value.slice(i, i + 6);
          if (!own.includes(run) && !without.includes(run))
            expect({ run, shown: shown.includes(run) }).toEqual({ run, shown: false });
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it("never shows a query value made of what ends a sentence (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(..."x.,;:)]'!"), minLength: 1, maxLength: 12 }),
        fc.constantFrom("", ".", ").", " and more"),
        (value, after) => {
          const shown = redact(`see https://db:5432/s?password=${value}${after}`, []);
          expect(shown.startsWith(`see https://db:5432/s?password=${MASK}`)).toBe(true);
          expect(shown.slice(`see https://db:5432/s?password=${MASK}`.length)).toBe(
            after.startsWith(" ") ? after : "",
          );
        },
      ),
    );
  });

  it("never shows a URL's user info or query values other than connection options (property)", () => {
    const part = fc.string({
      unit: fc.constantFrom(..."abcXYZ019-_.~!$'()*,;:@%+"),
      minLength: 6,
      maxLength: 16,
    });
    const around = fc.string({ unit: fc.constantFrom(..."ghij klm\n"), maxLength: 10 });
    fc.assert(
      fc.property(
        fc.constantFrom("postgres", "postgresql", "https", "s3", "file"),
        part,
        part,
        fc.constantFrom(
          "password",
          "sslpassword",
          "token",
          "access_key",
          "X-Amz-Signature",
          "sslmode",
        ),
        part,
        around,
        (scheme, user, pass, name, value, text) => {
          const url = `${scheme}://${user}:${pass}@db.internal:5432/state?${name}=${value}`;
          // An option's value is shown only when it cannot carry another option.
          const query =
            name === "sslmode"
              ? /[;%=&@]/.test(value)
                ? `sslmode=${MASK}`
                : `sslmode=${value}`
              : ["password", "sslpassword", "token"].includes(name)
                ? `${name}=${MASK}`
                : MASK;
          expect(redactUrl(url)).toBe(`${scheme}://db.internal:5432/state?${query}`);
          const inText = redact(`${text} ${url} ${text}`, []);
          expect(inText).toContain(`${scheme}://db.internal:5432/state?`);
          expect(inText).not.toContain(`${user}:${pass}@`);
          if (name !== "sslmode") expect(inText).not.toContain(value);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("an answer's content type is the API's text too", () => {
  const facts = (contentType: string, size: number) => {
    const res = { status: 404, text: "x".repeat(size), bytes: size, contentType };
    return [describeBody(res), answerFacts({ ...res, body: undefined, json: false, attempts: 1 })];
  };

  it("never shows what a Content-Type header holds beyond a media type it knows", () => {
    const secret = fc.stringMatching(/^[a-z0-9][a-z0-9.+-]{7,24}$/);
    const place = fc.constantFrom(
      (s: string) => s,
      (s: string) => `application/${s}`,
      (s: string) => `${s}/json`,
      (s: string) => `text/${s}+json`,
      (s: string) => ` Application/${s.toUpperCase()} ; charset=utf-8`,
      (s: string) => `application/json${s}`,
    );
    fc.assert(
      fc.property(secret, place, fc.nat({ max: 5000 }), (value, at, size) => {
        for (const shown of facts(at(value), size))
          expect(shown.toLowerCase()).not.toContain(value);
      }),
      { numRuns: 400 },
    );
  });

  it("names the media types these APIs and their gateways answer with", () => {
    expect(facts("application/json;charset=UTF-8", 12)).toEqual([
      "12 bytes of application/json",
      "404 with 12 bytes of application/json",
    ]);
    expect(facts("text/html", 0)[1]).toBe("404 with an empty body, text/html");
    expect(facts("no content type", 0)[1]).toBe("404 with an empty body, no content type");
    expect(facts("application/x-" + "a".repeat(9), 3)[0]).toBe(
      "3 bytes of a content type these APIs do not use",
    );
  });
});

describe("an answer's Content-Type header", () => {
  const token = fc.constantFrom(..."abcxyzABCXYZ0123456789-_.+!#$&^".split(""));
  const secret = fc.string({ unit: token, minLength: RUN, maxLength: 30 });
  /** Headers a proxy or a hostile server may send, each built around the call's secret. */
  const hostile = fc.oneof(
    secret.map((s) => ({ s, type: `application/${s}` })),
    secret.map((s) => ({ s, type: `${s}/json` })),
    secret.map((s) => ({ s, type: `text/html; charset=${s}` })),
    secret.map((s) => ({ s, type: s })),
    fc
      .tuple(secret, fc.string({ unit: "binary", maxLength: 40 }))
      .map(([s, junk]) => ({ s, type: `text/html\r\n\u001b[31m${junk}${s}` })),
    fc
      .tuple(secret, fc.string({ minLength: 61, maxLength: 400 }))
      .map(([s, long]) => ({ s, type: `application/${long}` })),
  );

  it("is never shown raw: a secret, control characters or a long string in it stay out", async () => {
    await fc.assert(
      fc.asyncProperty(
        hostile,
        fc.constantFrom(VIMEO, APINIZER),
        fc.constantFrom(200, 502),
        async ({ s, type }, kind, status) => {
          const res: HttpResponse = {
            status,
            body: undefined,
            json: false,
            text: "<html>an answer</html>",
            bytes: 22,
            contentType: type,
            attempts: 1,
          };
          const message = await createFails(kind, res, [s]);
          expect(shows(message, s)).toBe(false);
          // eslint-disable-next-line no-control-regex -- control characters are what it checks
          expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
          expect(message).not.toContain(type);
          // What is said of it: a media type these APIs use, or that it is none of those.
          const said =
            / (\S+) bytes of (\S+?|no content type|a content type these APIs do not use)[),]/.exec(
              message,
            );
          expect(said?.[1]).toBe(String(Buffer.byteLength(res.text)));
          expect(said![2]).toMatch(
            /^((application|text)\/[a-z.+-]+|no content type|a content type these APIs do not use)$/,
          );
        },
      ),
      { numRuns: 150 },
    );
  });
});
