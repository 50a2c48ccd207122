/**
 * Passwords in URLs: "URLs in messages and in drift reports never show credentials". Driven
 * through `redact`, an Apinizer error built by the family's own code (stub transport), and a
 * drift report built, redacted and rendered as `pulumi-connections drift` does.
 */
import fc from "fast-check";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { buildReport } from "../../cli/drift/report";
import { renderJson, renderMarkdown, renderText } from "../../cli/drift/render";
import { redactReport } from "../../cli/shared/redaction";
import { ProviderRuntime } from "../../provider/core/runtime";
import { MASK, redact } from "../../provider/core/secrets";
import { KINDS } from "../../provider/registry";
import { emulatorConfigValues } from "../../scripts/workspace";
import { apinizerMessage } from "../helpers/masking";

const runtime = new ProviderRuntime(KINDS);
const config = emulatorConfigValues("http://127.0.0.1:9");
runtime.settings.configure({ get: (k) => config[k] });
afterAll(() => runtime.close());

const apinizerSays = (description: string, secrets: string[] = []) =>
  apinizerMessage(runtime, description, secrets);

// ---------------------------------------------------------------------------------------------
// A drift report of one Apinizer database connection whose jdbcUrl changed outside Pulumi.

const TYPE = "pulumi-nodejs:dynamic/apinizer:Connection";
const URN = `urn:pulumi:test::proj::${TYPE}::db`;
let seq = 0;
const ev = (body: Partial<EngineEvent>) =>
  ({ sequence: seq++, timestamp: 0, ...body }) as EngineEvent;
function side(url: string) {
  const inputs = url.startsWith("jdbc:")
    ? {
        name: "db",
        projectName: "demo",
        type: "database",
        dbType: "POSTGRES",
        jdbcUrl: url,
        useCredentials: false,
      }
    : { name: "db", projectName: "demo", type: "webhook", fullUrl: url };
  return {
    type: TYPE,
    urn: URN,
    id: "db",
    parent: "",
    provider: "",
    inputs,
    outputs: { ...inputs, version: 1 },
  };
}
function driftReportTexts(oldUrl: string, newUrl: string): string[] {
  const metadata = {
    op: "update",
    urn: URN,
    type: TYPE,
    old: side(oldUrl),
    new: side(newUrl),
    provider: "",
  };
  const events = [
    ev({ resourcePreEvent: { metadata: { ...metadata, op: "refresh" } } as never }),
    ev({ resOutputsEvent: { metadata } as never }),
  ];
  const built = buildReport("test", events, {
    managed: new Set([URN]),
    read: new Set(),
    secrets: [],
  });
  // As `pulumi-connections drift` does: every string through the provider's redactor.
  const report = redactReport(built, []);
  expect(report.drifted).toHaveLength(1);
  return [renderText(report), renderMarkdown(report), renderJson(report)];
}

/**
 * JDBC URLs of the database types the Apinizer connection declares (`dbType`), each carrying a
 * password the way its driver documents it. `jdbcUrl` is not a secret field.
 */
const JDBC: readonly [string, string, string][] = [
  // Path parameters after `;` (IBM DB2, Hive, Impala): the path is shown as it is.
  ["DB2", "jdbc:db2://db:50000/SAMPLE:user=db2inst1;password=Db2Secret99;", "Db2Secret99"],
  [
    "APACHE_HIVE",
    "jdbc:hive2://hive:10000/default;user=hive;password=HiveSecret99",
    "HiveSecret99",
  ],
  [
    "APACHE_IMPALA",
    "jdbc:impala://impala:21050/default;AuthMech=3;UID=etl;PWD=ImpalaSecret99",
    "ImpalaSecret99",
  ],
  // No `//` after the scheme: not read as a URL at all.
  ["SYBASE", "jdbc:sybase:Tds:syb:5000/app?user=sa&password=SybSecret99", "SybSecret99"],
  ["ORACLE", "jdbc:oracle:thin:scott/Tig3rPassw0rd@db:1521:orcl", "Tig3rPassw0rd"],
];

describe("a JDBC URL's password is never shown", () => {
  // Promise: "URLs in messages and in drift reports never show credentials" (passwords in URLs).
  // Break: the URL redaction knows user info and `?` queries only. A driver's `;password=` path
  // parameters (DB2, Hive, Impala) are kept as path; Sybase's `jdbc:sybase:Tds:host:port` and
  // Oracle's `jdbc:oracle:thin:user/password@host` have no `//`, so they are not URLs to it.
  // Counterexample: redact("jdbc:hive2://hive:10000/default;user=hive;password=HiveSecret99", [])
  // returns it unchanged; so does an Apinizer 400 quoting it, and a drift report of a jdbcUrl.
  it.each(JDBC)("%s, in a message", (_db, url, password) => {
    expect(redact(`cannot connect with ${url}: timeout`, [])).not.toContain(password);
  });

  it.each(JDBC)("%s, in an Apinizer error quoting the jdbcUrl", async (_db, url, password) => {
    const message = await apinizerSays(`Could not connect to ${url}`);
    expect(message).toContain("Could not connect to");
    expect(message).not.toContain(password);
  });

  it.each(JDBC)("%s, in every format of a drift report", (_db, url, password) => {
    for (const text of driftReportTexts("jdbc:postgresql://db:5432/app", url))
      expect(text).not.toContain(password);
  });

  // What held: the same password in the forms the redaction knows.
  it.each([
    ["user info", "jdbc:postgresql://etl:PgSecret99@db:5432/app"],
    ["a query", "jdbc:postgresql://db:5432/app?user=etl&password=PgSecret99"],
    [
      "SQL Server's ;password=",
      "jdbc:sqlserver://db:1433;databaseName=app;user=sa;password=PgSecret99",
    ],
    ["MySQL's address list", "jdbc:mysql://(host=db,port=3306,user=root,password=PgSecret99)/app"],
  ])("%s: masked in a message, an Apinizer error and a drift report", async (_name, url) => {
    expect(redact(`cannot connect with ${url}`, [])).not.toContain("PgSecret99");
    expect(await apinizerSays(`Could not connect to ${url}`)).not.toContain("PgSecret99");
    for (const text of driftReportTexts("jdbc:postgresql://db:5432/app", url))
      expect(text).not.toContain("PgSecret99");
  });
});

describe("a webhook URL whose path is the credential", () => {
  // Promise: no credential (API keys, tokens) is shown, and a message shows only what the code
  // knows to be safe. Break (by the documented rule "scheme, host, port and path"): a webhook's
  // `fullUrl` (not a secret field) is shown with its path, and the path of a Slack, Discord or
  // Telegram webhook is its token. Counterexample: a drifted fullUrl
  // "https://hooks.slack.com/services/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" is shown whole
  // in every format of the drift report.
  it.each([
    [
      "Slack",
      "https://hooks.slack.com/services/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",
      "Xk9pQ2rT7vW3yZ8aB4cD6eF1",
    ],
    [
      "Telegram",
      "https://api.telegram.org/bot123456789:AAHk9pQ2rT7vW3yZ8aB4cD6eF1gH2iJ3kL/sendMessage",
      "AAHk9pQ2rT7vW3yZ8aB4cD6eF1gH2iJ3kL",
    ],
  ])("%s: the token in its path is not shown in a drift report", (_name, url, token) => {
    for (const text of driftReportTexts("https://alerts.example.com/hook", url))
      expect(text).not.toContain(token.slice(0, 12));
  });
});

describe("a URL whose password holds a space (pasted, not escaped)", () => {
  // Promise: a URL's user info is never shown. Break: a URL in a message ends at the first space,
  // so the user info of "postgres://admin:correct horse battery@db:5432/app" is cut after
  // "correct", and " horse battery@db:5432/app" is shown: a run of six characters of the password.
  it("its user info is not shown", () => {
    const shown = redact(
      "connect to postgres://admin:correct horse battery@db:5432/app failed",
      [],
    );
    expect(shown).not.toContain("horse battery");
  });
});

describe("a query password holding @", () => {
  // Promise: of a URL's query only connection options' values are shown, and a credential
  // parameter as `password=[secret]`. Break: without user info, the text after the LAST `@`
  // anywhere in the URL is taken for the host when it looks like one, so a query value holding
  // `@` (P@ssw0rd, an e-mail) turns its end into the URL's host, shown in clear.
  // Counterexample: redact("see https://api.example.com/apiops/x?password=P@ssw0rd-2026 then", [])
  // = "see https://ssw0rd-2026 then": eleven characters of the password.
  const PASSWORD = "P@ssw0rd-2026";
  const URL = `jdbc:postgresql://db:5432/app?user=etl&password=${PASSWORD}`;
  it("in a message", () => {
    const shown = redact(`see https://api.example.com/apiops/x?password=${PASSWORD} then`, []);
    expect(shown).not.toContain("ssw0rd-2026");
  });
  it("in an Apinizer error quoting the jdbcUrl", async () => {
    expect(await apinizerSays(`Could not connect to ${URL}`)).not.toContain("ssw0rd-2026");
  });
  it("in every format of a drift report", () => {
    for (const text of driftReportTexts("jdbc:postgresql://db:5432/app", URL))
      expect(text).not.toContain("ssw0rd-2026");
  });
});

describe("a query runs to the next space or quote (property, held)", () => {
  // `@` left out: see "a query password holding @".
  it("no character of a credential query value shows, whatever punctuation it holds", () => {
    const value = fc.string({
      unit: fc.constantFrom(..."aZ9.,;:)]}!'*(~-_$/?=&#"),
      minLength: 6,
      maxLength: 20,
    });
    fc.assert(
      fc.property(
        fc.constantFrom("password", "token", "access_token", "X-Amz-Signature", "sig"),
        value,
        fc.constantFrom(" then", '" then', "\n", ""),
        (name, v, after) => {
          const shown = redact(`see https://api.example.com/apiops/x?${name}=${v}${after}`, []);
          const tail = shown.slice(shown.lastIndexOf(MASK) + MASK.length);
          expect(tail).toBe(after);
        },
      ),
      { numRuns: 500 },
    );
  });
});
