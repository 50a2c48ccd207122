import * as pulumi from "@pulumi/pulumi";

const shims = new Map<string, pulumi.dynamic.ResourceProvider>();

/**
 * The provider object that Pulumi serializes into every resource's state. It captures one string
 * (the kind's token) and requires the installed implementation at call time, so that refresh and
 * delete run the code that is installed, credentials come from `configure` or the environment,
 * and state stays small. Never let it capture anything else: a schema, a client or a key would be
 * serialized by value into state.
 */
export function providerShim(token: string): pulumi.dynamic.ResourceProvider {
  let shim = shims.get(token);
  if (!shim) {
    // Short names on purpose: this source text lands in state once per resource (goal: 2 KB).
    const t = token;
    const i = () => require("pulumi-connections/provider").hooks(t);
    shim = {
      configure: (r) => i().configure(r),
      check: (...a) => i().check(...a),
      diff: (...a) => i().diff(...a),
      create: (r) => i().create(r),
      read: (...a) => i().read(...a),
      update: (...a) => i().update(...a),
      delete: (...a) => i().delete(...a),
    };
    shims.set(token, shim);
  }
  return shim;
}
