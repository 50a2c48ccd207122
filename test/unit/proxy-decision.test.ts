import { createServer, Server } from "node:http";
import type { LookupFunction } from "node:net";
import fc from "fast-check";
import { EnvHttpProxyAgent, request } from "undici";
import { proxyEnv, proxyFor } from "../../provider/core/http";

// The proxy a message names is the one undici's EnvHttpProxyAgent really uses, for generated
// proxy variables (either case) and NO_PROXY lists (domains, wildcards, trailing dots, ports).
// One local server is both the API and the proxy: a proxied request arrives with an absolute URL
// in its request line, a direct one with a path. Every name resolves to it.

let server: Server;
let port: number;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? "");
    res.end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const toLoopback = ((
  _host: string,
  options: { all?: boolean },
  callback: (...args: unknown[]) => void,
) => {
  if (options.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
  else callback(null, "127.0.0.1", 4);
}) as unknown as LookupFunction;

it("proxyFor agrees with EnvHttpProxyAgent", async () => {
  const host = fc.constantFrom("api.example.test", "API.Example.test", "example.test", "127.0.0.1");
  const entryHost = fc.constantFrom(
    "example.test",
    ".example.test",
    "*.example.test",
    "api.example.test",
    "API.EXAMPLE.TEST.",
    "xample.test",
    "other.test",
    "127.0.0.1",
    "*",
  );
  const entry = fc
    .tuple(entryHost, fc.constantFrom(undefined, "same", "other"))
    .map(([h, p]) => (p === undefined ? h : `${h}:${p === "same" ? port : port + 1}`));
  await fc.assert(
    fc.asyncProperty(
      host,
      fc.array(entry, { maxLength: 3 }),
      fc.constantFrom(",", " ", ", "),
      fc.constantFrom("HTTP_PROXY", "http_proxy"),
      fc.constantFrom("NO_PROXY", "no_proxy", "both"),
      async (target, entries, separator, proxyVar, noProxyVar) => {
        const list = entries.join(separator);
        const env: NodeJS.ProcessEnv = { [proxyVar]: `http://127.0.0.1:${port}` };
        if (noProxyVar === "both") {
          // The lower-case one counts, even empty; the other one is a decoy.
          env.no_proxy = list;
          env.NO_PROXY = "*";
        } else env[noProxyVar] = list;
        const settings = proxyEnv(env);
        const agent = new EnvHttpProxyAgent({ ...settings, connect: { lookup: toLoopback } });
        try {
          const url = `http://${target}:${port}/probe`;
          const res = await request(url, { dispatcher: agent });
          await res.body.text();
          const proxied = seen.at(-1)!.startsWith("http://");
          expect(proxyFor(new URL(url), settings)).toBe(
            proxied ? `http://127.0.0.1:${port}` : undefined,
          );
        } finally {
          await agent.close();
        }
      },
    ),
    { numRuns: 150 },
  );
});
