import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import * as path from "node:path";

/**
 * Packs the package once per test run (the engine tests install the tarball, as users do: a linked
 * checkout would be serialized by value) and makes sure the Pulumi CLI is there.
 */
export default function globalSetup(): void {
  const root = path.resolve(__dirname, "..");
  // One folder per run: two jest runs at once (two terminals, a bench) must not repack under each other.
  const packDir = path.join(root, ".e2e-work", `pack-${process.pid}`);
  rmSync(packDir, { recursive: true, force: true });
  mkdirSync(packDir, { recursive: true });
  const out = execFileSync("npm", ["pack", "--silent", "--pack-destination", packDir], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  process.env.E2E_TARBALL = path.join(packDir, out.trim().split("\n").pop()!);
  const bin = execFileSync("bash", [path.join(root, "scripts", "ensure-pulumi.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  process.env.PULUMI_BIN_DIR = bin.trim().split("\n").pop()!;
}
