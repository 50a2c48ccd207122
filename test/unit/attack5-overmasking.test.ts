/**
 * The flip side of masking: the product's own words, IDs, dates, hostnames and ordinary URLs stay
 * readable; and what held of the binary codes (c), checked at every byte alignment with
 * generated Unicode secrets. Driven through `redact`/`excerpt`/`redactUrls` and the drift
 * report's `redactReport` with its text renderer.
 */
import fc from "fast-check";
import { renderText } from "../../cli/drift/render";
import { redactReport, secretsOf } from "../../cli/shared/redaction";
import { excerpt, MASK, redact, redactUrls } from "../../provider/core/secrets";
import { reportQuoting } from "../helpers/masking";

describe("ordinary URLs holding an `@` stay readable", () => {
  // Promise 2: ordinary URLs stay readable. Break: an `@` anywhere after a host-like authority,
  // followed by something host-like, makes the URL "read two ways" and only its scheme is shown,
  // though nothing before that `@` holds a `:` (no password can be there). A scoped npm package
  // (what npm's own errors print), an e-mail address in a REST path or query all lose everything.
  // Counterexample: `https://registry.npmjs.org/@pulumi%2fpulumi` is shown as `https://[secret]`.
  it.each([
    "https://registry.npmjs.org/@pulumi%2fpulumi",
    "https://www.npmjs.com/package/@pulumi/pulumi",
    "https://graph.microsoft.com/v1.0/users/ops@contoso.com/sendMail",
    "https://demo.apinizer.com/apiops/projects/p/connections/?from=alerts@example.com",
  ])("%s keeps its host", (url) => {
    const host = new URL(url).host;
    expect(redactUrls(`GET ${url} failed`)).toContain(host);
  });
});

describe("a URL with a port and an e-mail address later on the line", () => {
  // Promise 2: ordinary URLs, hostnames and prose stay readable. Break: a URL with a port,
  // followed on the same line by any `user@host`, is read as a user info holding a space, and
  // everything from after the scheme to that `@` is dropped with no mask in its place: the
  // message then names a server the request never went to.
  // Counterexample: "https://api.pictory.ai:443 timed out; contact support@pictory.ai" is shown
  // as "https://pictory.ai"; "proxy http://proxy:3128 refused CONNECT to api.pictory.ai:443 for
  // etl@corp.example" as "proxy http://corp.example".
  it.each([
    ["https://api.pictory.ai:443 timed out; contact support@pictory.ai", "api.pictory.ai:443"],
    [
      "request to https://demo.apinizer.com:8443/apiops failed, owner ops@example.com",
      "demo.apinizer.com:8443",
    ],
    [
      "proxy http://proxy:3128 refused CONNECT to api.pictory.ai:443 for etl@corp.example",
      "proxy:3128",
    ],
  ])("%j keeps %j", (text, host) => {
    const shown = redact(text, []);
    expect(shown).toContain(host);
    // Whatever is hidden is shown as hidden, never silently dropped.
    expect(shown.includes(MASK) || shown === text).toBe(true);
  });
});

describe("resource names in the API's own paths", () => {
  // Promise 2: resource names stay readable. Break: a path segment of 16 characters or more
  // mixing upper case, lower case and digits is masked as a generated key, even where the path is
  // the API's own and the segment is the program's Apinizer project or connection name.
  // Counterexample: ".../apiops/projects/CustomerPortal2024/connections/" is shown as
  // ".../apiops/projects/[secret]/connections/".
  it.each([
    [
      "https://demo.apinizer.com/apiops/projects/CustomerPortal2024/connections/",
      "CustomerPortal2024",
    ],
    [
      "https://demo.apinizer.com/apiops/projects/payments/connections/OrdersDb2026Primary",
      "OrdersDb2026Primary",
    ],
  ])("%s keeps %s", (url, name) => {
    expect(redact(`answered 500: ${url}`, [])).toContain(name);
  });
});

describe("a short environment secret in a drift report", () => {
  // Promise 2: dates, IDs and the report's words stay readable. Break: an environment secret
  // shorter than six characters is masked wherever it stands, inside any word or number (the
  // provider's last line masks it only as a word), so a one-character passphrase hides letters of
  // every value, and digits of every date, and by doing so spells the passphrase out.
  // Counterexample: PGPASSWORD="0", a drifted description "raw footage 2026-12-07" is shown as
  // "raw footage 2[secret]26-12-[secret]7"; PULUMI_CONFIG_PASSPHRASE="a" turns "alerts" into
  // "[secret]lerts".
  it.each([
    ["PGPASSWORD", "0", "2026-12-07"],
    ["PULUMI_CONFIG_PASSPHRASE", "a", "raw footage"],
    ["PULUMI_CONFIG_PASSPHRASE", "1", "2026-12-07"],
  ])("%s=%j leaves %j readable", (name, secret, readable) => {
    const report = redactReport(
      reportQuoting(`raw footage 2026-12-07 from bucket media-1`),
      secretsOf({ [name]: secret }),
    );
    expect(renderText(report)).toContain(readable);
  });
});

describe("what held: IDs, dates and URLs with generated secrets", () => {
  const MESSAGE =
    "Pictory answered 409 for connection 20261207200509501zf55rlski6umj6la at " +
    "2026-12-07T20:05:09.501Z on https://api.pictory.ai/pictoryapis/v1/awsconnections " +
    "(bucket media-raw-2026, region us-east-1); jdbc:postgresql://db:5432/app?sslmode=require";

  it("a message sharing no six characters with a generated secret is unchanged", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "grapheme", minLength: 6, maxLength: 24 }),
          fc.string({ unit: "grapheme-ascii", minLength: 8, maxLength: 32 }),
        ),
        (secret) => {
          const lower = MESSAGE.toLowerCase();
          const s = secret.toLowerCase();
          for (let i = 0; i + 6 <= s.length; i++) fc.pre(!lower.includes(s.slice(i, i + 6)));
          fc.pre(!/\s/.test(secret));
          expect(excerpt(MESSAGE, [secret], 10_000)).toBe(MESSAGE);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });
});

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
function base32(bytes: Buffer): string {
  let bits = "";
  for (const b of bytes) bits += b.toString(2).padStart(8, "0");
  let out = "";
  for (let i = 0; i + 5 <= bits.length; i += 5) out += BASE32[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

describe("what held (c): binary codes at every alignment", () => {
  // A generated Unicode secret inside random bytes, encoded; no piece left readable carries the
  // characters that lie wholly inside six bytes of the secret (twelve for UTF-16).
  it.each([
    ["base64 of UTF-8", 6, "utf8", (b: Buffer) => b.toString("base64")],
    ["hex of UTF-8", 4, "utf8", (b: Buffer) => b.toString("hex").toUpperCase()],
    ["base32 of UTF-8", 5, "utf8", base32],
    ["base64 of UTF-16LE", 6, "utf16le", (b: Buffer) => b.toString("base64")],
    ["hex of UTF-16LE", 4, "utf16le", (b: Buffer) => b.toString("hex")],
  ] as const)("%s", (_name, bits, encoding, encode) => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", minLength: 3, maxLength: 12 }),
        fc.uint8Array({ maxLength: 5 }),
        fc.uint8Array({ maxLength: 5 }),
        (secret, before, after) => {
          fc.pre(Buffer.byteLength(secret) >= 6);
          const bytes = Buffer.from(secret, encoding);
          const all = Buffer.concat([Buffer.from(before), bytes, Buffer.from(after)]);
          const coded = encode(all);
          const pieces = redact(`data ${coded} end`, [secret]).split(MASK);
          const span = encoding === "utf16le" ? 12 : 6;
          for (let at = 0; at + span <= bytes.length; at++) {
            const a = before.length + at;
            const core = coded.slice(
              Math.ceil((a * 8) / bits),
              Math.floor(((a + span) * 8) / bits),
            );
            if (core.length >= 6) expect(pieces.filter((p) => p.includes(core))).toEqual([]);
          }
        },
      ),
      { numRuns: 150, seed: 3 },
    );
  });

  it.each([
    ["Go", (b: Buffer) => `[${[...b].join(" ")}]`],
    ["Java", (b: Buffer) => `[${[...b].map((x) => (x > 127 ? x - 256 : x)).join(", ")}]`],
    [
      "C",
      (b: Buffer) => `{${[...b].map((x) => `0x${x.toString(16).padStart(2, "0")}`).join(", ")}}`,
    ],
    [
      "Python",
      (b: Buffer) => `b'${[...b].map((x) => `\\x${x.toString(16).padStart(2, "0")}`).join("")}'`,
    ],
    [
      "Node",
      (b: Buffer) => `<Buffer ${[...b].map((x) => x.toString(16).padStart(2, "0")).join(" ")}>`,
    ],
  ] as const)("a byte array printed by %s shows no six bytes of the secret", (_name, print) => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-ascii", minLength: 6, maxLength: 16 }), (secret) => {
        const bytes = Buffer.from(secret);
        const shown = excerpt(`got ${print(bytes)} back`, [secret], 10_000);
        for (let at = 0; at + 6 <= bytes.length; at++) {
          const inner = print(bytes.subarray(at, at + 6)).replace(
            /^(<Buffer |b'|[[{])|[\]}>']$/g,
            "",
          );
          expect(shown.split(MASK).filter((p) => p.includes(inner))).toEqual([]);
        }
      }),
      { numRuns: 100, seed: 4 },
    );
  });
});
