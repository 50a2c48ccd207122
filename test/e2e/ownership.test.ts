import { fingerprint } from "../../emulator";
import type { ApinizerEnvelope } from "../../emulator";
import { emulatorConfig } from "../../scripts/workspace";
import { emulatorState, engineProject, EngineProject, PulumiResult, ResourceSpec } from "./harness";

// A stack never takes over a connection another stack manages. Two stacks (two projects, each with
// its own file backend) point at one emulator and declare connections with the same names but
// different values; the second must fail on the name and change nothing, on both Apinizer response
// generations: v1 rejects a duplicate POST, but on v2 a POST is an upsert
// (docs/api/apinizer.md#create-on-an-existing-name), so the provider cannot rely on the server to
// refuse it. Taking over is possible only explicitly, with connections:onNameConflict adopt or the
// resource's `adopt: true`.
jest.setTimeout(300_000);

const STEP_TIMEOUT = 120_000;
const UP = ["up", "--yes", "--skip-preview", "--non-interactive"];
const DESTROY = ["destroy", "--yes", "--skip-preview", "--non-interactive"];
const DRIFT_CHECK = ["preview", "--refresh", "--expect-no-changes", "--diff", "--non-interactive"];

const MAIL_NAME = "shared-alerts";
const VIMEO_NAME = "shared-vimeo";

/** What one stack declares: the same names, its own values. */
interface Owner {
  readonly label: "first" | "second";
  readonly mailPassword: string;
  readonly vimeoSecret: string;
  readonly vimeoToken: string;
}

const FIRST: Owner = {
  label: "first",
  mailPassword: "own-first-smtp-password",
  vimeoSecret: "own-first-client-secret",
  vimeoToken: "own-first-access-token",
};
const SECOND: Owner = {
  label: "second",
  mailPassword: "own-second-smtp-password",
  vimeoSecret: "own-second-client-secret",
  vimeoToken: "own-second-access-token",
};

function resources(owner: Owner, extra: Record<string, unknown> = {}): ResourceSpec[] {
  return [
    {
      kind: "apinizer",
      name: "alerts",
      args: {
        projectName: "demo",
        name: MAIL_NAME,
        type: "email",
        host: `smtp-${owner.label}.example.com`,
        auth: true,
        username: `bot-${owner.label}`,
        description: `managed by the ${owner.label} stack`,
        ...extra,
      },
      secrets: { password: owner.mailPassword },
    },
    {
      kind: "vimeo",
      name: "marketing",
      args: {
        name: VIMEO_NAME,
        clientIdentifier: `cid-${owner.label}`,
        description: `managed by the ${owner.label} stack`,
        ...extra,
      },
      secrets: { clientSecret: owner.vimeoSecret, accessToken: owner.vimeoToken },
    },
  ];
}

function expectOk(result: PulumiResult): void {
  if (result.code !== 0) throw new Error(`exit ${String(result.code)}:\n${result.output}`);
}

/** The diagnostics the CLI printed for one resource (its block under "Diagnostics:"). */
function diagnosticsOf(output: string, type: string, name: string): string {
  const header = `  pulumi-nodejs:dynamic/${type} (${name}):\n`;
  const at = output.indexOf(header);
  if (at < 0) return "";
  const lines: string[] = [];
  for (const line of output.slice(at + header.length).split("\n")) {
    if (/^ {0,3}\S/.test(line)) break;
    lines.push(line);
  }
  return lines.join("\n");
}

const NAME_CONFLICT = /NAME_CONFLICT|already exists|names are unique/;

/** Writes accepted by the API: POST or PUT answered 2xx. */
const acceptedWrites = (requests: string[], family: string) =>
  requests.filter((r) => /^(POST|PUT) /.test(r) && r.includes(` ${family} `) && / 2\d\d$/.test(r));

/** The Pulumi names of the connections in a stack's state. */
function managed(p: EngineProject): string[] {
  return (p.exportStack().resources as { type: string; urn: string }[])
    .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"))
    .map((r) => r.urn.split("::").pop()!)
    .sort();
}

describe.each<ApinizerEnvelope>(["v1", "v2"])("Apinizer %s server", (envelope) => {
  let first: EngineProject;
  let second: EngineProject;
  /** The second stack's `up` of the same names. */
  let contested: PulumiResult;
  let contestedRequests: string[];

  /** The connections with the shared names, as the API holds them. */
  async function shared() {
    const state = await emulatorState(first.emulator);
    return {
      mails: (state.apinizer.demo ?? []).filter((c) => String(c.name).toLowerCase() === MAIL_NAME),
      vimeos: state.pictory.vimeo.filter((c) => c.name === VIMEO_NAME),
    };
  }

  async function expectApiHolds(owner: Owner): Promise<void> {
    const { mails, vimeos } = await shared();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      host: `smtp-${owner.label}.example.com`,
      username: `bot-${owner.label}`,
      description: `managed by the ${owner.label} stack`,
      password: fingerprint(owner.mailPassword),
    });
    expect(vimeos).toHaveLength(1);
    expect(vimeos[0]).toMatchObject({
      clientIdentifier: `cid-${owner.label}`,
      description: `managed by the ${owner.label} stack`,
      clientSecret: fingerprint(owner.vimeoSecret),
      accessToken: fingerprint(owner.vimeoToken),
    });
  }

  beforeAll(async () => {
    first = await engineProject(`own-${envelope}-first`, { apinizerEnvelope: envelope });
    second = await engineProject(`own-${envelope}-second`);
    // One emulator for both stacks: the second stack's own emulator is never used.
    await second.emulator.stop();
    await second.stack.setAllConfig(emulatorConfig(first.emulator.url));
  }, STEP_TIMEOUT);
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  test(
    `[${envelope}] the first stack creates its Apinizer and Vimeo connections`,
    async () => {
      await first.setResources(resources(FIRST));
      expectOk(await first.runPulumi(UP));
      await expectApiHolds(FIRST);
      expect(managed(first)).toEqual(["alerts", "marketing"]);
    },
    STEP_TIMEOUT,
  );

  test(
    `[${envelope}] rejects the second stack's Apinizer connection of the same name with NAME_CONFLICT and changes nothing`,
    async () => {
      await second.setResources(resources(SECOND));
      first.takeRequests();
      contested = await second.runPulumi([...UP, "--continue-on-error"]);
      contestedRequests = first.takeRequests();
      expect(contested.code).not.toBe(0);
      // Nothing changed: the first stack's values, no write accepted, nothing in the second state.
      const { mails } = await shared();
      expect(mails).toHaveLength(1);
      expect(mails[0]).toMatchObject({
        host: "smtp-first.example.com",
        username: "bot-first",
        description: "managed by the first stack",
        password: fingerprint(FIRST.mailPassword),
      });
      expect(acceptedWrites(contestedRequests, "apinizer")).toEqual([]);
      expect(managed(second)).not.toContain("alerts");
      expect(diagnosticsOf(contested.output, "apinizer:Connection", "alerts")).toMatch(
        NAME_CONFLICT,
      );
    },
    STEP_TIMEOUT,
  );

  test(
    `[${envelope}] rejects the second stack's Vimeo connection of the same name with NAME_CONFLICT and changes nothing`,
    async () => {
      expect(contested).toBeDefined();
      expect(contested.code).not.toBe(0);
      const { vimeos } = await shared();
      expect(vimeos).toHaveLength(1);
      expect(vimeos[0]).toMatchObject({
        clientIdentifier: "cid-first",
        description: "managed by the first stack",
        clientSecret: fingerprint(FIRST.vimeoSecret),
        accessToken: fingerprint(FIRST.vimeoToken),
      });
      expect(acceptedWrites(contestedRequests, "pictory-vimeo")).toEqual([]);
      expect(managed(second)).not.toContain("marketing");
      expect(diagnosticsOf(contested.output, "pictory:VimeoConnection", "marketing")).toMatch(
        NAME_CONFLICT,
      );
    },
    STEP_TIMEOUT,
  );

  test(
    `[${envelope}] destroying the second stack leaves the first stack's connections in place, and its drift check clean`,
    async () => {
      expectOk(await second.runPulumi(DESTROY));
      await expectApiHolds(FIRST);
      const check = await first.runPulumi(DRIFT_CHECK);
      if (check.code !== 0) throw new Error(`drift check failed:\n${check.output}`);
      expect(managed(first)).toEqual(["alerts", "marketing"]);
    },
    STEP_TIMEOUT,
  );

  test(
    envelope === "v1"
      ? `[${envelope}] takes the connections over only when asked: the second stack with connections:onNameConflict adopt`
      : `[${envelope}] takes the connections over only when asked: the second stack's resources with adopt: true`,
    async () => {
      // Whatever an earlier step did, the first stack's connections exist with its values.
      expectOk(await first.runPulumi([...UP, "--refresh"]));
      await expectApiHolds(FIRST);
      if (envelope === "v1") {
        await second.setResources(resources(SECOND));
        await second.stack.setConfig("connections:onNameConflict", { value: "adopt" });
      } else {
        await second.setResources(resources(SECOND, { adopt: true }));
      }
      first.takeRequests();
      expectOk(await second.runPulumi(UP));
      const requests = first.takeRequests();
      // Taken over, not created again: one connection per name, holding the second stack's values.
      await expectApiHolds(SECOND);
      expect(managed(second)).toEqual(["alerts", "marketing"]);
      expect(requests.filter((r) => r.startsWith("DELETE"))).toEqual([]);
      // From now on the second stack manages them: its destroy deletes them (docs/guides/importing.md, "Adopting existing connections").
      expectOk(await second.runPulumi(DESTROY));
      const { mails, vimeos } = await shared();
      expect([...mails, ...vimeos]).toEqual([]);
    },
    STEP_TIMEOUT,
  );
});
