import { checkAndCreate, expectCode, providerFixture, ProviderFixture } from "./fixture";

/** A second Pictory account and a second token: one emulator, two tenants that cannot see each other. */
const EU_KEY = "pictai_second_tenant_key";
const EU_TOKEN = "apinizer_second_tenant_token";
const aws = { name: "media", awsAccountId: "123456789012", awsRegion: "us-east-2" };
const mail = {
  projectName: "demo",
  name: "alerts",
  type: "email",
  host: "smtp.example.com",
  auth: true,
  username: "bot",
  password: "smtp-password-9876",
};

let fx: ProviderFixture;
beforeEach(async () => {
  fx = await providerFixture({
    extraTenants: [{ pictoryApiKey: EU_KEY, apinizerToken: EU_TOKEN }],
  });
  fx.config["pictory:accounts"] = JSON.stringify({ eu: { apiKey: EU_KEY } });
  fx.config["apinizer:accounts"] = JSON.stringify({ dc2: { token: EU_TOKEN } });
});
afterEach(async () => {
  await fx.close();
});

async function tenant(credential: string) {
  const res = await fetch(`${fx.emulator.url}/_emulator/state?tenant=${credential}`);
  const body = (await res.json()) as {
    tenants: {
      pictory: { aws: { connectionId: string; name: string }[] };
      apinizer: Record<string, { name: string }[]>;
    }[];
  };
  return body.tenants[0]!;
}

describe("a resource's account", () => {
  it("creates, reads and deletes in that account only", async () => {
    const created = await checkAndCreate(fx.aws, { ...aws, account: "eu" });
    expect((await tenant(EU_KEY)).pictory.aws.map((c) => c.connectionId)).toEqual([created.id]);
    expect((await tenant("pictai_emulator_key")).pictory.aws).toEqual([]);
    expect(created.outs).toMatchObject({ account: "eu" });
    expect(JSON.stringify(created.outs)).not.toContain(EU_KEY);

    const read = await fx.aws.read(created.id, created.outs);
    expect(read.id).toBe(created.id);
    expect(read.inputs).toMatchObject({ account: "eu" });
    await fx.aws.delete(created.id, created.outs);
    expect((await tenant(EU_KEY)).pictory.aws).toEqual([]);
    expect(fx.takeRequests()).toEqual(["POST 200", "GET 200", "DELETE 204"]);
  });

  it("an Apinizer connection on the second server's token", async () => {
    const created = await checkAndCreate(fx.apinizer, { ...mail, account: "dc2" });
    expect((await tenant(EU_TOKEN)).apinizer.demo!.map((c) => c.name)).toEqual(["alerts"]);
    expect((await tenant("apinizer_emulator_token")).apinizer.demo ?? []).toEqual([]);
    await fx.apinizer.delete(created.id, created.outs);
    expect((await tenant(EU_TOKEN)).apinizer.demo ?? []).toEqual([]);
  });

  it("an unknown account fails check before any request, naming it", async () => {
    const checked = await fx.aws.check({}, { ...aws, account: "asia" }).catch((e: Error) => e);
    expect(checked).toBeInstanceOf(Error);
    expect((checked as Error).message).toContain('Pictory account "asia" is not configured');
    expect((checked as Error).message).toContain('(configured: "eu")');
    expect(fx.takeRequests()).toEqual([]);
  });
});

describe("lookups", () => {
  it("reads a Pictory connection of an account, and fails naming the ID elsewhere", async () => {
    const created = await checkAndCreate(fx.aws, { ...aws, account: "eu", description: "raw" });
    fx.takeRequests();
    const found = await fx.runtime.lookup(
      "pictory:AwsConnection",
      "pictory.getAwsConnection",
      { connectionId: created.id },
      "eu",
    );
    expect(found).toEqual({
      id: created.id,
      account: "eu",
      connectionId: created.id,
      name: "media",
      description: "raw",
      enabled: true,
      awsAccountId: "123456789012",
      awsRegion: "us-east-2",
      version: 1,
      createdDate: expect.any(String),
      updatedDate: expect.any(String),
    });
    expect(fx.takeRequests()).toEqual(["GET 200"]);

    const missing = await expectCode(
      fx.runtime.lookup("pictory:AwsConnection", "pictory.getAwsConnection", {
        connectionId: created.id,
      }),
      "NOT_FOUND",
    );
    expect(missing.message).toBe(
      `pictory.getAwsConnection "${created.id}": no Pictory AWS connection with ID "${created.id}" ` +
        `exists for the default credentials (pictory:apiKey at ${fx.emulator.url}/pictoryapis): the API ` +
        "answered that it is not found; check the ID, and that it belongs to that account (a resource " +
        "or lookup picks another with `account`)",
    );
  });

  it("another account's connection is FORBIDDEN when the API says so, naming the ID and the key", async () => {
    const created = await checkAndCreate(fx.aws, { ...aws, account: "eu" });
    await fetch(`${fx.emulator.url}/_emulator/pictory-access?tenant=pictai_emulator_key`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ othersForbidden: true }),
    });
    const e = await expectCode(
      fx.runtime.lookup("pictory:AwsConnection", "pictory.getAwsConnection", {
        connectionId: created.id,
      }),
      "FORBIDDEN",
    );
    expect(e.message).toContain(`connection ${created.id} is not accessible`);
    expect(e.message).toContain("Check that pictory:apiKey is the key of the account that owns it");
  });

  it("reads an Apinizer connection by project and name, its returned password included", async () => {
    await checkAndCreate(fx.apinizer, { ...mail, account: "dc2" });
    const found = await fx.runtime.lookup(
      "apinizer:Connection",
      "apinizer.getConnection",
      { projectName: "demo", name: "alerts" },
      "dc2",
    );
    expect(found).toMatchObject({
      id: "demo/alerts",
      projectName: "demo",
      name: "alerts",
      type: "email",
      host: "smtp.example.com",
      password: mail.password,
    });
    const e = await expectCode(
      fx.runtime.lookup("apinizer:Connection", "apinizer.getConnection", {
        projectName: "demo",
        name: "alerts",
      }),
      "NOT_FOUND",
    );
    expect(e.message).toContain(
      'no Apinizer connection with ID "demo/alerts" exists for the default credentials',
    );
  });

  it("refuses missing parts before any request, and masks every account's credential", async () => {
    const e = await expectCode(
      fx.runtime.lookup("apinizer:Connection", "apinizer.getConnection", { projectName: "demo" }),
      "VALIDATION_FAILED",
    );
    // (The label's "apinizer" is masked here: it starts the emulator's token, "apinizer_...".)
    expect(e.message).toMatch(
      /\.getConnection: name must be a non-empty string, received nothing; pass the projectName and name of the connection to read$/,
    );
    expect(fx.takeRequests()).toEqual([]);
    await fx.emulator.clearRequests();
    // An answer that echoes the credential of the account in use is masked.
    fx.config["pictory:accounts"] = JSON.stringify({
      eu: { apiKey: EU_KEY, baseUrl: `${fx.emulator.url}/_nowhere/${EU_KEY}` },
    });
    const failed = await fx.runtime
      .lookup(
        "pictory:AwsConnection",
        "pictory.getAwsConnection",
        { connectionId: "x".repeat(3) },
        "eu",
      )
      .catch((err: Error) => err);
    expect((failed as Error).message).toContain("/_nowhere/[secret]");
    expect((failed as Error).message).not.toContain(EU_KEY);
  });
});

describe(".get", () => {
  it("reads by ID, and a missing ID fails with its own message instead of leaving the state", async () => {
    const created = await checkAndCreate(fx.aws, { ...aws, account: "eu" });
    const read = await fx.aws.read(created.id, {
      __get: true,
      account: "eu",
      connectionId: created.id,
    });
    expect(read.props).toMatchObject({ name: "media", connectionId: created.id, account: "eu" });
    const e = await expectCode(
      fx.aws.read(created.id, { __get: true, connectionId: created.id }),
      "NOT_FOUND",
    );
    expect(e.message).toContain(
      `pictory:AwsConnection "${created.id}": no Pictory AWS connection with ID`,
    );
    // A managed resource deleted out of band still leaves the state quietly.
    expect((await fx.aws.read(created.id, { connectionId: created.id })).id).toBe("");
  });
});
