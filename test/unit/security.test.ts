/**
 * The primitives every secret and address promise rests on: redaction of every form a secret takes
 * in an echoed body, the loopback test of the plain-http guard, path segments that cannot climb,
 * and check failures that never carry a value.
 */
import fc from "fast-check";
import { apinizerConnection } from "../../provider/apinizer";
import { check } from "../../provider/core/engine";
import { ConnectionError } from "../../provider/core/errors";
import {
  excerpt,
  MASK,
  normalize,
  redact,
  SECRET_RUN,
  secretForms,
} from "../../provider/core/secrets";
import { checkBaseUrl, isLoopbackHost } from "../../provider/core/settings";
import { vimeoConnection } from "../../provider/pictory";

const QUOTED = 'pa"ss\\word-with "quotes" and \\backslashes\\-0123456789';
const LONG = `${"s3cr3t-".repeat(40)}end`;

describe("redact", () => {
  it.each([
    ["raw", (s: string) => s],
    ["JSON-escaped", (s: string) => JSON.stringify(s).slice(1, -1)],
    ["JSON-escaped twice", (s: string) => JSON.stringify(JSON.stringify(s)).slice(1, -1)],
    ["URL-encoded", (s: string) => encodeURIComponent(s)],
    ["form-encoded", (s: string) => new URLSearchParams({ v: s }).toString().slice(2)],
    ["base64", (s: string) => Buffer.from(s).toString("base64")],
  ])("masks a secret echoed %s", (_form, encode) => {
    for (const secret of [QUOTED, LONG, "plain-hidden-value"]) {
      const out = excerpt(`{"message":"bad value ${encode(secret)} for clientSecret"}`, [secret]);
      expect(out).toMatch(
        /^\{"message":"bad value "?\[secret\][A-Za-z0-9+/=]{0,3}"? for clientSecret"\}$/,
      );
    }
  });

  it("masks before cutting, so no cut can leave part of a secret", () => {
    const text = `${"x".repeat(170)} ${LONG} trailing`;
    const out = excerpt(text, [LONG], 200);
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out).not.toContain(LONG.slice(0, SECRET_RUN));
  });

  it("masks any run of six characters of a secret, wherever it stands", () => {
    expect(redact(`value '${LONG.slice(0, 30)}...' is too long`, [LONG])).toBe(
      `value '${MASK}...' is too long`,
    );
    expect(redact(`echo: ${QUOTED.slice(0, 12)}`, [QUOTED])).toBe(`echo: ${MASK}`);
    expect(redact(`x${LONG.slice(5, 11)}y`, [LONG])).toBe(`x${MASK}y`);
  });

  it("keeps the code's own words that merely share characters with a secret", () => {
    expect(
      redact('apinizer:Connection "mailer" failed', ["apinizer_emulator_token"], {
        keep: ["apinizer:Connection"],
      }),
    ).toBe('apinizer:Connection "mailer" failed');
  });

  it("never leaves a run of six characters of any form of the secret, for any text around it (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 6, maxLength: 60 }),
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        fc.integer({ min: 0, max: 5 }),
        (secret, before, after, which) => {
          const form = secretForms(secret)[which] ?? secret;
          const out = excerpt(`${before}${form}${after}`, [secret], 120);
          for (const piece of out.split(MASK)) {
            const n = normalize(piece).text;
            const s = normalize(secret).text;
            for (let i = 0; i + SECRET_RUN <= s.length; i++)
              expect(n).not.toContain(s.slice(i, i + SECRET_RUN));
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });
});

describe("the plain-http guard decides loopback from the address alone", () => {
  it.each([
    "http://127.0.0.1:8787",
    "http://127.1.2.3/x",
    "http://localhost:1/",
    "http://[::1]:9/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
  ])("accepts %s", (url) => {
    expect(checkBaseUrl(url, "pictory:baseUrl")).toBe(url.replace(/\/+$/, ""));
  });

  it.each([
    "http://127.attacker.example",
    "http://127.0.0.1.evil.example.com",
    "http://127.0.0.1.nip.io:8787",
    "http://localhost.evil.example",
    "http://[::ffff:10.0.0.1]/",
    "http://10.0.0.1/",
    "http://example.com/",
  ])("rejects %s with CONFIG_INVALID", (url) => {
    let error: unknown;
    try {
      checkBaseUrl(url, "pictory:baseUrl");
    } catch (e) {
      error = e;
    }
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect((error as ConnectionError).code).toBe("CONFIG_INVALID");
    expect((error as ConnectionError).message).toContain("use https");
  });

  it("does not count DNS names that start like loopback addresses", () => {
    expect(isLoopbackHost("127.0.0.1.nip.io")).toBe(false);
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
  });
});

describe("Apinizer names are path segments that cannot climb", () => {
  const base = { projectName: "demo", name: "mailer", type: "email", host: "smtp.example.com" };

  it.each([
    ["name", "."],
    ["name", ".."],
    ["projectName", "."],
    ["projectName", ".."],
  ])("rejects %s %j in check", (field, value) => {
    const { failures } = check(apinizerConnection, {}, { ...base, [field]: value });
    expect(failures.map((f) => f.property)).toEqual([field]);
    expect(failures[0]!.reason).toContain("not . or ..");
  });

  it("accepts dots inside a name", () => {
    expect(check(apinizerConnection, {}, { ...base, name: "a.b..c" }).failures).toEqual([]);
    expect(
      check(apinizerConnection, {}, { ...base, name: "...", projectName: ".x" }).failures,
    ).toEqual([]);
  });
});

describe("check failures describe the value, never show it", () => {
  const base = {
    projectName: "demo",
    name: "keys",
    type: "webhook",
    url: "https://hooks.example.com/x",
    httpMethod: "POST",
  };
  const key = fc
    .string({ unit: "grapheme", minLength: 6, maxLength: 30 })
    .filter((k) => k.trim() !== "");

  const failureText = (k: string, where: "item" | "map") => {
    const inputs =
      where === "item"
        ? { ...base, headerList: [{ name: "x", value: "y", [k]: true }] }
        : {
            ...base,
            type: "database",
            dbType: "MYSQL",
            jdbcUrl: "jdbc:x",
            username: "u",
            password: "p",
            logTableSchemaOverrides: { [k]: 42 },
          };
    const { failures } = check(apinizerConnection, {}, inputs);
    return failures.map((f) => `${f.property} ${f.reason}`).join("\n");
  };

  it("never shows a key the program wrote where the declaration takes none (property)", () => {
    fc.assert(
      fc.property(key, fc.constantFrom("item", "map"), (k, where) => {
        // A key that is a piece of the failure's own words ("proper" of "property") shows as
        // those words do.
        fc.pre(!failureText("\u2603".repeat(6), where).includes(k));
        const text = failureText(k, where);
        expect(text).not.toBe("");
        expect(text).not.toContain(k);
      }),
      { numRuns: 200 },
    );
  });

  it("says how long an over-long secret was, not what it was", () => {
    const secret = "S3CRET-".repeat(100);
    const { failures } = check(
      vimeoConnection,
      {},
      { name: "v", clientIdentifier: "c", clientSecret: secret, accessToken: "t" },
    );
    expect(failures).toEqual([
      {
        property: "clientSecret",
        reason: "must be at most 500 characters, received a string of 700 characters",
      },
    ]);
  });
});
