import { ConnectionError } from "../../provider/core/errors";
import { SettingsStore } from "../../provider/core/settings";
import { apinizerFamily } from "../../provider/apinizer/family";
import { pictoryFamily } from "../../provider/pictory/family";
import { listConnections, settingsFrom } from "../../cli/shared/listing";

describe("connections:onNameConflict", () => {
  const ENV = "CONNECTIONS_ON_NAME_CONFLICT";
  const saved = process.env[ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[ENV];
    else process.env[ENV] = saved;
  });

  const settings = (config: Record<string, string>) => {
    const store = new SettingsStore();
    store.configure({ get: (k) => config[k] });
    return store;
  };

  it('defaults to "fail"', () => {
    delete process.env[ENV];
    expect(settings({}).provider().onNameConflict).toBe("fail");
  });

  it("reads stack config, then the environment; config wins", () => {
    process.env[ENV] = "adopt";
    expect(settings({}).provider().onNameConflict).toBe("adopt");
    expect(settings({ "connections:onNameConflict": "fail" }).provider().onNameConflict).toBe(
      "fail",
    );
    delete process.env[ENV];
    expect(settings({ "connections:onNameConflict": "adopt" }).provider().onNameConflict).toBe(
      "adopt",
    );
  });

  it.each([
    ["Adopt", 'received "adopt" written in another case or with spaces', "adopt"],
    ["overwrite", "received a text of 9 characters that is neither", "fail"],
    ["true", "received a text of 4 characters that is neither", "fail"],
  ])("rejects %j with CONFIG_INVALID naming the key, never quoting it", (v, received, fix) => {
    let error: unknown;
    try {
      settings({ "connections:onNameConflict": v }).provider();
    } catch (e) {
      error = e;
    }
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect((error as ConnectionError).code).toBe("CONFIG_INVALID");
    expect((error as ConnectionError).message).toBe(
      `connections:onNameConflict must be "fail" or "adopt", ${received}; ` +
        `fix it with \`pulumi config set connections:onNameConflict ${fix}\``,
    );
  });
});

describe("several accounts: pictory:accounts and apinizer:accounts", () => {
  const ENV = ["PICTORY_ACCOUNTS", "APINIZER_ACCOUNTS", "PICTORY_API_KEY", "PICTORY_BASE_URL"];
  const saved = ENV.map((k) => process.env[k]);
  beforeEach(() => ENV.forEach((k) => delete process.env[k]));
  afterEach(() =>
    ENV.forEach((k, i) => {
      if (saved[i] === undefined) delete process.env[k];
      else process.env[k] = saved[i];
    }),
  );
  const store = (config: Record<string, string>) => {
    const s = new SettingsStore();
    s.configure({ get: (k) => config[k] });
    return s;
  };
  const failure = (fn: () => unknown): ConnectionError => {
    try {
      fn();
    } catch (e) {
      expect(ConnectionError.isInstance(e)).toBe(true);
      return e as ConnectionError;
    }
    throw new Error("expected a ConnectionError");
  };
  // Pulumi's engine hands a dynamic provider every config value as a string: an object set with
  // `--path` arrives as its JSON text, its secrets decrypted.
  const accounts = JSON.stringify({
    eu: { apiKey: "pictai_eu_key", baseUrl: "https://eu.example.com/pictoryapis/" },
    us: { apiKey: "pictai_us_key" },
  });

  it("without an account, the default credentials as before", () => {
    const s = store({ "pictory:apiKey": "pictai_default", "pictory:accounts": accounts });
    const f = s.family(pictoryFamily);
    expect(f).toMatchObject({ credential: "pictai_default", credentialKey: "pictory:apiKey" });
    expect(f.account).toBeUndefined();
  });

  it("an account's credential and base URL, with the family's base URL as its fallback", () => {
    const s = store({
      "pictory:accounts": accounts,
      "pictory:baseUrl": "https://shared.example.com/p",
    });
    expect(s.family(pictoryFamily, "eu")).toMatchObject({
      account: "eu",
      credential: "pictai_eu_key",
      credentialKey: "pictory:accounts.eu.apiKey",
      baseUrl: "https://eu.example.com/pictoryapis",
      baseUrlKey: "pictory:accounts.eu.baseUrl",
      headers: { authorization: "pictai_eu_key" },
    });
    expect(s.family(pictoryFamily, "us")).toMatchObject({
      credential: "pictai_us_key",
      baseUrl: "https://shared.example.com/p",
      baseUrlKey: "pictory:baseUrl",
    });
    // No default key is needed to use an account.
    expect(s.accounts(pictoryFamily)).toEqual(["eu", "us"]);
  });

  it("takes an object value as well as its JSON text", () => {
    const s = new SettingsStore();
    const obj = { dc2: { token: "tok-2", baseUrl: "https://dc2.example.com/apiops" } };
    s.configure({ get: (k) => (k === "apinizer:accounts" ? (obj as never) : undefined) });
    expect(s.family(apinizerFamily, "dc2")).toMatchObject({
      credential: "tok-2",
      headers: { authorization: "Bearer tok-2" },
    });
  });

  it("merges the environment's JSON with stack config, config winning property by property", () => {
    process.env.PICTORY_ACCOUNTS = JSON.stringify({
      eu: { apiKey: "pictai_from_env", baseUrl: "https://env.example.com/p" },
      ci: { apiKey: "pictai_ci" },
    });
    const s = store({
      "pictory:accounts": JSON.stringify({ eu: { baseUrl: "https://cfg.example.com/p" } }),
    });
    expect(s.family(pictoryFamily, "eu")).toMatchObject({
      credential: "pictai_from_env",
      baseUrl: "https://cfg.example.com/p",
    });
    expect(s.family(pictoryFamily, "ci").credential).toBe("pictai_ci");
    expect(s.credentials(pictoryFamily).sort()).toEqual(["pictai_ci", "pictai_from_env"]);
  });

  it("an unknown account fails naming it, the known ones and the command", () => {
    const e = failure(() => store({ "pictory:accounts": accounts }).family(pictoryFamily, "asia"));
    expect(e.code).toBe("CONFIG_MISSING");
    expect(e.message).toBe(
      'Pictory account "asia" is not configured: expected it in stack config pictory:accounts or ' +
        'environment variable PICTORY_ACCOUNTS (configured: "eu", "us"); add it with ' +
        "`pulumi config set --path --secret 'pictory:accounts.asia.apiKey' <value>`, or fix the resource's account",
    );
    const none = failure(() => store({}).family(apinizerFamily, "dc2"));
    expect(none.message).toContain("(configured: none)");
    expect(none.message).toContain("'apinizer:accounts.dc2.token'");
  });

  it("an account without its credential, or with a malformed one, names its config path", () => {
    const s = store({
      "apinizer:accounts": JSON.stringify({ dc2: { baseUrl: "https://x.example.com/apiops" } }),
    });
    expect(failure(() => s.family(apinizerFamily, "dc2")).message).toBe(
      'Apinizer token of account "dc2" is missing: expected apinizer:accounts.dc2.token; ' +
        "set it with `pulumi config set --path --secret 'apinizer:accounts.dc2.token' <value>`",
    );
    const bad = store({
      "pictory:accounts": JSON.stringify({ eu: { apiKey: "Bearer pictai_x" } }),
    });
    const e = failure(() => bad.family(pictoryFamily, "eu"));
    expect(e.code).toBe("CONFIG_INVALID");
    expect(e.message).toContain("pictory:accounts.eu.apiKey is malformed (received [secret])");
    expect(e.message).not.toContain("pictai_x");
  });

  it("an Apinizer account needs a base URL from somewhere, and plain http only on loopback", () => {
    const s = store({ "apinizer:accounts": JSON.stringify({ dc2: { token: "t" } }) });
    expect(failure(() => s.family(apinizerFamily, "dc2")).message).toContain(
      "`pulumi config set --path 'apinizer:accounts.dc2.baseUrl' <url>`",
    );
    const plain = store({
      "apinizer:accounts": JSON.stringify({
        dc2: { token: "t", baseUrl: "http://dc2.example.com" },
      }),
    });
    expect(failure(() => plain.family(apinizerFamily, "dc2")).message).toContain(
      "apinizer:accounts.dc2.baseUrl uses plain http",
    );
  });

  it.each([
    ["PICTORY_ACCOUNTS", pictoryFamily, "{eu: pictai_leak"],
    ["APINIZER_ACCOUNTS", apinizerFamily, '["apinizer_leak"]'],
  ] as const)(
    "a malformed %s fails even where no resource names an account, naming it and the fix",
    (env, family, raw) => {
      process.env[env] = raw;
      // The default credentials are set: nothing but the accounts object is wrong.
      const s = store({
        "pictory:apiKey": "pictai_default_key",
        "apinizer:token": "apinizer_default_token",
        "apinizer:baseUrl": "https://apinizer.example.com/apiops",
      });
      const e = failure(() => s.family(family));
      expect(e.code).toBe("CONFIG_INVALID");
      expect(e.message).toMatch(new RegExp(`^${env} is malformed: it is not (JSON|an object);`));
      expect(e.message).toContain(`fix or unset ${env}`);
      expect(e.message).not.toContain("leak");
      // Its default credential is still masked in every message.
      expect(s.credentials(family)).toEqual([
        family === pictoryFamily ? "pictai_default_key" : "apinizer_default_token",
      ]);
    },
  );

  it("fails `import` without --account on a malformed PICTORY_ACCOUNTS, before any request", async () => {
    process.env.PICTORY_ACCOUNTS = "{eu: pictai_leak";
    process.env.PICTORY_API_KEY = "pictai_default_key";
    // An unreachable base URL: a request would fail otherwise, and later.
    process.env.PICTORY_BASE_URL = "https://127.0.0.1:1/pictoryapis";
    const listing = listConnections(settingsFrom(undefined), {
      families: ["pictory"],
      apinizerProjects: [],
    });
    await expect(listing).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: expect.stringMatching(
        /^PICTORY_ACCOUNTS is malformed: .*fix or unset PICTORY_ACCOUNTS/,
      ),
    });
  });

  it.each([
    ["not JSON", "{eu: pictai_leak", "it is not JSON"],
    ["a list", '["pictai_leak"]', "it is not an object"],
    ["an entry that is a string", '{"eu": "pictai_leak"}', 'account "eu" is not an object'],
    [
      "an unknown property",
      '{"eu": {"apikey": "pictai_leak"}}',
      'account "eu" has a property other than apiKey and baseUrl (a text of 6 characters, apiKey written in another case)',
    ],
    [
      "a bad name",
      '{"e u": {"apiKey": "pictai_leak"}}',
      "an account name (a text of 3 characters, holding whitespace) is not",
    ],
    ["a number", '{"eu": {"apiKey": 7}}', 'account "eu".apiKey is not a non-empty string'],
  ])("a malformed accounts object (%s) fails naming the key, never the value", (_, raw, what) => {
    const e = failure(() => store({ "pictory:accounts": raw }).family(pictoryFamily, "eu"));
    expect(e.code).toBe("CONFIG_INVALID");
    expect(e.message).toContain(`pictory:accounts is malformed: ${what}`);
    expect(e.message).not.toContain("pictai_leak");
  });
});
