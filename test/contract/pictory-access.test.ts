/**
 * 403 for a Pictory connection the caller's key may not touch (emulator only: the emulator needs to
 * be told which ones, see PictoryAccessRules in emulator/types.ts). The AWS get-by-ID and update
 * pages both list "403 Forbidden - Cause: You do not have permission to access [update] this
 * connection ... Verify the connection belongs to your account", and the delete page lists 403 too
 * (docs/api/pictory-aws.md#forbidden). Without rules another tenant's ID stays unknown (404,
 * docs/api/pictory-vimeo.md#tenancy).
 */
import { useEmulator } from "../helpers/emulator";
import { Client, EMULATOR_PICTORY_KEY, obj, type HttpResult } from "./harness";

const OTHER_KEY = "pictai_access_other";
const THIRD_KEY = "pictai_access_third";
const emu = useEmulator({
  extraTenants: [
    { pictoryApiKey: OTHER_KEY },
    // Configured at start: this tenant gets 403 for every other tenant's connection.
    { pictoryApiKey: THIRD_KEY, pictoryAccess: { othersForbidden: true } },
  ],
});

let admin: Client;
let mine: Client;
let other: Client;
let third: Client;
beforeAll(() => {
  admin = new Client(`${emu.url}/_emulator`);
  mine = new Client(`${emu.url}/pictoryapis`, { authorization: EMULATOR_PICTORY_KEY });
  other = new Client(`${emu.url}/pictoryapis`, { authorization: OTHER_KEY });
  third = new Client(`${emu.url}/pictoryapis`, { authorization: THIRD_KEY });
});
beforeEach(() => emu.current.reset());

const FAMILIES = [
  {
    label: "aws",
    path: "/v1/awsconnections",
    body: { name: "access-aws", awsAccountId: "123456789012", awsRegion: "us-east-2" },
  },
  {
    label: "vimeo",
    path: "/v1/vimeo-connections",
    body: { name: "access-vimeo", clientIdentifier: "i", clientSecret: "s", accessToken: "t" },
  },
] as const;
const UNKNOWN_ID = "20250101000000000zzzzzzzzzzzzzzzz";

async function create(family: (typeof FAMILIES)[number]): Promise<Record<string, unknown>> {
  const response = await mine.post(family.path, family.body);
  expect(response.status).toBe(200);
  return obj(response);
}

/** Get, update and delete of `id` through `client`. */
async function touch(
  client: Client,
  path: string,
  id: string,
  name: unknown,
): Promise<HttpResult[]> {
  return [
    await client.get(`${path}/${id}`),
    await client.put(`${path}/${id}`, { name, description: "taken over", version: 1 }),
    await client.delete(`${path}/${id}`),
  ];
}

function expectForbidden(responses: HttpResult[], id: string): void {
  const verbs = ["access", "update", "delete"];
  responses.forEach((response, i) => {
    expect(response.status).toBe(403);
    const message = String(obj(response).message);
    expect(message).toContain(`You do not have permission to ${verbs[i] ?? ""} this connection`);
    expect(message).toContain(id);
    expect(message).toMatch(/belongs to your account/);
  });
}

describe.each(FAMILIES.map((f) => [f.label, f] as const))("%s", (_label, family) => {
  it("answers 404 for another tenant's connection by default (no access rules)", async () => {
    const created = await create(family);
    const id = String(created.connectionId);
    const [get, put, del] = await touch(other, family.path, id, created.name);
    expect(get?.status).toBe(404);
    expect(put?.status).toBe(404);
    // AWS delete of an unknown id is 404 (docs/api/pictory-aws.md#not-found), Vimeo delete is
    // idempotent (docs/api/pictory-vimeo.md#delete-is-idempotent).
    expect(del?.status).toBe(family.label === "aws" ? 404 : 204);
    expect(obj(await mine.get(`${family.path}/${id}`)).version).toBe(1);
  });

  it("answers 403 on get, update and delete of another tenant's connection once its IDs are forbidden (pages 000, 001), and changes nothing", async () => {
    const created = await create(family);
    const id = String(created.connectionId);
    const put = await admin.put(`/pictory-access?tenant=${OTHER_KEY}`, { othersForbidden: true });
    expect(put.status).toBe(200);
    expect(obj(put)).toMatchObject({ tenant: "tenant-1", othersForbidden: true, forbiddenIds: [] });
    expectForbidden(await touch(other, family.path, id, created.name), id);
    expect(obj(await mine.get(`${family.path}/${id}`))).toMatchObject({
      name: created.name,
      version: 1,
    });
    // IDs that exist nowhere are still unknown.
    const unknown = await other.get(`${family.path}/${UNKNOWN_ID}`);
    expect(unknown.status).toBe(404);
    // Lists never show other tenants' connections.
    expect(obj(await other.get(family.path)).Items).toEqual([]);
  });

  it("answers 403 for an ID marked forbidden, even the tenant's own, and only for it", async () => {
    const forbiddenOne = await create(family);
    const allowed = obj(await mine.post(family.path, { ...family.body, name: "access-other" }));
    const id = String(forbiddenOne.connectionId);
    expect((await admin.put("/pictory-access", { forbiddenIds: [id] })).status).toBe(200);
    expectForbidden(await touch(mine, family.path, id, forbiddenOne.name), id);
    expect((await mine.get(`${family.path}/${String(allowed.connectionId)}`)).status).toBe(200);
    // The list (not covered by the pages' 403) still shows it.
    const items = obj(await mine.get(family.path)).Items as Record<string, unknown>[];
    expect(items.map((i) => i.connectionId)).toContain(id);
  });

  it("checks permission before the body: a malformed PUT of a forbidden connection is 403", async () => {
    const created = await create(family);
    const id = String(created.connectionId);
    await admin.put("/pictory-access", { forbiddenIds: [id] });
    const response = await mine.call("PUT", `${family.path}/${id}`, {
      raw: "{",
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(403);
  });

  it("honours rules configured at start (TenantCredentials.pictoryAccess)", async () => {
    const created = await create(family);
    const id = String(created.connectionId);
    expectForbidden(await touch(third, family.path, id, created.name), id);
  });
});

describe("GET|PUT /_emulator/pictory-access", () => {
  it("shows the rules; reset restores the configured ones", async () => {
    expect(obj(await admin.get(`/pictory-access?tenant=${THIRD_KEY}`))).toEqual({
      tenant: "tenant-2",
      forbiddenIds: [],
      othersForbidden: true,
    });
    await admin.put(`/pictory-access?tenant=${THIRD_KEY}`, { forbiddenIds: ["x1"] });
    await admin.put("/pictory-access", { othersForbidden: true });
    expect(obj(await admin.get(`/pictory-access?tenant=${THIRD_KEY}`))).toMatchObject({
      forbiddenIds: ["x1"],
      othersForbidden: false,
    });
    emu.current.reset();
    expect(obj(await admin.get(`/pictory-access?tenant=${THIRD_KEY}`))).toMatchObject({
      forbiddenIds: [],
      othersForbidden: true,
    });
    expect(obj(await admin.get("/pictory-access"))).toMatchObject({ othersForbidden: false });
  });

  it.each([
    ["an unknown key", { everything: true }],
    ["a non-boolean othersForbidden", { othersForbidden: "yes" }],
    ["a non-list forbiddenIds", { forbiddenIds: "x" }],
  ])("rejects a body with %s (400)", async (_what, body) => {
    const response = await admin.put("/pictory-access", body);
    expect(response.status).toBe(400);
    expect(obj(response).error).toBeDefined();
  });

  it("answers 404 for an unknown tenant", async () => {
    expect((await admin.get("/pictory-access?tenant=nobody")).status).toBe(404);
  });
});
