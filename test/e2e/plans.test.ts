import { readFileSync } from "node:fs";
import * as path from "node:path";
import { fingerprint } from "../../emulator";
import {
  CREDENTIALS,
  emulatorState,
  engineProject,
  EngineProject,
  extraStack,
  leaks,
  PulumiResult,
  writeProgram,
} from "./harness";

// Autonames on the real engine. A connection whose program omits `name` gets one the SDK proposes
// deterministically for (project, stack, type, resource name), so `preview` and `up` agree and an
// update plan (`preview --save-plan`, then `up --plan`) holds; the stack config
// `pulumi:autonaming` steers it as Pulumi documents; the provider keeps the name across updates
// and across an alias, gives a replacement a new one so that it can create before it deletes, and
// never shows its own steering values in a plan or diff. One project (stack `test`, plus `prod`
// for the per-stack names), one emulator; each test starts from the state the previous one left,
// re-applied with `up` (given) only when an earlier failure left another.
jest.setTimeout(300_000);

const STEP_TIMEOUT = 180_000;
const NI = "--non-interactive";
const UP = ["up", "--yes", "--skip-preview", NI];
/** `up --plan` is an experimental flag (hidden from `pulumi up --help` without this). */
const EXPERIMENTAL = { PULUMI_EXPERIMENTAL: "true" };
const PROJECT = "plans";

type Kind = "aws" | "vimeo" | "apinizer";
interface Decl {
  readonly kind: Kind;
  /** The logical (Pulumi) name. */
  readonly name: string;
  readonly args: Record<string, unknown>;
  readonly aliases?: readonly { name: string }[];
  readonly replaceOnChanges?: readonly string[];
}

const TYPES: Record<Kind, string> = {
  aws: "pulumi-nodejs:dynamic/pictory:AwsConnection",
  vimeo: "pulumi-nodejs:dynamic/pictory:VimeoConnection",
  apinizer: "pulumi-nodejs:dynamic/apinizer:Connection",
};

/** A program that declares exactly `decls`, with their options, and exports each one's name. */
function program(decls: readonly Decl[]): string {
  return `
const { pictory, apinizer } = require("pulumi-connections");
const classes = { aws: pictory.AwsConnection, vimeo: pictory.VimeoConnection, apinizer: apinizer.Connection };
const out = {};
for (const d of ${JSON.stringify(decls)}) {
  const opts = { aliases: d.aliases, replaceOnChanges: d.replaceOnChanges };
  const r = new classes[d.kind](d.name, d.args, opts);
  out[d.name] = { id: r.id, name: r.name };
}
module.exports = out;
`;
}

const media = (over: Record<string, unknown> = {}, decl: Partial<Decl> = {}): Decl => ({
  kind: "aws",
  name: "media",
  args: { awsAccountId: "123456789012", awsRegion: "us-east-2", description: "raw", ...over },
  ...decl,
});
const marketing = (over: Record<string, unknown> = {}): Decl => ({
  kind: "vimeo",
  name: "marketing",
  args: {
    clientIdentifier: "cid",
    clientSecret: "plans-vimeo-client-secret",
    accessToken: "plans-vimeo-access-token",
    ...over,
  },
});
const alerts = (over: Record<string, unknown> = {}): Decl => ({
  kind: "apinizer",
  name: "alerts",
  args: {
    projectName: "demo",
    type: "email",
    host: "smtp.example.com",
    auth: true,
    username: "bot",
    password: "plans-smtp-password",
    ...over,
  },
});

let p: EngineProject;
/** Every `preview --diff`, `preview --json` (its diff keys and input keys) and `up` output, by step. */
const shown: Record<string, string> = {};
/** The program the stack's state last converged to with a successful `up`, if known. */
let applied: string | undefined;
/** The program in index.js now. */
let current = "";

beforeAll(async () => {
  p = await engineProject(PROJECT, { projects: ["demo", "other"] });
}, STEP_TIMEOUT);
afterAll(async () => {
  await p?.close();
});

function use(decls: readonly Decl[]): void {
  current = program(decls);
  writeProgram(p, current);
}

function expectOk(result: PulumiResult): void {
  if (result.code !== 0) throw new Error(`exit ${String(result.code)}:\n${result.output}`);
}

/** Runs the CLI on the test stack, keeping the output for the steering check. */
async function run(
  step: string,
  args: readonly string[],
  env?: Record<string, string>,
): Promise<PulumiResult> {
  const result = await p.runPulumi(args, env);
  shown[`${Object.keys(shown).length + 1}. ${step}: pulumi ${args.join(" ")}`] = result.output;
  if (args[0] === "up") applied = result.code === 0 ? current : undefined;
  return result;
}

/**
 * The state a test starts from: the program `decls`, applied with a plain `up` unless the previous
 * step left exactly that. Keeps each test meaningful when an earlier one failed.
 */
async function given(decls: readonly Decl[]): Promise<void> {
  use(decls);
  if (applied !== current) expectOk(await run("given", UP));
  p.takeRequests();
}

interface PreviewStep {
  readonly op: string;
  readonly urn: string;
  readonly newState?: { inputs?: Record<string, unknown> };
  readonly diffReasons?: string[];
  readonly replaceReasons?: string[];
  readonly detailedDiff?: Record<string, unknown>;
}
interface PreviewJson {
  readonly steps: PreviewStep[];
  readonly changeSummary?: Record<string, number>;
}

const logical = (urn: string) => urn.split("::").pop()!;
const isConnection = (urn: string) => urn.includes("::pulumi-nodejs:dynamic/");

/**
 * `preview --json` of the program as it is (with `--save-plan` when `plan` is given). Each step's
 * diff keys (as a "[diff: ...]" list) and input keys are kept for the steering check.
 */
async function previewJson(
  step: string,
  opts: { plan?: string; on?: Pick<EngineProject, "runPulumi"> } = {},
): Promise<PreviewJson> {
  return (await previewRun(step, opts)).json;
}

/** {@link previewJson}, with the CLI's output as printed. */
async function previewRun(
  step: string,
  opts: { plan?: string; on?: Pick<EngineProject, "runPulumi"> },
): Promise<{ json: PreviewJson; output: string }> {
  const args = ["preview", "--json", ...(opts.plan ? ["--save-plan", opts.plan] : []), NI];
  const result = await (opts.on ?? p).runPulumi(args);
  expectOk(result);
  const out = result.output;
  const json = JSON.parse(out.slice(out.indexOf("{"), out.lastIndexOf("}") + 1)) as PreviewJson;
  shown[`${Object.keys(shown).length + 1}. ${step}: pulumi ${args.join(" ")}`] = json.steps
    .filter((s) => isConnection(s.urn))
    .map((s) => {
      const keys = [
        ...(s.diffReasons ?? []),
        ...(s.replaceReasons ?? []),
        ...Object.keys(s.detailedDiff ?? {}),
      ];
      // `__provider` is the dynamic-provider host's own input, never shown by the CLI.
      const inputs = Object.keys(s.newState?.inputs ?? {}).filter((k) => k !== "__provider");
      return `${s.op} ${logical(s.urn)} [diff: ${keys.join(",")}] inputs: ${inputs.join(",")}`;
    })
    .join("\n");
  return { json, output: out };
}

/** Logical name → the `name` of the new state of a preview's steps of these ops. */
function proposedNames(json: PreviewJson, ops: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of json.steps)
    if (ops.includes(s.op) && isConnection(s.urn)) out[logical(s.urn)] = s.newState?.inputs?.name;
  return out;
}

/** The steps of a preview that are not `same`, as "op logical-name". */
function changes(json: PreviewJson): string[] {
  return json.steps
    .filter((s) => s.op !== "same" && isConnection(s.urn))
    .map((s) => `${s.op} ${logical(s.urn)}`)
    .sort();
}

/** Logical name → the connection's name in the stack's state (outputs). */
function stateNames(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of p.exportStack().resources as { type: string; urn: string; outputs?: object }[])
    if (isConnection(r.urn)) out[logical(r.urn)] = String((r.outputs as { name?: unknown }).name);
  return out;
}

/** The writes among requests, as "METHOD family status", sorted. */
const writes = (requests: readonly string[]) =>
  requests.filter((r) => !r.startsWith("GET ")).sort();

/** The POSTs, PUTs and DELETEs of one API family among requests, in order, as "METHOD status". */
function writesOf(requests: readonly string[], family: string): string[] {
  return requests
    .filter((r) => !r.startsWith("GET ") && r.split(" ")[1] === family)
    .map((r) => `${r.split(" ")[0]} ${r.split(" ")[2]}`);
}

/** Every secret value any program of this file passes, and the credentials. */
const SECRETS = [
  "plans-vimeo-client-secret",
  "plans-vimeo-access-token",
  "plans-smtp-password",
  ...CREDENTIALS,
];

/**
 * `preview --json --save-plan`, then `up --plan` of the program as it is, as a reviewed change is
 * applied: the update may do only what the preview showed. `leaked` lists the secrets (of
 * {@link SECRETS} and `secrets`) found in the saved plan, the output of either command or the
 * backend's files afterwards.
 */
async function planAndApply(
  label: string,
  secrets: readonly string[] = [],
): Promise<{ preview: PreviewJson; up: PulumiResult; leaked: string[] }> {
  const plan = path.join(p.dir, `${label}.plan.json`);
  const { json: preview, output } = await previewRun(label, { plan });
  const saved = readFileSync(plan, "utf8");
  const up = await run(
    `${label} up --plan`,
    ["up", "--yes", "--skip-preview", "--plan", plan, NI],
    EXPERIMENTAL,
  );
  const haystacks = {
    "saved plan": saved,
    "preview --json": output,
    "up --plan": up.output,
    state: p.stateBytes(),
  };
  return { preview, up, leaked: leaks(haystacks, [...SECRETS, ...secrets]) };
}

const BASE = [media(), marketing(), alerts()];
const EDITED = [
  media({ description: "edited" }),
  marketing({ description: "edited" }),
  alerts({ description: "edited" }),
];
/** {@link EDITED} with the AWS connection renamed to `renamed`, aliased to its old name. */
const RENAMED = (over: Record<string, unknown> = {}): Decl[] => [
  media({ description: "edited", ...over }, { name: "renamed", aliases: [{ name: "media" }] }),
  marketing({ description: "edited" }),
  alerts({ description: "edited" }),
];

test(
  "1. a create of all three kinds with omitted names runs from its saved plan, creating the names the preview showed",
  async () => {
    use(BASE);
    const { preview, up, leaked } = await planAndApply("create");
    const proposed = proposedNames(preview, ["create"]);
    expect(proposed).toEqual({
      media: expect.stringMatching(/^media-[0-9a-f]{7}$/),
      marketing: expect.stringMatching(/^marketing-[0-9a-f]{7}$/),
      alerts: expect.stringMatching(/^alerts-[0-9a-f]{7}$/),
    });
    expectOk(up);
    expect(stateNames()).toEqual(proposed);
    const api = await emulatorState(p.emulator);
    expect(api.pictory.aws.map((c) => c.name)).toEqual([proposed.media]);
    expect(api.pictory.vimeo.map((c) => c.name)).toEqual([proposed.marketing]);
    expect((api.apinizer.demo ?? []).map((c) => c.name)).toEqual([proposed.alerts]);
    expect(leaked).toEqual([]);
  },
  STEP_TIMEOUT,
);

test(
  "2. another stack of the same program gets other names, the ones its preview showed, and both stacks' connections coexist",
  async () => {
    await given(BASE);
    const test = stateNames();
    const prod = await extraStack(p, "prod");
    const proposed = proposedNames(await previewJson("prod create", { on: prod }), ["create"]);
    const up = await prod.runPulumi(UP);
    shown[`${Object.keys(shown).length + 1}. prod: pulumi up`] = up.output;
    expectOk(up);
    const outputs = await prod.stack.outputs();
    const created = Object.fromEntries(
      Object.entries(outputs).map(([k, v]) => [k, (v.value as { name: string }).name]),
    );
    for (const r of ["media", "marketing", "alerts"]) {
      expect(created[r]).toMatch(new RegExp(`^${r}-[0-9a-f]{7}$`));
      expect(created[r]).not.toBe(test[r]);
    }
    expect(created).toEqual(proposed);
    const api = await emulatorState(p.emulator);
    expect(api.pictory.aws.map((c) => c.name).sort()).toEqual([test.media, created.media].sort());
    expect(api.pictory.vimeo).toHaveLength(2);
    expect(api.apinizer.demo).toHaveLength(2);
    expect(stateNames()).toEqual(test);
    p.takeRequests();
  },
  STEP_TIMEOUT,
);

test(
  "3. a description change is one PUT per connection and keeps every autoname",
  async () => {
    await given(BASE);
    const before = stateNames();
    use(EDITED);
    const preview = await run("description preview", ["preview", "--diff", NI]);
    expectOk(preview);
    expect(preview.output).toMatch(/~ 3 to update/);
    expectOk(await run("description up", UP));
    expect(writes(p.takeRequests())).toEqual([
      "PUT apinizer 200",
      "PUT pictory-aws 200",
      "PUT pictory-vimeo 200",
    ]);
    expect(stateNames()).toEqual(before);
  },
  STEP_TIMEOUT,
);

test(
  "4. renaming the logical resource through an alias plans no change, sends no request and keeps the name",
  async () => {
    await given(EDITED);
    const before = stateNames();
    use(RENAMED());
    expectOk(await run("alias preview", ["preview", "--diff", NI]));
    const json = await previewJson("alias");
    // No change, or at most an update of the aliased one that keeps its name.
    expect(changes(json).filter((c) => c !== "update renamed")).toEqual([]);
    // `preview --json` lists no step for an unchanged connection.
    expect(proposedNames(json, ["update", "same"]).renamed ?? before.media).toBe(before.media);
    expectOk(await run("alias up", UP));
    expect(writes(p.takeRequests())).toEqual([]);
    expect(stateNames()).toEqual({
      renamed: before.media,
      marketing: before.marketing,
      alerts: before.alerts,
    });
  },
  STEP_TIMEOUT,
);

describe("5. pulumi:autonaming", () => {
  /** `pulumi config set --path <key> <value>` on the test stack, as a user sets it. */
  async function configSet(key: string, value: string): Promise<void> {
    expectOk(await p.runPulumi(["config", "set", "--path", key, value, NI]));
  }
  afterEach(async () => {
    expectOk(await p.runPulumi(["config", "rm", "pulumi:autonaming", NI]));
  });
  const VERBATIM = [...RENAMED(), media({}, { name: "raw-footage" })];
  const PATTERNED = [...VERBATIM, media({}, { name: "patterned" })];

  test(
    "mode verbatim: a new connection is named exactly as its resource; existing ones keep theirs",
    async () => {
      await given(RENAMED());
      const before = stateNames();
      await configSet("pulumi:autonaming.mode", "verbatim");
      use(VERBATIM);
      const json = await previewJson("verbatim");
      expect(changes(json)).toEqual(["create raw-footage"]);
      expect(proposedNames(json, ["create"])).toEqual({ "raw-footage": "raw-footage" });
      expectOk(await run("verbatim up", UP));
      expect(stateNames()).toEqual({ ...before, "raw-footage": "raw-footage" });
    },
    STEP_TIMEOUT,
  );

  test(
    "mode disabled: preview fails on a connection without a name, saying the name is required because autonaming is disabled",
    async () => {
      await given(VERBATIM);
      await configSet("pulumi:autonaming.mode", "disabled");
      use([...VERBATIM, media({}, { name: "unnamed" })]);
      const preview = await run("disabled preview", ["preview", "--diff", NI]);
      expect(preview.code).not.toBe(0);
      const cause = preview.output
        .split("\n")
        .filter(
          (l) =>
            /\bname\b/.test(l) &&
            /required/i.test(l) &&
            /autonaming/i.test(l) &&
            /disabl(ed|es)/.test(l),
        );
      expect(cause).not.toEqual([]);
      expect(writes(p.takeRequests())).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  test(
    "pattern ${project}-${name}-${hex(4)}: a new connection is named by it, as previewed",
    async () => {
      await given(VERBATIM);
      await configSet("pulumi:autonaming.pattern", "${project}-${name}-${hex(4)}");
      use(PATTERNED);
      const json = await previewJson("pattern");
      expect(changes(json)).toEqual(["create patterned"]);
      const proposed = proposedNames(json, ["create"]);
      expect(proposed).toEqual({
        patterned: expect.stringMatching(/^plans-patterned-[0-9a-f]{4}$/),
      });
      expectOk(await run("pattern up", UP));
      expect(stateNames().patterned).toBe(proposed.patterned);
    },
    STEP_TIMEOUT,
  );

  test(
    "a pattern for one resource type under providers.pulumi-nodejs.resources wins over the stack-wide one",
    async () => {
      await given(PATTERNED);
      await configSet("pulumi:autonaming.pattern", "${project}-${name}-${hex(4)}");
      await configSet(
        `pulumi:autonaming.providers["pulumi-nodejs"].resources["${TYPES.aws}"].pattern`,
        "${stack}-${name}-${num(3)}",
      );
      use([...PATTERNED, media({}, { name: "typed" }), { ...alerts(), name: "typedmail" }]);
      const json = await previewJson("per-type");
      expect(changes(json)).toEqual(["create typed", "create typedmail"]);
      const proposed = proposedNames(json, ["create"]);
      expect(proposed).toEqual({
        typed: expect.stringMatching(/^test-typed-[0-9]{3}$/),
        typedmail: expect.stringMatching(/^plans-typedmail-[0-9a-f]{4}$/),
      });
      expectOk(await run("per-type up", UP));
      expect(stateNames()).toMatchObject(proposed);
    },
    STEP_TIMEOUT,
  );
});

/** {@link RENAMED} plus an explicitly named AWS and Apinizer connection, for the replacements. */
const REPLACING = (
  over: { region?: string; explicitRegion?: string; project?: string; description?: string } = {},
): Decl[] => [
  ...RENAMED({
    ...(over.region ? { awsRegion: over.region } : {}),
    ...(over.description ? { description: over.description } : {}),
  }),
  media(
    { name: "plans-explicit", awsRegion: over.explicitRegion ?? "us-east-2" },
    { name: "explicit" },
  ),
  { ...alerts({ name: "plans-mail", projectName: over.project ?? "demo" }), name: "mail" },
];

describe("7. a replacement deletes first only when the name must stay", () => {
  test(
    "an autonamed AWS connection whose region changes is created under a new name before the old one is deleted",
    async () => {
      await given(REPLACING());
      const before = stateNames();
      use(REPLACING({ region: "eu-west-1" }));
      expectOk(await run("autonamed replace preview", ["preview", "--diff", NI]));
      expectOk(await run("autonamed replace up", UP));
      expect(writesOf(p.takeRequests(), "pictory-aws")).toEqual(["POST 200", "DELETE 204"]);
      const after = stateNames();
      expect(after.renamed).toMatch(/^(renamed|media)-[0-9a-f]{7}$/);
      expect(after.renamed).not.toBe(before.renamed);
      const api = await emulatorState(p.emulator);
      expect(api.pictory.aws.find((c) => c.name === after.renamed)).toMatchObject({
        awsRegion: "eu-west-1",
      });
      expect(api.pictory.aws.find((c) => c.name === before.renamed)).toBeUndefined();
    },
    STEP_TIMEOUT,
  );

  test(
    "an explicitly named AWS connection whose region changes is deleted first, names being unique",
    async () => {
      await given(REPLACING({ region: "eu-west-1" }));
      use(REPLACING({ region: "eu-west-1", explicitRegion: "eu-west-1" }));
      expectOk(await run("explicit replace up", UP));
      expect(writesOf(p.takeRequests(), "pictory-aws")).toEqual(["DELETE 204", "POST 200"]);
      expect(stateNames().explicit).toBe("plans-explicit");
    },
    STEP_TIMEOUT,
  );

  test(
    "an Apinizer connection moved to another project is created there before it is deleted from the first",
    async () => {
      await given(REPLACING({ region: "eu-west-1", explicitRegion: "eu-west-1" }));
      use(REPLACING({ region: "eu-west-1", explicitRegion: "eu-west-1", project: "other" }));
      expectOk(await run("project replace up", UP));
      expect(writesOf(p.takeRequests(), "apinizer")).toEqual(["POST 200", "DELETE 200"]);
      const api = await emulatorState(p.emulator);
      expect((api.apinizer.other ?? []).map((c) => c.name)).toEqual(["plans-mail"]);
      expect((api.apinizer.demo ?? []).map((c) => c.name)).not.toContain("plans-mail");
      expect(stateNames().mail).toBe("plans-mail");
    },
    STEP_TIMEOUT,
  );
});

const REPLACED = { region: "eu-west-1", explicitRegion: "eu-west-1", project: "other" };

describe("8. update plans of changes to existing connections", () => {
  test(
    "a description change runs from its saved plan",
    async () => {
      await given(REPLACING(REPLACED));
      const before = stateNames();
      use(REPLACING({ ...REPLACED, description: "planned" }));
      const { preview, up, leaked } = await planAndApply("update");
      expect(changes(preview)).toEqual(["update renamed"]);
      expectOk(up);
      expect(writes(p.takeRequests())).toEqual(["PUT pictory-aws 200"]);
      expect(stateNames()).toEqual(before);
      expect(leaked).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  test(
    "a region change (a replacement under a new name) runs from its saved plan, creating the name the preview showed",
    async () => {
      await given(REPLACING({ ...REPLACED, description: "planned" }));
      const before = stateNames();
      use(REPLACING({ ...REPLACED, description: "planned", region: "us-west-2" }));
      const { preview, up, leaked } = await planAndApply("replace");
      expect(changes(preview)).toEqual(["replace renamed"]);
      expectOk(up);
      expect(writesOf(p.takeRequests(), "pictory-aws")).toEqual(["POST 200", "DELETE 204"]);
      const after = stateNames().renamed;
      expect(after).not.toBe(before.renamed);
      // What `preview` (and so the review of the plan) showed as the replacement's name.
      expect(proposedNames(preview, ["replace"]).renamed).toBe(after);
      expect(leaked).toEqual([]);
    },
    STEP_TIMEOUT,
  );
});

/** `decls` with the one of logical name `name` changed by `change`. */
const edit = (decls: readonly Decl[], name: string, change: (d: Decl) => Decl): Decl[] =>
  decls.map((d) => (d.name === name ? change(d) : d));
/** `decls` with `over` merged into the arguments of the one of logical name `name`. */
const setArgs = (decls: readonly Decl[], name: string, over: Record<string, unknown>): Decl[] =>
  edit(decls, name, (d) => ({ ...d, args: { ...d.args, ...over } }));

describe("9. update plans of updates, renames and replacements of every kind", () => {
  /** Where describe 8 left the stack. */
  const PLANNED = REPLACING({ ...REPLACED, description: "planned", region: "us-west-2" });
  const NEW_CLIENT_SECRET = "plans-vimeo-client-secret-rotated";
  const NEW_PASSWORD = "plans-smtp-password-rotated";
  const WEBHOOK_TOKEN = "plans-webhook-token";
  const UPDATED = setArgs(
    setArgs(PLANNED, "marketing", { description: "planned", clientSecret: NEW_CLIENT_SECRET }),
    "alerts",
    { host: "smtp2.example.com", password: NEW_PASSWORD },
  );
  /** The explicit AWS and Apinizer names changed, the autonamed Vimeo connection given one. */
  const RENAMES = setArgs(
    setArgs(setArgs(UPDATED, "explicit", { name: "plans-explicit-2" }), "mail", {
      name: "plans-mail-2",
    }),
    "marketing",
    { name: "plans-vimeo" },
  );
  /** {@link RENAMES} with Vimeo's `clientIdentifier` under the `replaceOnChanges` option. */
  const GUARDED = edit(RENAMES, "marketing", (d) => ({
    ...d,
    replaceOnChanges: ["clientIdentifier"],
  }));
  const SECRETS_HERE = [NEW_CLIENT_SECRET, NEW_PASSWORD, WEBHOOK_TOKEN];

  test(
    "a Vimeo and an Apinizer update, a secret changed in each, run from their saved plan: one PUT each",
    async () => {
      await given(PLANNED);
      const before = stateNames();
      use(UPDATED);
      const { preview, up, leaked } = await planAndApply("updates", SECRETS_HERE);
      expect(changes(preview)).toEqual(["update alerts", "update marketing"]);
      expectOk(up);
      expect(writes(p.takeRequests())).toEqual(["PUT apinizer 200", "PUT pictory-vimeo 200"]);
      expect(stateNames()).toEqual(before);
      const api = await emulatorState(p.emulator);
      expect(api.pictory.vimeo.find((c) => c.name === before.marketing)).toMatchObject({
        description: "planned",
        clientSecret: fingerprint(NEW_CLIENT_SECRET),
      });
      expect((api.apinizer.demo ?? []).find((c) => c.name === before.alerts)).toMatchObject({
        host: "smtp2.example.com",
        password: fingerprint(NEW_PASSWORD),
      });
      expect(leaked).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  test(
    "a rename of each kind runs from its saved plan: one PUT each, in place, the Apinizer one to the old name's path",
    async () => {
      await given(UPDATED);
      const before = stateNames();
      use(RENAMES);
      const start = p.emulator.requests().length;
      const { preview, up, leaked } = await planAndApply("renames", SECRETS_HERE);
      expect(changes(preview)).toEqual(["update explicit", "update mail", "update marketing"]);
      expect(proposedNames(preview, ["update"])).toEqual({
        explicit: "plans-explicit-2",
        mail: "plans-mail-2",
        marketing: "plans-vimeo",
      });
      expectOk(up);
      expect(writes(p.takeRequests())).toEqual([
        "PUT apinizer 200",
        "PUT pictory-aws 200",
        "PUT pictory-vimeo 200",
      ]);
      const puts = p.emulator
        .requests()
        .slice(start)
        .filter((r) => r.method === "PUT" && r.family === "apinizer");
      expect(puts.map((r) => r.path)).toEqual(["/apiops/projects/other/connections/plans-mail/"]);
      expect(stateNames()).toEqual({
        ...before,
        explicit: "plans-explicit-2",
        mail: "plans-mail-2",
        marketing: "plans-vimeo",
      });
      const api = await emulatorState(p.emulator);
      expect(api.pictory.aws.map((c) => c.name)).toContain("plans-explicit-2");
      expect(api.pictory.aws.map((c) => c.name)).not.toContain("plans-explicit");
      expect(api.pictory.vimeo.map((c) => c.name)).toContain("plans-vimeo");
      expect(api.pictory.vimeo.map((c) => c.name)).not.toContain(before.marketing);
      expect((api.apinizer.other ?? []).map((c) => c.name)).toEqual(["plans-mail-2"]);
      expect(leaked).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  test(
    "a Vimeo replacement (replaceOnChanges) and an Apinizer one (type) run from their saved plan, with the names the preview showed",
    async () => {
      await given(GUARDED);
      const before = stateNames();
      use(
        edit(setArgs(GUARDED, "marketing", { clientIdentifier: "cid-2" }), "alerts", (d) => ({
          ...d,
          args: {
            projectName: "demo",
            type: "webhook",
            fullUrl: "https://hooks.example.com/plans",
            headerList: [{ name: "Authorization", value: WEBHOOK_TOKEN }],
          },
        })),
      );
      const { preview, up, leaked } = await planAndApply("replacements", SECRETS_HERE);
      expect(changes(preview)).toEqual(["replace alerts", "replace marketing"]);
      expectOk(up);
      const requests = p.takeRequests();
      // The explicit Vimeo name must stay, so the old connection goes first; the autonamed
      // Apinizer replacement gets a new name and exists beside the old one until it is deleted.
      expect(writesOf(requests, "pictory-vimeo")).toEqual(["DELETE 204", "POST 200"]);
      expect(writesOf(requests, "apinizer")).toEqual(["POST 200", "DELETE 200"]);
      expect(writes(requests)).toHaveLength(4);
      const after = stateNames();
      expect(after.marketing).toBe("plans-vimeo");
      expect(after.alerts).not.toBe(before.alerts);
      expect(proposedNames(preview, ["replace"])).toEqual({
        alerts: after.alerts,
        marketing: "plans-vimeo",
      });
      const api = await emulatorState(p.emulator);
      expect(api.pictory.vimeo.find((c) => c.name === "plans-vimeo")).toMatchObject({
        clientIdentifier: "cid-2",
      });
      expect((api.apinizer.demo ?? []).find((c) => c.name === after.alerts)).toMatchObject({
        type: "webhook",
      });
      expect((api.apinizer.demo ?? []).map((c) => c.name)).not.toContain(before.alerts);
      expect(leaked).toEqual([]);
    },
    STEP_TIMEOUT,
  );
});

test("6. no provider-internal steering value shows in any preview (--diff, --json) or up output", () => {
  expect(Object.keys(shown).length).toBeGreaterThanOrEqual(10);
  const offending: string[] = [];
  for (const [step, output] of Object.entries(shown)) {
    for (const line of output.split("\n")) {
      if (/autonamePrefix/.test(line)) offending.push(`${step}: ${line.trim()}`);
      // A property line of a --diff listing, e.g. `+ __autoname: "media"`.
      else if (/^\s*[-+~]*\s*__\w+\s*:/.test(line)) offending.push(`${step}: ${line.trim()}`);
    }
    for (const [, list] of output.matchAll(/\[diff: ([^\]]*)\]/g))
      if (
        list!.split(",").some((k) =>
          k
            .trim()
            .replace(/^[-+~]+/, "")
            .startsWith("__"),
        )
      )
        offending.push(`${step}: [diff: ${list}]`);
  }
  expect(offending).toEqual([]);
});
