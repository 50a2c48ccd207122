/**
 * Pulumi's resource options, each through the real engine: what docs/guides/plans-and-options.md's resource-options
 * table says of them. replaceOnChanges and customTimeouts do not reach a dynamic provider through
 * Pulumi's host, so the SDK passes them as hidden inputs; the others are the engine's own.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { emulatorState, engineProject, EngineProject } from "./harness";

jest.setTimeout(300_000);

/** Declares `resources` from config, each with the Pulumi options it names. */
const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const { pictory } = require("pulumi-connections");
const specs = JSON.parse(new pulumi.Config().require("resources"));
const made = {};
for (const s of specs) {
  const opts = { ...s.opts };
  if (opts.dependsOn) opts.dependsOn = opts.dependsOn.map((n) => made[n]);
  made[s.name] = new pictory.AwsConnection(s.name, s.args, opts);
}
module.exports = Object.fromEntries(Object.entries(made).map(([k, r]) => [k, r.name]));
`;

interface Spec {
  readonly name: string;
  readonly args: Record<string, unknown>;
  readonly opts?: Record<string, unknown>;
}

let p: EngineProject;
beforeAll(async () => {
  p = await engineProject("options");
  writeFileSync(path.join(p.dir, "index.js"), PROGRAM);
});
afterAll(async () => {
  await p?.close();
});

const aws = (name: string, over: Record<string, unknown> = {}) => ({
  name: `opt-${name}`,
  awsAccountId: "123456789012",
  awsRegion: "us-east-2",
  description: "a",
  ...over,
});

async function declare(specs: readonly Spec[]): Promise<void> {
  await p.stack.setConfig("resources", { value: JSON.stringify(specs) });
}

async function up(): Promise<{ code: number | null; output: string; requests: string[] }> {
  p.takeRequests();
  const r = await p.runPulumi(["up", "--yes", "--skip-preview", "--non-interactive"]);
  return { ...r, requests: p.takeRequests() };
}

const names = async () =>
  (await emulatorState(p.emulator)).pictory.aws.map((c) => String(c.name)).sort();

describe("resource options", () => {
  it("replaceOnChanges: a change of a listed field replaces, deleting first when the name stays", async () => {
    await declare([{ name: "roc", args: aws("roc"), opts: { replaceOnChanges: ["description"] } }]);
    expect((await up()).code).toBe(0);
    await declare([
      {
        name: "roc",
        args: aws("roc", { description: "b" }),
        opts: { replaceOnChanges: ["description"] },
      },
    ]);
    const preview = await p.runPulumi(["preview", "--non-interactive"]);
    expect(preview.output).toMatch(
      /\+-\s+pulumi-nodejs:dynamic\/pictory:AwsConnection\s+roc\s+replace/,
    );
    const replaced = await up();
    expect(replaced.code).toBe(0);
    expect(replaced.requests).toEqual(["DELETE pictory-aws 204", "POST pictory-aws 200"]);
    expect(replaced.output).not.toMatch(/__replaceOnChanges/);
  });

  it("customTimeouts: a create slower than its timeout fails in time, naming customTimeouts.create", async () => {
    await declare([
      { name: "slow", args: aws("slow"), opts: { customTimeouts: { create: "2s" } } },
    ]);
    p.emulator.setFaults({ latencyMs: 8_000 });
    const started = Date.now();
    const r = await up();
    const elapsed = Date.now() - started;
    p.emulator.setFaults({});
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("customTimeouts.create");
    // The create's 2 s plus the engine's own start-up, far below the API's 8 s.
    expect(elapsed).toBeLessThan(8_000 + 15_000);
    expect(r.output).toMatch(/deadline of 2 s/);
  });

  it("protect: destroy of a protected connection fails and deletes nothing", async () => {
    await declare([{ name: "kept", args: aws("kept"), opts: { protect: true } }]);
    expect((await up()).code).toBe(0);
    const destroy = await p.runPulumi(["destroy", "--yes", "--skip-preview", "--non-interactive"]);
    expect(destroy.code).not.toBe(0);
    expect(destroy.output).toContain("protected");
    expect(await names()).toContain("opt-kept");
    await declare([{ name: "kept", args: aws("kept"), opts: { protect: false } }]);
    expect((await up()).code).toBe(0);
  });

  it("ignoreChanges: a change of an ignored field sends nothing", async () => {
    await declare([{ name: "ign", args: aws("ign"), opts: { ignoreChanges: ["description"] } }]);
    expect((await up()).code).toBe(0);
    await declare([
      {
        name: "ign",
        args: aws("ign", { description: "ignored" }),
        opts: { ignoreChanges: ["description"] },
      },
    ]);
    const r = await up();
    expect(r.code).toBe(0);
    expect(r.requests.filter((q) => q.startsWith("PUT") || q.startsWith("POST"))).toEqual([]);
    const stored = (await emulatorState(p.emulator)).pictory.aws.find((c) => c.name === "opt-ign");
    expect(stored?.description).toBe("a");
  });

  it("deleteBeforeReplace: an autonamed replacement deletes first when asked to, and creates first otherwise", async () => {
    const autonamed = (over: Record<string, unknown>) => {
      const { name: _name, ...rest } = aws("x", over);
      void _name;
      return rest;
    };
    const dbr = (region: string): Spec => ({
      name: "dbr",
      args: autonamed({ awsRegion: region }),
      opts: { deleteBeforeReplace: true },
    });
    const cbd = (region: string): Spec => ({ name: "cbd", args: autonamed({ awsRegion: region }) });
    await declare([dbr("us-east-2"), cbd("us-east-2")]);
    expect((await up()).code).toBe(0);
    const before = await names();

    await declare([dbr("eu-west-1"), cbd("us-east-2")]);
    const first = await up();
    expect(first.code).toBe(0);
    expect(first.requests).toEqual(["DELETE pictory-aws 204", "POST pictory-aws 200"]);

    await declare([dbr("eu-west-1"), cbd("eu-west-1")]);
    const second = await up();
    expect({ code: second.code, output: second.code === 0 ? "" : second.output }).toEqual({
      code: 0,
      output: "",
    });
    // Autonamed, so the replacement has a name of its own and is created before the old one goes.
    expect(second.requests).toEqual(["POST pictory-aws 200", "DELETE pictory-aws 204"]);
    const after = await names();
    expect(after.filter((n) => n.startsWith("cbd-"))).toHaveLength(1);
    expect(after.filter((n) => n.startsWith("cbd-"))).not.toEqual(
      before.filter((n) => n.startsWith("cbd-")),
    );
  });

  it("retainOnDelete and dependsOn: destroy leaves a retained connection in the API, in dependency order", async () => {
    await declare([
      { name: "base", args: aws("base") },
      { name: "kept2", args: aws("kept2"), opts: { retainOnDelete: true, dependsOn: ["base"] } },
    ]);
    expect((await up()).code).toBe(0);
    const destroy = await p.runPulumi(["destroy", "--yes", "--skip-preview", "--non-interactive"]);
    expect(destroy.code).toBe(0);
    expect(await names()).toEqual(expect.arrayContaining(["opt-kept2"]));
    expect(await names()).not.toContain("opt-base");
  });
});
