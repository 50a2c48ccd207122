import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { RunningEmulator, startEmulator } from "../../emulator";
import { ConnectionError } from "../../provider/core/errors";
import { listConnections, settingsFrom } from "../../cli/shared/listing";
import { importCommandMain } from "../../cli/import/command";
import { emulatorConfigValues } from "../../scripts/workspace";

// What `pulumi-connections import` and `drift --unmanaged` list, through the provider's client and
// answer validation, against the emulator: every Pictory page (with and without nextPageKey), every
// Apinizer type of a project, and failures that name the problem without the credential.

let paged: RunningEmulator;
let unpaged: RunningEmulator;

const AWS = { awsAccountId: "123456789012", awsRegion: "us-east-2", enabled: true };

async function post(url: string, body: object, authorization: string): Promise<void> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
}

async function seed(e: RunningEmulator): Promise<void> {
  for (let i = 0; i < 7; i++)
    await post(`${e.url}/pictoryapis/v1/awsconnections`, { name: `a${i}`, ...AWS }, KEY);
  for (let i = 0; i < 5; i++)
    await post(
      `${e.url}/pictoryapis/v1/vimeo-connections`,
      { name: `v${i}`, clientIdentifier: "c", clientSecret: "s-1", accessToken: "t-1" },
      KEY,
    );
  const apinizer = (name: string, body: object) =>
    post(
      `${e.url}/apiops/projects/demo/connections/${name}/`,
      { name, ...body },
      `Bearer ${TOKEN}`,
    );
  await apinizer("mail", {
    type: "email",
    host: "smtp.example.com",
    auth: true,
    username: "u",
    password: "readable-password",
  });
  await apinizer("db", {
    type: "database",
    dbType: "POSTGRES",
    jdbcUrl: "jdbc:postgresql://h/db",
    username: "u",
    password: "masked-password",
  });
}

const KEY = "pictai_emulator_key";
const TOKEN = "apinizer_emulator_token";

beforeAll(async () => {
  paged = await startEmulator({ pictoryPageSize: 2 });
  unpaged = await startEmulator({ pictoryListsWithoutPageKey: ["aws", "vimeo"] });
  await seed(paged);
  await seed(unpaged);
});
afterAll(async () => {
  await paged?.stop();
  await unpaged?.stop();
});

const store = (e: RunningEmulator, extra: Record<string, string> = {}) => {
  const config: Record<string, string> = { ...emulatorConfigValues(e.url), ...extra };
  return settingsFrom({ get: (k) => config[k] });
};

describe("listing connections", () => {
  it.each([
    ["paged by nextPageKey", () => paged, 4 + 3],
    ["answered without nextPageKey", () => unpaged, 2],
  ])("reads every Pictory connection when the list is %s", async (_, emulator, requests) => {
    const e = emulator();
    const before = e.requests().length;
    const listed = await listConnections(store(e), {
      families: ["pictory"],
      apinizerProjects: [],
    });
    expect(listed.map((c) => `${c.kind.token} ${String(c.remote.fields.name)}`).sort()).toEqual(
      [
        ...[0, 1, 2, 3, 4, 5, 6].map((i) => `pictory:AwsConnection a${i}`),
        ...[0, 1, 2, 3, 4].map((i) => `pictory:VimeoConnection v${i}`),
      ].sort(),
    );
    for (const c of listed) expect(c.remote.id).toMatch(/^\d{17}[a-z0-9]+$/);
    expect(e.requests().length - before).toBe(requests);
  });

  it("reads each Apinizer type of a project, and each connection as a refresh reads it", async () => {
    const listed = await listConnections(store(paged), {
      families: ["apinizer"],
      apinizerProjects: ["demo"],
    });
    const byName = Object.fromEntries(listed.map((c) => [c.remote.fields.name, c.remote]));
    expect(Object.keys(byName).sort()).toEqual(["db", "mail"]);
    expect(byName.mail!.id).toBe("demo/mail");
    expect(byName.mail!.fields).toMatchObject({
      projectName: "demo",
      type: "email",
      host: "smtp.example.com",
    });
    // The list shows secrets as null; the single read shows the readable one.
    expect(byName.mail!.fields.password).toBe("readable-password");
    expect(byName.db!.fields.password ?? null).toBeNull();
  });

  it("lists only the types asked for", async () => {
    const before = paged.requests().length;
    const listed = await listConnections(store(paged), {
      families: ["apinizer"],
      apinizerProjects: ["demo"],
      apinizerTypes: ["database"],
    });
    expect(listed.map((c) => c.remote.fields.name)).toEqual(["db"]);
    expect(paged.requests().length - before).toBe(2);
  });

  it("fails with UNAUTHORIZED on a refused key, never showing it", async () => {
    const wrong = "pictai_wrong_key_4242";
    const error = await listConnections(store(paged, { "pictory:apiKey": wrong }), {
      families: ["pictory"],
      apinizerProjects: [],
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect((error as ConnectionError).code).toBe("UNAUTHORIZED");
    expect((error as ConnectionError).message).not.toContain(wrong);
  });

  it("fails with NOT_FOUND naming an Apinizer project that does not exist", async () => {
    const error = (await listConnections(store(paged), {
      families: ["apinizer"],
      apinizerProjects: ["nope"],
    }).catch((e: unknown) => e)) as ConnectionError;
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toContain("nope");
  });

  it("fails naming an account that is not configured, and the command that sets it", async () => {
    const error = (await listConnections(store(paged), {
      families: ["pictory"],
      apinizerProjects: [],
      account: "eu",
    }).catch((e: unknown) => e)) as ConnectionError;
    expect(error.code).toBe("CONFIG_MISSING");
    expect(error.message).toContain(`'pictory:accounts.eu.apiKey'`);
  });
});

describe("pulumi-connections import from the environment alone", () => {
  const saved = { ...process.env };
  // Import reads the backend's stacks to leave out what they manage: an empty backend has none.
  const backend = mkdtempSync(path.join(tmpdir(), "import-backend-"));
  beforeEach(() => {
    process.env.PULUMI_BACKEND_URL = `file://${backend}`;
    process.env.PULUMI_CONFIG_PASSPHRASE = "import-test";
  });
  afterEach(() => {
    process.env = { ...saved };
  });
  afterAll(() => rmSync(backend, { recursive: true, force: true }));

  it("lists with PICTORY_API_KEY and PICTORY_BASE_URL, no stack needed", async () => {
    process.env.PICTORY_API_KEY = KEY;
    process.env.PICTORY_BASE_URL = `${unpaged.url}/pictoryapis`;
    const out: string[] = [];
    const err: string[] = [];
    const code = await importCommandMain(["--json"], {
      stdout: (t) => void out.push(t),
      stderr: (t) => void err.push(t),
    });
    expect({ code, err: err.join("") }).toEqual({
      code: 0,
      err: "pulumi-connections import: 12 connections written\n",
    });
    const data = JSON.parse(out.join("")) as { connections: unknown[]; configCommands: string[] };
    expect(data.connections).toHaveLength(12);
    expect(data.configCommands).toHaveLength(10);
    expect(out.join("")).not.toContain("s-1");
  });

  it("fails with exit 1 and the key to set when no credential is configured", async () => {
    delete process.env.PICTORY_API_KEY;
    const err: string[] = [];
    const code = await importCommandMain([], {
      stdout: () => undefined,
      stderr: (t) => void err.push(t),
    });
    expect(code).toBe(1);
    expect(err.join("")).toContain("(CONFIG_MISSING)");
    expect(err.join("")).toContain("pulumi config set --secret pictory:apiKey");
  });
});
