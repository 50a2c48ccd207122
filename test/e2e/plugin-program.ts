/**
 * The native plugins through the real engine, from an example program (examples/yaml,
 * examples/go): both plugins installed from the archives `npm run build` writes, the three kinds,
 * a secret from config, an explicit provider with its own key reaching a second account, and a
 * lookup. `up`, a preview with no changes, `pulumi import` of a connection made by hand followed
 * by a preview with no changes, and `destroy`; no credential or secret in plaintext in the state.
 * Each language's test file runs {@link pluginProgramSuite} once: one program per file, because a
 * Go program's first build takes minutes.
 */
import { execFile } from "node:child_process";
import {
  accessSync,
  constants,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RunningEmulator, startEmulator } from "../../emulator";
import { PLUGIN_VERSION } from "../../provider/plugin/schema";
import { installPlugins } from "../../scripts/build-plugins";
import { ensurePulumi, localEnv } from "../../scripts/workspace";
import { emulatorState } from "../helpers/emulator";
import { leaks } from "./harness";

const ROOT = path.resolve(__dirname, "..", "..");
const SECOND_KEY = "pictai_second_account_key";
const SECRETS = {
  vimeoClientSecret: "yaml-vimeo-client-secret-5e1f",
  vimeoAccessToken: "yaml-vimeo-access-token-8c2d",
  secondApiKey: SECOND_KEY,
};
const CREDENTIALS = ["pictai_emulator_key", "apinizer_emulator_token", ...Object.values(SECRETS)];

/** A language host (`pulumi-language-yaml`): next to the CLI that ensure-pulumi.sh built, or on PATH. */
function languageHostDir(runtime: string): string {
  const host = `pulumi-language-${runtime}`;
  const dirs = [ensurePulumi(), ...(process.env.PATH ?? "").split(path.delimiter)];
  for (const dir of dirs) {
    try {
      accessSync(path.join(dir, host), constants.X_OK);
      return dir;
    } catch {
      // not here
    }
  }
  throw new Error(
    `${host} is not installed: run \`bash scripts/ensure-pulumi.sh\`, or put it on PATH`,
  );
}

/** Rewrites a file's text; fails when `from` is not in it, so a changed example is noticed. */
export function editFile(file: string, from: string, to: string): void {
  const text = readFileSync(file, "utf8");
  if (!text.includes(from)) throw new Error(`${file} no longer holds ${JSON.stringify(from)}`);
  writeFileSync(file, text.replace(from, to));
}

/** One example program the suite runs. */
export interface PluginProgram {
  /** The Pulumi runtime, and the folder under examples/ that holds the program. */
  readonly runtime: "yaml" | "go";
  /** The files of the program, copied from examples/<runtime> into a fresh project folder. */
  readonly files: readonly string[];
  /** Makes the copied program build where it is (a Go module's `replace` of the SDK). */
  prepare?(dir: string): void;
  /**
   * Adds to the program in `dir` the declaration of the imported AWS connection `handmade`:
   * name `handmade`, account 111122223333, region us-west-2.
   */
  declareHandmade(dir: string): void;
  /**
   * Whether the language host writes the imported resource's code, which `pulumi import` prints.
   * @default true
   */
  readonly generatesCode?: boolean;
  /**
   * Also compares the schemas the installed plugins serve with the committed ones.
   * @default false
   */
  readonly checkSchemas?: boolean;
  /**
   * Timeout of the lifecycle test, ms (a Go program is built on its first run).
   * @default 600000
   */
  readonly timeoutMs?: number;
}

interface Run {
  code: number | null;
  output: string;
}

/** Registers the suite for one example program: call it once, at the top of a test file. */
export function pluginProgramSuite(program: PluginProgram): void {
  let emulator: RunningEmulator;
  let work: string;
  let env: Record<string, string>;

  function pulumi(args: readonly string[]): Promise<Run> {
    return new Promise((resolve) => {
      execFile(
        "pulumi",
        [...args, "--non-interactive", "--color", "never"],
        { cwd: path.join(work, "project"), env: { ...process.env, ...env }, maxBuffer: 64 << 20 },
        (error, stdout, stderr) =>
          resolve({
            code: error ? ((error.code as number | undefined) ?? 1) : 0,
            output: stdout + stderr,
          }),
      );
    });
  }

  async function ok(args: readonly string[]): Promise<string> {
    const run = await pulumi(args);
    if (run.code !== 0)
      throw new Error(`pulumi ${args.join(" ")} failed (${run.code}):\n${run.output}`);
    return run.output;
  }

  function stateText(): string {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else out.push(readFileSync(p, "utf8"));
      }
    };
    walk(path.join(work, "state", "backend"));
    return out.join("\n");
  }

  beforeAll(async () => {
    emulator = await startEmulator({ extraTenants: [{ pictoryApiKey: SECOND_KEY }] });
    work = mkdtempSync(path.join(os.tmpdir(), `pcx-plugin-${program.runtime}-`));
    mkdirSync(path.join(work, "project"));
    mkdirSync(path.join(work, "state", "backend"), { recursive: true });
    for (const file of program.files)
      copyFileSync(
        path.join(ROOT, "examples", program.runtime, file),
        path.join(work, "project", file),
      );
    program.prepare?.(path.join(work, "project"));
    const base = localEnv(path.join(work, "state"));
    env = { ...base, PATH: [languageHostDir(program.runtime), base.PATH].join(path.delimiter) };
    for (const k of [
      "PICTORY_API_KEY",
      "PICTORY_BASE_URL",
      "APINIZER_TOKEN",
      "APINIZER_BASE_URL",
      "PICTORY_ACCOUNTS",
    ])
      env[k] = "";
    installPlugins(env);
    await ok(["stack", "init", "dev"]);
    const set = (key: string, value: string, secret = false) =>
      ok(["config", "set", ...(secret ? ["--secret"] : []), key, value]);
    await set("pictory:apiKey", "pictai_emulator_key", true);
    await set("pictory:baseUrl", `${emulator.url}/pictoryapis`);
    await set("apinizer:token", "apinizer_emulator_token", true);
    await set("apinizer:baseUrl", `${emulator.url}/apiops`);
    for (const [k, v] of Object.entries(SECRETS)) await set(k, v, true);
    await set("secondBaseUrl", `${emulator.url}/pictoryapis`);
  });

  afterAll(async () => {
    await emulator?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe(`native plugins from the ${program.runtime} program in examples/${program.runtime}`, () => {
    if (program.checkSchemas)
      it("serve the committed schemas, which the CLI binds", async () => {
        for (const pkg of ["pictory", "apinizer"]) {
          const served = JSON.parse(await ok(["package", "get-schema", pkg])) as Record<
            string,
            object
          >;
          const committed = JSON.parse(
            readFileSync(path.join(ROOT, "schema", `${pkg}.json`), "utf8"),
          ) as Record<string, object>;
          for (const section of ["resources", "functions", "types"] as const)
            expect(Object.keys(served[section]!).sort()).toEqual(
              Object.keys(committed[section]!).sort(),
            );
          expect(served.version).toBe(PLUGIN_VERSION);
        }
      });

    it(
      "up, a no-change preview, import, a no-change preview, destroy",
      async () => {
        const up = await ok(["up", "--yes", "--skip-preview"]);
        const mine = await emulatorState(emulator.url);
        const second = await emulatorState(emulator.url, SECOND_KEY);
        expect(mine.pictory.aws.map((c) => c.name)).toEqual([
          expect.stringMatching(/^media-[0-9a-f]{7}$/),
        ]);
        expect(mine.pictory.vimeo.map((c) => c.name)).toEqual(["uploads"]);
        // The explicit provider's own key reached the second account, and only there.
        expect(second.pictory.aws.map((c) => c.name)).toEqual(["archive"]);
        expect(
          Object.values(mine.apinizer)
            .flat()
            .map((c) => c.name),
        ).toEqual(["mail"]);
        // The lookup read the connection the program made.
        const outputs = JSON.parse(
          await ok(["stack", "output", "--json", "--show-secrets"]),
        ) as Record<string, string>;
        expect(outputs.mediaName).toBe(mine.pictory.aws[0]!.name);
        expect(outputs.mailId).toBe("demo/mail");

        const state = JSON.parse(await ok(["stack", "export"])) as {
          deployment: {
            resources: {
              type: string;
              inputs?: Record<string, unknown>;
              outputs?: Record<string, unknown>;
            }[];
          };
        };
        const byType = (t: string) => state.deployment.resources.filter((r) => r.type === t);
        const ciphertext = expect.objectContaining({ ciphertext: expect.any(String) });
        for (const p of byType("pulumi:providers:pictory"))
          expect(p.inputs?.apiKey).toEqual(ciphertext);
        for (const v of byType("pictory:index:VimeoConnection")) {
          expect(v.outputs?.clientSecret).toEqual(ciphertext);
          expect(v.outputs?.accessToken).toEqual(ciphertext);
        }
        expect(leaks({ state: stateText(), up }, CREDENTIALS)).toEqual([]);

        emulator.clearRequests();
        await ok(["preview", "--expect-no-changes"]);
        // A refresh reads every connection with its own provider's key; nothing has drifted.
        await ok(["refresh", "--yes", "--skip-preview"]);
        await ok(["preview", "--expect-no-changes"]);
        expect(emulator.requests().filter((r) => r.method !== "GET")).toEqual([]);

        // A connection made by hand, imported, then declared: the program matches it exactly.
        const res = await fetch(`${emulator.url}/pictoryapis/v1/awsconnections`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: "pictai_emulator_key" },
          body: JSON.stringify({
            name: "handmade",
            awsAccountId: "111122223333",
            awsRegion: "us-west-2",
            enabled: true,
          }),
        });
        expect(res.ok).toBe(true);
        const made = (await emulatorState(emulator.url)).pictory.aws.find(
          (c) => c.name === "handmade",
        )!;
        const id = String(made.connectionId);
        const imported = await ok([
          "import",
          "pictory:index:AwsConnection",
          "handmade",
          id,
          "--yes",
          "--protect=false",
          ...(program.generatesCode === false ? ["--generate-code=false"] : []),
        ]);
        expect(imported).toContain("handmade");
        program.declareHandmade(path.join(work, "project"));
        await ok(["preview", "--expect-no-changes"]);

        await ok(["destroy", "--yes", "--skip-preview"]);
        const after = await emulatorState(emulator.url);
        expect(after.pictory.aws).toEqual([]);
        expect(after.pictory.vimeo).toEqual([]);
        expect((await emulatorState(emulator.url, SECOND_KEY)).pictory.aws).toEqual([]);
        expect(Object.values(after.apinizer).flat()).toEqual([]);
      },
      program.timeoutMs ?? 600_000,
    );
  });
}
