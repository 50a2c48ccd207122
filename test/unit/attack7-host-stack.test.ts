/**
 * What Pulumi's dynamic-provider host prints of a hook's failure: `${e}: ${e.stack}` (see
 * `forHost` in provider/core/runtime.ts), where for an error the code did not raise the stack is
 * the thrown error's own stack, "secrets masked".
 *
 * Promise 1: no error message shows a secret the program or the stack holds, in any form
 * (escapes included). Break: the message of such an error is masked by `maskDecoded` (escapes
 * undone where that uncovers a secret), but the stack the host prints is masked by `redact`
 * alone, which does not undo escapes; and a JavaScript stack starts with the error's message. So
 * a secret escaped character by character (`\u0048\u0075…`, `\x48\x75…`, `&#x48;…`, octal) that
 * the message hides is printed in the stack.
 * Counterexample: apinizer:token "Hunter2secretToken", a create whose transport throws
 * `TypeError: invalid header value "\u0048\u0075\u006e\u0074…"` (each character of the token
 * as `\u00XX`): e.message is masked, e.stack starts with that TypeError line, escapes intact.
 */
import { ConnectionError } from "../../provider/core/errors";
import { HttpClient } from "../../provider/core/http";
import { ProviderRuntime } from "../../provider/core/runtime";
import { decodeEchoes } from "../../provider/core/secrets";
import { KINDS } from "../../provider/registry";

const TOKEN = "Hunter2secretToken";
const hex = (c: string) => c.charCodeAt(0).toString(16);

const runtime = new ProviderRuntime(KINDS);
const config: Record<string, string> = {
  "apinizer:token": TOKEN,
  "apinizer:baseUrl": "http://127.0.0.1:9/apiops",
  "pictory:apiKey": "pictai_unused_key_0000",
};
runtime.settings.configure({ get: (k) => config[k] });
afterAll(() => runtime.close());

/** The error a create hook throws when the transport fails with `thrown`. */
async function createFailure(thrown: Error): Promise<Error> {
  const real = runtime.client.bind(runtime);
  runtime.client = (family, account) => {
    const { call } = real(family, account);
    const http = { send: () => Promise.reject(thrown) } as unknown as HttpClient;
    return { http, call };
  };
  try {
    await runtime
      .hooks("apinizer:Connection")
      .create({ name: "db", projectName: "proj", type: "database" });
  } catch (e) {
    return e as Error;
  } finally {
    runtime.client = real;
  }
  throw new Error("the create did not fail");
}

/** What the host prints: `${e}: ${e.stack}`. */
const printed = (e: Error) => `${String(e)}: ${e.stack ?? ""}`;

describe("a hook's unexpected error quoting the token escaped character by character", () => {
  it.each([
    ["JSON \\u", [...TOKEN].map((c) => `\\u${hex(c).padStart(4, "0")}`).join("")],
    ["\\x", [...TOKEN].map((c) => `\\x${hex(c)}`).join("")],
    ["HTML hex", [...TOKEN].map((c) => `&#x${hex(c)};`).join("")],
    ["octal", [...TOKEN].map((c) => `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`).join("")],
  ])("%s: the stack the host prints does not show it", async (_name, escaped) => {
    expect(decodeEchoes(escaped)).toBe(TOKEN);
    const e = await createFailure(new TypeError(`invalid header value "${escaped}"`));
    // The message held: escapes undone, the token masked.
    expect(ConnectionError.isInstance(e)).toBe(true);
    expect(e.message).not.toContain(escaped.slice(0, 24));
    // The stack the host prints is where it shows.
    expect(printed(e)).not.toContain(escaped.slice(0, 24));
  });

  // What held: the token as written, and its base64, are masked in the stack too.
  it.each([
    ["raw", TOKEN],
    ["base64", Buffer.from(TOKEN).toString("base64")],
  ])("%s: masked in the stack", async (_name, form) => {
    const e = await createFailure(new TypeError(`invalid header value "${form}"`));
    expect(printed(e)).not.toContain(form.slice(0, 8));
  });
});
