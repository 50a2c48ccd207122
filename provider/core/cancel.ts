import type { IncomingHttpHeaders } from "node:http2";
import { Server } from "node:net";
import { debuglog } from "node:util";

/** Notes for whoever debugs the provider host: shown with `NODE_DEBUG=connections`. */
export const debug = debuglog("connections");

/** The engine's Cancel call as gRPC names it on the wire: the HTTP/2 `:path` of the request. */
export const CANCEL_PATH = "/pulumirpc.ResourceProvider/Cancel";

const OBSERVED = Symbol.for("pulumi-connections:observes-cancel");

/**
 * Calls `onCancel` whenever the engine sends this process its Cancel call.
 *
 * On a first Ctrl-C (or a CI job's cancel, which sends SIGINT or SIGTERM to the CLI) the engine
 * stops starting steps, sends Cancel to every provider (pulumi `deploymentExecutor.Execute` →
 * `Host.SignalCancellation` → `provider.SignalCancellation`) and waits for the steps in flight:
 * the provider.proto comment says Cancel asks a provider to "abort any ongoing resource
 * operations". The provider process never gets the terminal's SIGINT itself, since Pulumi starts
 * plugins in process groups of their own. And Pulumi's dynamic-provider host answers Cancel with
 * an empty reply and nothing else (`ResourceProviderService.cancel` in
 * @pulumi/pulumi/cmd/dynamic-provider/index.js), so without this a create held by the API kept
 * the whole run waiting for the request's deadline. The engine also sends Cancel before it closes
 * a provider at the end of every run (pulumi `defaultHost.Close`); by then nothing is in flight.
 *
 * The host's gRPC server is a local variable of its `main`, so it is found among the process's
 * active handles: a listening `net.Server` with a `stream` listener is an HTTP/2 server, and the
 * dynamic-provider host runs no other. A second `stream` listener on it only observes: it reads
 * the request's `:path` and leaves the call to grpc-js, which answers it as before. This relies on
 * Node's documented HTTP/2 `stream` event and on gRPC's wire format (`/<service>/<method>`), both
 * stable, plus `process._getActiveHandles` to find the server. Wrapping grpc-js's dispatch instead
 * would rely on its private methods (`Server._retrieveHandler`), which any of its minor releases
 * may rename, and on patching the very module instance the host loaded; a mistake there breaks
 * every call, while a failed lookup here only leaves Cancel as Pulumi has it.
 *
 * @returns whether the engine's Cancel is observed; when not, a debug note says why and nothing
 * else changes.
 */
export function onEngineCancel(
  onCancel: () => void,
  handles: () => readonly unknown[] = activeHandles,
): boolean {
  let servers: Server[];
  try {
    servers = handles().filter(
      (h): h is Server => h instanceof Server && h.listenerCount("stream") > 0,
    );
  } catch (e) {
    debug("cannot observe the engine's Cancel call: listing the active handles failed: %s", e);
    return false;
  }
  if (servers.length === 0) {
    debug("cannot observe the engine's Cancel call: no HTTP/2 server is listening in this process");
    return false;
  }
  for (const server of servers) {
    const marked = server as Server & { [OBSERVED]?: boolean };
    if (marked[OBSERVED]) continue;
    marked[OBSERVED] = true;
    server.on("stream", (_stream: unknown, headers: IncomingHttpHeaders) => {
      try {
        if (headers[":path"] === CANCEL_PATH) onCancel();
      } catch (e) {
        // The host's server must keep serving whatever the cancellation does.
        debug("handling the engine's Cancel call failed: %s", e);
      }
    });
  }
  return true;
}

/** Node's list of the handles that keep the process alive (listening servers among them). */
function activeHandles(): readonly unknown[] {
  const list = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles;
  if (typeof list !== "function") throw new Error("process._getActiveHandles is not available");
  return list.call(process);
}
