/**
 * Ctrl-C on `pulumi up` while a create hangs on the API: the CLI, started as a user's shell
 * starts it, gets SIGINT as a terminal sends it (to its foreground process group; Pulumi runs the
 * provider in a process group of its own, so only the engine's Cancel call reaches it). The run
 * must end within seconds, no request may reach the API after the cancel, and the next
 * refresh and up converge.
 */
import { emulatorState, killSession, ResourceSpec } from "./harness";
import { useHostileProject } from "./hostile-project";

jest.setTimeout(300_000);

/**
 * Far above anything the test waits for: only the cancellation can explain a quick end, not a
 * request or operation deadline.
 */
const NEVER_MS = 600_000;
/** The run's end after SIGINT: generous for a loaded 2-core machine, far below any deadline. */
const CANCEL_WITHIN_MS = 10_000;

const project = useHostileProject("cancel", {
  "connections:requestTimeoutMs": String(NEVER_MS),
  "connections:operationTimeoutMs": String(NEVER_MS),
});

const aws = (name: string): ResourceSpec => ({
  kind: "aws",
  name,
  args: { name: `cancel-${name}`, awsAccountId: "123456789012", awsRegion: "us-east-2" },
});

async function waitFor(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("Ctrl-C on pulumi up", () => {
  it("stops the create held by the API within seconds, sends nothing more, and the next up converges", async () => {
    const { p, hostile } = project;
    await p.setResources([aws("first")]);
    expect((await p.runPulumi(["up", "--yes", "--skip-preview"])).code).toBe(0);

    // Every POST is held: its answer never comes. GETs still reach the emulator.
    hostile.setMode({ kind: "slowHeaders", delayMs: NEVER_MS }, { method: "POST" });
    hostile.clearRequests();
    await p.setResources([aws("first"), aws("held"), aws("queued")]);
    const run = p.startPulumi(["up", "--yes", "--skip-preview", "--parallel", "1"]);
    const pid = run.child.pid!;
    let ended = false;
    void run.done.then(() => (ended = true));
    try {
      await waitFor(
        () => hostile.requests().some((r) => r.method === "POST"),
        120_000,
        "the create's POST",
      );
      const cancelledAt = Date.now();
      // A terminal's Ctrl-C: SIGINT to the foreground process group, which `startPulumi` made
      // the CLI's own.
      process.kill(-pid, "SIGINT");
      await waitFor(() => ended, CANCEL_WITHIN_MS, "the run to end after SIGINT").catch((e) => {
        throw new Error(`${(e as Error).message}; output so far:\n${run.output()}`);
      });
      const result = await run.done;
      expect(Date.now() - cancelledAt).toBeLessThanOrEqual(CANCEL_WITHIN_MS);
      expect(result.code).not.toBe(0);
      expect(result.output).toContain("^C received; cancelling");
      // The create reports that its outcome is unknown and what to run next.
      expect(result.output).toContain("was aborted because the run was cancelled");
      expect(result.output).toContain("outcome is unknown");
      expect(result.output).toContain("Run `pulumi refresh`, then `pulumi up`");
      // Nothing reached the API after the cancel: no retry, no name lookup, no second create.
      await new Promise((r) => setTimeout(r, 1_000));
      const late = hostile.requests().filter((r) => r.at >= cancelledAt);
      expect(late.map((r) => `${r.method} ${r.path}`)).toEqual([]);
      expect(hostile.requests().filter((r) => r.method === "POST")).toHaveLength(1);
    } finally {
      if (!ended) await killSession(pid);
    }

    // What the message advises: refresh, then up. The held POST never reached the emulator here;
    // had it, the up would meet the name and say how to adopt it.
    hostile.reset({ kind: "proxy", target: p.emulator.url });
    const refresh = await p.runPulumi(["refresh", "--yes", "--skip-preview"]);
    expect(refresh.code).toBe(0);
    const up = await p.runPulumi(["up", "--yes", "--skip-preview"]);
    expect(up.output).not.toContain("error:");
    expect(up.code).toBe(0);
    expect((await p.runPulumi(["preview", "--refresh", "--expect-no-changes"])).code).toBe(0);
    const names = (await emulatorState(p.emulator)).pictory.aws.map((c) => c.name).sort();
    expect(names).toEqual(["cancel-first", "cancel-held", "cancel-queued"]);
  });
});
