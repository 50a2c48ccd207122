/** The API families; a resource kind belongs to exactly one. */
export type FamilyName = "pictory" | "apinizer";

/**
 * One API family, declared once: where its configuration lives, what its credential looks like,
 * and how a request carries it. Settings, messages, the SDK's warnings and the docs derive from it.
 */
export interface FamilyDeclaration {
  readonly name: FamilyName;
  /** Used in messages: "Pictory". */
  readonly title: string;
  readonly credential: {
    /** Stack config key, e.g. `pictory:apiKey`. */
    readonly key: string;
    /** Environment fallback, e.g. `PICTORY_API_KEY`. */
    readonly env: string;
    /** What it is called in messages: "API key", "token". */
    readonly noun: string;
    readonly pattern: RegExp;
    /** The rule the pattern enforces, in words, for a malformed credential. */
    readonly hint: string;
    /** The request headers that carry it. */
    headers(credential: string): Readonly<Record<string, string>>;
  };
  readonly baseUrl: {
    readonly key: string;
    readonly env: string;
    /** @default none: the base URL must be configured */
    readonly default?: string;
    /** Shown in messages and docs. */
    readonly example: string;
  };
}

/** How to set the family's credential, for messages: the exact command and the variable. */
export function credentialAdvice(family: FamilyDeclaration): string {
  const { key, env, noun } = family.credential;
  return `set a valid ${noun} with \`pulumi config set --secret ${key} <value>\` or ${env}`;
}
