import * as pulumi from "@pulumi/pulumi";
import { ConnectionOptionsArgs, registerArgs } from "../resource";
import { ApinizerConnectionFields } from "./types";

/** Fields every Apinizer connection has (spec C.5). */
export interface ConnectionCommonArgs extends ConnectionOptionsArgs {
  /** The project the connection lives in. Fixed: a change replaces the connection. */
  readonly projectName: pulumi.Input<string>;
  /**
   * Unique in the project (case-insensitive); no spaces. A change renames the connection in place.
   * @default the resource name plus a random suffix, kept across updates
   */
  readonly name?: pulumi.Input<string>;
  /** @default none */
  readonly description?: pulumi.Input<string>;
  /** Deploy to (or undeploy from) the workers with each change. @default true */
  readonly deployToWorker?: pulumi.Input<boolean>;
  /** @default true */
  readonly enabled?: pulumi.Input<boolean>;
}

/** Arguments of an Apinizer connection: the common fields plus those of its `type`. */
export type ConnectionArgs = ConnectionCommonArgs & ApinizerConnectionFields;

/** An Apinizer project connection of one of the 14 types; `type` is fixed at creation. */
export class Connection extends pulumi.dynamic.Resource {
  declare public readonly projectName: pulumi.Output<string>;
  declare public readonly name: pulumi.Output<string>;
  declare public readonly type: pulumi.Output<string>;
  declare public readonly description: pulumi.Output<string | undefined>;
  declare public readonly deployToWorker: pulumi.Output<boolean | undefined>;
  declare public readonly enabled: pulumi.Output<boolean | undefined>;
  /** What the last create or update reported about deploying to the workers (spec C.3). */
  declare public readonly deploymentResult: pulumi.Output<Record<string, unknown> | undefined>;

  public constructor(name: string, args: ConnectionArgs, opts?: pulumi.CustomResourceOptions) {
    const [provider, props, options] = registerArgs("apinizer:Connection", name, args, opts);
    super(provider, name, props, options, "apinizer", "Connection");
  }
}
