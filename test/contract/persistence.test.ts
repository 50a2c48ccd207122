/**
 * Persistence with `dataFile` (emulator only): state survives a restart, is written atomically,
 * and a corrupt file is refused with a clear message.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type EmulatorOptions } from "../../emulator";
import { emulatorState, withEmulator } from "../helpers/emulator";
import { Client, EMULATOR_APINIZER_TOKEN, EMULATOR_PICTORY_KEY, obj } from "./harness";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pcx-emulator-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const clients = (url: string): { pictory: Client; apinizer: Client } => ({
  pictory: new Client(`${url}/pictoryapis`, { authorization: EMULATOR_PICTORY_KEY }),
  apinizer: new Client(url, { authorization: `Bearer ${EMULATOR_APINIZER_TOKEN}` }),
});

async function seed(url: string): Promise<{ vimeoId: string; awsId: string }> {
  const { pictory, apinizer } = clients(url);
  const vimeo = obj(
    await pictory.post("/v1/vimeo-connections", {
      name: "kept",
      clientIdentifier: "i",
      clientSecret: "s1",
      accessToken: "t1",
    }),
  );
  const aws = obj(
    await pictory.post("/v1/awsconnections", {
      name: "kept-aws",
      awsAccountId: "123456789012",
      awsRegion: "us-east-1",
    }),
  );
  await pictory.put(`/v1/vimeo-connections/${String(vimeo.connectionId)}`, {
    description: "v2",
    version: 1,
  });
  const created = await apinizer.post("/apiops/projects/demo/connections/kept/", {
    name: "kept",
    type: "linux-script",
    hostName: "h",
    username: "u",
    password: "pw",
  });
  expect(created.status).toBe(200);
  return { vimeoId: String(vimeo.connectionId), awsId: String(aws.connectionId) };
}

describe("dataFile", () => {
  it("keeps every connection, version and secret across a restart", async () => {
    const dataFile = join(dir, "nested", "state.json");
    const options: EmulatorOptions = { dataFile };
    const { vimeoId, awsId } = await withEmulator((e) => seed(e.url), options);
    const before = await withEmulator((e) => emulatorState(e.url), options);
    await withEmulator(async (e) => {
      const { pictory, apinizer } = clients(e.url);
      expect(await emulatorState(e.url)).toEqual(before);
      expect(obj(await pictory.get(`/v1/vimeo-connections/${vimeoId}`))).toMatchObject({
        version: 2,
        description: "v2",
      });
      expect((await pictory.get(`/v1/awsconnections/${awsId}`)).status).toBe(200);
      const got = obj(await apinizer.get("/apiops/projects/demo/connections/KEPT/"));
      // connection-linux-script: "Password is masked in get operations"; the state dump
      // shows that the stored one survived.
      expect((got.resultList as Record<string, unknown>[])[0]).toMatchObject({
        name: "kept",
        password: null,
      });
      expect((await emulatorState(e.url)).apinizer.demo?.[0]?.password).toEqual({
        sha256: createHash("sha256").update("pw").digest("hex"),
      });
      // Locking continues from the stored version.
      expect((await pictory.put(`/v1/vimeo-connections/${vimeoId}`, { version: 2 })).status).toBe(
        200,
      );
    }, options);
  });

  it("writes atomically: valid JSON after every change, no temporary file left, owner-only mode", async () => {
    const dataFile = join(dir, "state.json");
    await withEmulator(
      async (e) => {
        const { pictory } = clients(e.url);
        for (let i = 0; i < 20; i += 1) {
          await pictory.post("/v1/awsconnections", {
            name: `n${i}`,
            awsAccountId: "123456789012",
            awsRegion: "us-east-1",
          });
          expect(() => JSON.parse(readFileSync(dataFile, "utf8")) as unknown).not.toThrow();
        }
        expect(readdirSync(dir)).toEqual(["state.json"]);
        expect(statSync(dataFile).mode & 0o077).toBe(0);
      },
      { dataFile },
    );
  });

  it("keeps data of a tenant that is not configured in this run", async () => {
    const dataFile = join(dir, "state.json");
    await withEmulator((e) => seed(e.url), { dataFile });
    await withEmulator(
      async (e) => {
        const other = new Client(`${e.url}/pictoryapis`, { authorization: "pictai_someone_else" });
        expect(obj(await other.get("/v1/vimeo-connections")).Items).toEqual([]);
        await other.post("/v1/vimeo-connections", {
          name: "x",
          clientIdentifier: "i",
          clientSecret: "s",
          accessToken: "t",
        });
      },
      { dataFile, pictoryApiKey: "pictai_someone_else", apinizerToken: "someone_else" },
    );
    await withEmulator(
      async (e) => {
        const items = obj(await clients(e.url).pictory.get("/v1/vimeo-connections"))
          .Items as unknown[];
        expect(items).toHaveLength(1);
      },
      { dataFile },
    );
  });

  it("reset clears the persisted data as well", async () => {
    const dataFile = join(dir, "state.json");
    await withEmulator(
      async (e) => {
        await seed(e.url);
        e.reset();
      },
      { dataFile },
    );
    await withEmulator(
      async (e) => {
        expect(obj(await clients(e.url).pictory.get("/v1/vimeo-connections")).Items).toEqual([]);
      },
      { dataFile },
    );
  });

  it("fails to start on a corrupt data file, naming the file", async () => {
    const dataFile = join(dir, "state.json");
    writeFileSync(dataFile, "{ not json");
    await expect(startEmulator({ dataFile })).rejects.toThrow();
    writeFileSync(dataFile, JSON.stringify({ something: "else" }));
    await expect(startEmulator({ dataFile })).rejects.toThrow(/state\.json/);
  });
});

describe("dataFile and Apinizer keystores", () => {
  it("keeps keystores added at run time across a restart; reset goes back to the configured ones", async () => {
    const dataFile = join(dir, "state.json");
    const options: EmulatorOptions = { dataFile, apinizerKeystores: { demo: ["seeded-ks"] } };
    const names = async (url: string): Promise<unknown> =>
      (
        obj(await new Client(`${url}/_emulator`).get("/apinizer-keystores/demo")).keystores as {
          name: string;
        }[]
      ).map((k) => k.name);
    await withEmulator(async (e) => {
      const admin = new Client(`${e.url}/_emulator`);
      expect((await admin.post("/apinizer-keystores/demo", { name: "added-ks" })).status).toBe(201);
      expect(await names(e.url)).toEqual(["added-ks", "seeded-ks"]);
    }, options);
    await withEmulator(async (e) => {
      expect(await names(e.url)).toEqual(["added-ks", "seeded-ks"]);
      e.reset();
      expect(await names(e.url)).toEqual(["seeded-ks"]);
    }, options);
    await withEmulator(async (e) => {
      expect(await names(e.url)).toEqual(["seeded-ks"]);
    }, options);
  });
});
