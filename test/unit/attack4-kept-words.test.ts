/**
 * The code's own words (type tokens, field names, config keys, the commands a report names) are
 * kept readable where a secret shares characters with them. A secret that HOLDS such a word must
 * still not be shown: the word is the code's, the secret around it is not.
 */
import { renderJson, renderText } from "../../cli/drift/render";
import { redactReport, secretsOf, stackMasker } from "../../cli/shared/redaction";
import { ProviderRuntime } from "../../provider/core/runtime";
import { MASK, redact } from "../../provider/core/secrets";
import { KINDS } from "../../provider/registry";
import { reportQuoting } from "../helpers/masking";

/** Whether `text` shows `secret` whole or any six characters of it in a row. */
function shows(text: string, secret: string): boolean {
  return text.split(MASK).some((piece) => {
    for (let i = 0; i + 6 <= secret.length; i++)
      if (piece.includes(secret.slice(i, i + 6))) return true;
    return false;
  });
}

describe("a secret that holds one of the code's own words", () => {
  // Promise: the drift report masks the environment's secrets (PULUMI_CONFIG_PASSPHRASE,
  // PGPASSWORD, ...) in every value it took from outside. Break: redaction splits the text at each
  // kept word (field names such as `password`, `description`; `pulumi`, `connection`) and masks
  // each piece alone; the pieces of a secret around a kept word are shorter than six characters,
  // so the secret is shown whole.
  // Counterexample: PULUMI_CONFIG_PASSPHRASE="my-pulumi-pass", a drifted description
  // "my-pulumi-pass": every format of the report shows "my-pulumi-pass"; PGPASSWORD=
  // "mypassword-2026" likewise.
  it.each([
    ["PULUMI_CONFIG_PASSPHRASE", "my-pulumi-pass"],
    ["PGPASSWORD", "mypassword-2026"],
    ["APINIZER_TOKEN", "apinizer-tok"],
  ])("the environment's %s is not shown in a drift report", (name, secret) => {
    const report = redactReport(
      reportQuoting(`set by ops: ${secret}`),
      secretsOf({ [name]: secret }),
    );
    // The report's own words (`pulumi up`, `apinizer:Connection`) are printed whatever the secret:
    // a run of the secret that a report quoting nothing shows too is not the secret's.
    const baseline = redactReport(reportQuoting("set by ops: -"), secretsOf({ [name]: secret }));
    for (const render of [renderText, renderJson]) {
      const own = render(baseline);
      const runs = Array.from({ length: secret.length - 5 }, (_x, i) => secret.slice(i, i + 6));
      expect(runs.filter((r) => render(report).includes(r) && !own.includes(r))).toEqual([]);
      expect(render(report)).not.toContain(secret);
    }
  });

  // Same break with the stack's own secrets in a message the report quotes (an unreadable
  // connection's error, a URN): `stackMasker(...).message` keeps the code's words.
  // Counterexample: stack secret "mypassword-2026" in "failed: mypassword-2026" is shown whole.
  it("a stack secret is not shown in a message the drift report quotes", () => {
    const secret = "mypassword-2026";
    expect(
      shows(stackMasker([secret]).message(`read failed: value ${secret} rejected`), secret),
    ).toBe(false);
  });

  // The provider's last line of defence for an error it did not raise keeps every kind's own
  // words (field names included). Counterexample: secret "db-password-1" in an unexpected
  // TypeError's message is shown whole: "db-" and "-1" are each shorter than a run.
  it("an unexpected error quoting a secret that holds a field name shows none of it", async () => {
    const runtime = new ProviderRuntime(KINDS);
    try {
      const secret = "db-password-1";
      const message = await runtime
        .operation("apinizer:Connection", [secret], () =>
          Promise.reject(
            new TypeError(`Cannot read properties of undefined (reading '${secret}')`),
          ),
        )
        .then(
          () => "no error",
          (e: Error) => e.message,
        );
      expect(message).toContain("unexpected error");
      expect(shows(message, secret)).toBe(false);
    } finally {
      runtime.close();
    }
  });

  // What held: a kept word stays readable where a secret merely shares characters with it, and a
  // secret whose pieces around the word are long enough is masked around it.
  // A secret that holds the word is masked whole, the word with it: eight characters of it shown
  // in place would be a run of the secret. The word elsewhere stays readable.
  it("keeps the word elsewhere and masks the secret that holds it whole", () => {
    const shown = redact(
      "field password: xpassword-correct-horse-battery",
      ["xpassword-correct-horse-battery"],
      {
        keep: ["password"],
      },
    );
    expect(shown).toBe(`field password: ${MASK}`);
  });
});

describe("the environment's secrets in a drift report, escaped", () => {
  // Promise: the drift report masks the environment's secrets "in the same forms" as the
  // provider (which undoes JSON, HTML and percent escapes first). Break: the report's pass over
  // the environment's secrets (redactReport) never decodes, so a secret written with every
  // character escaped is shown: the stack's secrets (stackMasker) are decoded and masked.
  // Counterexample: PGPASSWORD="Correct-Horse-99", a value "&#x43;&#x6f;&#x72;..." (HTML hex
  // entities of it) is shown as it is; so are "\u0043\u006f..." and "\x43\x6f...".
  const secret = "Correct-Horse-99";
  it.each([
    ["HTML hex entities", [...secret].map((c) => `&#x${c.charCodeAt(0).toString(16)};`).join("")],
    [
      "JSON \\u escapes",
      [...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""),
    ],
    ["\\x escapes", [...secret].map((c) => `\\x${c.charCodeAt(0).toString(16)}`).join("")],
  ])("%s of PGPASSWORD are masked", (_name, echoed) => {
    const report = redactReport(reportQuoting(echoed), secretsOf({ PGPASSWORD: secret }));
    // The value as every format prints it (the JSON format escapes its backslashes once more).
    expect(String(report.drifted[0]!.fields[0]!.new)).not.toContain(echoed.slice(0, 24));
    expect(renderText(report)).not.toContain(echoed.slice(0, 24));
    // The stack's secrets, in the same value, are masked (what held).
    expect(stackMasker([secret]).text(echoed)).toBe(MASK);
  });
});
