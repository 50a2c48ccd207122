import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { RunningEmulator, startEmulator } from "../../emulator";
import {
  adminEdit,
  CliRun,
  emulatorState,
  engineProject,
  EngineProject,
  ExtraStack,
  extraStack,
  ResourceSpec,
  runCli,
  writeProgram,
} from "./harness";

// `pulumi-connections drift` as a child process (real exit codes) against a real stack: the real
// Pulumi CLI, the packed package, the emulator. One project for the file; each step adds one kind
// of out-of-band change, and each report must list exactly the drift made so far.
jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = path.join(ROOT, "dist", "cli", "main.js");

// The report masks every run of 6 characters of a secret the stack holds, wherever it stands: these
// share none with the names and descriptions the tests expect to read.
const VIMEO_SECRET = "vS9q-kW3x-Zt7m-5c4b3a";
const VIMEO_TOKEN = "vT8r-pL2y-Hn6j-9d8c7b";
const SMTP_PASSWORD = "sP7w-qR4z-Jm8k-1f2e3d";
const LDAP_PASSWORD = "lP6v-tG5u-Bx2n-4e5d6c";
const ROTATED_SECRET = "rotated-in-the-dashboard-7a6b5c";
const SECRETS = [
  VIMEO_SECRET,
  VIMEO_TOKEN,
  SMTP_PASSWORD,
  LDAP_PASSWORD,
  ROTATED_SECRET,
  "pictai_emulator_key",
];

const aws = (name: string, args: Record<string, unknown> = {}): ResourceSpec => ({
  kind: "aws",
  name,
  args: {
    name: `e2e-drift-${name}`,
    awsAccountId: "123456789012",
    awsRegion: "us-east-2",
    ...args,
  },
});
const vimeo = (name: string): ResourceSpec => ({
  kind: "vimeo",
  name,
  args: { name: `e2e-drift-${name}`, clientIdentifier: "cid" },
  secrets: { clientSecret: VIMEO_SECRET, accessToken: VIMEO_TOKEN },
});
const RESOURCES: ResourceSpec[] = [
  aws("renamed"),
  aws("disabled"),
  aws("described", { description: "as the program says" }),
  vimeo("gone"),
  vimeo("rotated"),
  {
    kind: "apinizer",
    name: "alerts",
    args: {
      projectName: "demo",
      name: "e2e-drift-alerts",
      type: "email",
      host: "smtp.example.com",
      auth: true,
      username: "bot",
    },
    secrets: { password: SMTP_PASSWORD },
  },
  {
    // Its password is masked when read: never compared, and the report says so.
    kind: "apinizer",
    name: "directory",
    args: {
      projectName: "demo",
      name: "e2e-drift-directory",
      type: "ldap",
      serverAddress: "ldaps://ldap.example.com:636",
      username: "cn=bot,dc=example,dc=com",
      baseDn: "dc=example,dc=com",
    },
    secrets: { password: LDAP_PASSWORD },
  },
];

// What the check cannot see, per kind and type in the stack: the write-only Vimeo credentials and
// the password the Apinizer ldap page says is masked on read. Written out here, from the vendor
// pages, as an oracle for what the report derives from the declarations.
const NOT_COMPARED = {
  "apinizer:Connection/email": [],
  "apinizer:Connection/ldap": ["password"],
  "pictory:AwsConnection": [],
  "pictory:VimeoConnection": ["clientSecret", "accessToken"],
};

const TYPES: Record<ResourceSpec["kind"], string> = {
  aws: "pictory:AwsConnection",
  vimeo: "pictory:VimeoConnection",
  apinizer: "apinizer:Connection",
};

let p: EngineProject;
let port: number;
let dataFile: string;
let restarted: RunningEmulator | undefined;
let ids: Record<string, string>;

function runDrift(...format: string[]): Promise<CliRun> {
  return runCli(p, ["drift", "--stack", "test", "--cwd", p.dir, ...format]);
}

async function driftJson(): Promise<{ code: number | null; report: Record<string, unknown> }> {
  const run = await runDrift("--json");
  for (const s of SECRETS) expect(run.stdout + run.stderr).not.toContain(s);
  let report: Record<string, unknown>;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    throw new Error(
      `drift --json printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`,
    );
  }
  return { code: run.code, report };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const spec = (resource: string) => RESOURCES.find((r) => r.name === resource)!;
const ref = (resource: string) => {
  const r = spec(resource);
  const type = TYPES[r.kind];
  return {
    resource,
    type,
    urn: `urn:pulumi:test::drift::pulumi-nodejs:dynamic/${type}::${resource}`,
    id: ids[resource],
    name: String(r.args.name),
  };
};
const drifted = (
  resource: string,
  fields: { field: string; old: unknown; new: unknown }[],
  version = { old: 1, new: 2 },
) => ({ ...ref(resource), fields, version, possibleCredentialChange: false });

const RENAMED = () =>
  drifted("renamed", [
    { field: "name", old: "e2e-drift-renamed", new: "renamed-in-the-dashboard" },
  ]);
const DISABLED = () => drifted("disabled", [{ field: "enabled", old: true, new: false }]);
const DESCRIBED = () =>
  drifted("described", [
    { field: "description", old: "as the program says", new: "edited in the dashboard" },
  ]);
const ROTATED = () => ({
  ...ref("rotated"),
  fields: [],
  version: { old: 1, new: 2 },
  possibleCredentialChange: true,
  note: "possible credential change (version 1 → 2)",
});

function expectedReport(over: Record<string, unknown>) {
  return {
    stack: "test",
    clean: false,
    failed: false,
    checked: RESOURCES.length,
    drifted: [],
    deleted: [],
    unreadable: [],
    read: [],
    notCompared: NOT_COMPARED,
    remediation: "pulumi up --refresh --stack test",
    ...over,
  };
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  port = await freePort();
  // Persisted, so the emulator can be stopped (API unreachable) and started again with its data.
  dataFile = path.join(mkdtempSync(path.join(os.tmpdir(), "drift-emulator-")), "data.json");
  p = await engineProject("drift", { port, dataFile });
  await p.setResources(RESOURCES);
  await p.stack.up({ onOutput: () => undefined });
  const outputs = await p.stack.outputs();
  ids = Object.fromEntries(RESOURCES.map((r) => [r.name, String(outputs[r.name]!.value.id)]));
});

afterAll(async () => {
  await p?.close();
  await restarted?.stop();
});

test("reports no drift right after up: exit 0", async () => {
  const { code, report } = await driftJson();
  expect(report).toEqual(expectedReport({ clean: true }));
  expect(code).toBe(0);
});

test("reports a connection renamed out of band: exit 2", async () => {
  await adminEdit(p.emulator, `pictory/aws/${ids.renamed}`, { name: "renamed-in-the-dashboard" });
  const { code, report } = await driftJson();
  expect(report).toEqual(expectedReport({ drifted: [RENAMED()] }));
  expect(code).toBe(2);
});

test("reports a connection disabled out of band", async () => {
  await adminEdit(p.emulator, `pictory/aws/${ids.disabled}`, { enabled: false });
  const { code, report } = await driftJson();
  expect(report).toEqual(expectedReport({ drifted: [DISABLED(), RENAMED()] }));
  expect(code).toBe(2);
});

test("reports a description edited out of band", async () => {
  await adminEdit(p.emulator, `pictory/aws/${ids.described}`, {
    description: "edited in the dashboard",
  });
  const { code, report } = await driftJson();
  expect(report).toEqual(expectedReport({ drifted: [DESCRIBED(), DISABLED(), RENAMED()] }));
  expect(code).toBe(2);
});

test("reports a connection deleted out of band under deleted", async () => {
  await adminEdit(p.emulator, `pictory/vimeo/${ids.gone}`, null);
  const { code, report } = await driftJson();
  expect(report).toEqual(
    expectedReport({ drifted: [DESCRIBED(), DISABLED(), RENAMED()], deleted: [ref("gone")] }),
  );
  expect(code).toBe(2);
});

test("reports a credential rotated out of band, visible only as a version bump", async () => {
  await adminEdit(p.emulator, `pictory/vimeo/${ids.rotated}`, { clientSecret: ROTATED_SECRET });
  const { code, report } = await driftJson();
  expect(report).toEqual(
    expectedReport({
      drifted: [DESCRIBED(), DISABLED(), RENAMED(), ROTATED()],
      deleted: [ref("gone")],
    }),
  );
  expect(code).toBe(2);
});

test("renders the same drift as a Markdown table for a job summary, secrets nowhere", async () => {
  const run = await runDrift("--markdown");
  expect(run.code).toBe(2);
  for (const s of SECRETS) expect(run.stdout + run.stderr).not.toContain(s);
  expect(run.stdout).toContain("### Connection drift: stack `test`");
  expect(run.stdout).toContain(
    "**Drift found**: 4 drifted, 1 deleted out of band (7 connections checked).",
  );
  for (const row of [
    '| renamed | pictory:AwsConnection | name | "e2e-drift-renamed" | "renamed-in-the-dashboard" |',
    "| disabled | pictory:AwsConnection | enabled | true | false |",
    '| described | pictory:AwsConnection | description | "as the program says" | "edited in the dashboard" |',
    `| gone | pictory:VimeoConnection | deleted out of band | ID ${ids.gone} | (none) |`,
    "| rotated | pictory:VimeoConnection | possible credential change (version 1 → 2) | version 1 | version 2 |",
  ])
    expect(run.stdout).toContain(row);
  expect(run.stdout).toContain("Converge with `pulumi up --refresh --stack test`.");
  const notCompared = run.stdout.slice(run.stdout.indexOf("**Not compared**"));
  expect(notCompared).toContain("| pictory:VimeoConnection | clientSecret, accessToken |");
  expect(notCompared).toContain("| apinizer:Connection/ldap | password |");
  // Every field of these is compared: they are no gap.
  expect(notCompared).not.toMatch(/AwsConnection|Connection\/email/);

  const text = await runDrift();
  for (const s of SECRETS) expect(text.stdout + text.stderr).not.toContain(s);
  expect(text.stdout).toMatch(/^Not compared: .*write-only, or masked when read/m);
  expect(text.stdout).toMatch(/^ {2}pictory:VimeoConnection\s+clientSecret, accessToken$/m);
  expect(text.stdout).toMatch(/^ {2}apinizer:Connection\/ldap\s+password$/m);
});

test("fails the check with exit 1 when the API is unreachable, never reporting no drift", async () => {
  await p.emulator.stop();
  try {
    const { code, report } = await driftJson();
    expect(code).toBe(1);
    expect(report).toMatchObject({
      clean: false,
      failed: true,
      error: "7 connections could not be read",
      drifted: [],
      deleted: [],
    });
    const unreadable = report.unreadable as { resource: string; error: string }[];
    expect(unreadable.map((u) => u.resource).sort()).toEqual(RESOURCES.map((r) => r.name).sort());
    for (const u of unreadable) expect(u.error).toMatch(/ECONNREFUSED.*is reachable from here/);

    const text = await runDrift();
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(
      'Drift report for stack "test": the check failed: 7 connections could not be read',
    );
    expect(text.stdout).toContain('This is not a "no drift" result');
    expect(text.stdout).not.toContain(": no drift");
  } finally {
    restarted = await startEmulator({ port, dataFile });
  }
});

test("converges with the command the report names, and reports clean afterwards", async () => {
  await p.stack.up({ refresh: true, onOutput: () => undefined });
  const { code, report } = await driftJson();
  expect(report).toEqual(expectedReport({ clean: true }));
  expect(code).toBe(0);
  const state = await emulatorState(restarted!);
  const byName = Object.fromEntries(state.pictory.aws.map((c) => [c.name, c]));
  expect(byName["e2e-drift-renamed"]).toBeDefined();
  expect(byName["e2e-drift-disabled"]).toMatchObject({ enabled: true });
  expect(byName["e2e-drift-described"]).toMatchObject({ description: "as the program says" });
  expect(state.pictory.vimeo.map((c) => c.name).sort()).toEqual([
    "e2e-drift-gone",
    "e2e-drift-rotated",
  ]);
});

// Refresh drops write-only secrets once the version moved out of band, so `up --refresh` re-sends
// the program's values: the emulator's fingerprint is the program's secret again.
test("up --refresh re-sends the program's write-only secrets after an out-of-band credential change", async () => {
  const state = await emulatorState(restarted!);
  const rotated = state.pictory.vimeo.find((c) => c.name === "e2e-drift-rotated")!;
  const sha256 = createHash("sha256").update(VIMEO_SECRET, "utf8").digest("hex");
  expect(rotated.clientSecret).toEqual({ sha256 });
});

test("masks a secret of the stack pasted into a readable field outside Pulumi, raw or encoded", async () => {
  // Whichever emulator runs: the one restarted after the unreachable-API test, or the first.
  const emulator = restarted ?? p.emulator;
  const b64 = Buffer.from(VIMEO_TOKEN).toString("base64").replace(/=+$/, "");
  const pasted = `pasted ${VIMEO_SECRET} and ${b64} and ${SMTP_PASSWORD.toUpperCase()}`;
  await adminEdit(emulator, `pictory/aws/${ids.described}`, { description: pasted });
  try {
    const runs = (s: string) => Array.from({ length: s.length - 5 }, (_x, i) => s.slice(i, i + 6));
    const leaks = [VIMEO_SECRET, VIMEO_TOKEN, b64, SMTP_PASSWORD.toUpperCase()].flatMap(runs);
    const outs = await Promise.all([runDrift(), runDrift("--json"), runDrift("--markdown")]);
    for (const run of outs) {
      expect(run.code).toBe(2);
      const shown = run.stdout + run.stderr;
      expect(leaks.filter((r) => shown.includes(r))).toEqual([]);
      expect(shown).toContain("[secret]");
    }
    const report = JSON.parse(outs[1]!.stdout) as {
      drifted: { resource: string; fields: unknown }[];
    };
    expect(report.drifted.map((d) => d.resource)).toEqual(["described"]);
    expect(report.drifted[0]!.fields).toEqual([
      {
        field: "description",
        old: "as the program says",
        new: expect.stringMatching(/^pasted \[secret\].* and \[secret\].* and \[secret\]/),
      },
    ]);
  } finally {
    await adminEdit(emulator, `pictory/aws/${ids.described}`, {
      description: "as the program says",
    });
  }
});

// The harness's program, plus the connections the `reads` config names, read with `.get`: the
// engine marks them external and never changes them, so what they hold is never this stack's drift.
const PROGRAM_WITH_GET = `
const pulumi = require("@pulumi/pulumi");
const { pictory, apinizer } = require("pulumi-connections");
const cfg = new pulumi.Config();
const classes = { aws: pictory.AwsConnection, vimeo: pictory.VimeoConnection, apinizer: apinizer.Connection };
const out = {};
for (const spec of JSON.parse(cfg.require("resources"))) {
  const r = new classes[spec.kind](spec.name, spec.args);
  out[spec.name] = { id: r.id };
}
for (const spec of JSON.parse(cfg.get("reads") || "[]")) {
  const r = classes[spec.kind].get(spec.name, spec.id);
  out[spec.name] = { id: r.id, awsAccountId: r.awsAccountId };
}
module.exports = out;
`;

describe("a connection another stack of the backend manages, read here with .get", () => {
  let q: EngineProject;
  let owner: ExtraStack;
  let sharedId: string;
  const awsArgs = (name: string) => ({
    name,
    awsAccountId: "777788889999",
    awsRegion: "us-east-2",
  });

  beforeAll(async () => {
    q = await engineProject("drift-get");
    writeProgram(q, PROGRAM_WITH_GET);
    owner = await extraStack(q, "owner");
    await owner.stack.setConfig("resources", {
      value: JSON.stringify([{ kind: "aws", name: "shared", args: awsArgs("e2e-shared") }]),
    });
    await owner.stack.up({ onOutput: () => undefined });
    sharedId = String((await owner.stack.outputs()).shared!.value.id);
    await q.stack.setAllConfig({
      resources: {
        value: JSON.stringify([{ kind: "aws", name: "own", args: awsArgs("e2e-own") }]),
      },
      reads: { value: JSON.stringify([{ kind: "aws", name: "shared", id: sharedId }]) },
    });
    await q.stack.up({ onOutput: () => undefined });
  });
  afterAll(async () => {
    await q?.close();
  });

  test("drift after up exits 0 and lists the .get connection as read, not managed", async () => {
    const run = await runCli(q, ["drift", "--stack", "test", "--cwd", q.dir, "--json"]);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect({ code: run.code, report }).toMatchObject({
      code: 0,
      report: {
        clean: true,
        failed: false,
        checked: 1,
        drifted: [],
        read: [
          {
            resource: "shared",
            type: "pictory:AwsConnection",
            urn: "urn:pulumi:test::drift-get::pulumi-nodejs:dynamic/pictory:AwsConnection::shared",
            id: sharedId,
          },
        ],
      },
    });
  });

  test("import in this stack leaves out what the other stack manages, naming that stack", async () => {
    const json = await runCli(q, ["import", "--stack", "test", "--cwd", q.dir, "--json"]);
    expect({ code: json.code, stderr: json.stderr }).toEqual({
      code: 0,
      stderr: expect.stringContaining(
        `pictory:AwsConnection/${sharedId} "e2e-shared": managed by organization/drift-get/owner`,
      ),
    });
    const data = JSON.parse(json.stdout) as {
      connections: { args: Record<string, unknown> }[];
      managedElsewhere: { ref: string; managedBy: string[] }[];
    };
    expect(data.connections.map((c) => c.args.name)).toEqual(["e2e-own"]);
    expect(data.managedElsewhere).toMatchObject([
      { ref: `pictory:AwsConnection/${sharedId}`, managedBy: ["organization/drift-get/owner"] },
    ]);
    const text = await runCli(q, ["import", "--stack", "test", "--cwd", q.dir]);
    expect(text.stdout).toContain(
      `//   pictory:AwsConnection/${sharedId} "e2e-shared": managed by organization/drift-get/owner`,
    );
    expect(text.stdout).not.toContain(`adopt: "${sharedId}"`);

    const unmanaged = await runCli(q, ["drift", "--stack", "test", "--cwd", q.dir, "--unmanaged"]);
    expect(unmanaged.code).toBe(0);
    expect(unmanaged.stdout).toContain("Unmanaged: none");
    expect(unmanaged.stdout).toContain(
      `  pictory:AwsConnection/${sharedId} "e2e-shared": managed by organization/drift-get/owner`,
    );
  });

  test("fails the import, writing nothing, when a stack of the backend cannot be read", async () => {
    const stacks = path.join(q.stateDir, "backend", ".pulumi", "stacks", "elsewhere");
    mkdirSync(stacks, { recursive: true });
    writeFileSync(path.join(stacks, "broken.json"), "not a checkpoint");
    const out = path.join(q.dir, "adopted.ts");
    const run = await runCli(q, ["import", "--stack", "test", "--cwd", q.dir, "--out", out]);
    expect({ code: run.code, stdout: run.stdout, written: existsSync(out) }).toEqual({
      code: 1,
      stdout: "",
      written: false,
    });
    expect(run.stderr).toContain("which connections they manage is unknown");
  });
});
