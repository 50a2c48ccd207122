/**
 * The real engine against an API that misbehaves: a body that trickles forever must make
 * `pulumi up` fail within the configured deadlines (not hang), leave nothing that the next `up`
 * cannot clear, and a wrong-shape answer must never reach the state.
 */
import { emulatorState, ResourceSpec } from "./harness";
import { useHostileProject } from "./hostile-project";

jest.setTimeout(300_000);

const REQUEST_TIMEOUT_MS = 2_000;
const OPERATION_TIMEOUT_MS = 6_000;

const project = useHostileProject("hostile", {
  "connections:requestTimeoutMs": String(REQUEST_TIMEOUT_MS),
  "connections:operationTimeoutMs": String(OPERATION_TIMEOUT_MS),
  "connections:retryMaxDelayMs": "200",
});

const aws = (name: string): ResourceSpec => ({
  kind: "aws",
  name,
  args: { name: `hostile-${name}`, awsAccountId: "123456789012", awsRegion: "us-east-2" },
});

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = Date.now();
  const result = await run();
  return { ms: Date.now() - start, result };
}

describe("pulumi up against a hostile API", () => {
  it("fails within the deadlines when every answer trickles, and the next up converges", async () => {
    const { p, hostile } = project;
    // The engine's own start-up and teardown, measured on this machine with a healthy API.
    await p.setResources([aws("baseline")]);
    const baseline = await timed(() => p.runPulumi(["up", "--yes", "--skip-preview"]));
    expect(baseline.result.code).toBe(0);

    hostile.reset({ kind: "trickle", bytesPerSecond: 2 });
    await p.setResources([aws("baseline"), aws("stuck")]);
    const stuck = await timed(() => p.runPulumi(["up", "--yes", "--skip-preview"]));
    expect(stuck.result.code).not.toBe(0);
    // One operation's deadline (its POST and name lookups share it) plus a few seconds of engine.
    expect(stuck.ms).toBeLessThan(baseline.ms + OPERATION_TIMEOUT_MS + 5_000);
    expect(stuck.result.output).toMatch(/TIMEOUT|got no complete answer|deadline/);
    expect(stuck.result.output).toContain('pictory:AwsConnection "hostile-stuck"');
    expect(stuck.result.output).toContain("connections:");
    // The trickle really was there: requests reached the hostile server and got no complete answer.
    expect(hostile.requests().some((r) => r.method === "POST")).toBe(true);

    // Nothing pending remains that the next up could not clear: it converges and is then clean.
    const state = p.exportStack() as { pending_operations?: unknown[] };
    expect(state.pending_operations ?? []).toEqual([]);
    hostile.reset({ kind: "proxy", target: p.emulator.url });
    const next = await p.runPulumi(["up", "--yes", "--skip-preview"]);
    expect(next.code).toBe(0);
    const clean = await p.runPulumi(["preview", "--refresh", "--expect-no-changes"]);
    expect(clean.code).toBe(0);
    const names = (await emulatorState(p.emulator)).pictory.aws.map((c) => c.name).sort();
    expect(names).toEqual(["hostile-baseline", "hostile-stuck"]);
  });

  it("rejects a refresh answered with the wrong shape, leaving the state as it was", async () => {
    const { p, hostile } = project;
    const before = p.exportStack();
    hostile.reset({
      kind: "json",
      status: 200,
      body: { connectionId: { nested: true }, version: "garbage", createdDate: { x: 1 } },
    });
    const refresh = await p.runPulumi(["refresh", "--yes", "--skip-preview"]);
    expect(refresh.code).not.toBe(0);
    expect(refresh.output).toContain("not what the API documents");
    expect(refresh.output).toContain("connectionId must be a connection ID");
    const after = p.exportStack();
    const outputs = (d: typeof before) =>
      d.resources.filter((r) => r.type.includes("AwsConnection")).map((r) => r.outputs);
    expect(outputs(after)).toEqual(outputs(before));
    hostile.reset({ kind: "proxy", target: p.emulator.url });
    expect((await p.runPulumi(["destroy", "--yes", "--skip-preview"])).code).toBe(0);
  });
});
