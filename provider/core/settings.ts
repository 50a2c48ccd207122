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
}

export interface ProviderSettings {
  readonly http: HttpOptions;
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

interface FamilyKeys {
  readonly credentialKey: string;
  readonly credentialEnv: string;
  readonly baseUrlKey: string;
  readonly baseUrlEnv: string;
  readonly defaultBaseUrl?: string;
  readonly credentialPattern: RegExp;
  readonly credentialHint: string;
}

const FAMILY_KEYS: Readonly<Record<Family, FamilyKeys>> = {
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
    credentialPattern: /^[^\s]+$/,
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
    return { family, baseUrl: checkBaseUrl(baseUrl, keys.baseUrlKey), credential };
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
    return {
      onConflict,
      onNameConflict,
      onDeploymentFailure: onDeploy,
      http: {
        connectTimeoutMs: num(
          "connections:connectTimeoutMs",
          "CONNECTIONS_CONNECT_TIMEOUT_MS",
          d.connectTimeoutMs,
        ),
        headersTimeoutMs: num(
          "connections:requestTimeoutMs",
          "CONNECTIONS_REQUEST_TIMEOUT_MS",
          d.headersTimeoutMs,
        ),
        bodyTimeoutMs: num(
          "connections:requestTimeoutMs",
          "CONNECTIONS_REQUEST_TIMEOUT_MS",
          d.bodyTimeoutMs,
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
      },
    };
  }
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
  const loopback =
    ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname) || /^127\./.test(url.hostname);
  if (url.protocol === "http:" && !loopback) {
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
