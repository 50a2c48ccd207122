import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { KindMetadata } from "./metadata";

/**
 * A name the SDK proposes for a connection whose program leaves `name` out. The provider takes it
 * on create, keeps the old name on later updates (and across `aliases`), and derives a fresh one
 * for a replacement so that the new connection can exist beside the old one.
 */
export interface AutonameProposal {
  readonly name: string;
  /** No random part: a replacement cannot get another name, so it must delete first. */
  readonly fixed: boolean;
}

/** One level of Pulumi's `pulumi:autonaming` stack config. */
interface NamingConfig {
  readonly mode?: "default" | "verbatim" | "disabled";
  readonly pattern?: string;
}

interface AutonamingConfig extends NamingConfig {
  readonly providers?: Readonly<
    Record<string, NamingConfig & { readonly resources?: Readonly<Record<string, NamingConfig>> }>
  >;
}

/** Dynamic resources belong to this provider package in Pulumi's type tokens. */
const PROVIDER = "pulumi-nodejs";

const RANDOM = /\$\{(hex|alphanum|string|num)\((\d+)\)\}|\$\{uuid\}/g;

/**
 * The name for a resource, as Pulumi's autonaming configuration asks (the same rules and
 * expressions as the engine's, pkg/resource/autonaming): `mode: default` is the resource name
 * plus `-` and 7 hex characters, `verbatim` the resource name, `disabled` none, and a `pattern`
 * may use `${name}`, `${project}`, `${stack}`, `${organization}`, `${config.KEY}` and the random
 * `${hex(n)}`, `${alphanum(n)}`, `${string(n)}`, `${num(n)}`, `${uuid}`. The random parts are
 * derived from the project, stack, type and resource name, so `preview` and `up`, and every run,
 * propose the same name, and two stacks of one program propose different ones.
 */
export function proposeName(
  token: string,
  resourceName: string,
  meta: KindMetadata,
  fixedValues: readonly unknown[],
): AutonameProposal {
  const naming = namingFor(`${PROVIDER}:dynamic/${token}`);
  // The values fixed at creation are part of the seed: a replacement, which changes one of them,
  // is proposed another name, and can be created before the old connection is deleted.
  const random = seededRandom(
    [pulumi.getProject(), pulumi.getStack(), token, resourceName, JSON.stringify(fixedValues)].join(
      "\u0000",
    ),
  );
  const allowed = new RegExp(meta.autoname.alphabet);
  const clean = (s: string) => [...s].map((c) => (allowed.test(c) ? c : "-")).join("");
  const max = meta.autoname.maxLength;
  if (naming.pattern === undefined) {
    if (naming.mode === "verbatim") return { name: resourceName, fixed: true };
    const suffix = hex(random, 7);
    return {
      name: `${clean(resourceName).slice(0, max - suffix.length - 1)}-${suffix}`,
      fixed: false,
    };
  }
  const fixed = naming.pattern.match(RANDOM) === null;
  const name = naming.pattern
    .replaceAll("${name}", resourceName)
    .replaceAll("${project}", pulumi.getProject())
    .replaceAll("${stack}", pulumi.getStack())
    .replaceAll("${organization}", pulumi.getOrganization())
    .replace(/\$\{config\.([^}]+)\}/g, (_, key: string) => new pulumi.Config().get(key) ?? "")
    .replace(RANDOM, (_, kind: string | undefined, n: string | undefined) =>
      kind === undefined ? uuid(random) : draw(random, kind, Number(n)),
    );
  return { name: clean(name).slice(0, max), fixed };
}

/** Whether `pulumi:autonaming` turns autonaming off for this kind. */
export function autonamingDisabled(token: string): boolean {
  return namingFor(`${PROVIDER}:dynamic/${token}`).mode === "disabled";
}

/** The most specific level of the config that applies to this type: resource, provider, stack. */
function namingFor(type: string): NamingConfig {
  let config: AutonamingConfig | undefined;
  try {
    config = new pulumi.Config("pulumi").getObject<AutonamingConfig>("autonaming");
  } catch {
    config = undefined;
  }
  const provider = config?.providers?.[PROVIDER];
  return (
    provider?.resources?.[type] ??
    (provider && (provider.mode || provider.pattern) ? provider : (config ?? {}))
  );
}

type Random = () => number;

/** A deterministic byte stream: SHA-256 of the seed and a counter. */
function seededRandom(seed: string): Random {
  let block = Buffer.alloc(0);
  let at = 0;
  let counter = 0;
  return () => {
    if (at >= block.length) {
      block = createHash("sha256").update(`${seed}\u0000${counter++}`).digest();
      at = 0;
    }
    return block[at++]!;
  };
}

function hex(random: Random, n: number): string {
  let out = "";
  while (out.length < n) out += random().toString(16).padStart(2, "0");
  return out.slice(0, n);
}

const ALPHABETS: Readonly<Record<string, string>> = {
  alphanum: "abcdefghijklmnopqrstuvwxyz0123456789",
  string: "abcdefghijklmnopqrstuvwxyz",
  num: "0123456789",
};

function draw(random: Random, kind: string, n: number): string {
  if (kind === "hex") return hex(random, n);
  const chars = ALPHABETS[kind]!;
  let out = "";
  for (let i = 0; i < n; i++) out += chars[random() % chars.length];
  return out;
}

function uuid(random: Random): string {
  const h = hex(random, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
