/**
 * The drift report (`pulumi-connections drift`) as `redactReport` masks it with the environment's
 * secrets and the renderers print it. Promise 1: no secret the environment holds, and no URL's
 * credential, is shown; promise 2: ordinary text (a stack name) stays readable.
 */
import { renderJson, renderText } from "../../cli/drift/render";
import { redactReport, secretsOf } from "../../cli/shared/redaction";
import { MASK } from "../../provider/core/secrets";
import { RENDERERS, reportDrifting, shownRuns } from "../helpers/masking";

const reportWith = (value: unknown, stack = "dev") =>
  reportDrifting({ stack, field: "propertiesMap", old: { retries: "3" }, new: value });

describe("an API map value under a key named `remediation`", () => {
  // Promise 1: no secret the environment holds and no URL credential is shown in a drift report.
  // Break: redactReport's walk treats ANY string under a key named "remediation" as the report's
  // own command (redactCommand), at any depth, inside a drifted field's API value too; a command's
  // tokens before its first `-option` are shown as written, neither masked nor URL-redacted.
  // Counterexample: PGPASSWORD="Hunter2secret", a drifted Apinizer propertiesMap
  // {"remediation":"Hunter2secret"} is printed as `{"remediation":"Hunter2secret"}` in every
  // format; {"remediation":"postgres://admin:Tr0ub4dor3x@db:5432/app"} keeps its password.
  it.each(RENDERERS)("%s: the environment's secret is masked", (_name, render) => {
    const secrets = secretsOf({ PGPASSWORD: "Hunter2secret" });
    const out = render(redactReport(reportWith({ remediation: "Hunter2secret" }), secrets));
    expect(shownRuns(out, "Hunter2secret")).toEqual([]);
  });

  it.each(RENDERERS)("%s: a URL's password is dropped", (_name, render) => {
    const url = "postgres://admin:Tr0ub4dor3x@db:5432/app";
    const out = render(redactReport(reportWith({ remediation: url }), []));
    expect(shownRuns(out, "Tr0ub4dor3x")).toEqual([]);
  });

  // What held: the same value under any other key is masked.
  it("under another key it is masked", () => {
    const secrets = secretsOf({ PGPASSWORD: "Hunter2secret" });
    const out = renderJson(redactReport(reportWith({ command: "Hunter2secret" }), secrets));
    expect(shownRuns(out, "Hunter2secret")).toEqual([]);
  });
});

describe("a value that reads like one of the report's own sentences", () => {
  // Promise 1: an environment secret is never shown. Break: redactReport keeps, as the report's
  // own words, whatever in a value matches REPORT_PATTERNS (`\d+ connections? could not be
  // read`, `possible credential change (version \d+ → \d+)`), and the digits in it came from the
  // value, not from the code: a numeric secret standing there is kept whole.
  // Counterexample: MYSQL_PWD="48151623", a drifted value "48151623 connections could not be
  // read" (or "possible credential change (version 48151623 → 2)") is shown unchanged.
  it.each([
    "48151623 connections could not be read",
    "possible credential change (version 48151623 → 2)",
  ])("%j shows no run of the secret", (value) => {
    const secrets = secretsOf({ MYSQL_PWD: "48151623" });
    for (const [, render] of RENDERERS) {
      const out = render(redactReport(reportWith({ note: value }), secrets));
      expect(shownRuns(out, "48151623")).toEqual([]);
    }
  });
});

describe("a short environment secret inside the stack name of the advised command", () => {
  // Promise 2: ordinary text (a stack name) stays readable; the docs: an environment secret
  // shorter than 6 characters is masked "only where it stands as a word". Break: redactCommand
  // masks each option value with plain `redact`, without `shortAsWords`, so a one-letter or
  // four-digit password hides letters inside the stack name in the command to run, while the
  // same name is shown whole in the report's heading, which spells the secret out by difference.
  // Counterexample: PGPASSWORD="e", stack "dev": heading `stack "dev"`, remediation
  // `pulumi up --refresh --stack d[secret]v`; PGPASSWORD="2026", stack "release2026q1":
  // `--stack release[secret]q1`.
  it.each([
    ["e", "dev"],
    ["1", "eu1prod"],
    ["2026", "release2026q1"],
  ])("PGPASSWORD=%j leaves the stack %j readable in the command", (password, stack) => {
    const r = redactReport(
      reportWith({ retries: "4" }, stack),
      secretsOf({ PGPASSWORD: password }),
    );
    expect(r.stack).toBe(stack);
    expect(r.remediation).toBe(`pulumi up --refresh --stack ${stack}`);
    expect(renderText(r)).toContain(`--stack ${stack}`);
  });

  // What held: a long secret that is the stack name is masked in the command.
  it("a stack named like a long secret is masked in the command", () => {
    const r = redactReport(reportWith({ retries: "4" }, "Hunter2secret"), ["Hunter2secret"]);
    expect(r.remediation).toBe(`pulumi up --refresh --stack ${MASK}`);
  });
});
