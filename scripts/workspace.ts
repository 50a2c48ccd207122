import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";

/** The repository root: the nearest folder up whose package.json is this package's. */
export const REPO_ROOT = findRoot(__dirname);

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (
      existsSync(manifest) &&
      JSON.parse(readFileSync(manifest, "utf8")).name === "pulumi-connections"
    )
      return dir;
    if (path.dirname(dir) === dir)
      throw new Error(`no pulumi-connections package.json above ${start}`);
  }
}

let binDir: string | undefined;

/** Runs scripts/ensure-pulumi.sh once per process and returns the bin directory it prints. */
export function ensurePulumi(): string {
  if (binDir) return binDir;
  const out = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "ensure-pulumi.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  binDir = out.trim().split("\n").pop()!;
  return binDir;
}

export interface LocalStackOptions {
  /** The Pulumi project directory (holds Pulumi.yaml). */
  readonly workDir: string;
  readonly stackName: string;
  /** Folder for the file:// backend and PULUMI_HOME. */
  readonly stateDir: string;
  /** Stack config, `key` → value; `secret` values are encrypted with the passphrase. */
  readonly config?: Readonly<Record<string, { value: string; secret?: boolean }>>;
  /** Extra environment for the CLI, the program and the provider. */
  readonly env?: Readonly<Record<string, string>>;
}

/** The passphrase of local stacks made by the quickstart and the tests: they hold no real secret. */
export const LOCAL_PASSPHRASE = "pulumi-connections-local";

/** Environment that keeps the CLI local: file backend, passphrase secrets, no update checks or plugin downloads. */
export function localEnv(
  stateDir: string,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const bin = ensurePulumi();
  const nodeBin = path.join(REPO_ROOT, "node_modules", ".bin");
  return {
    PATH: [bin, nodeBin, process.env.PATH ?? ""].join(path.delimiter),
    PULUMI_BACKEND_URL: `file://${path.join(stateDir, "backend")}`,
    PULUMI_HOME: path.join(stateDir, "home"),
    PULUMI_CONFIG_PASSPHRASE: LOCAL_PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    ...extra,
  };
}

/** Creates (or selects) a stack on a local file backend and sets its config. */
export async function localStack(opts: LocalStackOptions): Promise<Stack> {
  mkdirSync(path.join(opts.stateDir, "backend"), { recursive: true });
  mkdirSync(path.join(opts.stateDir, "home"), { recursive: true });
  const envVars = localEnv(opts.stateDir, opts.env);
  const pulumiCommand = await PulumiCommand.get({
    root: path.dirname(ensurePulumi()),
    skipVersionCheck: true,
  });
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: opts.stackName, workDir: opts.workDir },
    { envVars, pulumiHome: envVars.PULUMI_HOME, pulumiCommand, secretsProvider: "passphrase" },
  );
  if (opts.config && Object.keys(opts.config).length > 0) {
    await stack.setAllConfig(
      Object.fromEntries(
        Object.entries(opts.config).map(([k, v]) => [
          k,
          { value: v.value, secret: v.secret ?? false },
        ]),
      ),
    );
  }
  return stack;
}

/** Stack config that points the provider at an emulator with its default credentials. */
export function emulatorConfig(
  emulatorUrl: string,
): Record<string, { value: string; secret?: boolean }> {
  return {
    "pictory:apiKey": { value: "pictai_emulator_key", secret: true },
    "pictory:baseUrl": { value: `${emulatorUrl}/pictoryapis` },
    "apinizer:token": { value: "apinizer_emulator_token", secret: true },
    "apinizer:baseUrl": { value: `${emulatorUrl}/apiops` },
  };
}

/** {@link emulatorConfig} as plain values, the way the provider's `configure` sees them. */
export function emulatorConfigValues(emulatorUrl: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(emulatorConfig(emulatorUrl)).map(([k, v]) => [k, v.value]),
  );
}
