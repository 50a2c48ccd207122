/**
 * Credentials inside URLs, driven through `redactUrls`/`redact` (what every provider message and
 * every drift report passes through) and through an Apinizer error built by the family's own code
 * with a stub transport. Promise: no credential inside a URL is shown, whatever characters the
 * password holds and whatever punctuation follows the URL; ordinary URLs stay readable.
 */
import fc from "fast-check";
import { ProviderRuntime } from "../../provider/core/runtime";
import { redact, redactUrls } from "../../provider/core/secrets";
import { KINDS } from "../../provider/registry";
import { emulatorConfigValues } from "../../scripts/workspace";
import { apinizerMessage, shownRuns } from "../helpers/masking";

const runtime = new ProviderRuntime(KINDS);
const config = emulatorConfigValues("http://127.0.0.1:9");
runtime.settings.configure({ get: (k) => config[k] });
afterAll(() => runtime.close());

const apinizerSays = (description: string, secrets: string[] = []) =>
  apinizerMessage(runtime, description, secrets);

describe("a URL's password holding a quote or an angle bracket", () => {
  // Promise: a credential inside a URL is never shown. Break: the URL ends at `"`, `<`, `>` or a
  // backtick, so a password holding one is cut there and its rest is printed as prose.
  // Counterexample: `postgres://u:ab"Hunter2secret@db/app` is shown as
  // `postgres://[secret]"Hunter2secret@db/app`.
  // A password quoted whole (`u:"correct horse"@db`) is shown unchanged.
  it.each([
    'ab"Hunter2secret',
    "ab<Hunter2secret",
    "ab>Hunter2secret",
    "ab`Hunter2secret",
    '"correct horse"',
  ])("postgres://u:%s@db/app shows no run of the password", (password) => {
    const shown = redactUrls(`connect failed: postgres://u:${password}@db/app`);
    expect(shownRuns(shown, password)).toEqual([]);
  });

  // Same break through a provider message: the API's error field is decoded (`\"` -> `"`), so a
  // URL quoted by the API with its password JSON-escaped leaks the same way.
  it("an Apinizer error quoting such a URL shows no run of the password", async () => {
    const password = 'ab"Hunter2secret';
    const msg = await apinizerSays(`cannot open postgres://etl:${password}@db:5432/app`);
    expect(shownRuns(msg, password)).toEqual([]);
  });
});

describe("a password holding `@` and then `/`", () => {
  // Promise: a credential inside a URL is never shown. Break: the authority is cut at the first
  // `/`, and an `@` before it is taken as the end of the user info, so the password's rest is
  // shown as the host. Users paste generated passwords unescaped (the code reads `/` in them).
  // Counterexample: `postgresql://etl:p@Hunter2secret/x@db.example.com:5432/app` is shown as
  // `postgresql://Hunter2secret/x@db.example.com:5432/app`.
  it.each(["p@Hunter2secret/x", "@Hunter2secret/x", "Zq@9wLm4Kp/T7"])(
    "postgresql://etl:%s@db.example.com:5432/app shows no run of the password",
    (password) => {
      const shown = redactUrls(`refused by postgresql://etl:${password}@db.example.com:5432/app`);
      expect(shownRuns(shown, password)).toEqual([]);
    },
  );
});

describe("Oracle thin URLs with a quoted password", () => {
  // Promise (d): a JDBC URL without `//` shows only its subprotocol. Break: Oracle requires a
  // password holding special characters to be double-quoted (`scott/"p@ss word"@db`), and the
  // masked part stops at the first `"`, so the quoted password is printed.
  // Counterexample: `jdbc:oracle:thin:scott/"Hunter2secret"@db:1521:orcl` is shown as
  // `jdbc:oracle:thin:[secret]"Hunter2secret"@db:1521:orcl`.
  it.each(['"Hunter2secret"', '"Hunter2 secret"', '"Hunter2$ecret#1"'])(
    "jdbc:oracle:thin:scott/%s@db:1521:orcl shows no run of the password",
    (quoted) => {
      const shown = redactUrls(`ORA-01017 for jdbc:oracle:thin:scott/${quoted}@db:1521:orcl`);
      expect(shownRuns(shown, quoted.slice(1, -1))).toEqual([]);
    },
  );
});

describe("a user info holding a space", () => {
  // Promise (d): a user info holding a space is dropped. Break: the space-aware pattern requires
  // the host to be followed by `/ ? # space quote` or the end, so a URL followed by `,` or a full
  // stop (a sentence) keeps the words after the space.
  // Counterexample: `postgres://u:Hunter2 secret@db-1.example.com, more` is shown as
  // `postgres://[secret] secret@db-1.example.com, more` ("secret" is the password's last word).
  it.each([",", ".", ";", ")"])("a URL followed by %j drops the whole password", (after) => {
    const password = "correct horse battery";
    const shown = redactUrls(`cannot reach postgres://admin:${password}@db.example.com${after} x`);
    expect(shownRuns(shown, password)).toEqual([]);
  });

  // Same break where the host is an internationalized name or the URL closes a Markdown link.
  // Counterexample: `[db](postgres://u:correct horse@db)` is shown as
  // `[db](postgres://[secret] horse@db)`.
  it.each(["[db](postgres://u:correct horse@db)", "postgres://u:correct horse@bücher.example/app"])(
    "%s drops the whole password",
    (text) => {
      expect(shownRuns(redactUrls(text), "correct horse")).toEqual([]);
      expect(redactUrls(text)).not.toContain("horse");
    },
  );

  // A user name holding a space (`postgres://my user:pw@db/app`) reads as a URL ending at `my`
  // and prose after it; reading it as user info would also swallow `https://db refused: ask
  // etl@corp.example`. docs/installation-configuration.md names this limit; a password the
  // program or the environment holds is masked wherever it stands anyway.
  it("a password the caller holds is masked after a user name holding a space", () => {
    const shown = redact("postgres://my user:Hunter2secret@db/app", ["Hunter2secret"]);
    expect(shownRuns(shown, "Hunter2secret")).toEqual([]);
    expect(shown).toContain("postgres://my");
  });

  // Property: whatever printable password (spaces, quotes, brackets, punctuation), a database URL
  // quoted inside a sentence, followed by any punctuation, shows no six characters of it.
  it("any printable password in a URL inside a sentence is not shown", () => {
    const passwordChar = fc.constantFrom(
      ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !\"#$%&'()*+,-./:;<=>?@[]^_`{|}~",
    );
    fc.assert(
      fc.property(
        fc.string({ unit: passwordChar, minLength: 8, maxLength: 24 }),
        fc.constantFrom("", ".", ",", ";", ")", ":", "!"),
        (password, after) => {
          const url = `postgresql://etl:${password}@db.example.com:5432/app`;
          const shown = redactUrls(`connection refused by ${url}${after} retrying`);
          expect(shownRuns(shown, password)).toEqual([]);
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });
});

describe("query options", () => {
  // Promise: of the query, only connection options keep their values. Break: parameters are
  // split on `&` only; with `;` as the separator (HTML 4 forms, several drivers) the shown
  // option's value runs on over the credential.
  // Counterexample: `jdbc:postgresql://db/app?sslmode=require;password=Hunter2secret` is shown
  // unchanged.
  it("a `;`-separated query after a shown option hides the password", () => {
    const shown = redactUrls("jdbc:postgresql://db/app?sslmode=require;password=Hunter2secret");
    expect(shownRuns(shown, "Hunter2secret")).toEqual([]);
  });
});

describe("a shown option's value carrying a credential", () => {
  // Promise: of the query, only connection options keep their values, and no credential is shown.
  // Break: `dbname` is shown with its value, but libpq reads a `dbname` holding `=` as a whole
  // connection string (PostgreSQL docs, "Parameter Key Words": dbname), password included; and a
  // shown option's value is printed as written, percent escapes and all.
  // Counterexample: `postgresql://db/?dbname=host%3Ddb%20password%3DHunter2secret` is shown
  // unchanged, by `redactUrls` and by the provider's `excerpt` (which decodes it to prose
  // `password=Hunter2secret` after the URL).
  it.each([
    "postgresql://db/?dbname=host%3Ddb%20password%3DHunter2secret",
    "postgresql://db/app?sslmode=require%26password%3DHunter2secret",
    "postgresql://db/app?host=db1,password=Hunter2secret",
  ])("%s shows no run of the password", (url) => {
    expect(shownRuns(redactUrls(`cannot connect: ${url}`), "Hunter2secret")).toEqual([]);
  });

  it("the provider's message of an Apinizer answer quoting it shows no run of it", async () => {
    const msg = await apinizerSays(
      "cannot connect: postgresql://db/?dbname=host%3Ddb%20password%3DHunter2secret",
    );
    expect(shownRuns(msg, "Hunter2secret")).toEqual([]);
  });
});

describe("a URL glued to a word", () => {
  // Exotic corner: the URL pattern needs a word boundary before the scheme, so a scheme glued to
  // `_` or a digit (an environment dump `DB_URL_postgres://...`) is not read as a URL at all.
  // Counterexample: `_postgres://u:Hunter2secret@db/app` is shown unchanged.
  it.each(["_", "1", "DB_URL_"])("%s before the scheme does not expose the password", (glue) => {
    const shown = redactUrls(`${glue}postgres://u:Hunter2secret@db/app`);
    expect(shownRuns(shown, "Hunter2secret")).toEqual([]);
  });
});

describe("ordinary URLs stay readable", () => {
  // Flip side: ordinary URLs without credentials are shown as they are.
  it("generated https and database URLs without credentials are unchanged", () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
    const segment = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,14}$/);
    fc.assert(
      fc.property(
        fc.constantFrom("https", "http", "postgres", "jdbc:postgresql", "mysql"),
        fc.array(label, { minLength: 1, maxLength: 3 }),
        fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
        fc.array(segment, { maxLength: 4 }),
        fc.option(fc.constantFrom("sslmode=require", "connect_timeout=10", "region=eu-west-1"), {
          nil: undefined,
        }),
        (scheme, labels, port, path, query) => {
          const url =
            `${scheme}://${labels.join(".")}${port === undefined ? "" : `:${port}`}` +
            `${path.map((p) => `/${p}`).join("")}${query === undefined ? "" : `?${query}`}`;
          const text = `could not reach ${url} at 2026-12-07T20:05:09Z`;
          expect(redact(text, [])).toBe(text);
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });

  // Over-masking: the documented SQL Server JDBC URL (`jdbc:sqlserver://host:port;prop=value`,
  // learn.microsoft.com "Building the connection URL") keeps its options in the authority, and
  // the whole host is masked with them: the message no longer says which server failed.
  // Counterexample: `jdbc:sqlserver://db.example.com:1433;databaseName=app;encrypt=true` is
  // shown as `jdbc:sqlserver://[secret]`.
  it("a SQL Server JDBC URL without credentials keeps its host", () => {
    const shown = redactUrls("jdbc:sqlserver://db.example.com:1433;databaseName=app;encrypt=true");
    expect(shown).toContain("db.example.com:1433");
  });

  // Over-masking: Hive's and Impala's documented Kerberos URL names the service principal
  // (`principal=hive/_HOST@REALM`); its `@` makes the URL "read two ways" and everything after
  // the scheme is hidden, though it holds no credential.
  // Counterexample: `jdbc:hive2://hive:10000/default;principal=hive/_HOST@EXAMPLE.COM` is shown as
  // `jdbc:hive2://[secret]`.
  it("a Kerberos Hive URL keeps its host", () => {
    expect(
      redactUrls("jdbc:hive2://hive.example.com:10000/default;principal=hive/_HOST@EXAMPLE.COM"),
    ).toContain("hive.example.com:10000");
  });

  // Over-masking: H2's server URL has `//` after a two-part subprotocol (`jdbc:h2:tcp://db/...`),
  // which is read as a URL without `//` and shown as `jdbc:h2:tcp:[secret]`.
  it("an H2 server URL keeps its host", () => {
    expect(redactUrls("jdbc:h2:tcp://db.example.com:9092/~/app")).toContain("db.example.com");
  });
});
