import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ensurePulumi, localEnv } from "../../scripts/workspace";
import { CREDENTIALS, engineProject, EngineProject, leaks, runCli } from "./harness";

// `pulumi-connections import` as a child process against connections made by hand in the
// emulator (more than one Pictory page), then the generated program compiled and run by the real
// engine: it adopts everything, creates nothing, sends only the PUTs write-only secrets need, and
// leaves a clean drift report. Then `drift --unmanaged` against connections made after the import.
jest.setTimeout(600_000);

const ROOT = path.resolve(__dirname, "..", "..");
const TSC = path.join(ROOT, "node_modules", ".bin", "tsc");
const PAGE = 4;

/** Every secret the test hands the API, by connection name and field. */
const SECRETS = new Map<string, string>();
const secret = (name: string, field: string) => {
  const value = `e2e-import-${name}-${field}-9f8e7d`.replace(/[^A-Za-z0-9-]/g, "-");
  SECRETS.set(`${name}/${field}`, value);
  return value;
};

let p: EngineProject;
let pictory: string;
let apinizer: string;

async function api(url: string, method: string, body: object, auth: string): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json", authorization: auth },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as Record<string, unknown>;
  if (!res.ok || answer.success === false)
    throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}
const aws = (name: string, extra: object = {}) =>
  api(
    `${pictory}/v1/awsconnections`,
    "POST",
    { name, awsAccountId: "123456789012", awsRegion: "us-east-2", enabled: true, ...extra },
    "pictai_emulator_key",
  );
const vimeo = (name: string, extra: object = {}) =>
  api(
    `${pictory}/v1/vimeo-connections`,
    "POST",
    {
      name,
      clientIdentifier: `app-${name}`,
      clientSecret: secret(name, "clientSecret"),
      accessToken: secret(name, "accessToken"),
      ...extra,
    },
    "pictai_emulator_key",
  );
const apinizerConnection = (project: string, name: string, body: object) =>
  api(
    `${apinizer}/projects/${project}/connections/${name}/`,
    "POST",
    { name, ...body },
    "Bearer apinizer_emulator_token",
  );

const cli = (...args: string[]) => runCli(p, args);

/** The Pulumi CLI in the project, `input` on its stdin, as a user pipes a secret in. */
function pulumiWithStdin(
  args: readonly string[],
  input: string,
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      path.join(ensurePulumi(), "pulumi"),
      [...args],
      { cwd: p.dir, env: { ...process.env, ...localEnv(p.stateDir) } },
      (e, stdout, stderr) => resolve({ code: e ? 1 : 0, out: stdout + stderr }),
    );
    child.stdin!.end(input);
  });
}

const IMPORT = () => [
  "import",
  "--stack",
  "test",
  "--cwd",
  p.dir,
  "--apinizer-project",
  "demo",
  "--apinizer-project",
  "payments",
];

/** Every CLI output of the test, scanned for secrets at the end. */
const outputs: Record<string, string> = {};

interface ImportJson {
  connections: {
    type: string;
    resource: string;
    id: string;
    adopt: string;
    args: Record<string, unknown>;
    secrets: { field: string; key: string; reason: string; json: boolean }[];
  }[];
  configCommands: string[];
}

beforeAll(async () => {
  p = await engineProject("import", {
    projects: ["demo", "payments"],
    pictoryPageSize: PAGE,
    // The AWS list documents no nextPageKey: it answers everything at once, Vimeo pages.
    pictoryListsWithoutPageKey: ["aws"],
  });
  pictory = `${p.emulator.url}/pictoryapis`;
  apinizer = `${p.emulator.url}/apiops`;
  // 12 AWS connections, two of whose names slug alike ("Prod S3", "prod-s3").
  await aws("Prod S3", { description: "raw footage" });
  await aws("prod-s3", { enabled: false });
  for (let i = 0; i < 10; i++) await aws(`media-${i}`, i % 3 === 0 ? { description: `d${i}` } : {});
  // 10 Vimeo connections: more than two pages of PAGE.
  for (let i = 0; i < 10; i++) await vimeo(`Marketing ${i}`, i === 4 ? { enabled: false } : {});
  // 11 Apinizer connections of five types in two projects, with readable and masked secrets.
  for (let i = 0; i < 3; i++)
    await apinizerConnection("demo", `alerts-${i}`, {
      type: "email",
      host: "smtp.example.com",
      port: 465,
      auth: true,
      username: `bot${i}`,
      password: secret(`alerts-${i}`, "password"),
    });
  await apinizerConnection("demo", "plain-mail", { type: "email", host: "smtp.example.com" });
  await apinizerConnection("demo", "hook", {
    type: "webhook",
    fullUrl: "https://hooks.example.com/in",
    httpMethod: "POST",
    headerList: [{ name: "x-api-key", value: secret("hook", "headerList") }],
  });
  await apinizerConnection("demo", "bare-hook", {
    type: "webhook",
    fullUrl: "https://hooks.example.com/bare",
  });
  await apinizerConnection("payments", "orders-db", {
    type: "database",
    dbType: "POSTGRES",
    jdbcUrl: "jdbc:postgresql://db.example.com:5432/orders",
    username: "app",
    password: secret("orders-db", "password"),
    maxPoolSize: 10,
  });
  await apinizerConnection("payments", "ledger-db", {
    type: "database",
    dbType: "MYSQL",
    jdbcUrl: "jdbc:mysql://db.example.com:3306/ledger",
    useCredentials: false,
  });
  await apinizerConnection("payments", "audit", {
    type: "syslog",
    syslogServerHostname: "logs.example.com",
    syslogPort: 6514,
  });
  await apinizerConnection("payments", "alerts-0", {
    type: "email",
    host: "smtp.payments.example.com",
  });
  await apinizerConnection("payments", "Ops-Hook", {
    type: "webhook",
    fullUrl: "https://ops.example.com/hook",
  });
});
afterAll(async () => {
  await p?.close();
});

const TOTAL = 12 + 10 + 11;

describe("pulumi-connections import", () => {
  let program: string;
  let data: ImportJson;
  let printedCommands: string[] = [];

  it("lists every connection, every page, and writes a program that adopts each one", async () => {
    expect(TOTAL).toBeGreaterThanOrEqual(30);
    const out = path.join(p.dir, "index.ts");
    const run = await cli(...IMPORT(), "--out", out);
    outputs["import"] = run.stdout + run.stderr;
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 0,
      stderr: expect.stringContaining(`${TOTAL} connections written to ${out}`),
    });
    program = readFileSync(out, "utf8");
    const json = await cli(...IMPORT(), "--json");
    outputs["import --json"] = json.stdout + json.stderr;
    expect(json.code).toBe(0);
    data = JSON.parse(json.stdout) as ImportJson;
    expect(data.connections).toHaveLength(TOTAL);
    // Vimeo paged: 10 connections at PAGE per page is three list requests.
    const lists = p.emulator
      .requests()
      .filter((r) => r.method === "GET" && r.family === "pictory-vimeo");
    expect(lists.length).toBeGreaterThanOrEqual(Math.ceil(10 / PAGE) * 2);
    // Names: valid, unique per kind; the two "prod s3" kept apart.
    const names = data.connections.map((c) => `${c.type} ${c.resource}`);
    expect(new Set(names).size).toBe(TOTAL);
    for (const c of data.connections) expect(c.resource).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    const prod = data.connections.filter((c) => c.resource.startsWith("prod-s3"));
    expect(prod.map((c) => [c.resource.length > "prod-s3".length, c.args.name]).sort()).toEqual([
      [false, "prod-s3"],
      [true, "Prod S3"],
    ]);
    // adopt: the Pictory ID, the Apinizer name.
    for (const c of data.connections)
      expect(c.adopt).toBe(c.type === "apinizer:Connection" ? c.args.name : c.id);
    // Every Vimeo secret is write-only config; the masked database password too; readable secrets
    // only where the connection has one.
    const secrets = data.connections.flatMap((c) =>
      c.secrets.map((s) => `${String(c.args.name)} ${s.field} ${s.reason}`),
    );
    expect(secrets.sort()).toEqual(
      [
        ...Array.from({ length: 10 }, (_, i) => [
          `Marketing ${i} accessToken write-only`,
          `Marketing ${i} clientSecret write-only`,
        ]).flat(),
        "alerts-0 password secret",
        "alerts-1 password secret",
        "alerts-2 password secret",
        "hook headerList secret",
        "orders-db password masked on read",
      ].sort(),
    );
    printedCommands = run.stderr
      .split("\n")
      .filter((l) => l.startsWith("  pulumi config set "))
      .map((l) => l.trim());
    expect(printedCommands).toEqual(data.configCommands);
  });

  it("compiles, and its up creates nothing and sends only the PUTs write-only secrets need", async () => {
    writeFileSync(
      path.join(p.dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: "ES2022",
          module: "commonjs",
          esModuleInterop: true,
          skipLibCheck: true,
          types: ["node"],
        },
        files: ["index.ts"],
      }),
    );
    const tsc = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(TSC, ["-p", p.dir], { cwd: p.dir }, (e, stdout, stderr) =>
        resolve({ code: e ? 1 : 0, out: stdout + stderr }),
      ),
    );
    expect(tsc).toEqual({ code: 0, out: "" });

    // The secrets, set by running the printed commands as they are, each value on stdin.
    const values = new Map<string, string>();
    for (const c of data.connections) {
      for (const s of c.secrets) {
        const value = SECRETS.get(`${String(c.args.name)}/${s.field}`)!;
        values.set(s.key, s.json ? JSON.stringify([{ name: "x-api-key", value }]) : value);
      }
    }
    const printed = printedCommands.map((line) => line.split(" "));
    expect(printed.map((words) => words[4]).sort()).toEqual([...values.keys()].sort());
    for (const words of printed) {
      expect(words.slice(0, 4)).toEqual(["pulumi", "config", "set", "--secret"]);
      const set = await pulumiWithStdin(words.slice(1), values.get(words[4]!)!);
      expect(set).toEqual({ code: 0, out: "" });
    }

    p.takeRequests();
    const up = await p.runPulumi(["up", "--yes", "--skip-preview", "--non-interactive"]);
    outputs["up"] = up.output;
    expect({ code: up.code, out: up.output }).toEqual({
      code: 0,
      // One more: the stack itself.
      out: expect.stringContaining(`${TOTAL + 1} created`),
    });
    const requests = p.takeRequests();
    expect(requests.filter((r) => r.startsWith("POST"))).toEqual([]);
    // Vimeo's secrets are never returned, so adopting sends them once; nothing else is written.
    expect(requests.filter((r) => r.startsWith("PUT")).sort()).toEqual(
      Array.from({ length: 10 }, () => "PUT pictory-vimeo 200"),
    );
    expect(requests.filter((r) => r.startsWith("DELETE"))).toEqual([]);
  });

  it("leaves a clean drift report and a clean refresh preview", async () => {
    const drift = await cli("drift", "--stack", "test", "--cwd", p.dir, "--json");
    outputs["drift"] = drift.stdout + drift.stderr;
    expect({ code: drift.code, clean: JSON.parse(drift.stdout).clean }).toEqual({
      code: 0,
      clean: true,
    });
    const preview = await p.runPulumi([
      "preview",
      "--refresh",
      "--expect-no-changes",
      "--non-interactive",
    ]);
    outputs["preview"] = preview.output;
    expect({ code: preview.code, out: preview.output }).toEqual({
      code: 0,
      out: expect.not.stringMatching(/[~+-] \d+ to (update|create|delete)/),
    });
  });

  it("writes byte-identical output on a second run", async () => {
    const again = await cli(...IMPORT());
    outputs["import again"] = again.stdout + again.stderr;
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(program);
    const json = await cli(...IMPORT(), "--json");
    expect(json.stdout).toBe(JSON.stringify(data, null, 2) + "\n");
  });

  it("drift --unmanaged lists exactly the connections the stack does not manage", async () => {
    const before = await cli("drift", "--stack", "test", "--cwd", p.dir, "--unmanaged", "--json");
    outputs["unmanaged none"] = before.stdout + before.stderr;
    expect(before.code).toBe(0);
    expect(JSON.parse(before.stdout).unmanaged.connections).toEqual([]);

    const made = (await aws("made-later")) as { connectionId: string };
    const vid = (await vimeo("Made Later")) as { connectionId: string };
    await apinizerConnection("payments", "made-later", { type: "email", host: "h.example.com" });
    const expected = [
      `apinizer:Connection/payments/made-later`,
      `pictory:AwsConnection/${made.connectionId}`,
      `pictory:VimeoConnection/${vid.connectionId}`,
    ].sort();

    const run = await cli("drift", "--stack", "test", "--cwd", p.dir, "--unmanaged", "--json");
    outputs["unmanaged json"] = run.stdout + run.stderr;
    const report = JSON.parse(run.stdout) as {
      clean: boolean;
      unmanaged: { connections: { ref: string; importCommand: string }[]; commands: string[] };
    };
    // Unmanaged connections are not drift of the stack.
    expect({ code: run.code, clean: report.clean }).toEqual({ code: 0, clean: true });
    expect(report.unmanaged.connections.map((c) => c.ref)).toEqual(expected);
    expect(report.unmanaged.commands).toHaveLength(1);

    const text = await cli("drift", "--stack", "test", "--cwd", p.dir, "--unmanaged");
    outputs["unmanaged text"] = text.stdout + text.stderr;
    expect(text.stdout).toContain(
      "Unmanaged: 3 connections in the APIs are not managed by this stack",
    );
    const markdown = await cli(
      "drift",
      "--stack",
      "test",
      "--cwd",
      p.dir,
      "--unmanaged",
      "--markdown",
    );
    outputs["unmanaged markdown"] = markdown.stdout + markdown.stderr;
    expect(markdown.stdout).toContain("| type | name | ID | import |");

    // The printed command writes the program of exactly those three, named as a full import would.
    const words = report.unmanaged.commands[0]!.split(" ");
    expect(words.slice(0, 2)).toEqual(["pulumi-connections", "import"]);
    const only = await cli(...words.slice(1, -2), "--json");
    outputs["import --only"] = only.stdout + only.stderr;
    expect(only.code).toBe(0);
    const imported = (JSON.parse(only.stdout) as ImportJson).connections;
    expect(imported.map((c) => `${c.type}/${c.id}`).sort()).toEqual(expected);
    const full = JSON.parse((await cli(...IMPORT(), "--json")).stdout) as ImportJson;
    for (const c of imported)
      expect(full.connections.find((f) => f.id === c.id && f.type === c.type)?.resource).toBe(
        c.resource,
      );
  });

  it("puts no secret value in the program, the CLI's output or the state", () => {
    const found = leaks({ program, ...outputs, state: p.stateBytes() }, [
      ...SECRETS.values(),
      ...CREDENTIALS,
    ]);
    expect(found).toEqual([]);
  });
});
