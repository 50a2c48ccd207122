import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { lockReaderFor, pgBackend } from "../../cli/shared/backend-locks";
import { RunningPostgres, startPostgres } from "../helpers/postgres";

// `drift --all-stacks` reads the stack locks of a `postgres://` backend with the `pg` driver: the
// URL read as the Pulumi CLI's driver (lib/pq) reads it where `pg` differs (sslmode), and the
// reading itself against a real server (test/helpers/postgres.ts: SCRAM over TCP, no TLS).

describe("pgBackend", () => {
  it("splits a backend URL as the diy backend does: key prefix from the path, ?table= kept out of the driver's URL", () => {
    const pg = pgBackend("postgres://pulumi:p%40ss@db.internal:6543/state?table=team_state", {});
    expect(pg).toMatchObject({
      table: "team_state",
      keyPrefix: "state/",
      where: "db.internal:6543",
      plainFallback: false,
      timeoutMs: 30_000,
    });
    const driverUrl = new URL(pg.connectionString);
    expect(driverUrl.searchParams.get("table")).toBeNull();
    // lib/pq's default: TLS without certificate checks, which `pg` reads so only in libpq mode.
    expect(driverUrl.searchParams.get("sslmode")).toBe("require");
    expect(driverUrl.searchParams.get("uselibpqcompat")).toBe("true");
    expect(decodeURIComponent(driverUrl.password)).toBe("p@ss");
    expect(pgBackend("postgres://h/", {}).keyPrefix).toBe("");
  });

  it("takes sslmode, certificates and the timeout from the URL, then the PG* variables", () => {
    const env = {
      PGSSLMODE: "verify-full",
      PGSSLROOTCERT: "/etc/ca.pem",
      PGCONNECT_TIMEOUT: "5",
      PGHOST: "pg.env",
    };
    const fromEnv = pgBackend("postgres://", env);
    const q = new URL(fromEnv.connectionString).searchParams;
    expect(q.get("sslmode")).toBe("verify-full");
    expect(q.get("sslrootcert")).toBe("/etc/ca.pem");
    expect(fromEnv.timeoutMs).toBe(5000);
    expect(fromEnv.where).toBe("pg.env:5432");
    const fromUrl = pgBackend("postgres://h/db?sslmode=disable&connect_timeout=2", env);
    expect(new URL(fromUrl.connectionString).searchParams.get("sslmode")).toBe("disable");
    expect(fromUrl.timeoutMs).toBe(2000);
    // prefer: TLS when offered, plain otherwise; `pg` has no such mode, so it is tried twice.
    expect(pgBackend("postgres://h/db?sslmode=prefer", {}).plainFallback).toBe(true);
  });

  it("rejects what it cannot honour, without echoing the URL", () => {
    expect(() => pgBackend("postgres://u:secret@h/db?sslmode=weird", {})).toThrow(
      'sslmode "weird" is not supported here',
    );
    expect(() => pgBackend("postgres://u:secret@h/db?table=x;DROP", {})).toThrow(
      "not a plain SQL identifier",
    );
    let message = "";
    try {
      pgBackend("postgres://u:secret@h:x/db", {});
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe("the PostgreSQL backend URL cannot be parsed");
  });
});

describe("the lock reader of a postgres:// backend", () => {
  const DATABASE = "pcx_locks";
  let pg: RunningPostgres;
  const saved = { PGPASSWORD: process.env.PGPASSWORD, PGPASSFILE: process.env.PGPASSFILE };

  beforeAll(async () => {
    pg = await startPostgres(DATABASE);
    const blob = (lock: object) => Buffer.from(JSON.stringify(lock)).toString("base64");
    const row = (key: string, data: string) =>
      `('${DATABASE}/.pulumi/locks/${key}', '{"data": "${data}"}')`;
    pg.psql(
      "CREATE TABLE pulumi_state (key TEXT PRIMARY KEY, data JSON, updated_at TIMESTAMP DEFAULT now());" +
        "INSERT INTO pulumi_state (key, data) VALUES " +
        [
          row("organization/my_proj/dev/b.json", blob({ pid: 2, username: "bea" })),
          row("organization/my_proj/dev/a.json", blob({ pid: 1, hostname: "ci-1" })),
          row("organization/my_proj/dev/not-a-lock.txt", blob({ pid: 9 })),
          row("organization/my_proj/dev/nested/c.json", blob({ pid: 9 })),
          row("organization/my_proj/dev2/d.json", blob({ pid: 9 })),
          // `_` is a LIKE wildcard: this project must not pass for my_proj.
          row("organization/myXproj/dev/e.json", blob({ pid: 9 })),
        ].join(", "),
    );
  }, 120_000);

  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await pg?.stop();
  });

  beforeEach(() => {
    delete process.env.PGPASSWORD;
    delete process.env.PGPASSFILE;
  });

  const read = (url: string) =>
    lockReaderFor(url, "/", process.env)!.read("organization/my_proj/dev");

  it("reads the stack's own lock blobs, in key order, and no other stack's", async () => {
    expect(await read(pg.url)).toEqual([
      { pid: 1, hostname: "ci-1" },
      { pid: 2, username: "bea" },
    ]);
    expect(await lockReaderFor(pg.url, "/")!.read("organization/my_proj/other")).toEqual([]);
  });

  it("takes the password from PGPASSWORD, or from the password file", async () => {
    process.env.PGPASSWORD = pg.password;
    expect(await read(pg.bareUrl)).toHaveLength(2);
    delete process.env.PGPASSWORD;
    const dir = mkdtempSync(path.join(tmpdir(), "pcx-pgpass-"));
    try {
      const file = path.join(dir, "pgpass");
      writeFileSync(file, `127.0.0.1:${pg.port}:${DATABASE}:pulumi:${pg.password}\n`);
      chmodSync(file, 0o600);
      process.env.PGPASSFILE = file;
      expect(await read(pg.bareUrl)).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("falls back to plain under sslmode=prefer, refuses a server without TLS under the default require", async () => {
    expect(await read(pg.url.replace("sslmode=disable", "sslmode=prefer"))).toHaveLength(2);
    const noMode = pg.url.replace("?sslmode=disable", "");
    await expect(read(noMode)).rejects.toThrow(
      `the state database at 127.0.0.1:${pg.port}: The server does not support SSL connections`,
    );
  });

  it("fails with the server's message and never the password", async () => {
    const wrong = pg.url.replace(pg.password, "wrong-password-123");
    const error = await read(wrong).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/password authentication failed for user "pulumi"/);
    expect(error?.message).not.toContain("wrong-password-123");
    await expect(read(`${pg.url}&table=missing`)).rejects.toThrow(
      'relation "missing" does not exist',
    );
  });

  it("names host and port when nothing listens", async () => {
    const probe = createServer();
    const port = await new Promise<number>((r) =>
      probe.listen(0, "127.0.0.1", () => r((probe.address() as { port: number }).port)),
    );
    await new Promise((r) => probe.close(r));
    await expect(read(`postgres://u:p@127.0.0.1:${port}/db?sslmode=disable`)).rejects.toThrow(
      `the state database at 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });
});
