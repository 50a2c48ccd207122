import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { Stack } from "@pulumi/pulumi/automation";
import { RunningEmulator, startEmulator } from "../emulator";
import { installPlugins } from "../scripts/build-plugins";
import { ensurePulumi, localEnv, localStack, REPO_ROOT } from "../scripts/workspace";
import { declaredProperties } from "../sdk/nodejs/resource";
import { emit, progress, round } from "./report";
import { PeakRssSampler } from "./rss";

/**
 * The stacks the bench runs. `connections` and `noop` declare the mixed fleet (a third of each
 * kind); the `aws` ones declare only Pictory AWS connections: `aws` with this package,
 * `aws-fast` the same with PULUMI_SKIP_CHECKPOINTS=true (the engine writes the checkpoint once,
 * at the end, instead of after every step), `aws-handwritten` with a dynamic provider written as a
 * user would without this package (see PROGRAM). `dynamic` and `plugin` declare the mixed fleet
 * and run the AWS stacks' cycle (with an update of every connection): `dynamic` through this
 * package's dynamic resources, `plugin` through the native plugins `pictory` and `apinizer`
 * installed from the archives `npm run build` writes, as `pulumi.CustomResource`s of the native
 * type tokens.
 */
export type ProviderChoice =
  "connections" | "noop" | "aws" | "aws-fast" | "aws-handwritten" | "dynamic" | "plugin";
/** `update` changes every resource's description and runs `up` (N in-place updates). */
export type EngineOp = "up" | "update" | "preview" | "refresh" | "destroy";

/** The operations of the mixed fleet against the no-op provider. */
export const ENGINE_OPS: readonly EngineOp[] = ["up", "preview", "refresh", "destroy"];
/** The operations of the AWS comparison, in the order each cycle runs them. */
export const AWS_OPS: readonly EngineOp[] = ["up", "update", "preview", "refresh", "destroy"];
export const PROVIDERS: readonly ProviderChoice[] = ["connections", "noop"];
export const AWS_PROVIDERS: readonly ProviderChoice[] = ["aws", "aws-fast", "aws-handwritten"];
/** The dynamic resources and the native plugins, over the same mixed fleet. */
export const PLUGIN_PROVIDERS: readonly ProviderChoice[] = ["dynamic", "plugin"];

/** What each stack runs: the program's `provider` config, the CLI's extra environment, the ops. */
interface StackKind {
  readonly program: "connections" | "noop" | "aws" | "handwritten" | "plugin";
  readonly env: Readonly<Record<string, string>>;
  readonly ops: readonly EngineOp[];
  /**
   * Stack config besides the bench's own.
   * @default none
   */
  readonly config?: Readonly<Record<string, string>>;
}

/** The hand-written provider reads its API key from the environment, as such providers do. */
const HANDWRITTEN_ENV = { PICTORY_API_KEY: "pictai_emulator_key" };

const KINDS: Readonly<Record<ProviderChoice, StackKind>> = {
  connections: { program: "connections", env: {}, ops: ENGINE_OPS },
  noop: { program: "noop", env: {}, ops: ENGINE_OPS },
  aws: { program: "aws", env: {}, ops: AWS_OPS },
  "aws-fast": { program: "aws", env: { PULUMI_SKIP_CHECKPOINTS: "true" }, ops: AWS_OPS },
  "aws-handwritten": { program: "handwritten", env: HANDWRITTEN_ENV, ops: AWS_OPS },
  dynamic: { program: "connections", env: {}, ops: AWS_OPS },
  // The plugins read provider-wide settings under their own namespace, not `connections:`.
  plugin: {
    program: "plugin",
    env: {},
    ops: AWS_OPS,
    config: { "pictory:maxInFlight": "16", "apinizer:maxInFlight": "16" },
  },
};

/** Stacks measured side by side, interleaved operation by operation, at each of `sizes`. */
export interface EngineGroup {
  readonly providers: readonly ProviderChoice[];
  readonly sizes: readonly number[];
  /**
   * Seconds this group's measured runs may take: it starts no further repetition whose duration
   * (as long as its longest so far) would overrun it; its first always runs.
   * @default EngineOptions.budgetSeconds
   */
  readonly budgetSeconds?: number;
}

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
  /**
   * Peak RSS of the provider processes during the operation, KiB (0 if none ran): the dynamic
   * provider's, or the two native plugins' together.
   */
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
  /** How many repetitions ran (a group whose budget ran out ran fewer: see each summary's runs). */
  readonly reps: number;
  readonly ops: readonly EngineOpSummary[];
  /** From the first repetition (the checkpoint's size does not depend on timing). */
  readonly states: readonly EngineStateResult[];
}

export interface EngineOptions {
  /** Repetitions of the whole cycle; the wall times reported are their medians. @default 3 */
  readonly reps?: number;
  /**
   * Seconds the measured runs of each group may take, unless the group sets its own: no further
   * repetition of a group starts when its longest one's duration would overrun it (at least one
   * always runs). @default Infinity
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
// Set before the "update" operation: every description changes, so up updates all N in place.
const rev = cfg.get("rev") || "";

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
      return { kind: "aws", secrets: [], args: { name, awsAccountId: "123456789012", awsRegion: "us-east-2", description: "bench " + i + rev } };
    case 1:
      return {
        kind: "vimeo",
        secrets: ["clientSecret", "accessToken"],
        args: {
          name,
          clientIdentifier: "cid-" + i,
          clientSecret: pulumi.secret("bench-vimeo-secret-" + i),
          accessToken: pulumi.secret("bench-vimeo-token-" + i),
          description: "bench " + i + rev,
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
          description: "bench " + i + rev,
        },
      };
  }
}

// Pictory AWS connections as a user writes them without this package: a dynamic provider in the
// program, an object literal whose methods call the API with fetch. Pulumi serializes it by value
// (its text, with the helper and the captured base URL, goes into every resource's state). The
// API key comes from the environment, not from a captured variable, which would put it into the
// state in plain text. The resources register only their own inputs.
const pictoryBaseUrl = new pulumi.Config("pictory").require("baseUrl");
async function pictoryAws(method, path, body) {
  const res = await fetch(pictoryBaseUrl + "/v1/awsconnections" + path, {
    method,
    headers: { authorization: process.env.PICTORY_API_KEY, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
function fail(what, res) {
  return new Error(what + ": the API answered " + res.status + " " + JSON.stringify(res.body));
}
const handwrittenAws = {
  async diff(id, olds, news) {
    const replaces = ["awsAccountId", "awsRegion"].filter((k) => olds[k] !== news[k]);
    const changed = ["name", "description"].some((k) => (olds[k] || "") !== (news[k] || ""));
    return { changes: changed || replaces.length > 0, replaces, deleteBeforeReplace: true };
  },
  async create(inputs) {
    const res = await pictoryAws("POST", "", {
      name: inputs.name,
      awsAccountId: inputs.awsAccountId,
      awsRegion: inputs.awsRegion,
      description: inputs.description,
    });
    if (res.status !== 200) throw fail("create " + inputs.name, res);
    return { id: res.body.connectionId, outs: { ...inputs, version: res.body.version } };
  },
  async read(id, props) {
    const res = await pictoryAws("GET", "/" + id);
    if (res.status === 404) return {};
    if (res.status !== 200) throw fail("read " + id, res);
    const b = res.body;
    return {
      id,
      props: { ...props, name: b.name, description: b.description || "", awsAccountId: b.awsAccountId, awsRegion: b.awsRegion, version: b.version },
    };
  },
  async update(id, olds, news) {
    const res = await pictoryAws("PUT", "/" + id, { name: news.name, description: news.description, version: olds.version });
    if (res.status !== 200) throw fail("update " + id, res);
    return { outs: { ...news, version: res.body.version } };
  },
  async delete(id) {
    const res = await pictoryAws("DELETE", "/" + id);
    if (res.status !== 204 && res.status !== 404) throw fail("delete " + id, res);
  },
};
class HandwrittenAwsConnection extends pulumi.dynamic.Resource {
  constructor(name, args, opts) {
    super(handwrittenAws, name, args, opts, "bench", "AwsConnection");
  }
}

function awsArgs(i) {
  return { name: prefix + "-" + i, awsAccountId: "123456789012", awsRegion: "us-east-2", description: "bench " + i + rev };
}

if (which === "handwritten") {
  for (let i = 0; i < n; i++) new HandwrittenAwsConnection("r" + i, awsArgs(i));
} else if (which === "aws") {
  const { pictory } = require("pulumi-connections");
  for (let i = 0; i < n; i++) new pictory.AwsConnection("r" + i, awsArgs(i));
} else if (which === "plugin") {
  // The native resources, as any language declares them: the Apinizer type is in the token.
  const tokens = { aws: "pictory:index:AwsConnection", vimeo: "pictory:index:VimeoConnection", apinizer: "apinizer:index:EmailConnection" };
  for (let i = 0; i < n; i++) {
    const s = spec(i);
    const { type, ...args } = s.args;
    new pulumi.CustomResource(tokens[s.kind], "r" + i, args);
  }
} else if (which === "noop") {
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
 * Runs each group's cycle (up, for the AWS stacks an update of every resource, no-change preview,
 * refresh, destroy) at each of its sizes, the group's stacks interleaved operation by operation so
 * that load from elsewhere on the machine hits them alike, and repeats the whole cycle so one
 * disturbed run cannot decide a ratio. Removes the temporary project afterwards unless `keep`.
 */
export async function measureEngine(
  groups: readonly EngineGroup[],
  opts: EngineOptions = {},
): Promise<EngineResult> {
  progress("engine: making sure the Pulumi CLI is built");
  ensurePulumi();
  const project = await createProject(
    groups.some((g) => g.sizes.length > 0 && g.providers.includes("plugin")),
  );
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
  const budgetMs = groups.map((g) => (g.budgetSeconds ?? opts.budgetSeconds ?? Infinity) * 1000);
  const used = [...new Set(groups.flatMap((g) => (g.sizes.length > 0 ? g.providers : [])))];
  let reps = 0;
  try {
    // Warms the OS file cache, the CLI and node_modules so the first measured run is not the
    // one that pays for cold disks; its figures are dropped.
    progress("engine: warm-up (n=3, not measured)");
    for (const provider of used) {
      const stack = await benchStack(project, provider, 3, "warm");
      await stack.up({ onOutput: () => undefined });
      await stack.destroy({ onOutput: () => undefined });
    }
    const stacks = new Map<string, Stack>();
    for (const group of groups) {
      for (const n of group.sizes) {
        for (const provider of group.providers) {
          stacks.set(`${provider}-${n}`, await benchStack(project, provider, n, "m"));
        }
      }
    }
    const spent = groups.map(() => 0);
    const longestRep = groups.map(() => 0);
    const stopped = groups.map((g) => g.sizes.length === 0);
    while (reps < wanted) {
      for (const [gi, group] of groups.entries()) {
        if (reps > 0 && !stopped[gi] && spent[gi]! + longestRep[gi]! > budgetMs[gi]!) {
          stopped[gi] = true;
          progress(
            `engine: ${group.providers.join("/")}: stopping after ${reps} repetition(s) to stay within the time budget`,
          );
        }
      }
      if (stopped.every(Boolean)) break;
      reps += 1;
      for (const [gi, group] of groups.entries()) {
        if (stopped[gi]) continue;
        const repStarted = Date.now();
        const ops = AWS_OPS.filter((op) => group.providers.some((p) => KINDS[p].ops.includes(op)));
        for (const n of group.sizes) {
          for (const [i, op] of ops.entries()) {
            // Rotates which stack goes first, so none always runs right after another's state
            // write or CLI exit (with two stacks: alternates).
            const shift = (i + reps) % group.providers.length;
            const order = [...group.providers.slice(shift), ...group.providers.slice(0, shift)];
            for (const provider of order.filter((p) => KINDS[p].ops.includes(op))) {
              progress(`engine: rep ${reps}/${wanted} n=${n} ${provider} ${op}`);
              const stack = stacks.get(`${provider}-${n}`)!;
              // A description every resource has not had yet: N in-place updates.
              if (op === "update") await stack.setConfig("rev", { value: `-u${reps}` });
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
                // Other work on the machine slows the CLI runs; this says how much there was.
                loadAvg1m: round(os.loadavg()[0] ?? 0, 2),
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
        const took = Date.now() - repStarted;
        spent[gi] = spent[gi]! + took;
        longestRep[gi] = Math.max(longestRep[gi]!, took);
      }
    }
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    await project.emulator.stop();
    if (opts.keep) progress(`engine: kept ${project.root}`);
    else rmSync(project.root, { recursive: true, force: true });
  }
  const ops: EngineOpSummary[] = [];
  for (const group of groups) {
    for (const n of group.sizes) {
      for (const provider of group.providers) {
        for (const op of KINDS[provider].ops) {
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
  }
  return { reps, ops, states };
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Packs the built package and installs the tarball into a fresh project, as a user would. */
async function createProject(plugins: boolean): Promise<BenchProject> {
  // Under the repository, so that @pulumi/pulumi, undici and zod resolve from its node_modules
  // and the program and the package share one @pulumi/pulumi (as in test/e2e/harness.ts).
  const base = path.join(REPO_ROOT, ".e2e-work");
  mkdirSync(base, { recursive: true });
  const root = mkdtempSync(path.join(base, "bench-"));
  try {
    const project = await populateProject(root);
    // Into the bench's PULUMI_HOME, from the archives `npm run build` writes.
    if (plugins) installPlugins(localEnv(project.stateDir));
    return project;
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
    env: KINDS[provider].env,
    config: {
      "pictory:apiKey": { value: "pictai_emulator_key", secret: true },
      "pictory:baseUrl": { value: `${project.emulator.url}/pictoryapis` },
      "apinizer:token": { value: "apinizer_emulator_token", secret: true },
      "apinizer:baseUrl": { value: `${project.emulator.url}/apiops` },
      // Above the default 8 so the provider's own limit is not what bounds Pulumi's parallelism.
      "connections:maxInFlight": { value: "16" },
      n: { value: String(n) },
      provider: { value: KINDS[provider].program },
      shape: { value: JSON.stringify(SHAPE) },
      // Connection names are unique per API; the stack name keeps runs apart.
      prefix: { value: `b-${name}` },
      ...Object.fromEntries(
        Object.entries(KINDS[provider].config ?? {}).map(([k, v]) => [k, { value: v }]),
      ),
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
      case "update":
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
    emulatorConnections: provider === "noop" ? 0 : await emulatorConnections(project, `b-${name}-`),
  };
}

/**
 * Counts the connections the emulator holds for the default tenant whose name starts with
 * `prefix` (one stack's: the stacks of a group are up at the same time), over all three families.
 */
async function emulatorConnections(project: BenchProject, prefix: string): Promise<number> {
  const res = await fetch(`${project.emulator.url}/_emulator/state?tenant=pictai_emulator_key`);
  const body = (await res.json()) as {
    tenants: {
      pictory: { aws: { name?: unknown }[]; vimeo: { name?: unknown }[] };
      apinizer: Record<string, { name?: unknown }[]>;
    }[];
  };
  const t = body.tenants[0];
  if (!t) return 0;
  return [...t.pictory.aws, ...t.pictory.vimeo, ...Object.values(t.apinizer).flat()].filter((c) =>
    String(c.name).startsWith(prefix),
  ).length;
}
