import * as os from "node:os";
import * as path from "node:path";
import {
  AWS_OPS,
  AWS_PROVIDERS,
  ENGINE_OPS,
  EngineOp,
  EngineOpResult,
  EngineOpSummary,
  EngineResult,
  EngineStateResult,
  measureEngine,
  PLUGIN_PROVIDERS,
  PROVIDERS,
  ProviderChoice,
} from "./engine";
import { HOOK_GOALS, hookGoal, measureProviderLevel, ProviderLevelResult } from "./provider-level";
import { benchEmulator } from "./emulator";
import { measureProgram, ProgramResult } from "./program";
import { emit, printTable, progress, round } from "./report";

/**
 * `npm run bench`: provider-level request counts and serialized size, emulator throughput, and
 * the engine benchmark against a no-op dynamic provider (issues 4 and 6). Tables and JSON lines go
 * to stdout, progress to stderr.
 *
 * Flags: `--full` (or BENCH_FULL=1) adds N=500; `--sizes=10,50` overrides the N set; `--reps=K`
 * repeats the engine cycle K times (default 3, 1 with --full); `--budget-s=S` starts no further
 * repetition that would end after S seconds of engine runs (default 420, so the default run
 * stays near 10 minutes on 2 cores); `--keep` leaves the temporary project under .e2e-work/;
 * `--baseline=DIR` also measures the program process of a built checkout of another version;
 * `--no-engine` skips the CLI runs.
 *
 * The AWS comparison (Pictory AWS connections only: this package, the same with
 * PULUMI_SKIP_CHECKPOINTS=true, and a hand-written dynamic provider; up, an update of every
 * connection, preview, refresh, destroy) runs in the same cycle at `--aws-sizes` (default
 * 10,100,300: its goals are at 100 and 300, and flat growth needs a third size). `--no-aws` skips
 * it, `--aws-only` runs only it; `--aws-budget-s=S` is its own time budget (default 300, so
 * that it takes no repetition from the comparison with the no-op provider; none with `--full` or
 * `--aws-only`, which has the run to itself). The goals at 100 and 300 with three repetitions:
 * `npm run bench -- --aws-only`.
 *
 * The plugin comparison (the mixed fleet through this package's dynamic resources and through
 * the native plugins; up, an update of every connection, preview, refresh, destroy; state bytes
 * per resource; provider RSS) runs at `--plugin-sizes` (default 100,300). `--no-plugin` skips it,
 * `--plugin-only` runs only it (with `--plugin-sizes=5`, a check that it works in a minute or
 * two); `--plugin-budget-s=S` is its time budget (default 300; none with `--full` or
 * `--plugin-only`).
 */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (name: string): string | undefined =>
    argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const full = argv.includes("--full") || process.env.BENCH_FULL === "1";
  const parseSizes = (text: string): number[] =>
    text
      .split(",")
      .map((s) => Number(s))
      .filter((n) => Number.isInteger(n) && n > 0)
      .sort((a, b) => a - b);
  const awsOnly = argv.includes("--aws-only");
  const pluginOnly = argv.includes("--plugin-only");
  const sizesArg = flag("sizes");
  const sizes =
    awsOnly || pluginOnly
      ? []
      : sizesArg
        ? parseSizes(sizesArg)
        : full
          ? [10, 100, 500]
          : [10, 100];
  const awsSizes =
    argv.includes("--no-aws") || pluginOnly ? [] : parseSizes(flag("aws-sizes") ?? "10,100,300");
  const pluginSizes =
    argv.includes("--no-plugin") || awsOnly ? [] : parseSizes(flag("plugin-sizes") ?? "100,300");
  const pluginBudgetSeconds = Number(
    flag("plugin-budget-s") ?? (full || pluginOnly ? Infinity : 300),
  );
  const reps = Number(flag("reps") ?? (full ? 1 : 3));
  const budgetSeconds = Number(flag("budget-s") ?? (full ? Infinity : 420));
  // Alone, the AWS comparison has the run to itself: no budget unless one is given.
  const awsBudgetSeconds = Number(flag("aws-budget-s") ?? (full || awsOnly ? Infinity : 300));
  const cpus = os.cpus();
  const machine =
    `${cpus.length} x ${cpus[0]?.model.trim() ?? "cpu"}, ` +
    `${round(os.totalmem() / 2 ** 30, 1)} GiB, ${os.platform()} ${os.release()}, ` +
    `node ${process.version}`;
  emit({
    bench: "machine",
    description: machine,
    sizes: sizes.join(","),
    awsSizes: awsSizes.join(","),
    pluginSizes: pluginSizes.join(","),
    loadAvg1m: loadAvg(),
  });
  process.stdout.write(`machine: ${machine}; load average at start ${loadAvg()}\n`);

  const providerLevel = await measureProviderLevel();
  await measureEmulatorThroughput();
  await measureProgramProcess(flag("baseline"));
  let engine: EngineResult | undefined;
  if (!argv.includes("--no-engine")) {
    const started = Date.now();
    engine = await measureEngine(
      [
        { providers: PROVIDERS, sizes },
        { providers: AWS_PROVIDERS, sizes: awsSizes, budgetSeconds: awsBudgetSeconds },
        { providers: PLUGIN_PROVIDERS, sizes: pluginSizes, budgetSeconds: pluginBudgetSeconds },
      ],
      { reps, budgetSeconds, keep: argv.includes("--keep") },
    );
    const seconds = round((Date.now() - started) / 1000, 0);
    progress(`engine: done in ${seconds} s`);
    emit({ bench: "engine-run-time", seconds, reps: engine.reps, loadAvg1m: loadAvg() });
    if (sizes.length > 0) reportEngine(engine, sizes);
    if (awsSizes.length > 0) reportAws(engine, awsSizes);
    if (pluginSizes.length > 0) reportPlugin(engine, pluginSizes);
    process.stdout.write(
      `engine: ${engine.reps} repetition(s) in ${seconds} s; load average at end ${loadAvg()}\n`,
    );
  }
  summarize(providerLevel, engine, sizes, awsSizes, pluginSizes);
}

/** Other work on the machine slows the CLI runs; the load average says how much there was. */
function loadAvg(): number {
  return round(os.loadavg()[0] ?? 0, 2);
}

/**
 * The program process's own cost of the SDK at N = 100 (median of 5 runs each). `--baseline=DIR`
 * names a built checkout of an earlier version, measured in the same run for a before/after.
 */
async function measureProgramProcess(baseline: string | undefined): Promise<void> {
  progress("program process");
  const root = path.resolve(__dirname, "..", "..");
  const rows: (string | number)[][] = [];
  for (const [label, dir] of [
    ...(baseline ? [["baseline", path.resolve(baseline)] as const] : []),
    ["this version", root] as const,
  ]) {
    const runs: ProgramResult[] = [];
    for (let i = 0; i < 5; i++) runs.push(await measureProgram(dir, 100));
    const median = (f: (r: ProgramResult) => number) =>
      [...runs.map(f)].sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
    const row = {
      loadMs: round(
        median((r) => r.loadMs),
        1,
      ),
      totalMs: round(
        median((r) => r.totalMs),
        0,
      ),
      peakRssMiB: round(
        median((r) => r.peakRssMiB),
        1,
      ),
      modules: runs[0]!.providerModules,
      zodModules: runs[0]!.zodModules,
    };
    emit({ bench: "program", version: label, n: 100, ...row });
    rows.push([label, row.loadMs, row.totalMs, row.peakRssMiB, row.modules, row.zodModules]);
  }
  printTable(
    "Program process at N = 100 (Pulumi mocks; medians of 5)",
    [
      "version",
      "SDK load ms",
      "start to last registration ms",
      "peak RSS MiB",
      "package modules",
      "zod modules",
    ],
    rows,
  );
}

async function measureEmulatorThroughput(): Promise<void> {
  progress("emulator throughput");
  const { getRps, updateRps } = await benchEmulator();
  emit({ bench: "emulator", getRps, updateRps });
  printTable(
    "Emulator throughput (Pictory Vimeo connection, 16 in flight)",
    ["operation", "requests/s"],
    [
      ["GET", getRps],
      ["PUT", updateRps],
    ],
  );
}

function find(
  engine: EngineResult,
  provider: string,
  n: number,
  op: EngineOp,
): EngineOpSummary | undefined {
  return engine.ops.find((r) => r.provider === provider && r.n === n && r.op === op);
}

/** Repetitions the given stacks ran (the most any of their operations ran). */
function repsOf(engine: EngineResult, providers: readonly ProviderChoice[]): number {
  const ops = engine.ops.filter((o) => providers.includes(o.provider));
  return ops.length === 0 ? 0 : Math.max(...ops.map((o) => o.runs.length));
}

function state(engine: EngineResult, provider: string, n: number): EngineStateResult | undefined {
  return engine.states.find((s) => s.provider === provider && s.n === n);
}

/**
 * The Apinizer connections among a stack's n (every third of a mixed fleet, none in an AWS
 * stack). A create looks the name up first (a GET the API answers 404) only until the server is
 * known to answer with the v1 envelopes, whose POST refuses an existing name
 * (provider/apinizer/api.ts): so at most one GET per Apinizer create, in practice the few in
 * flight before the first answer.
 */
function apinizerCreates(provider: ProviderChoice, n: number): number {
  return AWS_PROVIDERS.includes(provider) ? 0 : Math.floor(n / 3);
}

/** Requests each operation must send: `exact` counts, and methods sent at most `atMost` times. */
interface Want {
  readonly exact: Readonly<Record<string, number>>;
  readonly atMost: Readonly<Record<string, number>>;
}

/** Requests each operation must send with this provider, from issue 6. */
function expectedRequests(op: EngineOp, n: number, provider: ProviderChoice): Want {
  const exact = (e: Record<string, number>): Want => ({ exact: e, atMost: {} });
  switch (op) {
    case "up": {
      const gets = apinizerCreates(provider, n);
      return { exact: { POST: n }, atMost: gets > 0 ? { GET: gets } : {} };
    }
    case "update":
      return exact({ PUT: n });
    case "preview":
      return exact({});
    case "refresh":
      return exact({ GET: n });
    case "destroy":
      return exact({ DELETE: n });
  }
}

/** The requests as expected, and no answer but 2xx save the 404s of the GETs before a create. */
function asExpected(run: EngineOpResult, want: Want): boolean {
  const keys = new Set([...Object.keys(run.byMethod), ...Object.keys(want.exact)]);
  const counts = [...keys].every((k) =>
    k in want.atMost
      ? (run.byMethod[k] ?? 0) <= want.atMost[k]!
      : (run.byMethod[k] ?? 0) === (want.exact[k] ?? 0),
  );
  const lookups = run.op === "up" ? (run.byMethod.GET ?? 0) : 0;
  return counts && run.failedRequests === lookups;
}

const fmtMethods = (m: Readonly<Record<string, number>>): string =>
  Object.keys(m).length === 0
    ? "none"
    : Object.entries(m)
        .map(([k, v]) => `${v} ${k}`)
        .join(", ");

const fmtWant = (w: Want): string =>
  [
    ...(Object.keys(w.exact).length > 0 ? [fmtMethods(w.exact)] : []),
    ...Object.entries(w.atMost).map(([k, v]) => `at most ${v} ${k}`),
  ].join(", ") || "none";

const mib = (kib: number): number => round(kib / 1024, 1);

function ratio(
  engine: EngineResult,
  n: number,
  op: EngineOp,
  of: ProviderChoice = "connections",
  to: ProviderChoice = "noop",
): number | undefined {
  const c = find(engine, of, n, op);
  const f = find(engine, to, n, op);
  return c && f && f.ms > 0 ? c.ms / f.ms : undefined;
}

function totalRatio(engine: EngineResult, n: number): number | undefined {
  let c = 0;
  let f = 0;
  for (const op of ENGINE_OPS) {
    const a = find(engine, "connections", n, op);
    const b = find(engine, "noop", n, op);
    if (!a || !b) return undefined;
    c += a.ms;
    f += b.ms;
  }
  return c / f;
}

/** The runs a table shows: these stacks' operations at these sizes. */
interface TableScope {
  readonly engine: EngineResult;
  readonly sizes: readonly number[];
  readonly providers: readonly ProviderChoice[];
  readonly ops: readonly EngineOp[];
}

/** Requests each operation sent, against what it should send; every repetition must match. */
function reportRequests(scope: TableScope, title: string): void {
  const { engine, sizes, providers, ops } = scope;
  const rows: (string | number)[][] = [];
  for (const n of sizes) {
    for (const provider of providers) {
      for (const op of ops) {
        const c = find(engine, provider, n, op);
        if (!c) continue;
        const want = expectedRequests(op, n, provider);
        // The row shows the first repetition that did not send what is expected.
        const off = c.runs.find((r) => !asExpected(r, want)) ?? c.runs[0]!;
        rows.push([
          n,
          provider,
          op,
          off.requests,
          fmtMethods(off.byMethod),
          fmtWant(want),
          off.failedRequests,
          off.changes,
          c.runs.every((r) => asExpected(r, want))
            ? `yes (${c.runs.length}/${c.runs.length})`
            : "NO",
        ]);
      }
    }
  }
  printTable(
    title,
    [
      "n",
      "provider",
      "op",
      "requests",
      "sent",
      "expected",
      "non-2xx",
      "changes",
      "as expected (runs)",
    ],
    rows,
  );
}

/** State size after `up` (and the connections the API then held) and peak RSS per operation. */
function reportMemory(scope: TableScope, title: string): void {
  const { engine, sizes, providers, ops } = scope;
  const rows: (string | number)[][] = [];
  for (const n of sizes) {
    for (const provider of providers) {
      const s = state(engine, provider, n);
      const peak = (op: EngineOp) => mib(find(engine, provider, n, op)?.peakRssKiB ?? 0);
      rows.push([
        n,
        provider,
        s?.stateBytes ?? "-",
        s ? round(s.stateBytes / n, 0) : "-",
        s?.providerTextBytesPerResource ?? "-",
        provider === "noop" ? "-" : (s?.emulatorConnections ?? "-"),
        ...ops.map(peak),
      ]);
    }
  }
  printTable(
    title,
    [
      "n",
      "provider",
      "state bytes",
      "bytes/res",
      "__provider bytes/res",
      "in API",
      ...ops.map((op) => `rss ${op}`),
    ],
    rows,
  );
}

function reportEngine(engine: EngineResult, sizes: readonly number[]): void {
  const timeRows: (string | number)[][] = [];
  for (const n of sizes) {
    for (const op of ENGINE_OPS) {
      const c = find(engine, "connections", n, op);
      const f = find(engine, "noop", n, op);
      const r = ratio(engine, n, op);
      if (r !== undefined) emit({ bench: "engine-ratio", n, op, ratio: round(r, 3) });
      const range = (x: EngineOpSummary | undefined): string =>
        x ? `${round(x.msMin, 0)}-${round(x.msMax, 0)}` : "-";
      timeRows.push([
        n,
        op,
        c ? round(c.ms, 0) : "-",
        range(c),
        f ? round(f.ms, 0) : "-",
        range(f),
        r === undefined ? "-" : round(r, 2),
        c ? round(c.ms / n, 1) : "-",
        f ? round(f.ms / n, 1) : "-",
      ]);
    }
    const t = totalRatio(engine, n);
    if (t !== undefined) {
      emit({ bench: "engine-ratio", n, op: "all", ratio: round(t, 3) });
      timeRows.push([n, "all four", "", "", "", "", round(t, 2), "", ""]);
    }
  }
  printTable(
    `Engine wall time, median of ${repsOf(engine, PROVIDERS)} run(s), this provider vs the no-op dynamic provider (goal: ratio at most 1.15)`,
    [
      "n",
      "op",
      "connections ms",
      "range",
      "no-op ms",
      "range",
      "ratio",
      "conn ms/res",
      "no-op ms/res",
    ],
    timeRows,
  );

  reportRequests(
    { engine, sizes, providers: ["connections"], ops: ENGINE_OPS },
    "API requests per engine operation, this provider (emulator log; changes = engine's count)",
  );
  reportMemory(
    { engine, sizes, providers: PROVIDERS, ops: ENGINE_OPS },
    "State after up and provider process peak RSS (MiB) per operation",
  );

  reportGrowth(engine, sizes);
}

/** Per-resource figure at each N, and the marginal cost per added resource between sizes. */
interface Growth {
  readonly label: string;
  readonly perResource: readonly number[];
  readonly marginal: readonly number[];
}

function growthOf(label: string, sizes: readonly number[], values: readonly number[]): Growth {
  const marginal: number[] = [];
  for (let i = 1; i < sizes.length; i++) {
    marginal.push((values[i]! - values[i - 1]!) / (sizes[i]! - sizes[i - 1]!));
  }
  return { label, perResource: values.map((v, i) => v / sizes[i]!), marginal };
}

function growths(
  engine: EngineResult,
  sizes: readonly number[],
  providers: readonly ProviderChoice[] = PROVIDERS,
  ops: readonly EngineOp[] = ENGINE_OPS,
): Growth[] {
  const out: Growth[] = [];
  for (const provider of providers) {
    for (const op of ops) {
      const values = sizes.map((n) => find(engine, provider, n, op)?.ms ?? NaN);
      out.push(growthOf(`${provider} ${op} ms`, sizes, values));
    }
    const bytes = sizes.map((n) => state(engine, provider, n)?.stateBytes ?? NaN);
    out.push(growthOf(`${provider} state bytes`, sizes, bytes));
  }
  return out;
}

function reportGrowth(
  engine: EngineResult,
  sizes: readonly number[],
  all: readonly Growth[] = growths(engine, sizes),
  what = "",
): void {
  if (sizes.length < 2) return;
  const segments = sizes.slice(1).map((n, i) => `marginal ${sizes[i]}->${n}`);
  const rows = all.map((g) => {
    const first = g.perResource[0]!;
    const last = g.perResource[g.perResource.length - 1]!;
    emit({
      bench: "engine-growth",
      figure: g.label,
      sizes: sizes.join(","),
      perResource: g.perResource.map((v) => round(v, 2)).join(","),
      marginalPerResource: g.marginal.map((v) => round(v, 2)).join(","),
      perResourceGrowth: round(last / first, 3),
    });
    return [
      g.label,
      ...g.perResource.map((v) => round(v, 1)),
      `${round(last / first, 2)}x`,
      ...g.marginal.map((v) => round(v, 1)),
    ];
  });
  printTable(
    `${what}Growth from n=${sizes[0]} to n=${sizes[sizes.length - 1]} (per resource; linear = flat or falling per-resource figures, marginal cost not rising)`,
    ["figure", ...sizes.map((n) => `per res @${n}`), "growth", ...segments],
    rows,
  );
}

/** The AWS comparison's goals (issue "Large stacks fast"), as ratios of median wall times. */
const AWS_GOALS = {
  /** This package's time at most this share of the hand-written provider's, per operation. */
  vsHandwritten: { up: 0.7, update: 0.7, destroy: 0.7, preview: 1.1, refresh: 1.1 } as Readonly<
    Record<EngineOp, number>
  >,
  /** The sizes those apply at (those measured). */
  vsHandwrittenSizes: [100, 300],
  /** The fast path's `up` at most this share of the default's, at `fastUpSize`. */
  fastUp: 0.6,
  fastUpSize: 300,
};

/**
 * Flat growth, as the bench judges it elsewhere: the per-resource time does not rise from one
 * size to the next (beyond 10%, the noise of a shared machine; fixed costs make it fall), and the
 * marginal time per added resource does not climb by more than half from one size step to the
 * next. A previous step's marginal time below 10% of the per-resource time at its upper size
 * (zero or negative: the CLI's fixed costs do not shrink, so that is timing noise) counts as that
 * 10%. Returns what was off, empty when flat.
 */
function notFlat(g: Growth, sizes: readonly number[]): string[] {
  const off: string[] = [];
  g.perResource.forEach((v, i) => {
    if (i > 0 && !(v <= 1.1 * g.perResource[i - 1]!)) {
      off.push(
        `per resource ${round(g.perResource[i - 1]!, 1)} -> ${round(v, 1)} ms from n=${sizes[i - 1]} to ${sizes[i]}`,
      );
    }
  });
  g.marginal.forEach((m, i) => {
    if (i === 0) return;
    const previous = Math.max(g.marginal[i - 1]!, 0.1 * g.perResource[i]!);
    if (!(m <= 1.5 * previous)) {
      off.push(`marginal ${round(g.marginal[i - 1]!, 1)} -> ${round(m, 1)} ms`);
    }
  });
  return off;
}

/**
 * The native plugins next to the dynamic resources, over the same mixed fleet: wall time per
 * operation and their ratio, requests, state bytes and provider RSS. No goal: figures only.
 */
function reportPlugin(engine: EngineResult, sizes: readonly number[]): void {
  const rows: (string | number)[][] = [];
  const range = (x: EngineOpSummary | undefined): string =>
    x ? `${round(x.msMin, 0)}-${round(x.msMax, 0)}` : "-";
  for (const n of sizes) {
    for (const op of AWS_OPS) {
      const d = find(engine, "dynamic", n, op);
      const p = find(engine, "plugin", n, op);
      const r = ratio(engine, n, op, "plugin", "dynamic");
      if (r !== undefined) emit({ bench: "engine-plugin-ratio", n, op, value: round(r, 3) });
      rows.push([
        n,
        op,
        d ? round(d.ms, 0) : "-",
        range(d),
        p ? round(p.ms, 0) : "-",
        range(p),
        r === undefined ? "-" : round(r, 2),
      ]);
    }
  }
  printTable(
    `Native plugins vs dynamic resources (mixed fleet), median of ${repsOf(engine, PLUGIN_PROVIDERS)} run(s)`,
    ["n", "op", "dynamic ms", "range", "plugin ms", "range", "plugin/dynamic"],
    rows,
  );
  const scope = { engine, sizes, providers: PLUGIN_PROVIDERS, ops: AWS_OPS };
  reportRequests(scope, "API requests per engine operation, dynamic resources and native plugins");
  reportMemory(
    scope,
    "State after up and provider peak RSS (MiB; the two plugin processes summed) per operation",
  );
}

function reportAws(engine: EngineResult, sizes: readonly number[]): void {
  const rows: (string | number)[][] = [];
  const ms = (x: EngineOpSummary | undefined): string | number => (x ? round(x.ms, 0) : "-");
  const range = (x: EngineOpSummary | undefined): string =>
    x ? `${round(x.msMin, 0)}-${round(x.msMax, 0)}` : "-";
  const r2 = (r: number | undefined): string | number => (r === undefined ? "-" : round(r, 2));
  for (const n of sizes) {
    for (const op of AWS_OPS) {
      const [pkg, fast, hand] = AWS_PROVIDERS.map((p) => find(engine, p, n, op));
      const vsHand = ratio(engine, n, op, "aws", "aws-handwritten");
      const fastVsDefault = ratio(engine, n, op, "aws-fast", "aws");
      const fastVsHand = ratio(engine, n, op, "aws-fast", "aws-handwritten");
      for (const [name, r] of [
        ["aws-vs-handwritten", vsHand],
        ["aws-fast-vs-aws", fastVsDefault],
        ["aws-fast-vs-handwritten", fastVsHand],
      ] as const) {
        if (r !== undefined)
          emit({ bench: "engine-aws-ratio", n, op, ratio: name, value: round(r, 3) });
      }
      rows.push([
        n,
        op,
        ms(pkg),
        range(pkg),
        ms(fast),
        range(fast),
        ms(hand),
        range(hand),
        r2(vsHand),
        `${AWS_GOALS.vsHandwritten[op]}`,
        r2(fastVsDefault),
        r2(fastVsHand),
        pkg ? round(pkg.ms / n, 1) : "-",
        fast ? round(fast.ms / n, 1) : "-",
        hand ? round(hand.ms / n, 1) : "-",
      ]);
    }
  }
  printTable(
    `Pictory AWS connections only, median of ${repsOf(engine, AWS_PROVIDERS)} run(s): this package (default), ` +
      `the same with PULUMI_SKIP_CHECKPOINTS=true (fast), and a hand-written dynamic provider`,
    [
      "n",
      "op",
      "package ms",
      "range",
      "fast ms",
      "range",
      "hand ms",
      "range",
      "pkg/hand",
      "goal",
      "fast/pkg",
      "fast/hand",
      "pkg ms/res",
      "fast ms/res",
      "hand ms/res",
    ],
    rows,
  );

  const scope = { engine, sizes, providers: AWS_PROVIDERS, ops: AWS_OPS };
  reportRequests(
    scope,
    "API requests per engine operation, AWS connections (emulator log; changes = engine's count)",
  );
  reportMemory(
    scope,
    "AWS connections: state after up and provider process peak RSS (MiB) per operation",
  );

  reportGrowth(engine, sizes, growths(engine, sizes, AWS_PROVIDERS, AWS_OPS), "AWS connections: ");
}

/**
 * The native plugins against this package's dynamic resources, at `size`: wall time per operation
 * and state bytes per resource at most these shares. Measured on no-op providers at N = 300, a
 * native plugin's engine floor is about up 0.87x, update 0.77x, preview 0.87x, refresh 0.66x,
 * destroy 0.73x and state 0.57x of a dynamic provider's: the engine, not the plugin, sets those.
 */
const PLUGIN_GOALS = {
  vsDynamic: { up: 0.9, update: 0.8, destroy: 0.8, preview: 0.9, refresh: 0.75 } as Readonly<
    Record<EngineOp, number>
  >,
  stateBytes: 0.6,
  size: 300,
};

function pluginGoals(
  engine: EngineResult | undefined,
  sizes: readonly number[],
  goal: (name: string, met: boolean | undefined, figure: string) => void,
): void {
  const n = PLUGIN_GOALS.size;
  const limits = Object.entries(PLUGIN_GOALS.vsDynamic) as [EngineOp, number][];
  const name = `native plugins against the dynamic resources at n=${n}: ${limits
    .map(([op, l]) => `${op} at most ${l}x`)
    .join(", ")}`;
  const per = limits.map(
    ([op, l]) => [op, l, engine && ratio(engine, n, op, "plugin", "dynamic")] as const,
  );
  if (!engine || !sizes.includes(n) || per.some(([, , r]) => r === undefined)) {
    goal(
      name,
      undefined,
      `n=${n} not measured (npm run bench -- --plugin-only --plugin-sizes=100,300)`,
    );
  } else {
    goal(
      name,
      per.every(([, l, r]) => r! <= l),
      per.map(([op, , r]) => `${op} ${round(r!, 2)}`).join(", "),
    );
  }
  const dyn = engine && state(engine, "dynamic", n);
  const plug = engine && state(engine, "plugin", n);
  const stateName = `native plugins' state bytes per resource at most ${PLUGIN_GOALS.stateBytes}x the dynamic resources' at n=${n}`;
  if (!dyn || !plug) goal(stateName, undefined, `n=${n} not measured`);
  else {
    const r = plug.stateBytes / dyn.stateBytes;
    goal(
      stateName,
      r <= PLUGIN_GOALS.stateBytes,
      `${round(r, 3)} (${round(plug.stateBytes / n, 0)} against ${round(dyn.stateBytes / n, 0)} bytes)`,
    );
  }
}

function awsGoals(
  engine: EngineResult | undefined,
  sizes: readonly number[],
  goal: (name: string, met: boolean | undefined, figure: string) => void,
): void {
  const vsHand = AWS_GOALS.vsHandwritten;
  const hint = (n: number) =>
    engine ? `n=${n} not measured (npm run bench -- --aws-sizes=10,100,300)` : "engine run skipped";
  const groups: [string, EngineOp[]][] = [
    [`at most ${vsHand.up}x`, ["up", "update", "destroy"]],
    [`at most ${vsHand.preview}x`, ["preview", "refresh"]],
  ];
  for (const n of AWS_GOALS.vsHandwrittenSizes) {
    for (const [limit, ops] of groups) {
      const name = `this package ${limit} the hand-written provider's ${ops.join(", ")} at n=${n}`;
      const per = ops.map(
        (op) => [op, engine && ratio(engine, n, op, "aws", "aws-handwritten")] as const,
      );
      if (!engine || per.some(([, r]) => r === undefined)) {
        goal(name, undefined, hint(n));
        continue;
      }
      const figures = per.map(([op, r]) => {
        const a = find(engine, "aws", n, op)!;
        const h = find(engine, "aws-handwritten", n, op)!;
        return `${op} ${round(r!, 2)} (${round(a.ms / 1000, 2)} s vs ${round(h.ms / 1000, 2)} s)`;
      });
      goal(
        name,
        per.every(([op, r]) => r! <= vsHand[op]),
        figures.join(", "),
      );
    }
  }
  const n = AWS_GOALS.fastUpSize;
  const fastUp = engine && ratio(engine, n, "up", "aws-fast", "aws");
  const fastName = `the fast path's up at most ${AWS_GOALS.fastUp}x the default's at n=${n}`;
  if (!engine || fastUp === undefined) goal(fastName, undefined, hint(n));
  else {
    const f = find(engine, "aws-fast", n, "up")!;
    const d = find(engine, "aws", n, "up")!;
    goal(
      fastName,
      fastUp <= AWS_GOALS.fastUp,
      `${round(fastUp, 2)} (${round(f.ms / 1000, 2)} s vs ${round(d.ms / 1000, 2)} s; ` +
        `destroy ${r2s(ratio(engine, n, "destroy", "aws-fast", "aws"))}, update ` +
        `${r2s(ratio(engine, n, "update", "aws-fast", "aws"))})`,
    );
  }
  const flatName =
    `growth per resource flat on the fast path, n=${sizes.join(", ")} ` +
    "(per-resource time not rising beyond 10%, marginal time not climbing beyond 1.5x)";
  if (!engine || sizes.length < 2) {
    goal(flatName, undefined, engine ? "needs two AWS sizes or more" : "engine run skipped");
    return;
  }
  const all = growths(engine, sizes, ["aws-fast"], AWS_OPS).filter((g) => g.label.endsWith(" ms"));
  const off: string[] = [];
  const figures = all.map((g) => {
    const op = g.label.replace("aws-fast ", "").replace(" ms", "");
    const bad = notFlat(g, sizes);
    if (bad.length > 0) off.push(`${op}: ${bad.join("; ")}`);
    return `${op} ${g.perResource.map((v) => round(v, 1)).join(" -> ")} ms/res (marginal ${g.marginal.map((v) => round(v, 1)).join(", ")})`;
  });
  // The default path's figures, for contrast: where the checkpoint rewrites show.
  const defaults = growths(engine, sizes, ["aws"], ["up", "destroy"])
    .filter((g) => g.label.endsWith(" ms"))
    .map(
      (g) =>
        `${g.label.replace("aws ", "default ").replace(" ms", "")} marginal ${g.marginal.map((v) => round(v, 1)).join(", ")}`,
    );
  goal(
    flatName,
    off.length === 0,
    figures.join("; ") +
      `; ${defaults.join("; ")}` +
      (off.length ? `; not flat: ${off.join(" | ")}` : ""),
  );
}

const r2s = (r: number | undefined): string => (r === undefined ? "-" : String(round(r, 2)));

function summarize(
  providerLevel: ProviderLevelResult,
  engine: EngineResult | undefined,
  sizes: readonly number[],
  awsSizes: readonly number[],
  pluginSizes: readonly number[],
): void {
  const lines: string[] = [];
  const goal = (name: string, met: boolean | undefined, figure: string): void => {
    const verdict = met === undefined ? "not measured" : met ? "met" : "NOT MET";
    emit({ bench: "goal", goal: name, verdict, figure });
    lines.push(`${verdict.padEnd(12)} ${name}: ${figure}`);
  };

  const zero = providerLevel.hooks.filter((h) => HOOK_GOALS[h.op] === 0);
  goal(
    "check and diff send no request",
    zero.every((h) => h.requests === 0),
    `at most ${Math.max(...zero.map((h) => h.requests))} over ${zero.length} calls`,
  );
  const one = providerLevel.hooks.filter((h) => HOOK_GOALS[h.op] !== 0);
  const offGoal = one.filter((h) => h.requests !== hookGoal(h.kind, h.op));
  goal(
    "create, read, update, delete send one request each (an Apinizer create two: GET, then POST)",
    offGoal.length === 0,
    offGoal.length === 0
      ? `as stated over ${one.length} calls`
      : offGoal.map((h) => `${h.kind} ${h.op}: ${h.requests}`).join("; "),
  );
  // Installed, Pulumi stores a `require` of the kind's shim module (provider/shims); the bytes
  // serialized here, from the checkout, are the by-value fallback of a linked checkout.
  const byValue = Math.max(...providerLevel.serialized.map((s) => s.bytes));
  const inState = (engine?.states ?? [])
    .filter((s) => s.provider === "connections")
    .map((s) => s.providerTextBytesPerResource / 2);
  const installed = inState.length > 0 ? Math.max(...inState) : undefined;
  goal(
    "serialized provider at most 2048 bytes per resource",
    Math.max(installed ?? 0, byValue) <= 2048,
    (installed === undefined ? "installed: engine run skipped" : `${installed} bytes installed`) +
      ` (stored twice per resource, inputs and outputs); ${byValue} bytes from a linked checkout`,
  );

  if (!engine || sizes.length === 0) {
    goal(
      "engine ratio at most 1.15 (n=100, 500)",
      undefined,
      engine ? "skipped (--aws-only or --plugin-only)" : "engine run skipped",
    );
  } else {
    for (const n of sizes.filter((s) => s >= 100)) {
      const per = ENGINE_OPS.map((op) => [op, ratio(engine, n, op)] as const);
      const worst = Math.max(...per.map(([, r]) => r ?? Infinity));
      const total = totalRatio(engine, n);
      goal(
        `engine wall time at most 1.15x the no-op provider at n=${n}`,
        worst <= 1.15,
        per.map(([op, r]) => `${op} ${r === undefined ? "-" : round(r, 2)}`).join(", ") +
          (total === undefined ? "" : `; all four ${round(total, 2)}`),
      );
    }
    const wrong: string[] = [];
    for (const n of sizes) {
      for (const op of ENGINE_OPS) {
        const c = find(engine, "connections", n, op);
        if (!c) {
          wrong.push(`n=${n} ${op}: not run`);
          continue;
        }
        for (const r of c.runs.filter(
          (r) => !asExpected(r, expectedRequests(op, n, "connections")),
        )) {
          wrong.push(`n=${n} ${op} run ${r.rep}: ${fmtMethods(r.byMethod)}`);
        }
      }
    }
    goal(
      "engine requests: up N POST (and at most a GET before each Apinizer create), preview 0, refresh N GET, destroy N DELETE",
      wrong.length === 0,
      wrong.length === 0 ? `exact at n=${sizes.join(", ")}` : wrong.join("; "),
    );
    if (installed !== undefined) {
      emit({ bench: "serialized-provider-in-state", bytesPerCopy: installed });
    }

    if (sizes.length >= 2) {
      // Per-resource time falls with N while fixed costs (CLI start, plugin load) amortize, so a
      // per-resource figure at the largest N clearly above the smallest's (beyond the 15% that
      // timing noise on a shared machine explains), or a marginal cost that climbs by more than
      // half from one size step to the next, marks superlinear growth.
      const superlinear = new Set<string>();
      const worstGrowth: string[] = [];
      for (const g of growths(engine, sizes)) {
        const first = g.perResource[0]!;
        const last = g.perResource[g.perResource.length - 1]!;
        const limit = g.label.endsWith("bytes") ? 1.1 : 1.15;
        const rising = g.marginal.some(
          (m, i) => i > 0 && m > 1.5 * Math.max(g.marginal[i - 1]!, 1e-9),
        );
        if (!(last <= limit * first) || rising) superlinear.add(g.label);
        if (g.label.startsWith("connections")) {
          worstGrowth.push(`${g.label.replace("connections ", "")} ${round(last / first, 2)}x`);
        }
      }
      const bad = [...superlinear].filter((l) => l.startsWith("connections"));
      // The same step in the no-op provider's figure is the engine's own (the file backend
      // rewrites the whole checkpoint after every step), so it is named as such.
      const named = bad.map((l) =>
        superlinear.has(l.replace("connections", "noop")) ? `${l} (no-op provider too)` : l,
      );
      goal(
        `linear growth from n=${sizes[0]} to ${sizes[sizes.length - 1]} (per-resource figure at largest / smallest)`,
        bad.length === 0,
        worstGrowth.join(", ") + (bad.length ? `; superlinear: ${named.join(", ")}` : ""),
      );
      // What this provider adds to the engine's floor, per resource: it must not grow with n
      // (beyond 15% of the floor's per-resource time, the noise of a shared machine).
      const extra: string[] = [];
      const growing: string[] = [];
      for (const op of ENGINE_OPS) {
        const per = sizes.map((n) => {
          const c = find(engine, "connections", n, op)?.ms ?? NaN;
          const f = find(engine, "noop", n, op)?.ms ?? NaN;
          return { extra: (c - f) / n, floor: f / n };
        });
        extra.push(`${op} ${per.map((p) => round(p.extra, 1)).join(" -> ")}`);
        const grows = per.some(
          (p, i) => i > 0 && !(p.extra <= Math.max(per[i - 1]!.extra, 0) + 0.15 * p.floor),
        );
        if (grows) growing.push(op);
      }
      goal(
        `this provider's cost above the no-op provider, ms per resource at n=${sizes.join(", ")}, does not grow`,
        growing.length === 0,
        extra.join("; ") + (growing.length ? `; grows: ${growing.join(", ")}` : ""),
      );
    }
    const peak = Math.max(
      ...engine.ops.filter((o) => o.provider === "connections").map((o) => o.peakRssKiB),
    );
    const peakNoop = Math.max(
      ...engine.ops.filter((o) => o.provider === "noop").map((o) => o.peakRssKiB),
    );
    goal(
      "provider peak RSS reported (no numeric goal)",
      true,
      `${mib(peak)} MiB this provider, ${mib(peakNoop)} MiB no-op (max over every operation and n)`,
    );
  }
  awsGoals(engine, awsSizes, goal);
  pluginGoals(engine, pluginSizes, goal);
  process.stdout.write(`\n## Goals\n${lines.join("\n")}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(
    `bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exitCode = 1;
});
