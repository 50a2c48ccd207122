/**
 * The drift report (`pulumi-connections drift`, text, --json, --markdown) built, redacted by
 * `redactReport`/`stackMasker` and rendered as the command does; and the provider's last line of
 * defence for an unexpected error (`ProviderRuntime.operation`). Promise: no secret the stack or
 * the environment holds, and no credential inside a URL, is shown in any form; the code's own
 * words stay readable.
 */
import fc from "fast-check";
import { renderText } from "../../cli/drift/render";
import type { DriftReport } from "../../cli/drift/report";
import { redactReport, secretsOf, stackMasker } from "../../cli/shared/redaction";
import { ownWords } from "../../provider/core/kind";
import { ProviderRuntime } from "../../provider/core/runtime";
import { excerpt, MASK, redact } from "../../provider/core/secrets";
import { KINDS } from "../../provider/registry";
import { RENDERERS, reportQuoting, shownRuns } from "../helpers/masking";

describe("an escaped URL in a drift report", () => {
  // Promise: a credential inside a URL is never shown by the drift report, and (b) the report
  // undoes escapes before masking. Break: `maskDecoded` shows the decoded text only when the
  // environment's or the stack's secrets change it, comparing against URL redaction of the
  // decoded text; a URL's credentials are not such a secret, so the value is shown as given,
  // escaped, where no URL is recognised. The provider's `excerpt` decodes first and masks them.
  // Counterexample: a drifted description `postgres:\/\/u:Hunter2secret@db\/app` (JSON-escaped
  // slashes) is shown unchanged by every format; so are its percent and HTML forms.
  const password = "Hunter2secret";
  it.each([
    ["JSON \\/", `postgres:\\/\\/etl:${password}@db\\/app`],
    ["percent", `postgres%3A%2F%2Fetl%3A${password}%40db%2Fapp`],
    ["HTML", `postgres&#58;//etl&#58;${password}&#64;db/app`],
  ])("%s-escaped URL's password is not shown", (_name, escaped) => {
    // What held: the provider's own excerpt of the same text hides the password.
    expect(shownRuns(excerpt(escaped, []), password)).toEqual([]);
    const report = redactReport(reportQuoting(`moved to ${escaped}`), secretsOf({}));
    for (const [format, render] of RENDERERS)
      expect({ format, shown: shownRuns(render(report), password) }).toEqual({
        format,
        shown: [],
      });
  });

  // Same through the stack's secrets' masker, which runs on every value read from the API.
  it("stackMasker shows no password of an escaped URL", () => {
    const shown = stackMasker(["unrelated-stack-secret"]).text(
      `postgres:\\/\\/etl:${password}@db\\/app`,
    );
    expect(shownRuns(shown, password)).toEqual([]);
  });
});

describe("a secret made only of the code's own words", () => {
  // Promise (a): a secret that holds one of the code's kept words is masked whole. Break: a
  // match that adds no letter or digit to the kept words counts as "the words' own", so a secret
  // made of kept words and punctuation only (`pulumi-password`, `password!`) is shown whole.
  // Counterexample: PULUMI_CONFIG_PASSPHRASE="pulumi-password", a drifted description
  // "set by ops: pulumi-password" is printed as it is by every format.
  it.each(["pulumi-password", "connection_password", "Pulumi-Connection!", "password!"])(
    "PULUMI_CONFIG_PASSPHRASE=%s is not shown in the report",
    (passphrase) => {
      const report = redactReport(
        reportQuoting(`set by ops: ${passphrase}`),
        secretsOf({ PULUMI_CONFIG_PASSPHRASE: passphrase }),
      );
      for (const [format, render] of RENDERERS)
        expect({ format, shown: render(report).includes(`set by ops: ${passphrase}`) }).toEqual({
          format,
          shown: false,
        });
    },
  );

  // Same break in the provider's last line of defence (ProviderRuntime.operation, an error it did
  // not raise; the kept words are every kind's field names and tokens).
  // Counterexample: secret "password!" in `TypeError: bad credential password!` is shown.
  // A secret that is one of the code's words as it stands (`accessToken`) stays readable there:
  // masking it would hide the field's name in every message (docs/installation-configuration.md).
  it.each(["password!", "clientSecret#", "accessToken!"])(
    "an unexpected error quoting the secret %s does not show it",
    async (secret) => {
      const runtime = new ProviderRuntime(KINDS);
      try {
        const message = await runtime
          .operation("apinizer:Connection", [secret], () =>
            Promise.reject(new TypeError(`bad credential ${secret} for user etl`)),
          )
          .then(
            () => "no error",
            (e: Error) => e.message,
          );
        expect(message).toContain("unexpected error");
        expect(message).not.toContain(secret);
      } finally {
        runtime.close();
      }
    },
  );

  // Property form of the same break: any two kept words joined by any punctuation, used as the
  // passphrase, must not be printed where a value quotes it.
  it("any passphrase of two kept words and punctuation is masked", () => {
    const words = [
      ...new Set(
        [...KINDS.values()]
          .flatMap(ownWords)
          .concat(["pulumi", "connection"])
          .filter((w) => /^[a-z]{6,}$/i.test(w)),
      ),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...words),
        fc.constantFrom("-", "_", ".", "!", "#", "@"),
        fc.constantFrom(...words),
        (a, sep, b) => {
          const passphrase = `${a}${sep}${b}`;
          const report = redactReport(
            reportQuoting(`value: ${passphrase}`),
            secretsOf({ PULUMI_CONFIG_PASSPHRASE: passphrase }),
          );
          expect(renderText(report)).not.toContain(`value: ${passphrase}`);
        },
      ),
      { numRuns: 100, seed: 5 },
    );
  });

  // Over-masking: the stack's secret "password-password" masks the message's own "d: " of
  // "failed: " around it, although it is masked whole: the reader loses a letter of a word.
  it("masking a secret made of a kept word twice leaves the message's words whole", () => {
    expect(stackMasker(["password-password"]).message("failed: password-password")).toBe(
      `failed: ${MASK}`,
    );
  });
});

describe("the environment's secrets by name", () => {
  // Promise: the drift report masks the environment's secrets. Break: only names ending in
  // PASSWORD, PASSPHRASE, SECRET, TOKEN, API_KEY, ACCESS_KEY, PRIVATE_KEY or CREDENTIAL(S) count;
  // AZURE_STORAGE_KEY, the key of the `azblob://` state backend `--all-stacks` reads (Pulumi's
  // docs name it with AZURE_STORAGE_ACCOUNT), and MySQL's documented MYSQL_PWD do not.
  // Counterexample: AZURE_STORAGE_KEY="Zq9wLm4KpT7xYvB2", a value quoting it is shown unchanged.
  it.each(["AZURE_STORAGE_KEY", "MYSQL_PWD"])("%s is masked in the report", (name) => {
    const key = "Zq9wLm4KpT7xYvB2";
    const report = redactReport(reportQuoting(`key ${key} rejected`), secretsOf({ [name]: key }));
    expect(shownRuns(renderText(report), key)).toEqual([]);
  });
});

describe("the backend URL's password holding `@` and `/`", () => {
  // Promise: the drift report masks the backend URL's password wherever a value quotes it.
  // Break: `urlCredentials` cuts the authority at the first `/` and takes the user info to the
  // last `@` before it, so of a password written unescaped with `@` and then `/` only the part
  // before its `@` is taken as the secret: the rest is shown, and a one-letter part is masked
  // inside every word (over-masking, which also spells it out).
  // Counterexample: PULUMI_BACKEND_URL `postgres://pulumi:Zq9@wLm4/KpT7@db:5432/state`, a value
  // quoting "Zq9@wLm4/KpT7" is shown as "[secret]@wLm4/KpT7".
  it.each(["Zq9@wLm4/KpT7", "p@ss/w0rd-2026"])("password %s is masked", (password) => {
    const secrets = secretsOf({}, `postgres://pulumi:${password}@db:5432/state`);
    const report = redactReport(reportQuoting(`auth failed with ${password} on state`), secrets);
    expect(shownRuns(renderText(report), password)).toEqual([]);
    expect(renderText(report)).toContain("auth failed with");
  });
});

describe("a drifted map field's keys", () => {
  // Promise: every value the report took from outside is masked (environment secrets, URL
  // credentials). Break: `redactReport` walks object values but leaves object keys as they are,
  // and `maskValue` masks keys only through the stack's masker, which is the identity when the
  // stack holds no secret; a map field (Apinizer `propertiesMap`, `additionalProperties`) read
  // from the API is printed with its keys verbatim by every format.
  // Counterexample: KAFKA_PASSWORD="Hunter2secret", a drifted propertiesMap
  // {"sasl.jaas.config=password=\"Hunter2secret\"": "x"} is printed with the password; a key
  // "postgres://u:Zq9wLm4KpT7@db/app" is printed with its user info.
  const withMap = (map: Record<string, string>): DriftReport => {
    const r = reportQuoting("x");
    return {
      ...r,
      drifted: [{ ...r.drifted[0]!, fields: [{ field: "propertiesMap", old: {}, new: map }] }],
    };
  };
  it("an environment secret in a key is masked", () => {
    const report = redactReport(
      withMap({ 'sasl.jaas.config=password="Hunter2secret"': "x" }),
      secretsOf({ KAFKA_PASSWORD: "Hunter2secret" }),
    );
    for (const [format, render] of RENDERERS)
      expect({ format, shown: shownRuns(render(report), "Hunter2secret") }).toEqual({
        format,
        shown: [],
      });
  });
  it("a URL's credential in a key is masked", () => {
    const report = redactReport(withMap({ "postgres://u:Zq9wLm4KpT7@db/app": "primary" }), []);
    for (const [format, render] of RENDERERS)
      expect({ format, shown: shownRuns(render(report), "Zq9wLm4KpT7") }).toEqual({
        format,
        shown: [],
      });
  });
});

describe("what held in the report", () => {
  // The report's own sentences, IDs and dates stay readable with a word-like passphrase, and a
  // generated env secret quoted anywhere in a value is masked in every format.
  it("a generated environment token is masked in every format, the rest readable", () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(..."abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"),
          minLength: 12,
          maxLength: 40,
        }),
        (token) => {
          const value = `id 20261207200509501zf55rlski6umj6la at 2026-12-07 token ${token} end`;
          const report = redactReport(reportQuoting(value), secretsOf({ APINIZER_TOKEN: token }));
          for (const [, render] of RENDERERS) {
            const out = render(report);
            expect(shownRuns(out, token)).toEqual([]);
            expect(out).toContain("20261207200509501zf55rlski6umj6la");
            expect(out).toContain("2026-12-07");
          }
        },
      ),
      { numRuns: 60, seed: 5 },
    );
  });

  it("redact keeps a message's kept words where a secret only shares characters", () => {
    expect(
      redact("field password of apinizer:Connection", ["xpassw0rd"], {
        keep: ["password", "apinizer:Connection"],
      }),
    ).toBe("field password of apinizer:Connection");
  });
});

describe("the credentials of further accounts given in the environment", () => {
  // Promise: the drift report masks the environment's secrets. PICTORY_ACCOUNTS and
  // APINIZER_ACCOUNTS hold further accounts as JSON (`{"eu": {"apiKey": …, "baseUrl": …}}`): their
  // keys and tokens are secrets, the rest of the JSON is not.
  it.each([
    [
      "PICTORY_ACCOUNTS",
      { eu: { apiKey: "pk-Zq9wLm4KpT7xYvB2", baseUrl: "https://eu.example/p" } },
    ],
    [
      "APINIZER_ACCOUNTS",
      { b: { token: "Zq9wLm4KpT7xYvB2", baseUrl: "https://u:Pw9xKq2m@b/apiops" } },
    ],
  ])("%s: every credential is masked, the report's words are not", (name, accounts) => {
    const secrets = secretsOf({ [name]: JSON.stringify(accounts) });
    const said = `rejected ${JSON.stringify(accounts)} at baseUrl`;
    const text = renderText(redactReport(reportQuoting(said), secrets));
    expect(shownRuns(text, "Zq9wLm4KpT7xYvB2")).toEqual([]);
    expect(shownRuns(text, "Pw9xKq2m")).toEqual([]);
    expect(text).toContain("baseUrl");
  });
});
