/**
 * Moving a stack from the TypeScript dynamic resources to the native plugins without touching a
 * connection: the program declares the same connections with the native type tokens and an alias
 * from the dynamic type, and `up` changes nothing at the APIs (no POST, no PUT, no DELETE), creates
 * and deletes nothing in the engine's summary, and leaves a stack a following preview finds clean.
 * An autonamed connection keeps its name; the secrets stay secret in the state.
 */
import { installPlugins } from "../../scripts/build-plugins";
import { localEnv } from "../../scripts/workspace";
import {
  CREDENTIALS,
  emulatorState,
  EngineProject,
  engineProject,
  leaks,
  ResourceSpec,
  writeProgram,
} from "./harness";

jest.setTimeout(600_000);

const SECRETS = {
  clientSecret: "migrate-vimeo-client-secret-41d7",
  accessToken: "migrate-vimeo-access-token-9b03",
  password: "migrate-smtp-password-6a2e",
};

const RESOURCES: ResourceSpec[] = [
  // Autonamed: the native provider must keep the name the dynamic one chose.
  {
    kind: "aws",
    name: "media",
    args: { awsAccountId: "123456789012", awsRegion: "us-east-2", description: "rendered media" },
  },
  {
    kind: "vimeo",
    name: "uploads",
    args: { name: "uploads", clientIdentifier: "marketing-app" },
    secrets: { clientSecret: SECRETS.clientSecret, accessToken: SECRETS.accessToken },
  },
  {
    kind: "apinizer",
    name: "mail",
    args: {
      projectName: "demo",
      name: "mail",
      type: "email",
      host: "smtp.example.com",
      port: 587,
      auth: true,
      username: "bot",
    },
    secrets: { password: SECRETS.password },
  },
];

/**
 * The same connections through the native plugins, as any language declares them: the native type
 * token (Apinizer's `type` is implied by it), the secrets from the same config, and an alias from
 * the type the dynamic resource was registered with.
 */
const NATIVE_PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const cfg = new pulumi.Config();
const specs = JSON.parse(cfg.require("resources"));
const tokens = {
  aws: ["pictory:index:AwsConnection", "pulumi-nodejs:dynamic/pictory:AwsConnection"],
  vimeo: ["pictory:index:VimeoConnection", "pulumi-nodejs:dynamic/pictory:VimeoConnection"],
  apinizer: ["apinizer:index:EmailConnection", "pulumi-nodejs:dynamic/apinizer:Connection"],
};
const out = {};
for (const spec of specs) {
  const { type, ...args } = spec.args;
  for (const field of Object.keys(spec.secrets || {})) args[field] = cfg.requireSecret("secret-" + spec.name + "-" + field);
  const [token, dynamic] = tokens[spec.kind];
  const r = new pulumi.CustomResource(token, spec.name, { ...args, name: args.name, version: undefined }, { aliases: [{ type: dynamic }] });
  out[spec.name] = { id: r.id, name: r.name, version: r.version };
}
module.exports = out;
`;

let p: EngineProject;

beforeAll(async () => {
  p = await engineProject("migration");
  installPlugins(localEnv(p.stateDir));
});

afterAll(async () => {
  await p?.close();
});

async function pulumi(args: readonly string[]): Promise<string> {
  const run = await p.runPulumi([...args, "--non-interactive", "--color", "never"]);
  if (run.code !== 0)
    throw new Error(`pulumi ${args.join(" ")} failed (${run.code}):\n${run.output}`);
  return run.output;
}

/** The connections the emulator holds, by kind, as "id name". */
async function connections(): Promise<Record<string, string[]>> {
  const t = await emulatorState(p.emulator);
  const show = (cs: Record<string, unknown>[]) =>
    cs.map((c) => `${String(c.connectionId ?? "")} ${String(c.name)}`).sort();
  return {
    aws: show(t.pictory.aws),
    vimeo: show(t.pictory.vimeo),
    apinizer: show(Object.values(t.apinizer).flat()),
  };
}

/** The connection resources of the state: type, name and ID. */
function stateConnections(): { type: string; name: string; id: string }[] {
  return p
    .exportStack()
    .resources.filter((r) => !r.type.startsWith("pulumi:"))
    .map((r) => {
      const x = r as { type: string; urn: string; id?: string };
      return { type: x.type, name: x.urn.split("::").pop()!, id: x.id ?? "" };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

describe("migrating a stack from the dynamic resources to the native plugins", () => {
  it("aliases move every connection without a create, a delete or a write", async () => {
    await p.setResources(RESOURCES);
    await pulumi(["up", "--yes", "--skip-preview"]);
    const before = await connections();
    expect(before.aws).toEqual([expect.stringMatching(/ media-[0-9a-f]{7}$/)]);
    const dynamic = stateConnections();
    expect(dynamic.map((r) => r.type)).toEqual([
      "pulumi-nodejs:dynamic/apinizer:Connection",
      "pulumi-nodejs:dynamic/pictory:AwsConnection",
      "pulumi-nodejs:dynamic/pictory:VimeoConnection",
    ]);

    writeProgram(p, NATIVE_PROGRAM);
    p.emulator.clearRequests();
    // The plan first: every connection is an update at most, never a create, delete or replace.
    const plan = JSON.parse(await pulumi(["preview", "--json"])) as {
      changeSummary: Record<string, number>;
    };
    // The stack and the three connections, each the same (or an update at most): nothing
    // created, deleted or replaced. Default providers are not counted.
    expect(
      Object.keys(plan.changeSummary).filter((op) => op !== "same" && op !== "update"),
    ).toEqual([]);
    expect((plan.changeSummary.same ?? 0) + (plan.changeSummary.update ?? 0)).toBe(4);

    const up = await pulumi(["up", "--yes", "--skip-preview"]);
    expect(up).toMatch(/\b4 unchanged\b/);
    expect(up).not.toMatch(/\bcreated\b|\bdeleted\b|\breplaced\b/);
    // No write at either API, only reads at most.
    expect(p.emulator.requests().filter((r) => r.method !== "GET")).toEqual([]);
    expect(await connections()).toEqual(before);

    const native = stateConnections();
    expect(native.map((r) => r.type)).toEqual([
      "apinizer:index:EmailConnection",
      "pictory:index:AwsConnection",
      "pictory:index:VimeoConnection",
    ]);
    // The same IDs, so every later operation addresses the same connections.
    expect(native.map((r) => `${r.name} ${r.id}`)).toEqual(dynamic.map((r) => `${r.name} ${r.id}`));
    const state = p.exportStack();
    const ciphertext = expect.objectContaining({ ciphertext: expect.any(String) });
    const vimeo = state.resources.find((r) => r.type === "pictory:index:VimeoConnection")!;
    expect(vimeo.outputs?.clientSecret).toEqual(ciphertext);
    expect(vimeo.outputs?.accessToken).toEqual(ciphertext);
    const mail = state.resources.find((r) => r.type === "apinizer:index:EmailConnection")!;
    expect(mail.outputs?.password).toEqual(ciphertext);
    expect(
      leaks({ state: p.stateBytes(), up }, [...CREDENTIALS, ...Object.values(SECRETS)]),
    ).toEqual([]);

    await pulumi(["preview", "--expect-no-changes"]);
    await pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(await connections()).toEqual({ aws: [], vimeo: [], apinizer: [] });
  });
});
