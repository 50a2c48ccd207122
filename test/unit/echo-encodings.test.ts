/**
 * Encodings and channels an API can echo a secret through, beyond JSON, HTML and percent escapes:
 * Unicode normal forms, invisible format characters, other languages' escapes, mis-decoded
 * bytes, nested base64, a secret split over two documented fields, a secret that holds the mask's
 * own text. What a reader recovers from the message (by undoing the encoding) holds no run of
 * {@link SECRET_RUN} characters of the secret. The last line of defence masks whole secrets only,
 * so the code's own words sharing a run with a secret stay readable.
 */
import {
  excerpt,
  MASK,
  redact,
  redactUrl,
  SECRET_RUN,
  urlCredentials,
} from "../../provider/core/secrets";

/** Every run of SECRET_RUN characters of `secret` that `text` shows as is. */
function leaked(text: string, secret: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + SECRET_RUN <= secret.length; i++) {
    const run = secret.slice(i, i + SECRET_RUN);
    if (text.includes(run)) out.push(run);
  }
  return out;
}

const bytes = (s: string) => [...Buffer.from(s, "utf8")];
const hex2 = (b: number) => b.toString(16).toUpperCase().padStart(2, "0");

const decodeAll = (m: string) =>
  m
    .replace(/\\x([0-9a-f]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\u\{([0-9a-f]+)\}/gi, (_x, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/\\U([0-9a-f]{8})/g, (_x, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/\\([0-7]{3})/g, (_x, o: string) => String.fromCharCode(parseInt(o, 8)))
    .replace(/&#0*([0-9]+);?/g, (_x, d: string) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/%u([0-9a-f]{4})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/=([0-9A-F]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));

const b64s = (m: string) => m.match(/[A-Za-z0-9+/=]{12,}/g) ?? [];

/** [name, secret, how the API echoes it, what a reader recovers from the message] */
export const ENCODINGS: readonly [string, string, (s: string) => string, (m: string) => string][] =
  [
    ["NFD", "clé-sécrète-été", (s) => s.normalize("NFD"), (m) => m.normalize("NFC")],
    [
      "zero-width spaces between characters",
      "zwsecretvalue42",
      (s) => [...s].join("\u200b"),
      (m) => m.replace(/\p{Cf}/gu, ""),
    ],
    [
      "soft hyphens between characters",
      "shysecretvalue42",
      (s) => [...s].join("\u00ad"),
      (m) => m.replace(/\u00ad/g, ""),
    ],
    [
      "fullwidth forms",
      "fullwidthsecret9",
      (s) => [...s].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join(""),
      (m) => m.normalize("NFKC"),
    ],
    [
      "Latin-1 percent encoding",
      "çàéèùçàéèù",
      (s) => [...Buffer.from(s, "latin1")].map((b) => `%${hex2(b)}`).join(""),
      (m) =>
        m.replace(/(%[0-9A-F]{2})+/g, (r) =>
          Buffer.from(r.replace(/%/g, ""), "hex").toString("latin1"),
        ),
    ],
    [
      "JavaScript escape() %uXXXX",
      "jsescapesecret7",
      (s) => [...s].map((c) => `%u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""),
      decodeAll,
    ],
    [
      "\\xNN",
      "pybytessecret7",
      (s) =>
        bytes(s)
          .map((b) => `\\x${b.toString(16)}`)
          .join(""),
      decodeAll,
    ],
    [
      "\\u{...}",
      "es6escapesecret",
      (s) => [...s].map((c) => `\\u{${c.codePointAt(0)!.toString(16)}}`).join(""),
      decodeAll,
    ],
    [
      "\\UXXXXXXXX",
      "py8escapesecret",
      (s) => [...s].map((c) => `\\U${c.codePointAt(0)!.toString(16).padStart(8, "0")}`).join(""),
      decodeAll,
    ],
    [
      "octal \\NNN",
      "octalsecret777",
      (s) =>
        bytes(s)
          .map((b) => `\\${b.toString(8).padStart(3, "0")}`)
          .join(""),
      decodeAll,
    ],
    [
      "numeric entities with 9 digits",
      "entitysecret77",
      (s) => [...s].map((c) => `&#${c.codePointAt(0)!.toString().padStart(9, "0")};`).join(""),
      decodeAll,
    ],
    [
      "numeric entities without semicolons",
      "nosemisecret77",
      (s) => [...s].map((c) => `&#${c.codePointAt(0)}`).join(""),
      decodeAll,
    ],
    [
      "UTF-8 read as Latin-1",
      "ééééééééé",
      (s) => Buffer.from(s, "utf8").toString("latin1"),
      (m) => Buffer.from(m, "latin1").toString("utf8"),
    ],
    [
      "base64 of UTF-16LE",
      "utf16secretval",
      (s) => Buffer.from(s, "utf16le").toString("base64"),
      (m) =>
        b64s(m)
          .map((b) => Buffer.from(b, "base64").toString("utf16le"))
          .join(" "),
    ],
    [
      "base64 of base64",
      "b64b64secretval",
      (s) => Buffer.from(Buffer.from(s).toString("base64")).toString("base64"),
      (m) =>
        b64s(m)
          .map((b) => Buffer.from(Buffer.from(b, "base64").toString(), "base64").toString())
          .join(" "),
    ],
    [
      "Turkish upper case",
      "iiiiiiiiiiii",
      (s) => s.toLocaleUpperCase("tr"),
      (m) => m.toLocaleLowerCase("tr"),
    ],
    [
      "quoted-printable",
      "qpsecretvalue9",
      (s) =>
        bytes(s)
          .map((b) => `=${hex2(b)}`)
          .join(""),
      decodeAll,
    ],
    [
      "reversed",
      "reversedsecret1",
      (s) => [...s].reverse().join(""),
      (m) => [...m].reverse().join(""),
    ],
  ];

describe("an API message echoing a secret in another encoding", () => {
  test.each(ENCODINGS)("%s is masked", (_name, secret, echo, read) => {
    const shown = excerpt(`Invalid value ${echo(secret)} for a field`, [secret]);
    // The mask's own text is no leak, even where a secret holds the word "secret".
    const bare = shown.split(MASK).join(" ");
    expect({ shown, leaked: leaked(`${read(bare)} ${bare}`, secret) }).toEqual({
      shown,
      leaked: [],
    });
  });
});

describe("a secret of blanks and letters echoed with invisible characters between them", () => {
  // Found by the masking property: a zero-width character between two tabs split one blank run.
  test("is masked as a whole", () => {
    const secret = "a\t\ta";
    const shown = excerpt(`bad value ${[...secret].join("\u200b")} here`, [secret]);
    expect(shown).toBe(`bad value ${MASK} here`);
  });
});

describe("a 401 message echoing the API key", () => {
  const key = "pictai_attackkey000000";
  test.each([
    ["with zero-width joiners", [...key].join("\u200d"), (m: string) => m.replace(/\u200d/g, "")],
    [
      "as \\x escapes",
      [...key].map((c) => `\\x${c.charCodeAt(0).toString(16)}`).join(""),
      decodeAll,
    ],
  ])("%s does not show it", (_name, echoed, read) => {
    const shown = excerpt(`Invalid API key ${echoed}`, [key]);
    expect({ shown, leaked: leaked(read(shown), key) }).toEqual({ shown, leaked: [] });
  });
});

describe("a secret split or disguised across an answer's fields", () => {
  test("a secret split over two documented fields is masked where they are joined", () => {
    const secret = "Kq7#zW9!pL";
    const shown = excerpt([secret.slice(0, 5), secret.slice(5)], [secret]);
    expect(shown.replace(/ - /g, "")).not.toContain(secret);
  });

  test("a secret that holds the mask's own text is not shown around it", () => {
    const secret = `ab1${MASK}9yz`;
    const shown = excerpt(`bad value ${secret}`, [secret]);
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain("ab1");
  });
});

describe("the last line of defence", () => {
  const secret = "e2e-vendor-media-key";
  test("masks a whole secret in every form, where a program put it", () => {
    const shown = redact(`pictory:AwsConnection "${secret}" failed`, [secret], { whole: true });
    expect(shown).toBe(`pictory:AwsConnection "${MASK}" failed`);
    const encoded = redact(`x ${encodeURIComponent(`a b ${secret}`)} y`, [secret], { whole: true });
    expect(encoded).not.toContain("vendor-media");
  });

  test("masks a short secret where it stands whole, not the letters its encodings share", () => {
    const shown = redact(`pictory:VimeoConnection "c": value 'Q' is too short`, ["Q"], {
      whole: true,
    });
    expect(shown).toBe(`pictory:VimeoConnection "c": value '${MASK}' is too short`);
  });

  test("leaves the code's own words that share a run with a secret as they are", () => {
    const shown = redact(`pictory:AwsConnection "e2e-vendor-media": refresh failed`, [secret], {
      whole: true,
    });
    expect(shown).toBe(`pictory:AwsConnection "e2e-vendor-media": refresh failed`);
  });
});

describe("a URL whose password holds characters it should have escaped", () => {
  test.each(["Pg-P4ss/w0rd-Long", "Pg-P4ss?w0rd-Long", "Pg-P4ss#w0rd-Long", "Pg@P4ss-w0rd-Long"])(
    "%s is neither shown nor missed as a credential",
    (password) => {
      const url = `postgres://admin:${password}@127.0.0.1:1/state`;
      const shown = redactUrl(url);
      expect({ shown, leaked: leaked(shown, password) }).toEqual({ shown, leaked: [] });
      expect(shown).toBe("postgres://127.0.0.1:1/state");
      expect(urlCredentials(url)).toContain(password);
    },
  );
});
