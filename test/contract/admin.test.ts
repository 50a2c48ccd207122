/**
 * The emulator's admin API under /_emulator/ and tenancy isolation (emulator only).
 */
import { createHash } from "node:crypto";
import { startEmulator } from "../../emulator";
import { emulatorState, useEmulator } from "../helpers/emulator";
import { Client, EMULATOR_APINIZER_TOKEN, EMULATOR_PICTORY_KEY, obj } from "./harness";

const OTHER_KEY = "pictai_other_tenant";
const OTHER_TOKEN = "apinizer_other_tenant";
const emu = useEmulator({
  extraTenants: [{ pictoryApiKey: OTHER_KEY, apinizerToken: OTHER_TOKEN }],
});

let admin: Client;
let pictory: Client;
let otherPictory: Client;
let apinizer: Client;
let otherApinizer: Client;
beforeAll(() => {
  admin = new Client(`${emu.url}/_emulator`);
  pictory = new Client(`${emu.url}/pictoryapis`, { authorization: EMULATOR_PICTORY_KEY });
  otherPictory = new Client(`${emu.url}/pictoryapis`, { authorization: OTHER_KEY });
  apinizer = new Client(emu.url, { authorization: `Bearer ${EMULATOR_APINIZER_TOKEN}` });
  otherApinizer = new Client(emu.url, { authorization: `Bearer ${OTHER_TOKEN}` });
});
beforeEach(() => emu.current.reset());

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
const VIMEO = "/v1/vimeo-connections";
const AWS = "/v1/awsconnections";
const CONNECTIONS = "/apiops/projects/demo/connections/";

async function createVimeo(client = pictory, name = "vimeo-one"): Promise<Record<string, unknown>> {
  const response = await client.post(VIMEO, {
    name,
    clientIdentifier: "cid",
    clientSecret: "top-secret",
    accessToken: "tok",
  });
  expect(response.status).toBe(200);
  return obj(response);
}

async function createAws(client = pictory, name = "aws-one"): Promise<Record<string, unknown>> {
  const response = await client.post(AWS, {
    name,
    awsAccountId: "123456789012",
    awsRegion: "us-east-1",
  });
  expect(response.status).toBe(200);
  return obj(response);
}

async function createEmail(client = apinizer, name = "mail"): Promise<void> {
  const response = await client.post(`${CONNECTIONS}${name}/`, {
    name,
    type: "email",
    host: "smtp",
    auth: true,
    username: "u",
    password: "mail-secret",
  });
  expect(response.status).toBe(200);
}

describe("reset and request log", () => {
  it("POST /_emulator/reset clears connections, faults and the request log", async () => {
    await createVimeo();
    await createEmail();
    emu.current.setFaults({ latencyMs: 1 });
    expect((await admin.post("/reset", undefined)).status).toBe(204);
    expect(obj(await pictory.get(VIMEO)).Items).toEqual([]);
    expect(obj(await admin.get("/faults"))).toEqual({});
    const log = obj(await admin.get("/requests")).requests as unknown[];
    expect(log).toHaveLength(1); // the GET above, after the reset
  });

  it("GET /_emulator/requests lists API requests only; DELETE clears them", async () => {
    await pictory.get(VIMEO);
    await admin.get("/state");
    const log = obj(await admin.get("/requests")).requests as Record<string, unknown>[];
    expect(log).toEqual([
      expect.objectContaining({
        method: "GET",
        path: "/pictoryapis/v1/vimeo-connections",
        status: 200,
      }),
    ]);
    expect((await admin.delete("/requests")).status).toBe(204);
    expect(obj(await admin.get("/requests")).requests).toEqual([]);
  });
});

describe("faults over HTTP", () => {
  it("PUT then GET /_emulator/faults round-trips the settings", async () => {
    const settings = { rate429: 0.25, retryAfterSeconds: 3, seed: 7, match: { method: "GET" } };
    const put = await admin.put("/faults", settings);
    expect(put.status).toBe(200);
    expect(obj(await admin.get("/faults"))).toEqual(settings);
  });

  it.each([
    ["a rate above 1", { rate5xx: 1.5 }],
    ["an unknown knob", { explode: true }],
    ["a negative latency", { latencyMs: -5 }],
  ])("rejects settings with %s (400)", async (_what, settings) => {
    const response = await admin.put("/faults", settings);
    expect(response.status).toBe(400);
    expect(obj(response).error).toBeDefined();
  });

  it("POST /_emulator/faults/once queues a rule that is consumed by the next request", async () => {
    const response = await admin.post("/faults/once", {
      action: "status",
      status: 418,
      path: "*vimeo*",
    });
    expect(response.status).toBe(201);
    expect((obj(await admin.get("/faults/once")).rules as unknown[]).length).toBe(1);
    expect((await pictory.get(VIMEO)).status).toBe(418);
    expect((await pictory.get(VIMEO)).status).toBe(200);
    expect(obj(await admin.get("/faults/once")).rules).toEqual([]);
  });

  it("rejects a malformed rule (400)", async () => {
    expect((await admin.post("/faults/once", { action: "nope" })).status).toBe(400);
    expect(
      (
        await admin.call("POST", "/faults/once", {
          raw: "{",
          headers: { "content-type": "application/json" },
        })
      ).status,
    ).toBe(400);
  });
});

describe("GET /_emulator/state", () => {
  it("shows every tenant's connections with secrets as sha256 fingerprints", async () => {
    const vimeo = await createVimeo();
    await createAws();
    await createEmail();
    await createVimeo(otherPictory, "other");
    const response = await admin.get("/state");
    expect(response.text).not.toContain("top-secret");
    expect(response.text).not.toContain("mail-secret");
    const tenants = obj(response).tenants as Record<string, unknown>[];
    expect(tenants.map((t) => t.tenant)).toEqual(["default", "tenant-1"]);
    const state = await emulatorState(emu.url);
    expect(state.pictory.vimeo[0]).toMatchObject({
      connectionId: vimeo.connectionId,
      clientSecret: { sha256: sha256("top-secret") },
      accessToken: { sha256: sha256("tok") },
    });
    expect(state.pictory.aws).toHaveLength(1);
    expect(state.apinizer.demo?.[0]).toMatchObject({
      name: "mail",
      password: { sha256: sha256("mail-secret") },
    });
    const other = await emulatorState(emu.url, OTHER_KEY);
    expect(other.tenant).toBe("tenant-1");
    expect(other.pictory.vimeo).toHaveLength(1);
  });

  it("shows a rotated secret as a new fingerprint", async () => {
    const vimeo = await createVimeo();
    await pictory.put(`${VIMEO}/${String(vimeo.connectionId)}`, {
      clientSecret: "rotated",
      version: 1,
    });
    const state = await emulatorState(emu.url);
    expect(state.pictory.vimeo[0]?.clientSecret).toEqual({ sha256: sha256("rotated") });
  });

  it("answers 404 for an unknown tenant", async () => {
    expect((await admin.get("/state?tenant=nobody")).status).toBe(404);
  });
});

describe("out-of-band edits (as in the vendor's dashboard)", () => {
  it.each([
    ["aws", AWS, createAws],
    ["vimeo", VIMEO, createVimeo],
  ] as const)(
    "PATCH /_emulator/pictory/%s/{id} bumps version and updatedDate; the old version is then stale",
    async (family, path, make) => {
      const created = await make(pictory, `${family}-oob`);
      const id = String(created.connectionId);
      const before = obj(await pictory.get(`${path}/${id}`));
      const patch = await admin.call("PATCH", `/pictory/${family}/${id}`, {
        body: { description: "edited in dashboard", name: `${family}-renamed` },
      });
      expect(patch.status).toBe(200);
      const after = obj(await pictory.get(`${path}/${id}`));
      expect(after).toMatchObject({
        version: 2,
        description: "edited in dashboard",
        name: `${family}-renamed`,
      });
      expect(Date.parse(String(after.updatedDate))).toBeGreaterThan(
        Date.parse(String(before.updatedDate)),
      );
      // An AWS PUT must carry name (docs/api/pictory-aws.md#update-needs-name-and-version), so the
      // stale one does too.
      const stale = await pictory.put(`${path}/${id}`, { name: after.name, version: 1 });
      expect(stale.status).toBe(409);
      expect(emu.current.requests().some((e) => e.path.includes("_emulator"))).toBe(false);
    },
  );

  it("PATCH /_emulator/pictory validates like the API and 404s unknown ids", async () => {
    const created = await createVimeo();
    const id = String(created.connectionId);
    expect(
      (await admin.call("PATCH", `/pictory/vimeo/${id}`, { body: { name: "bad/name" } })).status,
    ).toBe(400);
    expect(
      (await admin.call("PATCH", `/pictory/vimeo/20250101000000000zzzzzzzzzzzzzzzz`, { body: {} }))
        .status,
    ).toBe(404);
  });

  it("PATCH /_emulator/pictory/aws may change immutable fields (drift the API cannot make)", async () => {
    const created = await createAws();
    const id = String(created.connectionId);
    expect(
      (await admin.call("PATCH", `/pictory/aws/${id}`, { body: { awsRegion: "eu-west-1" } }))
        .status,
    ).toBe(200);
    expect(obj(await pictory.get(`${AWS}/${id}`)).awsRegion).toBe("eu-west-1");
  });

  it("PATCH /_emulator/apinizer/{project}/{name} edits and renames", async () => {
    await createEmail();
    const patch = await admin.call("PATCH", "/apinizer/demo/mail", { body: { port: 2525 } });
    expect(patch.status).toBe(200);
    const got = obj(await apinizer.get(`${CONNECTIONS}mail/`));
    expect((got.resultList as Record<string, unknown>[])[0]).toMatchObject({
      port: 2525,
      password: "mail-secret",
    });
    expect(
      (await admin.call("PATCH", "/apinizer/demo/MAIL", { body: { name: "mail2" } })).status,
    ).toBe(200);
    expect((await apinizer.get(`${CONNECTIONS}mail2/`)).status).toBe(200);
    expect((await apinizer.get(`${CONNECTIONS}mail/`)).status).toBe(404);
    expect(
      (await admin.call("PATCH", "/apinizer/demo/mail2", { body: { port: "x" } })).status,
    ).toBe(400);
    expect((await admin.call("PATCH", "/apinizer/demo/nope", { body: {} })).status).toBe(404);
    expect((await admin.call("PATCH", "/apinizer/nope/mail2", { body: {} })).status).toBe(404);
  });

  it("DELETE removes connections of all three families out of band", async () => {
    const vimeo = await createVimeo();
    const aws = await createAws();
    await createEmail();
    expect((await admin.delete(`/pictory/vimeo/${String(vimeo.connectionId)}`)).status).toBe(204);
    expect((await admin.delete(`/pictory/aws/${String(aws.connectionId)}`)).status).toBe(204);
    expect((await admin.delete("/apinizer/demo/mail")).status).toBe(204);
    expect((await pictory.get(`${VIMEO}/${String(vimeo.connectionId)}`)).status).toBe(404);
    expect((await pictory.get(`${AWS}/${String(aws.connectionId)}`)).status).toBe(404);
    expect((await apinizer.get(`${CONNECTIONS}mail/`)).status).toBe(404);
    expect((await admin.delete("/apinizer/demo/mail")).status).toBe(404);
  });

  it("acts on another tenant with ?tenant=<key or token>", async () => {
    const theirs = await createVimeo(otherPictory, "theirs");
    const id = String(theirs.connectionId);
    expect(
      (await admin.call("PATCH", `/pictory/vimeo/${id}`, { body: { description: "x" } })).status,
    ).toBe(404);
    expect(
      (
        await admin.call("PATCH", `/pictory/vimeo/${id}?tenant=${OTHER_KEY}`, {
          body: { description: "x" },
        })
      ).status,
    ).toBe(200);
    await createEmail(otherApinizer, "their-mail");
    expect((await admin.delete(`/apinizer/demo/their-mail?tenant=${OTHER_TOKEN}`)).status).toBe(
      204,
    );
  });

  it("answers 404 JSON for unknown admin endpoints and GET /_emulator/info describes the setup", async () => {
    const response = await admin.get("/nope");
    expect(response.status).toBe(404);
    expect(obj(response).error).toBeDefined();
    expect(obj(await admin.get("/info"))).toMatchObject({
      apinizerEnvelope: "v1",
      pictoryListsWithoutPageKey: [],
      projects: expect.arrayContaining(["demo", "default"]),
    });
  });
});

describe("Apinizer keystores (Kafka keyStoreName / trustStoreName must name one)", () => {
  const kafka = (name: string, keyStoreName: string): Record<string, unknown> => ({
    name,
    type: "kafka",
    topicName: "events",
    propertiesMap: {
      "bootstrap.servers": { value: "k:9092", valueType: "STRING" },
      "key.serializer": { value: "s", valueType: "STRING" },
      "value.serializer": { value: "s", valueType: "STRING" },
    },
    enableSecure: true,
    protocolTypes: ["TLS_1_2"],
    keyStoreName,
  });

  it("GET|POST|DELETE /_emulator/apinizer-keystores/{project} list, add and remove keystores per tenant", async () => {
    expect(obj(await admin.get("/apinizer-keystores/demo"))).toEqual({
      project: "demo",
      keystores: [],
    });
    const added = await admin.post("/apinizer-keystores/demo", { name: "ks-one" });
    expect(added.status).toBe(201);
    const [entry] = obj(added).keystores as { name: string; id: string }[];
    expect(entry).toEqual({ name: "ks-one", id: expect.stringMatching(/^[0-9a-f]{24}$/) });
    expect((await admin.post("/apinizer-keystores/demo", { name: "ks-one" })).status).toBe(200);
    // Per tenant: the other tenant has none.
    expect(
      obj(await admin.get(`/apinizer-keystores/demo?tenant=${OTHER_TOKEN}`)).keystores,
    ).toEqual([]);
    expect((await apinizer.post(`${CONNECTIONS}secure/`, kafka("secure", "ks-one"))).status).toBe(
      200,
    );
    expect(
      (await otherApinizer.post(`${CONNECTIONS}secure/`, kafka("secure", "ks-one"))).status,
    ).toBe(400);
    const state = obj(await admin.get("/state?tenant=default")).tenants as Record<
      string,
      unknown
    >[];
    expect(state[0]?.apinizerKeystores).toMatchObject({ demo: ["ks-one"], default: [] });
    expect((await admin.delete("/apinizer-keystores/demo/ks-one")).status).toBe(204);
    expect((await admin.delete("/apinizer-keystores/demo/ks-one")).status).toBe(404);
    expect((await apinizer.post(`${CONNECTIONS}later/`, kafka("later", "ks-one"))).status).toBe(
      400,
    );
  });

  it("rejects an unknown project (404), a bad body (400) and unknown routes (404)", async () => {
    expect((await admin.get("/apinizer-keystores/nope")).status).toBe(404);
    expect((await admin.post("/apinizer-keystores/demo", { name: "" })).status).toBe(400);
    expect((await admin.post("/apinizer-keystores/demo", { name: "x", extra: 1 })).status).toBe(
      400,
    );
    expect((await admin.get("/apinizer-keystores/demo/x/y")).status).toBe(404);
    expect((await admin.get("/apinizer-keystores/demo?tenant=nobody")).status).toBe(404);
  });

  it("reset removes keystores added at run time", async () => {
    await admin.post("/apinizer-keystores/demo", { name: "temporary" });
    emu.current.reset();
    expect(obj(await admin.get("/apinizer-keystores/demo")).keystores).toEqual([]);
  });

  it("an out-of-band PATCH resolves keystore names as the API does", async () => {
    await admin.post("/apinizer-keystores/demo", { name: "ks-patch" });
    expect(
      (await apinizer.post(`${CONNECTIONS}patched/`, kafka("patched", "ks-patch"))).status,
    ).toBe(200);
    const bad = await admin.call("PATCH", "/apinizer/demo/patched", {
      body: { keyStoreName: "missing-ks" },
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("keyStoreName");
  });
});

describe("tenancy isolation: a key sees only its own account's connections", () => {
  it("hides another tenant's Pictory connections: get, update and list never leak", async () => {
    const mine = await createVimeo(pictory, "shared-name");
    const mineAws = await createAws(pictory, "shared-aws");
    const id = String(mine.connectionId);
    expect((await otherPictory.get(`${VIMEO}/${id}`)).status).toBe(404);
    expect((await otherPictory.put(`${VIMEO}/${id}`, { version: 1, name: "stolen" })).status).toBe(
      404,
    );
    expect((await otherPictory.delete(`${AWS}/${String(mineAws.connectionId)}`)).status).toBe(404);
    expect((await otherPictory.delete(`${VIMEO}/${id}`)).status).toBe(204); // idempotent, but...
    expect(obj(await pictory.get(`${VIMEO}/${id}`)).name).toBe("shared-name"); // ...nothing deleted
    expect(obj(await otherPictory.get(VIMEO)).Items).toEqual([]);
    // Names are unique per tenant only.
    await createVimeo(otherPictory, "shared-name");
  });

  it("hides another tenant's Apinizer connections", async () => {
    await createEmail(apinizer, "mine");
    expect((await otherApinizer.get(`${CONNECTIONS}mine/`)).status).toBe(404);
    expect(obj(await otherApinizer.get(`${CONNECTIONS}?type=email`)).resultList).toEqual([]);
    expect((await otherApinizer.delete(`${CONNECTIONS}mine/`)).status).toBe(400);
    await createEmail(otherApinizer, "mine");
    expect((await apinizer.get(`${CONNECTIONS}mine/`)).status).toBe(200);
  });

  it("does not accept one family's credential for the other", async () => {
    expect(
      (await pictory.get(VIMEO, { headers: { authorization: EMULATOR_APINIZER_TOKEN } })).status,
    ).toBe(401);
    expect(
      (
        await apinizer.get("/apiops/projects/", {
          headers: { authorization: `Bearer ${EMULATOR_PICTORY_KEY}` },
        })
      ).status,
    ).toBe(401);
  });
});

describe("options that are checked at start", () => {
  it.each([
    ["keystores of a project that does not exist", { apinizerKeystores: { nope: ["ks"] } }],
    ["an empty keystore name", { apinizerKeystores: { demo: [""] } }],
    ["an unknown Pictory family", { pictoryListsWithoutPageKey: ["youtube" as "aws"] }],
  ])("refuses %s", async (_what, options) => {
    await expect(startEmulator(options)).rejects.toThrow(RangeError);
  });
});
