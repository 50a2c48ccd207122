import * as pulumi from "@pulumi/pulumi";
import { KIND_METADATA } from "./generated/kinds";
import { autonamingDisabled, proposeName } from "./autoname";
import { KindMetadata } from "./metadata";
import { getState } from "./lookup";
import { providerShim } from "./shim";

/** Options of a resource's `.get`: the resource options, and the account to read from. */
export interface ConnectionGetOptions extends pulumi.CustomResourceOptions {
  /**
   * The account (server) to read the connection from, as a resource's `account`.
   * @default the default credentials
   */
  readonly account?: pulumi.Input<string>;
}

/**
 * The arguments of a `.get`: the state that identifies the connection (from its ID) and the
 * resource options with that ID, for a read-only resource that is never created, updated or
 * deleted. A connection that does not exist fails the read naming its ID.
 */
export function getArgs(
  token: string,
  id: pulumi.Input<pulumi.ID>,
  opts: ConnectionGetOptions | undefined,
): [Record<string, unknown>, pulumi.CustomResourceOptions] {
  const { account, ...options } = opts ?? {};
  return [getState(token, id, account), { ...options, id }];
}

/**
 * The properties a resource of this kind exposes as outputs: every field of the kind (and of its
 * `type`, when that is known now) and every output-only property. Pulumi only resolves outputs
 * for keys present at registration, so an omitted optional argument must still be registered (as
 * `undefined`) for `connection.enabled` to hold the API's value rather than be missing.
 */
export function declaredProperties(token: string, args: object): string[] {
  const meta = metadata(token);
  const variant = meta.variants
    ? (meta.variants.properties[String((args as Record<string, unknown>)[meta.variants.field])] ??
      [])
    : [];
  return [...new Set([...meta.properties, ...variant, ...meta.outputs])];
}

function metadata(token: string): KindMetadata {
  const meta = KIND_METADATA[token];
  if (!meta)
    throw new Error(`unknown resource kind ${JSON.stringify(token)}; run \`npm run generate\``);
  return meta;
}

/**
 * Registers a connection of the given kind: the props carry the arguments, a proposed name when
 * none is given (as `__autoname`: Pulumi hides `__` properties from plans and diffs), and every
 * declared property; secret fields become secret inputs and outputs.
 */
export function registerArgs(
  token: string,
  resourceName: string,
  args: object,
  opts: pulumi.CustomResourceOptions | undefined,
): [pulumi.dynamic.ResourceProvider, Record<string, unknown>, pulumi.CustomResourceOptions] {
  const props: Record<string, unknown> = { ...args };
  const meta = metadata(token);
  // A `.get` (getArgs) reads an existing connection: no name is proposed.
  const reading = (args as { __get?: unknown }).__get === true;
  if ((args as { name?: unknown }).name === undefined && !reading) {
    if (autonamingDisabled(token)) {
      throw new Error(
        `${token} "${resourceName}": name is required, because the stack config pulumi:autonaming ` +
          `disables autonaming; set name, or change pulumi:autonaming`,
      );
    }
    const fixed = meta.autoname.fixedFields.map((f) => (args as Record<string, unknown>)[f]);
    props.__autoname = fixed.every((v) => !pulumi.Output.isInstance(v) && !(v instanceof Promise))
      ? proposeName(token, resourceName, meta, fixed)
      : pulumi.all(fixed).apply((values) => proposeName(token, resourceName, meta, values));
  }
  for (const key of declaredProperties(token, args)) if (!(key in props)) props[key] = undefined;
  const secrets = meta.secrets;
  // Options the dynamic-provider host does not hand to the provider travel as hidden inputs.
  if (opts?.replaceOnChanges && opts.replaceOnChanges.length > 0)
    props.__replaceOnChanges = [...opts.replaceOnChanges];
  const t = opts?.customTimeouts;
  if (t && (t.create || t.update || t.delete))
    props.__customTimeouts = {
      ...(t.create ? { create: t.create } : {}),
      ...(t.update ? { update: t.update } : {}),
      ...(t.delete ? { delete: t.delete } : {}),
    };
  // additionalSecretOutputs covers outputs only: the engine stores inputs as the program passed
  // them, so a plain string would sit in clear text in the state's inputs and in every diff.
  for (const key of secrets) if (props[key] !== undefined) props[key] = pulumi.secret(props[key]);
  warnIfCredentialIsPlain(meta.family);
  const merged: pulumi.CustomResourceOptions = {
    ...opts,
    additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secrets],
  };
  return [providerShim(token), props, merged];
}

const warned = new Set<string>();

/**
 * Pulumi stores a stack's config in the state of the provider that runs these resources, so a
 * credential set without `--secret` lands in the state in clear text. Warned once per family.
 */
function warnIfCredentialIsPlain(family: KindMetadata["family"]): void {
  if (warned.has(family.name)) return;
  warned.add(family.name);
  const { credentialKey: key, credentialEnv: env, accountsKey } = family;
  // Not in the SDK's typings (marked internal), hence the guarded lookup.
  const isSecret = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean })
    .isConfigSecret;
  if (typeof isSecret !== "function") return;
  if (pulumi.runtime.getConfig(key) !== undefined && !isSecret(key)) {
    void pulumi.log.warn(
      `${key} is set in plain stack config, so the stack's state holds it in clear text (Pulumi ` +
        `saves stack config in the provider's state); store it encrypted with ` +
        `\`pulumi config set --secret ${key} <value>\`, or pass it in ${env} instead`,
    );
  }
  // An object holding a secret anywhere is secret as a whole.
  if (pulumi.runtime.getConfig(accountsKey) !== undefined && !isSecret(accountsKey)) {
    void pulumi.log.warn(
      `${accountsKey} holds no secret, so its credentials sit in the stack's state in clear text; ` +
        `set each with \`pulumi config set --path --secret '${accountsKey}.<account>.<credential>' <value>\``,
    );
  }
}
