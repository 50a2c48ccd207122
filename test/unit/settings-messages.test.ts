/**
 * A settings failure never quotes the value it received: a setting may hold a credential pasted
 * into the wrong key, or a value the program passed as a secret. It names the key, what was
 * expected and the fix, and describes what it received. A base URL's user info is never part of
 * the URL the provider uses and shows, and is masked as a credential.
 */
import fc from "fast-check";
import { ConnectionError } from "../../provider/core/errors";
import { PROVIDER_SETTINGS, SettingsStore, userInfoOf } from "../../provider/core/settings";
import { pictoryFamily } from "../../provider/pictory/family";

const ENV = /^(PICTORY|APINIZER|CONNECTIONS)_/;
const saved = { ...process.env };
beforeEach(() => {
  for (const k of Object.keys(process.env)) if (ENV.test(k)) delete process.env[k];
});
afterEach(() => {
  process.env = { ...saved };
});

const store = (config: Record<string, string>) => {
  const s = new SettingsStore("pictory");
  s.configure({ get: (k) => config[k] });
  return s;
};

/** The message of what `fn` throws, or undefined when it succeeds. */
function messageOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    expect(ConnectionError.isInstance(e)).toBe(true);
    return (e as ConnectionError).message;
  }
}

/**
 * Whether `text` holds any 6 consecutive characters of `value` that the message for a value of
 * snowmen does not hold: the message's own words (fast-check likes `length`, `constructor`) are
 * not a quote.
 */
function quotes(text: string, value: string, message: (v: string) => string | undefined): boolean {
  const own = message("\u2603".repeat([...value].length)) ?? "";
  const chars = [...value];
  for (let i = 0; i + 6 <= chars.length; i++) {
    const run = chars.slice(i, i + 6).join("");
    if (text.includes(run) && !own.includes(run)) return true;
  }
  return false;
}

/** Any text, of any script, as pasted into a setting; at least 6 characters so a run can show. */
const anyValue = fc
  .string({ unit: "grapheme", minLength: 6, maxLength: 80 })
  .filter((s) => s.trim() !== "");

const GOOD = {
  "pictory:apiKey": "pictai_settings_messages",
  "pictory:baseUrl": "https://api.pictory.ai/pictoryapis",
};

describe("a malformed setting", () => {
  it("is described, never quoted, in every provider-wide setting", () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(PROVIDER_SETTINGS)), anyValue, (name, value) => {
        const message = (v: string) =>
          messageOf(() => store({ ...GOOD, [`pictory:${name}`]: v }).provider());
        const text = message(value);
        if (text === undefined) return;
        expect(text).toContain(`pictory:${name}`);
        expect(text).toContain("pulumi config set");
        expect(quotes(text, value, message)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("is described, never quoted, as a base URL", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("", "https://", "http://", "ftp://", "https://me:"),
        anyValue,
        (prefix, value) => {
          const message = (v: string) =>
            messageOf(() =>
              store({ ...GOOD, "pictory:baseUrl": `${prefix}${v}` }).family(pictoryFamily),
            );
          const text = message(value);
          if (text === undefined) return;
          expect(text).toContain("pictory:baseUrl");
          expect(quotes(text, value, message)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("is described, never quoted, as an account's name, property or value", () => {
    fc.assert(
      fc.property(
        anyValue,
        fc.constantFrom<(v: string) => unknown>(
          (v) => ({ [v]: { apiKey: "pictai_x" } }),
          (v) => ({ eu: { [v]: "pictai_x" } }),
          (v) => ({ eu: { apiKey: [v] } }),
          (v) => v,
        ),
        (value, shape) => {
          const message = (v: string) => {
            const raw = shape(v);
            return messageOf(() =>
              store({
                ...GOOD,
                "pictory:accounts": typeof raw === "string" ? raw : JSON.stringify(raw),
              }).family(pictoryFamily),
            );
          };
          const text = message(value);
          if (text === undefined) return;
          expect(text).toContain("pictory:accounts");
          expect(quotes(text, value, message)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a choice written in another case names the choice meant", () => {
    expect(messageOf(() => store({ ...GOOD, "pictory:onConflict": "Overwrite" }).provider())).toBe(
      'pictory:onConflict must be "fail" or "overwrite", received "overwrite" written in another ' +
        "case or with spaces; fix it with `pulumi config set pictory:onConflict overwrite`",
    );
  });

  it("a negative number says so", () => {
    expect(messageOf(() => store({ ...GOOD, "pictory:maxRetries": "-3" }).provider())).toBe(
      "pictory:maxRetries must be a non-negative number, received a negative number; " +
        "fix it with `pulumi config set pictory:maxRetries <number>`",
    );
  });
});

describe("a base URL's user info", () => {
  /** A user or password as pasted: any character a URL parser takes before the `@`. */
  const part = fc
    .string({ unit: "grapheme", minLength: 1, maxLength: 30 })
    .filter((s) => !/[/?#@\\:]/.test(s) && s.trim() === s && s !== "");

  it("is not in the URL the provider uses and shows, and is masked as a credential", () => {
    fc.assert(
      fc.property(part, part, (user, password) => {
        const raw = `https://${user}:${password}@api.pictory.ai/pictoryapis/`;
        fc.pre(URL.canParse(raw));
        const s = store({ ...GOOD, "pictory:baseUrl": raw });
        const fam = s.family(pictoryFamily);
        expect(fam.baseUrl).toBe("https://api.pictory.ai/pictoryapis");
        const masked = s.credentials(pictoryFamily);
        expect(masked).toContain(GOOD["pictory:apiKey"]);
        expect(masked).toEqual(expect.arrayContaining([user, password]));
        const parsed = new URL(raw);
        expect(masked).toEqual(expect.arrayContaining([parsed.username, parsed.password]));
      }),
      { numRuns: 200 },
    );
  });

  it("is nothing for a URL without it", () => {
    expect(userInfoOf("https://api.pictory.ai/pictoryapis")).toEqual([]);
    expect(userInfoOf("not a url")).toEqual([]);
  });
});
