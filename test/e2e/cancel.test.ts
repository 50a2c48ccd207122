/**
 * Ctrl-C on `pulumi up` while a create hangs on the API: the CLI, started as a user's shell
 * starts it, gets SIGINT as a terminal sends it (to its foreground process group; Pulumi runs the
 * provider in a process group of its own, so only the engine's Cancel call reaches it). The run
 * must end within seconds, no request may reach the API after the cancel, and the next
 * refresh and up converge. A CI job's cancel (SIGTERM to `pulumi`) takes the same path.
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

/**
 * Runs `pulumi up` for `specs` (one create at a time), waits for the first create's POST to reach
 * the hostile server, then presses Ctrl-C; expects the run to end within {@link CANCEL_WITHIN_MS}
 * with the cancelled create's advice, and no request to reach the API after the Ctrl-C.
 */
async function cancelDuringCreate(
  specs: readonly ResourceSpec[],
  beforeCtrlC: () => Promise<void> = async () => undefined,
  how: "terminal" | "ci" = "terminal",
): Promise<void> {
  const { p, hostile } = project;
  hostile.clearRequests();
  await p.setResources(specs);
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
    await beforeCtrlC();
    // Requests logged by now reached the API before the signal; anything after them came later.
    const logged = hostile.requests().length;
    const cancelledAt = Date.now();
    if (how === "terminal") {
      // A terminal's Ctrl-C: SIGINT to the foreground process group, which `startPulumi` made
      // the CLI's own.
      process.kill(-pid, "SIGINT");
    } else {
      // A CI job's cancel: SIGTERM to the job's command.
      process.kill(pid, "SIGTERM");
    }
    await waitFor(() => ended, CANCEL_WITHIN_MS, "the run to end after the signal").catch((e) => {
      throw new Error(`${(e as Error).message}; output so far:\n${run.output()}`);
    });
    const result = await run.done;
    expect(Date.now() - cancelledAt).toBeLessThanOrEqual(CANCEL_WITHIN_MS);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(
      how === "terminal" ? "^C received; cancelling" : "SIGTERM received; cancelling",
    );
    // The create reports that its outcome is unknown and what to run next.
    expect(result.output).toContain("was aborted because the run was cancelled");
    expect(result.output).toContain("outcome is unknown");
    expect(result.output).toContain("Run `pulumi refresh`, then `pulumi up`");
    // Nothing reached the API after the cancel: no retry, no name lookup, no second create.
    await new Promise((r) => setTimeout(r, 1_000));
    const late = hostile.requests().slice(logged);
    if (late.length > 0) {
      const what = late.map((r) => `${r.method} ${r.path}`).join(", ");
      throw new Error(
        `requests reached the API after the signal: ${what}; the run:\n${result.output}`,
      );
    }
    expect(hostile.requests().filter((r) => r.method === "POST")).toHaveLength(1);
  } finally {
    if (!ended) await killSession(pid);
  }
}

/** The Pictory AWS connections' names in the emulator, sorted. */
async function apiNames(): Promise<unknown[]> {
  return (await emulatorState(project.p.emulator)).pictory.aws.map((c) => c.name).sort();
}

describe("Ctrl-C on pulumi up", () => {
  it("stops a create whose POST the API holds, and the advised refresh and up converge", async () => {
    const { p, hostile } = project;
    await p.setResources([aws("first")]);
    expect((await p.runPulumi(["up", "--yes", "--skip-preview"])).code).toBe(0);

    // Every POST is held: its answer never comes, and it creates nothing. GETs reach the emulator.
    hostile.setMode({ kind: "slowHeaders", delayMs: NEVER_MS }, { method: "POST" });
    await cancelDuringCreate([aws("first"), aws("held"), aws("queued")]);

    hostile.reset({ kind: "proxy", target: p.emulator.url });
    expect((await p.runPulumi(["refresh", "--yes", "--skip-preview"])).code).toBe(0);
    const up = await p.runPulumi(["up", "--yes", "--skip-preview"]);
    expect(up.output).not.toContain("error:");
    expect(up.code).toBe(0);
    expect((await p.runPulumi(["preview", "--refresh", "--expect-no-changes"])).code).toBe(0);
    expect(await apiNames()).toEqual(["cancel-first", "cancel-held", "cancel-queued"]);
  });

  it("stops a create the API made but has not answered, and the advised refresh, up and adoption converge", async () => {
    const { p, hostile } = project;
    const before = [aws("first"), aws("held"), aws("queued")];
    // Every POST reaches the emulator, which creates the connection; its answer is held.
    hostile.setMode(
      { kind: "proxy", target: p.emulator.url, holdAnswerMs: NEVER_MS },
      { method: "POST" },
    );
    await cancelDuringCreate([...before, aws("made")], async () => {
      // The POST has reached the emulator by now; wait until its create shows there.
      const until = Date.now() + 10_000;
      while (!(await apiNames()).includes("cancel-made") && Date.now() < until)
        await new Promise((r) => setTimeout(r, 50));
    });
    expect(await apiNames()).toContain("cancel-made");

    hostile.reset({ kind: "proxy", target: p.emulator.url });
    expect((await p.runPulumi(["refresh", "--yes", "--skip-preview"])).code).toBe(0);
    // The next up meets the name, and says how to adopt the connection.
    const conflict = await p.runPulumi(["up", "--yes", "--skip-preview"]);
    expect(conflict.code).not.toBe(0);
    expect(conflict.output).toContain("already exists");
    expect(conflict.output).toContain("connections:onNameConflict");
    const adopt = await p.runPulumi(["up", "--yes", "--skip-preview"], {
      CONNECTIONS_ON_NAME_CONFLICT: "adopt",
    });
    expect(adopt.code).toBe(0);
    expect((await p.runPulumi(["preview", "--refresh", "--expect-no-changes"])).code).toBe(0);
    expect(await apiNames()).toEqual([
      "cancel-first",
      "cancel-held",
      "cancel-made",
      "cancel-queued",
    ]);
  });

  it("stops a held create on a CI job's cancel (SIGTERM to pulumi) just the same", async () => {
    const { p, hostile } = project;
    hostile.setMode({ kind: "slowHeaders", delayMs: NEVER_MS }, { method: "POST" });
    const all = [aws("first"), aws("held"), aws("made"), aws("queued")];
    await cancelDuringCreate([...all, aws("ci")], undefined, "ci");
    hostile.reset({ kind: "proxy", target: p.emulator.url });
    expect((await p.runPulumi(["up", "--yes", "--skip-preview"])).code).toBe(0);
    expect(await apiNames()).toContain("cancel-ci");
  });
});
