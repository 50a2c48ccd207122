import type * as pulumi from "@pulumi/pulumi";
import apinizerConnection = require("./apinizer-connection");
import pictoryAwsConnection = require("./pictory-aws-connection");
import pictoryVimeoConnection = require("./pictory-vimeo-connection");

export { providerShim } from "./shim";

const SHIMS: ReadonlyMap<string, pulumi.dynamic.ResourceProvider> = new Map([
  ["pictory:AwsConnection", pictoryAwsConnection],
  ["pictory:VimeoConnection", pictoryVimeoConnection],
  ["apinizer:Connection", apinizerConnection],
]);

/**
 * The provider object the SDK hands to `pulumi.dynamic.Resource` for a kind: the exports object of
 * the kind's shim module, so that Pulumi stores a `require` of that module, not its code.
 */
export function installedShim(token: string): pulumi.dynamic.ResourceProvider {
  const shim = SHIMS.get(token);
  if (!shim)
    throw new Error(`no provider shim for ${JSON.stringify(token)}; add one under provider/shims`);
  return shim;
}
