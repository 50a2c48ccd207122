/**
 * Public types of the connections API emulator. Everything here is part of the programmatic API
 * that tests and the provider's local sandbox depend on; keep it stable.
 */

/** Which API a request was addressed to, as recorded in the request log. */
export type RequestFamily = "pictory-aws" | "pictory-vimeo" | "apinizer" | "admin" | "other";

/** The two documented Apinizer response generations (docs/api/apinizer.md#answers). */
export type ApinizerEnvelope = "v1" | "v2";

/** Credentials of one tenant. A Pictory key and an Apinizer token each see only their own data. */
export interface TenantCredentials {
  /** Pictory API key, sent raw in `Authorization` (docs/api/pictory-vimeo.md#authentication). */
  readonly pictoryApiKey?: string;
  /**
   * Apinizer personal access token, sent as `Authorization: Bearer <token>`
   * (docs/api/apinizer.md#authentication).
   */
  readonly apinizerToken?: string;
  /**
   * A second Apinizer token of the same tenant with view rights only (v2 docs: CONNECTIONS+VIEW
   * without MANAGE, docs/api/apinizer.md#authentication): it reads the tenant's connections, and
   * its writes fail with v1 403 / v2 400 (docs/api/apinizer.md#permission-errors).
   */
  readonly apinizerReadOnlyToken?: string;
  /** Which Pictory connections this tenant's key may not touch (see PictoryAccessRules). */
  readonly pictoryAccess?: PictoryAccessRules;
}

/**
 * Pictory connections a key may not touch. The AWS get-by-ID and update pages list "403 Forbidden:
 * You do not have permission to access this connection ... Verify the connection belongs to your
 * account", and docs/api/pictory-aws.md#forbidden: get, update and delete of such a connection
 * answer 403 `{message}` instead of acting. The emulator applies it to both families. Without
 * rules, another tenant's connection ID is simply unknown (404, docs/api/pictory-vimeo.md#tenancy),
 * which stays the default. IDs that exist nowhere stay 404 either way. Set at start with
 * `EmulatorOptions.pictoryAccess` / `TenantCredentials.pictoryAccess`, or at run time with `GET|PUT
 * /_emulator/pictory-access?tenant=<key|label>`; `reset()` restores the configured rules.
 */
export interface PictoryAccessRules {
  /** Connection IDs that answer 403, whichever tenant holds them (this one included). */
  readonly forbiddenIds?: readonly string[];
  /** Every ID held by another tenant answers 403 rather than 404. @default false */
  readonly othersForbidden?: boolean;
}

/** The two Pictory connection families, as named in options and the admin API. */
export type PictoryFamilyName = "aws" | "vimeo";

export interface EmulatorOptions {
  /** TCP port on 127.0.0.1. @default 0 (a random free port) */
  readonly port?: number;
  /** Pictory API key of the default tenant. @default "pictai_emulator_key" */
  readonly pictoryApiKey?: string;
  /** Apinizer token of the default tenant. @default "apinizer_emulator_token" */
  readonly apinizerToken?: string;
  /** A view-only Apinizer token of the default tenant (see TenantCredentials). @default none */
  readonly apinizerReadOnlyToken?: string;
  /** Further tenants, for isolation tests. Their data is invisible to every other credential. */
  readonly extraTenants?: readonly TenantCredentials[];
  /**
   * Apinizer projects that exist for every tenant. The project `default` always exists as well
   * (docs/api/apinizer.md#projects). @default ["demo"]
   */
  readonly projects?: readonly string[];
  /** Apinizer response generation. @default "v1" */
  readonly apinizerEnvelope?: ApinizerEnvelope;
  /**
   * Apinizer keystores that exist in each project, for every tenant: project name to keystore
   * names. The Kafka type page: with `enableSecure`, "keyStoreName is required (KeyStore must
   * exist)", and "`keyStoreName` and `trustStoreName` refer to KeyStore names (not IDs) - they are
   * converted to IDs internally": both name a keystore, from one namespace, and a name that does
   * not resolve is 400 (docs/api/apinizer.md#kafka-keystores). Each keystore gets a stable ID,
   * shown as `keyStoreId` / `trustStoreId` in the connection. Every project named must be in
   * `projects` (or be `default`). More can be added at run time with `POST
   * /_emulator/apinizer-keystores/{project}`; those persist in `dataFile`, and `reset()` restores
   * this set. Names match exactly (Apinizer's rule is undocumented). CLI: `--apinizer-keystore
   * PROJECT:NAME`. @default {} (none)
   */
  readonly apinizerKeystores?: Readonly<Record<string, readonly string[]>>;
  /** Persist connections in this JSON file (loaded on start, written atomically after each change). */
  readonly dataFile?: string;
  /** Largest accepted request body. @default 1048576 (1 MiB) */
  readonly maxBodyBytes?: number;
  /**
   * Pictory list page size; the real one is undocumented (docs/api/pictory-vimeo.md#lists).
   * @default 50
   */
  readonly pictoryPageSize?: number;
  /**
   * Pictory lists that answer every item at once and never carry `nextPageKey`, however many there
   * are. The AWS list page documents only `Items`
   * (docs/api/pictory-aws.md#list-without-nextpagekey), so a client must cope with a list without
   * the key. CLI: `--pictory-unpaged aws|vimeo`. @default [] (both lists page by `pictoryPageSize`)
   */
  readonly pictoryListsWithoutPageKey?: readonly PictoryFamilyName[];
  /** Pictory access rules of the default tenant (see PictoryAccessRules). @default none */
  readonly pictoryAccess?: PictoryAccessRules;
  /** Apinizer worker environments reported in deployment results. @default ["production"] */
  readonly apinizerEnvironments?: readonly string[];
  /** Faults active from the start. @default {} (none) */
  readonly faults?: FaultSettings;
  /** Receives one line per request. Lines never hold bodies, headers or query strings. @default none */
  readonly log?: (line: string) => void;
}

/** Probabilistic and rate faults; all are off unless set. Rates are probabilities in [0, 1]. */
export interface FaultSettings {
  /** Delay added before every matching request is handled. */
  readonly latencyMs?: number;
  /** Probability of answering 429 with a `Retry-After` header. */
  readonly rate429?: number;
  /** `Retry-After` value for injected and rate-limit 429s. @default 1 */
  readonly retryAfterSeconds?: number;
  /** Probability of answering 500, 502 or 503. */
  readonly rate5xx?: number;
  /** Probability of destroying the socket without processing the request. */
  readonly dropRate?: number;
  /** Token bucket per credential: at most this many requests per second, then 429. */
  readonly rateLimitPerSecond?: number;
  /** Probability that, just before a PUT is handled, the target's version is bumped out of band. */
  readonly concurrentWriterRate?: number;
  /** Apinizer worker environments whose deployments report `success: false` (with HTTP 200). */
  readonly deployFailures?: readonly string[];
  /** Seed of the fault PRNG, for reproducible runs. */
  readonly seed?: number;
  /** Only requests matching this are affected. */
  readonly match?: FaultMatch;
}

export interface FaultMatch {
  /** HTTP method, case-insensitive. */
  readonly method?: string;
  /** Path prefix, e.g. "/pictoryapis/v1/vimeo-connections". */
  readonly pathPrefix?: string;
}

export type FaultAction =
  "status" | "drop-before" | "drop-after" | "delay" | "bump-version" | "deploy-failure";

/** A one-shot fault, consumed by the next `times` matching requests. */
export interface FaultRule {
  /** HTTP method, case-insensitive; any method when unset. */
  readonly method?: string;
  /**
   * Glob over the raw request path (no query); any path when unset. `*` matches any characters,
   * `/` included; every other character matches itself; the whole path must match. Examples:
   * `"/apiops/*"`, `"*vimeo-connections"`, `"/pictoryapis/v1/awsconnections/*"`. It must start with
   * `/` or `*` and hold only URL path characters, at most 512 of them. Not a regular expression:
   * those could stall the single-threaded server on one path.
   */
  readonly path?: string;
  /**
   * - `status`: answer `status` (JSON body in the family's error shape) without processing;
   * - `drop-before`: destroy the socket without processing;
   * - `drop-after`: process (commit) the request, then destroy the socket without answering;
   * - `delay`: process the request, then answer after `delayMs`;
   * - `bump-version`: bump the target Pictory connection's version before handling;
   * - `deploy-failure`: the Apinizer deployment to `environment` reports `success: false`.
   */
  readonly action: FaultAction;
  /** For `status`. @default 500 */
  readonly status?: number;
  /** For `status` 429/503: the `Retry-After` header. @default 1 for 429, none otherwise */
  readonly retryAfterSeconds?: number;
  /** For `delay`. @default 1000 */
  readonly delayMs?: number;
  /** For `deploy-failure`. @default "production" */
  readonly environment?: string;
  /** How many matching requests the rule applies to. @default 1 */
  readonly times?: number;
}

/** One API request as seen by the emulator. Admin requests are not recorded. */
export interface RequestLogEntry {
  /** 1-based, increasing. */
  readonly seq: number;
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Decoded query parameters (connection APIs carry no secrets in queries). */
  readonly query: Readonly<Record<string, string>>;
  /** HTTP status answered; 0 when the connection was dropped. */
  readonly status: number;
  readonly durationMs: number;
  readonly family: RequestFamily;
  /** Names of the faults applied, comma-separated, e.g. "rate429" or "once:drop-after". */
  readonly fault?: string;
}

export interface RunningEmulator {
  /** "http://127.0.0.1:<port>" */
  readonly url: string;
  readonly port: number;
  /** Closes the server and every open socket. */
  stop(): Promise<void>;
  /** Replaces the current fault settings. */
  setFaults(faults: FaultSettings): void;
  /** Adds a one-shot fault rule. */
  enqueueFault(rule: FaultRule): void;
  /**
   * Clears connections of all tenants, faults, one-shot rules and the request log; Apinizer
   * keystores and Pictory access rules go back to what the options configured.
   */
  reset(): void;
  requests(): readonly RequestLogEntry[];
  clearRequests(): void;
}
