/**
 * What an API echoes never reaches the engine, through the real provider hooks (the path
 * `pulumi up`, `pulumi refresh` and the drift report take): an API answer quoting the request or a
 * stored connection the way Java's Gson writes JSON, secrets of any length, a deployment warning
 * on stderr. The hostile server (test/helpers/hostile.ts) plays the API.
 */
import { domainToASCII } from "node:url";
import { inspect } from "node:util";
import fc from "fast-check";
import { ConnectionError } from "../../provider/core/errors";
import { MASK } from "../../provider/core/secrets";
import { ProviderHooks, ProviderRuntime } from "../../provider/core/runtime";
import { KINDS } from "../../provider/registry";
import { emulatorConfigValues } from "../../scripts/workspace";
import { startHostile, type HostileServer } from "../helpers/hostile";

let hostile: HostileServer;
let runtime: ProviderRuntime;
const config: Record<string, string> = {};
let vimeo: ProviderHooks;
let apinizer: ProviderHooks;

beforeEach(async () => {
  hostile = await startHostile();
  Object.assign(config, emulatorConfigValues(hostile.url), {
    "connections:retryBaseMs": "10",
    "connections:retryMaxDelayMs": "50",
  });
  runtime = new ProviderRuntime(KINDS);
  runtime.settings.configure({ get: (k) => config[k] });
  vimeo = runtime.hooks("pictory:VimeoConnection");
  apinizer = runtime.hooks("apinizer:Connection");
});

afterEach(async () => {
  await hostile.stop();
  await runtime.close();
  for (const k of Object.keys(config)) delete config[k];
});

/** Java's Gson: `=`, `&`, `<`, `>`, `'` and every non-ASCII character as `\uXXXX`. */
const gson = (s: string) =>
  JSON.stringify(s)
    .slice(1, -1)
    .replace(/[=&<>'\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** A run of six characters of `secret` (all of it when shorter), case-insensitively. */
function shows(text: string, secret: string): boolean {
  const s = secret.toLowerCase().replace(/\s+/g, " ");
  return text.split(MASK).some((piece) => {
    const t = piece.toLowerCase().replace(/\s+/g, " ");
    if (s.length < 6) return t.includes(s);
    for (let i = 0; i + 6 <= s.length; i++) if (t.includes(s.slice(i, i + 6))) return true;
    return false;
  });
}

/**
 * Every view of a failure the engine or a log could print: message, stack, an initialization
 * failure's reasons, and the error inspected (but for an initialization failure, which carries
 * the connection's outputs for the engine to store, secrets included).
 */
async function failure(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(ConnectionError.isInstance(e)).toBe(true);
  const err = e as Error & { reasons?: string[]; properties?: unknown };
  const views = [err.message, err.stack ?? "", ...(err.reasons ?? [])];
  if (err.properties === undefined) views.push(inspect(err, { depth: 6 }));
  return views.join("\n");
}

const VIMEO_ID = "20251222155613307xv0nodhitf9cd0f";

/** An Apinizer email connection holding `password`. */
const mail = (password: string) => ({
  projectName: "demo",
  name: "echo-mail",
  type: "email",
  host: "smtp.example.com",
  port: 587,
  auth: true,
  username: "robot",
  password,
});
const CLIENT_SECRET = "Zx9=Kq&w<3>'vimeo-clíent-4711";
const ACCESS_TOKEN = "eyJhbGciOi=JIUzI1NiJ9&tok<en>";

describe("an API that echoes secrets back", () => {
  it("never shows a Vimeo clientSecret or accessToken a 400 quotes the way Gson writes JSON", async () => {
    const inputs = {
      name: "echo-vimeo",
      enabled: true,
      clientIdentifier: "echo-client",
      clientSecret: CLIENT_SECRET,
      accessToken: ACCESS_TOKEN,
    };
    hostile.setMode({ kind: "json", status: 200, body: { Items: [] } }, { method: "GET" });
    hostile.setMode(
      {
        kind: "json",
        status: 400,
        body: { message: `Invalid request body: ${gson(JSON.stringify(inputs))}` },
      },
      { method: "POST" },
    );
    const checked = await vimeo.check({}, inputs);
    expect(checked.failures).toEqual([]);
    const text = await failure(vimeo.create(checked.inputs));
    expect(text).toContain("answered 400 (Invalid request body:");
    expect(shows(text, CLIENT_SECRET)).toBe(false);
    expect(shows(text, ACCESS_TOKEN)).toBe(false);
  });

  it("never shows a stored password that a refresh's 500 quotes (what drift reports)", async () => {
    const password = "Hunter2-stored=pass&word";
    const state = mail(password);
    hostile.setMode({
      kind: "json",
      status: 500,
      body: {
        error: "server_error",
        error_description: `mapping failed for ${gson(JSON.stringify(state))}`,
      },
    });
    const text = await failure(apinizer.read("demo/echo-mail", state));
    expect(text).toContain("answered 500 (mapping failed for");
    expect(shows(text, password)).toBe(false);
  });

  it("masks secrets of one to three characters, which validation accepts", async () => {
    const inputs = {
      name: "echo-short",
      enabled: true,
      clientIdentifier: "echo-client",
      clientSecret: "Q",
      accessToken: "k9z",
    };
    hostile.setMode({ kind: "json", status: 200, body: { Items: [] } }, { method: "GET" });
    hostile.setMode(
      {
        kind: "json",
        status: 400,
        body: {
          message: "Validation failed",
          fields: [
            { name: "accessToken", errors: "value 'k9z' is too short" },
            { name: "clientSecret", errors: "value 'Q' is too short" },
          ],
        },
      },
      { method: "POST" },
    );
    const checked = await vimeo.check({}, inputs);
    expect(checked.failures).toEqual([]);
    const e = await vimeo.create(checked.inputs).catch((err: Error) => err);
    expect((e as Error).message).toContain(
      `(Validation failed - accessToken: value '${MASK}' is too short; clientSecret: value '${MASK}' is too short)`,
    );
  });

  it("never shows a secret an answer echoes in an encoding other than UTF-8", async () => {
    // JSON travels as UTF-8 (RFC 8259, section 8.1). Read as UTF-8, a Latin-1 echo keeps the
    // secret's ASCII letters and turns the rest into U+FFFD, which no mask form matches.
    const latin1 = fc.constantFrom(
      ..."abcXYZ019-_=&!é€ßçÄøñ¡¿ÿÃ©Â¢Å".split("").filter((c) => c <= "\u00ff"),
    );
    const secrets = fc
      .array(latin1, { minLength: 1, maxLength: 40 })
      .map((cs) => cs.join(""))
      .filter((s) => /[\u0080-\u00ff]/.test(s));
    const base = {
      name: "echo-latin1",
      enabled: true,
      clientIdentifier: "echo-client",
      accessToken: ACCESS_TOKEN,
    };
    hostile.setMode({ kind: "json", status: 200, body: { Items: [] } }, { method: "GET" });
    await fc.assert(
      fc.asyncProperty(secrets, fc.constantFrom(400, 409, 500), async (secret, status) => {
        hostile.setMode(
          {
            kind: "raw",
            status,
            contentType: "application/json;charset=ISO-8859-1",
            body: Buffer.from(
              JSON.stringify({ message: `Invalid clientSecret ${secret}`, error: secret }),
              "latin1",
            ),
          },
          { method: "POST" },
        );
        const checked = await vimeo.check({}, { ...base, clientSecret: secret });
        expect(checked.failures).toEqual([]);
        const text = await failure(vimeo.create(checked.inputs));
        expect(text).toContain(`answered ${status}`);
        const readAsUtf8 = Buffer.from(secret, "latin1").toString("utf8");
        expect(shows(text, readAsUtf8)).toBe(false);
        expect(shows(text, secret)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it("leaves the code's own words alone for a short secret that is not a word of them", async () => {
    // Masking every "e" for the secret "é" would wreck the message and spell the secret out.
    const short = fc
      .array(fc.constantFrom(..."aeiouyzqk019éèÿñüçßÆøЖж€".split("")), {
        minLength: 1,
        maxLength: 5,
      })
      .map((cs) => cs.join(""));
    const inputs = (clientSecret: string) => ({
      name: "echo-short-words",
      enabled: true,
      clientIdentifier: "echo-client",
      clientSecret,
      accessToken: ACCESS_TOKEN,
    });
    hostile.setMode({ kind: "json", status: 200, body: { Items: [] } }, { method: "GET" });
    hostile.setMode(
      { kind: "raw", status: 500, contentType: "text/html", body: "<html>down</html>" },
      { method: "POST" },
    );
    const messageWith = async (secret: string) => {
      const checked = await vimeo.check({}, inputs(secret));
      const e = await vimeo.create(checked.inputs).catch((err: Error) => err);
      return (e as Error).message;
    };
    const base = await messageWith("\u2603\u2603");
    const words = new Set(
      base
        .normalize("NFKD")
        .replace(/\p{M}/gu, "")
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u),
    );
    await fc.assert(
      fc.asyncProperty(short, async (secret) => {
        const folded = secret.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
        fc.pre(!words.has(folded));
        expect(await messageWith(secret)).toBe(base);
      }),
      { numRuns: 80 },
    );
  });

  it("never shows a secret a redirect's host echoes, punycoded or not", async () => {
    const label = fc
      .array(fc.constantFrom(..."abcdefxyz0189äöüßéñçжлд漢字ü".split("")), {
        minLength: 6,
        maxLength: 30,
      })
      .map((cs) => cs.join(""));
    const base = {
      name: "echo-redirect",
      enabled: true,
      clientIdentifier: "echo-client",
      accessToken: ACCESS_TOKEN,
    };
    hostile.setMode({ kind: "json", status: 200, body: { Items: [] } }, { method: "GET" });
    await fc.assert(
      fc.asyncProperty(label, fc.boolean(), async (secret, withPort) => {
        const ascii = domainToASCII(`${secret}.evil.example`);
        fc.pre(ascii !== "");
        hostile.setMode(
          { kind: "redirect", location: `https://${ascii}${withPort ? ":8443" : ""}/login` },
          { method: "POST" },
        );
        const checked = await vimeo.check({}, { ...base, clientSecret: secret });
        expect(checked.failures).toEqual([]);
        const text = await failure(vimeo.create(checked.inputs));
        expect(text).toContain("a redirect to another host (not shown");
        expect(shows(text, secret)).toBe(false);
        expect(text).not.toContain(ascii.split(".")[0]);
      }),
      { numRuns: 60 },
    );
  });

  it("leaves the code's own words alone for any secret that is a piece of them but not a word", async () => {
    const inputs = (clientSecret: string) => ({
      name: "echo-pieces",
      enabled: true,
      clientIdentifier: "echo-client",
      clientSecret,
      accessToken: ACCESS_TOKEN,
    });
    hostile.setMode({ kind: "json", status: 200, body: { Items: [] } }, { method: "GET" });
    hostile.setMode(
      { kind: "raw", status: 502, contentType: "text/plain", body: "bad gateway" },
      { method: "POST" },
    );
    // A fresh runtime for each secret: a provider masks every secret it has seen before.
    const messageWith = async (secret: string) => {
      const own = new ProviderRuntime(KINDS);
      own.settings.configure({ get: (k) => config[k] });
      try {
        const hooks = own.hooks("pictory:VimeoConnection");
        const checked = await hooks.check({}, inputs(secret));
        const e = await hooks.create(checked.inputs).catch((err: Error) => err);
        return (e as Error).message;
      } finally {
        await own.close();
      }
    };
    const base = await messageWith("\u2603\u2603");
    const fold = (t: string) => t.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
    const words = new Set(fold(base).split(/[^\p{L}\p{N}]+/u));
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: base.length - 1 }),
        fc.integer({ min: 1, max: 24 }),
        async (at, length) => {
          const piece = base.slice(at, at + length);
          // A piece that is a whole word of the message (or several) is masked there: that is
          // the last line of defence for a secret a message might carry whole.
          const pieceWords = fold(piece)
            .split(/[^\p{L}\p{N}]+/u)
            .filter((w) => w !== "");
          fc.pre(piece.trim() !== "" && !pieceWords.every((w) => words.has(w)));
          expect(await messageWith(piece)).toBe(base);
        },
      ),
      { numRuns: 80 },
    );
  });

  it("never quotes a body that is not a documented error: it says what came back", async () => {
    hostile.setMode({
      kind: "raw",
      status: 500,
      body: `<html>proxy error while sending {"accessToken":"${ACCESS_TOKEN}"}</html>`,
      contentType: "text/html",
    });
    const state = {
      name: "echo-vimeo",
      enabled: true,
      clientIdentifier: "echo-client",
      clientSecret: CLIENT_SECRET,
      accessToken: ACCESS_TOKEN,
      connectionId: VIMEO_ID,
      version: 1,
    };
    const text = await failure(vimeo.read(VIMEO_ID, state));
    expect(text).toMatch(
      /answered 500 \(no error message the API documents: \d+ bytes of text\/html\)/,
    );
    expect(text).not.toContain("proxy error");
  });

  it("masks a deployment warning on stderr and in the failure that carries it", async () => {
    const password = "Hx7-secret=42&more";
    const inputs = mail(password);
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
      {
        kind: "json",
        status: 200,
        body: {
          success: true,
          deploymentResult: {
            success: false,
            deploymentResults: [
              {
                environmentName: "prod",
                success: false,
                message: `bind failed for ${gson(JSON.stringify(inputs))}`,
              },
            ],
          },
        },
      },
      { method: "POST" },
    );
    const checked = await apinizer.check({}, inputs);
    expect(checked.failures).toEqual([]);

    config["connections:onDeploymentFailure"] = "warn";
    runtime.settings.configure({ get: (k) => config[k] });
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: unknown) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await apinizer.create(checked.inputs);
    } finally {
      spy.mockRestore();
    }
    expect(written.join("")).toContain("deploying it to the workers failed in prod (bind failed");
    expect(shows(written.join(""), password)).toBe(false);

    config["connections:onDeploymentFailure"] = "fail";
    runtime.settings.configure({ get: (k) => config[k] });
    const text = await failure(apinizer.create(checked.inputs));
    expect(text).toContain("failed in prod (bind failed");
    expect(shows(text, password)).toBe(false);
  });
});
