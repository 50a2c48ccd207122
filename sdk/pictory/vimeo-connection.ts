import * as pulumi from "@pulumi/pulumi";
import { ConnectionOptionsArgs, registerArgs } from "../resource";
import { SecretInput } from "../secret-input";

export interface VimeoConnectionArgs extends ConnectionOptionsArgs {
  /**
   * Unique within the Pictory account: 1-100 letters, digits, spaces, `_` or `-`.
   * @default the resource name plus a random suffix, kept across updates
   */
  readonly name?: pulumi.Input<string>;
  /** At most 250 characters. @default none */
  readonly description?: pulumi.Input<string>;
  /** @default true */
  readonly enabled?: pulumi.Input<boolean>;
  /** The Vimeo app's client identifier, at most 500 characters (returned by the API in clear). */
  readonly clientIdentifier: pulumi.Input<string>;
  /** Secret, write-only: the API never returns it, so it cannot be drift-checked. */
  readonly clientSecret: SecretInput;
  /** Secret, write-only: the API never returns it, so it cannot be drift-checked. */
  readonly accessToken: SecretInput;
}

/** A Pictory Vimeo connection: lets Pictory upload rendered videos to Vimeo. */
export class VimeoConnection extends pulumi.dynamic.Resource {
  declare public readonly name: pulumi.Output<string>;
  declare public readonly description: pulumi.Output<string | undefined>;
  declare public readonly enabled: pulumi.Output<boolean | undefined>;
  declare public readonly clientIdentifier: pulumi.Output<string>;
  /** Secret output. */
  declare public readonly clientSecret: pulumi.Output<string>;
  /** Secret output. */
  declare public readonly accessToken: pulumi.Output<string>;
  declare public readonly connectionId: pulumi.Output<string>;
  declare public readonly version: pulumi.Output<number>;
  declare public readonly createdDate: pulumi.Output<string | undefined>;
  declare public readonly updatedDate: pulumi.Output<string | undefined>;

  public constructor(name: string, args: VimeoConnectionArgs, opts?: pulumi.CustomResourceOptions) {
    const [provider, props, options] = registerArgs("pictory:VimeoConnection", name, args, opts);
    super(provider, name, props, options, "pictory", "VimeoConnection");
  }
}
