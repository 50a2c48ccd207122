/**
 * Apinizer project connections (docs/api/apinizer.md): endpoints, all 14 types, secrets, names,
 * rename, full replacement, both envelopes and the documented errors. Runs against the emulator in
 * v1 and v2, and live with APINIZER_TOKEN + APINIZER_BASE_URL + APINIZER_PROJECT.
 */
import { createHash } from "node:crypto";
import { emulatorState } from "../helpers/emulator";
import { Client, describeApinizer, emulatorOnly, obj, uniqueName } from "./harness";
import {
  TYPES,
  body,
  create,
  expectFailure,
  expectSuccess,
  getOne,
  itemPath,
  listType,
  withChanges,
} from "./apinizer-fixtures";

/** A view-only token of the default tenant (emulator only). */
const VIEWER_TOKEN = "apinizer_viewer_token";
/** Keystores of the emulator's project `demo` (EmulatorOptions.apinizerKeystores). */
const KEYSTORE = "kafka-client-keystore";
const TRUSTSTORE = "kafka-truststore";
const KAFKA_PAGE = "apinizer-docs-v2/api-reference/connections/connections/connection-kafka.mdx";
const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

describeApinizer(
  "Apinizer connections",
  (t, kind) => {
    const itEmulator = emulatorOnly(kind);

    describe("service endpoints", () => {
      it("answers the health check with 200 text/plain OK, without auth", async () => {
        const response = await t.client.get("/apiops/test/healthcheck", { noAuth: true });
        expect(response.status).toBe(200);
        expect(String(response.headers["content-type"])).toMatch(/^text\/plain/);
        expect(response.text).toBe("OK");
      });

      it("lists projects with status SUCCESS, including the configured project", async () => {
        const response = await t.client.get("/apiops/projects/");
        expect(response.status).toBe(200);
        const result = obj(response);
        expect(result.status).toBe("SUCCESS");
        const names = (result.resultList as { name: string }[]).map((p) => p.name);
        expect(names).toContain(t.project);
        expect(result.resultCount).toBe(names.length);
      });

      itEmulator("always has a project named default", async () => {
        const result = obj(await t.client.get("/apiops/projects/"));
        expect((result.resultList as { name: string }[]).map((p) => p.name)).toContain("default");
      });
    });

    describe.each(TYPES.map((f) => [f.type, f] as const))("type %s", (type, fixture) => {
      // The type page (apinizer-docs-v2/api-reference/connections/connections/connection-<type>.mdx
      // and its v1 twin) decides per field: "Password is masked in get operations" means null in
      // get as well (docs/api/apinizer.md#secrets-masked-on-read); otherwise get shows the secret
      // in full (crud/get-connection.mdx).
      it("creates, gets secrets in full or null as the type page says, defaults filled, lists with null secrets", async () => {
        const name = uniqueName(type);
        const created = await t.client.post(itemPath(t, name), body(type, name));
        t.track(name);
        const result = expectSuccess(t, created);
        expect(result).toHaveProperty("deploymentResult");
        const item = await getOne(t, name);
        expect(item).toMatchObject({
          name,
          type,
          deployToWorker: true,
          enabled: true,
          ...fixture.defaults,
        });
        for (const secret of fixture.secrets) {
          const sent = fixture.valid[secret];
          if (sent !== undefined) {
            const shown = fixture.maskedInGet.includes(secret) ? null : sent;
            expect([secret, item[secret]]).toEqual([secret, shown]);
          }
        }
        const listed = (await listType(t, type)).find((i) => i.name === name);
        expect(listed).toBeDefined();
        for (const secret of fixture.secrets) {
          expect(listed).toHaveProperty(secret, null);
        }
        for (const [field, value] of Object.entries(fixture.valid)) {
          if (!fixture.secrets.includes(field) && field !== "logPath") {
            expect(listed).toMatchObject({ [field]: value });
          }
        }
      });

      it.each(fixture.invalid.map(([what, field, changes]) => [what, field, changes] as const))(
        "rejects a body %s (400 naming %s)",
        async (_what, field, changes) => {
          const name = uniqueName(type);
          const response = await t.client.post(itemPath(t, name), body(type, name, { ...changes }));
          t.track(name);
          expect(expectFailure(t, response, 400)).toContain(field);
          expect((await t.client.get(itemPath(t, name))).status).not.toBe(200);
        },
      );
    });

    describe("list and get", () => {
      it("lists only connections of the requested type", async () => {
        const mail = await create(t, "email");
        const hook = await create(t, "webhook");
        const names = (await listType(t, "webhook")).map((i) => i.name);
        expect(names).toContain(hook);
        expect(names).not.toContain(mail);
      });

      it("rejects a list without ?type= with 400", async () => {
        expect(expectFailure(t, await t.client.get(t.connectionsPath), 400)).toMatch(/type/i);
      });

      it("rejects a list with an unknown type with 400", async () => {
        expectFailure(t, await t.client.get(`${t.connectionsPath}?type=ops-genie-nope`), 400);
      });

      it("rejects a get of an unknown name (v1 404, v2 400) with 'was not found'", async () => {
        const text = expectFailure(
          t,
          await t.client.get(itemPath(t, uniqueName("nope"))),
          404,
          400,
        );
        expect(text).toMatch(/not found/i);
      });

      it("rejects a get with an empty name with 400", async () => {
        expect(expectFailure(t, await t.client.get(`${t.connectionsPath}/`), 400)).toMatch(
          /empty/i,
        );
      });

      it("matches names case-insensitively on get, update and delete", async () => {
        const name = await create(t, "syslog");
        const upper = name.toUpperCase();
        expect((await getOne(t, upper)).name).toBe(name);
        expectSuccess(
          t,
          await t.client.put(itemPath(t, upper), body("syslog", name, { syslogPort: 1514 })),
        );
        expect((await getOne(t, name)).syslogPort).toBe(1514);
        expectSuccess(t, await t.client.delete(itemPath(t, upper)));
        expect((await t.client.get(itemPath(t, name))).status).not.toBe(200);
      });

      it("rejects paths without the trailing slash with 404", async () => {
        const name = await create(t, "graylog");
        expect(
          (await t.client.get(t.connectionsPath.replace(/\/$/, "") + "?type=graylog")).status,
        ).toBe(404);
        expect((await t.client.get(itemPath(t, name).replace(/\/$/, ""))).status).toBe(404);
      });

      it("rejects an unknown project (v1 404, v2 400)", async () => {
        const path = `/apiops/projects/${uniqueName("no-project")}/connections/?type=email`;
        expect(expectFailure(t, await t.client.get(path), 404, 400)).toMatch(/project/i);
      });
    });

    describe("create", () => {
      it("defaults deployToWorker and enabled to true and deploys to the workers", async () => {
        const name = uniqueName("deploy");
        const result = expectSuccess(
          t,
          await t.client.post(itemPath(t, name), body("graylog", name)),
        );
        t.track(name);
        const deployment = result.deploymentResult as Record<string, unknown>;
        expect(deployment.success).toBe(true);
        if (t.envelope === "v1") {
          const results = deployment.deploymentResults as Record<string, unknown>[];
          expect(results.length).toBeGreaterThan(0);
          expect(
            results.every((r) => r.success === true && typeof r.environmentName === "string"),
          ).toBe(true);
        }
      });

      it("deploys nothing when deployToWorker is false", async () => {
        const name = uniqueName("nodeploy");
        const response = await t.client.post(
          itemPath(t, name),
          body("graylog", name, { deployToWorker: false }),
        );
        t.track(name);
        const result = expectSuccess(t, response);
        const deployment = result.deploymentResult as Record<string, unknown> | undefined;
        expect(deployment?.success ?? true).toBe(true);
        if (t.envelope === "v1" && deployment !== undefined) {
          expect(deployment.deploymentResults).toEqual([]);
        }
        expect((await getOne(t, name)).deployToWorker).toBe(false);
      });

      it("rejects a body name that differs from the path name with 400", async () => {
        const name = uniqueName("mismatch");
        const response = await t.client.post(itemPath(t, name), body("graylog", `${name}-other`));
        expectFailure(t, response, 400);
        expect((await t.client.get(itemPath(t, name))).status).not.toBe(200);
      });

      it("accepts a body name that differs from the path only in case", async () => {
        const name = uniqueName("case");
        const response = await t.client.post(
          itemPath(t, name.toLowerCase()),
          body("graylog", name.toUpperCase()),
        );
        t.track(name);
        expectSuccess(t, response);
        expect((await getOne(t, name)).name).toBe(name.toUpperCase());
      });

      it.each([
        ["a space", (n: string) => `${n} x`],
        ["256 characters", (n: string) => `${n}-`.padEnd(256, "z")],
        ["a slash-free but invalid character", (n: string) => `${n}#x`],
      ])("rejects a name with %s with 400", async (_what, makeName) => {
        const name = makeName(uniqueName("badname"));
        expectFailure(t, await t.client.post(itemPath(t, name), body("graylog", name)), 400);
      });

      it("accepts a 255-character name", async () => {
        const name = `${uniqueName("long")}-`.padEnd(255, "z");
        expectSuccess(t, await t.client.post(itemPath(t, name), body("graylog", name)));
        t.track(name);
      });

      it("accepts a 1000-character description and rejects 1001", async () => {
        await create(t, "graylog", { description: "d".repeat(1000) });
        const name = uniqueName("desc");
        const response = await t.client.post(
          itemPath(t, name),
          body("graylog", name, { description: "d".repeat(1001) }),
        );
        expect(expectFailure(t, response, 400)).toContain("description");
      });

      it.each([
        ["missing", undefined],
        ["unknown", "ops-genie"],
        ["wrongly cased", "Email"],
      ])("rejects a %s type with 400", async (_what, type) => {
        const name = uniqueName("type");
        const input = withChanges(body("email", name), { type });
        expect(expectFailure(t, await t.client.post(itemPath(t, name), input), 400)).toMatch(
          /type/i,
        );
      });

      it("rejects a duplicate name in v1 (400 'already exists'), upserts in v2", async () => {
        const name = await create(t, "syslog", { syslogPort: 1000 });
        const again = await t.client.post(
          itemPath(t, name),
          body("syslog", name, { syslogPort: 2000 }),
        );
        if (t.envelope === "v1") {
          expect(expectFailure(t, again, 400)).toMatch(/already exist/i);
          expect((await getOne(t, name)).syslogPort).toBe(1000);
        } else {
          expectSuccess(t, again);
          expect((await getOne(t, name)).syslogPort).toBe(2000);
        }
      });

      it("treats names differing only in case as duplicates", async () => {
        const name = await create(t, "syslog");
        const again = await t.client.post(
          itemPath(t, name.toUpperCase()),
          body("syslog", name.toUpperCase()),
        );
        if (t.envelope === "v1") {
          expectFailure(t, again, 400);
        } else {
          expectSuccess(t, again);
        }
        const names = (await listType(t, "syslog")).map((i) => String(i.name).toLowerCase());
        expect(names.filter((n) => n === name.toLowerCase())).toHaveLength(1);
      });

      it("normalises logback paths: logPath gets a trailing slash, logFileName loses a leading one", async () => {
        const name = await create(t, "logback", {
          logPath: "/var/log/apinizer",
          logFileName: "/traffic",
        });
        const item = await getOne(t, name);
        expect(item.logPath).toBe("/var/log/apinizer/");
        expect(item.logFileName).toBe("traffic");
      });
    });

    describe("update: full replacement, rename, immutable type", () => {
      it("replaces the whole connection: omitted fields revert to their defaults", async () => {
        const name = await create(t, "email", {
          port: 25,
          description: "first",
          from: "a@example.com",
        });
        const response = await t.client.put(itemPath(t, name), body("email", name));
        const result = expectSuccess(t, response);
        expect(result).toHaveProperty("deploymentResult");
        const item = await getOne(t, name);
        expect(item.port).toBe(587);
        expect(item.description ?? null).toBeNull();
        expect(item.from ?? null).toBeNull();
      });

      it("overwrites secrets with what is sent", async () => {
        // email, whose page returns the password in full on get (connection-email.mdx).
        const name = await create(t, "email");
        expectSuccess(
          t,
          await t.client.put(itemPath(t, name), body("email", name, { password: "pw-rotated" })),
        );
        expect((await getOne(t, name)).password).toBe("pw-rotated");
      });

      itEmulator(
        "overwrites a secret that get masks, as the state fingerprint shows (connection-linux-script.mdx)",
        async () => {
          const name = await create(t, "linux-script");
          expectSuccess(
            t,
            await t.client.put(
              itemPath(t, name),
              body("linux-script", name, { password: "pw-rotated" }),
            ),
          );
          expect((await getOne(t, name)).password).toBeNull();
          const state = await emulatorState(t.emulator.url);
          expect(state.apinizer.demo?.find((c) => c.name === name)?.password).toEqual({
            sha256: sha256("pw-rotated"),
          });
        },
      );

      // apinizer-docs-v2/api-reference/connections/crud/update-connection.mdx (and the earlier
      // generation's): name "No | (path parameter value)": "If omitted or empty, the existing name
      // from the path parameter is used" (docs/api/apinizer.md#update-keeps-the-name), in both
      // generations.
      it.each([
        ["omitted", undefined],
        ["empty", ""],
        ["null", null],
      ])(
        "keeps the name when an update's name is %s (crud/update-connection.mdx)",
        async (_what, value) => {
          const name = await create(t, "syslog", { syslogPort: 1000 });
          // withChanges drops an undefined name and keeps "" and null.
          const input = withChanges(body("syslog", name, { syslogPort: 2000 }), { name: value });
          expectSuccess(t, await t.client.put(itemPath(t, name.toUpperCase()), input));
          const item = await getOne(t, name);
          expect(item).toMatchObject({ name, syslogPort: 2000 });
          const names = (await listType(t, "syslog")).map((i) => String(i.name).toLowerCase());
          expect(names.filter((n) => n === name.toLowerCase())).toHaveLength(1);
        },
      );

      it("still requires name on create (crud/create-connection.mdx: name Required Yes)", async () => {
        const name = uniqueName("noname");
        const response = await t.client.post(
          itemPath(t, name),
          withChanges(body("syslog", name), { name: undefined }),
        );
        expect(expectFailure(t, response, 400)).toContain("name");
        expect((await t.client.get(itemPath(t, name))).status).not.toBe(200);
      });

      it("renames when the body name differs from the path name", async () => {
        const name = await create(t, "webhook");
        const renamed = `${name}-renamed`;
        t.track(renamed);
        expectSuccess(t, await t.client.put(itemPath(t, name), body("webhook", renamed)));
        expect((await getOne(t, renamed)).name).toBe(renamed);
        expect((await t.client.get(itemPath(t, name))).status).not.toBe(200);
      });

      it("rejects a rename onto an existing name with 400 and changes nothing", async () => {
        const a = await create(t, "webhook");
        const b = await create(t, "webhook", { timeout: 9 });
        expectFailure(t, await t.client.put(itemPath(t, b), body("webhook", a)), 400);
        expect((await getOne(t, b)).timeout).toBe(9);
        expect((await getOne(t, a)).timeout).toBe(2);
      });

      it("rejects a type change with 400 and changes nothing", async () => {
        const name = await create(t, "syslog");
        const response = await t.client.put(itemPath(t, name), body("graylog", name));
        expect(expectFailure(t, response, 400)).toMatch(/type/i);
        expect((await getOne(t, name)).type).toBe("syslog");
      });

      it("rejects an update of an unknown name with 400 'was not found'", async () => {
        const name = uniqueName("ghost");
        expect(
          expectFailure(t, await t.client.put(itemPath(t, name), body("syslog", name)), 400),
        ).toMatch(/not found/i);
      });

      it("rejects an invalid update with 400 naming the field and changes nothing", async () => {
        const name = await create(t, "syslog", { syslogPort: 1111 });
        const response = await t.client.put(
          itemPath(t, name),
          body("syslog", name, { syslogSeverity: "LOUD" }),
        );
        expect(expectFailure(t, response, 400)).toContain("syslogSeverity");
        expect((await getOne(t, name)).syslogPort).toBe(1111);
      });
    });

    describe("delete", () => {
      it("deletes with 200 and a deploy envelope", async () => {
        const name = await create(t, "graylog");
        const result = expectSuccess(t, await t.client.delete(itemPath(t, name)));
        expect(result).toHaveProperty("deploymentResult");
        expect((await t.client.get(itemPath(t, name))).status).not.toBe(200);
      });

      it("rejects a delete of an unknown name with 400 'was not found'", async () => {
        expect(
          expectFailure(t, await t.client.delete(itemPath(t, uniqueName("ghost"))), 400),
        ).toMatch(/not found/i);
      });
    });

    describe("authentication", () => {
      it.each([
        ["no Authorization header", undefined],
        ["a wrong token", "Bearer not-the-token"],
        ["the token without Bearer", "raw"],
      ])("rejects %s with 401 on every endpoint", async (_what, header) => {
        const name = await create(t, "graylog");
        const tokenHeader = header === "raw" ? t.token : header;
        const headers: Record<string, string> =
          tokenHeader === undefined ? {} : { authorization: tokenHeader };
        const options = { noAuth: true, headers };
        const calls = [
          t.client.call("GET", "/apiops/projects/", options),
          t.client.call("GET", `${t.connectionsPath}?type=graylog`, options),
          t.client.call("GET", itemPath(t, name), options),
          t.client.call("POST", itemPath(t, uniqueName("x")), {
            ...options,
            body: body("graylog"),
          }),
          t.client.call("PUT", itemPath(t, name), { ...options, body: body("graylog", name) }),
          t.client.call("DELETE", itemPath(t, name), options),
        ];
        for (const response of await Promise.all(calls)) {
          expectFailure(t, response, 401, 401);
        }
        await getOne(t, name);
      });
    });

    describe("permissions", () => {
      itEmulator(
        "rejects writes with a view-only token (v1 403, v2 400) but allows reads",
        async () => {
          const name = await create(t, "graylog");
          const viewer = { noAuth: true, headers: { authorization: `Bearer ${VIEWER_TOKEN}` } };
          const project = `${t.connectionsPath}?type=graylog`;
          const listed = obj(await t.client.call("GET", project, viewer));
          expect(JSON.stringify(listed.resultList)).toContain(name);
          const writes = [
            t.client.call("POST", itemPath(t, "viewer-new"), {
              ...viewer,
              body: body("graylog", "viewer-new"),
            }),
            t.client.call("PUT", itemPath(t, name), { ...viewer, body: body("graylog", name) }),
            t.client.call("DELETE", itemPath(t, name), viewer),
          ];
          for (const response of await Promise.all(writes)) {
            expect(expectFailure(t, response, 403, 400)).toMatch(/permission/i);
          }
          expect((await getOne(t, name)).name).toBe(name);
        },
      );
    });

    // connection-kafka (v1 and v2): with enableSecure, "protocolTypes must be provided",
    // "keyStoreName is required (KeyStore must exist)", "trustStoreName is optional", and both
    // "refer to KeyStore names (not IDs) - they are converted to IDs internally"
    // (docs/api/apinizer.md#kafka-keystores).
    describe(`kafka keystore references (${KAFKA_PAGE})`, () => {
      const secure = (changes: Record<string, unknown> = {}): Record<string, unknown> => ({
        enableSecure: true,
        protocolTypes: ["TLS_1_2"],
        keyStoreName: KEYSTORE,
        ...changes,
      });

      itEmulator("accepts keystores that exist and shows their names and IDs", async () => {
        const name = await create(t, "kafka", secure({ trustStoreName: TRUSTSTORE }));
        const item = await getOne(t, name);
        expect(item).toMatchObject({ keyStoreName: KEYSTORE, trustStoreName: TRUSTSTORE });
        expect(item.keyStoreId).toMatch(/^[0-9a-f]{24}$/);
        expect(item.trustStoreId).toMatch(/^[0-9a-f]{24}$/);
        expect(item.keyStoreId).not.toBe(item.trustStoreId);
        const listed = (await listType(t, "kafka")).find((i) => i.name === name);
        expect(listed).toMatchObject({ keyStoreName: KEYSTORE, trustStoreName: TRUSTSTORE });
      });

      it.each([
        ["keyStoreName", { keyStoreName: "pcx-no-such-keystore" }],
        ["trustStoreName", { trustStoreName: "pcx-no-such-truststore" }],
      ])(
        "rejects a secure connection whose %s names no keystore with 400 naming it, and stores nothing",
        async (field, changes) => {
          const name = uniqueName("kafka-ks");
          const response = await t.client.post(
            itemPath(t, name),
            body("kafka", name, secure(changes)),
          );
          t.track(name);
          expect(expectFailure(t, response, 400)).toContain(field);
          expect((await t.client.get(itemPath(t, name))).status).not.toBe(200);
        },
      );

      it("rejects an update to a keystore that does not exist and keeps the connection", async () => {
        const name = await create(t, "kafka", { topicName: "before" });
        const response = await t.client.put(
          itemPath(t, name),
          body("kafka", name, secure({ keyStoreName: "pcx-no-such-keystore", topicName: "after" })),
        );
        expect(expectFailure(t, response, 400)).toContain("keyStoreName");
        expect((await getOne(t, name)).topicName).toBe("before");
      });

      itEmulator("matches keystore names exactly (the page does not say)", async () => {
        const name = uniqueName("kafka-case");
        const response = await t.client.post(
          itemPath(t, name),
          body("kafka", name, secure({ keyStoreName: KEYSTORE.toUpperCase() })),
        );
        expect(expectFailure(t, response, 400)).toContain("keyStoreName");
      });

      itEmulator(
        "does not resolve names while enableSecure is off (the page states the rule for enableSecure only)",
        async () => {
          const name = await create(t, "kafka", { keyStoreName: "pcx-no-such-keystore" });
          expect(await getOne(t, name)).toMatchObject({
            keyStoreName: "pcx-no-such-keystore",
            keyStoreId: null,
          });
        },
      );

      itEmulator(
        "accepts a keystore added through POST /_emulator/apinizer-keystores/{project}",
        async () => {
          const admin = new Client(`${t.emulator.url}/_emulator`);
          const added = await admin.post(`/apinizer-keystores/${t.project}`, { name: "added-ks" });
          expect(added.status).toBe(201);
          try {
            const name = await create(t, "kafka", secure({ keyStoreName: "added-ks" }));
            expect((await getOne(t, name)).keyStoreId).toMatch(/^[0-9a-f]{24}$/);
          } finally {
            await admin.delete(`/apinizer-keystores/${t.project}/added-ks`);
          }
          const name = uniqueName("kafka-gone");
          const response = await t.client.post(
            itemPath(t, name),
            body("kafka", name, secure({ keyStoreName: "added-ks" })),
          );
          expectFailure(t, response, 400);
        },
      );
    });

    describe("error codes and endpoints of the getting-started pages", () => {
      // apinizer-management-api-docs-v1/01-getting-started/error-handling.md: validation errors are
      // `"error": "validation_failed"` with `validation_errors`; the CRUD pages show `bad_request`
      // for "already exists" / "was not found" (docs/api/apinizer.md#answers). v2 has no code
      // field.
      itEmulator(
        "answers a field validation failure with validation_failed in v1 and FAILURE in v2",
        async () => {
          const name = uniqueName("codes");
          const response = await t.client.post(
            itemPath(t, name),
            body("syslog", name, { syslogPort: "x" }),
          );
          expect(expectFailure(t, response, 400)).toMatch(/^Validation failed: syslogPort/);
          const result = obj(response);
          if (t.envelope === "v1") {
            expect(result.error).toBe("validation_failed");
            expect(result.validation_errors).toEqual([
              { field: "syslogPort", message: expect.any(String) },
            ]);
          } else {
            expect(Object.keys(result).sort()).toEqual(["resultMessage", "status"]);
          }
        },
      );

      itEmulator("keeps bad_request for the CRUD pages' other 400s in v1", async () => {
        const ghost = uniqueName("ghost");
        const notFound = await t.client.put(itemPath(t, ghost), body("syslog", ghost));
        expect(expectFailure(t, notFound, 400)).toMatch(/was not found/);
        if (t.envelope === "v1") {
          expect(obj(notFound).error).toBe("bad_request");
        }
      });

      // Both authentication pages document POST /apiops/auth/token; the provider uses personal
      // access tokens, so the emulator answers 404 there (docs/api/apinizer.md#authentication), in
      // the endpoint's OAuth-style `{error, error_description}` fields.
      itEmulator(
        "answers POST /apiops/auth/token with 404 (getting-started/authentication)",
        async () => {
          const response = await t.client.call("POST", "/apiops/auth/token", {
            noAuth: true,
            raw: "grant_type=client_credentials&client_id=u&client_secret=p",
            headers: { "content-type": "application/x-www-form-urlencoded" },
          });
          expect(response.status).toBe(404);
          expect(obj(response)).toMatchObject({
            error: "not_found",
            error_description: expect.stringMatching(/token/),
          });
        },
      );
    });

    describe("deployment failures reported with HTTP 200", () => {
      itEmulator(
        "reports success:false for the failing environment via a one-shot rule",
        async () => {
          t.emulator.enqueueFault({
            action: "deploy-failure",
            method: "POST",
            environment: "production",
          });
          const name = uniqueName("deployfail");
          const response = await t.client.post(itemPath(t, name), body("graylog", name));
          const result = expectSuccess(t, response);
          const deployment = result.deploymentResult as Record<string, unknown>;
          expect(deployment.success).toBe(false);
          const results = deployment.deploymentResults as Record<string, unknown>[];
          expect(results).toContainEqual(
            expect.objectContaining({ environmentName: "production", success: false }),
          );
          // The change itself is committed.
          await getOne(t, name);
        },
      );

      itEmulator("reports success:false while fault settings name the environment", async () => {
        t.emulator.setFaults({ deployFailures: ["staging"] });
        try {
          const name = await create(t, "graylog");
          const result = expectSuccess(
            t,
            await t.client.put(itemPath(t, name), body("graylog", name)),
          );
          const deployment = result.deploymentResult as Record<string, unknown>;
          expect(deployment.success).toBe(false);
          expect(JSON.stringify(deployment)).toContain("staging");
        } finally {
          t.emulator.setFaults({});
        }
      });
    });
  },
  { apinizerReadOnlyToken: VIEWER_TOKEN, apinizerKeystores: { demo: [KEYSTORE, TRUSTSTORE] } },
);
