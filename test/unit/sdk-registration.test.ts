import * as pulumi from "@pulumi/pulumi";
import { KINDS } from "../../provider/registry";
import { installedShim } from "../../provider/shims";
import { declaredProperties, getArgs, registerArgs } from "../../sdk/nodejs/resource";

const SHIM_MODULES: Record<string, string> = {
  "pictory:AwsConnection": "pictory-aws-connection",
  "pictory:VimeoConnection": "pictory-vimeo-connection",
  "apinizer:Connection": "apinizer-connection",
};

describe("provider shims", () => {
  test.each([...KINDS.keys()])("%s is the exports object of its shim module", (token) => {
    const file = SHIM_MODULES[token];
    expect(file).toBeDefined();
    // Pulumi stores a `require` of the module only when the provider *is* its exports object.
    expect(installedShim(token)).toBe(require(`../../provider/shims/${file}`));
  });

  test("an unknown kind is refused, naming where shims live", () => {
    expect(() => installedShim("pictory:Nope")).toThrow(/provider\/shims/);
  });

  test.each([...KINDS.keys()])(
    "%s serialized by value (a linked checkout) captures only its token and stays under 2 KB",
    async (token) => {
      const provider = installedShim(token);
      const { text } = await pulumi.runtime.serializeFunction(() => provider, {
        allowSecrets: true,
      });
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2048);
      expect(text).toContain(JSON.stringify(token));
      expect(text).toContain('require("pulumi-connections/provider")');
      for (const leaked of ["zod", "undici", "process.env", "apiKey"]) {
        expect(text).not.toContain(leaked);
      }
    },
  );
});

describe("registered properties", () => {
  test("an omitted optional argument is still registered, so its output resolves", () => {
    const [, props] = registerArgs(
      "pictory:AwsConnection",
      "media",
      { awsAccountId: "123456789012", awsRegion: "us-east-2" },
      undefined,
    );
    for (const key of ["name", "description", "enabled", "connectionId", "version"]) {
      expect(props).toHaveProperty(key);
    }
    expect(props.description).toBeUndefined();
    expect(props.__autoname).toEqual({
      name: expect.stringMatching(/^media-[0-9a-f]{7}$/),
      fixed: false,
    });
    // Deterministic: the same proposal in every run (preview and up) for this stack.
    const [, again] = registerArgs(
      "pictory:AwsConnection",
      "media",
      { awsAccountId: "123456789012", awsRegion: "us-east-2" },
      undefined,
    );
    expect(again.__autoname).toEqual(props.__autoname);
    // Provider-steering inputs are registered only when given.
    expect(props).not.toHaveProperty("adopt");
    expect(props).not.toHaveProperty("onConflict");
  });

  test("an Apinizer connection registers the fields of its type when the type is known", () => {
    const email = declaredProperties("apinizer:Connection", { type: "email" });
    expect(email).toEqual(expect.arrayContaining(["host", "port", "password", "deploymentResult"]));
    const unknownType = declaredProperties("apinizer:Connection", {});
    expect(unknownType).not.toContain("host");
    expect(unknownType).toEqual(expect.arrayContaining(["projectName", "name", "type"]));
  });

  test("given values are kept as given", () => {
    const [, props] = registerArgs(
      "pictory:VimeoConnection",
      "v",
      { name: "n", clientIdentifier: "c", enabled: false },
      undefined,
    );
    expect(props).toMatchObject({ name: "n", clientIdentifier: "c", enabled: false });
    expect(props).not.toHaveProperty("__autoname");
  });
});

describe(".get", () => {
  const value = <T>(o: unknown): Promise<T> =>
    new Promise((resolve) => (o as pulumi.Output<T>).apply((v) => resolve(v)));

  test("the Apinizer ID is split into project and name; no name is proposed", async () => {
    const [state, options] = getArgs("apinizer:Connection", "demo/alerts", { account: "dc2" });
    expect(options).toEqual({ id: "demo/alerts" });
    expect(state).toMatchObject({ __get: true, account: "dc2" });
    expect(state).toMatchObject({ projectName: "demo", name: "alerts" });
    // An ID that is an Output is split once it is known.
    const [later] = getArgs("apinizer:Connection", pulumi.output("demo/alerts"), undefined);
    expect(await value(later.name)).toBe("alerts");
    const [, props] = registerArgs("apinizer:Connection", "x", state, options);
    expect(props).not.toHaveProperty("__autoname");
  });

  test("a Pictory ID is the connectionId", async () => {
    const [state] = getArgs("pictory:AwsConnection", "20251222155612309abcdefghij12345", undefined);
    expect(state).not.toHaveProperty("account");
    expect(state.connectionId).toBe("20251222155612309abcdefghij12345");
  });

  test("an Apinizer ID without its project fails naming the expected form", () => {
    expect(() => getArgs("apinizer:Connection", "alerts", undefined)).toThrow(
      'apinizer:Connection.get: the ID must be the connection\'s projectName/name, received "alerts"',
    );
    expect(() => getArgs("apinizer:Connection", "demo/", undefined)).toThrow('received "demo/"');
  });
});

describe("plain accounts config", () => {
  const args = { awsAccountId: "123456789012", awsRegion: "us-east-2" };
  const accounts = JSON.stringify({ eu: { apiKey: "pictai_eu" } });

  test.each([
    [[], true],
    [["pictory:accounts"], false],
  ])("with secret keys %j a warning is %s", (secretKeys, warns) => {
    jest.isolateModules(() => {
      // Fresh modules: the SDK warns once per family and process.
      const p = require("@pulumi/pulumi") as typeof pulumi;
      const warn = jest.spyOn(p.log, "warn").mockResolvedValue(undefined as never);
      p.runtime.setAllConfig({ "pictory:accounts": accounts }, secretKeys);
      try {
        const sdk =
          require("../../sdk/nodejs/resource") as typeof import("../../sdk/nodejs/resource");
        sdk.registerArgs("pictory:AwsConnection", "media", args, undefined);
        const messages = warn.mock.calls.map((c) => String(c[0]));
        expect(messages.some((m) => m.startsWith("pictory:accounts holds no secret"))).toBe(warns);
        expect(messages.join("\n")).not.toContain("pictai_eu");
      } finally {
        p.runtime.setAllConfig({});
        warn.mockRestore();
      }
    });
  });
});
