import { execFile, execFileSync, ExecFileOptions } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, appendFileSync, chownSync, constants, existsSync, mkdtempSync } from "node:fs";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";

/**
 * A throwaway PostgreSQL server for tests of Pulumi's `postgres://` state backend: a fresh data
 * directory in a temporary folder, password (SCRAM) authentication, listening on 127.0.0.1 only at
 * a free port, its Unix socket in that folder. Nothing outside the folder is touched, and nothing
 * started by hand is needed.
 */
export interface RunningPostgres {
  /** `postgres://pulumi:<password>@127.0.0.1:<port>/<database>?sslmode=disable` */
  readonly url: string;
  /**
   * The URL without the password, `postgres://pulumi@127.0.0.1:<port>/<database>?sslmode=disable`:
   * give the password in PGPASSWORD with it (lib/pq, the CLI's driver, reads it).
   */
  readonly bareUrl: string;
  /** The password of the `pulumi` role: a secret that must never appear in CLI output. */
  readonly password: string;
  readonly port: number;
  readonly database: string;
  /** Runs SQL with psql (unaligned, tuples only, stops on the first error); returns stdout. */
  psql(sql: string): string;
  /**
   * Every row of a Pulumi state table. The backend (pkg/backend/diy/postgres in the CLI) keeps
   * each blob of its bucket layout as one row, `key TEXT PRIMARY KEY, data JSON, updated_at`,
   * with `data` = `{"data": "<base64 of the blob>"}`: `bytes` is the decoded blob.
   */
  stateRows(table?: string): { key: string; bytes: Buffer }[];
  /** Stops the server (`pg_ctl stop -m fast`) and deletes its folder. Idempotent. */
  stop(): Promise<void>;
}

/** The Debian package with initdb, pg_ctl and postgres (it pulls in the client, psql). */
const PACKAGE = "postgresql";
const ROLE = "pulumi";
/** Bound of every server command; pg_ctl's own waits are given the same. */
const COMMAND_TIMEOUT_S = 60;

interface Binaries {
  readonly initdb: string;
  readonly pgCtl: string;
  readonly psql: string;
}

/** Where the server binaries are: $PG_BINDIR, `pg_config --bindir`, Debian's versioned folders, PATH. */
export function findPostgresBinaries(): Binaries {
  const candidates: string[] = [];
  if (process.env.PG_BINDIR) candidates.push(process.env.PG_BINDIR);
  try {
    candidates.push(
      execFileSync("pg_config", ["--bindir"], { encoding: "utf8", stdio: "pipe" }).trim(),
    );
  } catch {
    // pg_config comes with libpq-dev, which a server install need not have.
  }
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    for (const version of readdirSync(debian).sort((a, b) => Number(b) - Number(a)))
      candidates.push(path.join(debian, version, "bin"));
  }
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) if (dir) candidates.push(dir);
  const has = (dir: string, bin: string) => {
    try {
      accessSync(path.join(dir, bin), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  const bindir = candidates.find((d) => has(d, "initdb") && has(d, "pg_ctl"));
  if (!bindir) {
    throw new Error(
      `PostgreSQL server binaries (initdb, pg_ctl) not found in $PG_BINDIR, \`pg_config --bindir\`, ` +
        `/usr/lib/postgresql/*/bin or PATH: install the Debian package \`${PACKAGE}\` ` +
        `(apt-get install -y ${PACKAGE}), or set PG_BINDIR to the folder that holds them`,
    );
  }
  // psql is in the same folder on Debian (postgresql-client-NN); elsewhere it may be on PATH only.
  const psqlDir = [bindir, ...candidates].find((d) => has(d, "psql"));
  if (!psqlDir)
    throw new Error(`psql not found: install the Debian package \`${PACKAGE}\` (or its client)`);
  return {
    initdb: path.join(bindir, "initdb"),
    pgCtl: path.join(bindir, "pg_ctl"),
    psql: path.join(psqlDir, "psql"),
  };
}

/** initdb and postgres refuse to run as root: as root, run them as the `postgres` user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) =>
      Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8", stdio: "pipe" }).trim());
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    throw new Error(
      "running as root, and PostgreSQL refuses root: no `postgres` user to run the server as " +
        `(the Debian package \`${PACKAGE}\` creates it), or run the tests as a non-root user`,
    );
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function run(file: string, args: readonly string[], options: ExecFileOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { timeout: COMMAND_TIMEOUT_S * 1000, encoding: "utf8", ...options },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `${path.basename(file)} ${args.join(" ")} failed: ${error.message}\n${stderr}`,
            ),
          );
        } else {
          resolve(String(stdout));
        }
      },
    );
  });
}

/**
 * Starts a PostgreSQL server in a fresh temporary folder and creates a database in it. Call
 * `stop()` in an `afterAll`; a process that exits without it stops the server on its way out.
 */
export async function startPostgres(database = "pulumi_state"): Promise<RunningPostgres> {
  const bin = findPostgresBinaries();
  const user = serverUser();
  const base = mkdtempSync(path.join(tmpdir(), "pcx-pg-"));
  const dataDir = path.join(base, "data");
  const logFile = path.join(base, "server.log");
  const as = user ? { uid: user.uid, gid: user.gid } : {};
  const serverEnv = { PATH: process.env.PATH ?? "", LC_ALL: "C", HOME: base };
  let stopped = false;
  let started = false;

  const pgCtl = (args: string[]) =>
    run(bin.pgCtl, ["-D", dataDir, ...args], { ...as, cwd: base, env: serverEnv });
  const stopSync = () => {
    // The process is on its way out: no waiting for clients.
    try {
      execFileSync(bin.pgCtl, ["-D", dataDir, "stop", "-m", "immediate", "-w", "-t", "10"], {
        ...as,
        cwd: base,
        env: serverEnv,
        stdio: "ignore",
        timeout: 15_000,
      });
    } catch {
      // Not running.
    }
    rmSync(base, { recursive: true, force: true });
  };
  process.once("exit", stopSync);

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.removeListener("exit", stopSync);
    try {
      if (started) {
        try {
          await pgCtl(["stop", "-m", "fast", "-w", "-t", String(COMMAND_TIMEOUT_S)]);
        } catch {
          await pgCtl(["stop", "-m", "immediate", "-w", "-t", String(COMMAND_TIMEOUT_S)]);
        }
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  };

  try {
    if (user) chownSync(base, user.uid, user.gid);
    const password = randomBytes(18).toString("hex");
    const pwFile = path.join(base, "pw");
    writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
    if (user) chownSync(pwFile, user.uid, user.gid);
    await run(
      bin.initdb,
      [
        "-D",
        dataDir,
        "-U",
        ROLE,
        `--pwfile=${pwFile}`,
        "--auth=scram-sha-256",
        "-E",
        "UTF8",
        "--locale=C",
        "--no-sync",
        "--no-instructions",
      ],
      { ...as, cwd: base, env: serverEnv },
    );
    rmSync(pwFile);
    // Password authentication for every connection: TCP on 127.0.0.1 only, and the socket.
    writeFileSync(
      path.join(dataDir, "pg_hba.conf"),
      "local all all scram-sha-256\nhost all all 127.0.0.1/32 scram-sha-256\n",
    );
    // A test server: durability off, so the CLI's many checkpoint writes are cheap.
    const settings = [
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${base}'`,
      "fsync = off",
      "synchronous_commit = off",
      "full_page_writes = off",
      "max_connections = 200",
    ];
    let port = 0;
    for (let attempt = 1; !started; attempt++) {
      port = await freePort();
      appendFileSync(
        path.join(dataDir, "postgresql.conf"),
        [...settings, `port = ${port}`, ""].join("\n"),
      );
      try {
        await pgCtl(["start", "-w", "-t", String(COMMAND_TIMEOUT_S), "-l", logFile]);
        started = true;
      } catch (e) {
        // Someone took the port between the probe and the bind: try another one.
        const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
        if (attempt >= 3 || !log.includes("could not bind"))
          throw new Error(`${(e as Error).message}\nserver log:\n${log}`);
      }
    }

    const psqlEnv = { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: "10" };
    const psqlAt = (db: string, sql: string) =>
      execFileSync(
        bin.psql,
        [
          "-X",
          "-q",
          "-A",
          "-t",
          "-v",
          "ON_ERROR_STOP=1",
          "-h",
          "127.0.0.1",
          "-p",
          String(port),
          "-U",
          ROLE,
          "-d",
          db,
          "-c",
          sql,
        ],
        {
          env: psqlEnv,
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
          timeout: COMMAND_TIMEOUT_S * 1000,
          maxBuffer: 512 * 1024 * 1024,
        },
      );
    psqlAt("postgres", `CREATE DATABASE ${database}`);
    const psql = (sql: string) => psqlAt(database, sql);
    return {
      url: `postgres://${ROLE}:${password}@127.0.0.1:${port}/${database}?sslmode=disable`,
      bareUrl: `postgres://${ROLE}@127.0.0.1:${port}/${database}?sslmode=disable`,
      password,
      port,
      database,
      psql,
      stateRows(table = "pulumi_state") {
        const out = psql(
          `SELECT coalesce(json_agg(json_build_object('key', key, 'data', data->>'data') ORDER BY key), '[]') FROM ${table}`,
        );
        return (JSON.parse(out) as { key: string; data: string }[]).map((r) => ({
          key: r.key,
          bytes: Buffer.from(r.data, "base64"),
        }));
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
