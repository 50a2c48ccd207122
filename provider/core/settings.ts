import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { ConnectionConfigError } from "./errors";
import { FamilyDeclaration, FamilyName } from "./family";
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
  readonly baseUrl: string;
  readonly credential: string;
  /** The headers that carry the credential, built once. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface ProviderSettings {
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

/**
 * Settings the provider reads once the host calls `configure`: stack config first, then the
 * environment. Each family's and the provider's settings are parsed on first use and then kept,
 * frozen; a malformed value fails every use with the key to fix. Nothing here is captured by the
 * serialized provider.
 */
export class SettingsStore {
  private config: ConfigSource | undefined;
  private readonly families = new Map<FamilyName, FamilySettings>();
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
   * Throws {@link ConnectionConfigError} naming the key to set when anything is missing or malformed.
   * `account` names one of the stack config's `<family>:accounts`; without it, the default
   * credentials.
   */
  public family(declaration: FamilyDeclaration, account?: string): FamilySettings {
    if (account !== undefined) {
      const { credential: c, baseUrl: b, name } = declaration;
      const property = c.key.slice(c.key.indexOf(":") + 1);
      throw new ConnectionConfigError(
        "CONFIG_MISSING",
        `${declaration.title} account ${JSON.stringify(account)} is not configured: no ${name}:accounts are known; ` +
          `set it with \`pulumi config set --path --secret '${name}:accounts.${account}.${property}' <value>\` and ` +
          `\`pulumi config set --path '${name}:accounts.${account}.baseUrl' <url>\` (for example ${b.example})`,
      );
    }
    const cached = this.families.get(declaration.name);
    if (cached) return cached;
    const { credential: c, baseUrl: b, title } = declaration;
    const credential = this.lookup(c.key, c.env);
    if (credential === undefined) {
      throw new ConnectionConfigError(
        "CONFIG_MISSING",
        `${title} ${c.noun} is missing: expected stack config ${c.key} or environment variable ${c.env}; ` +
          `set it with \`pulumi config set --secret ${c.key} <value>\``,
      );
    }
    if (!c.pattern.test(credential)) {
      throw new ConnectionConfigError(
        "CONFIG_INVALID",
        `${c.key} is malformed (received [secret]): ${c.hint}; ` +
          `set it again with \`pulumi config set --secret ${c.key} <value>\``,
      );
    }
    const baseUrl = this.lookup(b.key, b.env) ?? b.default;
    if (baseUrl === undefined) {
      throw new ConnectionConfigError(
        "CONFIG_MISSING",
        `${title} base URL is missing: expected stack config ${b.key} or environment variable ${b.env} ` +
          `(for example ${b.example}); set it with \`pulumi config set ${b.key} <url>\``,
      );
    }
    const settings: FamilySettings = Object.freeze({
      declaration,
      baseUrl: checkBaseUrl(baseUrl, b.key),
      credential,
      headers: Object.freeze({ ...c.headers(credential) }),
    });
    this.families.set(declaration.name, settings);
    return settings;
  }

  public provider(): ProviderSettings {
    this.providerSettings ??= Object.freeze(this.parseProvider());
    return this.providerSettings;
  }

  private parseProvider(): ProviderSettings {
    const d = DEFAULT_HTTP_OPTIONS;
    const number = (name: string, fallback: number, min = 0) =>
      readNumber(this.setting(name), fallback, min);
    const caFile = this.setting("caFile").raw;
    return {
      onConflict: readChoice(this.setting("onConflict"), ["fail", "overwrite"]),
      onNameConflict: readChoice(this.setting("onNameConflict"), ["fail", "adopt"]),
      onDeploymentFailure: readChoice(this.setting("onDeploymentFailure"), ["warn", "fail"]),
      operationTimeoutMs: number("operationTimeoutMs", 120_000, 1),
      http: {
        connectTimeoutMs: number("connectTimeoutMs", d.connectTimeoutMs),
        requestTimeoutMs: number("requestTimeoutMs", d.requestTimeoutMs, 1),
        maxResponseBytes: number("maxResponseBytes", d.maxResponseBytes, 1024),
        maxRetries: number("maxRetries", d.maxRetries),
        retryBaseMs: number("retryBaseMs", d.retryBaseMs),
        retryMaxDelayMs: number("retryMaxDelayMs", d.retryMaxDelayMs),
        maxInFlight: number("maxInFlight", d.maxInFlight, 1),
        ...(caFile !== undefined ? { caFile, ca: readCaFile(caFile) } : {}),
      },
    };
  }

  /** A provider-wide setting: stack config `connections:<name>`, else `CONNECTIONS_<NAME>`. */
  private setting(name: string): RawSetting {
    const key = `connections:${name}`;
    const env = `CONNECTIONS_${name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()}`;
    return { key, raw: this.lookup(key, env) };
  }
}

interface RawSetting {
  readonly key: string;
  readonly raw: string | undefined;
}

function readNumber({ key, raw }: RawSetting, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    throw new ConnectionConfigError(
      "CONFIG_INVALID",
      `${key} must be a non-negative number, received ${JSON.stringify(raw)}; fix it with \`pulumi config set ${key} <number>\``,
    );
  }
  return Math.max(min, n);
}

function readChoice<T extends string>({ key, raw }: RawSetting, values: readonly [T, ...T[]]): T {
  const value = raw ?? values[0];
  if (!(values as readonly string[]).includes(value)) {
    throw new ConnectionConfigError(
      "CONFIG_INVALID",
      `${key} must be ${values.map((v) => JSON.stringify(v)).join(" or ")}, received ${JSON.stringify(value)}; ` +
        `fix it with \`pulumi config set ${key} ${values[0]}\``,
    );
  }
  return value as T;
}

function readCaFile(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConnectionConfigError(
      "CONFIG_INVALID",
      `connections:caFile names ${JSON.stringify(file)}, which cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"}); ` +
        `expected a PEM file of certificate authorities: fix the path with \`pulumi config set connections:caFile <file>\``,
      e,
    );
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new ConnectionConfigError(
      "CONFIG_INVALID",
      `connections:caFile names ${JSON.stringify(file)}, which holds no PEM certificate (no "-----BEGIN CERTIFICATE-----" line); ` +
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
    throw new ConnectionConfigError(
      "CONFIG_INVALID",
      `${key} is not a URL, received ${JSON.stringify(raw)}; expected for example https://api.example.com/path`,
    );
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new ConnectionConfigError(
      "CONFIG_INVALID",
      `${key} uses plain http for ${url.hostname}: credentials would travel unencrypted; use https (http is accepted for loopback only)`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConnectionConfigError(
      "CONFIG_INVALID",
      `${key} must be an http(s) URL, received ${url.protocol}`,
    );
  }
  return raw.replace(/\/+$/, "");
}
