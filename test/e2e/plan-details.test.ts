/**
 * What the engine shows and keeps, on the real CLI: a changed secret is named in the plan (as
 * `[secret]`, in `preview --diff` and `preview --json`), and every declared property of the three
 * kinds is an output holding the API's value, after `up` and after `refresh`. One project, one
 * emulator; each test starts from the state the previous one left.
 */
import { KIND_METADATA } from "../../sdk/nodejs/generated/kinds";
import { emulatorState, engineProject, EngineProject, leaks, writeProgram } from "./harness";

jest.setTimeout(300_000);

const NI = "--non-interactive";
const UP = ["up", "--yes", "--skip-preview", NI];

type Kind = "aws" | "vimeo" | "apinizer";
const TOKENS: Record<Kind, string> = {
  aws: "pictory:AwsConnection",
  vimeo: "pictory:VimeoConnection",
  apinizer: "apinizer:Connection",
};

/** Every property the SDK declares for a kind (and `type`), as `connection.<property>` outputs. */
function declared(kind: Kind, type?: string): string[] {
  const meta = KIND_METADATA[TOKENS[kind]]!;
  const variant = type ? (meta.variants?.properties[type] ?? []) : [];
  return [...new Set([...meta.properties, ...variant, ...meta.outputs])];
}

const EMAIL = declared("apinizer", "email");

/** Exports each declared property of each connection as its own output, as a user reads them. */
const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const { pictory, apinizer } = require("pulumi-connections");
const cfg = new pulumi.Config();
const s3 = new pictory.AwsConnection("s3", {
  awsAccountId: "123456789012",
  awsRegion: "us-east-2",
  description: cfg.get("description") || "raw",
});
const vimeo = new pictory.VimeoConnection("vimeo", {
  clientIdentifier: "cid",
  clientSecret: cfg.requireSecret("clientSecret"),
  accessToken: cfg.requireSecret("accessToken"),
});
const mail = new apinizer.Connection("mail", {
  projectName: "demo",
  type: "email",
  host: "smtp.example.com",
  auth: true,
  username: "bot",
  password: cfg.requireSecret("password"),
});
const pick = (r, keys) => Object.fromEntries(keys.map((k) => [k, r[k]]));
module.exports = {
  s3: pick(s3, ${JSON.stringify(declared("aws"))}),
  vimeo: pick(vimeo, ${JSON.stringify(declared("vimeo"))}),
  mail: pick(mail, ${JSON.stringify(EMAIL)}),
};
`;

const SECRETS = {
  clientSecret: "details-client-secret-1",
  accessToken: "details-access-token-1",
  password: "details-smtp-password-1",
};
const NEW_SECRETS = {
  clientSecret: "details-client-secret-2",
  password: "details-smtp-password-2",
};

let p: EngineProject;
beforeAll(async () => {
  p = await engineProject("details");
  writeProgram(p, PROGRAM);
  await p.stack.setAllConfig(
    Object.fromEntries(Object.entries(SECRETS).map(([k, v]) => [k, { value: v, secret: true }])),
  );
});
afterAll(async () => {
  await p?.close();
});

async function pulumi(args: readonly string[]): Promise<string> {
  const r = await p.runPulumi(args);
  if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")}: exit ${r.code}\n${r.output}`);
  return r.output;
}

type Bag = Record<string, unknown>;

/** The stack's outputs with secrets in clear (they are the emulator's), unset values dropped. */
async function outputs(): Promise<Record<"s3" | "vimeo" | "mail", Bag>> {
  const out = JSON.parse(await pulumi(["stack", "output", "--json", "--show-secrets"]));
  for (const bag of Object.values(out) as Bag[])
    for (const [k, v] of Object.entries(bag)) if (v === null || v === undefined) delete bag[k];
  return out;
}

const MASKED = { clientSecret: "[secret]", accessToken: "[secret]", password: "[secret]" };
const DECLARED: Record<string, readonly string[]> = {
  s3: declared("aws"),
  vimeo: declared("vimeo"),
  mail: EMAIL,
};

/**
 * Each connection's outputs in the stack's state, as `pulumi stack export` shows them: what a
 * refresh writes (it does not run the program, so the stack's own outputs wait for the next `up`).
 * Secrets stay encrypted and read as "[secret]"; unset values are dropped.
 */
function stateOutputs(): Record<string, Bag> {
  const out: Record<string, Bag> = {};
  for (const r of p.exportStack().resources as unknown as { urn: string; outputs?: Bag }[]) {
    const name = r.urn.split("::").pop()!;
    const keys = DECLARED[name];
    if (!keys || !r.urn.includes("::pulumi-nodejs:dynamic/")) continue;
    const bag: Bag = {};
    for (const k of keys) {
      const v = r.outputs?.[k];
      if (v === null || v === undefined) continue;
      bag[k] = typeof v === "object" && v !== null && "ciphertext" in v ? "[secret]" : v;
    }
    out[name] = bag;
  }
  return out;
}

/**
 * What the API holds for each connection, as the declared properties: the emulator's records,
 * which store secrets as fingerprints (so a secret is the program's value), and keep an Apinizer
 * connection under its project. An unset (null) value is no output.
 */
async function apiView(secrets: Record<string, string>): Promise<Record<string, Bag>> {
  const state = await emulatorState(p.emulator);
  const view = (record: Bag | undefined, keys: readonly string[]): Bag => {
    const out: Bag = {};
    for (const k of keys) {
      const v = k in secrets ? secrets[k] : record?.[k];
      if (v !== null && v !== undefined) out[k] = v;
    }
    return out;
  };
  const mail = state.apinizer.demo!.find((c) => String(c.name).startsWith("mail-"));
  return {
    s3: view(state.pictory.aws[0], declared("aws")),
    vimeo: view(state.pictory.vimeo[0], declared("vimeo")),
    // deploymentResult is what the last write answered, not part of the stored record.
    mail: view(
      { ...mail, projectName: "demo" },
      EMAIL.filter((k) => k !== "deploymentResult"),
    ),
  };
}

const DATES = ["createdDate", "updatedDate"];
const without = (bag: Bag, keys: readonly string[]) =>
  Object.fromEntries(Object.entries(bag).filter(([k]) => !keys.includes(k)));

describe("outputs", () => {
  it("after up, every declared property holds the API's value (Pictory's create answer has no dates)", async () => {
    await pulumi(UP);
    const out = await outputs();
    const api = await apiView(SECRETS);
    expect(out.s3).toMatchObject({ enabled: true, version: 1 });
    expect(without(out.s3, DATES)).toEqual(without(api.s3!, DATES));
    expect(without(out.vimeo, DATES)).toEqual(without(api.vimeo!, DATES));
    expect(without(out.mail, ["deploymentResult"])).toEqual(api.mail);
    expect(out.mail.deploymentResult).toMatchObject({ success: true });
    expect([out.s3.createdDate, out.vimeo.createdDate]).toEqual([undefined, undefined]);
  });

  it("the first refresh brings createdDate and updatedDate into the state, and that is no drift", async () => {
    const drift = await p.runPulumi(["preview", "--refresh", "--expect-no-changes", NI]);
    expect({ code: drift.code, output: drift.code === 0 ? "" : drift.output }).toEqual({
      code: 0,
      output: "",
    });
    await pulumi(["refresh", "--yes", "--skip-preview", NI]);
    const state = stateOutputs();
    const masked = await apiView(MASKED);
    expect(state.s3!.createdDate).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    expect(state.s3).toEqual(masked.s3);
    expect(state.vimeo).toEqual(masked.vimeo);
    // A deploymentResult is kept from the last write: the API's read has none.
    expect(without(state.mail!, ["deploymentResult"])).toEqual(masked.mail);
    expect(state.mail!.deploymentResult).toMatchObject({ success: true });

    // The next `up` runs the program: its outputs are the state's, and nothing is written.
    p.takeRequests();
    await pulumi(UP);
    expect(p.takeRequests().filter((r) => !r.startsWith("GET"))).toEqual([]);
    const out = await outputs();
    const api = await apiView(SECRETS);
    expect(out.s3).toEqual(api.s3);
    expect(out.vimeo).toEqual(api.vimeo);
    expect(without(out.mail, ["deploymentResult"])).toEqual(api.mail);
  });

  it("an update whose answer has no updatedDate leaves it unset, never stale, until the next refresh", async () => {
    const before = stateOutputs().s3!;
    await p.stack.setConfig("description", { value: "edited" });
    await pulumi(UP);
    const after = (await outputs()).s3;
    expect(after).toMatchObject({ description: "edited", version: 2 });
    expect(after.createdDate).toBe(before.createdDate);
    expect(after.updatedDate).toBeUndefined();
    await pulumi(["refresh", "--yes", "--skip-preview", NI]);
    const api = await apiView(MASKED);
    expect(stateOutputs().s3).toEqual(api.s3);
    expect(api.s3!.updatedDate).not.toBe(before.updatedDate);
  });
});

interface PreviewStep {
  readonly op: string;
  readonly urn: string;
  readonly diffReasons?: string[];
  readonly detailedDiff?: Record<string, { kind: string; inputDiff?: boolean }>;
  readonly oldState?: { inputs?: Bag };
  readonly newState?: { inputs?: Bag };
}

describe("a changed secret is named in the plan, its value shown as [secret]", () => {
  const needles = [...Object.values(SECRETS), ...Object.values(NEW_SECRETS)];

  it("preview --diff names clientSecret and password, and only them", async () => {
    await p.stack.setAllConfig(
      Object.fromEntries(
        Object.entries(NEW_SECRETS).map(([k, v]) => [k, { value: v, secret: true }]),
      ),
    );
    const out = await pulumi(["preview", "--diff", NI]);
    const block = (name: string) => {
      const start = out.search(new RegExp(`\\[urn=[^\\]]*::${name}\\]`));
      const next = out.slice(start + 1).search(/\n\s*(\[urn=|--outputs:--|Resources:)/);
      return out.slice(start, next < 0 ? undefined : start + 1 + next);
    };
    const changed = (text: string) =>
      [...text.matchAll(/^\s*[-+~]+\s*(\w+)\s*:/gm)].map((m) => m[1]).sort();
    expect(block("vimeo")).toMatch(/~ clientSecret\s*: \[secret\] => \[secret\]/);
    expect(changed(block("vimeo"))).toEqual(["clientSecret"]);
    expect(block("mail")).toMatch(/~ password\s*: \[secret\] => \[secret\]/);
    expect(changed(block("mail"))).toEqual(["password"]);
    expect(out).toMatch(/~ 2 to update/);
    expect(leaks({ "preview --diff": out }, needles)).toEqual([]);
  });

  it("preview --json carries diffReasons and detailedDiff for the secret, masked in both states", async () => {
    const out = await pulumi(["preview", "--json", NI]);
    expect(leaks({ "preview --json": out }, needles)).toEqual([]);
    const steps = (
      JSON.parse(out.slice(out.indexOf("{"), out.lastIndexOf("}") + 1)) as {
        steps: PreviewStep[];
      }
    ).steps;
    const step = (name: string) => steps.find((s) => s.urn.endsWith(`::${name}`))!;
    const shown = (name: string, field: string) => {
      const s = step(name);
      return {
        op: s.op,
        diffReasons: s.diffReasons,
        detailedDiff: s.detailedDiff,
        old: s.oldState?.inputs?.[field],
        new: s.newState?.inputs?.[field],
      };
    };
    const expected = (field: string) => ({
      op: "update",
      diffReasons: [field],
      detailedDiff: { [field]: { kind: "update", inputDiff: true } },
      old: "[secret]",
      new: "[secret]",
    });
    expect(shown("vimeo", "clientSecret")).toEqual(expected("clientSecret"));
    expect(shown("mail", "password")).toEqual(expected("password"));
    expect(step("s3")?.op ?? "same").toBe("same");
  });

  it("up sends the new secrets, and the next preview plans nothing", async () => {
    p.takeRequests();
    const out = await pulumi([...UP, "--diff"]);
    expect(out).toMatch(/~ clientSecret\s*: \[secret\] => \[secret\]/);
    expect(p.takeRequests().filter((r) => !r.startsWith("GET"))).toEqual([
      expect.stringMatching(/^PUT /),
      expect.stringMatching(/^PUT /),
    ]);
    expect(leaks({ "up --diff": out, state: p.stateBytes() }, needles)).toEqual([]);
    const again = await p.runPulumi(["preview", "--expect-no-changes", NI]);
    expect(again.code).toBe(0);
  });
});
