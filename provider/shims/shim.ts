import type * as pulumi from "@pulumi/pulumi";

/**
 * The dynamic provider of one resource kind as Pulumi stores it: methods that require the
 * installed implementation at call time, so refresh and delete run the code that is installed and
 * credentials come from `configure` or the environment.
 *
 * Each kind has a module in this folder whose exports object *is* this provider. Pulumi's closure
 * serializer stores an installed module's exports as `require("<package path>")` rather than by
 * value, so every resource's `__provider` is about 300 bytes instead of about 2 KB of function
 * source, and it is stored twice per resource (inputs and outputs). Those paths are written into
 * users' state: never rename or remove a module here. When the package is not installed (a
 * linked checkout), Pulumi falls back to serializing these closures by value; they capture the
 * token alone so that copy stays small too, and never a schema, a client or a key.
 *
 * package.json exports this folder's files under their own path (`./dist/provider/shims/*.js`):
 * when the serializer cannot read our package.json from where @pulumi/pulumi is installed, it
 * writes the literal path, which must then resolve.
 */
export function providerShim(token: string): pulumi.dynamic.ResourceProvider {
  // Short names on purpose: in the by-value fallback this source text lands in state.
  const t = token;
  const i = () => require("pulumi-connections/provider").hooks(t);
  return {
    configure: (r) => i().configure(r),
    check: (...a) => i().check(...a),
    diff: (...a) => i().diff(...a),
    create: (r) => i().create(r),
    read: (...a) => i().read(...a),
    update: (...a) => i().update(...a),
    delete: (...a) => i().delete(...a),
  };
}
