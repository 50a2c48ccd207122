import { execFileSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";
import { Stack } from "@pulumi/pulumi/automation";
import { RunningEmulator, startEmulator, EmulatorOptions } from "../../emulator";
import { emulatorConfig, ensurePulumi, localEnv, localStack } from "../../scripts/workspace";

const ROOT = path.resolve(__dirname, "..", "..");

/** One resource of the test program: its kind, Pulumi name, plain args and secret args (from config). */
export interface ResourceSpec {
  readonly kind: "aws" | "vimeo" | "apinizer";
  readonly name: string;
  readonly args: Record<string, unknown>;
  /** Field → value; passed through secret stack config, as a user would. */
  readonly secrets?: Record<string, string>;
}

/**
 * The program every engine test runs: it declares whatever the `resources` config says, so a test
 * changes the program by changing config. It requires the installed package by name.
 */
const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const { pictory, apinizer } = require("pulumi-connections");
const cfg = new pulumi.Config();
const specs = JSON.parse(cfg.require("resources"));
const classes = { aws: pictory.AwsConnection, vimeo: pictory.VimeoConnection, apinizer: apinizer.Connection };
const out = {};
for (const spec of specs) {
  const args = { ...spec.args };
  for (const field of Object.keys(spec.secrets || {})) args[field] = cfg.requireSecret("secret-" + spec.name + "-" + field);
  const r = new classes[spec.kind](spec.name, args);
  out[spec.name] = { id: r.id, name: r.name, version: r.version };
}
module.exports = out;
`;

export interface EngineProject {
  readonly dir: string;
  readonly stateDir: string;
  readonly stack: Stack;
  readonly emulator: RunningEmulator;
  /** Sets the program's resources (and their secrets in secret config). */
  setResources(resources: readonly ResourceSpec[]): Promise<void>;
  /** API requests since the last call, as "METHOD family status". */
  takeRequests(): string[];
  /** All bytes under the backend folder (state, history, backups). */
  stateBytes(): string;
  /** `pulumi stack export` as a user runs it (secrets stay encrypted, unlike the Automation API's). */
  exportStack(): { resources: { type: string; outputs?: Record<string, unknown> }[] } & Record<
    string,
    unknown
  >;
  close(): Promise<void>;
}

/** A Pulumi project in a fresh folder with the packed package extracted into its node_modules. */
export async function engineProject(
  name: string,
  emulatorOptions: EmulatorOptions = {},
): Promise<EngineProject> {
  const tarball = process.env.E2E_TARBALL;
  if (!tarball)
    throw new Error(
      "E2E_TARBALL is not set: run the engine tests through jest (test/global-setup.ts)",
    );
  // Under the repository, so that @pulumi/pulumi, undici and zod resolve from its node_modules and
  // the program and the package share one @pulumi/pulumi.
  const base = path.join(ROOT, ".e2e-work", "projects");
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, `${name}-`));
  const pkgDir = path.join(dir, "node_modules", "pulumi-connections");
  mkdirSync(pkgDir, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", pkgDir, "--strip-components=1"]);
  writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\nmain: index.js\n`);
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name, private: true, main: "index.js" }),
  );
  writeFileSync(path.join(dir, "index.js"), PROGRAM);

  const emulator = await startEmulator(emulatorOptions);
  const stateDir = path.join(dir, ".state");
  const stack = await localStack({
    workDir: dir,
    stackName: "test",
    stateDir,
    config: {
      ...emulatorConfig(emulator.url),
      "connections:retryBaseMs": { value: "50" },
      resources: { value: "[]" },
    },
  });
  let seen = 0;
  return {
    dir,
    stateDir,
    stack,
    emulator,
    async setResources(resources) {
      const config: Record<string, { value: string; secret?: boolean }> = {
        resources: {
          value: JSON.stringify(
            resources.map(({ secrets, ...r }) => ({
              ...r,
              secrets: secrets
                ? Object.fromEntries(Object.keys(secrets).map((k) => [k, true]))
                : {},
            })),
          ),
        },
      };
      for (const r of resources) {
        for (const [field, value] of Object.entries(r.secrets ?? {})) {
          config[`secret-${r.name}-${field}`] = { value, secret: true };
        }
      }
      await stack.setAllConfig(config);
    },
    takeRequests() {
      const all = emulator.requests();
      const fresh = all.slice(seen);
      seen = all.length;
      return fresh.map((r) => `${r.method} ${r.family} ${r.status}`);
    },
    stateBytes() {
      return readTree(path.join(stateDir, "backend"));
    },
    exportStack() {
      const out = execFileSync(
        path.join(ensurePulumi(), "pulumi"),
        ["stack", "export", "--stack", "test"],
        {
          cwd: dir,
          env: { ...process.env, ...localEnv(stateDir) },
          encoding: "utf8",
        },
      );
      return JSON.parse(out).deployment;
    },
    async close() {
      await emulator.stop();
    },
  };
}

function readTree(dir: string): string {
  let out = "";
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry);
    out += statSync(p).isDirectory() ? readTree(p) : readFileSync(p, "latin1");
  }
  return out;
}

/** Connections the emulator holds for the default tenant. */
export async function emulatorState(emulator: RunningEmulator): Promise<{
  pictory: { aws: Record<string, unknown>[]; vimeo: Record<string, unknown>[] };
  apinizer: Record<string, Record<string, unknown>[]>;
}> {
  const res = await fetch(`${emulator.url}/_emulator/state?tenant=pictai_emulator_key`);
  return ((await res.json()) as { tenants: never[] }).tenants[0]!;
}

export async function adminEdit(
  emulator: RunningEmulator,
  target: string,
  body: object | null,
): Promise<void> {
  const res = await fetch(`${emulator.url}/_emulator/${target}`, {
    method: body ? "PATCH" : "DELETE",
    headers: { "content-type": "application/json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`admin ${target}: ${res.status} ${await res.text()}`);
}

/** The error message of an operation expected to fail, or "" when it succeeded. */
export function failureOf(operation: Promise<unknown>): Promise<string> {
  return operation.then(
    () => "",
    (e: Error) => e.message,
  );
}
