import { readFileSync } from "node:fs";
import * as path from "node:path";

/**
 * Makes an Automation API inline program work from any working directory.
 *
 * Pulumi runs dynamic resources in a provider host that its `pulumi-resource-pulumi-nodejs`
 * script finds with `node -e "require.resolve('@pulumi/pulumi/cmd/dynamic-provider')"`, started
 * in the project's folder; the host then loads this package's provider from that folder too
 * (require-from-string resolves from the working directory). For an inline program that folder
 * is the driver's working directory (`LocalWorkspace`'s default project has
 * `main: process.cwd()`), which need not hold the `node_modules` the driver was installed with:
 * run from elsewhere, the host fails with `Cannot find module
 * '@pulumi/pulumi/cmd/dynamic-provider'`. The host inherits the CLI's environment, and the
 * Automation API starts the CLI with this process's, so adding the folders that hold
 * `@pulumi/pulumi` and this package to `NODE_PATH` (a fallback Node consults after the folder's
 * own `node_modules`) lets it find both.
 *
 * Nothing is changed inside a program that the Pulumi CLI runs (its language host sets
 * `PULUMI_NODEJS_MONITOR`; its folder is the project's, which resolves both), nor when the working
 * directory resolves both already. It takes effect for the CLI runs started after this package
 * was first imported, so a driver imports it at the top, as usual, not inside the program.
 *
 * @returns the folders added to `NODE_PATH`; empty when none was needed
 */
export function exposeToProviderHost(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): string[] {
  if (env.PULUMI_NODEJS_MONITOR !== undefined) return [];
  if (resolvesFrom(cwd, "@pulumi/pulumi/cmd/dynamic-provider", env) && resolvesFrom(cwd, SELF, env))
    return [];
  const current = (env.NODE_PATH ?? "").split(path.delimiter).filter((p) => p !== "");
  const missing = [...new Set(installFolders())].filter((dir) => !current.includes(dir));
  if (missing.length === 0) return [];
  env.NODE_PATH = [...current, ...missing].join(path.delimiter);
  return missing;
}

/** How the provider host names this package (the shims Pulumi stores in state require it so). */
const SELF = "pulumi-connections/package.json";

function resolvesFrom(dir: string, request: string, env: NodeJS.ProcessEnv): boolean {
  const extra = (env.NODE_PATH ?? "").split(path.delimiter).filter((p) => p !== "");
  try {
    require.resolve(request, { paths: [dir, ...extra] });
    return true;
  } catch {
    return false;
  }
}

/**
 * The `node_modules` folders that hold `@pulumi/pulumi` and this package, as installed. In a
 * checkout (not installed) this package's folder is not inside a `node_modules` and is skipped.
 */
function installFolders(): string[] {
  const out: string[] = [];
  const root = packageRoot(__dirname);
  const self = root === undefined ? undefined : path.dirname(root);
  if (self !== undefined && path.basename(self) === "node_modules") out.push(self);
  try {
    const sdk = require.resolve("@pulumi/pulumi/package.json");
    out.push(path.dirname(path.dirname(path.dirname(sdk))));
  } catch {
    // Without @pulumi/pulumi nothing here runs at all.
  }
  return out;
}

/**
 * The folder of this package's package.json, found by walking up rather than by a fixed depth, so
 * that where the SDK sits inside the package (`dist/sdk/nodejs/`) can change.
 */
function packageRoot(from: string): string | undefined {
  for (let d = from; d !== path.dirname(d); d = path.dirname(d)) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(d, "package.json"), "utf8")) as {
        name?: unknown;
      };
      if (manifest.name === "pulumi-connections") return d;
    } catch {
      // No package.json here, or not JSON: keep walking up.
    }
  }
  return undefined;
}
