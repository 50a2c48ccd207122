import * as pulumi from "@pulumi/pulumi";
import { KINDS } from "../provider/registry";
import { secretFields } from "../provider/core/kind";
import { providerShim } from "./shim";

/** Inputs every connection resource accepts besides its own fields. */
export interface ConnectionOptionsArgs {
  /**
   * Take over an existing connection instead of creating one: `true` looks it up by `name`, a
   * string by its ID (Pictory `connectionId`; Apinizer name). It is then converged to these
   * arguments with one update. `pulumi import` does not work for dynamic resources, hence this.
   * @default false
   */
  readonly adopt?: pulumi.Input<boolean | string>;
  /**
   * What an update does when the connection's `version` moved on outside this stack (HTTP 409):
   * `"fail"` stops with a message, `"overwrite"` re-reads it and re-applies the program.
   * @default the `connections:onConflict` config, else "fail"
   */
  readonly onConflict?: pulumi.Input<"fail" | "overwrite">;
}

/**
 * Registers a connection of the given kind: the props carry the arguments, the autoname prefix
 * when no name is given, and every output property; secret fields become secret outputs.
 */
export function registerArgs(
  token: string,
  resourceName: string,
  args: object,
  opts: pulumi.CustomResourceOptions | undefined,
): [pulumi.dynamic.ResourceProvider, Record<string, unknown>, pulumi.CustomResourceOptions] {
  const kind = KINDS.get(token)!;
  const props: Record<string, unknown> = { ...args };
  if ((args as { name?: unknown }).name === undefined) props.autonamePrefix = resourceName;
  for (const out of kind.outputs) props[out] = undefined;
  const secrets = secretFields(kind);
  const merged: pulumi.CustomResourceOptions = {
    ...opts,
    additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secrets],
  };
  return [providerShim(token), props, merged];
}
