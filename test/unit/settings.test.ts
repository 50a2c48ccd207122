import { ConnectionError } from "../../provider/core/errors";
import { SettingsStore } from "../../provider/core/settings";

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

  it.each(["Adopt", "overwrite", "true"])("rejects %j with CONFIG_INVALID naming the key", (v) => {
    let error: unknown;
    try {
      settings({ "connections:onNameConflict": v }).provider();
    } catch (e) {
      error = e;
    }
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect((error as ConnectionError).code).toBe("CONFIG_INVALID");
    expect((error as ConnectionError).message).toBe(
      `connections:onNameConflict must be "fail" or "adopt", received ${JSON.stringify(v)}; ` +
        "fix it with `pulumi config set connections:onNameConflict fail`",
    );
  });
});
