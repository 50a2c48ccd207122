import { RunningEmulator, startEmulator } from "../emulator";
import { KINDS } from "../provider/registry";
import { ProviderHooks, ProviderRuntime } from "../provider/core/runtime";
import { providerShim } from "../sdk/nodejs/shim";
import { emit, printTable, progress } from "./report";
import { emulatorConfigValues } from "../scripts/workspace";

/** The hooks whose request count has a goal: none for check and diff, one for the rest. */
export const HOOK_GOALS: Readonly<Record<string, number>> = {
  check: 0,
  diff: 0,
  create: 1,
  read: 1,
  update: 1,
  delete: 1,
};

/**
 * The goal of one kind's hook. An Apinizer create on a v2 server is a GET then the POST: v2's POST
 * is an upsert (Apinizer "Create Connection"), so the GET is what keeps a create from overwriting a
 * connection of the same name that another stack owns.
 */
export function hookGoal(kind: string, op: string): number {
  return kind === "apinizer:Connection" && op === "create" ? 2 : HOOK_GOALS[op]!;
}

/** Requests one hook call sent, as the emulator logged them. */
export interface HookRequests {
  readonly kind: string;
  readonly op: string;
  readonly requests: number;
  /** "METHOD status" of each request, in order. */
  readonly detail: readonly string[];
}

/** Bytes of the provider Pulumi serializes into each resource of one kind. */
export interface SerializedSize {
  readonly kind: string;
  readonly bytes: number;
}

export interface ProviderLevelResult {
  readonly hooks: readonly HookRequests[];
  readonly serialized: readonly SerializedSize[];
}

/** Plain arguments of one connection per kind, as a program would pass them (secrets inline). */
const SAMPLES: ReadonlyArray<{ kind: string; args: Record<string, unknown> }> = [
  {
    kind: "pictory:AwsConnection",
    args: {
      name: "bench-media",
      awsAccountId: "123456789012",
      awsRegion: "us-east-2",
      description: "raw",
    },
  },
  {
    kind: "pictory:VimeoConnection",
    args: {
      name: "bench-marketing",
      clientIdentifier: "cid",
      clientSecret: "bench-vimeo-secret",
      accessToken: "bench-vimeo-token",
      description: "raw",
    },
  },
  {
    kind: "apinizer:Connection",
    args: {
      projectName: "demo",
      name: "bench-alerts",
      type: "email",
      host: "smtp.example.com",
      port: 587,
      auth: true,
      username: "bot",
      password: "bench-smtp-password",
      description: "raw",
    },
  },
];

/**
 * Calls every hook once per kind in the order the engine does for a lifecycle (check, diff of an
 * edit, create, read, update, delete) against an in-process emulator, counting what it logged.
 */
export async function measureProviderLevel(): Promise<ProviderLevelResult> {
  progress("provider level: hooks against the in-process emulator");
  const emulator = await startEmulator();
  const runtime = new ProviderRuntime(KINDS);
  const config: Record<string, string> = {
    ...emulatorConfigValues(emulator.url),
  };
  runtime.settings.configure({ get: (k) => config[k] });
  const hooks: HookRequests[] = [];
  try {
    for (const sample of SAMPLES) {
      hooks.push(...(await lifecycle(emulator, sample.kind, runtime.hooks(sample.kind), sample)));
    }
  } finally {
    await runtime.close();
    await emulator.stop();
  }
  const serialized: SerializedSize[] = [];
  for (const sample of SAMPLES) {
    serialized.push({ kind: sample.kind, bytes: await serializedBytes(sample.kind) });
  }

  for (const h of hooks) {
    emit({
      bench: "provider",
      kind: h.kind,
      op: h.op,
      requests: h.requests,
      goal: hookGoal(h.kind, h.op),
    });
  }
  for (const s of serialized) emit({ bench: "serialized-provider", kind: s.kind, bytes: s.bytes });
  const ops = Object.keys(HOOK_GOALS);
  printTable(
    "Requests per provider hook (emulator log; goal: check/diff 0, others 1, Apinizer create 2)",
    ["kind", ...ops],
    SAMPLES.map((s) => [
      s.kind,
      ...ops.map((op) => hooks.find((h) => h.kind === s.kind && h.op === op)!.requests),
    ]),
  );
  printTable(
    "Serialized provider per resource from this checkout, i.e. by value as a linked checkout stores it (goal: at most 2048 bytes; installed, see the state table)",
    ["kind", "bytes"],
    serialized.map((s) => [s.kind, s.bytes]),
  );
  return { hooks, serialized };
}

async function lifecycle(
  emulator: RunningEmulator,
  kind: string,
  h: ProviderHooks,
  sample: { args: Record<string, unknown> },
): Promise<HookRequests[]> {
  const out: HookRequests[] = [];
  const measure = async <T>(op: string, fn: () => Promise<T>): Promise<T> => {
    emulator.clearRequests();
    const result = await fn();
    const log = emulator.requests();
    out.push({
      kind,
      op,
      requests: log.length,
      detail: log.map((r) => `${r.method} ${r.status}`),
    });
    return result;
  };
  const checked = await measure("check", () => h.check({}, sample.args));
  if (checked.failures.length > 0) {
    throw new Error(`${kind}: check failed: ${JSON.stringify(checked.failures)}`);
  }
  const created = await measure("create", () => h.create(checked.inputs));
  const edited = { ...checked.inputs, description: "edited" };
  const diff = await measure("diff", () => h.diff(created.id, created.outs, edited));
  // `undefined` is a change reported as unknown, so that the engine names the changed fields
  // itself (hostChanges in provider/core/planning.ts); only `false` means none.
  if (diff.changes === false) {
    throw new Error(`${kind}: diff of an edited description found no change`);
  }
  const read = await measure("read", () => h.read(created.id, created.outs));
  const updated = await measure("update", () => h.update(created.id, read.props, edited));
  await measure("delete", () => h.delete(created.id, updated.outs));
  return out;
}

/** What `pulumi.dynamic.Resource` stores under `__provider` for each resource of this kind. */
async function serializedBytes(kind: string): Promise<number> {
  // Lazy, as the SDK does: the closure serializer is slow to load and only this step needs it.
  const sc = require("@pulumi/pulumi/runtime/closure/serializeClosure") as {
    serializeFunction(
      fn: () => unknown,
      opts: { allowSecrets: boolean },
    ): Promise<{ text: string }>;
  };
  const provider = providerShim(kind);
  const sf = await sc.serializeFunction(() => provider, { allowSecrets: true });
  return Buffer.byteLength(sf.text, "utf8");
}
