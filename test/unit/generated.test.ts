/**
 * The SDK's types, its metadata and the reference docs (docs/resources, docs/cli.md, the settings
 * and error-code tables of docs/installation-configuration.md) are generated from the declarations
 * of the resource kinds, the settings, the error codes and the CLI's options (`npm run generate`). This fails while the
 * committed output is stale, so a declaration change cannot reach users' programs or the docs
 * without them following it.
 *
 * It runs the built generator (`npm test` builds first): Prettier 3, which formats the output,
 * loads its plugins with dynamic imports that jest's module system does not run.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

describe("generated files", () => {
  it("are up to date with the declarations; run `npm run generate` if this fails", () => {
    const run = spawnSync(
      process.execPath,
      [path.join(ROOT, "dist/scripts/generate.js"), "--check"],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.stdout).toContain("generated files are up to date");
  }, 30_000);
});
