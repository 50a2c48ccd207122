/**
 * Provider hooks of `apinizer:Connection` against the emulator (docs/api/apinizer.md): the exact
 * requests each hook sends, drift detection with plaintext secrets, rename in place, deployment
 * results, both envelopes and the documented errors.
 */
import { fingerprint } from "../../emulator";
import { unknownValue as UNKNOWN } from "@pulumi/pulumi/runtime/rpc";
import { checkAndCreate, expectCode, providerFixture, ProviderFixture } from "./fixture";

const PASSWORD = "smtp-password-4321";
const email = {
  projectName: "demo",
  name: "mailer",
  type: "email",
  host: "smtp.example.com",
  port: 465,
  auth: true,
  username: "robot",
  password: PASSWORD,
};
const ITEM = "/apiops/projects/demo/connections";
/** What `check` adds to `email`: the declared defaults of the fields it leaves out. */
const EMAIL_DEFAULTS = {
  additionalProperties: [],
  defaultEncoding: "UTF-8",
  deployToWorker: true,
  enableStartTls: false,
  enabled: true,
};

/**
 * What diff reports for a change: "unknown", so that the engine compares the inputs itself and
 * names each changed field (engine.hostChanges).
 */
const CHANGED = undefined;

let fx: ProviderFixture;
afterEach(async () => {
  await fx.close();
});

/** Paths of the API requests the emulator saw, most recent last. */
function paths(count: number): string[] {
  return fx.emulator
    .requests()
    .slice(-count)
    .map((r) => `${r.method} ${r.path}`);
}

/** An out-of-band edit, as if made in the Apinizer console. */
async function editOutOfBand(name: string, changes: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${fx.emulator.url}/_emulator/apinizer/demo/${name}`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(changes),
  });
  expect(res.status).toBe(200);
}

async function storedNames(project = "demo"): Promise<string[]> {
  return ((await fx.state()).apinizer[project] ?? []).map((c) => String(c.name));
}

describe("Apinizer connections against the emulator (v1 envelope)", () => {
  beforeEach(async () => {
    fx = await providerFixture();
  });

  it("creates with one POST, reads back with one GET without drift, and stores only a fingerprint", async () => {
    const created = await checkAndCreate(fx.apinizer, email);
    // The server's generation is unknown until it answers once, so the first create looks the
    // name up: a v2 server's POST would overwrite a connection another stack owns.
    expect(fx.takeRequests()).toEqual(["GET 404", "POST 200"]);
    expect(paths(1)).toEqual([`POST ${ITEM}/mailer/`]);
    expect(created.id).toBe("demo/mailer");
    // The checked inputs hold the API's defaults for what the program left out.
    expect(created.outs).toEqual({
      ...email,
      ...EMAIL_DEFAULTS,
      deploymentResult: {
        success: true,
        deploymentResults: [
          { environmentName: "production", success: true, message: "Deployment successful" },
        ],
      },
    });
    expect(Object.values(created.outs)).not.toContain(undefined);

    const read = await fx.apinizer.read(created.id, created.outs);
    expect(fx.takeRequests()).toEqual(["GET 200"]);
    expect(read.id).toBe(created.id);
    expect(read.inputs).toEqual(created.inputs);
    expect(read.props).toEqual(created.outs);
    expect(await fx.apinizer.diff(created.id, read.props, created.inputs)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });

    const state = await fx.state();
    expect(state.apinizer.demo).toHaveLength(1);
    expect(state.apinizer.demo![0]).toMatchObject({
      name: "mailer",
      host: "smtp.example.com",
      password: fingerprint(PASSWORD),
    });
    expect(JSON.stringify(state)).not.toContain(PASSWORD);
  });

  it("renames in place with one PUT to the old name, then reads and deletes the new name", async () => {
    const created = await checkAndCreate(fx.apinizer, email);
    fx.takeRequests();
    const news = { ...created.inputs, name: "mailer-renamed" };
    expect(await fx.apinizer.diff(created.id, created.outs, news)).toEqual({
      changes: CHANGED,
      replaces: [],
      deleteBeforeReplace: false,
    });

    const updated = await fx.apinizer.update(created.id, created.outs, news);
    expect(fx.takeRequests()).toEqual(["PUT 200"]);
    expect(paths(1)).toEqual([`PUT ${ITEM}/mailer/`]);
    expect(updated.outs).toMatchObject({ name: "mailer-renamed", password: PASSWORD });
    expect(updated.outs.deploymentResult).toMatchObject({ success: true });
    expect(await storedNames()).toEqual(["mailer-renamed"]);

    const read = await fx.apinizer.read(created.id, updated.outs);
    expect(fx.takeRequests()).toEqual(["GET 200"]);
    expect(paths(1)).toEqual([`GET ${ITEM}/mailer-renamed/`]);
    // The ID is the real name; Pulumi records it from this read (an update answer has no ID).
    expect(created.id).toBe("demo/mailer");
    expect(read.id).toBe("demo/mailer-renamed");
    expect(read.props).toMatchObject({ name: "mailer-renamed" });
    expect((await fx.apinizer.diff(read.id, read.props, news)).changes).toBe(false);

    // Every operation addresses the name in state, whatever the ID says (a state written before
    // the read still has the old one).
    const described = { ...news, description: "after the rename" };
    const again = await fx.apinizer.update(created.id, read.props, described);
    expect(paths(1)).toEqual([`PUT ${ITEM}/mailer-renamed/`]);
    expect((await fx.apinizer.read(created.id, again.outs)).id).toBe("demo/mailer-renamed");
    expect(paths(1)).toEqual([`GET ${ITEM}/mailer-renamed/`]);
    fx.takeRequests();

    await fx.apinizer.delete(created.id, again.outs);
    expect(fx.takeRequests()).toEqual(["DELETE 200"]);
    expect(paths(1)).toEqual([`DELETE ${ITEM}/mailer-renamed/`]);
    expect(await storedNames()).toEqual([]);
  });

  it("replaces on a type or projectName change, deleting first only when the name would collide", async () => {
    const created = await checkAndCreate(fx.apinizer, email);
    fx.takeRequests();
    const webhook = {
      projectName: "demo",
      name: "mailer",
      type: "webhook",
      fullUrl: "https://hooks.example.com/x",
    };

    expect(await fx.apinizer.diff(created.id, created.outs, webhook)).toEqual({
      changes: CHANGED,
      replaces: ["type"],
      deleteBeforeReplace: true,
    });
    expect(await fx.apinizer.diff(created.id, created.outs, { ...webhook, name: "hook" })).toEqual({
      changes: CHANGED,
      replaces: ["type"],
      deleteBeforeReplace: false,
    });

    // Another project is another namespace: the same name there collides with nothing.
    const moved = { ...created.inputs, projectName: "default" };
    expect(await fx.apinizer.diff(created.id, created.outs, moved)).toEqual({
      changes: CHANGED,
      replaces: ["projectName"],
      deleteBeforeReplace: false,
    });
    expect(
      await fx.apinizer.diff(created.id, created.outs, { ...moved, name: "mailer-2" }),
    ).toEqual({ changes: CHANGED, replaces: ["projectName"], deleteBeforeReplace: false });
    // diff never calls the API.
    expect(fx.takeRequests()).toEqual([]);
  });

  it("reads an out-of-band edit into inputs and compares plaintext secrets without false drift", async () => {
    const created = await checkAndCreate(fx.apinizer, email);
    await editOutOfBand("mailer", { host: "smtp2.example.com" });
    fx.takeRequests();

    const read = await fx.apinizer.read(created.id, created.outs);
    expect(fx.takeRequests()).toEqual(["GET 200"]);
    expect(read.inputs).toEqual({ ...created.inputs, host: "smtp2.example.com" });
    expect(read.props).toMatchObject({ host: "smtp2.example.com", password: PASSWORD });
    expect((await fx.apinizer.diff(created.id, read.props, created.inputs)).changes).toBe(CHANGED);
    // Only the host differs: the plaintext password from the single GET equals the program's.
    const accepted = { ...created.inputs, host: "smtp2.example.com" };
    expect((await fx.apinizer.diff(created.id, read.props, accepted)).changes).toBe(false);
  });

  it("detects a password changed out of band, since the single GET returns it in plaintext", async () => {
    const created = await checkAndCreate(fx.apinizer, email);
    await editOutOfBand("mailer", { password: "changed-by-hand-99" });

    const read = await fx.apinizer.read(created.id, created.outs);
    expect(read.inputs).toEqual({ ...created.inputs, password: "changed-by-hand-99" });
    expect((await fx.apinizer.diff(created.id, read.props, created.inputs)).changes).toBe(CHANGED);

    const updated = await fx.apinizer.update(created.id, read.props, created.inputs);
    expect(updated.outs).toMatchObject({ password: PASSWORD });
    expect((await fx.state()).apinizer.demo![0]).toMatchObject({ password: fingerprint(PASSWORD) });
  });

  it("holds the API's defaults in the checked inputs, so they are no drift, and counts a non-default value set out of band", async () => {
    const { port: _port, ...withoutPort } = email;
    const created = await checkAndCreate(fx.apinizer, withoutPort);
    // The server stored its defaults for the fields the program left unset.
    expect((await fx.state()).apinizer.demo![0]).toMatchObject({
      port: 587,
      enableStartTls: false,
      defaultEncoding: "UTF-8",
      enabled: true,
    });

    // The checked inputs hold the defaults too, so the API's values are no drift.
    expect(created.inputs).toMatchObject({ port: 587, defaultEncoding: "UTF-8" });
    const read = await fx.apinizer.read(created.id, created.outs);
    expect(read.inputs).toMatchObject({ port: 587, defaultEncoding: "UTF-8" });
    expect((await fx.apinizer.diff(created.id, read.props, created.inputs)).changes).toBe(false);

    await editOutOfBand("mailer", { port: 2525 });
    const drifted = await fx.apinizer.read(created.id, read.props);
    expect(drifted.inputs).toMatchObject({ port: 2525 });
    expect((await fx.apinizer.diff(created.id, drifted.props, created.inputs)).changes).toBe(
      CHANGED,
    );

    // An update converges it back to the API default, since the program leaves it unset.
    await fx.apinizer.update(created.id, drifted.props, created.inputs);
    expect((await fx.state()).apinizer.demo![0]).toMatchObject({ port: 587 });
  });

  it("deletes with one DELETE, succeeds when already gone, and reads a deleted connection as gone", async () => {
    const created = await checkAndCreate(fx.apinizer, email);
    fx.takeRequests();

    await fx.apinizer.delete(created.id, created.outs);
    expect(fx.takeRequests()).toEqual(["DELETE 200"]);
    expect(paths(1)).toEqual([`DELETE ${ITEM}/mailer/`]);
    expect(await storedNames()).toEqual([]);

    await expect(fx.apinizer.delete(created.id, created.outs)).resolves.toBeUndefined();
    expect(fx.takeRequests()).toEqual(["DELETE 400"]);

    expect(await fx.apinizer.read(created.id, created.outs)).toEqual({
      id: "",
      props: {},
      inputs: {},
    });
    expect(fx.takeRequests()).toEqual(["GET 404"]);
  });

  it("fails an update of a connection deleted out of band with NOT_FOUND and a hint to refresh", async () => {
    const created = await checkAndCreate(fx.apinizer, { ...email, name: "project-mail" });
    await fetch(`${fx.emulator.url}/_emulator/apinizer/demo/project-mail`, { method: "DELETE" });
    fx.takeRequests();
    const err = await expectCode(
      fx.apinizer.update(created.id, created.outs, { ...created.inputs, description: "x" }),
      "NOT_FOUND",
    );
    expect(fx.takeRequests()).toEqual(["PUT 400"]);
    expect(err.message).toContain("deleted outside Pulumi");
    expect(err.message).toContain("pulumi refresh");
    // "project" in the connection's name does not make it a missing project.
    expect(err.message).not.toContain("create the project");
  });

  it("sends one POST per create once the server is known to refuse existing names (v1)", async () => {
    await checkAndCreate(fx.apinizer, email);
    fx.takeRequests();
    await checkAndCreate(fx.apinizer, { ...email, name: "mailer-2" });
    expect(fx.takeRequests()).toEqual(["POST 200"]);
    await expectCode(checkAndCreate(fx.apinizer, email), "NAME_CONFLICT");
    expect(fx.takeRequests()).toEqual(["POST 400"]);
  });

  it("keeps a create whose deployment failed, with deploymentResult.success false, by default", async () => {
    const warnings: string[] = [];
    const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: unknown) => {
      warnings.push(String(chunk));
      return true;
    });
    try {
      fx.emulator.enqueueFault({
        method: "POST",
        action: "deploy-failure",
        environment: "production",
      });
      const created = await checkAndCreate(fx.apinizer, email);
      expect(fx.takeRequests()).toEqual(["GET 404", "POST 200"]);
      expect(created.outs.deploymentResult).toEqual({
        success: false,
        deploymentResults: [
          {
            environmentName: "production",
            success: false,
            message: "Deployment failed on environment production: worker did not acknowledge",
          },
        ],
      });
      expect(await storedNames()).toEqual(["mailer"]);
    } finally {
      spy.mockRestore();
    }
    expect(warnings.join("")).toContain("deploying it to the workers failed in production");
    expect(warnings.join("")).not.toContain(PASSWORD);
  });

  it("fails a create whose deployment failed with DEPLOYMENT_FAILED when onDeploymentFailure is fail", async () => {
    fx.config["connections:onDeploymentFailure"] = "fail";
    fx.emulator.setFaults({ deployFailures: ["staging"] });
    const err = await expectCode(checkAndCreate(fx.apinizer, email), "DEPLOYMENT_FAILED");
    expect(err.message).toContain("failed in staging");
    expect(err.message).toContain('apinizer:Connection "mailer"');
    expect(err.message).toContain("connections:onDeploymentFailure");
    expect(err.message).not.toContain(PASSWORD);
    // The deployment to production still worked and is not blamed.
    expect(err.message).not.toContain("production");
  });

  it("rejects a duplicate name, matched case-insensitively, with NAME_CONFLICT and a hint to adopt", async () => {
    await checkAndCreate(fx.apinizer, email);
    fx.takeRequests();
    const err = await expectCode(
      checkAndCreate(fx.apinizer, { ...email, name: "MAILER" }),
      "NAME_CONFLICT",
    );
    expect(fx.takeRequests()).toEqual(["POST 400"]);
    expect(err.message).toContain("adopt: true");
    expect(err.message).toContain("case-insensitive");
    expect(err.message).toContain('connections:onNameConflict set to "adopt"');
    expect(err.message).not.toContain(PASSWORD);
    expect(await storedNames()).toEqual(["mailer"]);
  });

  /** One connection left in the project, with the program's host and password (by fingerprint). */
  async function expectOnlyTheConvergedMailer(): Promise<void> {
    const stored = (await fx.state()).apinizer.demo!;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ host: "smtp.example.com", password: fingerprint(PASSWORD) });
  }

  it('adopts the same-named connection a create meets when connections:onNameConflict is "adopt", re-sending the password', async () => {
    // Left by an interrupted `up`: in the API, not in the state; here with an older password.
    await checkAndCreate(fx.apinizer, { ...email, host: "old.example.com", password: "old-pass" });
    fx.takeRequests();
    fx.config["connections:onNameConflict"] = "adopt";
    const adopted = await checkAndCreate(fx.apinizer, email);
    expect(fx.takeRequests()).toEqual(["POST 400", "GET 200", "PUT 200"]);
    expect(paths(1)).toEqual([`PUT ${ITEM}/mailer/`]);
    expect(adopted.id).toBe("demo/mailer");
    expect(adopted.outs).toMatchObject({ host: "smtp.example.com", password: PASSWORD });
    await expectOnlyTheConvergedMailer();
  });

  it("adopts an existing connection with one GET and no POST", async () => {
    await checkAndCreate(fx.apinizer, email);
    fx.takeRequests();
    const adopted = await checkAndCreate(fx.apinizer, { ...email, adopt: true });
    expect(fx.takeRequests()).toEqual(["GET 200"]);
    expect(adopted.id).toBe("demo/mailer");
    expect(adopted.outs).toMatchObject({ ...email, adopt: true });
    expect(await storedNames()).toEqual(["mailer"]);
  });

  it("adopts an existing connection that differs with one GET and one converging PUT", async () => {
    await checkAndCreate(fx.apinizer, { ...email, host: "old.example.com", password: "old-pass" });
    fx.takeRequests();
    const adopted = await checkAndCreate(fx.apinizer, { ...email, adopt: true });
    expect(fx.takeRequests()).toEqual(["GET 200", "PUT 200"]);
    expect(paths(1)).toEqual([`PUT ${ITEM}/mailer/`]);
    expect(adopted.outs).toMatchObject({ host: "smtp.example.com", password: PASSWORD });
    await expectOnlyTheConvergedMailer();
  });

  it("fails a create in an unknown project with NOT_FOUND saying to create it or fix projectName", async () => {
    const err = await expectCode(
      checkAndCreate(fx.apinizer, { ...email, projectName: "nowhere" }),
      "NOT_FOUND",
    );
    expect(err.message).toContain("nowhere");
    expect(err.message).toContain("create the project first or fix projectName");
  });

  it("fails to read or delete in an unknown project instead of reporting the connection gone", async () => {
    // A project name that contains "connection" must not pass for a missing connection.
    const state = { ...email, projectName: "connections-team" };
    const readErr = await expectCode(
      fx.apinizer.read("connections-team/mailer", state),
      "NOT_FOUND",
    );
    expect(readErr.message).toContain("create the project first or fix projectName");
    await expectCode(fx.apinizer.delete("connections-team/mailer", state), "NOT_FOUND");
    expect(fx.takeRequests()).toEqual(["GET 404", "DELETE 404"]);
  });

  it("fails check on a property of another type, naming that property", async () => {
    const checked = await fx.apinizer.check({}, { ...email, fullUrl: "https://x.example.com" });
    expect(checked.failures).toHaveLength(1);
    // Named in the reason: Pulumi prints a named property's value next to it, secrets included.
    expect(checked.failures[0]!.property).toBe("");
    expect(checked.failures[0]!.reason).toContain(
      '[fullUrl] is not a property of Apinizer connection for type "email"',
    );
    expect(checked.failures[0]!.reason).not.toContain(PASSWORD);
    expect(fx.takeRequests()).toEqual([]);
  });

  it("passes check while type is unknown (preview), keeping the other properties", async () => {
    const news = { ...email, type: UNKNOWN, fullUrl: "https://x.example.com" };
    const checked = await fx.apinizer.check({}, news);
    expect(checked.failures).toEqual([]);
    expect(checked.inputs).toEqual(news);
  });

  it("normalises a logback logPath without trailing slash so that a refresh shows no drift", async () => {
    const logback = {
      projectName: "demo",
      name: "traffic-logs",
      type: "logback",
      logPath: "/var/log/apinizer",
      logFileName: "/traffic",
      logPodName: "pod-1",
    };
    const created = await checkAndCreate(fx.apinizer, logback);
    expect(created.inputs).toMatchObject({ logPath: "/var/log/apinizer/", logFileName: "traffic" });
    expect((await fx.state()).apinizer.demo![0]).toMatchObject({
      logPath: "/var/log/apinizer/",
      logFileName: "traffic",
    });

    const read = await fx.apinizer.read(created.id, created.outs);
    expect(read.inputs).toEqual(created.inputs);
    // The program still says "/var/log/apinizer": check normalises it again on the next run.
    const again = await fx.apinizer.check(created.inputs, logback);
    expect((await fx.apinizer.diff(created.id, read.props, again.inputs)).changes).toBe(false);
    expect((await fx.apinizer.diff(created.id, read.props, logback)).changes).toBe(false);
  });

  it("does not report the pod name the server fills into an empty logPodName as drift", async () => {
    const logback = { projectName: "demo", name: "pod-logs", type: "logback" };
    const created = await checkAndCreate(fx.apinizer, logback);
    // The server stores its own hostname (docs/api/apinizer.md#logback-paths).
    expect((await fx.state()).apinizer.demo![0]!.logPodName).not.toBe("");

    const read = await fx.apinizer.read(created.id, created.outs);
    expect(read.inputs).toEqual(created.inputs);
    expect((await fx.apinizer.diff(created.id, read.props, created.inputs)).changes).toBe(false);

    // A pod name the program sets is still drift-checked.
    const named = await checkAndCreate(fx.apinizer, { ...logback, name: "named", logPodName: "a" });
    await editOutOfBand("named", { logPodName: "b" });
    const readNamed = await fx.apinizer.read(named.id, named.outs);
    expect(readNamed.inputs).toMatchObject({ logPodName: "b" });
    expect((await fx.apinizer.diff(named.id, readNamed.props, named.inputs)).changes).toBe(CHANGED);
  });
});

describe("Apinizer connections against the emulator (v2 envelope)", () => {
  beforeEach(async () => {
    fx = await providerFixture({ apinizerEnvelope: "v2" });
  });

  it("creates, reads, updates and deletes, and recognises v2's 400 not-found on read and delete", async () => {
    const created = await checkAndCreate(fx.apinizer, email);
    // A v2 POST is an upsert: every create looks the name up first.
    expect(fx.takeRequests()).toEqual(["GET 400", "POST 200"]);
    expect(created.outs).toEqual({
      ...email,
      ...EMAIL_DEFAULTS,
      deploymentResult: { success: true },
    });

    const read = await fx.apinizer.read(created.id, created.outs);
    expect(fx.takeRequests()).toEqual(["GET 200"]);
    expect(read.props).toEqual(created.outs);
    expect((await fx.apinizer.diff(created.id, read.props, created.inputs)).changes).toBe(false);

    const news = { ...created.inputs, description: "v2", name: "mailer-v2" };
    const updated = await fx.apinizer.update(created.id, read.props, news);
    expect(fx.takeRequests()).toEqual(["PUT 200"]);
    expect(paths(1)).toEqual([`PUT ${ITEM}/mailer/`]);
    expect(updated.outs).toMatchObject({ description: "v2", name: "mailer-v2" });
    expect(await storedNames()).toEqual(["mailer-v2"]);

    await fx.apinizer.delete(created.id, updated.outs);
    expect(fx.takeRequests()).toEqual(["DELETE 200"]);
    expect(await storedNames()).toEqual([]);

    expect((await fx.apinizer.read(created.id, updated.outs)).id).toBe("");
    await expect(fx.apinizer.delete(created.id, updated.outs)).resolves.toBeUndefined();
    expect(fx.takeRequests()).toEqual(["GET 400", "DELETE 400"]);
  });

  it("fails in an unknown project with a message to create it or fix projectName", async () => {
    const err = await expectCode(
      checkAndCreate(fx.apinizer, { ...email, projectName: "connections-team" }),
      "NOT_FOUND",
    );
    expect(err.message).toContain("create the project first or fix projectName");
    const state = { ...email, projectName: "connections-team" };
    await expectCode(fx.apinizer.read("connections-team/mailer", state), "NOT_FOUND");
    await expectCode(fx.apinizer.delete("connections-team/mailer", state), "NOT_FOUND");
  });

  it("rejects a create of an existing name with NAME_CONFLICT although the server's POST would upsert", async () => {
    await checkAndCreate(fx.apinizer, { ...email, host: "old.example.com" });
    fx.takeRequests();
    const err = await expectCode(checkAndCreate(fx.apinizer, email), "NAME_CONFLICT");
    expect(err.message).toContain("adopt: true");
    expect(err.message).not.toContain(PASSWORD);
    // One lookup, no write: the other stack's connection is untouched.
    expect(fx.takeRequests()).toEqual(["GET 200"]);
    expect(await storedNames()).toEqual(["mailer"]);
    expect((await fx.state()).apinizer.demo![0]).toMatchObject({ host: "old.example.com" });
  });

  it("takes an existing name over only when asked to, with adopt: true", async () => {
    await checkAndCreate(fx.apinizer, { ...email, host: "old.example.com" });
    fx.takeRequests();
    const adopted = await checkAndCreate(fx.apinizer, { ...email, adopt: true });
    expect(fx.takeRequests()).toEqual(["GET 200", "PUT 200"]);
    expect(adopted.id).toBe("demo/mailer");
    expect((await fx.state()).apinizer.demo![0]).toMatchObject({ host: "smtp.example.com" });
  });

  it("rejects a rename onto a name that exists with NAME_CONFLICT", async () => {
    const first = await checkAndCreate(fx.apinizer, email);
    await checkAndCreate(fx.apinizer, { ...email, name: "other" });
    const err = await expectCode(
      fx.apinizer.update(first.id, first.outs, { ...first.inputs, name: "Other" }),
      "NAME_CONFLICT",
    );
    expect(err.message).toContain("adopt: true");
    expect(await storedNames()).toEqual(["mailer", "other"]);
  });
});
