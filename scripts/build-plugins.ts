/**
 * Part of `npm run build`: the native plugins `pulumi-resource-pictory` and
 * `pulumi-resource-apinizer`, each a folder with one bundled script (the provider and everything
 * it requires, so installing it runs no `npm install`) and a launcher that runs it with Node.js
 * 22+ from PATH, and each packed as the archive `pulumi plugin install resource <pkg> <version>
 * --file <archive>` takes:
 *
 *   dist/plugins/<pkg>/pulumi-resource-<pkg>            the launcher (sh)
 *   dist/plugins/<pkg>/pulumi-resource-<pkg>.js         the bundle
 *   dist/plugins/pulumi-resource-<pkg>-v<version>-linux-amd64.tar.gz
 *
 * A single executable (Node's SEA) would spare users Node.js, but it is 100 MB per plugin and per
 * platform; every user of these plugins runs Pulumi programs, and Node.js 22+ is all this needs.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { build } from "esbuild";
import { PLUGIN_VERSION } from "../provider/plugin/schema";
import { PACKAGES } from "../provider/plugin/tokens";
import { ensurePulumi, REPO_ROOT } from "./workspace";

/** The launcher: `exec`, so the engine's plugin process is Node itself and signals reach it. */
function launcher(pkg: string): string {
  return `#!/bin/sh
# Pulumi resource plugin "${pkg}" v${PLUGIN_VERSION} (pulumi-connections): runs the bundled
# provider with Node.js 22 or later from PATH, or from PULUMI_CONNECTIONS_NODE when set.
exec "\${PULUMI_CONNECTIONS_NODE:-node}" "$(dirname "$0")/pulumi-resource-${pkg}.js" ${pkg} "$@"
`;
}

/** The archive `npm run build` writes for a package, in `out`. */
export function pluginArchive(pkg: string, out = path.join(REPO_ROOT, "dist", "plugins")): string {
  return path.join(out, `pulumi-resource-${pkg}-v${PLUGIN_VERSION}-linux-amd64.tar.gz`);
}

/**
 * Installs both plugins from the archives `npm run build` wrote, as a user would, into the
 * PULUMI_HOME `env` names (with the CLI ensure-pulumi.sh built).
 */
export function installPlugins(env: Readonly<Record<string, string>>): void {
  for (const pkg of PACKAGES) {
    execFileSync(
      path.join(ensurePulumi(), "pulumi"),
      ["plugin", "install", "resource", pkg, PLUGIN_VERSION, "--file", pluginArchive(pkg)],
      { env: { ...process.env, ...env }, stdio: "pipe" },
    );
  }
}

export async function buildPlugins(
  out = path.join(REPO_ROOT, "dist", "plugins"),
): Promise<string[]> {
  rmSync(out, { recursive: true, force: true });
  const archives: string[] = [];
  for (const pkg of PACKAGES) {
    const dir = path.join(out, pkg);
    mkdirSync(dir, { recursive: true });
    await build({
      entryPoints: [path.join(REPO_ROOT, "provider", "plugin", "main.ts")],
      outfile: path.join(dir, `pulumi-resource-${pkg}.js`),
      bundle: true,
      platform: "node",
      target: "node22",
      format: "cjs",
      legalComments: "linked",
      logLevel: "warning",
    });
    const bin = path.join(dir, `pulumi-resource-${pkg}`);
    writeFileSync(bin, launcher(pkg));
    chmodSync(bin, 0o755);
    const archive = pluginArchive(pkg, out);
    execFileSync("tar", ["-czf", archive, "-C", dir, "."]);
    archives.push(archive);
  }
  return archives;
}

if (require.main === module) {
  buildPlugins().then(
    (archives) =>
      process.stdout.write(`${archives.map((a) => path.relative(REPO_ROOT, a)).join("\n")}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
