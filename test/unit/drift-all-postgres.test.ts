import { createHash } from "node:crypto";
import { createServer, Server, Socket } from "node:net";
import {
  likePrefix,
  parsePgBackendUrl,
  PgConnInfo,
  pgpassLookup,
  pgQuery,
  scramClientFinal,
  sqlLiteral,
  sqlTable,
} from "../../cli/postgres-wire";

// The few bits of the PostgreSQL protocol `drift --all-stacks` speaks to read stack locks:
// connection parameters as lib/pq (the Pulumi CLI's driver) reads them, SCRAM-SHA-256 against the
// RFC 7677 vector, and a whole exchange with a scripted server. The real server (SCRAM over TCP)
// is test/e2e/drift-all.test.ts.

describe("parsePgBackendUrl", () => {
  it("splits a backend URL as the diy backend does: key prefix from the path, ?table=, lib/pq defaults", () => {
    const pg = parsePgBackendUrl(
      "postgres://pulumi:p%40ss@db.internal:6543/state?sslmode=disable&table=team_state",
      {},
      "me",
    );
    expect(pg).toEqual({
      conn: {
        host: "db.internal",
        port: 6543,
        user: "pulumi",
        password: "p@ss",
        database: "state",
        sslmode: "disable",
        timeoutMs: 30_000,
      },
      table: "team_state",
      keyPrefix: "state/",
    });
  });

  it("takes what the URL leaves out from PG* variables, then ~/.pgpass, then defaults", () => {
    const env = {
      PGHOST: "pg.env",
      PGPORT: "5433",
      PGUSER: "envuser",
      PGPASSWORD: "envpw",
      PGDATABASE: "envdb",
      PGSSLMODE: "verify-full",
      PGCONNECT_TIMEOUT: "5",
    };
    expect(parsePgBackendUrl("postgres://", env, "me")).toEqual({
      conn: {
        host: "pg.env",
        port: 5433,
        user: "envuser",
        password: "envpw",
        database: "envdb",
        sslmode: "verify-full",
        timeoutMs: 5000,
      },
      table: "pulumi_state",
      keyPrefix: "",
    });
    // The URL wins over the environment; no password anywhere → ~/.pgpass (given here).
    const fromPass = parsePgBackendUrl(
      "postgres://u@h/db",
      { PGPASSWORD: "" },
      "me",
      "# comment\nh:5432:other:u:no\nh:*:db:u:from\\:pgpass\n",
    );
    expect(fromPass.conn).toMatchObject({
      host: "h",
      port: 5432,
      user: "u",
      password: "from:pgpass",
    });
    // Defaults: localhost, 5432, the OS user as user and database, sslmode=require (lib/pq's).
    expect(parsePgBackendUrl("postgres://", {}, "me", "").conn).toEqual({
      host: "localhost",
      port: 5432,
      user: "me",
      database: "me",
      sslmode: "require",
      timeoutMs: 30_000,
    });
  });

  it("rejects what it cannot honour, without echoing the URL", () => {
    expect(() => parsePgBackendUrl("postgres://u:secret@h/db?sslmode=weird", {}, "me")).toThrow(
      'sslmode "weird" is not supported here',
    );
    expect(() => parsePgBackendUrl("postgres://u:secret@h:99999/db", {}, "me")).toThrow();
    let message = "";
    try {
      parsePgBackendUrl("postgres://u:secret@h:x/db", {}, "me");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toContain("secret");
  });
});

describe("SQL text", () => {
  it("quotes literals, escapes LIKE patterns, accepts only plain table names", () => {
    expect(sqlLiteral("it's")).toBe("'it''s'");
    expect(likePrefix("db/.pulumi/locks/organization/my_proj/100%/")).toBe(
      "db/.pulumi/locks/organization/my!_proj/100!%/%",
    );
    expect(sqlTable("pulumi_state")).toBe("pulumi_state");
    expect(sqlTable("ops.pulumi_state")).toBe("ops.pulumi_state");
    expect(() => sqlTable("x; DROP TABLE y")).toThrow("not a plain SQL identifier");
  });

  it("finds a .pgpass entry with wildcards and escapes", () => {
    const text = "*:*:*:other:nope\nlocalhost:5432:db:u:pw1\n";
    expect(pgpassLookup(text, "/var/run/postgresql", 5432, "db", "u")).toBe("pw1");
    expect(pgpassLookup(text, "h", 5432, "db", "u")).toBeUndefined();
  });
});

describe("SCRAM-SHA-256", () => {
  it("computes RFC 7677's client proof and server signature", () => {
    const step = scramClientFinal(
      "pencil",
      "n=user,r=rOprNGfwEbeRWgbNEkqO",
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
    );
    expect(step).toEqual({
      clientFinal:
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
      serverSignature: "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
    });
  });

  it("refuses a server nonce that does not extend the client's", () => {
    expect(() => scramClientFinal("pw", "n=,r=abc", "r=xyz123,s=c2FsdA==,i=4096")).toThrow(
      "does not extend ours",
    );
  });
});

/** A scripted PostgreSQL server: MD5 authentication, then one answer per simple query. */
function fakeServer(opts: {
  password: string;
  answer: (sql: string) => { rows?: (string | null)[][]; error?: string };
}): Promise<{ server: Server; port: number; queries: string[] }> {
  const queries: string[] = [];
  const msg = (type: string, body: Buffer) => {
    const h = Buffer.alloc(5);
    h.write(type, 0, "latin1");
    h.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([h, body]);
  };
  const int32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  const errorBody = (m: string) =>
    Buffer.concat([Buffer.from(`SERROR\0C28P01\0M${m}\0\0`, "utf8")]);
  const server = createServer((socket: Socket) => {
    let buf = Buffer.alloc(0);
    let started = false;
    let user = "";
    const salt = Buffer.from([1, 2, 3, 4]);
    socket.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (!started) {
          if (buf.length < 8) return;
          const len = buf.readInt32BE(0);
          if (buf.length < len) return;
          const code = buf.readInt32BE(4);
          const body = buf.subarray(8, len);
          buf = buf.subarray(len);
          if (code === 80877103) {
            socket.write("N");
            continue;
          }
          const parts = body.toString("utf8").split("\0");
          user = parts[parts.indexOf("user") + 1]!;
          started = true;
          socket.write(msg("R", Buffer.concat([int32(5), salt])));
          continue;
        }
        if (buf.length < 5) return;
        const len = buf.readInt32BE(1);
        if (buf.length < 1 + len) return;
        const type = String.fromCharCode(buf[0]!);
        const body = buf.subarray(5, 1 + len);
        buf = buf.subarray(1 + len);
        if (type === "p") {
          const inner = createHash("md5")
            .update(opts.password + user)
            .digest("hex");
          const want = `md5${createHash("md5")
            .update(Buffer.concat([Buffer.from(inner), salt]))
            .digest("hex")}`;
          if (body.toString("utf8").replace(/\0$/, "") !== want) {
            socket.end(msg("E", errorBody(`password authentication failed for user "${user}"`)));
            return;
          }
          socket.write(
            Buffer.concat([
              msg("R", int32(0)),
              msg("S", Buffer.from("server_version\x0016\0")),
              msg("Z", Buffer.from("I")),
            ]),
          );
        } else if (type === "Q") {
          const sql = body.toString("utf8").replace(/\0$/, "");
          queries.push(sql);
          const a = opts.answer(sql);
          const out: Buffer[] = [];
          if (a.error) out.push(msg("E", errorBody(a.error)));
          for (const row of a.rows ?? []) {
            const cols = row.map((c) =>
              c === null ? int32(-1) : Buffer.concat([int32(Buffer.byteLength(c)), Buffer.from(c)]),
            );
            const n = Buffer.alloc(2);
            n.writeInt16BE(row.length);
            out.push(msg("D", Buffer.concat([n, ...cols])));
          }
          if (!a.error) out.push(msg("C", Buffer.from("SELECT 1\0")));
          out.push(msg("Z", Buffer.from("I")));
          socket.write(Buffer.concat(out));
        } else if (type === "X") {
          socket.end();
        }
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, port: (server.address() as { port: number }).port, queries }),
    ),
  );
}

describe("pgQuery", () => {
  const info = (port: number, over: Partial<PgConnInfo> = {}): PgConnInfo => ({
    host: "127.0.0.1",
    port,
    user: "pulumi",
    password: "right-password",
    database: "state",
    sslmode: "prefer",
    timeoutMs: 5000,
    ...over,
  });

  it("authenticates, runs one query and returns its rows (NULL as null), falling back from TLS under prefer", async () => {
    const fake = await fakeServer({
      password: "right-password",
      answer: () => ({
        rows: [
          ["k1", "ZGF0YQ=="],
          ["k2", null],
        ],
      }),
    });
    try {
      expect(await pgQuery(info(fake.port), "SELECT key, data FROM t")).toEqual([
        ["k1", "ZGF0YQ=="],
        ["k2", null],
      ]);
      expect(fake.queries).toEqual(["SELECT key, data FROM t"]);
    } finally {
      fake.server.close();
    }
  });

  it("fails with the server's message, never the password; refuses a server without TLS under require", async () => {
    const fake = await fakeServer({
      password: "right-password",
      answer: () => ({ error: 'relation "t" does not exist' }),
    });
    try {
      await expect(pgQuery(info(fake.port), "SELECT 1 FROM t")).rejects.toThrow(
        `the state database at 127.0.0.1:${fake.port} answered: relation "t" does not exist`,
      );
      const wrong = pgQuery(info(fake.port, { password: "wrong-password" }), "SELECT 1");
      await expect(wrong).rejects.toThrow('password authentication failed for user "pulumi"');
      await wrong.catch((e: Error) => expect(e.message).not.toContain("wrong-password"));
      await expect(pgQuery(info(fake.port, { sslmode: "require" }), "SELECT 1")).rejects.toThrow(
        "does not offer TLS (sslmode=require)",
      );
      await expect(pgQuery(info(fake.port, { password: undefined }), "SELECT 1")).rejects.toThrow(
        "asks for a password: none in the URL, PGPASSWORD or ~/.pgpass",
      );
    } finally {
      fake.server.close();
    }
  });

  it("names host and port when nothing listens", async () => {
    const probe = createServer();
    const port = await new Promise<number>((r) =>
      probe.listen(0, "127.0.0.1", () => r((probe.address() as { port: number }).port)),
    );
    await new Promise((r) => probe.close(r));
    await expect(pgQuery(info(port, { sslmode: "disable" }), "SELECT 1")).rejects.toThrow(
      `connecting to the state database at 127.0.0.1:${port} failed (ECONNREFUSED)`,
    );
  });
});
