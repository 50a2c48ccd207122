/**
 * What `pulumi up` prints when the provider fails on purpose: the message once, without a
 * JavaScript stack. Pulumi's dynamic-provider host prints a failed check, diff, read or delete on
 * its stderr as `${e}: ${e.stack}` (which the engine shows) before the engine prints the message
 * itself; create and update failures only reach the engine's line.
 */
import { engineProject, EngineProject, ResourceSpec } from "./harness";

jest.setTimeout(300_000);

let p: EngineProject;

beforeAll(async () => {
  p = await engineProject("errors");
});
afterAll(async () => {
  await p?.close();
});

const aws = (name: string): ResourceSpec => ({
  kind: "aws",
  name,
  args: { name: `errors-${name}`, awsAccountId: "123456789012", awsRegion: "us-east-2" },
});

/** How many times `needle` occurs in `text`. */
const count = (text: string, needle: string) => text.split(needle).length - 1;

describe("a provider error in pulumi up's output", () => {
  it("shows a missing credential's message once, without a stack trace", async () => {
    await p.stack.removeConfig("pictory:apiKey");
    await p.setResources([aws("nokey")]);
    const up = await p.runPulumi(["up", "--yes", "--skip-preview"], { PICTORY_API_KEY: "" });
    expect(up.code).not.toBe(0);
    const message = "API key is missing: expected stack config pictory:apiKey";
    // Pulumi reports a resource's error twice, as it happens and among the diagnostics at the end:
    // only those reports carry the message, and the diagnostics hold it once.
    const reports = up.output.split("\n").filter((l) => l.includes(message));
    expect(reports.length).toBeGreaterThan(0);
    for (const line of reports) {
      expect(count(line, message)).toBe(1);
      expect(line).toMatch(/^\s*(pulumi-nodejs:dynamic\/pictory:AwsConnection nokey\s+)?error: /);
    }
    const diagnostics = up.output.slice(up.output.indexOf("Diagnostics:"));
    expect(count(diagnostics, message)).toBe(1);
    expect(up.output).not.toMatch(/^\s+at /m);
    // What the host prints of it: the class and the stable code.
    expect(up.output).toContain("ConnectionConfigError: CONFIG_MISSING");
  });
});
