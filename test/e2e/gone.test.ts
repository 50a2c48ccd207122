/**
 * The real engine behind a proxy that answers 404 pages: a connection leaves the state only on
 * the API's own word. `refresh` keeps every connection and `destroy` fails without forgetting
 * any; a base URL without the API's path fails naming the setting; a rename whose answer was lost
 * leaves a stack that the next plain `pulumi up` converges.
 */
import { GATEWAY_404S, HostileServer, startHostile } from "../helpers/hostile";
import { emulatorState, engineProject, EngineProject, ResourceSpec } from "./harness";

jest.setTimeout(600_000);

let p: EngineProject;
let hostile: HostileServer;

const RESOURCES: ResourceSpec[] = [
  {
    kind: "aws",
    name: "footage",
    args: { name: "gone-aws", awsAccountId: "123456789012", awsRegion: "us-east-2" },
  },
  {
    kind: "vimeo",
    name: "channel",
    args: { name: "gone-vimeo", clientIdentifier: "gone-client" },
    secrets: { clientSecret: "gone-client-secret-1234", accessToken: "gone-access-token-5678" },
  },
  {
    kind: "apinizer",
    name: "mail",
    args: {
      projectName: "demo",
      name: "gone-mail",
      type: "email",
      host: "smtp.example.com",
      auth: true,
      username: "robot",
    },
    secrets: { password: "gone-smtp-password-4321" },
  },
];

function forward(): void {
  hostile.reset({ kind: "proxy", target: p.emulator.url });
}

async function setBaseUrls(pictory: string, apinizer: string): Promise<void> {
  await p.stack.setAllConfig({
    "pictory:baseUrl": { value: pictory },
    "apinizer:baseUrl": { value: apinizer },
  });
}

/** The connection names the state holds, by kind token suffix. */
function stateNames(): string[] {
  return p
    .exportStack()
    .resources.filter((r) => /Connection$/.test(r.type))
    .map((r) => String(r.outputs?.name))
    .sort();
}

async function emulatorNames(): Promise<string[]> {
  const s = await emulatorState(p.emulator);
  return [
    ...s.pictory.aws.map((c) => String(c.name)),
    ...s.pictory.vimeo.map((c) => String(c.name)),
    ...(s.apinizer.demo ?? []).map((c) => String(c.name)),
  ].sort();
}

beforeAll(async () => {
  p = await engineProject("gone");
  hostile = await startHostile({ mode: { kind: "proxy", target: p.emulator.url } });
  await setBaseUrls(`${hostile.url}/pictoryapis`, `${hostile.url}/apiops`);
  await p.stack.setAllConfig({ "connections:retryMaxDelayMs": { value: "200" } });
  await p.setResources(RESOURCES);
  const up = await p.runPulumi(["up", "--yes", "--skip-preview"]);
  expect(up.code).toBe(0);
});
afterAll(async () => {
  await hostile?.stop();
  await p?.close();
});

describe("a connection leaves the state only on the API's own word", () => {
  const ALL = ["gone-aws", "gone-mail", "gone-vimeo"];

  it("through a proxy answering 404 pages, refresh keeps and destroy forgets no connection", async () => {
    expect(stateNames()).toEqual(ALL);
    for (const page of [GATEWAY_404S[0]!, GATEWAY_404S[2]!]) {
      hostile.reset(page);
      const refresh = await p.runPulumi(["refresh", "--yes", "--skip-preview"]);
      expect(refresh.code).not.toBe(0);
      expect(refresh.output).toMatch(/answered 404 with/);
      expect(stateNames()).toEqual(ALL);

      const destroy = await p.runPulumi(["destroy", "--yes", "--skip-preview"]);
      expect(destroy.code).not.toBe(0);
      expect(stateNames()).toEqual(ALL);
      expect(await emulatorNames()).toEqual(ALL);
    }
    forward();
    const clean = await p.runPulumi(["preview", "--refresh", "--expect-no-changes"]);
    expect(clean.code).toBe(0);
  });

  it("with base URLs missing their path, the error names the setting and keeps the state", async () => {
    await setBaseUrls(hostile.url, hostile.url);
    try {
      // The program runs, so the providers get this config rather than the state's.
      const refresh = await p.runPulumi(["refresh", "--yes", "--skip-preview", "--run-program"]);
      expect(refresh.code).not.toBe(0);
      expect(refresh.output).toContain("pictory:baseUrl");
      expect(refresh.output).toContain("/pictoryapis");
      expect(refresh.output).toContain("apinizer:baseUrl");
      expect(refresh.output).toContain("/apiops");
      expect(stateNames()).toEqual(ALL);
    } finally {
      await setBaseUrls(`${hostile.url}/pictoryapis`, `${hostile.url}/apiops`);
    }
  });

  it("a rename whose answer was lost leaves a stack the next plain up converges", async () => {
    forward();
    // The emulator applies the rename; the proxy then drops the connection instead of answering.
    hostile.setMode(
      { kind: "proxy", target: p.emulator.url, reset: true },
      { method: "PUT", pathIncludes: "/connections/gone-mail/", times: 1 },
    );
    await p.setResources(
      RESOURCES.map((r) =>
        r.kind === "apinizer" ? { ...r, args: { ...r.args, name: "gone-mail-renamed" } } : r,
      ),
    );
    await p.runPulumi(["up", "--yes", "--skip-preview"]);
    expect(hostile.requests().filter((q) => q.method === "PUT").length).toBeGreaterThanOrEqual(2);
    const next = await p.runPulumi(["up", "--yes", "--skip-preview"]);
    expect(next.code).toBe(0);
    const clean = await p.runPulumi(["preview", "--refresh", "--expect-no-changes"]);
    expect(clean.code).toBe(0);
    expect(await emulatorNames()).toEqual(["gone-aws", "gone-mail-renamed", "gone-vimeo"]);
    expect(stateNames()).toEqual(["gone-aws", "gone-mail-renamed", "gone-vimeo"]);
    const destroy = await p.runPulumi(["destroy", "--yes", "--skip-preview"]);
    expect(destroy.code).toBe(0);
    expect(await emulatorNames()).toEqual([]);
  });
});
