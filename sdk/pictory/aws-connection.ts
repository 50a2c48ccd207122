import * as pulumi from "@pulumi/pulumi";
import { ConnectionOptionsArgs, registerArgs } from "../resource";

export interface AwsConnectionArgs extends ConnectionOptionsArgs {
  /**
   * Unique within the Pictory account: 1-100 letters, digits, spaces, `_` or `-`.
   * @default the resource name plus a random suffix, kept across updates
   */
  readonly name?: pulumi.Input<string>;
  /** At most 250 characters. @default none */
  readonly description?: pulumi.Input<string>;
  /** @default true */
  readonly enabled?: pulumi.Input<boolean>;
  /** The 12-digit AWS account holding the bucket. Fixed at creation: a change replaces the connection. */
  readonly awsAccountId: pulumi.Input<string>;
  /** The bucket's region, e.g. `us-east-2`. Fixed at creation: a change replaces the connection. */
  readonly awsRegion: pulumi.Input<string>;
}

/** A Pictory AWS S3 private connection: lets Pictory read media from a private bucket. */
export class AwsConnection extends pulumi.dynamic.Resource {
  declare public readonly name: pulumi.Output<string>;
  declare public readonly description: pulumi.Output<string | undefined>;
  declare public readonly enabled: pulumi.Output<boolean | undefined>;
  declare public readonly awsAccountId: pulumi.Output<string>;
  declare public readonly awsRegion: pulumi.Output<string>;
  /** Server-assigned ID (also the resource ID). */
  declare public readonly connectionId: pulumi.Output<string>;
  /** Optimistic-locking version: 1 after create, +1 per update. */
  declare public readonly version: pulumi.Output<number>;
  /** Set once the API has reported it (its create answer has no dates). */
  declare public readonly createdDate: pulumi.Output<string | undefined>;
  declare public readonly updatedDate: pulumi.Output<string | undefined>;

  public constructor(name: string, args: AwsConnectionArgs, opts?: pulumi.CustomResourceOptions) {
    const [provider, props, options] = registerArgs("pictory:AwsConnection", name, args, opts);
    super(provider, name, props, options, "pictory", "AwsConnection");
  }
}
