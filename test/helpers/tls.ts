import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** A throwaway certificate authority and a server certificate it signed for 127.0.0.1 and localhost. */
export interface TestPki {
  readonly dir: string;
  /** PEM of the authority: what a client must trust. */
  readonly caFile: string;
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
  remove(): void;
}

/** Makes a CA and a server certificate with `openssl`, in a fresh temporary folder. */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), "connections-pki-"));
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  // The authority's key and certificate, then the server's request and the certificate it signs.
  run(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=connections test CA",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign",
  );
  run(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
  );
  writeFileSync(
    path.join(dir, "server.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
  );
  run(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-out",
    "server.pem",
    "-extfile",
    "server.ext",
  );
  const read = (f: string) => readFileSync(path.join(dir, f), "utf8");
  return {
    dir,
    caFile: path.join(dir, "ca.pem"),
    caPem: read("ca.pem"),
    certPem: read("server.pem"),
    keyPem: read("server.key"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** An HTTPS front on 127.0.0.1 that passes every request to a plain-http server (the emulator). */
export interface TlsFront {
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  stop(): Promise<void>;
}

export async function startTlsFront(target: string, pki: TestPki): Promise<TlsFront> {
  const upstream = new URL(target);
  const server = https.createServer({ cert: pki.certPem, key: pki.keyPem }, (req, res) => {
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
