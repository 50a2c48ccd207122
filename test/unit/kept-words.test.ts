/**
 * The code's own words stay readable where a secret shares characters with them, across their
 * edges too; a secret that holds one of them is still masked whole (test/unit/attack4-kept-words.test.ts).
 * The quickstart's passphrase, `pulumi-connections-local`, is made of such words: it once masked
 * `pulumi c` in "`pulumi cancel --stack busy`" and `Connection::s` in a URN.
 */
import fc from "fast-check";
import { redactReport, secretsOf, stackMasker } from "../../cli/shared/redaction";
import { MASK, redact } from "../../provider/core/secrets";

const OWN_TEXTS = [
  "urn:pulumi:test::drift-get::pulumi-nodejs:dynamic/pictory:AwsConnection::shared",
  "urn:pulumi:dev::app::pulumi-nodejs:dynamic/apinizer:Connection::connections-db",
  "a lock left by a process that is gone is cleared with `pulumi cancel --stack busy`",
  "set a valid API key with `pulumi config set --secret pictory:apiKey <value>` or PICTORY_API_KEY",
  "pulumi-connections import --stack dev --out unmanaged.ts",
];

/** Words the report and the provider keep: a product, a command, type tokens. */
const KEPT = ["pulumi", "pulumi-connections", "connections", "connection", "Connection"];

const passphrase = fc
  .tuple(
    fc.array(fc.constantFrom(...KEPT), { minLength: 1, maxLength: 3 }),
    // As passphrases are written. A `:` or a letter would make runs of the texts themselves
    // (`n:pulu` is in `urn:pulumi`): such a secret is masked there, as any secret is.
    fc.constantFrom("-", "_"),
    // Fewer characters than a run, and none the texts hold next to a kept word.
    fc.string({ unit: fc.constantFrom(..."0123456789".split("")), maxLength: 5 }),
  )
  .map(([words, sep, filler]) => [...words, ...(filler ? [filler] : [])].join(sep));

describe("the code's own words next to other words", () => {
  it("stay readable whatever secret made of them the stack or the environment holds (property)", () => {
    expect(stackMasker(["pulumi-connections-local"]).message(OWN_TEXTS[0]!)).toBe(OWN_TEXTS[0]);
    fc.assert(
      fc.property(passphrase, fc.constantFrom(...OWN_TEXTS), (pass, text) => {
        expect(stackMasker([pass]).message(text)).toBe(text);
        const report = redactReport(
          { reason: text },
          secretsOf({ PULUMI_CONFIG_PASSPHRASE: pass }),
        );
        expect(report.reason).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it("are masked with a secret that holds them, where the secret stands", () => {
    fc.assert(
      fc.property(passphrase, fc.constantFrom(...OWN_TEXTS), (pass, text) => {
        const secret = `x7${pass}q9`;
        const shown = redact(`${text}; refused ${secret}.`, [secret], { keep: KEPT });
        expect(shown).toBe(`${text}; refused ${MASK}.`);
      }),
      { numRuns: 500 },
    );
  });
});
