import { checkAndCreate, expectCode, providerFixture, ProviderFixture } from "./fixture";

const SECRET = "vimeo-client-secret-1234";
const TOKEN = "vimeo-access-token-5678";
const aws = {
  name: "media",
  awsAccountId: "123456789012",
  awsRegion: "us-east-2",
  description: "raw",
};
const vimeo = {
  name: "marketing",
  clientIdentifier: "cid",
  clientSecret: SECRET,
  accessToken: TOKEN,
};

/**
 * What diff reports for a change: "unknown", so that the engine compares the inputs itself and
 * names each changed field (engine.hostChanges).
 */
const CHANGED = undefined;
let fx: ProviderFixture;
beforeEach(async () => {
  fx = await providerFixture();
});
afterEach(async () => {
  await fx.close();
});

describe("Pictory connections against the emulator", () => {
  it("creates with exactly one POST and reads back without drift with one GET", async () => {
    const created = await checkAndCreate(fx.aws, aws);
    expect(fx.takeRequests()).toEqual(["POST 200"]);
    expect(created.outs).toMatchObject({ ...aws, connectionId: created.id, version: 1 });
    expect(Object.values(created.outs)).not.toContain(undefined);

    const read = await fx.aws.read(created.id, created.outs);
    expect(fx.takeRequests()).toEqual(["GET 200"]);
    // The create answer has no dates (docs/api/pictory-vimeo.md#ids-and-dates): the first read
    // brings them, as outputs only.
    expect(read.props).toEqual({
      ...created.outs,
      createdDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updatedDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(read.inputs).toEqual(created.inputs);
    expect((await fx.aws.diff(created.id, read.props, created.inputs)).changes).toBe(false);
  });

  it("updates in place with one PUT carrying the state's version", async () => {
    const created = await checkAndCreate(fx.aws, aws);
    fx.takeRequests();
    const news = { ...created.inputs, description: "edited", enabled: false };
    const updated = await fx.aws.update(created.id, created.outs, news);
    expect(fx.takeRequests()).toEqual(["PUT 200"]);
    expect(updated.outs).toMatchObject({ description: "edited", enabled: false, version: 2 });
    const stored = (await fx.state()).pictory.aws[0]!;
    expect(stored).toMatchObject({ description: "edited", enabled: false, version: 2 });
  });

  it("fails a stale update with VERSION_CONFLICT naming both versions and the remedy", async () => {
    const created = await checkAndCreate(fx.aws, aws);
    await fetch(`${fx.emulator.url}/_emulator/pictory/aws/${created.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ description: "someone else" }),
    });
    const err = await expectCode(
      fx.aws.update(created.id, created.outs, { ...created.inputs, description: "mine" }),
      "VERSION_CONFLICT",
    );
    expect(err.message).toContain("the API holds version 2 but the state has version 1");
    expect(err.message).toContain("pulumi up --refresh");
    expect((await fx.state()).pictory.aws[0]).toMatchObject({
      description: "someone else",
      version: 2,
    });
  });

  it("overwrites a concurrent change when onConflict is overwrite", async () => {
    const created = await checkAndCreate(fx.aws, aws);
    fx.emulator.enqueueFault({ method: "PUT", action: "bump-version" });
    const news = { ...created.inputs, description: "mine", onConflict: "overwrite" };
    const updated = await fx.aws.update(created.id, created.outs, news);
    expect(updated.outs).toMatchObject({ description: "mine", version: 3 });
  });

  it("recovers a create whose answer was lost without creating a duplicate", async () => {
    fx.emulator.enqueueFault({ method: "POST", action: "drop-after" });
    const created = await checkAndCreate(fx.vimeo, vimeo);
    expect(created.outs).toMatchObject({ name: "marketing", version: 1 });
    expect((await fx.state()).pictory.vimeo).toHaveLength(1);
    expect(fx.takeRequests()).toEqual(["POST 0", "GET 200"]);
  });

  it("retries a create that was dropped before it was processed, after checking the name", async () => {
    fx.emulator.enqueueFault({ method: "POST", action: "drop-before" });
    await checkAndCreate(fx.aws, aws);
    expect((await fx.state()).pictory.aws).toHaveLength(1);
    expect(fx.takeRequests()).toEqual(["POST 0", "GET 200", "POST 200"]);
  });

  it("retries a read answered 429 after the Retry-After delay", async () => {
    const created = await checkAndCreate(fx.aws, aws);
    fx.takeRequests();
    fx.emulator.enqueueFault({
      method: "GET",
      action: "status",
      status: 429,
      retryAfterSeconds: 1,
    });
    const started = Date.now();
    const read = await fx.aws.read(created.id, created.outs);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(read.id).toBe(created.id);
    expect(fx.takeRequests()).toEqual(["GET 429", "GET 200"]);
  });

  it("reports a connection deleted outside Pulumi as gone, and deleting it again succeeds", async () => {
    const created = await checkAndCreate(fx.aws, aws);
    await fetch(`${fx.emulator.url}/_emulator/pictory/aws/${created.id}`, { method: "DELETE" });
    expect((await fx.aws.read(created.id, created.outs)).id).toBe("");
    await expect(fx.aws.delete(created.id, created.outs)).resolves.toBeUndefined();
  });

  it("keeps write-only secrets on refresh while the version stands still", async () => {
    const created = await checkAndCreate(fx.vimeo, vimeo);
    const read = await fx.vimeo.read(created.id, created.outs);
    expect(read.inputs).toMatchObject({ clientSecret: SECRET, accessToken: TOKEN });
    expect((await fx.vimeo.diff(created.id, read.props, created.inputs)).changes).toBe(false);
  });

  it("drops write-only secrets once the version moved out of band, so the next update re-sends them", async () => {
    const created = await checkAndCreate(fx.vimeo, vimeo);
    await fetch(`${fx.emulator.url}/_emulator/pictory/vimeo/${created.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ enabled: false, clientSecret: "set-in-the-dashboard" }),
    });
    const read = await fx.vimeo.read(created.id, created.outs);
    expect(read.inputs).toMatchObject({ enabled: false });
    expect(read.inputs.clientSecret).toBeUndefined();
    expect(read.props).toMatchObject({ version: 2 });
    expect(read.props.accessToken).toBeUndefined();
    const diff = await fx.vimeo.diff(created.id, read.props, created.inputs);
    expect(diff).toMatchObject({ changes: CHANGED, replaces: [] });
    fx.takeRequests();
    const updated = await fx.vimeo.update(created.id, read.props, created.inputs);
    expect(fx.takeRequests()).toEqual(["PUT 200"]);
    expect(updated.outs).toMatchObject({ clientSecret: SECRET, accessToken: TOKEN, version: 3 });
    const stored = (await fx.state()).pictory.vimeo[0]!;
    expect(stored).toMatchObject({ enabled: true, version: 3 });
    const sha256 = require("node:crypto").createHash("sha256").update(SECRET, "utf8").digest("hex");
    expect(stored.clientSecret).toEqual({ sha256 });
  });

  it("rejects a duplicate name with NAME_CONFLICT and a hint to adopt, without echoing secrets", async () => {
    await checkAndCreate(fx.vimeo, vimeo);
    const err = await expectCode(checkAndCreate(fx.vimeo, vimeo), "NAME_CONFLICT");
    expect(err.message).toContain("adopt: true");
    // The recovery after an interrupted `pulumi up`, and why it is not the default.
    expect(err.message).toContain("pulumi refresh --clear-pending-creates");
    expect(err.message).toContain('connections:onNameConflict set to "adopt"');
    expect(err.message).toContain("`pulumi destroy` will delete it");
    expect(err.message).not.toContain(SECRET);
    expect(err.message).not.toContain(TOKEN);
    expect((await fx.state()).pictory.vimeo).toHaveLength(1);
  });

  describe("connections:onNameConflict", () => {
    const sha256 = (s: string) =>
      require("node:crypto").createHash("sha256").update(s, "utf8").digest("hex");
    const savedEnv = process.env.CONNECTIONS_ON_NAME_CONFLICT;
    afterEach(() => {
      if (savedEnv === undefined) delete process.env.CONNECTIONS_ON_NAME_CONFLICT;
      else process.env.CONNECTIONS_ON_NAME_CONFLICT = savedEnv;
    });

    it('"adopt" takes over a same-named connection after the POST conflicts: one PUT with the version and the write-only secrets', async () => {
      // As an interrupted `up` leaves it: created by the API, unknown to the state; here with
      // other secrets and a readable difference.
      await checkAndCreate(fx.vimeo, {
        ...vimeo,
        clientSecret: "old-secret",
        accessToken: "old-token",
        description: "half-done",
      });
      fx.takeRequests();
      fx.config["connections:onNameConflict"] = "adopt";
      const adopted = await checkAndCreate(fx.vimeo, vimeo);
      expect(fx.takeRequests()).toEqual(["POST 409", "GET 200", "PUT 200"]);
      const stored = (await fx.state()).pictory.vimeo;
      expect(stored).toHaveLength(1);
      expect(adopted.id).toBe(stored[0]!.connectionId);
      expect(adopted.outs).toMatchObject({ clientSecret: SECRET, accessToken: TOKEN, version: 2 });
      expect(adopted.outs.adopt).toBeUndefined();
      expect(stored[0]).toMatchObject({
        version: 2,
        clientSecret: { sha256: sha256(SECRET) },
        accessToken: { sha256: sha256(TOKEN) },
      });
      expect(stored[0]!.description ?? "").toBe("");
    });

    it('"adopt" sends no PUT for a kind without write-only fields when nothing differs', async () => {
      await checkAndCreate(fx.aws, aws);
      fx.takeRequests();
      fx.config["connections:onNameConflict"] = "adopt";
      const adopted = await checkAndCreate(fx.aws, aws);
      expect(fx.takeRequests()).toEqual(["POST 409", "GET 200"]);
      expect(adopted.outs).toMatchObject({ ...aws, version: 1 });
      expect((await fx.state()).pictory.aws).toHaveLength(1);
    });

    it('"adopt" refuses a same-named connection whose create-only fields differ, and changes nothing', async () => {
      await checkAndCreate(fx.aws, { ...aws, awsAccountId: "999999999999" });
      fx.takeRequests();
      fx.config["connections:onNameConflict"] = "adopt";
      const err = await expectCode(checkAndCreate(fx.aws, aws), "VALIDATION_FAILED");
      expect(err.message).toContain("awsAccountId");
      expect(fx.takeRequests()).toEqual(["POST 409", "GET 200"]);
      expect((await fx.state()).pictory.aws).toEqual([
        expect.objectContaining({ awsAccountId: "999999999999", version: 1 }),
      ]);
    });

    it("falls back to CONNECTIONS_ON_NAME_CONFLICT, and stack config wins over it", async () => {
      await checkAndCreate(fx.aws, aws);
      process.env.CONNECTIONS_ON_NAME_CONFLICT = "adopt";
      fx.config["connections:onNameConflict"] = "fail";
      await expectCode(checkAndCreate(fx.aws, aws), "NAME_CONFLICT");
      delete fx.config["connections:onNameConflict"];
      fx.takeRequests();
      await checkAndCreate(fx.aws, aws);
      expect(fx.takeRequests()).toEqual(["POST 409", "GET 200"]);
      expect((await fx.state()).pictory.aws).toHaveLength(1);
    });

    it("rejects any other value in check, before a request", async () => {
      fx.config["connections:onNameConflict"] = "overwrite";
      const err = await expectCode(fx.aws.check({}, aws), "CONFIG_INVALID");
      expect(err.message).toContain('connections:onNameConflict must be "fail" or "adopt"');
      expect(fx.takeRequests()).toEqual([]);
    });
  });

  it("adopts an existing connection by name with one GET and one converging PUT", async () => {
    await checkAndCreate(fx.aws, { ...aws, description: "made by hand" });
    fx.takeRequests();
    const adopted = await checkAndCreate(fx.aws, { ...aws, adopt: true });
    expect(fx.takeRequests()).toEqual(["GET 200", "PUT 200"]);
    expect(adopted.outs).toMatchObject({ description: "raw", version: 2 });
    expect((await fx.state()).pictory.aws).toHaveLength(1);
  });

  it("fails adoption of a connection that does not exist with ADOPT_NOT_FOUND", async () => {
    await expectCode(
      checkAndCreate(fx.aws, { ...aws, adopt: "20250101000000000abcdefghijklmno" }),
      "ADOPT_NOT_FOUND",
    );
  });

  it("fails check with CONFIG_MISSING naming the key when no API key is set", async () => {
    delete fx.config["pictory:apiKey"];
    const saved = process.env.PICTORY_API_KEY;
    delete process.env.PICTORY_API_KEY;
    try {
      const err = await expectCode(fx.aws.check({}, aws), "CONFIG_MISSING");
      expect(err.message).toContain("pulumi config set --secret pictory:apiKey");
      expect(fx.takeRequests()).toEqual([]);
    } finally {
      if (saved !== undefined) process.env.PICTORY_API_KEY = saved;
    }
  });

  it("rejects a plain-http base URL that is not loopback", async () => {
    fx.config["pictory:baseUrl"] = "http://api.example.com/pictoryapis";
    const err = await expectCode(fx.aws.check({}, aws), "CONFIG_INVALID");
    expect(err.message).toContain("use https");
  });

  it("fails with UNAUTHORIZED on a refused key and never shows the key", async () => {
    fx.config["pictory:apiKey"] = "pictai_wrong_key_123";
    const err = await expectCode(checkAndCreate(fx.aws, aws), "UNAUTHORIZED");
    expect(err.message).not.toContain("pictai_wrong_key_123");
    expect(err.message).toContain("pictory:apiKey");
  });
});
