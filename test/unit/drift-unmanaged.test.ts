import fc from "fast-check";
import {
  importAllCommand,
  notManagedHere,
  scopeFindings,
  scopesFor,
  unmanagedOf,
} from "../../cli/drift/unmanaged";
import { stackMasker } from "../../cli/shared/redaction";
import { normalize, SECRET_RUN } from "../../provider/core/secrets";
import { isStackNamed } from "../../cli/shared/listing";
import { renderJson, renderMarkdown, renderText } from "../../cli/drift/render";
import { buildReport, DriftReport } from "../../cli/drift/report";
import { withUnmanaged } from "../../cli/drift/command";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { importCommandMain, parseImportArgs, writeOut } from "../../cli/import/command";
import { importResult, renderImportJson, renderProgram } from "../../cli/import/program";
import {
  ListedConnection,
  ManagedConnection,
  managedConnections,
  StackConnections,
} from "../../cli/shared/connections";
import { KINDS } from "../../provider/registry";

const AWS = KINDS.get("pictory:AwsConnection")!;
const APINIZER = KINDS.get("apinizer:Connection")!;
const ID1 = "20251217080657842fux3au9kh1p0j5s";
const ID2 = "20251222155613307xv0nodhitf9cd0f";

const listedAws = (id: string, name: string): ListedConnection => ({
  kind: AWS,
  remote: { id, fields: { name }, computed: {} },
});
const listedApinizer = (project: string, name: string): ListedConnection => ({
  kind: APINIZER,
  remote: { id: `${project}/${name}`, fields: { projectName: project, name }, computed: {} },
});

const deployment = {
  resources: [
    { type: "pulumi:pulumi:Stack", id: "s" },
    {
      type: "pulumi-nodejs:dynamic/pictory:AwsConnection",
      id: ID1,
      inputs: { name: "media" },
      outputs: { name: "media" },
    },
    {
      type: "pulumi-nodejs:dynamic/apinizer:Connection",
      // Created as "old-name", renamed since: the ID stays, the name moves.
      id: "demo/old-name",
      inputs: { projectName: "demo", name: "Alerts" },
      outputs: { projectName: "demo", name: "Alerts" },
    },
  ],
};

const report: DriftReport = {
  stack: "dev",
  clean: true,
  failed: false,
  checked: 1,
  drifted: [],
  deleted: [],
  unreadable: [],
  read: [],
  remediation: "pulumi up --refresh --stack dev",
  notCompared: {},
};

describe("drift --unmanaged", () => {
  it("reads the managed connections from a stack export", () => {
    expect(managedConnections(deployment)).toEqual([
      { type: "pictory:AwsConnection", id: ID1, name: "media" },
      { type: "apinizer:Connection", id: "demo/old-name", name: "Alerts", projectName: "demo" },
    ]);
  });

  it("lists per account the families and projects the stack uses, and the extra projects", () => {
    const managed = [
      ...managedConnections(deployment),
      { type: "pictory:VimeoConnection", id: ID2, account: "eu" },
    ];
    expect(scopesFor(managed, ["payments"])).toEqual([
      { families: ["pictory", "apinizer"], apinizerProjects: ["demo", "payments"] },
      { families: ["pictory"], apinizerProjects: [], account: "eu" },
    ]);
    expect(scopesFor([], [])).toEqual([{ families: ["pictory"], apinizerProjects: [] }]);
  });

  it("leaves out what the stack manages: Pictory by ID, Apinizer by project and name, any case", () => {
    const managed = managedConnections(deployment);
    const scope = { families: ["pictory", "apinizer"] as const, apinizerProjects: ["demo"] };
    const listed = [
      listedAws(ID1, "media"),
      listedAws(ID2, "media"),
      listedApinizer("demo", "alerts"),
      listedApinizer("demo", "old-name"),
      listedApinizer("payments", "alerts"),
    ];
    const found = unmanagedOf(listed, managed, scope, { stack: "dev" });
    expect(found.map((u) => u.ref)).toEqual([
      "apinizer:Connection/demo/old-name",
      "apinizer:Connection/payments/alerts",
      `pictory:AwsConnection/${ID2}`,
    ]);
    expect(found[2]!.importCommand).toBe(
      `pulumi-connections import --stack dev --only pictory:AwsConnection/${ID2}`,
    );
    expect(found[1]!.importCommand).toBe(
      "pulumi-connections import --stack dev --apinizer-project payments --family apinizer " +
        "--only apinizer:Connection/payments/alerts",
    );
    expect(importAllCommand(listed, found, scope, { stack: "dev", cwd: "infra" })).toBe(
      "pulumi-connections import --stack dev --cwd infra --apinizer-project demo " +
        "--apinizer-project payments --only apinizer:Connection/demo/old-name " +
        `--only apinizer:Connection/payments/alerts --only pictory:AwsConnection/${ID2} --out unmanaged.ts`,
    );
    // The printed command parses as the import command's own arguments.
    const words = found[1]!.importCommand.split(" ").slice(2);
    expect(parseImportArgs(words, process.cwd())).toMatchObject({
      stack: "dev",
      scope: { families: ["apinizer"], apinizerProjects: ["payments"] },
      only: ["apinizer:Connection/payments/alerts"],
    });
  });

  it("tells an account's connections apart from the default account's", () => {
    const managed = [{ type: "pictory:AwsConnection", id: ID1, account: "eu" }];
    const scope = { families: ["pictory"] as const, apinizerProjects: [] };
    expect(unmanagedOf([listedAws(ID1, "m")], managed, scope, { stack: "dev" })).toHaveLength(1);
    expect(
      unmanagedOf([listedAws(ID1, "m")], managed, { ...scope, account: "eu" }, { stack: "dev" }),
    ).toEqual([]);
  });

  it("shows the unmanaged connections and their command in text and Markdown", () => {
    const connections = unmanagedOf(
      [listedAws(ID2, "Other | one")],
      [],
      { families: ["pictory"], apinizerProjects: [] },
      { stack: "dev" },
    );
    const full = withUnmanaged(report, {
      scopes: [],
      connections,
      commands: ["pulumi-connections import --stack dev --only x --out unmanaged.ts"],
      managedElsewhere: [],
    });
    expect(full.clean).toBe(true);
    const text = renderText(full);
    expect(text).toContain("Unmanaged: 1 connection in the APIs is not managed by this stack");
    expect(text).toContain(`pictory:AwsConnection  Other | one  ${ID2}`);
    expect(text).toContain("  pulumi-connections import --stack dev --only x --out unmanaged.ts");
    const md = renderMarkdown(full);
    expect(md).toContain("Other \\| one");
    expect(md).toContain(
      "```sh\npulumi-connections import --stack dev --only x --out unmanaged.ts\n```",
    );
    expect(
      renderText(
        withUnmanaged(report, { scopes: [], connections: [], commands: [], managedElsewhere: [] }),
      ),
    ).toContain("Unmanaged: none");
  });

  it("fails the check when the connections could not be listed, never reading as none", () => {
    const failed = withUnmanaged(report, {
      scopes: [],
      connections: [],
      commands: [],
      managedElsewhere: [],
      error: "Pictory API key is missing",
    });
    expect(failed).toMatchObject({ clean: false, failed: true });
    expect(failed.error).toContain("the unmanaged connections could not be listed");
    expect(renderText(failed)).not.toContain("Unmanaged: none");
  });
});

describe("the stack's secrets in the unmanaged section", () => {
  // IDs of digits, names in Greek: the API's values share few characters with the commands' words.
  const listed = [listedAws("2025121708065784", "Ωμέγα"), listedApinizer("4242", "Αλφα")];
  const scope = { families: ["pictory", "apinizer"] as const, apinizerProjects: ["4242"] };
  const command = { stack: "dev", cwd: "infra" };
  const reportWith = (secrets: readonly string[], found = listed) => {
    const mask = stackMasker(secrets);
    const s = scopeFindings(found, [], [], scope, command, mask);
    return withUnmanaged(buildReport("dev", [], { managed: new Set(), read: new Set(), secrets }), {
      scopes: [s.scope],
      connections: s.connections,
      commands: s.command !== undefined ? [s.command] : [],
      managedElsewhere: s.managedElsewhere,
    });
  };
  const commandLines = (r: DriftReport) => [
    r.remediation,
    ...r.unmanaged!.commands,
    ...r.unmanaged!.connections.map((c) => c.importCommand),
  ];
  const baseline = reportWith([]);
  const ownText = commandLines(baseline).join("\n");

  it("never masks the report's command lines with a secret that is one of their words", () => {
    const word = fc.oneof(
      fc.constantFrom("import", "pulumi", "up", "stack", "--stack", "refresh", "--only", "out"),
      fc.constantFrom("pulumi-connections", "connections", "apinizer", "--family", "dev", "i", " "),
      // Any piece of the command lines, a letter up to a few words long.
      fc
        .tuple(fc.nat(ownText.length - 1), fc.integer({ min: 1, max: 24 }))
        .map(([at, n]) => ownText.slice(at, at + n)),
    );
    fc.assert(
      fc.property(word, (secret) => {
        // Where the API's values hold it (part of an ID or a name), those are masked, rightly.
        const values = listed.flatMap((c) => [c.remote.id, String(c.remote.fields.name), "4242"]);
        fc.pre(values.every((v) => stackMasker([secret]).text(v) === v));
        const r = reportWith([secret]);
        expect(commandLines(r)).toEqual(commandLines(baseline));
        // Nothing the API said holds it: the report reads as if the stack held no secret.
        for (const render of [renderText, renderMarkdown, renderJson])
          expect(render(r)).toBe(render(baseline));
      }),
    );
  });

  it("masks any secret pasted into a listed connection's name, raw or encoded, in every format", () => {
    const n = (t: string) => normalize(t).text;
    const shows = (out: string, form: string) => {
      const f = n(form);
      const o = n(out);
      if (f.length >= SECRET_RUN)
        return Array.from({ length: f.length - SECRET_RUN + 1 }, (_x, i) =>
          f.slice(i, i + SECRET_RUN),
        ).some((r) => o.includes(r));
      return f !== "" && o.includes(f);
    };
    const forms = [
      (t: string) => t,
      (t: string) => t.toUpperCase(),
      (t: string) => JSON.stringify(t).slice(1, -1),
      (t: string) => [...Buffer.from(t)].map((b) => `%${b.toString(16)}`).join(""),
      (t: string) => [...t].map((c) => `&#${c.codePointAt(0)};`).join(""),
    ];
    const formats = (r: DriftReport) => [renderText(r), renderMarkdown(r), renderJson(r)];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 24 }),
          fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }),
        ),
        fc.constantFrom(...forms),
        (secret, encode) => {
          const form = encode(secret);
          // The report's own text for as many connections (its count, the listed ID) is not the
          // secret's to hide: `3` is in "3 connections".
          const own = formats(
            reportWith([secret], [listedAws("1234", "pasted-nothing"), ...listed]),
          ).join("\n");
          fc.pre(!shows(own, secret) && !shows(own, form));
          const pasted = [listedAws("1234", `pasted ${form} here`), ...listed];
          for (const out of formats(reportWith([secret], pasted))) {
            expect(shows(out, secret)).toBe(false);
            expect(shows(out, form)).toBe(false);
          }
        },
      ),
    );
  });

  it("masks a secret pasted into a connection's name or ID, in the commands too", () => {
    const secret = "Qz8-pasted-credential";
    const pasted = [listedAws("1234", `name ${secret}`), listedApinizer("4242", `x${secret}`)];
    const r = reportWith([secret], pasted);
    const json = JSON.stringify(r);
    expect(json).not.toContain("pasted-cred");
    expect(r.unmanaged!.commands).toEqual([
      "pulumi-connections import --stack dev --cwd infra --apinizer-project 4242 " +
        "--only 'apinizer:Connection/4242/x[secret]' --only pictory:AwsConnection/1234 " +
        "--out unmanaged.ts",
    ]);
    expect(r.unmanaged!.connections.map((c) => c.name)).toEqual(["x[secret]", "name [secret]"]);
  });
});

describe("import arguments", () => {
  it.each([
    [["--type", "email"], "--type goes with --apinizer-project"],
    [["--apinizer-project", "demo", "--type", "nope"], '--type "nope" is not an Apinizer type'],
    [["--family", "apinizer"], "--family apinizer needs --apinizer-project"],
    [["--cwd", "."], "--cwd goes with --stack"],
    [["--apinizer-project", ".."], '--apinizer-project ".." is not a project name'],
    [["--force"], "--force goes with --out"],
  ])("rejects %j", (argv, message) => {
    expect(parseImportArgs(argv, process.cwd())).toEqual({
      usageError: expect.stringContaining(message),
    });
  });
});

describe("import --out", () => {
  const made: string[] = [];
  const folder = () => {
    const dir = mkdtempSync(path.join(tmpdir(), "import-out-"));
    made.push(dir);
    return dir;
  };
  afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("refuses to replace an existing file without --force, in one line naming the file and the flag", async () => {
    const dir = folder();
    const file = path.join(dir, "index.ts");
    writeFileSync(file, "// the user's own program\n");
    const err: string[] = [];
    const code = await importCommandMain(["--out", file], {
      stdout: () => undefined,
      stderr: (t) => void err.push(t),
    });
    expect(code).toBe(1);
    expect(err.join("")).toBe(
      `pulumi-connections import: --out ${file} exists: not replaced; pass --force to replace it, ` +
        `or choose another --out\n`,
    );
    expect(readFileSync(file, "utf8")).toBe("// the user's own program\n");
    expect(readdirSync(dir)).toEqual(["index.ts"]);
  });

  it("writes a new file, replaces one only with --force, and leaves no temporary file", () => {
    const dir = folder();
    const file = path.join(dir, "index.ts");
    expect(writeOut(file, "first\n", false)).toBeUndefined();
    expect(writeOut(file, "second\n", false)).toContain("pass --force");
    expect(readFileSync(file, "utf8")).toBe("first\n");
    expect(writeOut(file, "second\n", true)).toBeUndefined();
    expect(readFileSync(file, "utf8")).toBe("second\n");
    expect(readdirSync(dir)).toEqual(["index.ts"]);
  });

  it("reports a file it cannot write, with the error code, and leaves nothing behind", () => {
    const dir = folder();
    const file = path.join(dir, "missing-folder", "index.ts");
    expect(writeOut(file, "x", true)).toMatch(/could not be written \(ENOENT\)/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("takes --force with --out", () => {
    expect(parseImportArgs(["--out", "p.ts", "--force"], "/tmp")).toMatchObject({
      out: "/tmp/p.ts",
      force: true,
    });
  });
});

describe("connections other stacks of the backend manage", () => {
  const OWNER = "organization/media/prod";
  const others: StackConnections[] = [
    { stack: OWNER, managed: [{ type: "pictory:AwsConnection", id: ID1, name: "media" }] },
    {
      stack: "organization/ops/dev",
      // Another account name in that stack's config: accounts are not compared.
      managed: [
        {
          type: "apinizer:Connection",
          id: "demo/x",
          projectName: "demo",
          name: "ALERTS",
          account: "eu",
        },
      ],
    },
  ];
  const listed = [
    listedAws(ID1, "media"),
    listedAws(ID2, "other"),
    listedApinizer("demo", "alerts"),
  ];

  it("leaves them out of the import, names the stack in the program and in --json", () => {
    const result = importResult(listed, [...KINDS.keys()], { others });
    expect(result.connections.map((c) => c.id)).toEqual([ID2]);
    expect(result.managedElsewhere).toEqual([
      {
        type: "apinizer:Connection",
        id: "demo/alerts",
        name: "alerts",
        projectName: "demo",
        ref: "apinizer:Connection/demo/alerts",
        managedBy: ["organization/ops/dev"],
      },
      {
        type: "pictory:AwsConnection",
        id: ID1,
        name: "media",
        ref: `pictory:AwsConnection/${ID1}`,
        managedBy: [OWNER],
      },
    ]);
    const program = renderProgram(result);
    expect(program).toContain(`//   pictory:AwsConnection/${ID1} "media": managed by ${OWNER}`);
    expect(program).not.toContain(`adopt: "${ID1}"`);
    expect(JSON.parse(renderImportJson(result)).managedElsewhere[1].managedBy).toEqual([OWNER]);
  });

  it("keeps every other connection's resource name as a full import gives it", () => {
    const clash = [listedAws(ID1, "Prod S3"), listedAws(ID2, "prod-s3")];
    const alone = importResult(clash, [...KINDS.keys()]);
    const left = importResult(clash, [...KINDS.keys()], {
      others: [{ stack: OWNER, managed: [{ type: "pictory:AwsConnection", id: ID2 }] }],
    });
    expect(left.connections).toEqual(alone.connections.filter((c) => c.id === ID1));
  });

  it("never imports nor lists as unmanaged a connection any other stack manages", () => {
    const ids = fc.constantFrom("id-a", "id-b", "id-c", "id-d");
    const names = fc.constantFrom("alerts", "Alerts", "hook");
    const listedArb = fc.array(
      fc.oneof(
        ids.map((id) => listedAws(id, `n-${id}`)),
        names.map((n) => listedApinizer("demo", n)),
      ),
    );
    const stackArb = fc.record({
      stack: fc.constantFrom("organization/a/dev", "organization/b/prod", "legacy"),
      managed: fc.array(
        fc.oneof(
          ids.map((id): ManagedConnection => ({ type: "pictory:AwsConnection", id })),
          names.map((n): ManagedConnection => ({
            type: "apinizer:Connection",
            id: `demo/${n}`,
            projectName: "demo",
            name: n,
          })),
        ),
      ),
    });
    fc.assert(
      fc.property(listedArb, fc.array(stackArb, { maxLength: 3 }), (all, stacks) => {
        const unique = [...new Map(all.map((c) => [`${c.kind.token}/${c.remote.id}`, c])).values()];
        const owned = (type: string, id: string, name: string) =>
          stacks.some((s) =>
            s.managed.some((m) =>
              type === "apinizer:Connection"
                ? m.type === type && m.name?.toLowerCase() === name.toLowerCase()
                : m.type === type && m.id === id,
            ),
          );
        const result = importResult(unique, [...KINDS.keys()], { others: stacks });
        for (const c of result.connections)
          expect(owned(c.type, c.id, String(c.args.name))).toBe(false);
        for (const e of result.managedElsewhere) {
          expect(owned(e.type, e.id, e.name)).toBe(true);
          expect(e.managedBy.length).toBeGreaterThan(0);
          for (const s of e.managedBy) expect(stacks.map((x) => x.stack)).toContain(s);
        }
        expect(result.connections.length + result.managedElsewhere.length).toBe(unique.length);
        const { free, elsewhere } = notManagedHere(unique, [], stacks);
        expect(free.length + elsewhere.length).toBe(unique.length);
        for (const c of free)
          expect(owned(c.kind.token, c.remote.id, String(c.remote.fields.name))).toBe(false);
      }),
    );
  });

  it("shows them apart in the drift report's unmanaged section, text and Markdown", () => {
    const { free, elsewhere } = notManagedHere(listed, [], others);
    const connections = unmanagedOf(
      free,
      [],
      { families: ["pictory"], apinizerProjects: [] },
      {
        stack: "dev",
      },
    );
    const full = withUnmanaged(report, {
      scopes: [],
      connections,
      commands: [],
      managedElsewhere: elsewhere,
    });
    expect(full.clean).toBe(true);
    expect(connections.map((c) => c.id)).toEqual([ID2]);
    const line = `pictory:AwsConnection/${ID1} "media": managed by ${OWNER}`;
    expect(renderText(full)).toContain(`\n  ${line}\n`);
    expect(renderText(full)).toContain("Managed by other stacks of the backend (not offered");
    expect(renderMarkdown(full)).toContain(`- ${line.replace(/_/g, "\\_")}`);
  });

  it("takes no connection read with .get as managed: it owns nothing", () => {
    const get = {
      resources: [{ type: "pulumi-nodejs:dynamic/pictory:AwsConnection", id: ID1, external: true }],
    };
    expect(managedConnections(get)).toEqual([]);
  });

  it("tells the stack given on the command line from the backend's other stacks", () => {
    expect(isStackNamed("organization/media/dev", "dev", "media")).toBe(true);
    expect(isStackNamed("organization/other/dev", "dev", "media")).toBe(false);
    expect(isStackNamed("organization/other/dev", "organization/other/dev", "media")).toBe(true);
    expect(isStackNamed("organization/media/dev", "v", "media")).toBe(false);
    expect(isStackNamed("dev", "dev", "media")).toBe(true);
    expect(isStackNamed("organization/media/prod", "dev", "media")).toBe(false);
  });
});
