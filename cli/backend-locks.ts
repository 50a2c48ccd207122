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
import { redactUrl } from "../provider/core/secrets";
import { likePrefix, parsePgBackendUrl, pgQuery, sqlLiteral, sqlTable } from "./postgres-wire";

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
    const pg = parsePgBackendUrl(backendUrl, env);
    const table = sqlTable(pg.table);
    return {
      kind: "postgres",
      async read(fqn) {
        const dir = pg.keyPrefix + lockDirOf(fqn);
        const rows = await pgQuery(
          pg.conn,
          `SELECT key, data->>'data' FROM ${table} WHERE key LIKE ${sqlLiteral(likePrefix(dir))} ESCAPE '!' ORDER BY key`,
        );
        return rows
          .filter(([key]) => key !== null && !key.slice(dir.length).includes("/"))
          .filter(([key]) => key!.endsWith(".json"))
          .map(([, data]) => parseLock(Buffer.from(data ?? "", "base64").toString("utf8")));
      },
    };
  }
  return undefined;
}

/**
 * A backend URL fit to print: scheme, host, port and path, no user info and no query (which may
 * carry credentials, e.g. an object store's keys), e.g. `postgres://db.internal:5432/pulumi`.
 */
export function describeBackend(url: string): string {
  return redactUrl(url).replace(/\?.*$/, "");
}
