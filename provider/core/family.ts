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
    /**
     * The path the API is served under (`/pictoryapis`, `/apiops`): an answer that is not the
     * API's, from a base URL without it, is a configuration error naming this path.
     */
    readonly path: string;
  };
  /**
   * Further accounts (servers) of the family, chosen by a resource's `account`: an object keyed by
   * account name, each entry holding the credential under {@link accountCredentialProperty} and
   * `baseUrl`. Stack config wins over the environment property by property.
   */
  readonly accounts: {
    /** Stack config key of the object, e.g. `pictory:accounts`. */
    readonly key: string;
    /** Environment fallback holding the same object as JSON, e.g. `PICTORY_ACCOUNTS`. */
    readonly env: string;
  };
}

/**
 * The property that holds an account's credential: the same word as the family's default
 * credential key (`pictory:apiKey` → `apiKey`), so one word names the credential everywhere.
 */
export function accountCredentialProperty(family: FamilyDeclaration): string {
  const key = family.credential.key;
  return key.slice(key.indexOf(":") + 1);
}

/** The config path of one account's property, for messages: `pictory:accounts.eu.apiKey`. */
export function accountKey(family: FamilyDeclaration, account: string, property: string): string {
  return `${family.accounts.key}.${account}.${property}`;
}

/**
 * How to set the credential in use, for messages: the exact command and the variable. With an
 * account, its entry of the family's accounts object.
 */
export function credentialAdvice(family: FamilyDeclaration, account?: string): string {
  const { key, env, noun } = family.credential;
  if (account === undefined)
    return `set a valid ${noun} with \`pulumi config set --secret ${key} <value>\` or ${env}`;
  const path = accountKey(family, account, accountCredentialProperty(family));
  return (
    `set a valid ${noun} for account "${account}" with ` +
    `\`pulumi config set --path --secret '${path}' <value>\` or in ${family.accounts.env}`
  );
}
