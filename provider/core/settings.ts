import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { ConnectionConfigError } from "./errors";
import { accountCredentialProperty, accountKey, FamilyDeclaration } from "./family";
import { DEFAULT_HTTP_OPTIONS, HttpOptions } from "./http";

/** The stack configuration surface the dynamic-provider host hands to `configure`. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

/**
 * One family's settings as parsed once for this provider process: frozen, and shared by every
 * operation. The credential is never logged and never serialized into state.
 */
export interface FamilySettings {
  readonly declaration: FamilyDeclaration;
  /** The account these settings are of; undefined for the family's default credentials. */
  readonly account?: string;
  readonly baseUrl: string;
  readonly credential: string;
  /** Where the credential is configured, for messages: `pictory:apiKey`, `pictory:accounts.eu.apiKey`. */
  readonly credentialKey: string;
  /** Where the base URL is configured, for messages. */
  readonly baseUrlKey: string;
  /** The headers that carry the credential, built once. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The user and password the configured base URL held before its `@`, raw and decoded: never
   * sent (requests go to the URL's origin) and not part of {@link baseUrl}, masked like the
   * credential wherever else they appear.
   */
  readonly userInfo: readonly string[];
}

export interface ProviderSettings {
  /** The config key of a provider-wide setting, for messages: `connections:onNameConflict`. */
  key(name: ProviderSettingName): string;
  readonly http: HttpOptions;
  /** Deadline of one provider operation (create, read, update, delete), retries and lookups included. */
  readonly operationTimeoutMs: number;
  /** Default policy on a 409 version conflict; a resource's `onConflict` input overrides it. */
  readonly onConflict: "fail" | "overwrite";
  /**
   * What a create does when the API already has a connection with the name: fail (default), or
   * adopt it as `adopt: true` would. For recovering from an interrupted `pulumi up`.
   */
  readonly onNameConflict: "fail" | "adopt";
  /** What a `deploymentResult.success: false` answer from Apinizer does. */
  readonly onDeploymentFailure: "warn" | "fail";
}

/** A provider-wide number setting: its default and the least value it takes (a smaller one is raised). */
interface NumberSettingDeclaration {
  readonly kind: "number";
  readonly default: number;
  readonly min: number;
  /** What it bounds, for the docs. */
  readonly doc: string;
}

/** A provider-wide choice: the first value is the default. */
interface ChoiceSettingDeclaration {
  readonly kind: "choice";
  readonly choices: readonly [string, ...string[]];
  readonly doc: string;
}

interface FileSettingDeclaration {
  readonly kind: "file";
  readonly doc: string;
}

/**
 * The provider-wide settings, declared once: `connections:<name>` in stack config, else
 * `CONNECTIONS_<NAME>` in the environment. The parser and the generated settings table in
 * docs/installation-configuration.md both read this.
 */
export const PROVIDER_SETTINGS = {
  onConflict: {
    kind: "choice",
    choices: ["fail", "overwrite"],
    doc: "default for each resource's `onConflict`: what an update does when the API holds a newer version",
  },
  onNameConflict: {
    kind: "choice",
    choices: ["fail", "adopt"],
    doc: "what a create does when the API already has the name: `fail`, or `adopt` it as `adopt: true` would (for recovering from an interrupted `pulumi up`)",
  },
  onDeploymentFailure: {
    kind: "choice",
    choices: ["warn", "fail"],
    doc: "what an Apinizer `deploymentResult.success: false` answer does",
  },
  requestTimeoutMs: {
    kind: "number",
    default: DEFAULT_HTTP_OPTIONS.requestTimeoutMs,
    min: 1,
    doc: "deadline of one request, from sending it to the last byte of the answer",
  },
  operationTimeoutMs: {
    kind: "number",
    default: 120_000,
    min: 1,
    doc: "deadline of one create, read, update or delete, retries and a create's name lookups included",
  },
  maxResponseBytes: {
    kind: "number",
    default: DEFAULT_HTTP_OPTIONS.maxResponseBytes,
    min: 1024,
    doc: "largest answer read (8 MiB); a larger one fails with `RESPONSE_TOO_LARGE`",
  },
  connectTimeoutMs: {
    kind: "number",
    default: DEFAULT_HTTP_OPTIONS.connectTimeoutMs,
    min: 0,
    doc: "deadline of opening one connection to the API",
  },
  maxRetries: {
    kind: "number",
    default: DEFAULT_HTTP_OPTIONS.maxRetries,
    min: 0,
    doc: "retries of requests that are safe to repeat",
  },
  retryBaseMs: {
    kind: "number",
    default: DEFAULT_HTTP_OPTIONS.retryBaseMs,
    min: 0,
    doc: "first step of the jittered exponential backoff; it doubles each retry",
  },
  retryMaxDelayMs: {
    kind: "number",
    default: DEFAULT_HTTP_OPTIONS.retryMaxDelayMs,
    min: 0,
    doc: "cap of one backoff step; `Retry-After` is honoured up to it",
  },
  maxInFlight: {
    kind: "number",
    default: DEFAULT_HTTP_OPTIONS.maxInFlight,
    min: 1,
    doc: "requests in flight per base URL, so large stacks do not trip rate limits",
  },
  caFile: {
    kind: "file",
    doc: "PEM file of extra certificate authorities (a corporate TLS proxy's, a private API's), trusted besides the system's and `NODE_EXTRA_CA_CERTS`",
  },
} as const satisfies Readonly<
  Record<string, NumberSettingDeclaration | ChoiceSettingDeclaration | FileSettingDeclaration>
>;

export type ProviderSettingName = keyof typeof PROVIDER_SETTINGS;
type NumberSettingName = {
  [K in ProviderSettingName]: (typeof PROVIDER_SETTINGS)[K]["kind"] extends "number" ? K : never;
}[ProviderSettingName];
type ChoiceSettingName = {
  [K in ProviderSettingName]: (typeof PROVIDER_SETTINGS)[K]["kind"] extends "choice" ? K : never;
}[ProviderSettingName];

/** The stack config key of a provider-wide setting: `connections:maxRetries`. */
export function providerSettingKey(name: string): string {
  return `connections:${name}`;
}

/** The environment variable of a provider-wide setting: `CONNECTIONS_MAX_RETRIES`. */
export function providerSettingEnv(name: string): string {
  return `CONNECTIONS_${name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()}`;
}

/**
 * Settings the provider reads once the host calls `configure`: stack config first, then the
 * environment. Each family's and the provider's settings are parsed on first use and then kept,
 * frozen; a malformed value fails every use with the key to fix. Nothing here is captured by the
 * serialized provider.
 */
export class SettingsStore {
  /**
   * @param namespace Where the provider-wide settings live in stack config, and how messages name
   * them: `connections` for the dynamic providers; a native plugin's own package (`pictory`),
   * since the engine hands each provider only the config of its package.
   * @default "connections"
   */
  public constructor(private readonly namespace: string = "connections") {}

  private config: ConfigSource | undefined;
  /** Keyed by family and account. */
  private readonly families = new Map<string, FamilySettings>();
  private providerSettings: ProviderSettings | undefined;

  public configure(config: ConfigSource): void {
    this.config = config;
    this.families.clear();
    this.providerSettings = undefined;
  }

  private lookup(key: string, env: string): string | undefined {
    const fromConfig = this.config?.get(key);
    if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
    const fromEnv = process.env[env];
    return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
  }

  /**
   * The settings of one family: its default credentials, or with `account` those of that entry of
   * the family's accounts object (`pictory:accounts`). Throws {@link ConnectionConfigError} naming
   * the key to set when anything is missing or malformed, or the account is not configured.
   */
  public family(declaration: FamilyDeclaration, account?: string): FamilySettings {
    const cacheKey = `${declaration.name}\u0000${account ?? ""}`;
    const cached = this.families.get(cacheKey);
    if (cached) return cached;
    const settings =
      account === undefined
        ? this.defaultFamily(declaration)
        : this.accountOf(declaration, account);
    this.families.set(cacheKey, settings);
    return settings;
  }

  /** The names of the family's configured accounts, sorted; throws when the object is malformed. */
  public accounts(declaration: FamilyDeclaration): string[] {
    return [...this.accountEntries(declaration).keys()].sort();
  }

  /**
   * Every credential of the family that is configured and valid, and the user info of its base
   * URLs: each is masked in messages.
   */
  public credentials(declaration: FamilyDeclaration): string[] {
    const out: string[] = [];
    const attempt = (read: () => FamilySettings) => {
      try {
        const settings = read();
        out.push(settings.credential, ...settings.userInfo);
      } catch {
        // Not configured or malformed: nothing to mask.
      }
    };
    // The default credential is masked even when the accounts object is malformed.
    attempt(() => this.defaultSettings(declaration));
    let names: string[] = [];
    try {
      names = this.accounts(declaration);
    } catch {
      // Malformed accounts object: its use fails with the key to fix.
    }
    for (const name of names) attempt(() => this.family(declaration, name));
    return out;
  }

  private defaultFamily(declaration: FamilyDeclaration): FamilySettings {
    // A malformed accounts object fails the family's every use, not only its accounts': set and
    // silently unread, it would look configured until a resource names an account.
    this.accountEntries(declaration);
    return this.defaultSettings(declaration);
  }

  private defaultSettings(declaration: FamilyDeclaration): FamilySettings {
    const { credential: c, baseUrl: b, title } = declaration;
    const credential = this.lookup(c.key, c.env);
    if (credential === undefined) {
      throw new ConnectionConfigError(
        "CONFIG_MISSING",
        `${title} ${c.noun} is missing: expected stack config ${c.key} or environment variable ${c.env}; ` +
          `set it with \`pulumi config set --secret ${c.key} <value>\``,
      );
    }
    return this.build(
      declaration,
      undefined,
      credential,
      c.key,
      `pulumi config set --secret ${c.key} <value>`,
      this.baseUrlOf(declaration),
      b.key,
    );
  }

  /**
   * An account's settings: its credential (required) and base URL, which falls back to the
   * family's own (`pictory:baseUrl`, else its default), since several accounts often share a server.
   */
  private accountOf(declaration: FamilyDeclaration, account: string): FamilySettings {
    const { title, accounts, credential: c } = declaration;
    const prop = accountCredentialProperty(declaration);
    const entries = this.accountEntries(declaration);
    const entry = entries.get(account);
    const credentialKey = accountKey(declaration, account, prop);
    const command = `pulumi config set --path --secret '${credentialKey}' <value>`;
    if (entry === undefined) {
      const known = [...entries.keys()].sort();
      throw new ConnectionConfigError(
        "CONFIG_MISSING",
        `${title} account ${JSON.stringify(account)} is not configured: expected it in stack config ` +
          `${accounts.key} or environment variable ${accounts.env} (configured: ` +
          `${known.length > 0 ? known.map((k) => JSON.stringify(k)).join(", ") : "none"}); ` +
          `add it with \`${command}\`, or fix the resource's account`,
      );
    }
    const credential = entry[prop];
    if (credential === undefined) {
      throw new ConnectionConfigError(
        "CONFIG_MISSING",
        `${title} ${c.noun} of account ${JSON.stringify(account)} is missing: expected ${credentialKey}; ` +
          `set it with \`${command}\``,
      );
    }
    const baseUrlKey = accountKey(declaration, account, "baseUrl");
    const baseUrl = entry.baseUrl ?? this.baseUrlOf(declaration, account);
    return this.build(
      declaration,
      account,
      credential,
      credentialKey,
      command,
      baseUrl,
      entry.baseUrl !== undefined ? baseUrlKey : declaration.baseUrl.key,
    );
  }

  private baseUrlOf(declaration: FamilyDeclaration, account?: string): string {
    const { baseUrl: b, title } = declaration;
    const baseUrl = this.lookup(b.key, b.env) ?? b.default;
    if (baseUrl !== undefined) return baseUrl;
    const accountHint =
      account === undefined
        ? ""
        : ` or ${accountKey(declaration, account, "baseUrl")} for account ${JSON.stringify(account)}`;
    throw new ConnectionConfigError(
      "CONFIG_MISSING",
      `${title} base URL is missing: expected stack config ${b.key}${accountHint} or environment variable ${b.env} ` +
        `(for example ${b.example}); set it with \`pulumi config set ${account === undefined ? b.key : `--path '${accountKey(declaration, account, "baseUrl")}'`} <url>\``,
    );
  }

  private build(
    declaration: FamilyDeclaration,
    account: string | undefined,
    credential: string,
    credentialKey: string,
    command: string,
    baseUrl: string,
    baseUrlKey: string,
  ): FamilySettings {
    const c = declaration.credential;
    if (!c.pattern.test(credential)) {
      throw new ConnectionConfigError(
        "CONFIG_INVALID",
        `${credentialKey} is malformed (received [secret]): ${c.hint}; set it again with \`${command}\``,
      );
    }
    return Object.freeze({
      declaration,
      ...(account !== undefined ? { account } : {}),
      baseUrl: checkBaseUrl(baseUrl, baseUrlKey),
      credential,
      credentialKey,
      baseUrlKey,
      headers: Object.freeze({ ...c.headers(credential) }),
      userInfo: Object.freeze(userInfoOf(baseUrl)),
    });
  }

  /**
   * The family's accounts: stack config and the environment's JSON, merged property by property
   * with config winning, so that a base URL can live in the stack and its key in CI's environment.
   * The host hands an object config value over as JSON text (Pulumi's engine passes every config
   * value of a dynamic provider as a string, secrets decrypted); the program's config reads the same.
   */
  private accountEntries(declaration: FamilyDeclaration): Map<string, AccountEntry> {
    const { key, env } = declaration.accounts;
    const prop = accountCredentialProperty(declaration);
    const merged = new Map<string, AccountEntry>();
    // The environment first, so that config overwrites it property by property.
    const sources: [string, unknown][] = [
      [env, nonEmpty(process.env[env])],
      [key, nonEmpty(this.config?.get(key))],
    ];
    for (const [where, raw] of sources) {
      if (raw === undefined) continue;
      const parsed = parseAccounts(raw, where, prop, declaration);
      for (const [name, entry] of parsed) merged.set(name, { ...merged.get(name), ...entry });
    }
    return merged;
  }

  public provider(): ProviderSettings {
    this.providerSettings ??= Object.freeze(this.parseProvider());
    return this.providerSettings;
  }

  private parseProvider(): ProviderSettings {
    const number = (name: NumberSettingName) => {
      const d = PROVIDER_SETTINGS[name];
      return readNumber(this.setting(name), d.default, d.min);
    };
    const choice = <N extends ChoiceSettingName>(name: N) =>
      readChoice(
        this.setting(name),
        PROVIDER_SETTINGS[name].choices,
      ) as (typeof PROVIDER_SETTINGS)[N]["choices"][number];
    const caFile = this.setting("caFile").raw;
    return {
      key: (name) => this.setting(name).key,
      onConflict: choice("onConflict"),
      onNameConflict: choice("onNameConflict"),
      onDeploymentFailure: choice("onDeploymentFailure"),
      operationTimeoutMs: number("operationTimeoutMs"),
      http: {
        connectTimeoutMs: number("connectTimeoutMs"),
        requestTimeoutMs: number("requestTimeoutMs"),
        maxResponseBytes: number("maxResponseBytes"),
        maxRetries: number("maxRetries"),
        retryBaseMs: number("retryBaseMs"),
        retryMaxDelayMs: number("retryMaxDelayMs"),
        maxInFlight: number("maxInFlight"),
        keys: {
          requestTimeoutMs: this.setting("requestTimeoutMs").key,
          maxResponseBytes: this.setting("maxResponseBytes").key,
          caFile: this.setting("caFile").key,
        },
        ...(caFile !== undefined
          ? { caFile, ca: readCaFile(caFile, this.setting("caFile").key) }
          : {}),
      },
    };
  }

  /** A provider-wide setting: stack config `<namespace>:<name>`, else `CONNECTIONS_<NAME>`. */
  private setting(name: ProviderSettingName): RawSetting {
    const key = `${this.namespace}:${name}`;
    return { key, raw: this.lookup(key, providerSettingEnv(name)) };
  }
}

/** One account as configured: each property a string, none required yet. */
type AccountEntry = Readonly<Record<string, string | undefined>> & { readonly baseUrl?: string };

/** An account name: a config path segment and a word in messages. */
const ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function nonEmpty(v: unknown): unknown {
  return v === undefined || v === "" ? undefined : v;
}

/** Parses one source of a family's accounts object; never echoes a value, which may be a credential. */
function parseAccounts(
  raw: unknown,
  where: string,
  prop: string,
  declaration: FamilyDeclaration,
): Map<string, AccountEntry> {
  const example = `{"eu": {"${prop}": "...", "baseUrl": "${declaration.baseUrl.example}"}}`;
  const setEach = `\`pulumi config set --path --secret '${declaration.accounts.key}.<account>.${prop}' <value>\``;
  // The environment variable is named as such: its fix is in the shell or CI, not in the stack.
  const fix =
    where === declaration.accounts.env
      ? `fix or unset ${where} (or set each account in stack config with ${setEach})`
      : `set each with ${setEach}`;
  const fail = (what: string) =>
    new ConnectionConfigError(
      "CONFIG_INVALID",
      `${where} is malformed: ${what}; expected an object of accounts such as ${example}; ${fix}`,
    );
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      throw fail("it is not JSON");
    }
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw fail("it is not an object");
  const out = new Map<string, AccountEntry>();
  for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
    // An account name or property that is not of the expected form may be anything pasted
    // there, a credential too: it is described, never quoted.
    if (!ACCOUNT_NAME.test(name))
      throw fail(
        `an account name (${describeSetting(name)}) is not 1-64 letters, digits, '_', '.' or '-' starting with a letter or digit`,
      );
    if (entry === null || typeof entry !== "object" || Array.isArray(entry))
      throw fail(`account "${name}" is not an object`);
    const props: Record<string, string> = {};
    for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
      if (k !== prop && k !== "baseUrl")
        throw fail(
          `account "${name}" has a property other than ${prop} and baseUrl (${describeSetting(k)}${
            [prop, "baseUrl"].find((p) => p.toLowerCase() === k.toLowerCase())
              ? `, ${[prop, "baseUrl"].find((p) => p.toLowerCase() === k.toLowerCase())} written in another case`
              : ""
          })`,
        );
      if (typeof v !== "string" || v === "")
        throw fail(`account "${name}".${k} is not a non-empty string`);
      props[k] = v;
    }
    out.set(name, props);
  }
  return out;
}

interface RawSetting {
  readonly key: string;
  readonly raw: string | undefined;
}

/**
 * A received setting described without quoting it: a setting may hold anything pasted there, a
 * credential or a value the program passed as a secret, and the engine and its logs keep
 * configuration failures. Only what the code derives is shown: its length and what it lacks.
 */
export function describeSetting(raw: string): string {
  const length = [...raw].length;
  const traits = [
    /\s/.test(raw) ? "holding whitespace" : undefined,
    // eslint-disable-next-line no-control-regex -- control characters are what this looks for
    /[\u0000-\u001f\u007f-\u009f]/.test(raw) ? "holding control characters" : undefined,
  ].filter((t) => t !== undefined);
  return `a text of ${length} character${length === 1 ? "" : "s"}${traits.length > 0 ? `, ${traits.join(" and ")}` : ""}`;
}

function readNumber({ key, raw }: RawSetting, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    // A number is the code's own word; anything else is described, never quoted.
    const received = Number.isFinite(n)
      ? "a negative number"
      : `${describeSetting(raw)} that is not a number`;
    throw new ConnectionConfigError(
      "CONFIG_INVALID",
      `${key} must be a non-negative number, received ${received}; fix it with \`pulumi config set ${key} <number>\``,
    );
  }
  return Math.max(min, n);
}

function readChoice<T extends string>({ key, raw }: RawSetting, values: readonly [T, ...T[]]): T {
  const value = raw ?? values[0];
  if (!(values as readonly string[]).includes(value)) {
    const cased = values.find((v) => v.toLowerCase() === value.trim().toLowerCase());
    const received = cased
      ? `${JSON.stringify(cased)} written in another case or with spaces`
      : `${describeSetting(value)} that is neither`;
    throw new ConnectionConfigError(
      "CONFIG_INVALID",
      `${key} must be ${values.map((v) => JSON.stringify(v)).join(" or ")}, received ${received}; ` +
        `fix it with \`pulumi config set ${key} ${cased ?? values[0]}\``,
    );
  }
  return value as T;
}

function readCaFile(file: string, key: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, "utf8");
  } catch (e) {
    // The path is not quoted: the setting may hold anything pasted there. Node's own message
    // quotes it too, so the cause keeps only the code.
    const code = (e as NodeJS.ErrnoException).code ?? "error";
    throw new ConnectionConfigError(
      "CONFIG_INVALID",
      `${key} names a file that cannot be read (${code}; the setting is ${describeSetting(file)}); ` +
        `expected the path of a PEM file of certificate authorities, absolute or relative to ` +
        `the directory the provider runs in: fix it with \`pulumi config set ${key} <file>\``,
      new Error(code),
    );
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new ConnectionConfigError(
      "CONFIG_INVALID",
      `${key} names a file that holds no PEM certificate (no "-----BEGIN CERTIFICATE-----" line); ` +
        `expected the certificate authorities' PEM bundle`,
    );
  }
  return pem;
}

/**
 * Whether a URL's host is this machine, decided from the parsed address alone: an IP literal in
 * 127.0.0.0/8, `::1` or `::ffff:127.x.y.z`, or the name `localhost`. Any other name is resolved by
 * DNS, which anyone can point anywhere (`127.0.0.1.nip.io`), so it never counts.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.split(".")[0] === "127";
  if (isIP(host) === 6) {
    if (host === "::1") return true;
    // WHATWG URL writes an IPv4-mapped address in hex: [::ffff:127.0.0.1] becomes [::ffff:7f00:1].
    const mapped = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(host);
    if (mapped) return parseInt(mapped[1]!, 16) >> 8 === 127;
    const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
    return !!dotted && isIP(dotted[1]!) === 4 && dotted[1]!.split(".")[0] === "127";
  }
  return false;
}

/** Plain http is only for loopback (the emulator): a credential must never cross a network in clear. */
export function checkBaseUrl(raw: string, key: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Not quoted: a URL may hold a password, and a malformed one cannot be shown without it.
    const scheme = /^https?:\/\//i.test(raw) ? "" : ", not starting with https://";
    throw new ConnectionConfigError(
      "CONFIG_INVALID",
      `${key} is not a URL, received ${describeSetting(raw)}${scheme}; expected for example ` +
        `https://api.example.com/path; fix it with \`pulumi config set ${key} <url>\``,
    );
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new ConnectionConfigError(
      "CONFIG_INVALID",
      // The host is not named: what stands there may be anything pasted into the setting.
      `${key} uses plain http for a host that is not this machine: credentials would travel ` +
        `unencrypted; use https (http is accepted for loopback only)`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConnectionConfigError(
      "CONFIG_INVALID",
      `${key} must be an http(s) URL, received a URL of another scheme; expected for example ` +
        `https://api.example.com/path; fix it with \`pulumi config set ${key} <url>\``,
    );
  }
  if (url.username === "" && url.password === "") return raw.replace(/\/+$/, "");
  // Requests go to the URL's origin, which drops the user info: the URL without it is the one
  // used and shown (see userInfoOf).
  url.username = "";
  url.password = "";
  return url.href.replace(/\/+$/, "");
}

/**
 * The user and password a base URL holds before its `@`, each as written, as the URL parser
 * encodes it, and decoded: a user pastes a URL with a password whose characters (a space, `"`,
 * `<`) end a URL in text, and a message may show either form.
 */
export function userInfoOf(raw: string): string[] {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [];
  }
  if (url.username === "" && url.password === "") return [];
  const out = [url.username, url.password];
  // As written: up to the last `@` of the authority, as the URL parser reads it.
  const written = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\\]*)@/is.exec(raw)?.[1];
  if (written !== undefined) {
    const colon = written.indexOf(":");
    out.push(colon === -1 ? written : written.slice(0, colon));
    if (colon !== -1) out.push(written.slice(colon + 1));
  }
  for (const v of [...out]) {
    try {
      out.push(decodeURIComponent(v));
    } catch {
      // Not percent-encoded as written: the raw form is masked.
    }
  }
  return [...new Set(out)].filter((v) => v !== "");
}
