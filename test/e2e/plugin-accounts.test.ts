/**
 * Moving connections of a second Pictory account from the dynamic resources' `account` input to the
 * native plugin, where a second account is an explicit provider with its own credential
 * (docs/guides/several-accounts.md): the program declares the same connections with the native
 * type tokens, an alias from the dynamic type and `provider: eu`. `up` sends no write to either
 * tenant (counted on the emulator's admin API), creates and deletes nothing, keeps every ID, and
 * later reads go to the second account's tenant.
 */
import { installPlugins } from "../../scripts/build-plugins";
import { localEnv } from "../../scripts/workspace";
import {
  CREDENTIALS,
  EngineProject,
  engineProject,
  leaks,
  PulumiResult,
  ResourceSpec,
  writeProgram,
} from "./harness";

jest.setTimeout(600_000);

const NI = "--non-interactive";
const DEFAULT_KEY = CREDENTIALS[0]!;
const EU_KEY = "pictai_eu_tenant_key_58";
const SECRETS = {
  clientSecret: "eu-vimeo-client-secret-3c19",
  accessToken: "eu-vimeo-access-token-7e42",
};

const RESOURCES: ResourceSpec[] = [
  // Autonamed: the native resource must keep the name the dynamic one chose.
  {
    kind: "aws",
    name: "media",
    args: { account: "eu", awsAccountId: "123456789012", awsRegion: "us-east-2" },
  },
  {
    kind: "vimeo",
    name: "uploads",
    args: { account: "eu", name: "uploads", clientIdentifier: "eu-vimeo-app" },
    secrets: SECRETS,
  },
];

/**
 * The same connections through the pictory plugin: the account becomes an explicit provider with
 * that account's credential and base URL, and each resource names it instead of `account`.
 */
const NATIVE_PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const cfg = new pulumi.Config();
const pictoryCfg = new pulumi.Config("pictory");
const specs = JSON.parse(cfg.require("resources"));
const eu = new pulumi.ProviderResource("pictory", "eu", {
  apiKey: cfg.requireSecret("euApiKey"),
  baseUrl: pictoryCfg.require("baseUrl"),
});
const tokens = {
  aws: ["pictory:index:AwsConnection", "pulumi-nodejs:dynamic/pictory:AwsConnection"],
  vimeo: ["pictory:index:VimeoConnection", "pulumi-nodejs:dynamic/pictory:VimeoConnection"],
};
const out = {};
for (const spec of specs) {
  const { account, ...args } = spec.args;
  for (const field of Object.keys(spec.secrets || {})) args[field] = cfg.requireSecret("secret-" + spec.name + "-" + field);
  const [token, dynamic] = tokens[spec.kind];
  const r = new pulumi.CustomResource(token, spec.name, { ...args, name: args.name, version: undefined }, { provider: eu, aliases: [{ type: dynamic }] });
  out[spec.name] = { id: r.id, name: r.name, version: r.version };
}
module.exports = out;
`;

interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

let p: EngineProject;

beforeAll(async () => {
  p = await engineProject("plugin-accounts", { extraTenants: [{ pictoryApiKey: EU_KEY }] });
  installPlugins(localEnv(p.stateDir));
  // Each tenant answers 403 for the other's IDs: a request with the wrong key fails loudly.
  for (const key of [DEFAULT_KEY, EU_KEY]) {
    const res = await fetch(`${p.emulator.url}/_emulator/pictory-access?tenant=${key}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ othersForbidden: true }),
    });
    expect(res.status).toBe(200);
  }
  for (const args of [
    ["--path", "--secret", "pictory:accounts.eu.apiKey", EU_KEY],
    ["--secret", "euApiKey", EU_KEY],
  ])
    ok(await p.runPulumi(["config", "set", ...args]));
});

afterAll(async () => {
  await p?.close();
});

function ok(r: PulumiResult): string {
  if (r.code !== 0) throw new Error(`pulumi exited ${String(r.code)}:\n${r.output}`);
  return r.output;
}

async function pulumi(args: readonly string[]): Promise<string> {
  return ok(await p.runPulumi([...args, NI, "--color", "never"]));
}

/** The emulator's request log, read and cleared through its admin API. */
async function takeRequests(): Promise<LoggedRequest[]> {
  const res = await fetch(`${p.emulator.url}/_emulator/requests`);
  const { requests } = (await res.json()) as { requests: LoggedRequest[] };
  await fetch(`${p.emulator.url}/_emulator/requests`, { method: "DELETE" });
  return requests;
}

/** A tenant's connections, as "kind id name". */
async function tenantConnections(key: string): Promise<string[]> {
  const res = await fetch(`${p.emulator.url}/_emulator/state?tenant=${key}`);
  const body = (await res.json()) as {
    tenants: { pictory: Record<"aws" | "vimeo", Record<string, unknown>[]> }[];
  };
  const t = body.tenants[0]!;
  return (["aws", "vimeo"] as const)
    .flatMap((kind) =>
      t.pictory[kind].map((c) => `${kind} ${String(c.connectionId)} ${String(c.name)}`),
    )
    .sort();
}

/** The connection resources of the state: type, name, ID and provider. */
function stateConnections(): { type: string; name: string; id: string; provider: string }[] {
  return p
    .exportStack()
    .resources.filter((r) => !r.type.startsWith("pulumi:"))
    .map((r) => {
      const x = r as { type: string; urn: string; id?: string; provider?: string };
      // A provider reference is "<provider URN>::<provider ID>"; the URN ends with its name.
      const reference = (x.provider ?? "").split("::");
      return {
        type: x.type,
        name: x.urn.split("::").pop()!,
        id: x.id ?? "",
        provider: reference[reference.length - 2] ?? "",
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

describe("moving a second account's connections to the native plugin", () => {
  it("an explicit provider takes over from `account` without a create, a delete or a write", async () => {
    await p.setResources(RESOURCES);
    await pulumi(["up", "--yes", "--skip-preview"]);
    const before = await tenantConnections(EU_KEY);
    expect(before).toEqual([
      expect.stringMatching(/^aws \S+ media-[0-9a-f]{7}$/),
      expect.stringMatching(/^vimeo \S+ uploads$/),
    ]);
    expect(await tenantConnections(DEFAULT_KEY)).toEqual([]);
    const dynamic = stateConnections();

    writeProgram(p, NATIVE_PROGRAM);
    await takeRequests();
    const plan = JSON.parse(await pulumi(["preview", "--json"])) as {
      changeSummary: Record<string, number>;
    };
    // The new explicit provider is the only create; no connection is created, deleted or replaced.
    expect(plan.changeSummary).toEqual(expect.objectContaining({ create: 1 }));
    expect(
      Object.keys(plan.changeSummary).filter((op) => !["same", "update", "create"].includes(op)),
    ).toEqual([]);

    const up = await pulumi(["up", "--yes", "--skip-preview"]);
    expect(up).toMatch(/\b1 created\b/);
    expect(up).not.toMatch(/\bdeleted\b|\breplaced\b/);
    const moved = await takeRequests();
    expect(moved.filter((r) => r.method !== "GET")).toEqual([]);
    expect(moved.filter((r) => r.status !== 200)).toEqual([]);
    expect(await tenantConnections(EU_KEY)).toEqual(before);
    expect(await tenantConnections(DEFAULT_KEY)).toEqual([]);

    const native = stateConnections();
    expect(native.map((r) => `${r.type} ${r.name} ${r.id}`)).toEqual(
      dynamic.map(
        (r) =>
          `${r.type.replace("pulumi-nodejs:dynamic/pictory:", "pictory:index:")} ${r.name} ${r.id}`,
      ),
    );
    expect(native.map((r) => r.provider)).toEqual(["eu", "eu"]);

    // Reads go to the second account: with the default key they would be 403.
    const refreshed = await pulumi(["refresh", "--yes", "--skip-preview"]);
    expect(refreshed).not.toMatch(/error/i);
    const reads = await takeRequests();
    expect(reads.map((r) => `${r.method} ${r.status}`)).toEqual(["GET 200", "GET 200"]);
    // Read through the right provider, the state no longer names the dynamic account.
    for (const r of p.exportStack().resources.filter((x) => !x.type.startsWith("pulumi:")))
      expect([r.inputs?.account, r.outputs?.account]).toEqual([undefined, undefined]);
    await pulumi(["preview", "--expect-no-changes"]);
    expect(leaks({ state: p.stateBytes(), up }, [EU_KEY, ...Object.values(SECRETS)])).toEqual([]);

    await pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(await tenantConnections(EU_KEY)).toEqual([]);
    const deletes = (await takeRequests()).filter((r) => r.method === "DELETE");
    expect(deletes).toHaveLength(2);
    expect(deletes.filter((r) => r.status >= 300)).toEqual([]);
  });
});
