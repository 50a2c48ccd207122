/**
 * The provider implementation. The serialized shim in `sdk/shim.ts` requires this module by its
 * package name at call time, so state holds a few hundred bytes per resource, never this code.
 */
import { manageDynamicProviderHost } from "./core/lifecycle";
import { ProviderHooks, ProviderRuntime } from "./core/runtime";
import { KINDS } from "./registry";

export * from "./core/errors";
export { KINDS } from "./registry";
export { ProviderRuntime, ProviderHooks } from "./core/runtime";
export { secretFields, fieldsFor, ResourceKind } from "./core/kind";
export * as engine from "./core/engine";

let runtime: ProviderRuntime | undefined;

/** The process-wide runtime, created on first use. */
export function providerRuntime(): ProviderRuntime {
  runtime ??= new ProviderRuntime(KINDS);
  return runtime;
}

/** Hooks for one kind: what the shim calls, in the dynamic-provider host process. */
export function hooks(token: string): ProviderHooks {
  manageDynamicProviderHost();
  return providerRuntime().hooks(token);
}
