import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { RunningEmulator, startEmulator } from "../../emulator";
import {
  adminEdit,
  CREDENTIALS,
  engineProject,
  EngineProject,
  leaks,
  PulumiResult,
  runCli,
  writeProgram,
} from "./harness";

// Lookups, `.get` and several accounts, with the real CLI: examples/lookups and
// examples/accounts run as users write them, against one emulator with two Pictory tenants and a
// second emulator as a second Apinizer server. The emulator decides alone who sees what.
jest.setTimeout(600_000);

const ROOT = path.resolve(__dirname, "..", "..");
const NI = "--non-interactive";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const EU_KEY = "pictai_eu_tenant_key_41";
const DC2_TOKEN = "dc2-server-token-73";
const SMTP_PASSWORD = "smtp-password-zq58";
const VIMEO_SECRET = "vimeo-secret-zq61";
const VIMEO_TOKEN = "vimeo-token-zq62";
const DEFAULT_KEY = CREDENTIALS[0]!;

/** An example's index.ts as plain JS for the locally built language host (as gitops.test.ts does). */
function example(name: string): string {
  const source = readFileSync(path.join(ROOT, "examples", name, "index.ts"), "utf8");
  return ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  }).outputText;
}

function ok(r: PulumiResult): string {
  if (r.code !== 0) throw new Error(`pulumi exited ${String(r.code)}:\n${r.output}`);
  return r.output;
}

/** A connection made in a console: one request as the vendor's page documents, no provider code. */
async function handMade(url: string, auth: string, body: object): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: "POST",
    headers: { authorization: auth, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

interface TenantState {
  pictory: { aws: Record<string, unknown>[]; vimeo: Record<string, unknown>[] };
  apinizer: Record<string, Record<string, unknown>[]>;
}

async function tenant(emulator: RunningEmulator, credential: string): Promise<TenantState> {
  const res = await fetch(`${emulator.url}/_emulator/state?tenant=${credential}`);
  return ((await res.json()) as { tenants: TenantState[] }).tenants[0]!;
}

/** The stack's outputs as `pulumi stack output --json` prints them (secrets as "[secret]"). */
async function outputs(p: EngineProject): Promise<Record<string, unknown>> {
  return JSON.parse(ok(await p.runPulumi(["stack", "output", "--json", NI]))) as Record<
    string,
    unknown
  >;
}

describe("lookups and .get", () => {
  let p: EngineProject;
  let awsId: string;
  let vimeoId: string;

  beforeAll(async () => {
    p = await engineProject("lookups", { extraTenants: [{ pictoryApiKey: EU_KEY }] });
    const pictory = `${p.emulator.url}/pictoryapis/v1`;
    const aws = await handMade(`${pictory}/awsconnections`, EU_KEY, {
      name: "console-media",
      awsAccountId: "123456789012",
      awsRegion: "eu-west-1",
      enabled: true,
    });
    const vimeo = await handMade(`${pictory}/vimeo-connections`, DEFAULT_KEY, {
      name: "console-vimeo",
      clientIdentifier: "console-app",
      clientSecret: VIMEO_SECRET,
      accessToken: VIMEO_TOKEN,
      enabled: true,
    });
    awsId = String(aws.connectionId);
    vimeoId = String(vimeo.connectionId);
    await handMade(
      `${p.emulator.url}/apiops/projects/demo/connections/console-mail/`,
      `Bearer ${CREDENTIALS[1]!}`,
      {
        name: "console-mail",
        type: "email",
        host: "smtp.console.example.com",
        port: 587,
        auth: true,
        username: "ops",
        password: SMTP_PASSWORD,
        defaultEncoding: "UTF-8",
        enableStartTls: true,
        additionalProperties: [],
      },
    );
    writeProgram(p, example("lookups"));
    ok(
      await p.runPulumi([
        "config",
        "set",
        "--path",
        "--secret",
        "pictory:accounts.eu.apiKey",
        EU_KEY,
      ]),
    );
    await p.stack.setAllConfig({
      awsConnectionId: { value: awsId },
      vimeoConnectionId: { value: vimeoId },
      mailName: { value: "console-mail" },
    });
  });
  afterAll(async () => {
    await p?.close();
  });

  it("preview reads them, and up exports the emulator's values, secrets secret", async () => {
    p.takeRequests();
    const preview = ok(await p.runPulumi(["preview", NI]));
    // One GET per lookup and per `.get`, during preview already.
    const gets = p.takeRequests().filter((r) => r.startsWith("GET "));
    expect(gets.length).toBeGreaterThanOrEqual(5);
    expect(preview).not.toContain("error");

    ok(await p.runPulumi(["up", "--yes", "--skip-preview", NI]));
    const out = await outputs(p);
    expect(out).toEqual({
      aws: { name: "console-media", awsRegion: "eu-west-1", version: 1 },
      vimeoClientIdentifier: "console-app",
      mailHost: "[secret]",
      mailPassword: "[secret]",
      mediaName: "console-media",
      mediaVersion: 1,
      alertsType: "email",
    });
    const shown = JSON.parse(
      ok(await p.runPulumi(["stack", "output", "--json", "--show-secrets", NI])),
    ) as Record<string, unknown>;
    expect(shown.mailPassword).toBe(SMTP_PASSWORD);
    expect(shown.mailHost).toBe("smtp.console.example.com");

    // The `.get` resources: read, never created; the email password secret in their outputs.
    const state = p.exportStack();
    const alerts = state.resources.find((r) => r.outputs?.name === "console-mail")!;
    expect(alerts.outputs).toMatchObject({ type: "email", host: "smtp.console.example.com" });
    expect((alerts.outputs!.password as Record<string, unknown>)[SECRET_SIG]).toBeDefined();
    expect(leaks({ state: p.stateBytes() }, [SMTP_PASSWORD, EU_KEY, ...CREDENTIALS])).toEqual([]);
    const posts = p.takeRequests().filter((r) => !r.startsWith("GET "));
    expect(posts).toEqual([]);

    // Read-only: destroy deletes nothing in the API.
    ok(await p.runPulumi(["destroy", "--yes", "--skip-preview", NI]));
    expect(p.takeRequests().filter((r) => r.startsWith("DELETE"))).toEqual([]);
    expect((await tenant(p.emulator, EU_KEY)).pictory.aws).toHaveLength(1);
  });

  it("a missing ID fails each lookup and .get with its own message, naming the ID and the account", async () => {
    const missing = "20250101000000000aaaaaaaaaaaaaaaa";
    const programs: Record<string, string> = {
      promise: `pictory.getAwsConnection({ connectionId: "${missing}", account: "eu" })`,
      output: `pictory.getVimeoConnectionOutput({ connectionId: "${missing}" })`,
      apinizer: `apinizer.getConnectionOutput({ projectName: "demo", name: "nope" })`,
      get: `pictory.AwsConnection.get("gone", "${missing}", { account: "eu" })`,
    };
    const expected: Record<string, string> = {
      promise: `pictory.getAwsConnection "${missing}" in account "eu": no Pictory AWS connection with ID "${missing}" exists for account "eu"`,
      output: `pictory.getVimeoConnection "${missing}": no Pictory Vimeo connection with ID "${missing}" exists for the default credentials`,
      // From `getConnection`: the emulator's token starts with "apinizer", so the label's first
      // word is masked as a cut-off start of that credential.
      apinizer: `getConnection "demo/nope": no Apinizer connection with ID "demo/nope" exists for the default credentials`,
      get: `pictory:AwsConnection "${missing}" in account "eu": no Pictory AWS connection with ID "${missing}" exists for account "eu"`,
    };
    for (const [which, call] of Object.entries(programs)) {
      writeProgram(
        p,
        `const { apinizer, pictory } = require("pulumi-connections");\nconst x = ${call};\n` +
          `module.exports = { x: x.then ? x.then((c) => c.name) : x.name };\n`,
      );
      const r = await p.runPulumi(["preview", NI]);
      if (r.code === 0 || !r.output.includes(expected[which]!))
        throw new Error(
          `${which}: expected a failure saying\n${expected[which]!}\ngot:\n${r.output}`,
        );
    }
  });
});

describe("several accounts in one stack", () => {
  let p: EngineProject;
  let dc2: RunningEmulator;

  beforeAll(async () => {
    p = await engineProject("accounts", { extraTenants: [{ pictoryApiKey: EU_KEY }] });
    // A second Apinizer server, with its own token: the default one is unknown there.
    dc2 = await startEmulator({ apinizerToken: DC2_TOKEN, pictoryApiKey: "pictai_unused_on_dc2" });
    // Each tenant answers 403 for the other's IDs, so a request with the wrong key fails loudly.
    for (const key of [DEFAULT_KEY, EU_KEY]) {
      await fetch(`${p.emulator.url}/_emulator/pictory-access?tenant=${key}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ othersForbidden: true }),
      });
    }
    writeProgram(p, example("accounts"));
    // As docs/guides/several-accounts.md says, with the CLI.
    for (const args of [
      ["--path", "--secret", "pictory:accounts.eu.apiKey", EU_KEY],
      ["--path", "--secret", "apinizer:accounts.dc2.token", DC2_TOKEN],
      ["--path", "apinizer:accounts.dc2.baseUrl", `${dc2.url}/apiops`],
      ["--secret", "vimeoSecret", VIMEO_SECRET],
      ["--secret", "vimeoToken", VIMEO_TOKEN],
      ["--secret", "smtpPassword", SMTP_PASSWORD],
    ])
      ok(await p.runPulumi(["config", "set", ...args]));
  });
  afterAll(async () => {
    await p?.close();
    await dc2?.stop();
  });

  it("up, refresh, drift, a move between accounts and destroy each act on the right account", async () => {
    ok(await p.runPulumi(["up", "--yes", "--skip-preview", NI]));
    const def = await tenant(p.emulator, DEFAULT_KEY);
    const eu = await tenant(p.emulator, EU_KEY);
    const server2 = await tenant(dc2, DC2_TOKEN);
    expect(def.pictory.aws.map((c) => c.name)).toEqual([expect.stringMatching(/^media-/)]);
    expect(def.pictory.vimeo).toEqual([]);
    expect(eu.pictory.vimeo.map((c) => c.clientIdentifier)).toEqual(["eu-vimeo-app"]);
    expect(eu.pictory.aws).toEqual([]);
    expect((def.apinizer.demo ?? []).map((c) => c.host)).toEqual(["smtp.example.com"]);
    expect((server2.apinizer.demo ?? []).map((c) => c.host)).toEqual(["smtp.dc2.example.com"]);
    expect(dc2.requests().map((r) => `${r.method} ${r.status}`)).toContain("POST 200");

    // Refresh reads each with its own account: a GET with the wrong key would be 403 and fail.
    p.takeRequests();
    dc2.clearRequests();
    const refreshed = ok(await p.runPulumi(["refresh", "--yes", "--skip-preview", NI]));
    expect(refreshed).not.toContain("error");
    expect(p.takeRequests().filter((r) => r.startsWith("GET"))).toHaveLength(3);
    expect(dc2.requests().map((r) => `${r.method} ${r.status}`)).toEqual(["GET 200"]);
    ok(await p.runPulumi(["preview", "--expect-no-changes", NI]));

    // The drift report reads each connection with its own account too: an edit in the EU tenant
    // and one on the second server are reported, and nothing else.
    const euVimeo = eu.pictory.vimeo[0]!;
    const dc2Mail = server2.apinizer.demo![0]!;
    await adminEdit(p.emulator, `pictory/vimeo/${String(euVimeo.connectionId)}?tenant=${EU_KEY}`, {
      description: "edited in the EU console",
    });
    await adminEdit(dc2, `apinizer/demo/${String(dc2Mail.name)}?tenant=${DC2_TOKEN}`, {
      description: "edited on dc2",
    });
    const drift = await runCli(p, ["drift", "--json", "--stack", "test", "--cwd", p.dir]);
    expect(drift.code).not.toBe(0);
    const report = JSON.parse(drift.stdout) as {
      drifted: { resource: string }[];
      unreadable: unknown[];
      deleted: unknown[];
    };
    expect(report.drifted.map((d) => d.resource).sort()).toEqual(["dc2-alerts", "eu-vimeo"]);
    expect([report.unreadable, report.deleted]).toEqual([[], []]);
    expect(leaks({ drift: drift.stdout + drift.stderr }, [EU_KEY, DC2_TOKEN])).toEqual([]);
    ok(await p.runPulumi(["up", "--refresh", "--yes", "--skip-preview", NI]));
    expect((await tenant(dc2, DC2_TOKEN)).apinizer.demo![0]!.description ?? "").toBe("");

    // No credential of any account in the state, its history or backups.
    const credentials = [
      EU_KEY,
      DC2_TOKEN,
      ...CREDENTIALS,
      SMTP_PASSWORD,
      VIMEO_SECRET,
      VIMEO_TOKEN,
    ];
    expect(leaks({ state: p.stateBytes() }, credentials)).toEqual([]);
    const media = p.exportStack().resources.find((r) => r.type.endsWith("pictory:AwsConnection"))!;
    expect(media.inputs?.account).toBeUndefined();
    const vimeo = p.exportStack().resources.find((r) => r.type.endsWith("VimeoConnection"))!;
    expect(vimeo.inputs?.account).toBe("eu");

    // Moving the connection to the other account replaces it, and the plan says so.
    const oldId = def.pictory.aws[0]!.connectionId;
    await p.stack.setConfig("mediaAccount", { value: "eu" });
    const plan = ok(await p.runPulumi(["preview", "--diff", NI]));
    expect(plan).toMatch(/\+-\s*pictory:AwsConnection|replace/);
    expect(plan).toContain("account");
    ok(await p.runPulumi(["up", "--yes", "--skip-preview", NI]));
    const after = await tenant(p.emulator, EU_KEY);
    expect(after.pictory.aws.map((c) => c.name)).toEqual([def.pictory.aws[0]!.name]);
    expect(after.pictory.aws[0]!.connectionId).not.toBe(oldId);
    expect((await tenant(p.emulator, DEFAULT_KEY)).pictory.aws).toEqual([]);

    dc2.clearRequests();
    ok(await p.runPulumi(["destroy", "--yes", "--skip-preview", NI]));
    for (const key of [DEFAULT_KEY, EU_KEY]) {
      const t = await tenant(p.emulator, key);
      expect([...t.pictory.aws, ...t.pictory.vimeo, ...(t.apinizer.demo ?? [])]).toEqual([]);
    }
    expect((await tenant(dc2, DC2_TOKEN)).apinizer.demo ?? []).toEqual([]);
    expect(dc2.requests().map((r) => `${r.method} ${r.status}`)).toEqual(["DELETE 200"]);
    expect(leaks({ state: p.stateBytes() }, credentials)).toEqual([]);
  });
});
