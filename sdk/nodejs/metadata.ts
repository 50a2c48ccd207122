import type { FamilyName } from "../../provider/core/family";

/**
 * What a program needs to know of a resource kind at registration, generated from its declaration
 * into `generated/kinds.ts`: plain data, so that a program loads neither the engine nor zod.
 */
export interface KindMetadata {
  readonly family: {
    readonly name: FamilyName;
    /** Stack config key of the family's credential, for the plain-config warning. */
    readonly credentialKey: string;
    readonly credentialEnv: string;
    /** Stack config key of the family's further accounts, for the same warning. */
    readonly accountsKey: string;
  };
  /** The kind's own wire fields, in declaration order. */
  readonly properties: readonly string[];
  /** Per-variant wire fields, selected by the value of `field`. */
  readonly variants?: {
    readonly field: string;
    readonly properties: Readonly<Record<string, readonly string[]>>;
  };
  /** What identifies a connection, in the order its ID joins them with `/`. */
  readonly lookupBy: readonly string[];
  /** Output-only properties. */
  readonly outputs: readonly string[];
  /** Every secret field, in any variant: always registered as a Pulumi secret. */
  readonly secrets: readonly string[];
  /** How a proposed name is made valid: the characters a name may hold, and its longest length. */
  readonly autoname: {
    readonly alphabet: string;
    readonly maxLength: number;
    /** Fields fixed at creation: the proposal depends on them, so a replacement gets a new name. */
    readonly fixedFields: readonly string[];
  };
}
