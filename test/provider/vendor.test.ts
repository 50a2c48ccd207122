/**
 * What the vendors' complete pages say, as the provider must handle it: Pictory's 403 for a
 * connection of another account (aws-integration get/update/delete pages: "You do not have
 * permission to access this connection"), never "gone"; and Apinizer passwords that the type pages
 * say are "masked in get operations", which must never look like drift and are re-sent on update.
 */
import { fingerprint } from "../../emulator";
import { checkAndCreate, expectCode, providerFixture, ProviderFixture } from "./fixture";

let fx: ProviderFixture;
afterEach(async () => {
  await fx.close();
});

async function forbid(id: string): Promise<void> {
  const res = await fetch(
    `${fx.emulator.url}/_emulator/pictory-access?tenant=pictai_emulator_key`,
    {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ forbiddenIds: [id] }),
    },
  );
  expect(res.status).toBe(200);
}

const aws = { name: "vendor-media", awsAccountId: "123456789012", awsRegion: "us-east-2" };

describe("Pictory 403: a connection the key may not access", () => {
  beforeEach(async () => {
    fx = await providerFixture();
  });

  it("fails refresh with FORBIDDEN naming the connection and the account's key, never reporting it gone", async () => {
    const created = await checkAndCreate(fx.aws, aws);
    await forbid(created.id);
    fx.takeRequests();
    const err = await expectCode(fx.aws.read(created.id, created.outs), "FORBIDDEN");
    expect(fx.takeRequests()).toEqual(["GET 403"]);
    expect(err.message).toContain(`connection ${created.id}`);
    expect(err.message).toContain('pictory:AwsConnection "vendor-media"');
    expect(err.message).toContain("another Pictory account");
    expect(err.message).toContain("pictory:apiKey");
    expect(err.message).toContain("state was left as it is");
  });

  it("fails update and delete with FORBIDDEN, so destroy never reports success", async () => {
    const created = await checkAndCreate(fx.aws, aws);
    await forbid(created.id);
    fx.takeRequests();
    await expectCode(
      fx.aws.update(created.id, created.outs, { ...created.inputs, description: "x" }),
      "FORBIDDEN",
    );
    await expectCode(fx.aws.delete(created.id, created.outs), "FORBIDDEN");
    expect(fx.takeRequests()).toEqual(["PUT 403", "DELETE 403"]);
    // Still there: nothing was deleted.
    expect((await fx.state()).pictory.aws.map((c) => c.connectionId)).toEqual([created.id]);
  });
});

describe("Apinizer passwords masked in get operations", () => {
  beforeEach(async () => {
    fx = await providerFixture();
  });

  const PASSWORD = "db-password-masked-1234";
  const database = {
    projectName: "demo",
    name: "vendor-db",
    type: "database",
    dbType: "POSTGRES",
    jdbcUrl: "jdbc:postgresql://db:5432/app",
    username: "app",
    password: PASSWORD,
  };

  it("never reports the masked password as drift, and keeps it in state on refresh", async () => {
    const created = await checkAndCreate(fx.apinizer, database);
    // The API really masks it: otherwise this test would prove nothing.
    const raw = await fetch(`${fx.emulator.url}/apiops/projects/demo/connections/vendor-db/`, {
      headers: { authorization: "Bearer apinizer_emulator_token" },
    });
    const body = (await raw.json()) as { resultList: Record<string, unknown>[] };
    expect(body.resultList[0]!.password).toBeNull();
    fx.takeRequests();
    const read = await fx.apinizer.read(created.id, created.outs);
    expect(fx.takeRequests()).toEqual(["GET 200"]);
    expect(read.inputs.password).toBe(PASSWORD);
    expect(read.props.password).toBe(PASSWORD);
    expect((await fx.apinizer.diff(created.id, read.props, created.inputs)).changes).toBe(false);
  });

  it("re-sends the password with every update, so the API keeps the program's value", async () => {
    const created = await checkAndCreate(fx.apinizer, database);
    const NEW = "db-password-rotated-5678";
    const updated = await fx.apinizer.update(created.id, created.outs, {
      ...created.inputs,
      description: "rotated",
      password: NEW,
    });
    expect(updated.outs.password).toBe(NEW);
    const stored = (await fx.state()).apinizer.demo!.find((c) => c.name === "vendor-db")!;
    expect(stored.password).toEqual(fingerprint(NEW));
    // An update of another field sends the password too.
    await fx.apinizer.update(created.id, updated.outs, {
      ...created.inputs,
      password: NEW,
      description: "again",
    });
    const again = (await fx.state()).apinizer.demo!.find((c) => c.name === "vendor-db")!;
    expect(again).toMatchObject({ description: "again", password: fingerprint(NEW) });
  });
});

describe("Pictory lists without nextPageKey", () => {
  beforeEach(async () => {
    // All items in one answer and no key at all, as the AWS list page documents it.
    fx = await providerFixture({
      pictoryPageSize: 2,
      pictoryListsWithoutPageKey: ["aws", "vimeo"],
    });
  });

  it("finds a name on a list answered without nextPageKey, for the adopt and create-recovery lookups", async () => {
    for (const i of [1, 2, 3, 4]) {
      await checkAndCreate(fx.aws, { ...aws, name: `unpaged-${i}` });
    }
    fx.takeRequests();
    const adopted = await checkAndCreate(fx.aws, { ...aws, name: "unpaged-4", adopt: true });
    expect(fx.takeRequests()).toEqual(["GET 200"]);
    expect(adopted.outs).toMatchObject({ name: "unpaged-4", version: 1 });
    const missing = await expectCode(
      checkAndCreate(fx.aws, { ...aws, name: "unpaged-9", adopt: true }),
      "ADOPT_NOT_FOUND",
    );
    expect(missing.message).toContain('name "unpaged-9"');
    expect(fx.takeRequests()).toEqual(["GET 200"]);
  });
});
