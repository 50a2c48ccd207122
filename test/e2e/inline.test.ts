/**
 * An Automation API inline program as users write it (examples/automation/inline.ts, built to
 * dist/examples/automation/inline.js): `LocalWorkspace.createOrSelectStack({ stackName,
 * projectName, program })`, no workDir, run from a working directory that has no node_modules.
 * Pulumi starts its dynamic-provider host there; the package must make it find @pulumi/pulumi and
 * itself, and the connection must be created, kept and destroyed through the real CLI.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { emulatorState, engineProject, EngineProject } from "./harness";
import { localEnv } from "../../scripts/workspace";

jest.setTimeout(300_000);

const EXAMPLE = path.resolve(__dirname, "..", "..", "dist", "examples", "automation", "inline.js");

let p: EngineProject;
let elsewhere: string;
beforeAll(async () => {
  // A project folder with the packed package installed, and the example script in it.
  p = await engineProject("inline");
  copyFileSync(EXAMPLE, path.join(p.dir, "inline.js"));
  elsewhere = mkdtempSync(path.join(tmpdir(), "inline-cwd-"));
});
afterAll(async () => {
  await p?.close();
  if (elsewhere) rmSync(elsewhere, { recursive: true, force: true });
});

/** Runs the example with `node`, from `cwd`, with the backend and credentials in the environment. */
function example(
  action: "up" | "destroy",
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...localEnv(p.stateDir),
    PICTORY_API_KEY: "pictai_emulator_key",
    PICTORY_BASE_URL: `${p.emulator.url}/pictoryapis`,
    STACK: "inline-dev",
  };
  delete env.NODE_PATH;
  return new Promise((resolve) =>
    execFile(
      "node",
      [path.join(p.dir, "inline.js"), action],
      { cwd, env, maxBuffer: 64 * 1024 * 1024 },
      (e, stdout, stderr) =>
        resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

describe("an inline program run from a folder without node_modules", () => {
  it("creates the connection and prints its outputs", async () => {
    const up = await example("up", elsewhere);
    expect({ code: up.code, stderr: up.code === 0 ? "" : up.stderr }).toEqual({
      code: 0,
      stderr: "",
    });
    expect(up.stderr).not.toContain("Cannot find module");
    const printed = JSON.parse(up.stdout.trim().split("\n").pop()!) as Record<string, string>;
    expect(printed.name).toMatch(/^media-[0-9a-f]{7}$/);
    const stored = (await emulatorState(p.emulator)).pictory.aws;
    expect(stored.map((c) => [c.name, c.connectionId])).toEqual([
      [printed.name, printed.connectionId],
    ]);
  });

  it("a second run changes nothing, and destroy deletes the connection", async () => {
    p.takeRequests();
    const again = await example("up", elsewhere);
    expect(again.code).toBe(0);
    expect(p.takeRequests().filter((r) => !r.startsWith("GET"))).toEqual([]);
    const destroy = await example("destroy", elsewhere);
    expect({ code: destroy.code, stderr: destroy.code === 0 ? "" : destroy.stderr }).toEqual({
      code: 0,
      stderr: "",
    });
    expect((await emulatorState(p.emulator)).pictory.aws).toEqual([]);
  });
});
