import * as pulumi from "@pulumi/pulumi";

/**
 * A value that must be passed as a Pulumi secret, for example `config.requireSecret("password")`
 * or `pulumi.secret(value)`. The provider stores such fields as secret outputs, so they are
 * encrypted in state and masked in every message, whichever way they were passed in.
 */
export type SecretInput<T = string> = pulumi.Input<T>;
