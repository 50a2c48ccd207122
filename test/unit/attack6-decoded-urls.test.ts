/**
 * `maskDecoded`, which the drift report (`redactReport`, `stackMasker`) and the provider's last
 * line of defence (`ProviderRuntime.operation`) use: it decodes a text's escapes before it reads
 * the URLs in it. Promise 1: no URL in any message or report shows a credential.
 */
import { renderJson, renderText } from "../../cli/drift/render";
import type { DriftReport } from "../../cli/drift/report";
import { redactReport, stackMasker } from "../../cli/shared/redaction";
import { ProviderRuntime } from "../../provider/core/runtime";
import { excerpt, maskDecoded, redact } from "../../provider/core/secrets";
import { KINDS } from "../../provider/registry";
import { shownRuns } from "../helpers/masking";

const PASSWORD = "Hunter2secret";

// Each URL carries the password inside a shown option's value, behind a percent escape that
// decodes to a space or a newline (where a URL in prose ends); the first two also hold a user
// info (or a value) that redaction changes, which is what makes maskDecoded keep the decoded text.
const URLS = [
  `postgresql://db/?dbname=host%3Ddb%20password%3D${PASSWORD}`,
  `postgresql://u:x@db/app?sslmode=require%20password=${PASSWORD}`,
  `https://u:x@api.example.com/x?sslmode=require%0Apassword=${PASSWORD}`,
];

const runtime = new ProviderRuntime(KINDS);
afterAll(() => runtime.close());

describe("a percent-escaped option after a shown one, decoded before the URL is read", () => {
  // Break: maskDecoded decodes the whole text first (`%20` → space, `%0A` → newline, `%3D` → `=`),
  // so the URL ends at the decoded blank and `password=…` becomes prose after it; redaction of
  // the decoded text changed something (the `dbname` value or the user info), so the decoded
  // text is what is shown. `excerpt` reads URLs before decoding and holds (attack5), but
  // maskDecoded does not. Counterexample: maskDecoded("cannot connect:
  // postgresql://db/?dbname=host%3Ddb%20password%3DHunter2secret", [], {}) is
  // "cannot connect: postgresql://db/?dbname=[secret] password=Hunter2secret".
  it.each(URLS)("maskDecoded: %s", (url) => {
    expect(shownRuns(maskDecoded(`cannot connect: ${url}`, [], {}), PASSWORD)).toEqual([]);
  });

  it.each(URLS)("drift report (a drifted jdbcUrl, every format): %s", (url) => {
    const report: DriftReport = {
      stack: "dev",
      clean: false,
      failed: false,
      checked: 1,
      drifted: [
        {
          resource: "warehouse",
          type: "apinizer:Connection",
          urn: "urn:pulumi:dev::proj::pulumi-nodejs:dynamic/apinizer:Connection::warehouse",
          id: "warehouse",
          fields: [{ field: "jdbcUrl", old: "postgresql://db/app", new: url }],
          possibleCredentialChange: false,
        },
      ],
      deleted: [],
      unreadable: [],
      read: [],
      notCompared: {},
      remediation: "pulumi up --refresh --stack dev",
    };
    const masked = redactReport(report, []);
    expect(shownRuns(renderText(masked), PASSWORD)).toEqual([]);
    expect(shownRuns(renderJson(masked), PASSWORD)).toEqual([]);
  });

  it.each(URLS)("stackMasker: %s", (url) => {
    expect(shownRuns(stackMasker(["unrelated-secret"]).text(url), PASSWORD)).toEqual([]);
  });

  it.each(URLS)("the last line of defence (an unexpected error): %s", async (url) => {
    const message = await runtime
      .operation("apinizer:Connection", ["unrelated-secret"], () =>
        Promise.reject(new TypeError(`cannot connect: ${url}`)),
      )
      .then(
        () => "no error",
        (e: Error) => e.message,
      );
    expect(message).toContain("unexpected error");
    expect(shownRuns(message, PASSWORD)).toEqual([]);
  });

  // What held: redact and excerpt read the URL as written.
  it.each(URLS)("redact and excerpt hold: %s", (url) => {
    expect(shownRuns(redact(`cannot connect: ${url}`, []), PASSWORD)).toEqual([]);
    expect(shownRuns(excerpt(`cannot connect: ${url}`, []), PASSWORD)).toEqual([]);
  });
});
