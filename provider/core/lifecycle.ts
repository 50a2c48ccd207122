/**
 * The provider process's lifecycle, apart from what its operations do: how it stops. A signal,
 * the engine's Cancel call or the end of the `pulumi` run that started it aborts every request in
 * flight ({@link stopping}, which each operation's deadline follows), and the process exits once
 * the operations it counts ({@link counted}) have answered. Only a provider process installs the
 * watchers: the dynamic-provider host through {@link manageDynamicProviderHost}, a native plugin
 * in provider/plugin/main.ts; a program or a test that loads the runtime never does.
 */
import { readFileSync } from "node:fs";
import { debug, onEngineCancel } from "./cancel";

/**
 * Aborted once when the run is cancelled or the process is asked to stop; every operation's
 * deadline follows it, so requests in flight are aborted and none starts after it.
 */
const shutdown = new AbortController();

/** The signal of that abort, for the operations' deadlines. */
export const stopping: AbortSignal = shutdown.signal;

/**
 * Aborts every request in flight and every operation still to come in this process: what a
 * native plugin's `Cancel` does, which the engine sends before it shuts the plugin down.
 */
export function cancelOperations(reason = "the engine cancelled the provider's operations"): void {
  shutdown.abort(Object.assign(new Error(reason), { code: "CANCELLED" }));
}

/** Provider operations running now, and what to do when the last one settles. */
let inFlight = 0;
let onIdle: (() => void) | undefined;

/** Runs one provider operation, counted, so that a stopping process knows when it may exit. */
export async function counted<R>(fn: () => Promise<R>): Promise<R> {
  inFlight++;
  try {
    return await fn();
  } finally {
    if (--inFlight === 0) onIdle?.();
  }
}

/**
 * Makes SIGINT and SIGTERM stop the provider promptly: requests in flight are aborted, so each
 * operation reports that its outcome is unknown instead of hanging until the engine gives up on
 * it, and the process exits once they have answered (`settleMs` later, for the host to send the
 * answers), `graceMs` at the latest. An idle process exits at once: the engine signals every
 * provider process when its run ends and waits for it, so waiting out the grace there would add
 * it to every `pulumi` command. Only the provider process installs this, never a program or a
 * test that loads the runtime.
 */
export function stopOnSignals(graceMs = 2_000, settleMs = 100): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      const exit = () => process.exit(signal === "SIGINT" ? 130 : 143);
      shutdown.abort(Object.assign(new Error(`received ${signal}`), { code: "CANCELLED" }));
      if (inFlight === 0) exit();
      onIdle = () => setTimeout(exit, settleMs).unref();
      setTimeout(exit, graceMs).unref();
    });
  }
}

/**
 * Makes the engine's Cancel call (a first Ctrl-C on `pulumi up`, a CI job's cancel) stop the
 * provider's work: requests in flight are aborted, so each operation answers at once that its
 * outcome is unknown and what to run next, and no request starts after it. The process keeps
 * running: the engine still waits for those answers and may call the provider again (those calls
 * fail without touching the API); it ends the process itself, with a signal, when the run ends.
 * See {@link onEngineCancel} for how the call is observed; where it cannot be, nothing changes.
 */
export function stopOnEngineCancel(): void {
  onEngineCancel(() => {
    if (shutdown.signal.aborted) return;
    debug("the engine cancelled the run: aborting %d operation(s) in flight", inFlight);
    shutdown.abort(Object.assign(new Error("the engine cancelled the run"), { code: "CANCELLED" }));
  });
}

/**
 * Ends the provider process when the `pulumi` run that started it is gone. A run killed with
 * SIGKILL (a lost CI runner, an OOM kill) never signals its providers, and the dynamic-provider
 * host, a gRPC server, would wait for its engine forever: on a long-lived runner every such run
 * left one more process behind. The CLI starts the host through its `pulumi-resource-pulumi-nodejs`
 * shell script, which outlives the CLI, so both links are watched: this process's parent and,
 * where `/proc` shows it, that parent's parent. Either being replaced (the process reparented)
 * means the run is gone. Checked every `pollMs`, on a timer that never keeps the process alive.
 * A native plugin, which the CLI starts itself, watches only its parent (`watchGrandparent` false).
 */
export function exitWithParent(pollMs = 1_000, watchGrandparent = true): void {
  const parent = process.ppid;
  const grandparent = watchGrandparent ? parentOf(parent) : undefined;
  setInterval(() => {
    if (process.ppid === parent && (grandparent === undefined || parentOf(parent) === grandparent))
      return;
    shutdown.abort(
      Object.assign(new Error("the pulumi run that started it is gone"), { code: "CANCELLED" }),
    );
    process.exit(1);
  }, pollMs).unref();
}

/** A process's parent from Linux's `/proc/<pid>/stat`; undefined where that cannot be read. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

let hostManaged = false;

/**
 * Installs the lifecycle of Pulumi's dynamic-provider host process, once, when it first asks for
 * a kind's hooks: signals, the engine's Cancel, and its run's parent and grandparent.
 */
export function manageDynamicProviderHost(): void {
  if (hostManaged) return;
  hostManaged = true;
  stopOnSignals();
  stopOnEngineCancel();
  exitWithParent();
}
