/**
 * Stack locks of Pulumi's self-managed ("diy") backends, read without taking them.
 *
 * `pulumi refresh --preview-only` and `pulumi preview` take no lock, so a drift check that runs
 * while `pulumi up` holds the stack would read a state being written. The diy backend
 * (pkg/backend/diy/lock.go in the CLI) locks a stack by writing one blob per process,
 * `.pulumi/locks/<fully qualified stack name>/<uuid>.json` = `{pid, username, hostname,
 * timestamp}`, and deletes it when the operation ends; a killed process leaves it behind until
 * `pulumi cancel`. The fully qualified name is `organization/<project>/<stack>`, or `<stack>` in a
 * legacy store without projects. Where the blobs live:
 *
 * - `file://DIR`: files under `DIR/.pulumi/locks/...`;
 * - `postgres://.../DB`: rows of the state table (`?table=`, default `pulumi_state`) whose `key` is
 *   `DB/.pulumi/locks/...` (the URL's path prefixes every key) and whose `data` is
 *   `{"data": "<base64 of the blob>"}` (pkg/backend/diy/postgres/bucket.go).
 *
 * Other diy backends (s3://, gs://, azblob://) would need their cloud SDKs: their locks are not
 * read here (see {@link lockReaderFor}).
 */
import { readdir, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import * as path from "node:path";
import type { ClientConfig } from "pg";
import { redactUrl } from "../../provider/core/secrets";

/** One lock blob: which process holds the stack. No secret in it. */
export interface StackLock {
  readonly pid?: number;
  readonly username?: string;
  readonly hostname?: string;
  /** When the lock was taken (RFC 3339), as the holder wrote it. */
  readonly timestamp?: string;
}

/** How a backend's locks are read: from its files, from its database, not at all. */
export type LockCheck = "file" | "postgres" | "service" | "none";

export interface LockReader {
  readonly kind: "file" | "postgres";
  /** The locks held on a stack, by fully qualified name; rejects when they cannot be read. */
  read(fullyQualifiedName: string): Promise<StackLock[]>;
}

/** `.pulumi/locks/organization/proj/dev/`: the folder (key prefix) of a stack's lock blobs. */
export function lockDirOf(fullyQualifiedName: string): string {
  const segments = fullyQualifiedName.split("/");
  if (segments.some((s) => s === "" || s === "." || s === ".."))
    throw new Error(`not a stack name: ${JSON.stringify(fullyQualifiedName)}`);
  return `.pulumi/locks/${segments.join("/")}/`;
}

/** A lock blob's content; a blob that does not parse still counts as a lock, with no details. */
export function parseLock(text: string): StackLock {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return {};
  }
  if (raw === null || typeof raw !== "object") return {};
  const r = raw as Record<string, unknown>;
  return {
    ...(typeof r.pid === "number" ? { pid: r.pid } : {}),
    ...(typeof r.username === "string" ? { username: r.username } : {}),
    ...(typeof r.hostname === "string" ? { hostname: r.hostname } : {}),
    ...(typeof r.timestamp === "string" ? { timestamp: r.timestamp } : {}),
  };
}

/**
 * The folder of a `file://` backend URL, as the CLI resolves it: `~` is the home folder, a
 * relative path is relative to the project directory (where the CLI runs), the query is dropped.
 */
export function fileBackendRoot(url: string, cwd: string): string {
  let rest = url.slice("file://".length);
  const query = rest.indexOf("?");
  if (query >= 0) rest = rest.slice(0, query);
  if (rest === "~" || rest.startsWith("~/")) rest = path.join(homedir(), rest.slice(1));
  return path.resolve(cwd, rest);
}

/**
 * The reader of a backend's locks, or undefined when this check cannot read them (a backend of a
 * cloud object store, or Pulumi Cloud, whose stack listing says when an update is in progress).
 */
export function lockReaderFor(
  backendUrl: string,
  cwd: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): LockReader | undefined {
  if (backendUrl.startsWith("file://")) {
    const root = fileBackendRoot(backendUrl, cwd);
    return {
      kind: "file",
      async read(fqn) {
        const dir = path.join(root, ...lockDirOf(fqn).split("/").filter(Boolean));
        let entries: string[];
        try {
          entries = await readdir(dir);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
          throw e;
        }
        // Each blob has an `.attrs` sidecar (gocloud's fileblob); the blob is the `.json`.
        const locks: StackLock[] = [];
        for (const entry of entries.filter((e) => e.endsWith(".json")).sort()) {
          try {
            locks.push(parseLock(await readFile(path.join(dir, entry), "utf8")));
          } catch (e) {
            // Deleted between the listing and the read: that lock is gone.
            if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
          }
        }
        return locks;
      },
    };
  }
  if (backendUrl.startsWith("postgres://") || backendUrl.startsWith("postgresql://")) {
    const pg = pgBackend(backendUrl, env);
    return {
      kind: "postgres",
      async read(fqn) {
        const dir = pg.keyPrefix + lockDirOf(fqn);
        const rows = await pgRows(
          pg,
          `SELECT key, data->>'data' AS blob FROM ${pg.table} WHERE starts_with(key, $1) ORDER BY key`,
          [dir],
        );
        return rows
          .filter(({ key }) => !key.slice(dir.length).includes("/") && key.endsWith(".json"))
          .map(({ blob }) => parseLock(Buffer.from(blob ?? "", "base64").toString("utf8")));
      },
    };
  }
  return undefined;
}

/** A `postgres://` backend, split as the diy backend splits it (pkg/backend/diy/postgres). */
export interface PgBackend {
  /** The URL for the `pg` driver: no `table`, the lib/pq reading of `sslmode` made explicit. */
  readonly connectionString: string;
  /** `prefer`/`allow`: TLS when the server offers it, plain otherwise (lib/pq's fallback). */
  readonly plainFallback: boolean;
  readonly timeoutMs: number;
  /** The state table (`?table=`, default `pulumi_state`), checked to be a plain identifier. */
  readonly table: string;
  /** The key prefix of every blob: the URL's path without its leading `/`, plus `/` when non-empty. */
  readonly keyPrefix: string;
  /** `host:port` for messages: no user, password or query. */
  readonly where: string;
}

const DEFAULT_PG_TIMEOUT_MS = 30_000;

/**
 * Reads a `postgres://` backend URL as the Pulumi CLI's driver (lib/pq) does where the `pg`
 * driver reads it differently: `sslmode` from the URL, then PGSSLMODE, then lib/pq's default
 * `require` (TLS without certificate checks; `pg` alone would default to no TLS, and read
 * `require` as `verify-full`). Everything else (host, port, user, password, database and their
 * PG* variables, ~/.pgpass or PGPASSFILE) is left to `pg`.
 *
 * @param env the environment (PGSSLMODE, PGSSLROOTCERT, PGSSLCERT, PGSSLKEY, PGCONNECT_TIMEOUT)
 */
export function pgBackend(
  url: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): PgBackend {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error("the PostgreSQL backend URL cannot be parsed");
  }
  const q = u.searchParams;
  const fromUrlOrEnv = (param: string, envName: string): string | undefined =>
    q.get(param) || env[envName] || undefined;
  const sslmode = fromUrlOrEnv("sslmode", "PGSSLMODE") ?? "require";
  if (!["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].includes(sslmode))
    throw new Error(`sslmode ${JSON.stringify(sslmode)} is not supported here`);
  const plainFallback = sslmode === "prefer" || sslmode === "allow";
  q.set("sslmode", plainFallback ? "require" : sslmode);
  q.set("uselibpqcompat", "true");
  for (const [param, envName] of [
    ["sslrootcert", "PGSSLROOTCERT"],
    ["sslcert", "PGSSLCERT"],
    ["sslkey", "PGSSLKEY"],
  ] as const) {
    const value = fromUrlOrEnv(param, envName);
    if (value !== undefined) q.set(param, value);
  }
  const timeout = Number(fromUrlOrEnv("connect_timeout", "PGCONNECT_TIMEOUT"));
  q.delete("connect_timeout");
  const table = q.get("table") || "pulumi_state";
  q.delete("table");
  const pathName = decodeURIComponent(u.pathname.replace(/^\//, ""));
  return {
    connectionString: u.toString(),
    plainFallback,
    timeoutMs: timeout > 0 ? timeout * 1000 : DEFAULT_PG_TIMEOUT_MS,
    table: sqlTable(table),
    keyPrefix: pathName === "" ? "" : pathName.endsWith("/") ? pathName : `${pathName}/`,
    where: `${q.get("host") || u.hostname || env.PGHOST || "localhost"}:${q.get("port") || u.port || env.PGPORT || "5432"}`,
  };
}

/** The table name as the diy backend puts it into SQL: unquoted, so only plain identifiers. */
export function sqlTable(table: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/.test(table))
    throw new Error(`the state table name ${JSON.stringify(table)} is not a plain SQL identifier`);
  return table;
}

/**
 * Runs one read-only query on a fresh connection. `pg` is loaded here, not at the top: only a
 * PostgreSQL backend needs it. Errors name the server, never the password.
 */
export async function pgRows(
  pg: PgBackend,
  sql: string,
  params: readonly string[],
): Promise<{ key: string; blob: string | null }[]> {
  const { Client } = await import("pg");
  const attempt = async (connectionString: string) => {
    const config: ClientConfig = {
      connectionString,
      connectionTimeoutMillis: pg.timeoutMs,
      query_timeout: pg.timeoutMs,
    };
    const client = new Client(config);
    // A connection the server drops after connect must not crash the process.
    client.on("error", () => undefined);
    try {
      await client.connect();
      return (await client.query<{ key: string; blob: string | null }>(sql, [...params])).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  try {
    try {
      return await attempt(pg.connectionString);
    } catch (e) {
      if (!pg.plainFallback || !/does not support SSL/.test((e as Error).message)) throw e;
      const plain = new URL(pg.connectionString);
      plain.searchParams.set("sslmode", "disable");
      return await attempt(plain.toString());
    }
  } catch (e) {
    throw new Error(`the state database at ${pg.where}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * A backend URL fit to print: scheme, host, port and path, no user info and no query (which may
 * carry credentials, e.g. an object store's keys), e.g. `postgres://db.internal:5432/pulumi`.
 */
export function describeBackend(url: string): string {
  return redactUrl(url).replace(/\?.*$/, "");
}
