/**
 * The entry point of the native plugins `pulumi-resource-pictory` and `pulumi-resource-apinizer`:
 * `node main.js <package> [engine address] [flags]`. The engine starts a plugin by name and reads
 * the port it serves on from its first line of output.
 */
import { FamilyName } from "../core/family";
import { exitWithParent, stopOnSignals } from "../core/lifecycle";
import { serve } from "./server";
import { PACKAGES } from "./tokens";

/** The oldest Node.js the provider runs on (package.json `engines`). */
const NODE_MAJOR = 22;

export async function main(argv: readonly string[]): Promise<void> {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < NODE_MAJOR) {
    process.stderr.write(
      `the ${argv[0] ?? ""} plugin needs Node.js ${NODE_MAJOR} or later, found ${process.version} at ${process.execPath}; ` +
        `put Node.js ${NODE_MAJOR}+ first on PATH, or set PULUMI_CONNECTIONS_NODE to its node binary\n`,
    );
    process.exit(2);
  }
  const pkg = argv[0] as FamilyName;
  if (!PACKAGES.includes(pkg)) {
    process.stderr.write(
      `expected the package to serve as the first argument (${PACKAGES.join(" or ")}), received ${JSON.stringify(pkg ?? "")}\n`,
    );
    process.exit(2);
  }
  // Requests in flight are aborted on SIGINT/SIGTERM, and the process ends with the engine that
  // started it: the CLI starts a plugin itself, so its parent is the run.
  stopOnSignals();
  exitWithParent(1_000, false);
  const { port } = await serve(pkg);
  // The engine reads the port from stdout; anything else the plugin says goes to stderr.
  process.stdout.write(`${port}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
