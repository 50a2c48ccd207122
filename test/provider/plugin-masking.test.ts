/**
 * What the native plugin sends the engine in an error never shows a secret: the type an API
 * answered is named only when it is one this package declares; every error the plugin raises
 * itself passes the runtime's last masking; a value a YAML or Go program passed as a secret, in a
 * field not declared secret, is a secret of that operation; and a base URL's user info is masked
 * wherever it would show.
 */
import * as grpc from "@grpc/grpc-js";
import fc from "fast-check";
import * as net from "node:net";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { ProviderRuntime } from "../../provider/core/runtime";
import { MASK } from "../../provider/core/secrets";
import { PROVIDER_SETTINGS } from "../../provider/core/settings";
import { serve } from "../../provider/plugin/server";
import { KINDS } from "../../provider/registry";
import { startHostile, type HostileServer } from "../helpers/hostile";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const secret = (value: unknown) => ({ [SIG]: SECRET, value });
const struct = (v: Record<string, unknown>) =>
  structproto.Struct.fromJavaScript(v as Record<string, structproto.JavaScriptValue>);

type Callback<Res> = (e: grpc.ServiceError | null, r: Res) => void;
/** The error text a call answered (its gRPC details), or "" when it succeeded. */
function failure<Res>(send: (cb: Callback<Res>) => unknown): Promise<string> {
  return new Promise((resolve) =>
    send((e) => resolve(e ? `${e.details}\n${JSON.stringify(e.metadata.getMap())}` : "")),
  );
}

/** Whether `text` shows any 6 consecutive characters of `value` outside its masks. */
function shows(text: string, value: string): boolean {
  const chars = [...value];
  const pieces = text.split(MASK);
  for (let i = 0; i + 6 <= chars.length; i++) {
    const run = chars.slice(i, i + 6).join("");
    if (pieces.some((p) => p.includes(run))) return true;
  }
  return false;
}

/** Printable text of any script, as a program's secret may be: letters, digits, symbols, emoji. */
const ALPHABET = [..."aZ09_-.:/+=~!@$%*ÄéßЖжΩλ漢字😀€ "];
const anyText = (min: number, max: number) =>
  fc
    .array(fc.constantFrom(...ALPHABET), { minLength: min, maxLength: max })
    .map((a) => a.join(""))
    .filter((s) => s.trim() === s && !/\s{2}/.test(s));
/** An Apinizer token: any printable ASCII but whitespace, as the API issues them. */
const token = fc.stringMatching(/^[!-~]{12,40}$/);

const EMAIL = "apinizer:index:EmailConnection";
const PASSWORD = "Kx93-smtp-relay-pass";
const MAIL = {
  name: "answer-mail",
  type: "email",
  host: "smtp.example.com",
  port: 587,
  auth: true,
  username: "robot",
};
const state = { projectName: "demo", ...MAIL, password: secret(PASSWORD) };
/** The connection as the API lists it: its password withheld. */
const item = (over: Record<string, unknown>) => ({ ...MAIL, password: null, ...over });

let hostile: HostileServer;
let client: provrpc.ResourceProviderClient;
let server: grpc.Server;
const saved = { ...process.env };

beforeEach(async () => {
  for (const k of Object.keys(process.env))
    if (/^(PICTORY|APINIZER|CONNECTIONS)_/.test(k)) delete process.env[k];
  hostile = await startHostile();
  const served = await serve("apinizer");
  server = served.server;
  client = new provrpc.ResourceProviderClient(
    `127.0.0.1:${served.port}`,
    grpc.credentials.createInsecure(),
  );
});
afterEach(async () => {
  client.close();
  server.forceShutdown();
  await hostile.stop();
  process.env = { ...saved };
});

async function configure(args: Record<string, unknown>): Promise<void> {
  const req = new provproto.ConfigureRequest()
    .setArgs(struct({ baseUrl: `${hostile.url}/apiops`, maxRetries: "0", ...args }))
    .setAcceptsecrets(true);
  await new Promise((resolve, reject) =>
    client.configure(req, (e, r) => (e ? reject(e) : resolve(r))),
  );
}

const read = (id: string, props: Record<string, unknown>) =>
  failure((cb) =>
    client.read(
      new provproto.ReadRequest()
        .setType(EMAIL)
        .setUrn(`urn:pulumi:dev::proj::${EMAIL}::r`)
        .setId(id)
        .setProperties(struct(props)),
      cb,
    ),
  );

const lookup = (args: Record<string, unknown>) =>
  failure((cb) =>
    client.invoke(
      new provproto.InvokeRequest()
        .setTok("apinizer:index:getEmailConnection")
        .setArgs(struct(args)),
      cb,
    ),
  );

const answer = (resultList: unknown[]) =>
  ({ kind: "json", status: 200, body: { success: true, resultList } }) as const;

describe("native plugin: the type an API answered", () => {
  it("is named only when it is a declared Apinizer type, in a read and in a lookup", async () => {
    await fc.assert(
      fc.asyncProperty(token, fc.constantFrom("", "x-", "email-"), async (tok, prefix) => {
        await configure({ token: tok });
        hostile.reset(answer([item({ type: `${prefix}${tok}` })]));
        for (const text of [
          await read("demo/answer-mail", state),
          await lookup({ projectName: "demo", name: "answer-mail" }),
        ]) {
          expect(text).toContain("a type this provider does not know");
          expect(shows(text, tok)).toBe(false);
          expect(shows(text, PASSWORD)).toBe(false);
        }
      }),
      { numRuns: 25 },
    );
  });

  it("names a declared type and the resource or function that serves it", async () => {
    await configure({ token: "apinizer_plugin_masking" });
    hostile.reset(answer([item({ type: "kafka" })]));
    expect(await read("demo/answer-mail", state)).toContain(
      'holds a connection of type "kafka", not "email"; use the resource type apinizer:index:KafkaConnection',
    );
    expect(await lookup({ projectName: "demo", name: "answer-mail" })).toContain(
      'is of type "kafka", not "email"; look it up with apinizer:index:getKafkaConnection',
    );
  });
});

describe("native plugin: an error the plugin raises itself", () => {
  it("passes the runtime's last masking: a secret the request or the provider holds never shows", async () => {
    // The ID the plugin quotes holds the credential, as a mistyped `pulumi import` would.
    await fc.assert(
      fc.asyncProperty(token, anyText(10, 30), async (tok, description) => {
        await configure({ token: tok });
        hostile.reset(answer([item({ name: tok, type: "kafka" })]));
        const text = await read(`demo/${tok}`, {
          ...state,
          name: tok,
          description: secret(description),
        });
        expect(text).toContain("kafka");
        expect(shows(text, tok)).toBe(false);
      }),
      { numRuns: 20 },
    );
  });
});

describe("native plugin: a value the program passed as a secret in a field not declared secret", () => {
  it("is masked in a failure that echoes the request", async () => {
    await configure({ token: "apinizer_plugin_masking" });
    await fc.assert(
      fc.asyncProperty(anyText(8, 40), anyText(8, 20), async (description, username) => {
        hostile.reset();
        hostile.setMode(
          {
            kind: "json",
            status: 404,
            body: {
              error: "not_found",
              error_description: "Connection (name: echo-mail) was not found!",
            },
          },
          { method: "GET" },
        );
        hostile.setMode(
          { kind: "echo400", style: "json", prefix: "cannot bind " },
          { method: "POST" },
        );
        const props = {
          projectName: "demo",
          name: "echo-mail",
          type: "email",
          host: "smtp.example.com",
          port: 587,
          auth: true,
          username: secret(username),
          description: secret(description),
          password: secret(PASSWORD),
        };
        const text = await failure((cb) =>
          client.create(
            new provproto.CreateRequest()
              .setType(EMAIL)
              .setUrn(`urn:pulumi:dev::proj::${EMAIL}::r`)
              .setProperties(struct(props)),
            cb,
          ),
        );
        expect(text).toContain("cannot bind");
        expect(shows(text, description)).toBe(false);
        expect(shows(text, username)).toBe(false);
        expect(shows(text, PASSWORD)).toBe(false);
      }),
      { numRuns: 15 },
    );
  });
});

/** Every string of a Struct's JavaScript form that stands outside a secret envelope. */
function plainStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => plainStrings(x, out));
  else if (v !== null && typeof v === "object") {
    if ((v as Record<string, unknown>)[SIG] !== undefined) return out;
    Object.values(v).forEach((x) => plainStrings(x, out));
  }
  return out;
}

describe("native plugin: a lookup argument the program passed as a secret", () => {
  it("stays secret in every output that equals or contains it", async () => {
    await configure({ token: "apinizer_plugin_masking" });
    // Never part of a value the answer holds anyway (its host, type, username).
    const name = fc
      .stringMatching(/^[a-z][a-z0-9-]{5,20}$/)
      .filter((n) => !JSON.stringify(MAIL).includes(n));
    await fc.assert(
      fc.asyncProperty(
        name,
        name,
        fc.constantFrom("name", "projectName", "both"),
        async (connection, project, wrapped) => {
          hostile.reset(answer([item({ name: connection, description: `for ${connection}` })]));
          const args = {
            projectName: wrapped === "name" ? project : secret(project),
            name: wrapped === "projectName" ? connection : secret(connection),
          };
          const res = await new Promise<provproto.InvokeResponse>((resolve, reject) =>
            client.invoke(
              new provproto.InvokeRequest()
                .setTok("apinizer:index:getEmailConnection")
                .setArgs(struct(args)),
              (e, r) => (e ? reject(e) : resolve(r)),
            ),
          );
          const ret = (res.getReturn()?.toJavaScript() ?? {}) as Record<string, unknown>;
          expect(Object.keys(ret)).toEqual(expect.arrayContaining(["name", "host"]));
          const secrets = [
            ...(wrapped === "projectName" ? [] : [connection]),
            ...(wrapped === "name" ? [] : [project]),
          ];
          const shown = plainStrings(ret).filter((s) => secrets.some((x) => s.includes(x)));
          expect(shown).toEqual([]);
          // What holds no secret stays plain.
          expect(ret.host).toBe("smtp.example.com");
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe("native plugin: a state value the program passed as a secret", () => {
  it("stays secret in every refreshed output that equals or contains it", async () => {
    await configure({ token: "apinizer_plugin_masking" });
    await fc.assert(
      fc.asyncProperty(
        fc
          .stringMatching(/^[a-z][a-z0-9-]{5,20}$/)
          .filter((n) => !JSON.stringify(MAIL).includes(n) && !"demo".includes(n)),
        async (connection) => {
          hostile.reset(answer([item({ name: connection, description: `for ${connection}` })]));
          const res = await new Promise<provproto.ReadResponse>((resolve, reject) =>
            client.read(
              new provproto.ReadRequest()
                .setType(EMAIL)
                .setUrn(`urn:pulumi:dev::proj::${EMAIL}::r`)
                .setId(`demo/${connection}`)
                .setProperties(struct({ ...state, name: secret(connection) })),
              (e, r) => (e ? reject(e) : resolve(r)),
            ),
          );
          for (const out of [res.getProperties(), res.getInputs()]) {
            const js = (out?.toJavaScript() ?? {}) as Record<string, unknown>;
            expect(js.host).toBe("smtp.example.com");
            expect(plainStrings(js).filter((s) => s.includes(connection))).toEqual([]);
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});

/** The reasons of a CheckConfig's failures for the provider's settings `news`. */
async function checkConfig(news: Record<string, unknown>): Promise<string[]> {
  const res = await new Promise<provproto.CheckResponse>((resolve, reject) =>
    client.checkConfig(
      new provproto.CheckRequest()
        .setUrn("urn:pulumi:dev::proj::pulumi:providers:apinizer::p")
        .setType("pulumi:providers:apinizer")
        .setName("p")
        .setOlds(struct({}))
        .setNews(struct(news)),
      (e, r) => (e ? reject(e) : resolve(r)),
    ),
  );
  return res.getFailuresList().map((f) => f.getReason());
}

describe("native plugin: CheckConfig", () => {
  it("never quotes a setting's value, secret or plain, whatever setting holds it", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(PROVIDER_SETTINGS), "baseUrl"),
        anyText(8, 40),
        fc.boolean(),
        async (setting, value, wrapped) => {
          const news = {
            token: "apinizer_plugin_masking",
            baseUrl: "https://apinizer.example.com/apiops",
            [setting]: wrapped ? secret(value) : value,
          };
          const reasons = await checkConfig(news);
          fc.pre(reasons.length > 0);
          for (const reason of reasons) {
            expect(reason).toContain(`apinizer:${setting}`);
            expect(shows(reason, value)).toBe(false);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("never quotes an account's name of a secret-wrapped accounts setting, JSON text or object", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{1,20}$/),
        fc.constantFrom<Record<string, unknown>>(
          { token: "apinizer_tok_eu", baseUrl: 7 },
          { token: 7 },
          { token: "apinizer_tok_eu", baseUrl: "" },
        ),
        fc.boolean(),
        async (account, settings, text) => {
          const accounts = { [account]: settings };
          const news = {
            token: "apinizer_plugin_masking",
            baseUrl: "https://apinizer.example.com/apiops",
            accounts: secret(text ? JSON.stringify(accounts) : accounts),
          };
          const reasons = await checkConfig(news);
          expect(reasons.join("\n")).toContain("apinizer:accounts");
          for (const reason of reasons) {
            expect(reason).not.toContain(`"${account}"`);
            expect(shows(reason, account)).toBe(false);
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe("a base URL's user info", () => {
  it("never shows in a network failure, whatever characters its user and password hold", async () => {
    const port = await closedPort();
    const part = anyText(6, 20).filter((s) => !/[/?#@\\:]/.test(s));
    await fc.assert(
      fc.asyncProperty(part, part, async (user, password) => {
        const baseUrl = `http://${user}:${password}@127.0.0.1:${port}/pictoryapis`;
        fc.pre(URL.canParse(baseUrl));
        const runtime = new ProviderRuntime(KINDS);
        const config: Record<string, string> = {
          "pictory:apiKey": "pictai_base_url_user_info",
          "pictory:baseUrl": baseUrl,
          "connections:maxRetries": "0",
        };
        runtime.settings.configure({ get: (k) => config[k] });
        try {
          const text = await runtime
            .hooks("pictory:VimeoConnection")
            .read("20251222155613307xv0nodhitf9cd0f", {
              name: "url-vimeo",
              enabled: true,
              clientIdentifier: "url-client",
              clientSecret: "s3cret-url",
              accessToken: "t0ken-url",
              connectionId: "20251222155613307xv0nodhitf9cd0f",
              version: 1,
            })
            .then(
              () => "(no error)",
              (e: Error) => `${e.message}\n${e.stack ?? ""}`,
            );
          expect(text).toContain(`http://127.0.0.1:${port}/pictoryapis`);
          expect(shows(text, user)).toBe(false);
          expect(shows(text, password)).toBe(false);
          expect(shows(text, encodeURIComponent(password))).toBe(false);
        } finally {
          await runtime.close();
        }
      }),
      { numRuns: 15 },
    );
  });
});
