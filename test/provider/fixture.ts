import { RunningEmulator, startEmulator, EmulatorOptions } from "../../emulator";
import { ConnectionError } from "../../provider/core/errors";
import { KINDS } from "../../provider/registry";
import { ProviderHooks, ProviderRuntime } from "../../provider/core/runtime";
import { emulatorConfigValues } from "../../scripts/workspace";

export interface ProviderFixture {
  readonly emulator: RunningEmulator;
  readonly runtime: ProviderRuntime;
  readonly aws: ProviderHooks;
  readonly vimeo: ProviderHooks;
  readonly apinizer: ProviderHooks;
  /** Stack config the runtime was configured with; tests may change it. */
  readonly config: Record<string, string>;
  /** API requests the emulator saw since the last call (admin requests are not logged). */
  takeRequests(): string[];
  /** The emulator's stored connections (secrets as sha256 fingerprints). */
  state(): Promise<EmulatorState>;
  close(): Promise<void>;
}

export interface EmulatorState {
  readonly pictory: {
    readonly aws: Record<string, unknown>[];
    readonly vimeo: Record<string, unknown>[];
  };
  readonly apinizer: Record<string, Record<string, unknown>[]>;
}

/** A provider runtime configured like `pulumi config` would, against a fresh in-process emulator. */
export async function providerFixture(options: EmulatorOptions = {}): Promise<ProviderFixture> {
  const emulator = await startEmulator(options);
  const config: Record<string, string> = {
    ...emulatorConfigValues(emulator.url),
    // Fast retries keep fault tests short; the policy is the same.
    "connections:retryBaseMs": "10",
    "connections:retryMaxDelayMs": "1500",
    "connections:requestTimeoutMs": "3000",
  };
  const runtime = new ProviderRuntime(KINDS);
  const source = { get: (k: string) => config[k] };
  runtime.settings.configure(source);
  // The provider parses its settings once per process; a test that changes config (or the
  // environment, then config) gets what a new provider process would see.
  const live = new Proxy(config, {
    set(target, key, value) {
      target[key as string] = value as string;
      runtime.settings.configure(source);
      return true;
    },
    deleteProperty(target, key) {
      delete target[key as string];
      runtime.settings.configure(source);
      return true;
    },
  });
  let seen = 0;
  return {
    emulator,
    runtime,
    config: live,
    aws: runtime.hooks("pictory:AwsConnection"),
    vimeo: runtime.hooks("pictory:VimeoConnection"),
    apinizer: runtime.hooks("apinizer:Connection"),
    takeRequests() {
      const all = emulator.requests();
      const fresh = all.slice(seen);
      seen = all.length;
      return fresh.map((r) => `${r.method} ${r.status}`);
    },
    async state() {
      const res = await fetch(`${emulator.url}/_emulator/state?tenant=pictai_emulator_key`);
      const body = (await res.json()) as { tenants: EmulatorState[] };
      return body.tenants[0]!;
    },
    async close() {
      await runtime.close();
      await emulator.stop();
    },
  };
}

/** Runs the same sequence the engine does for a new resource: check, then create. */
export async function checkAndCreate(hooks: ProviderHooks, news: Record<string, unknown>) {
  const checked = await hooks.check({}, news);
  if (checked.failures.length > 0)
    throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
  const created = await hooks.create(checked.inputs);
  return { inputs: checked.inputs, ...created };
}

/** Awaits a rejection and checks that it is a branded ConnectionError with the given code. */
export async function expectCode(p: Promise<unknown>, code: string): Promise<ConnectionError> {
  try {
    await p;
  } catch (e) {
    expect(ConnectionError.isInstance(e)).toBe(true);
    expect((e as ConnectionError).code).toBe(code);
    return e as ConnectionError;
  }
  throw new Error(`expected an error with code ${code}`);
}
