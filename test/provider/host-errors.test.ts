/**
 * What Pulumi's dynamic-provider host prints of an error a hook throws: it writes
 * `${e}: ${e.stack}` on its stderr (for check, diff, read and delete), which the engine shows,
 * and hands `e.message` to the engine, which reports it on the resource. That line must carry
 * neither the message (the engine's report already does) nor a JavaScript stack; the message,
 * code, status and cause stay for code that catches the error.
 */
import { ConnectionError } from "../../provider/core/errors";
import { providerFixture, ProviderFixture } from "./fixture";

let f: ProviderFixture;
beforeEach(async () => {
  f = await providerFixture();
});
afterEach(async () => {
  await f.close();
});

const INPUTS = { name: "host-errors", awsAccountId: "123456789012", awsRegion: "us-east-2" };

/** The hook's failure, which the test expects. */
async function failure(run: () => Promise<unknown>): Promise<ConnectionError> {
  const e = await run().then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!ConnectionError.isInstance(e)) throw new Error(`expected a ConnectionError, got ${e}`);
  return e;
}

/** The line the host prints for an error (cmd/dynamic-provider/index.js). */
const hostLine = (e: Error) => `${e}: ${e.stack}`;

describe("an error a hook throws, as the dynamic-provider host prints it", () => {
  it("a missing credential in check: the class and code, not the message twice and a stack", async () => {
    delete f.config["pictory:apiKey"];
    const e = await failure(() => f.aws.check({}, INPUTS));
    expect(e.code).toBe("CONFIG_MISSING");
    expect(e.message).toContain("pictory:apiKey");
    expect(hostLine(e)).toBe("ConnectionConfigError: CONFIG_MISSING");
  });

  it("an API's refusal in read and delete: the same, with its status kept", async () => {
    const created = await f.aws.create(INPUTS);
    f.config["pictory:apiKey"] = "pictai_wrong_key";
    for (const run of [
      () => f.aws.read(created.id, created.outs),
      () => f.aws.delete(created.id, created.outs),
    ]) {
      const e = await failure(run);
      expect(e.code).toBe("UNAUTHORIZED");
      expect(e.status).toBe(401);
      expect(e.message.length).toBeGreaterThan(0);
      expect(hostLine(e)).toBe(`${e.name}: UNAUTHORIZED`);
      expect(hostLine(e)).not.toMatch(/\n\s+at /);
    }
  });
});
