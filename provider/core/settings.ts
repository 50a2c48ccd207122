import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { ConnectionConfigError } from "./errors";
import { DEFAULT_HTTP_OPTIONS, HttpOptions } from "./http";

/** The stack configuration surface the dynamic-provider host hands to `configure`. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

export type Family = "pictory" | "apinizer";

/** Credentials and endpoint of one API family. */
export interface FamilySettings {
  readonly family: Family;
  readonly baseUrl: string;
  /** The credential; never logged, never serialized into state. */
  readonly credential: string;
  /** The family's config keys, for messages that name what to set. */
  readonly keys: FamilyKeys;
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

export interface FamilyKeys {
  readonly credentialKey: string;
  readonly credentialEnv: string;
  readonly baseUrlKey: string;
  readonly baseUrlEnv: string;
  readonly defaultBaseUrl?: string;
  readonly credentialPattern: RegExp;
  readonly credentialHint: string;
}

/** Each family's configuration keys, environment fallbacks and credential rules. */
export const FAMILY_KEYS: Readonly<Record<Family, FamilyKeys>> = {
  pictory: {
    credentialKey: "pictory:apiKey",
    credentialEnv: "PICTORY_API_KEY",
    baseUrlKey: "pictory:baseUrl",
    baseUrlEnv: "PICTORY_BASE_URL",
    // Spec A+B "Base URL and versioning".
    defaultBaseUrl: "https://api.pictory.ai/pictoryapis",
    // Spec A+B "Authentication": raw key starting with pictai_, no Bearer prefix.
    credentialPattern: /^pictai_[A-Za-z0-9_-]+$/,
    credentialHint: "a Pictory API key starts with pictai_ and is sent without a Bearer prefix",
  },
  apinizer: {
    credentialKey: "apinizer:token",
    credentialEnv: "APINIZER_TOKEN",
    baseUrlKey: "apinizer:baseUrl",
    baseUrlEnv: "APINIZER_BASE_URL",
    credentialPattern: /^\S+$/,
    credentialHint: "an Apinizer personal API access token, without the Bearer prefix",
  },
};

/**
 * Settings the provider reads when the host calls `configure`: stack config first, then the
 * environment at call time. Nothing here is captured by the serialized provider.
 */
export class SettingsStore {
  private config: ConfigSource | undefined;

  public configure(config: ConfigSource): void {
    this.config = config;
  }

  private lookup(key: string, env: string): string | undefined {
    const fromConfig = this.config?.get(key);
    if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
    const fromEnv = process.env[env];
    return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
  }

  /** Throws {@link ConnectionConfigError} naming the key to set when anything is missing or malformed. */
  public family(family: Family): FamilySettings {
    const keys = FAMILY_KEYS[family];
    const credential = this.lookup(keys.credentialKey, keys.credentialEnv);
    if (credential === undefined) {
      throw new ConnectionConfigError(
        "CONFIG_MISSING",
        `${family} credential is missing: expected stack config ${keys.credentialKey} or environment variable ${keys.credentialEnv}; ` +
          `set it with \`pulumi config set --secret ${keys.credentialKey} <value>\``,
      );
    }
    if (!keys.credentialPattern.test(credential)) {
      throw new ConnectionConfigError(
        "CONFIG_INVALID",
        `${keys.credentialKey} is malformed (received [secret]): ${keys.credentialHint}; ` +
          `set it again with \`pulumi config set --secret ${keys.credentialKey} <value>\``,
      );
    }
    const baseUrl = this.lookup(keys.baseUrlKey, keys.baseUrlEnv) ?? keys.defaultBaseUrl;
    if (baseUrl === undefined) {
      throw new ConnectionConfigError(
        "CONFIG_MISSING",
        `${family} base URL is missing: expected stack config ${keys.baseUrlKey} or environment variable ${keys.baseUrlEnv} ` +
          `(for example https://demo.apinizer.com/apiops); set it with \`pulumi config set ${keys.baseUrlKey} <url>\``,
      );
    }
    return { family, baseUrl: checkBaseUrl(baseUrl, keys.baseUrlKey), credential, keys };
  }

  public provider(): ProviderSettings {
    const num = (key: string, env: string, fallback: number): number => {
      const raw = this.lookup(key, env);
      if (raw === undefined) return fallback;
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0) {
        throw new ConnectionConfigError(
          "CONFIG_INVALID",
          `${key} must be a non-negative number, received ${JSON.stringify(raw)}; fix it with \`pulumi config set ${key} <number>\``,
        );
      }
      return n;
    };
    const d = DEFAULT_HTTP_OPTIONS;
    const oneOf = <T extends string>(key: string, env: string, values: readonly [T, ...T[]]): T => {
      const raw = this.lookup(key, env) ?? values[0];
      if (!(values as readonly string[]).includes(raw)) {
        throw new ConnectionConfigError(
          "CONFIG_INVALID",
          `${key} must be ${values.map((v) => JSON.stringify(v)).join(" or ")}, received ${JSON.stringify(raw)}; ` +
            `fix it with \`pulumi config set ${key} ${values[0]}\``,
        );
      }
      return raw as T;
    };
    const onConflict = oneOf("connections:onConflict", "CONNECTIONS_ON_CONFLICT", [
      "fail",
      "overwrite",
    ]);
    const onNameConflict = oneOf("connections:onNameConflict", "CONNECTIONS_ON_NAME_CONFLICT", [
      "fail",
      "adopt",
    ]);
    const onDeploy = oneOf("connections:onDeploymentFailure", "CONNECTIONS_ON_DEPLOYMENT_FAILURE", [
      "warn",
      "fail",
    ]);
    const caFile = this.lookup("connections:caFile", "CONNECTIONS_CA_FILE");
    return {
      onConflict,
      onNameConflict,
      onDeploymentFailure: onDeploy,
      operationTimeoutMs: Math.max(
        1,
        num("connections:operationTimeoutMs", "CONNECTIONS_OPERATION_TIMEOUT_MS", 120_000),
      ),
      http: {
        connectTimeoutMs: num(
          "connections:connectTimeoutMs",
          "CONNECTIONS_CONNECT_TIMEOUT_MS",
          d.connectTimeoutMs,
        ),
        requestTimeoutMs: Math.max(
          1,
          num("connections:requestTimeoutMs", "CONNECTIONS_REQUEST_TIMEOUT_MS", d.requestTimeoutMs),
        ),
        maxResponseBytes: Math.max(
          1024,
          num("connections:maxResponseBytes", "CONNECTIONS_MAX_RESPONSE_BYTES", d.maxResponseBytes),
        ),
        maxRetries: num("connections:maxRetries", "CONNECTIONS_MAX_RETRIES", d.maxRetries),
        retryBaseMs: num("connections:retryBaseMs", "CONNECTIONS_RETRY_BASE_MS", d.retryBaseMs),
        retryMaxDelayMs: num(
          "connections:retryMaxDelayMs",
          "CONNECTIONS_RETRY_MAX_DELAY_MS",
          d.retryMaxDelayMs,
        ),
        maxInFlight: Math.max(
          1,
          num("connections:maxInFlight", "CONNECTIONS_MAX_IN_FLIGHT", d.maxInFlight),
        ),
        ...(caFile !== undefined ? { caFile, ca: readCaFile(caFile) } : {}),
      },
    };
  }
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
