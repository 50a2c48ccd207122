import {
  importResult,
  renderImportJson,
  renderProgram,
  resourceNames,
  slug,
} from "../../cli/import/program";
import { ListedConnection } from "../../cli/shared/connections";
import { KINDS } from "../../provider/registry";
import { Remote } from "../../provider/core/kind";

const AWS = KINDS.get("pictory:AwsConnection")!;
const VIMEO = KINDS.get("pictory:VimeoConnection")!;
const APINIZER = KINDS.get("apinizer:Connection")!;
const ORDER = [...KINDS.keys()];

let n = 0;
function id(): string {
  n += 1;
  return `20251217080657842${String(n).padStart(15, "a")}`;
}
const remote = (fields: Record<string, unknown>, rid = id()): Remote => ({
  id: rid,
  fields,
  computed: {},
  version: 1,
});
const aws = (
  name: string,
  extra: Record<string, unknown> = {},
  rid?: string,
): ListedConnection => ({
  kind: AWS,
  remote: remote(
    { name, awsAccountId: "123456789012", awsRegion: "us-east-2", enabled: true, ...extra },
    rid,
  ),
});
const apinizer = (project: string, name: string, fields: Record<string, unknown>) => ({
  kind: APINIZER,
  remote: {
    id: `${project}/${name}`,
    fields: { projectName: project, name, deployToWorker: true, enabled: true, ...fields },
    computed: {},
  },
});

describe("resource names", () => {
  it("are slugs of the connection's name: lowercase letters, digits and dashes", () => {
    expect(slug("Production S3 (raw)")).toBe("production-s3-raw");
    expect(slug("__")).toBe("connection");
    expect(slug("MyConnection")).toBe("my-connection");
    const names = resourceNames([aws("Production S3"), aws("x")]);
    expect([...names.values()].sort()).toEqual(["production-s3", "x"]);
    for (const name of names.values()) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it("stay unique when slugs collide, the exact slug keeping its name", () => {
    const exact = aws("prod-s3");
    const spaced = aws("Prod S3");
    const underscored = aws("Prod_S3");
    const names = resourceNames([spaced, exact, underscored]);
    const of = (c: ListedConnection) => names.get(`${c.kind.token}/${c.remote.id}`)!;
    expect(of(exact)).toBe("prod-s3");
    expect(of(spaced)).toMatch(/^prod-s3-[0-9a-f]{8}$/);
    expect(of(underscored)).toMatch(/^prod-s3-[0-9a-f]{8}$/);
    expect(new Set(names.values()).size).toBe(3);
  });

  it("are the same whatever order the API lists the connections in", () => {
    const list = [aws("a b", {}, id()), aws("A-B", {}, id()), aws("a_b", {}, id()), aws("c")];
    const forward = resourceNames(list);
    const backward = resourceNames([...list].reverse());
    expect([...backward.entries()].sort()).toEqual([...forward.entries()].sort());
  });

  it("repeat across kinds and carry the Apinizer project, since names repeat there", () => {
    const names = resourceNames([
      aws("media"),
      { kind: VIMEO, remote: remote({ name: "media", clientIdentifier: "c" }) },
      apinizer("demo", "alerts", { type: "email", host: "h" }),
      apinizer("payments", "alerts", { type: "email", host: "h" }),
    ]);
    expect([...names.values()].sort()).toEqual([
      "demo-alerts",
      "media",
      "media",
      "payments-alerts",
    ]);
  });
});

describe("the generated program", () => {
  it("adopts each connection with its readable values and leaves secrets to config", () => {
    const vimeo: ListedConnection = {
      kind: VIMEO,
      remote: remote(
        { name: "Marketing", clientIdentifier: "app-1", enabled: false, description: "m" },
        "20251222155613307xv0nodhitf9cd0f",
      ),
    };
    const mail = apinizer("demo", "alerts", {
      type: "email",
      host: "smtp.example.com",
      port: 587,
      auth: true,
      username: "bot",
      password: "hunter2-readable",
    });
    const db = apinizer("demo", "orders-db", {
      type: "database",
      dbType: "POSTGRES",
      jdbcUrl: "jdbc:postgresql://db/orders",
      username: "app",
      password: null,
    });
    const result = importResult([db, mail, vimeo], ORDER, { stack: "dev" });
    const text = renderProgram(result);
    expect(text).not.toContain("hunter2-readable");
    expect(result.connections.map((c) => [c.type, c.resource, c.adopt])).toEqual([
      ["pictory:VimeoConnection", "marketing", "20251222155613307xv0nodhitf9cd0f"],
      ["apinizer:Connection", "demo-alerts", "alerts"],
      ["apinizer:Connection", "demo-orders-db", "orders-db"],
    ]);
    const [v, m, d] = result.connections;
    // Defaults (email port 587, enabled true on Apinizer) are left out; enabled: false stays.
    expect(v!.args).toEqual({
      name: "Marketing",
      description: "m",
      enabled: false,
      clientIdentifier: "app-1",
    });
    expect(m!.args).toEqual({
      projectName: "demo",
      name: "alerts",
      type: "email",
      host: "smtp.example.com",
      auth: true,
      username: "bot",
    });
    expect(v!.secrets.map((s) => [s.field, s.key, s.reason])).toEqual([
      ["clientSecret", "pictory-vimeo-marketing-clientSecret", "write-only"],
      ["accessToken", "pictory-vimeo-marketing-accessToken", "write-only"],
    ]);
    expect(m!.secrets.map((s) => [s.field, s.reason])).toEqual([["password", "secret"]]);
    expect(d!.secrets.map((s) => [s.field, s.reason])).toEqual([["password", "masked on read"]]);
    expect(result.configCommands).toEqual([
      "pulumi config set --secret pictory-vimeo-marketing-clientSecret --stack dev",
      "pulumi config set --secret pictory-vimeo-marketing-accessToken --stack dev",
      "pulumi config set --secret apinizer-demo-alerts-password --stack dev",
      "pulumi config set --secret apinizer-demo-orders-db-password --stack dev",
    ]);
    expect(text).toContain(
      [
        'new pictory.VimeoConnection("marketing", {',
        '  adopt: "20251222155613307xv0nodhitf9cd0f",',
        '  name: "Marketing",',
        '  description: "m",',
        "  enabled: false,",
        '  clientIdentifier: "app-1",',
        "  // write-only: the API never returns it",
        '  clientSecret: config.requireSecret("pictory-vimeo-marketing-clientSecret"),',
      ].join("\n"),
    );
    expect(text).toContain('import { apinizer, pictory } from "pulumi-connections";');
    expect(text).toContain("const config = new pulumi.Config();");
  });

  it("reads JSON secrets as objects, and declares a readable secret only when the API holds one", () => {
    const hook = (name: string, headerList: unknown) =>
      apinizer("demo", name, { type: "webhook", fullUrl: "https://h.example.com", headerList });
    const result = importResult(
      [hook("with", [{ name: "x-key", value: "v" }]), hook("without", [])],
      ORDER,
    );
    const [withHeaders, without] = result.connections;
    expect(withHeaders!.secrets).toEqual([
      { field: "headerList", key: "apinizer-demo-with-headerList", reason: "secret", json: true },
    ]);
    expect(without!.secrets).toEqual([]);
    expect(renderProgram(result)).toContain(
      'headerList: config.requireSecretObject("apinizer-demo-with-headerList"),',
    );
  });

  it("names the optional secrets the API never shows, which it cannot tell are set", () => {
    const mq = apinizer("demo", "queue", {
      type: "activeMq",
      brokerUrl: "tcp://mq:61616",
      password: null,
    });
    // activeMq's password is declared optional and masked on read.
    const [c] = importResult([mq], ORDER).connections;
    expect(c!.unknownSecrets).toEqual(["password"]);
    expect(c!.secrets).toEqual([]);
    expect(renderProgram(importResult([mq], ORDER))).toContain(
      "// password: optional and never shown by the API",
    );
  });

  it("is byte-identical for the same connections, in whatever order they were listed", () => {
    const list = [aws("b"), aws("a", { description: "x" }), aws("a b")];
    const one = renderProgram(importResult(list, ORDER));
    const two = renderProgram(importResult([...list].reverse(), ORDER));
    expect(two).toBe(one);
    expect(renderImportJson(importResult(list, ORDER))).toBe(
      renderImportJson(importResult([...list].reverse(), ORDER)),
    );
  });

  it("has no pulumi import or config when no connection has a secret", () => {
    const text = renderProgram(importResult([aws("media")], ORDER));
    expect(text).not.toContain("@pulumi/pulumi");
    expect(text).toContain('import { pictory } from "pulumi-connections";');
  });

  it("keeps only the --only references, named as in the full import", () => {
    const a = aws("Prod S3");
    const b = aws("prod_s3");
    const full = importResult([a, b], ORDER);
    const only = importResult([a, b], ORDER, { only: new Set([`${AWS.token}/${b.remote.id}`]) });
    expect(only.connections).toEqual(full.connections.filter((c) => c.id === b.remote.id));
  });
});
