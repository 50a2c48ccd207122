import { FamilyName } from "../core/family";
import { ResourceKind } from "../core/kind";
import { KINDS } from "../registry";

/**
 * One resource of the native plugins: its Pulumi type token, the resource kind whose engine serves
 * it, and the variant it is fixed to. Apinizer's connection types are one resource each, so every
 * language types each one's fields: the `type` discriminator is implied by the token, never an input.
 */
export interface NativeResource {
  /** `apinizer:index:EmailConnection`. */
  readonly token: string;
  /** The lookup function's token: `apinizer:index:getEmailConnection`. */
  readonly function: string;
  /** The package: the family's config namespace. */
  readonly pkg: FamilyName;
  /** `EmailConnection`. */
  readonly name: string;
  readonly kind: ResourceKind;
  /** The value of the kind's discriminator this resource is fixed to (Apinizer `type`). */
  readonly variant?: string;
}

/** `rabbitMq` → `RabbitMq`, `linux-script` → `LinuxScript`. */
export function pascal(s: string): string {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join("");
}

function entry(pkg: FamilyName, name: string, kind: ResourceKind, variant?: string) {
  return {
    token: `${pkg}:index:${name}`,
    function: `${pkg}:index:get${name}`,
    pkg,
    name,
    kind,
    ...(variant !== undefined ? { variant } : {}),
  };
}

/**
 * Every native resource, derived from the kinds: a kind without variants is one resource named
 * after its token (`pictory:AwsConnection` → `pictory:index:AwsConnection`), a kind with variants
 * one per variant (`apinizer:Connection` of type `email` → `apinizer:index:EmailConnection`).
 */
export const NATIVE_RESOURCES: readonly NativeResource[] = [...KINDS.values()].flatMap((kind) => {
  const [pkg, name] = kind.token.split(":") as [FamilyName, string];
  if (!kind.variants) return [entry(pkg, name, kind)];
  return Object.keys(kind.variants.sets).map((variant) =>
    entry(pkg, `${pascal(variant)}${name}`, kind, variant),
  );
});

/** The packages, one per family: named after the config namespace users already set. */
export const PACKAGES: readonly FamilyName[] = [
  ...new Set(NATIVE_RESOURCES.map((r) => r.pkg)),
] as FamilyName[];

const BY_TOKEN = new Map(NATIVE_RESOURCES.map((r) => [r.token, r]));
const BY_FUNCTION = new Map(NATIVE_RESOURCES.map((r) => [r.function, r]));

/** The resource of a type token, or undefined for one these plugins do not serve. */
export function nativeResource(token: string): NativeResource | undefined {
  return BY_TOKEN.get(token);
}

/** The resource a lookup function reads, or undefined for an unknown function token. */
export function nativeFunction(token: string): NativeResource | undefined {
  return BY_FUNCTION.get(token);
}

/** The resources of one package. */
export function resourcesOf(pkg: FamilyName): NativeResource[] {
  return NATIVE_RESOURCES.filter((r) => r.pkg === pkg);
}
