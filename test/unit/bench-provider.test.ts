import { hookGoal, measureProviderLevel } from "../../bench/provider-level";

// The benchmark is not part of the test run, so its provider-level pass would rot unseen: this
// runs it, against the in-process emulator, and holds the request goals it reports.
test("each provider hook of each kind sends the requests the benchmark's goal states", async () => {
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    const { hooks, serialized } = await measureProviderLevel();
    expect(hooks.map((h) => `${h.kind} ${h.op}`)).toHaveLength(18);
    const off = hooks
      .filter((h) => h.requests !== hookGoal(h.kind, h.op))
      .map((h) => `${h.kind} ${h.op}: ${h.detail.join(", ")}`);
    expect(off).toEqual([]);
    expect(serialized.map((s) => s.kind)).toHaveLength(3);
  } finally {
    log.mockRestore();
  }
});
