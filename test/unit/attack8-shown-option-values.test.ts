/**
 * Option values `redactUrl` shows because their name is a cloud state backend's option
 * (`endpoint`, `profile`, …) and their value matches `PLAIN_OPTION_VALUE`.
 *
 * Promise 1 (docs, "URLs in messages"): no URL in a message shows a credential; "a path segment
 * that looks like a generated key (… as a Slack or Telegram webhook's token) is `[secret]`", and a
 * host that is not a name and a port (`http://admin:hunter2x`) is a credential cut off by the text.
 *
 * Break: `PLAIN_OPTION_VALUE` allows `:` and `/`, so a shown option's value can be a whole URL;
 * that URL is never read as one: its key-like path segments and its non-port "port" are shown.
 *
 * Counterexamples:
 * - `https://h.example.com/x?endpoint=https://hooks.slack.com/services/T00000000/B00000000/Xk9pQ2rT7vW3yZ8aB4cD6eF1`
 *   is shown whole, token included (the same webhook URL on its own shows `…/[secret]`).
 * - `https://h.example.com/x?endpoint=http://admin:hunter2x` is shown whole, while
 *   `http://admin:hunter2x` on its own is `http://[secret]`.
 */
import { excerpt, redact, redactUrls } from "../../provider/core/secrets";

const TOKEN = "Xk9pQ2rT7vW3yZ8aB4cD6eF1";
const WEBHOOK = `https://hooks.slack.com/services/T00000000/B00000000/${TOKEN}`;

describe("a URL inside a shown option's value", () => {
  it("the webhook on its own: its token is masked (holds)", () => {
    expect(redactUrls(`posting to ${WEBHOOK} failed`)).not.toContain(TOKEN);
  });

  it.each([
    ["redactUrls", (t: string) => redactUrls(t)],
    ["redact", (t: string) => redact(t, [])],
    ["excerpt", (t: string) => excerpt(t, [])],
  ])("%s: a webhook's token in `endpoint=` is masked", (_n, show) => {
    const text = `probe https://h.example.com/x?endpoint=${WEBHOOK} failed`;
    expect(show(text)).not.toContain(TOKEN);
  });

  it("the cut-off credential on its own is masked (holds)", () => {
    expect(redactUrls("see http://admin:hunter2x now")).not.toContain("hunter2x");
  });

  it.each([["endpoint"], ["profile"], ["domain"]])(
    "%s=http://admin:hunter2x: the cut-off credential is masked",
    (name) => {
      const text = `probe https://h.example.com/x?${name}=http://admin:hunter2x now`;
      expect(redactUrls(text)).not.toContain("hunter2x");
      expect(excerpt(text, [])).not.toContain("hunter2x");
    },
  );
});
