/**
 * The Go, Python and .NET SDKs are generated from schema/*.json (`npm run generate`, through
 * scripts/generate-sdks.ts) and committed. This fails while any of them is stale, and checks that the
 * committed Go SDK builds and the Python SDK compiles, so a schema change cannot leave users of those
 * languages with an SDK that no longer matches the provider or does not build.
 *
 * Needs Go (the generators are Go programs; the first run builds them and the Pulumi Go SDK, minutes
 * on a cold cache) and python3. The .NET SDK is only generated: no .NET toolchain is assumed.
 * It runs the built script (`npm test` builds first).
 */
import { spawnSync, SpawnSyncOptions } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const MINUTES = 60_000;

function run(cmd: string, args: readonly string[], options: SpawnSyncOptions = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", ...options });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr), error: r.error };
}

function expectGoBuild(dir: string, ...args: string[]): void {
  // -mod=readonly: a go.sum that misses an entry fails here instead of being quietly completed.
  // -trimpath and CGO_ENABLED=0 as scripts/ensure-pulumi.sh builds the CLI, so the build cache
  // that build left behind serves the Pulumi SDK's packages.
  const r = run("go", ["build", "-trimpath", ...args], {
    cwd: path.join(ROOT, dir),
    env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=readonly" },
  });
  expect(r.error).toBeUndefined();
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
}

describe("generated SDKs", () => {
  it(
    "are up to date with schema/*.json; run `npm run generate` if this fails",
    () => {
      const r = run(process.execPath, [
        path.join(ROOT, "dist/scripts/generate-sdks.js"),
        "--check",
      ]);
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
      expect(r.stdout).toContain("generated SDKs are up to date");
    },
    20 * MINUTES,
  );

  it(
    "Go SDK builds with the go.sum it was generated with",
    () => {
      expectGoBuild("sdk/go", "./...");
    },
    20 * MINUTES,
  );

  it(
    "examples/go builds against the committed Go SDK",
    () => {
      expectGoBuild("examples/go", "-o", os.devNull, ".");
    },
    20 * MINUTES,
  );

  it(
    "Python SDK compiles",
    () => {
      // Byte code goes to a temporary folder: __pycache__ in sdk/python would make the tree stale.
      const cache = mkdtempSync(path.join(os.tmpdir(), "pycache-"));
      try {
        const r = run("python3", ["-m", "compileall", "-q", "sdk/python"], {
          env: { ...process.env, PYTHONPYCACHEPREFIX: cache },
        });
        expect(r.error).toBeUndefined();
        expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
          status: 0,
          stdout: "",
          stderr: "",
        });
      } finally {
        rmSync(cache, { recursive: true, force: true });
      }
    },
    MINUTES,
  );
});
