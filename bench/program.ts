import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** What a user's program pays for the SDK: loading it and declaring N connections. */
export interface ProgramResult {
  readonly n: number;
  /** `require("pulumi-connections")`, after `@pulumi/pulumi` is loaded. */
  readonly loadMs: number;
  /** Declaring the N resources until every registration has resolved. */
  readonly registerMs: number;
  /** From the process's start to the last registration. */
  readonly totalMs: number;
  /** Peak resident set size of the program process. */
  readonly peakRssMiB: number;
  /** Modules of this package and of zod the program loaded. */
  readonly providerModules: number;
  readonly zodModules: number;
}

/**
 * Runs a program process with Pulumi's mocks (no engine: this isolates the program's own cost)
 * that loads the built SDK and declares N connections, a third of each kind, the Vimeo and
 * Apinizer ones with secrets, and reports its timings and peak memory.
 */
export async function measureProgram(root: string, n: number): Promise<ProgramResult> {
  const sdk = path.join(root, "dist", "sdk", "nodejs", "index.js");
  const script = `
    const { performance } = require("node:perf_hooks");
    const pulumi = require("@pulumi/pulumi");
    pulumi.runtime.setMocks(
      { newResource: (a) => ({ id: a.name + "-id", state: a.inputs }), call: (a) => a.inputs },
      "bench", "bench", false,
    );
    const loadStart = performance.now();
    const { pictory, apinizer } = require(${JSON.stringify(sdk)});
    const loaded = performance.now();
    const resources = [];
    for (let i = 0; i < ${n}; i++) {
      if (i % 3 === 0)
        resources.push(new pictory.AwsConnection("aws" + i, { awsAccountId: "123456789012", awsRegion: "us-east-2" }));
      else if (i % 3 === 1)
        resources.push(new pictory.VimeoConnection("vimeo" + i, { clientIdentifier: "c", clientSecret: pulumi.secret("s"), accessToken: pulumi.secret("t") }));
      else
        resources.push(new apinizer.Connection("mail" + i, { projectName: "demo", type: "email", host: "smtp.example.com", auth: true, username: "u", password: pulumi.secret("p") }));
    }
    Promise.all(resources.map((r) => new Promise((resolve) => r.urn.apply(resolve)))).then(() => {
      const done = performance.now();
      const mods = Object.keys(require.cache);
      console.log(JSON.stringify({
        loadMs: loaded - loadStart,
        registerMs: done - loaded,
        totalMs: done,
        peakRssMiB: process.resourceUsage().maxRSS / 1024,
        providerModules: mods.filter((m) => m.startsWith(${JSON.stringify(path.join(root, "dist"))})).length,
        zodModules: mods.filter((m) => m.includes("/node_modules/zod/")).length,
      }));
    });
  `;
  const { stdout } = await execFileAsync(process.execPath, ["-e", script], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  const last = stdout.trim().split("\n").pop()!;
  return { n, ...(JSON.parse(last) as Omit<ProgramResult, "n">) };
}
