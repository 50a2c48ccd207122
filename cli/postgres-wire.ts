/**
 * Just enough of the PostgreSQL client protocol (v3) to read rows of Pulumi's `postgres://` state
 * table: the stack locks, which no Pulumi command shows without taking the lock itself. The package
 * ships no database driver, so this speaks the protocol with `node:net`, `node:tls` and
 * `node:crypto`: startup, TLS as `sslmode` asks, password authentication (SCRAM-SHA-256, MD5 or
 * cleartext), one simple query, terminate. Read-only by construction: the only statement sent is
 * the caller's `SELECT`.
 *
 * Connection parameters are read the way the Pulumi CLI's driver (lib/pq) reads them: the URL,
 * then PG* environment variables, then ~/.pgpass, then defaults (localhost:5432, the OS user,
 * `sslmode=require`). Nothing here ever puts the password into an error message.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { connect as netConnect, isIP, Socket } from "node:net";
import { homedir, userInfo } from "node:os";
import * as path from "node:path";
import { connect as tlsConnect, ConnectionOptions, TLSSocket } from "node:tls";

export type SslMode = "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full";
const SSL_MODES: readonly SslMode[] = [
  "disable",
  "allow",
  "prefer",
  "require",
  "verify-ca",
  "verify-full",
];

/** Where and how to connect. `password` is a secret: never shown. */
export interface PgConnInfo {
  /** A host name, an IP address, or a Unix socket directory (starts with `/`). */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  readonly database: string;
  readonly sslmode: SslMode;
  readonly sslrootcert?: string;
  readonly sslcert?: string;
  readonly sslkey?: string;
  readonly applicationName?: string;
  /** Bound of connecting and of the whole exchange. */
  readonly timeoutMs: number;
}

/** A `postgres://` backend URL, split as the diy backend splits it. */
export interface PgBackend {
  readonly conn: PgConnInfo;
  /** The state table (`?table=`, default `pulumi_state`). */
  readonly table: string;
  /** The key prefix of every blob: the URL's path without its leading `/`, plus `/` when non-empty. */
  readonly keyPrefix: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Parses a `postgres://` (or `postgresql://`) backend URL with the environment's PG* variables.
 *
 * @param env the environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE, ...)
 * @param osUser the default user name, as lib/pq takes it (the OS user)
 */
export function parsePgBackendUrl(
  url: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  osUser: string = safeOsUser(),
  pgpass?: string,
): PgBackend {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error("the PostgreSQL backend URL cannot be parsed");
  }
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:")
    throw new Error(`not a PostgreSQL URL (${u.protocol}//)`);
  const q = u.searchParams;
  const pick = (param: string, envName: string): string | undefined => {
    const fromUrl = q.get(param);
    if (fromUrl !== null && fromUrl !== "") return fromUrl;
    const fromEnv = env[envName];
    return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
  };
  const decoded = (s: string) => (s === "" ? undefined : decodeURIComponent(s));
  const pathName = decodeURIComponent(u.pathname.replace(/^\//, ""));

  const host =
    q.get("host") || decoded(u.hostname.replace(/^\[|\]$/g, "")) || env.PGHOST || "localhost";
  const portText = q.get("port") || u.port || env.PGPORT || "5432";
  const port = Number(portText);
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new Error(`the PostgreSQL port ${JSON.stringify(portText)} is not a port number`);
  const user = q.get("user") || decoded(u.username) || env.PGUSER || osUser;
  const database = q.get("dbname") || pathName || env.PGDATABASE || user;
  const sslmodeText = pick("sslmode", "PGSSLMODE") ?? "require";
  if (!SSL_MODES.includes(sslmodeText as SslMode))
    throw new Error(`sslmode ${JSON.stringify(sslmodeText)} is not supported here`);
  const timeoutText = pick("connect_timeout", "PGCONNECT_TIMEOUT");
  const timeoutMs =
    timeoutText && Number(timeoutText) > 0 ? Number(timeoutText) * 1000 : DEFAULT_TIMEOUT_MS;
  let password = q.get("password") || decoded(u.password) || env.PGPASSWORD || undefined;
  if (password === undefined) {
    const file = pick("passfile", "PGPASSFILE") ?? path.join(homedir(), ".pgpass");
    const text = pgpass ?? readIfExists(file);
    if (text !== undefined) password = pgpassLookup(text, host, port, database, user);
  }
  const table = q.get("table") || "pulumi_state";
  const optional = (name: string, value: string | undefined) =>
    value === undefined ? {} : { [name]: value };
  return {
    conn: {
      host,
      port,
      user,
      ...(password !== undefined ? { password } : {}),
      database,
      sslmode: sslmodeText as SslMode,
      ...optional("sslrootcert", pick("sslrootcert", "PGSSLROOTCERT")),
      ...optional("sslcert", pick("sslcert", "PGSSLCERT")),
      ...optional("sslkey", pick("sslkey", "PGSSLKEY")),
      ...optional("applicationName", pick("application_name", "PGAPPNAME")),
      timeoutMs,
    },
    table,
    keyPrefix: pathName === "" ? "" : pathName.endsWith("/") ? pathName : `${pathName}/`,
  };
}

function safeOsUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "postgres";
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return existsSync(file) ? readFileSync(file, "utf8") : undefined;
  } catch {
    return undefined;
  }
}

/** The password of the first matching `host:port:database:user:password` line (`*` matches any). */
export function pgpassLookup(
  text: string,
  host: string,
  port: number,
  database: string,
  user: string,
): string | undefined {
  const wanted = [host.startsWith("/") ? "localhost" : host, String(port), database, user];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const fields: string[] = [];
    let current = "";
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (ch === "\\" && i + 1 < line.length) current += line[++i];
      else if (ch === ":" && fields.length < 4) {
        fields.push(current);
        current = "";
      } else current += ch;
    }
    fields.push(current);
    if (fields.length !== 5) continue;
    if (wanted.every((w, i) => fields[i] === "*" || fields[i] === w)) return fields[4];
  }
  return undefined;
}

/** A SQL string literal (standard_conforming_strings, the default since PostgreSQL 9.1). */
export function sqlLiteral(text: string): string {
  if (text.includes("\0")) throw new Error("a SQL literal cannot hold NUL");
  return `'${text.replace(/'/g, "''")}'`;
}

/** A `LIKE` pattern matching every string that starts with `prefix`, for `ESCAPE '!'`. */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[!%_]/g, "!$&")}%`;
}

/** The table name as the diy backend puts it into SQL: unquoted, so only plain identifiers. */
export function sqlTable(table: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/.test(table))
    throw new Error(`the state table name ${JSON.stringify(table)} is not a plain SQL identifier`);
  return table;
}

// --- SCRAM-SHA-256 (RFC 5802, RFC 7677), as PostgreSQL uses it --------------------------------

export interface ScramStep {
  /** The client-final-message to send. */
  readonly clientFinal: string;
  /** The `v=` value the server must answer with. */
  readonly serverSignature: string;
}

/** The client-final-message for a server-first-message; pure, so the RFC 7677 vector tests it. */
export function scramClientFinal(
  password: string,
  clientFirstBare: string,
  serverFirst: string,
): ScramStep {
  const attrs = new Map(
    serverFirst.split(",").map((kv) => [kv.slice(0, 1), kv.slice(2)] as [string, string]),
  );
  const nonce = attrs.get("r");
  const salt = attrs.get("s");
  const iterations = Number(attrs.get("i"));
  const clientNonce = /(?:^|,)r=([^,]*)/.exec(clientFirstBare)?.[1];
  if (!nonce || !salt || !Number.isInteger(iterations) || iterations < 1 || !clientNonce)
    throw new Error("malformed SCRAM server-first-message");
  if (!nonce.startsWith(clientNonce)) throw new Error("SCRAM server nonce does not extend ours");
  const salted = pbkdf2Sync(
    password.normalize("NFKC"),
    Buffer.from(salt, "base64"),
    iterations,
    32,
    "sha256",
  );
  const hmac = (key: Buffer, text: string) => createHmac("sha256", key).update(text).digest();
  const clientKey = hmac(salted, "Client Key");
  const storedKey = createHash("sha256").update(clientKey).digest();
  const withoutProof = `c=biws,r=${nonce}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const signature = hmac(storedKey, authMessage);
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
  const serverKey = hmac(salted, "Server Key");
  return {
    clientFinal: `${withoutProof},p=${proof.toString("base64")}`,
    serverSignature: hmac(serverKey, authMessage).toString("base64"),
  };
}

// --- The wire ---------------------------------------------------------------------------------

/** A failure talking to the database; its message names host and port, never the password. */
export class PgError extends Error {
  public constructor(
    message: string,
    public readonly code?: string,
  ) {
    super(message);
    this.name = "PgError";
  }
}

/** Reads whole backend messages off a socket; messages that arrived before a close still count. */
class MessageReader {
  private buffer = Buffer.alloc(0);
  private waiter:
    | { resolve: (m: { type: string; body: Buffer }) => void; reject: (e: Error) => void }
    | undefined;
  private failed: Error | undefined;

  public constructor(socket: Socket | TLSSocket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.pump();
    });
    socket.resume();
  }

  public fail(error: Error): void {
    this.failed ??= error;
    this.pump();
  }

  public next(): Promise<{ type: string; body: Buffer }> {
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.pump();
    });
  }

  private pump(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    const complete =
      this.buffer.length >= 5 && this.buffer.length >= 1 + this.buffer.readInt32BE(1);
    if (!complete) {
      if (this.failed) {
        this.waiter = undefined;
        waiter.reject(this.failed);
      }
      return;
    }
    const length = this.buffer.readInt32BE(1);
    this.waiter = undefined;
    if (length < 4) {
      waiter.reject(new PgError("malformed message from the state database"));
      return;
    }
    const type = String.fromCharCode(this.buffer[0]!);
    const body = Buffer.from(this.buffer.subarray(5, 1 + length));
    this.buffer = this.buffer.subarray(1 + length);
    waiter.resolve({ type, body });
  }
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, "latin1");
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function cstring(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, "utf8"), Buffer.from([0])]);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** The fields of an ErrorResponse: severity, SQLSTATE code, message. */
function errorFields(body: Buffer): { code?: string; message: string } {
  const fields = new Map<string, string>();
  let i = 0;
  while (i < body.length && body[i] !== 0) {
    const key = String.fromCharCode(body[i]!);
    const end = body.indexOf(0, i + 1);
    fields.set(key, body.subarray(i + 1, end).toString("utf8"));
    i = end + 1;
  }
  const code = fields.get("C");
  return { ...(code ? { code } : {}), message: fields.get("M") ?? "unknown server error" };
}

function describe(info: PgConnInfo): string {
  return info.host.startsWith("/")
    ? `${info.host} (port ${info.port})`
    : `${info.host}:${info.port}`;
}

/**
 * Runs one read-only simple query and returns its rows, every column as text (`null` for NULL).
 * Rejects with a {@link PgError} on any connection, authentication or SQL failure.
 */
export async function pgQuery(info: PgConnInfo, sql: string): Promise<(string | null)[][]> {
  const where = describe(info);
  let socket: Socket | TLSSocket = await openSocket(info);
  const timer = setTimeout(
    () => socket.destroy(new PgError(`the state database at ${where} did not answer in time`)),
    info.timeoutMs,
  );
  try {
    if (info.sslmode !== "disable") {
      // SSLRequest (length 8, code 80877103): the server answers one byte, S or N.
      socket.write(Buffer.concat([int32(8), int32(80877103)]));
      const answer = await readByte(socket, where);
      if (answer === "S") {
        socket = await upgrade(socket, info);
      } else if (answer !== "N") {
        throw new PgError(
          `the state database at ${where} answered the TLS request with ${JSON.stringify(answer)}`,
        );
      } else if (info.sslmode !== "prefer" && info.sslmode !== "allow") {
        throw new PgError(
          `the state database at ${where} does not offer TLS (sslmode=${info.sslmode})`,
        );
      }
    }
    const reader = new MessageReader(socket);
    socket.on("error", (e: Error) =>
      reader.fail(
        e instanceof PgError ? e : new PgError(`connection to ${where} failed: ${e.message}`),
      ),
    );
    socket.on("close", () =>
      reader.fail(new PgError(`the state database at ${where} closed the connection`)),
    );

    const params: string[] = ["user", info.user, "database", info.database];
    if (info.applicationName) params.push("application_name", info.applicationName);
    const startup = Buffer.concat([int32(196608), ...params.map(cstring), Buffer.from([0])]);
    socket.write(Buffer.concat([int32(startup.length + 4), startup]));

    await authenticate(socket, reader, info, where);

    // Parameter statuses and the backend key, up to ReadyForQuery.
    for (;;) {
      const m = await reader.next();
      if (m.type === "Z") break;
      if (m.type === "E") throw serverError(m.body, where);
    }

    socket.write(message("Q", cstring(sql)));
    const rows: (string | null)[][] = [];
    let failure: PgError | undefined;
    for (;;) {
      const m = await reader.next();
      if (m.type === "D") {
        const n = m.body.readInt16BE(0);
        const row: (string | null)[] = [];
        let at = 2;
        for (let c = 0; c < n; c++) {
          const len = m.body.readInt32BE(at);
          at += 4;
          if (len < 0) row.push(null);
          else {
            row.push(m.body.subarray(at, at + len).toString("utf8"));
            at += len;
          }
        }
        rows.push(row);
      } else if (m.type === "E") {
        failure = serverError(m.body, where);
      } else if (m.type === "Z") {
        break;
      }
    }
    socket.write(message("X", Buffer.alloc(0)));
    if (failure) throw failure;
    return rows;
  } finally {
    clearTimeout(timer);
    socket.removeAllListeners("close");
    socket.on("error", () => undefined);
    socket.end();
    socket.destroy();
  }
}

function serverError(body: Buffer, where: string): PgError {
  const { code, message: text } = errorFields(body);
  return new PgError(`the state database at ${where} answered: ${text}`, code);
}

/** The one-byte answer to an SSLRequest; the socket is left paused for the TLS upgrade. */
function readByte(socket: Socket, where: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error, byte?: string) => {
      socket.off("data", onData);
      socket.off("error", onError);
      socket.off("close", onClose);
      socket.pause();
      if (error) reject(error);
      else resolve(byte!);
    };
    const onData = (chunk: Buffer) => done(undefined, chunk.subarray(0, 1).toString("latin1"));
    const onError = (e: Error) => done(new PgError(`connection to ${where} failed: ${e.message}`));
    const onClose = () => done(new PgError(`the state database at ${where} closed the connection`));
    socket.on("data", onData);
    socket.on("error", onError);
    socket.on("close", onClose);
  });
}

function openSocket(info: PgConnInfo): Promise<Socket> {
  const where = describe(info);
  return new Promise((resolve, reject) => {
    const socket = info.host.startsWith("/")
      ? netConnect({ path: path.join(info.host, `.s.PGSQL.${info.port}`) })
      : netConnect({ host: info.host, port: info.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new PgError(`connecting to the state database at ${where} timed out`));
    }, info.timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new PgError(`connecting to the state database at ${where} failed (${e.code ?? e.message})`),
      );
    });
  });
}

function upgrade(socket: Socket, info: PgConnInfo): Promise<TLSSocket> {
  const where = describe(info);
  const verify = info.sslmode === "verify-ca" || info.sslmode === "verify-full";
  // lib/pq: with a root certificate, `require` verifies the chain as `verify-ca` does.
  const rootCert =
    info.sslrootcert ??
    (verify && existsSync(path.join(homedir(), ".postgresql", "root.crt"))
      ? path.join(homedir(), ".postgresql", "root.crt")
      : undefined);
  const checkChain = verify || (info.sslmode === "require" && rootCert !== undefined);
  const options: ConnectionOptions = {
    socket,
    rejectUnauthorized: checkChain,
    ...(isIP(info.host) === 0 && !info.host.startsWith("/") ? { servername: info.host } : {}),
    ...(rootCert && rootCert !== "system" ? { ca: readFileSync(rootCert) } : {}),
    ...(info.sslcert ? { cert: readFileSync(info.sslcert) } : {}),
    ...(info.sslkey ? { key: readFileSync(info.sslkey) } : {}),
    ...(info.sslmode === "verify-full" ? {} : { checkServerIdentity: () => undefined }),
  };
  return new Promise((resolve, reject) => {
    const tls = tlsConnect(options, () => resolve(tls));
    tls.once("error", (e) =>
      reject(new PgError(`TLS with the state database at ${where} failed: ${e.message}`)),
    );
  });
}

async function authenticate(
  socket: Socket | TLSSocket,
  reader: MessageReader,
  info: PgConnInfo,
  where: string,
): Promise<void> {
  const needPassword = (): string => {
    if (info.password === undefined)
      throw new PgError(
        `the state database at ${where} asks for a password: none in the URL, PGPASSWORD or ~/.pgpass`,
      );
    return info.password;
  };
  let scram: { clientFirstBare: string; serverSignature?: string } | undefined;
  for (;;) {
    const m = await reader.next();
    if (m.type === "E") throw serverError(m.body, where);
    if (m.type !== "R")
      throw new PgError(`unexpected message ${JSON.stringify(m.type)} from ${where}`);
    const kind = m.body.readInt32BE(0);
    switch (kind) {
      case 0: // AuthenticationOk
        return;
      case 3: // cleartext
        socket.write(message("p", cstring(needPassword())));
        break;
      case 5: {
        // MD5: "md5" + md5(md5(password + user) + salt)
        const salt = m.body.subarray(4, 8);
        const inner = createHash("md5")
          .update(needPassword() + info.user)
          .digest("hex");
        const outer = createHash("md5")
          .update(Buffer.concat([Buffer.from(inner), salt]))
          .digest("hex");
        socket.write(message("p", cstring(`md5${outer}`)));
        break;
      }
      case 10: {
        // SASL: the mechanisms the server offers.
        const mechanisms = m.body.subarray(4).toString("utf8").split("\0").filter(Boolean);
        if (!mechanisms.includes("SCRAM-SHA-256"))
          throw new PgError(`the state database at ${where} offers no supported SASL mechanism`);
        needPassword();
        const clientFirstBare = `n=,r=${randomBytes(18).toString("base64")}`;
        const first = Buffer.from(`n,,${clientFirstBare}`, "utf8");
        socket.write(
          message("p", Buffer.concat([cstring("SCRAM-SHA-256"), int32(first.length), first])),
        );
        scram = { clientFirstBare };
        break;
      }
      case 11: {
        // SASLContinue: the server-first-message.
        if (!scram) throw new PgError(`unexpected SASL message from ${where}`);
        const step = scramClientFinal(
          needPassword(),
          scram.clientFirstBare,
          m.body.subarray(4).toString("utf8"),
        );
        scram.serverSignature = step.serverSignature;
        socket.write(message("p", Buffer.from(step.clientFinal, "utf8")));
        break;
      }
      case 12: {
        // SASLFinal: the server proves it knows the password too.
        const final = m.body.subarray(4).toString("utf8");
        const got = Buffer.from(/(?:^|,)v=([^,]*)/.exec(final)?.[1] ?? "", "base64");
        const want = Buffer.from(scram?.serverSignature ?? "", "base64");
        if (want.length === 0 || got.length !== want.length || !timingSafeEqual(got, want))
          throw new PgError(`the state database at ${where} failed SCRAM server verification`);
        break;
      }
      default:
        throw new PgError(
          `the state database at ${where} asks for an authentication method this check does not speak (${kind})`,
        );
    }
  }
}
