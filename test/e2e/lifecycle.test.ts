import {
  adminEdit,
  emulatorState,
  engineProject,
  EngineProject,
  failureOf,
  ResourceSpec,
} from "./harness";

// The real Pulumi CLI drives the packed package against the emulator. One project per file keeps
// the sequence realistic: each step starts from the state the previous one left.
jest.setTimeout(300_000);

const VIMEO_SECRET = "e2e-vimeo-client-secret-9f8e7d";
const VIMEO_TOKEN = "e2e-vimeo-access-token-1a2b3c";
const SMTP_PASSWORD = "e2e-smtp-password-4d5e6f";

const aws = (over: Record<string, unknown> = {}): ResourceSpec => ({
  kind: "aws",
  name: "media",
  args: {
    name: "e2e-media",
    awsAccountId: "123456789012",
    awsRegion: "us-east-2",
    description: "raw",
    ...over,
  },
});
const vimeo = (over: Record<string, unknown> = {}): ResourceSpec => ({
  kind: "vimeo",
  name: "marketing",
  args: { name: "e2e-marketing", clientIdentifier: "cid", ...over },
  secrets: { clientSecret: VIMEO_SECRET, accessToken: VIMEO_TOKEN },
});
const mail = (over: Record<string, unknown> = {}): ResourceSpec => ({
  kind: "apinizer",
  name: "alerts",
  args: {
    projectName: "demo",
    name: "e2e-alerts",
    type: "email",
    host: "smtp.example.com",
    auth: true,
    username: "bot",
    ...over,
  },
  secrets: { password: SMTP_PASSWORD },
});
const hook = (over: Record<string, unknown> = {}): ResourceSpec => ({
  kind: "apinizer",
  name: "hooks",
  args: {
    projectName: "demo",
    name: "e2e-hooks",
    type: "webhook",
    fullUrl: "https://hooks.example.com/x",
    ...over,
  },
});

let p: EngineProject;
const quiet = { onOutput: () => undefined };

beforeAll(async () => {
  p = await engineProject("lifecycle");
});
afterAll(async () => {
  await p?.close();
});

function planned(summary: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(summary).filter(([op, n]) => op !== "same" && n > 0));
}

test("up creates every connection with one request each; a second preview plans nothing and sends nothing", async () => {
  await p.setResources([aws(), vimeo(), mail(), hook()]);
  const up = await p.stack.up(quiet);
  expect(up.summary.resourceChanges).toMatchObject({ create: 5 });
  // An Apinizer create looks its name up first while the server's generation is unknown: the
  // first one always, the second only if it starts before an answer has shown this server is v1
  // (whose POST refuses an existing name), which depends on the engine's scheduling.
  const requests = p.takeRequests().sort();
  const lookups = requests.filter((r) => r.startsWith("GET "));
  expect(lookups.length === 1 || lookups.length === 2).toBe(true);
  expect(new Set(lookups)).toEqual(new Set(["GET apinizer 404"]));
  expect(requests.filter((r) => !r.startsWith("GET "))).toEqual([
    "POST apinizer 200",
    "POST apinizer 200",
    "POST pictory-aws 200",
    "POST pictory-vimeo 200",
  ]);
  const preview = await p.stack.preview(quiet);
  expect(planned(preview.changeSummary)).toEqual({});
  expect(p.takeRequests()).toEqual([]);
});

test("fails preview on invalid input, naming the field, without any request", async () => {
  await p.setResources([
    aws({ name: "bad/name", description: "x".repeat(300) }),
    vimeo(),
    mail(),
    hook(),
  ]);
  const failure = await failureOf(p.stack.preview(quiet));
  expect(failure).toMatch(/name.*must match/);
  expect(failure).toMatch(/description.*at most 250/);
  expect(p.takeRequests()).toEqual([]);
});

test("updates in place with one versioned PUT each, renaming the Apinizer connection", async () => {
  await p.setResources([
    aws({ description: "edited", enabled: false }),
    vimeo(),
    mail({ name: "e2e-alerts-renamed" }),
    hook(),
  ]);
  const up = await p.stack.up(quiet);
  expect(up.summary.resourceChanges).toMatchObject({ update: 2 });
  expect(p.takeRequests().sort()).toEqual(["PUT apinizer 200", "PUT pictory-aws 200"]);
  const state = await emulatorState(p.emulator);
  expect(state.pictory.aws[0]).toMatchObject({ description: "edited", enabled: false, version: 2 });
  expect(state.apinizer.demo!.map((c) => c.name).sort()).toEqual([
    "e2e-alerts-renamed",
    "e2e-hooks",
  ]);
  expect((await p.stack.outputs()).media!.value.version).toBe(2);
});

test("replaces on a region or type change, deleting first because the name stays", async () => {
  await p.setResources([
    aws({ description: "edited", enabled: false, awsRegion: "eu-west-1" }),
    vimeo(),
    mail({ name: "e2e-alerts-renamed" }),
    hook({ type: "graylog", fullUrl: undefined, hostname: "logs.example.com" }),
  ]);
  const preview = await p.stack.preview(quiet);
  expect(planned(preview.changeSummary)).toEqual({ replace: 2 });
  p.takeRequests();
  await p.stack.up(quiet);
  expect(p.takeRequests()).toEqual(
    expect.arrayContaining([
      "DELETE pictory-aws 204",
      "POST pictory-aws 200",
      "DELETE apinizer 200",
      "POST apinizer 200",
    ]),
  );
  const state = await emulatorState(p.emulator);
  expect(state.pictory.aws).toHaveLength(1);
  expect(state.pictory.aws[0]).toMatchObject({ awsRegion: "eu-west-1", version: 1 });
  expect(state.apinizer.demo!.find((c) => c.name === "e2e-hooks")).toMatchObject({
    type: "graylog",
  });
});

test("detects an out-of-band edit, fails the drift check, and converges with up --refresh", async () => {
  const id = String((await p.stack.outputs()).media!.value.id);
  await adminEdit(p.emulator, `pictory/aws/${id}`, { description: "dashboard edit" });
  const refresh = await p.stack.previewRefresh(quiet);
  expect(refresh.changeSummary.update).toBe(1);
  await expect(p.stack.preview({ refresh: true, expectNoChanges: true, ...quiet })).rejects.toThrow(
    /no changes were expected/,
  );
  await p.stack.up({ refresh: true, ...quiet });
  const state = await emulatorState(p.emulator);
  expect(state.pictory.aws[0]).toMatchObject({ description: "edited", version: 3 });
  expect((await p.stack.outputs()).media!.value.version).toBe(3);
  const clean = await p.stack.preview({ refresh: true, expectNoChanges: true, ...quiet });
  expect(planned(clean.changeSummary)).toEqual({});
});

test("drops a connection deleted out of band on refresh and recreates it on up", async () => {
  const id = String((await p.stack.outputs()).marketing!.value.id);
  await adminEdit(p.emulator, `pictory/vimeo/${id}`, null);
  await p.stack.refresh(quiet);
  const preview = await p.stack.preview(quiet);
  expect(planned(preview.changeSummary)).toEqual({ create: 1 });
  await p.stack.up(quiet);
  const state = await emulatorState(p.emulator);
  expect(state.pictory.vimeo).toHaveLength(1);
  expect(state.pictory.vimeo[0]!.clientSecret).toEqual({ sha256: expect.any(String) });
});

test("fails a stale update with the documented message, then converges with onConflict overwrite", async () => {
  const id = String((await p.stack.outputs()).media!.value.id);
  await adminEdit(p.emulator, `pictory/aws/${id}`, { enabled: true });
  await p.setResources([
    aws({ description: "stale write", enabled: false, awsRegion: "eu-west-1" }),
    vimeo(),
    mail({ name: "e2e-alerts-renamed" }),
    hook({ type: "graylog", fullUrl: undefined, hostname: "logs.example.com" }),
  ]);
  const failure = await failureOf(p.stack.up(quiet));
  expect(failure).toContain("was changed outside this stack");
  expect(failure).toContain("pulumi up --refresh");
  await p.setResources([
    aws({
      description: "stale write",
      enabled: false,
      awsRegion: "eu-west-1",
      onConflict: "overwrite",
    }),
    vimeo(),
    mail({ name: "e2e-alerts-renamed" }),
    hook({ type: "graylog", fullUrl: undefined, hostname: "logs.example.com" }),
  ]);
  await p.stack.up(quiet);
  const state = await emulatorState(p.emulator);
  expect(state.pictory.aws[0]).toMatchObject({ description: "stale write", enabled: false });
});

test("keeps secrets and the API key out of state in plaintext, and marks secret outputs secret", async () => {
  const raw = p.stateBytes();
  for (const secret of [
    VIMEO_SECRET,
    VIMEO_TOKEN,
    SMTP_PASSWORD,
    "pictai_emulator_key",
    "apinizer_emulator_token",
  ]) {
    expect(raw).not.toContain(secret);
  }
  const exported = p.exportStack();
  const text = JSON.stringify(exported);
  for (const secret of [VIMEO_SECRET, VIMEO_TOKEN, SMTP_PASSWORD, "pictai_emulator_key"])
    expect(text).not.toContain(secret);
  const resources = exported.resources;
  const vimeoState = resources.find(
    (r) => r.type === "pulumi-nodejs:dynamic/pictory:VimeoConnection",
  )!;
  const secretSig = "4dabf18193072939515e22adb298388d";
  expect(vimeoState.outputs!.clientSecret).toMatchObject({
    [secretSig]: "1b47061264138c4ac30d75fd1eb44270",
  });
  expect(vimeoState.outputs!.accessToken).toMatchObject({
    [secretSig]: "1b47061264138c4ac30d75fd1eb44270",
  });
  // Installed, each resource stores a `require` of its kind's shim module, never function source.
  const shims = {
    "pictory:AwsConnection": "pictory-aws-connection",
    "pictory:VimeoConnection": "pictory-vimeo-connection",
    "apinizer:Connection": "apinizer-connection",
  };
  for (const r of resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"))) {
    const file = shims[r.type.slice("pulumi-nodejs:dynamic/".length) as keyof typeof shims];
    for (const provider of [r.outputs!.__provider, r.inputs!.__provider]) {
      expect(provider).toContain(`require("pulumi-connections/dist/provider/shims/${file}.js")`);
      expect(String(provider).length).toBeLessThanOrEqual(400);
    }
  }
});

test("destroy leaves the emulator without connections", async () => {
  await p.stack.destroy(quiet);
  const state = await emulatorState(p.emulator);
  expect(state.pictory.aws).toEqual([]);
  expect(state.pictory.vimeo).toEqual([]);
  expect(state.apinizer.demo ?? []).toEqual([]);
});
