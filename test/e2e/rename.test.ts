import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { localEnv } from "../../scripts/workspace";
import { emulatorState, engineProject, EngineProject, ResourceSpec } from "./harness";

// An Apinizer connection is addressed by project and name, so its ID is `project/name`. A rename
// is an in-place PUT, after which Pulumi keeps the old ID until the provider reads the connection
// again (its update answer carries no ID); from then on the ID is the real name, and every
// operation goes to the connection under its current name.
jest.setTimeout(300_000);

const PASSWORD = "e2e-rename-smtp-password-3c2b1a";

const mail = (name: string, over: Record<string, unknown> = {}): ResourceSpec => ({
  kind: "apinizer",
  name: "alerts",
  args: {
    projectName: "demo",
    name,
    type: "email",
    host: "smtp.example.com",
    auth: true,
    username: "bot",
    ...over,
  },
  secrets: { password: PASSWORD },
});

let p: EngineProject;
const quiet = { onOutput: () => undefined };
let seen = 0;

/** Apinizer requests since the last call, as "METHOD path". */
function apinizerRequests(): string[] {
  const all = p.emulator.requests();
  const fresh = all.slice(seen);
  seen = all.length;
  return fresh.filter((r) => r.family === "apinizer").map((r) => `${r.method} ${r.path}`);
}

/** The connection's resource ID in the stack's state. */
function stateId(): string | undefined {
  const r = p
    .exportStack()
    .resources.find((x) => x.type === "pulumi-nodejs:dynamic/apinizer:Connection") as
    { id?: string } | undefined;
  return r?.id;
}

async function names(): Promise<string[]> {
  return ((await emulatorState(p.emulator)).apinizer.demo ?? []).map((c) => String(c.name));
}

/** `pulumi-connections drift --json` on the stack; exits 0 only when it is clean. */
async function driftReport(): Promise<Record<string, unknown>> {
  const cli = path.resolve(__dirname, "..", "..", "dist", "cli", "main.js");
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [cli, "drift", "--stack", "test", "--cwd", p.dir, "--json"],
    { env: { ...process.env, ...localEnv(p.stateDir) } },
  );
  return JSON.parse(stdout) as Record<string, unknown>;
}

const AT = (name: string) => `/apiops/projects/demo/connections/${name}/`;

beforeAll(async () => {
  p = await engineProject("rename");
});
afterAll(async () => {
  await p?.close();
});

test("a rename is one PUT to the old name; the next refresh makes the ID the new name", async () => {
  await p.setResources([mail("old-name")]);
  await p.stack.up(quiet);
  expect(stateId()).toBe("demo/old-name");
  apinizerRequests();

  await p.setResources([mail("new-name")]);
  const up = await p.stack.up(quiet);
  expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
  expect(apinizerRequests()).toEqual([`PUT ${AT("old-name")}`]);
  expect(await names()).toEqual(["new-name"]);

  // The drift checks read the connection under its new name and find nothing to report.
  expect(await driftReport()).toMatchObject({ clean: true, checked: 1, drifted: [], deleted: [] });
  expect(apinizerRequests()).toEqual([`GET ${AT("new-name")}`]);
  const check = await p.stack.preview({ refresh: true, expectNoChanges: true, ...quiet });
  expect(check.changeSummary.update ?? 0).toBe(0);
  expect(apinizerRequests()).toEqual([`GET ${AT("new-name")}`]);

  const refresh = await p.stack.refresh(quiet);
  expect(refresh.summary.resourceChanges?.update ?? 0).toBe(0);
  expect(apinizerRequests()).toEqual([`GET ${AT("new-name")}`]);
  expect(stateId()).toBe("demo/new-name");
  await p.stack.up(quiet);
  expect((await p.stack.outputs()).alerts!.value.id).toBe("demo/new-name");
  expect(apinizerRequests()).toEqual([]);
});

test("after the rename, update, refresh and destroy act on the connection under its new name", async () => {
  await p.setResources([mail("new-name", { description: "after the rename" })]);
  await p.stack.up(quiet);
  expect(apinizerRequests()).toEqual([`PUT ${AT("new-name")}`]);
  const [held] = (await emulatorState(p.emulator)).apinizer.demo!;
  expect(held).toMatchObject({ name: "new-name", description: "after the rename" });

  await p.stack.refresh(quiet);
  expect(apinizerRequests()).toEqual([`GET ${AT("new-name")}`]);
  expect(stateId()).toBe("demo/new-name");
  expect(await names()).toEqual(["new-name"]);

  await p.stack.destroy(quiet);
  expect(apinizerRequests()).toEqual([`DELETE ${AT("new-name")}`]);
  expect(await names()).toEqual([]);
});
