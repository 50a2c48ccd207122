/**
 * The provider's last line of defence (`ProviderRuntime.operation`): whatever a hook throws leaves
 * with every secret this process knows masked, in every form. Driven with errors the code did not
 * raise (a TypeError, a SyntaxError), which may quote anything.
 */
import { ProviderRuntime } from "../../provider/core/runtime";
import { MASK } from "../../provider/core/secrets";
import { KINDS } from "../../provider/registry";

const runtime = new ProviderRuntime(KINDS);
afterAll(() => runtime.close());

/** The message `operation` fails with when the hook throws `error`, `secret` being an input. */
function failureOf(secret: string, error: Error): Promise<string> {
  return runtime
    .operation("apinizer:Connection", [secret], () => Promise.reject(error))
    .then(
      () => "no error",
      (e: Error) => e.message,
    );
}

const SECRET = "Hunter2secret";
const hex = (c: string) => c.charCodeAt(0).toString(16);

describe("an unexpected error quoting a secret with every character escaped", () => {
  // Promise: no error message shows a secret the program holds, escaped included. Break: the last
  // line masks the text as the error wrote it, without undoing escapes (the API's error fields
  // are decoded first, by `excerpt`, but an unexpected error is not), and a fully escaped secret
  // has no run of any form the redactor lists: only decimal `&#72;` and `%48` are caught.
  // Counterexample: secret "Hunter2secret", TypeError "bad value \u0048\u0075\u006e..." is shown
  // as it is; likewise `\x48\x75...`, `&#x48;&#x75;...` and octal `\110\165...`.
  it.each([
    ["JSON \\u", [...SECRET].map((c) => `\\u${hex(c).padStart(4, "0")}`).join("")],
    ["\\x", [...SECRET].map((c) => `\\x${hex(c)}`).join("")],
    ["HTML hex", [...SECRET].map((c) => `&#x${hex(c)};`).join("")],
    ["octal", [...SECRET].map((c) => `\\${c.charCodeAt(0).toString(8)}`).join("")],
  ])("%s escapes are masked", async (_name, escaped) => {
    const message = await failureOf(
      SECRET,
      new SyntaxError(`Unexpected token in JSON: {"password":"${escaped}"}`),
    );
    expect(message).toContain("unexpected error");
    expect(message).not.toContain(escaped.slice(0, 24));
  });

  // What held: decimal HTML references and percent escapes of it are masked at the last line.
  it.each([
    ["HTML decimal", [...SECRET].map((c) => `&#${c.charCodeAt(0)};`).join("")],
    ["percent", [...SECRET].map((c) => `%${hex(c)}`).join("")],
    ["base64", Buffer.from(SECRET).toString("base64")],
  ])("%s of it is masked", async (_name, escaped) => {
    const message = await failureOf(SECRET, new TypeError(`bad value ${escaped} here`));
    expect(message).toContain(MASK);
    expect(message).not.toContain(escaped.slice(0, 12));
  });
});
