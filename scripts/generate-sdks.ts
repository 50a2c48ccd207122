/**
 * Second half of `npm run generate`: the Go, Python and .NET SDKs of the Pulumi packages described
 * by schema/*.json, written with Pulumi's own code generators (the Go programs in scripts/sdkgen).
 * `pulumi package gen-sdk` would do the same, but it asks the language host for the SDK, and the
 * hosts that can be built here from published Go modules predate that request.
 *
 * The output is committed under sdk/go (one Go module for every package), sdk/python/<package> and
 * sdk/dotnet/<package>. `--check` regenerates into a temporary folder and fails when any file
 * differs, is missing or is left over; test/unit/generated-sdks.test.ts runs it. Needs Go (and the Go
 * module proxy for the Pulumi SDK the Go SDK's go.sum pins).
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "./workspace";

/** Where the schemas are read from, relative to the repository root. */
export const SCHEMA_DIR = "schema";
/** The SDK folders this script owns entirely: anything else in them is stale. */
export const SDK_DIRS = ["sdk/go", "sdk/python", "sdk/dotnet"] as const;
/**
 * The Go SDK's module path when a schema names no `language.go.importBasePath`; package `<name>` is
 * imported as `<module>/<name>`, and every schema must agree on the module.
 */
export const GO_MODULE = "github.com/pulumi-connections/pulumi-connections/sdk/go";

/**
 * Options a schema leaves out get these. Every SDK asks the engine for the plugin version the schema
 * declares (rather than the SDK package's own version, which a checkout does not have); Python is
 * packaged with pyproject.toml.
 */
function languageDefaults(name: string): Record<string, Record<string, unknown>> {
  return {
    go: { importBasePath: `${GO_MODULE}/${name}`, respectSchemaVersion: true },
    python: { respectSchemaVersion: true, pyproject: { enabled: true } },
    csharp: { respectSchemaVersion: true },
  };
}

const GO_ENV = { ...process.env, CGO_ENABLED: "0" };

function run(cmd: string, args: readonly string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, env: GO_ENV, encoding: "utf8" });
  if (r.error) {
    throw new Error(
      `could not run ${cmd} (${r.error.message}); the SDK generators need Go 1.25 or later on PATH`,
      { cause: r.error },
    );
  }
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} in ${cwd} exited ${r.status}:\n${r.stderr}`);
  }
}

/** The Pulumi Go SDK version the generator is pinned to, so the Go SDK requires the same one. */
function pulumiSdkVersion(root: string): string {
  const mod = readFileSync(path.join(root, "scripts/sdkgen/go.mod"), "utf8");
  const m = /github\.com\/pulumi\/pulumi\/sdk\/v3 (v\S+)/.exec(mod);
  if (!m) throw new Error("scripts/sdkgen/go.mod does not require github.com/pulumi/pulumi/sdk/v3");
  return m[1]!;
}

/**
 * Every schema under schema/, with the language defaults filled in, written to `dir`; and the Go
 * module that holds every package.
 */
function prepareSchemas(root: string, dir: string): { schemas: string[]; goModule: string } {
  const source = path.join(root, SCHEMA_DIR);
  const files = existsSync(source)
    ? readdirSync(source)
        .filter((f) => f.endsWith(".json"))
        .sort()
    : [];
  const modules = new Set<string>();
  const schemas = files.map((file) => {
    const spec = JSON.parse(readFileSync(path.join(source, file), "utf8")) as {
      name?: unknown;
      language?: Record<string, Record<string, unknown>>;
    };
    if (typeof spec.name !== "string" || !/^[a-z][a-z0-9]*$/.test(spec.name)) {
      throw new Error(
        `${SCHEMA_DIR}/${file}: expected a package name of lowercase letters and digits, got ${JSON.stringify(spec.name)}`,
      );
    }
    const language = { ...spec.language };
    for (const [lang, defaults] of Object.entries(languageDefaults(spec.name))) {
      language[lang] = { ...defaults, ...language[lang] };
    }
    const importBasePath = String(language.go!.importBasePath);
    if (path.posix.basename(importBasePath) !== spec.name) {
      throw new Error(
        `${SCHEMA_DIR}/${file}: expected language.go.importBasePath to end in /${spec.name}, got ${importBasePath}`,
      );
    }
    modules.add(path.posix.dirname(importBasePath));
    const target = path.join(dir, file);
    writeFileSync(target, JSON.stringify({ ...spec, language }, null, 2));
    return target;
  });
  if (modules.size > 1) {
    throw new Error(
      `expected every schema's language.go.importBasePath in one Go module (sdk/go), got ${[...modules].join(", ")}`,
    );
  }
  return { schemas, goModule: [...modules][0] ?? GO_MODULE };
}

/** Generates every SDK into `out` (go/, python/, dotnet/); returns false when there is no schema. */
export function generateSdks(out: string, root = REPO_ROOT): boolean {
  const work = mkdtempSync(path.join(tmpdir(), "sdkgen-"));
  try {
    const { schemas, goModule } = prepareSchemas(root, work);
    if (schemas.length === 0) return false;
    const tools = path.join(root, ".tools", "sdkgen");
    const sdkgen = path.join(tools, "sdkgen");
    const dotnet = path.join(tools, "sdkgen-dotnet");
    // go build is a no-op apart from linking when nothing changed.
    run("go", ["build", "-trimpath", "-o", sdkgen, "."], path.join(root, "scripts/sdkgen"));
    run("go", ["build", "-trimpath", "-o", dotnet, "."], path.join(root, "scripts/sdkgen/dotnet"));
    run(sdkgen, ["-out", out, ...schemas], work);
    run(dotnet, ["-out", out, ...schemas], work);
    const goDir = path.join(out, "go");
    writeFileSync(
      path.join(goDir, "go.mod"),
      `module ${goModule}\n\ngo 1.24\n\nrequire github.com/pulumi/pulumi/sdk/v3 ${pulumiSdkVersion(root)}\n`,
    );
    // The complete go.mod and go.sum are part of the generated tree, so a stale go.sum is caught too.
    run("go", ["mod", "tidy"], goDir);
    return true;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** The files under `sdkDir` (relative to the root) that differ from, lack or add to `generatedDir`. */
export function staleFiles(generatedDir: string, sdkDir: string, root = REPO_ROOT): string[] {
  const committed = path.join(root, sdkDir);
  const want = listFiles(generatedDir);
  const have = new Set(listFiles(committed));
  const stale = want.filter(
    (f) =>
      !have.has(f) ||
      !readFileSync(path.join(generatedDir, f)).equals(readFileSync(path.join(committed, f))),
  );
  const wanted = new Set(want);
  stale.push(...[...have].filter((f) => !wanted.has(f)));
  return stale.map((f) => path.join(sdkDir, f)).sort();
}

function main(): void {
  const check = process.argv.includes("--check");
  const out = mkdtempSync(path.join(tmpdir(), "sdks-"));
  try {
    if (!generateSdks(out)) {
      process.stdout.write(`no schemas under ${SCHEMA_DIR}/: no SDKs to generate\n`);
      return;
    }
    const stale: string[] = [];
    for (const sdkDir of SDK_DIRS) {
      const generated = path.join(out, path.basename(sdkDir));
      const files = staleFiles(generated, sdkDir);
      stale.push(...files);
      if (!check && files.length > 0) {
        const target = path.join(REPO_ROOT, sdkDir);
        rmSync(target, { recursive: true, force: true });
        mkdirSync(path.dirname(target), { recursive: true });
        cpSync(generated, target, { recursive: true });
      }
    }
    if (check && stale.length > 0) {
      process.stderr.write(
        `stale generated SDK files: ${stale.join(", ")}; run \`npm run generate\`\n`,
      );
      process.exitCode = 1;
      return;
    }
    process.stdout.write(
      stale.length === 0 ? "generated SDKs are up to date\n" : `wrote ${stale.join(", ")}\n`,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (require.main === module) {
  try {
    main();
  } catch (e: unknown) {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  }
}
