/**
 * Pictory AWS S3 private connections (docs/api/pictory-aws.md) and Vimeo connections
 * (docs/api/pictory-vimeo.md): every endpoint, every error status, every field limit. Runs against
 * the emulator, and live with PICTORY_API_KEY.
 */
import { describePictory, obj, type HttpResult, type PictoryTarget } from "./harness";
import {
  AWS,
  FAMILIES,
  ID_PATTERN,
  ISO_MS,
  SECRET_MARK,
  VIMEO,
  createConnection,
  expectFieldError,
  listAll,
  putBody,
  type FamilyFixture,
} from "./pictory-fixtures";

/**
 * The vendor pages these cases follow (docs.pictory.ai/api-reference/...-integration/update-...).
 */
const AWS_UPDATE_PAGE = "Pictory's Update AWS Connection page";
const VIMEO_UPDATE_PAGE = "Pictory's Update Vimeo Connection page";

describePictory("Pictory connections", (t) => {
  describe.each(FAMILIES.map((f) => [f.label, f] as const))("%s", (_label, family) => {
    sharedCases(t, family);
  });
  awsCases(t);
  vimeoCases(t);
});

const path = (family: FamilyFixture, id?: string): string =>
  id === undefined ? `/v1/${family.segment}` : `/v1/${family.segment}/${id}`;

function sharedCases(t: PictoryTarget, family: FamilyFixture): void {
  describe("create", () => {
    it("creates a connection and answers 200 with the create shape (no type, no dates)", async () => {
      const input = family.validBody("create");
      const response = await t.client.post(path(family), input);
      expect(response.status).toBe(200);
      const body = obj(response);
      t.track(family.segment, String(body.connectionId));
      expect(body.connectionId).toMatch(ID_PATTERN);
      expect(body.version).toBe(1);
      expect(body.name).toBe(input.name);
      expect(body.enabled).toBe(true);
      expect(body).not.toHaveProperty("type");
      expect(body).not.toHaveProperty("createdDate");
      expect(body).not.toHaveProperty("updatedDate");
      expect(Object.keys(body).sort()).toEqual([...family.createKeys].sort());
    });

    it("defaults enabled to true when omitted", async () => {
      const { enabled: _dropped, ...input } = family.validBody("noenabled");
      const response = await t.client.post(path(family), input);
      expect(response.status).toBe(200);
      const body = obj(response);
      t.track(family.segment, String(body.connectionId));
      expect(body.enabled).toBe(true);
    });

    it("leaves an unset description out of every response", async () => {
      const { description: _dropped, ...input } = family.validBody("nodesc");
      const response = await t.client.post(path(family), input);
      const created = obj(response);
      t.track(family.segment, String(created.connectionId));
      expect(created).not.toHaveProperty("description");
      const got = obj(await t.client.get(path(family, String(created.connectionId))));
      expect(got).not.toHaveProperty("description");
      const listed = (await listAll(t, family)).find(
        (i) => i.connectionId === created.connectionId,
      );
      expect(listed).toBeDefined();
      expect(listed).not.toHaveProperty("description");
    });

    it("ignores unknown fields", async () => {
      const response = await t.client.post(path(family), {
        ...family.validBody("unknown"),
        somethingElse: 42,
        type: "NOT-A-TYPE",
      });
      expect(response.status).toBe(200);
      const body = obj(response);
      t.track(family.segment, String(body.connectionId));
      expect(body).not.toHaveProperty("somethingElse");
      const got = obj(await t.client.get(path(family, String(body.connectionId))));
      expect(got.type).toBe(family.type);
    });

    it.each(["name", ...family.required])(
      "rejects a create without %s (400 naming it)",
      async (field) => {
        const input = family.validBody("missing");
        delete input[field];
        expectFieldError(await t.client.post(path(family), input), field);
      },
    );

    it("rejects a duplicate name with 409", async () => {
      const first = await createConnection(t, family, {}, "dup");
      const response = await t.client.post(path(family), {
        ...family.validBody("dup2"),
        name: first.name,
      });
      expect(response.status).toBe(409);
      expect(typeof obj(response).message).toBe("string");
    });
  });

  describe("field limits", () => {
    it("accepts a 100-character name of every allowed character class", async () => {
      const name = `Ab 0_-${"x".repeat(94)}`;
      expect(name).toHaveLength(100);
      const created = await createConnection(t, family, {
        name: name.replace(/x{6}$/, randomTail()),
      });
      expect(String(created.name)).toHaveLength(100);
    });

    it.each([
      ["101 characters", "n".repeat(101)],
      ["empty", ""],
      ["a slash", "bad/name"],
      ["a dot", "bad.name"],
      ["non-ASCII letters", "café"],
    ])("rejects a name with %s", async (_what, name) => {
      expectFieldError(
        await t.client.post(path(family), { ...family.validBody("bad"), name }),
        "name",
      );
    });

    it("rejects a non-string name", async () => {
      expectFieldError(
        await t.client.post(path(family), { ...family.validBody("bad"), name: 7 }),
        "name",
      );
    });

    it("accepts a 250-character description and rejects 251", async () => {
      await createConnection(t, family, { description: "d".repeat(250) });
      expectFieldError(
        await t.client.post(path(family), {
          ...family.validBody("long"),
          description: "d".repeat(251),
        }),
        "description",
      );
    });

    it("rejects a non-boolean enabled", async () => {
      expectFieldError(
        await t.client.post(path(family), { ...family.validBody("en"), enabled: "yes" }),
        "enabled",
      );
    });
  });

  describe("read", () => {
    it("gets the full object with type, dates and version", async () => {
      const created = await createConnection(t, family, {}, "get");
      const response = await t.client.get(path(family, String(created.connectionId)));
      expect(response.status).toBe(200);
      const body = obj(response);
      expect(body).toMatchObject({
        connectionId: created.connectionId,
        name: created.name,
        type: family.type,
        version: 1,
      });
      expect(body.createdDate).toMatch(ISO_MS);
      expect(body.updatedDate).toBe(body.createdDate);
    });

    it("lists connections as {Items: [...]} in the get shape", async () => {
      const created = await createConnection(t, family, {}, "list");
      const response = await t.client.get(path(family));
      expect(response.status).toBe(200);
      expect(Array.isArray(obj(response).Items)).toBe(true);
      const item = (await listAll(t, family)).find((i) => i.connectionId === created.connectionId);
      const got = obj(await t.client.get(path(family, String(created.connectionId))));
      expect(item).toEqual(got);
    });

    it("rejects an unknown id with 404", async () => {
      const response = await t.client.get(path(family, "20250101000000000zzzzzzzzzzzzzzzz"));
      expect(response.status).toBe(404);
      expect(response.json).toBeDefined();
    });
  });

  describe("update (optimistic locking, partial update)", () => {
    it("increments version by one and changes updatedDate", async () => {
      const created = await createConnection(t, family, {}, "upd");
      const id = String(created.connectionId);
      const newName = `${String(created.name)}-r`;
      const response = await t.client.put(path(family, id), {
        name: newName,
        description: "changed",
        enabled: false,
        version: 1,
      });
      expect(response.status).toBe(200);
      const body = obj(response);
      expect(body).toMatchObject({
        connectionId: id,
        name: newName,
        description: "changed",
        enabled: false,
        version: 2,
      });
      if (family.updateIsFull) {
        expect(body.type).toBe(family.type);
        expect(body.updatedDate).toMatch(ISO_MS);
      } else {
        expect(Object.keys(body).sort()).toEqual([...family.createKeys].sort());
      }
      const got = obj(await t.client.get(path(family, id)));
      expect(got.version).toBe(2);
      expect(got.updatedDate).not.toBe(got.createdDate);
      expect(Date.parse(String(got.updatedDate))).toBeGreaterThan(
        Date.parse(String(got.createdDate)),
      );
    });

    it("keeps stored values for omitted fields", async () => {
      const created = await createConnection(t, family, { enabled: false }, "keep");
      const id = String(created.connectionId);
      const response = await t.client.put(
        path(family, id),
        putBody(family, created, { version: 1 }),
      );
      expect(response.status).toBe(200);
      const got = obj(await t.client.get(path(family, id)));
      expect(got).toMatchObject({
        name: created.name,
        description: created.description,
        enabled: false,
        version: 2,
      });
    });

    it('clears the description with ""', async () => {
      const created = await createConnection(t, family, {}, "clear");
      const id = String(created.connectionId);
      expect(
        (
          await t.client.put(
            path(family, id),
            putBody(family, created, { description: "", version: 1 }),
          )
        ).status,
      ).toBe(200);
      expect(obj(await t.client.get(path(family, id)))).not.toHaveProperty("description");
    });

    it(`rejects a stale version with 409 naming both versions, and changes nothing (page ${AWS_UPDATE_PAGE}: "409 Conflict - Version Mismatch")`, async () => {
      const created = await createConnection(t, family, {}, "stale");
      const id = String(created.connectionId);
      expect(
        (
          await t.client.put(
            path(family, id),
            putBody(family, created, { version: 1, description: "v2" }),
          )
        ).status,
      ).toBe(200);
      const response = await t.client.put(
        path(family, id),
        putBody(family, created, { version: 1, description: "lost update" }),
      );
      expect(response.status).toBe(409);
      const message = String(obj(response).message);
      expect(message).toContain("2");
      expect(message).toContain("1");
      const got = obj(await t.client.get(path(family, id)));
      expect(got).toMatchObject({ version: 2, description: "v2" });
    });

    // Page 000: "version must be a positive integer (required)", a 400 "Invalid Field Values"
    // (docs/api/pictory-aws.md#version-mismatch), never a 409; the Vimeo update page marks version
    // "integer, required" as well.
    it.each([
      ["missing", undefined, "Missing Required Fields"],
      ["a string", "1", "Invalid Field Values"],
      ["a fraction", 1.5, "Invalid Field Values"],
      ["null", null, "Invalid Field Values"],
      ["0", 0, "Invalid Field Values"],
      ["negative", -1, "Invalid Field Values"],
    ])(
      `rejects a PUT whose version is %s with 400 naming version, not 409, and changes nothing (page ${AWS_UPDATE_PAGE})`,
      async (_what, version, cause) => {
        const created = await createConnection(t, family, {}, "ver");
        const id = String(created.connectionId);
        const body = putBody(family, created, { description: "x" });
        if (version !== undefined) {
          body.version = version;
        }
        const response = await t.client.put(path(family, id), body);
        expectFieldError(response, "version");
        if (!t.live) {
          expect(String(obj(response).message)).toMatch(new RegExp(`^${cause}`));
        }
        expect(obj(await t.client.get(path(family, id)))).toMatchObject({
          version: 1,
          description: created.description,
        });
      },
    );

    it("rejects a rename onto an existing name with 409", async () => {
      const a = await createConnection(t, family, {}, "ra");
      const b = await createConnection(t, family, {}, "rb");
      const response = await t.client.put(path(family, String(b.connectionId)), {
        name: a.name,
        version: 1,
      });
      expect(response.status).toBe(409);
      expect(obj(await t.client.get(path(family, String(b.connectionId)))).name).toBe(b.name);
    });

    it("accepts a PUT that repeats the current name", async () => {
      const a = await createConnection(t, family, {}, "same");
      const response = await t.client.put(path(family, String(a.connectionId)), {
        name: a.name,
        version: 1,
      });
      expect(response.status).toBe(200);
    });

    it("rejects field violations on PUT with 400 naming the field", async () => {
      const a = await createConnection(t, family, {}, "pv");
      const id = String(a.connectionId);
      expectFieldError(
        await t.client.put(path(family, id), { name: "x".repeat(101), version: 1 }),
        "name",
      );
      expectFieldError(
        await t.client.put(
          path(family, id),
          putBody(family, a, { description: "d".repeat(251), version: 1 }),
        ),
        "description",
      );
      expectFieldError(
        await t.client.put(path(family, id), putBody(family, a, { enabled: 1, version: 1 })),
        "enabled",
      );
      expect(obj(await t.client.get(path(family, id))).version).toBe(1);
    });

    it("rejects an update of an unknown id with 404", async () => {
      const response = await t.client.put(path(family, "20250101000000000zzzzzzzzzzzzzzzz"), {
        version: 1,
      });
      expect(response.status).toBe(404);
    });
  });

  describe("delete", () => {
    it("deletes with 204 and an empty body; the id is then 404", async () => {
      const created = await createConnection(t, family, {}, "del");
      const id = String(created.connectionId);
      const response = await t.client.delete(path(family, id));
      expect(response.status).toBe(204);
      expect(response.text).toBe("");
      expect((await t.client.get(path(family, id))).status).toBe(404);
    });

    it(`answers ${family.deleteUnknownStatus} for an id that was already deleted`, async () => {
      const created = await createConnection(t, family, {}, "del2");
      const id = String(created.connectionId);
      await t.client.delete(path(family, id));
      expect((await t.client.delete(path(family, id))).status).toBe(family.deleteUnknownStatus);
    });
  });

  describe("authentication", () => {
    it("rejects a bot-like User-Agent (Python urllib) with 403, as Cloudflare does", async () => {
      const response = await t.client.get(path(family), {
        headers: { "user-agent": "Python-urllib/3.12" },
      });
      expect(response.status).toBe(403);
    });

    it.each([
      ["no Authorization header", undefined],
      ["a wrong key", "pictai_wrong"],
      ["the key with a Bearer prefix", "bearer"],
    ])("rejects %s with 401 {message: Unauthorized} on every endpoint", async (_what, header) => {
      const created = await createConnection(t, family, {}, "auth");
      const id = String(created.connectionId);
      const headers: Record<string, string> =
        header === undefined
          ? {}
          : { authorization: header === "bearer" ? `Bearer ${t.apiKey}` : header };
      const calls = [
        t.client.call("GET", path(family), { noAuth: true, headers }),
        t.client.call("POST", path(family), {
          noAuth: true,
          headers,
          body: family.validBody("auth"),
        }),
        t.client.call("GET", path(family, id), { noAuth: true, headers }),
        t.client.call("PUT", path(family, id), { noAuth: true, headers, body: { version: 1 } }),
        t.client.call("DELETE", path(family, id), { noAuth: true, headers }),
      ];
      for (const response of await Promise.all(calls)) {
        expect(response.status).toBe(401);
        expect(response.json).toEqual({ message: "Unauthorized" });
      }
      expect(obj(await t.client.get(path(family, id))).version).toBe(1);
    });
  });
}

function awsCases(t: PictoryTarget): void {
  describe("aws specifics", () => {
    it.each([
      ["11 digits", "12345678901"],
      ["13 digits", "1234567890123"],
      ["letters", "12345678901a"],
      ["a number, not a string", 123456789012],
    ])("rejects an awsAccountId of %s", async (_what, awsAccountId) => {
      expectFieldError(
        await t.client.post(path(AWS), { ...AWS.validBody("acct"), awsAccountId }),
        "awsAccountId",
      );
    });

    it.each([["US-EAST-2"], ["useast2"], ["us-east"], ["us-east-22"], [""]])(
      "rejects the awsRegion %j",
      async (awsRegion) => {
        expectFieldError(
          await t.client.post(path(AWS), { ...AWS.validBody("region"), awsRegion }),
          "awsRegion",
        );
      },
    );

    it.each([["eu-west-1"], ["ap-southeast-2"], ["us-gov-west-1"]])(
      "accepts the awsRegion %s",
      async (awsRegion) => {
        const created = await createConnection(t, AWS, { awsRegion });
        expect(created.awsRegion).toBe(awsRegion);
      },
    );

    // Page 000, "400 Bad Request - Invalid Field Values": "Do NOT include awsRegion or awsAccountId
    // in the request - these fields cannot be changed"
    // (docs/api/pictory-aws.md#account-and-region-are-fixed): not even unchanged.
    it.each([
      ["awsAccountId", "unchanged", undefined],
      ["awsRegion", "unchanged", undefined],
      ["awsAccountId", "changed", "210987654321"],
      ["awsRegion", "changed", "eu-central-1"],
    ])(
      `rejects a PUT carrying %s (%s) with 400 naming it, and changes nothing (page ${AWS_UPDATE_PAGE})`,
      async (field, _how, value) => {
        const created = await createConnection(t, AWS, {}, "imm");
        const id = String(created.connectionId);
        const response = await t.client.put(
          path(AWS, id),
          putBody(AWS, created, { [field]: value ?? created[field], description: "x", version: 1 }),
        );
        expectFieldError(response, field);
        expect(obj(await t.client.get(path(AWS, id)))).toMatchObject({
          [field]: created[field],
          description: created.description,
          version: 1,
        });
      },
    );

    // Page 000, "400 Bad Request - Missing Required Fields": "Ensure both name and version fields
    // are included"; "name must be a non-empty string (required)"
    // (docs/api/pictory-aws.md#update-needs-name-and-version).
    it.each([
      ["without name", undefined, "Missing Required Fields"],
      ["with an empty name", "", "Invalid Field Values"],
    ])(
      `rejects an AWS PUT %s with 400 naming name, and changes nothing (page ${AWS_UPDATE_PAGE})`,
      async (_what, name, cause) => {
        const created = await createConnection(t, AWS, {}, "noname");
        const id = String(created.connectionId);
        const body: Record<string, unknown> = {
          description: "changed",
          enabled: false,
          version: 1,
        };
        if (name !== undefined) {
          body.name = name;
        }
        const response = await t.client.put(path(AWS, id), body);
        expectFieldError(response, "name");
        if (!t.live) {
          expect(String(obj(response).message)).toMatch(new RegExp(`^${cause}: name`));
        }
        expect(obj(await t.client.get(path(AWS, id)))).toMatchObject({
          name: created.name,
          description: created.description,
          enabled: true,
          version: 1,
        });
      },
    );

    it(`keeps enabled when an AWS PUT omits it (page ${AWS_UPDATE_PAGE}: "If not provided, the existing value is preserved")`, async () => {
      const created = await createConnection(t, AWS, { enabled: false }, "keepenabled");
      const id = String(created.connectionId);
      const response = await t.client.put(path(AWS, id), {
        name: created.name,
        description: "renamed nothing",
        version: 1,
      });
      expect(response.status).toBe(200);
      expect(obj(await t.client.get(path(AWS, id)))).toMatchObject({ enabled: false, version: 2 });
    });
  });
}

function vimeoCases(t: PictoryTarget): void {
  describe("vimeo specifics", () => {
    it(`accepts a PUT without name and keeps the name (page ${VIMEO_UPDATE_PAGE}: only version is required; "Partial Updates")`, async () => {
      const created = await createConnection(t, VIMEO, {}, "vnoname");
      const id = String(created.connectionId);
      const response = await t.client.put(path(VIMEO, id), {
        description: "only this",
        version: 1,
      });
      expect(response.status).toBe(200);
      expect(obj(response)).toMatchObject({
        name: created.name,
        description: "only this",
        version: 2,
      });
    });

    it.each(["clientIdentifier", "clientSecret", "accessToken"])(
      "accepts a 500-character %s and rejects 501",
      async (field) => {
        await createConnection(t, VIMEO, { [field]: "c".repeat(500) });
        expectFieldError(
          await t.client.post(path(VIMEO), {
            ...VIMEO.validBody("cred"),
            [field]: "c".repeat(501),
          }),
          field,
        );
      },
    );

    it("rotates a secret with a PUT that carries only the secret", async () => {
      const created = await createConnection(t, VIMEO, {}, "rotate");
      const response = await t.client.put(path(VIMEO, String(created.connectionId)), {
        clientSecret: `${SECRET_MARK}-rotated`,
        version: 1,
      });
      expect(response.status).toBe(200);
      expect(obj(response)).toMatchObject({
        version: 2,
        clientIdentifier: created.clientIdentifier,
      });
    });

    it("never returns clientSecret or accessToken from create, get, list, update or errors", async () => {
      const responses: HttpResult[] = [];
      const input = VIMEO.validBody("leak");
      const created = await t.client.post(path(VIMEO), input);
      responses.push(created);
      const id = String(obj(created).connectionId);
      t.track(VIMEO.segment, id);
      responses.push(await t.client.get(path(VIMEO, id)));
      responses.push(await t.client.get(path(VIMEO)));
      responses.push(
        await t.client.put(path(VIMEO, id), {
          clientSecret: `${SECRET_MARK}-new-secret`,
          accessToken: `${SECRET_MARK}-new-token`,
          version: 1,
        }),
      );
      responses.push(
        await t.client.put(path(VIMEO, id), { clientSecret: `${SECRET_MARK}-x`, version: 99 }),
      );
      responses.push(
        await t.client.post(path(VIMEO), {
          ...input,
          clientSecret: `${SECRET_MARK}${"x".repeat(600)}`,
        }),
      );
      responses.push(await t.client.post(path(VIMEO), input)); // duplicate name
      for (const response of responses) {
        expect(response.text).not.toContain(SECRET_MARK);
        expect(response.text).not.toContain('clientSecret":');
        expect(response.text).not.toContain('accessToken":');
      }
    });
  });
}

function randomTail(): string {
  return Math.random().toString(36).slice(2, 8).padEnd(6, "0");
}
