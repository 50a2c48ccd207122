/**
 * The package as a user installs it: the packed tarball, in a project of its own outside this
 * repository that already has an older supported `@pulumi/pulumi`. npm must install no second
 * copy of the SDK, the tarball must ship no source maps that point at sources it lacks, and a
 * program must run on that older SDK through the real engine.
 */
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { RunningEmulator, startEmulator } from "../../emulator";
import { emulatorConfigValues, localEnv } from "../../scripts/workspace";

jest.setTimeout(600_000);

/** The oldest `@pulumi/pulumi` that package.json's range admits. */
const OLDEST_SDK = "3.200.0";

const tarball = () => {
  const t = process.env.E2E_TARBALL;
  if (!t) throw new Error("E2E_TARBALL is not set: run the engine tests through jest");
  return t;
};

let dir: string;
let emulator: RunningEmulator;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "connections-user-"));
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.stop();
  if (!process.env.KEEP_PACKAGE_TEST) rmSync(dir, { recursive: true, force: true });
});

describe("the packed package", () => {
  it("ships compiled code and declarations only: no source maps, no TypeScript sources", () => {
    const files = execFileSync("tar", ["-tzf", tarball()], { encoding: "utf8" }).split("\n");
    expect(files).toContain("package/dist/sdk/nodejs/index.js");
    expect(files).toContain("package/dist/provider/shims/pictory-aws-connection.js");
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    const manifest = JSON.parse(
      execFileSync("tar", ["-xzOf", tarball(), "package/package.json"], { encoding: "utf8" }),
    ) as { dependencies: Record<string, string> };
    expect(manifest.dependencies["@pulumi/pulumi"]).toBe(`^${OLDEST_SDK}`);
  });

  it(`installs next to @pulumi/pulumi ${OLDEST_SDK} without a second copy, and runs on it`, async () => {
    writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({
        name: "user-project",
        private: true,
        main: "index.js",
        dependencies: { "@pulumi/pulumi": OLDEST_SDK },
      }),
    );
    const npm = (args: string[]) =>
      spawnSync("npm", args, { cwd: dir, encoding: "utf8", env: { ...process.env } });
    const install = npm(["install", "--no-audit", "--no-fund", "--loglevel=error"]);
    expect({ status: install.status, stderr: install.stderr }).toEqual({ status: 0, stderr: "" });
    const added = npm(["install", "--no-audit", "--no-fund", "--loglevel=error", tarball()]);
    expect({ status: added.status, stderr: added.stderr }).toEqual({ status: 0, stderr: "" });

    const ls = JSON.parse(npm(["ls", "@pulumi/pulumi", "--all", "--json"]).stdout) as {
      dependencies: Record<string, { version: string; dependencies?: Record<string, unknown> }>;
    };
    expect(ls.dependencies["@pulumi/pulumi"]!.version).toBe(OLDEST_SDK);
    // The package resolves the project's copy: nothing nested under it.
    expect(ls.dependencies["pulumi-connections"]!.dependencies?.["@pulumi/pulumi"]).toEqual(
      expect.objectContaining({ version: OLDEST_SDK }),
    );
    const nested = JSON.stringify(ls).match(/"version":"3\.\d+\.\d+"/g) ?? [];
    expect(new Set(nested)).toEqual(new Set([`"version":"${OLDEST_SDK}"`]));

    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: user-project\nruntime: nodejs\n");
    writeFileSync(
      path.join(dir, "index.js"),
      `const { pictory } = require("pulumi-connections");
       const media = new pictory.AwsConnection("media", { awsAccountId: "123456789012", awsRegion: "us-east-2" });
       exports.name = media.name;
       exports.version = media.version;`,
    );
    const stateDir = path.join(dir, ".state");
    const env = { ...process.env, ...localEnv(stateDir) };
    // Asynchronous: the emulator answers from this process, which a synchronous child would block.
    const bin = path.join(localEnv(stateDir).PATH.split(path.delimiter)[0]!, "pulumi");
    const pulumi = (args: string[]) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((resolve) =>
        execFile(bin, args, { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 }, (e, stdout, stderr) =>
          resolve({ status: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
    execFileSync("mkdir", ["-p", path.join(stateDir, "backend")]);
    expect((await pulumi(["stack", "init", "dev", "--non-interactive"])).status).toBe(0);
    for (const [k, v] of Object.entries(emulatorConfigValues(emulator.url))) {
      const secret = k.endsWith("apiKey") || k.endsWith("token") ? ["--secret"] : [];
      expect((await pulumi(["config", "set", ...secret, k, v])).status).toBe(0);
    }
    const up = await pulumi(["up", "--yes", "--skip-preview", "--non-interactive"]);
    expect({ status: up.status, out: up.stdout + up.stderr }).toEqual({
      status: 0,
      out: expect.stringContaining("+ 2 created"),
    });
    const outputs = JSON.parse((await pulumi(["stack", "output", "--json"])).stdout) as {
      name: string;
      version: number;
    };
    expect(outputs.version).toBe(1);
    expect(outputs.name).toMatch(/^media-[0-9a-f]{7}$/);
    // The provider ran from the installed package, on the project's older SDK.
    expect(
      readFileSync(path.join(dir, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
    ).toContain(`"version": "${OLDEST_SDK}"`);
    expect((await pulumi(["destroy", "--yes", "--skip-preview", "--non-interactive"])).status).toBe(
      0,
    );
    expect(emulator.requests().map((r) => r.method)).toEqual(["POST", "DELETE"]);
  });
});
