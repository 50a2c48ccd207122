import * as pulumi from "@pulumi/pulumi";
import type { ProviderRuntime } from "../../provider/core/runtime";
import { KIND_METADATA } from "./generated/kinds";

/**
 * What the generated lookup functions share: the program's own provider runtime, made on first
 * use so that a program that looks nothing up never loads the engine. It reads the same stack
 * config (as the program sees it) and environment variables as the resources' provider.
 */
let runtime: ProviderRuntime | undefined;

function programRuntime(): ProviderRuntime {
  if (runtime) return runtime;
  // Loaded lazily: the engine, zod and the HTTP client are only needed once something is looked up.
  const provider = require("../../provider") as typeof import("../../provider");
  const created = new provider.ProviderRuntime(provider.KINDS);
  created.settings.configure({ get: (key) => pulumi.runtime.getConfig(key) });
  runtime = created;
  return created;
}

/**
 * One GET of a connection, in the program's process (so it works during `preview`). Every secret
 * field the answer carries (for example an Apinizer email `password`, which the API returns in
 * full) comes back as a secret Output: a Promise cannot carry secretness, and a plain string would
 * reach the state in clear as soon as the program exported it.
 */
export async function lookupConnection<T>(
  token: string,
  what: string,
  parts: Readonly<Record<string, unknown>>,
  account: string | undefined,
): Promise<T> {
  const found = await programRuntime().lookup(token, what, parts, account);
  const secrets = new Set(KIND_METADATA[token]?.secrets ?? []);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(found)) {
    if (v === undefined || v === null) continue;
    out[k] = secrets.has(k) ? pulumi.secret(v) : v;
  }
  // The generated result types describe what the kind's declaration lets the API return.
  return out as T;
}

/**
 * The Output form of a lookup: waits for its arguments, then runs the lookup. The result is
 * secret as a whole when it holds a secret field (Pulumi's rule for an Output whose parts are
 * secret), so every property read from it stays secret.
 */
export function lookupConnectionOutput<A, T>(
  args: A,
  run: (plain: pulumi.Unwrap<A>) => Promise<T>,
): pulumi.Output<pulumi.Unwrap<T>> {
  // `apply` leaves Outputs nested in an object as they are; `pulumi.output` of the object unwraps
  // them, and is secret when any of them is.
  return pulumi
    .output(args)
    .apply(run)
    .apply((result) => pulumi.output(result)) as unknown as pulumi.Output<pulumi.Unwrap<T>>;
}

/** The state a `.get` registers: what identifies the connection, parsed from its ID, and the account. */
export function getState(
  token: string,
  id: pulumi.Input<pulumi.ID>,
  account: pulumi.Input<string> | undefined,
): Record<string, unknown> {
  const parts = KIND_METADATA[token]?.lookupBy ?? [];
  const state: Record<string, unknown> = { __get: true };
  if (account !== undefined) state.account = account;
  const split = (value: string): string[] => {
    const pieces = value.split("/");
    if (pieces.length !== parts.length || pieces.some((p) => p === "")) {
      throw new Error(
        `${token}.get: the ID must be the connection's ${parts.join("/")}, received ` +
          `${JSON.stringify(value)}; pass the ID as the resource's \`id\` output shows it`,
      );
    }
    return pieces;
  };
  // A plain ID is checked now, so a wrong one fails at the program's line that passed it.
  const pieces = typeof id === "string" ? split(id) : undefined;
  parts.forEach((part, i) => {
    state[part] = pieces ? pieces[i] : pulumi.output(id).apply((value) => split(value)[i]!);
  });
  return state;
}
