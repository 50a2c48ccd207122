import * as pulumi from "@pulumi/pulumi";
import { KINDS } from "../provider/registry";
import { fieldsFor, Props, secretFields } from "../provider/core/kind";
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
 * The properties a resource of this kind exposes as outputs: every field of the kind (and of its
 * `type`, when that is known now) and every output-only property. Pulumi only resolves outputs
 * for keys present at registration, so an omitted optional argument must still be registered (as
 * `undefined`) for `connection.enabled` to hold the API's value rather than be missing.
 */
export function declaredProperties(token: string, args: object): string[] {
  const kind = KINDS.get(token)!;
  const fields = fieldsFor(kind, args as Props);
  return [...Object.keys(fields).filter((k) => !fields[k]!.local), ...kind.outputs];
}

/**
 * Registers a connection of the given kind: the props carry the arguments, the autoname prefix
 * when no name is given, and every declared property; secret fields become secret outputs.
 */
export function registerArgs(
  token: string,
  resourceName: string,
  args: object,
  opts: pulumi.CustomResourceOptions | undefined,
): [pulumi.dynamic.ResourceProvider, Record<string, unknown>, pulumi.CustomResourceOptions] {
  const props: Record<string, unknown> = { ...args };
  if ((args as { name?: unknown }).name === undefined) props.autonamePrefix = resourceName;
  for (const key of declaredProperties(token, args)) if (!(key in props)) props[key] = undefined;
  const kind = KINDS.get(token)!;
  const secrets = secretFields(kind);
  const merged: pulumi.CustomResourceOptions = {
    ...opts,
    additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secrets],
  };
  return [providerShim(token), props, merged];
}
