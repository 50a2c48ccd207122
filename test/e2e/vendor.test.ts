import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import * as path from "node:path";
import {
  adminEdit,
  CliRun,
  CREDENTIALS,
  emulatorState,
  engineProject,
  EngineProject,
  PulumiResult,
  ResourceSpec,
  runCli,
} from "./harness";

// What the vendors' pages say, end to end through the real Pulumi CLI and the packed package (the
// provider-level counterpart is test/provider/vendor.test.ts):
// - Apinizer's database type page: "Password is masked in get operations" (the emulator answers
//   `password: null` on get). A masked password must never look like drift, and an update must
//   re-send the program's password.
// - Pictory's AWS get/update/delete pages: 403 "You do not have permission to access this
//   connection" for a connection of another account. That is never "gone": refresh and destroy
//   fail, the state keeps the connection, and the drift check exits 1.
// One project for the file; each step starts from the state the previous one left.
jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = path.join(ROOT, "dist", "cli", "main.js");

const DB_PASSWORD = "e2e-vendor-db-password-8c7d6e";
const SECRETS = [DB_PASSWORD, ...CREDENTIALS];
/** Pulumi's marker of a secret value in state (sdk `specialSigKey`) and of a secret's kind. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_KIND = "1b47061264138c4ac30d75fd1eb44270";
const AWS_TYPE = "pulumi-nodejs:dynamic/pictory:AwsConnection";
const APINIZER_TYPE = "pulumi-nodejs:dynamic/apinizer:Connection";

const DB: ResourceSpec = {
  kind: "apinizer",
  name: "warehouse",
  args: {
    projectName: "demo",
    name: "e2e-vendor-db",
    type: "database",
    dbType: "POSTGRES",
    jdbcUrl: "jdbc:postgresql://db.example.com:5432/app",
    username: "app",
    description: "as the program says",
  },
  secrets: { password: DB_PASSWORD },
};
const MEDIA: ResourceSpec = {
  kind: "aws",
  name: "media",
  args: {
    name: "e2e-vendor-media",
    awsAccountId: "123456789012",
    awsRegion: "us-east-2",
    description: "raw footage",
  },
};

let p: EngineProject;
let mediaId: string;
/** Every CLI run's output, printed at the end when E2E_TRANSCRIPT is set (for the record). */
const transcript: string[] = [];

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  p = await engineProject("vendor");
  await p.setResources([DB, MEDIA]);
  const up = await pulumi(["up", "--yes", "--skip-preview"]);
  expect(up.code).toBe(0);
  mediaId = String((await p.stack.outputs()).media!.value.id);
});

afterAll(async () => {
  if (process.env.E2E_TRANSCRIPT) console.log(transcript.join("\n\n"));
  await p?.close();
});

/** Runs the Pulumi CLI; records its output; no run may show a secret or a credential. */
async function pulumi(args: readonly string[]): Promise<PulumiResult> {
  const run = await p.runPulumi(args);
  transcript.push(`$ pulumi ${args.join(" ")}   (exit ${run.code})\n${run.output}`);
  for (const s of SECRETS) expect(run.output).not.toContain(s);
  return run;
}

/** `pulumi-connections drift` as a child process, as drift.test.ts runs it; records its output. */
async function runDrift(...format: string[]): Promise<CliRun> {
  const run = await runCli(p, ["drift", "--stack", "test", "--cwd", p.dir, ...format]);
  transcript.push(
    `$ pulumi-connections drift ${format.join(" ")}   (exit ${run.code})\n${run.stdout}${run.stderr}`,
  );
  for (const s of SECRETS) expect(run.stdout + run.stderr).not.toContain(s);
  return run;
}

async function setPictoryAccess(forbiddenIds: string[]): Promise<void> {
  const res = await fetch(`${p.emulator.url}/_emulator/pictory-access?tenant=pictai_emulator_key`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ forbiddenIds }),
  });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { forbiddenIds: string[] }).forbiddenIds).toEqual(forbiddenIds);
}

const sha256 = (s: string) => ({ sha256: createHash("sha256").update(s, "utf8").digest("hex") });

function stateOf(type: string) {
  return p.exportStack().resources.find((r) => r.type === type);
}

async function storedDb(): Promise<Record<string, unknown> | undefined> {
  return (await emulatorState(p.emulator)).apinizer.demo?.find((c) => c.name === "e2e-vendor-db");
}

/** `--diff` output names a resource by URN only when a step changes it (refresh or update). */
const WAREHOUSE_URN = `urn:pulumi:test::vendor::${APINIZER_TYPE}::warehouse`;

/** The fields a `--diff` listing marks as changed (`~ jdbcUrl: ...`) in the warehouse's steps. */
function changedFields(output: string): string[] {
  const out = new Set<string>();
  for (const part of output.split(`[urn=${WAREHOUSE_URN}]`).slice(1)) {
    // Up to the next step's header (`~ pulumi:pulumi:Stack: (update)`) or the summary.
    const block = part.split(/\n\s*(?:[-+~]*\s*[\w-]+:[\w/:.-]+: \(|--outputs:--|Resources:)/)[0]!;
    for (const m of block.matchAll(/^\s*[-+~]+\s*(\w+)\s*:/gm)) out.add(m[1]!);
  }
  return [...out];
}

test("keeps a masked database password from ever drifting, and re-sends it when up --refresh converges an out-of-band edit", async () => {
  // The API really masks it: otherwise the clean checks below would prove nothing.
  const raw = await fetch(`${p.emulator.url}/apiops/projects/demo/connections/e2e-vendor-db/`, {
    headers: { authorization: "Bearer apinizer_emulator_token" },
  });
  const body = (await raw.json()) as { resultList: Record<string, unknown>[] };
  expect(body.resultList[0]!.password).toBeNull();
  expect((await storedDb())!.password).toEqual(sha256(DB_PASSWORD));

  p.takeRequests();
  const check = await pulumi(["preview", "--refresh", "--expect-no-changes", "--diff"]);
  expect(check.code).toBe(0);
  // It did read the connection (the masked answer) and planned nothing for it.
  expect(p.takeRequests()).toContain("GET apinizer 200");
  expect(check.output).not.toContain(WAREHOUSE_URN);
  expect(check.output).toMatch(/Resources:\s+3 unchanged\s*$/);

  const refresh = await pulumi(["refresh", "--preview-only", "--diff"]);
  expect(refresh.code).toBe(0);
  expect(refresh.output).not.toContain(WAREHOUSE_URN);
  expect(refresh.output).not.toContain("password");
  expect(refresh.output).toMatch(/Resources:\s+3 unchanged\s*$/);

  // Another field edited in the dashboard: the same checks do see that drift.
  await adminEdit(p.emulator, "apinizer/demo/e2e-vendor-db", {
    jdbcUrl: "jdbc:postgresql://edited-in-the-dashboard:5432/app",
  });
  const drift = await pulumi(["refresh", "--preview-only", "--diff"]);
  expect(drift.code).toBe(0);
  expect(drift.output).toContain(WAREHOUSE_URN);
  expect(drift.output).toMatch(
    /~ jdbcUrl\s*: "[^"]*db\.example\.com[^"]*" => "[^"]*edited-in-the-dashboard/,
  );
  // The plan lists the changed fields only: the masked `null` the API answered is not a change.
  expect(changedFields(drift.output)).toEqual(["jdbcUrl"]);
  expect(drift.output).not.toMatch(/[-+~] password/);
  const dirty = await pulumi(["preview", "--refresh", "--expect-no-changes", "--diff"]);
  expect(dirty.code).not.toBe(0);
  expect(dirty.output).toContain(WAREHOUSE_URN);
  expect(dirty.output).toContain("no changes were expected");
  expect(dirty.output).toContain("edited-in-the-dashboard");
  expect(changedFields(dirty.output)).toEqual(["jdbcUrl"]);
  expect(dirty.output).not.toMatch(/[-+~] password/);

  p.takeRequests();
  const converge = await pulumi(["up", "--refresh", "--yes", "--skip-preview"]);
  expect(converge.code).toBe(0);
  expect(p.takeRequests()).toContain("PUT apinizer 200");
  const stored = await storedDb();
  expect(stored).toMatchObject({
    jdbcUrl: "jdbc:postgresql://db.example.com:5432/app",
    password: sha256(DB_PASSWORD),
  });

  // The state still holds the password, encrypted (and it is the program's).
  const db = stateOf(APINIZER_TYPE)!;
  for (const props of [db.outputs!, db.inputs!]) {
    expect(props.password).toEqual({ [SECRET_SIG]: SECRET_KIND, ciphertext: expect.any(String) });
  }
  const plain = (await p.stack.exportStack()).deployment.resources.find(
    (r: { type: string }) => r.type === APINIZER_TYPE,
  );
  expect(plain.outputs.password).toEqual({
    [SECRET_SIG]: SECRET_KIND,
    plaintext: JSON.stringify(DB_PASSWORD),
  });
  expect(p.stateBytes()).not.toContain(DB_PASSWORD);

  const clean = await pulumi(["preview", "--refresh", "--expect-no-changes"]);
  expect(clean.code).toBe(0);
});

test("fails refresh of a connection the key may not access (403), naming it and leaving the state as it was", async () => {
  await setPictoryAccess([mediaId]);
  const before = stateOf(AWS_TYPE)!;
  expect(before.outputs!.connectionId).toBe(mediaId);

  p.takeRequests();
  const refresh = await pulumi(["refresh", "--yes", "--skip-preview"]);
  expect(refresh.code).not.toBe(0);
  expect(p.takeRequests()).toContain("GET pictory-aws 403");
  expect(refresh.output).toContain(`connection ${mediaId}`);
  expect(refresh.output).toContain('pictory:AwsConnection "e2e-vendor-media"');
  expect(refresh.output).toContain("is not accessible with the configured");
  expect(refresh.output).toContain("another Pictory account");
  expect(refresh.output).not.toMatch(/media.*deleted/);

  // Not dropped as deleted: the same resource, with the same outputs and inputs.
  const after = stateOf(AWS_TYPE);
  expect(after).toBeDefined();
  expect(after!.outputs).toEqual(before.outputs);
  expect(after!.inputs).toEqual(before.inputs);
  expect((await emulatorState(p.emulator)).pictory.aws.map((c) => c.connectionId)).toEqual([
    mediaId,
  ]);
});

test("fails the drift check with exit 1 for a 403 connection, listing it as unreadable, never as clean", async () => {
  const json = await runDrift("--json");
  expect(json.code).toBe(1);
  const report = JSON.parse(json.stdout) as {
    clean: boolean;
    failed: boolean;
    error: string;
    deleted: unknown[];
    unreadable: { resource: string; id: string; error: string }[];
  };
  expect(report).toMatchObject({
    clean: false,
    failed: true,
    error: "1 connection could not be read",
    deleted: [],
  });
  expect(report.unreadable.map((u) => [u.resource, u.id])).toEqual([["media", mediaId]]);
  expect(report.unreadable[0]!.error).toContain("is not accessible with the configured API key");
  expect(report.unreadable[0]!.error).toContain("another Pictory account");

  const text = await runDrift();
  expect(text.code).toBe(1);
  expect(text.stdout).toContain(
    'Drift report for stack "test": the check failed: 1 connection could not be read',
  );
  expect(text.stdout).toContain('This is not a "no drift" result');
  expect(text.stdout).not.toContain(": no drift");
  // The check changed nothing.
  expect(stateOf(AWS_TYPE)).toBeDefined();
});

test("fails destroy of a 403 connection, keeping it in the state and in the API; destroy succeeds once access is back", async () => {
  const before = stateOf(AWS_TYPE)!;
  p.takeRequests();
  const destroy = await pulumi(["destroy", "--yes", "--skip-preview"]);
  expect(destroy.code).not.toBe(0);
  expect(p.takeRequests()).toContain("DELETE pictory-aws 403");
  expect(destroy.output).toContain(`connection ${mediaId}`);
  expect(destroy.output).toContain(
    'pictory:AwsConnection "e2e-vendor-media": could not delete the connection: the API answered 403',
  );
  expect(destroy.output).toContain("is not accessible with the configured");

  const after = stateOf(AWS_TYPE);
  expect(after).toBeDefined();
  expect(after!.outputs).toEqual(before.outputs);
  expect((await emulatorState(p.emulator)).pictory.aws.map((c) => c.connectionId)).toEqual([
    mediaId,
  ]);

  await setPictoryAccess([]);
  const retry = await pulumi(["destroy", "--yes", "--skip-preview"]);
  expect(retry.code).toBe(0);
  const state = await emulatorState(p.emulator);
  expect(state.pictory.aws).toEqual([]);
  expect(state.apinizer.demo ?? []).toEqual([]);
  expect(p.exportStack().resources ?? []).toEqual([]);
});
