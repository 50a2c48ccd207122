import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { Stack } from "@pulumi/pulumi/automation";
import { RunningEmulator, startEmulator } from "../emulator";
import { ensurePulumi, localStack, REPO_ROOT } from "../scripts/workspace";
import { declaredProperties } from "../sdk/resource";
import { emit, progress, round } from "./report";
import { PeakRssSampler } from "./rss";

export type ProviderChoice = "connections" | "noop";
export type EngineOp = "up" | "preview" | "refresh" | "destroy";

export const ENGINE_OPS: readonly EngineOp[] = ["up", "preview", "refresh", "destroy"];
export const PROVIDERS: readonly ProviderChoice[] = ["connections", "noop"];

/** One timed CLI operation of one stack. */
export interface EngineOpResult {
  /** Which repetition of the cycle, from 1. */
  readonly rep: number;
  readonly provider: ProviderChoice;
  readonly n: number;
  readonly op: EngineOp;
  /** Wall time of the Automation API call: CLI start, program, provider, state writes. */
  readonly ms: number;
  /** API requests the emulator logged during the operation. */
  readonly requests: number;
  /** Requests by method, e.g. { POST: 100 }. */
  readonly byMethod: Readonly<Record<string, number>>;
  /** Requests answered with anything but 2xx (or dropped). */
  readonly failedRequests: number;
  /** Resource changes the engine reported besides "same" (a no-change preview must be 0). */
  readonly changes: number;
  /** Peak RSS of the dynamic-provider process during the operation, KiB (0 if none ran). */
  readonly peakRssKiB: number;
}

/** The stack's checkpoint after `up`, when it holds all N resources. */
export interface EngineStateResult {
  readonly provider: ProviderChoice;
  readonly n: number;
  /** Size of the checkpoint JSON of the stack under the file backend. */
  readonly stateBytes: number;
  /** Average length of the `__provider` text stored in each dynamic resource (inputs and outputs). */
  readonly providerTextBytesPerResource: number;
  /** Connections the emulator holds after `up` (0 for the no-op provider). */
  readonly emulatorConnections: number;
}

/** One operation's figures over every repetition. */
export interface EngineOpSummary {
  readonly provider: ProviderChoice;
  readonly n: number;
  readonly op: EngineOp;
  /** Median wall time over the repetitions: the figure the ratio is taken from. */
  readonly ms: number;
  readonly msMin: number;
  readonly msMax: number;
  /** Highest provider RSS over the repetitions, KiB. */
  readonly peakRssKiB: number;
  /** The repetitions themselves, in run order. */
  readonly runs: readonly EngineOpResult[];
}

export interface EngineResult {
  /** How many times each (provider, n, op) ran. */
  readonly reps: number;
  readonly ops: readonly EngineOpSummary[];
  /** From the first repetition (the checkpoint's size does not depend on timing). */
  readonly states: readonly EngineStateResult[];
}

export interface EngineOptions {
  /** Repetitions of the whole cycle; the wall times reported are their medians. @default 3 */
  readonly reps?: number;
  /**
   * Seconds the measured runs may take: no further repetition starts when the last one's
   * duration would overrun it (at least one always runs). @default Infinity
   */
  readonly budgetSeconds?: number;
  /** Leave the temporary project in place, for inspection. @default false */
  readonly keep?: boolean;
}

/**
 * The bench's Pulumi program. It declares N resources from stack config, spread a third each over
 * the three families, either as connections of the installed package or as resources of a no-op
 * dynamic provider with the same inputs (the engine's own floor: no network, no validation).
 */
const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const cfg = new pulumi.Config();
const n = cfg.requireNumber("n");
const which = cfg.require("provider");
const prefix = cfg.require("prefix");

// The floor: create echoes the inputs, read returns the state; no I/O, no check or diff, so the
// engine's default input comparison decides the plan. Its resources register the same property
// keys as the connections (config "shape"): Pulumi's Node SDK pays per registered property, and
// that cost is the engine's, not the provider's.
const shape = JSON.parse(cfg.require("shape"));
const noop = {
  async create(inputs) {
    return { id: inputs.name, outs: inputs };
  },
  async read(id, props) {
    return { id, props };
  },
};
class Noop extends pulumi.dynamic.Resource {
  constructor(name, args, opts) {
    super(noop, name, args, opts, "bench", "Noop");
  }
}

function spec(i) {
  const name = prefix + "-" + i;
  switch (i % 3) {
    case 0:
      return { kind: "aws", secrets: [], args: { name, awsAccountId: "123456789012", awsRegion: "us-east-2", description: "bench " + i } };
    case 1:
      return {
        kind: "vimeo",
        secrets: ["clientSecret", "accessToken"],
        args: {
          name,
          clientIdentifier: "cid-" + i,
          clientSecret: pulumi.secret("bench-vimeo-secret-" + i),
          accessToken: pulumi.secret("bench-vimeo-token-" + i),
          description: "bench " + i,
        },
      };
    default:
      return {
        kind: "apinizer",
        secrets: ["password"],
        args: {
          projectName: "demo",
          name,
          type: "email",
          host: "smtp.example.com",
          port: 587,
          auth: true,
          username: "bot",
          password: pulumi.secret("bench-smtp-password-" + i),
          description: "bench " + i,
        },
      };
  }
}

if (which === "noop") {
  for (let i = 0; i < n; i++) {
    const s = spec(i);
    const args = { ...s.args };
    for (const key of shape[s.kind]) if (!(key in args)) args[key] = undefined;
    new Noop("r" + i, args, { additionalSecretOutputs: s.secrets });
  }
} else {
  const { pictory, apinizer } = require("pulumi-connections");
  const classes = { aws: pictory.AwsConnection, vimeo: pictory.VimeoConnection, apinizer: apinizer.Connection };
  for (let i = 0; i < n; i++) {
    const s = spec(i);
    new classes[s.kind]("r" + i, s.args);
  }
}
`;

const PROJECT = "bench";

/** The property keys the SDK registers for each kind of the program's resources (see PROGRAM). */
const SHAPE = {
  aws: declaredProperties("pictory:AwsConnection", {}),
  vimeo: declaredProperties("pictory:VimeoConnection", {}),
  apinizer: declaredProperties("apinizer:Connection", { type: "email" }),
};

/** The temporary project: the packed package installed into it, one backend for all stacks. */
interface BenchProject {
  readonly root: string;
  readonly dir: string;
  readonly stateDir: string;
  readonly emulator: RunningEmulator;
}

/**
 * Runs up, no-change preview, refresh and destroy for each N with this package's provider and
 * with the no-op provider, interleaved operation by operation so that load from elsewhere on the
 * machine hits both alike, and repeats the whole cycle so one disturbed run cannot decide the
 * ratio. Removes the temporary project afterwards unless `keep`.
 */
export async function measureEngine(
  sizes: readonly number[],
  opts: EngineOptions = {},
): Promise<EngineResult> {
  progress("engine: making sure the Pulumi CLI is built");
  ensurePulumi();
  const project = await createProject();
  // An interrupted run still removes its temporary project (the CLI children get the signal too).
  const interrupted = (signal: NodeJS.Signals): void => {
    rmSync(project.root, { recursive: true, force: true });
    process.kill(process.pid, signal);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  const runs: EngineOpResult[] = [];
  const states: EngineStateResult[] = [];
  const wanted = Math.max(1, opts.reps ?? 3);
  const budgetMs = (opts.budgetSeconds ?? Infinity) * 1000;
  let reps = 0;
  try {
    // Warms the OS file cache, the CLI and node_modules so the first measured run is not the
    // one that pays for cold disks; its figures are dropped.
    progress("engine: warm-up (n=3, not measured)");
    for (const provider of PROVIDERS) {
      const stack = await benchStack(project, provider, 3, "warm");
      await stack.up({ onOutput: () => undefined });
      await stack.destroy({ onOutput: () => undefined });
    }
    const stacks = new Map<string, Stack>();
    for (const n of sizes) {
      for (const provider of PROVIDERS) {
        stacks.set(`${provider}-${n}`, await benchStack(project, provider, n, "m"));
      }
    }
    const started = Date.now();
    let longestRep = 0;
    while (reps < wanted) {
      if (reps > 0 && Date.now() - started + longestRep > budgetMs) {
        progress(`engine: stopping after ${reps} repetition(s) to stay within the time budget`);
        break;
      }
      const repStarted = Date.now();
      reps += 1;
      for (const n of sizes) {
        for (const [i, op] of ENGINE_OPS.entries()) {
          // Alternates which provider goes first, so neither always runs right after the other's
          // state write or CLI exit.
          const order = (i + reps) % 2 === 0 ? PROVIDERS : [...PROVIDERS].reverse();
          for (const provider of order) {
            progress(`engine: rep ${reps}/${wanted} n=${n} ${provider} ${op}`);
            const stack = stacks.get(`${provider}-${n}`)!;
            const result = await runOp(project, stack, provider, n, op, reps);
            runs.push(result);
            emit({
              bench: "engine-run",
              rep: reps,
              provider,
              n,
              op,
              ms: result.ms,
              requests: result.requests,
              byMethod: JSON.stringify(result.byMethod),
              failedRequests: result.failedRequests,
              changes: result.changes,
              peakRssKiB: result.peakRssKiB,
            });
            if (op === "up" && reps === 1) {
              const state = await stateAfterUp(project, provider, n);
              states.push(state);
              emit({
                bench: "engine-state",
                provider,
                n,
                stateBytes: state.stateBytes,
                stateBytesPerResource: round(state.stateBytes / n, 1),
                providerTextBytesPerResource: state.providerTextBytesPerResource,
                emulatorConnections: state.emulatorConnections,
              });
            }
          }
        }
      }
      longestRep = Math.max(longestRep, Date.now() - repStarted);
    }
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    await project.emulator.stop();
    if (opts.keep) progress(`engine: kept ${project.root}`);
    else rmSync(project.root, { recursive: true, force: true });
  }
  const ops: EngineOpSummary[] = [];
  for (const n of sizes) {
    for (const provider of PROVIDERS) {
      for (const op of ENGINE_OPS) {
        const mine = runs.filter((r) => r.provider === provider && r.n === n && r.op === op);
        if (mine.length === 0) continue;
        const times = mine.map((r) => r.ms).sort((a, b) => a - b);
        const summary: EngineOpSummary = {
          provider,
          n,
          op,
          ms: median(times),
          msMin: times[0]!,
          msMax: times[times.length - 1]!,
          peakRssKiB: Math.max(...mine.map((r) => r.peakRssKiB)),
          runs: mine,
        };
        ops.push(summary);
        emit({
          bench: "engine",
          provider,
          n,
          op,
          ms: summary.ms,
          msMin: summary.msMin,
          msMax: summary.msMax,
          reps: mine.length,
          peakRssKiB: summary.peakRssKiB,
        });
      }
    }
  }
  return { reps, ops, states };
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Packs the built package and installs the tarball into a fresh project, as a user would. */
async function createProject(): Promise<BenchProject> {
  // Under the repository, so that @pulumi/pulumi, undici and zod resolve from its node_modules
  // and the program and the package share one @pulumi/pulumi (as in test/e2e/harness.ts).
  const base = path.join(REPO_ROOT, ".e2e-work");
  mkdirSync(base, { recursive: true });
  const root = mkdtempSync(path.join(base, "bench-"));
  try {
    return await populateProject(root);
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
}

async function populateProject(root: string): Promise<BenchProject> {
  progress(`engine: packing the package into ${root}`);
  const packDir = path.join(root, "pack");
  mkdirSync(packDir);
  const out = execFileSync("npm", ["pack", "--silent", "--pack-destination", packDir], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const tarball = path.join(packDir, out.trim().split("\n").pop()!);
  const dir = path.join(root, "project");
  const pkgDir = path.join(dir, "node_modules", "pulumi-connections");
  mkdirSync(pkgDir, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", pkgDir, "--strip-components=1"]);
  writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: ${PROJECT}\nruntime: nodejs\nmain: index.js\n`,
  );
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: PROJECT, private: true, main: "index.js" }),
  );
  writeFileSync(path.join(dir, "index.js"), PROGRAM);
  const emulator = await startEmulator();
  return { root, dir, stateDir: path.join(root, "state"), emulator };
}

function stackName(provider: ProviderChoice, n: number, tag: string): string {
  return `${tag}-${provider}-${n}`;
}

async function benchStack(
  project: BenchProject,
  provider: ProviderChoice,
  n: number,
  tag: string,
): Promise<Stack> {
  const name = stackName(provider, n, tag);
  return localStack({
    workDir: project.dir,
    stackName: name,
    stateDir: project.stateDir,
    config: {
      "pictory:apiKey": { value: "pictai_emulator_key", secret: true },
      "pictory:baseUrl": { value: `${project.emulator.url}/pictoryapis` },
      "apinizer:token": { value: "apinizer_emulator_token", secret: true },
      "apinizer:baseUrl": { value: `${project.emulator.url}/apiops` },
      // Above the default 8 so the provider's own limit is not what bounds Pulumi's parallelism.
      "connections:maxInFlight": { value: "16" },
      n: { value: String(n) },
      provider: { value: provider },
      shape: { value: JSON.stringify(SHAPE) },
      // Connection names are unique per API; the stack name keeps runs apart.
      prefix: { value: `b-${name}` },
    },
  });
}

async function runOp(
  project: BenchProject,
  stack: Stack,
  provider: ProviderChoice,
  n: number,
  op: EngineOp,
  rep: number,
): Promise<EngineOpResult> {
  const quiet = { onOutput: () => undefined };
  const sampler = new PeakRssSampler(path.join(project.stateDir, "home"));
  project.emulator.clearRequests();
  sampler.start();
  const started = performance.now();
  let summary: Record<string, number> | undefined;
  let ms = 0;
  let peakRssKiB = 0;
  try {
    switch (op) {
      case "up":
        summary = (await stack.up(quiet)).summary.resourceChanges;
        break;
      case "preview":
        summary = (await stack.preview(quiet)).changeSummary;
        break;
      case "refresh":
        summary = (await stack.refresh(quiet)).summary.resourceChanges;
        break;
      case "destroy":
        summary = (await stack.destroy(quiet)).summary.resourceChanges;
        break;
    }
  } finally {
    // Stopped in every case so that a failed operation does not leave the poller running.
    ms = performance.now() - started;
    peakRssKiB = await sampler.stop();
  }
  const log = project.emulator.requests();
  const byMethod: Record<string, number> = {};
  for (const r of log) byMethod[r.method] = (byMethod[r.method] ?? 0) + 1;
  const changes = Object.entries(summary ?? {})
    .filter(([k]) => k !== "same")
    .reduce((sum, [, v]) => sum + v, 0);
  return {
    rep,
    provider,
    n,
    op,
    ms: round(ms, 0),
    requests: log.length,
    byMethod,
    failedRequests: log.filter((r) => r.status < 200 || r.status > 299).length,
    changes,
    peakRssKiB,
  };
}

async function stateAfterUp(
  project: BenchProject,
  provider: ProviderChoice,
  n: number,
): Promise<EngineStateResult> {
  const name = stackName(provider, n, "m");
  const file = path.join(project.stateDir, "backend", ".pulumi", "stacks", PROJECT, `${name}.json`);
  if (!existsSync(file)) throw new Error(`no checkpoint at ${file}`);
  const text = readFileSync(file, "utf8");
  const checkpoint = JSON.parse(text) as {
    checkpoint: {
      latest?: {
        resources?: {
          type: string;
          inputs?: Record<string, unknown>;
          outputs?: Record<string, unknown>;
        }[];
      };
    };
  };
  const dynamic = (checkpoint.checkpoint.latest?.resources ?? []).filter((r) =>
    r.type.startsWith("pulumi-nodejs:dynamic"),
  );
  let providerText = 0;
  for (const r of dynamic) {
    for (const bag of [r.inputs, r.outputs]) {
      const p = bag?.__provider;
      if (typeof p === "string") providerText += Buffer.byteLength(p, "utf8");
    }
  }
  return {
    provider,
    n,
    stateBytes: Buffer.byteLength(text, "utf8"),
    providerTextBytesPerResource: dynamic.length ? Math.round(providerText / dynamic.length) : 0,
    emulatorConnections: provider === "connections" ? await emulatorConnections(project) : 0,
  };
}

/** Counts the connections the emulator holds for the default tenant, over all three families. */
async function emulatorConnections(project: BenchProject): Promise<number> {
  const res = await fetch(`${project.emulator.url}/_emulator/state?tenant=pictai_emulator_key`);
  const body = (await res.json()) as {
    tenants: {
      pictory: { aws: unknown[]; vimeo: unknown[] };
      apinizer: Record<string, unknown[]>;
    }[];
  };
  const t = body.tenants[0];
  if (!t) return 0;
  return (
    t.pictory.aws.length +
    t.pictory.vimeo.length +
    Object.values(t.apinizer).reduce((sum, list) => sum + list.length, 0)
  );
}
