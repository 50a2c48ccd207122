/**
 * Jest helpers to run the connections API emulator in-process. Reusable by every test layer:
 *
 * ```ts
 * const emu = useEmulator();            // starts in beforeAll, stops in afterAll
 * beforeEach(() => emu.current.reset()); // optional: clean slate per test
 * it("...", async () => { await fetch(`${emu.url}/apiops/test/healthcheck`); });
 * ```
 */
import {
  DEFAULT_APINIZER_TOKEN,
  DEFAULT_PICTORY_API_KEY,
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from "../../emulator";

export { DEFAULT_APINIZER_TOKEN, DEFAULT_PICTORY_API_KEY };

/** A started emulator, available once `beforeAll` has run. */
export interface EmulatorHandle {
  /** The running emulator; throws when read outside the `beforeAll`/`afterAll` window. */
  readonly current: RunningEmulator;
  /** "http://127.0.0.1:<port>" */
  readonly url: string;
  /** Base URL for the Pictory API, "<url>/pictoryapis" (the provider's `baseUrl`). */
  readonly pictoryBaseUrl: string;
  /** Base URL for the Apinizer API, "<url>" (paths start with "/apiops/"). */
  readonly apinizerBaseUrl: string;
}

/**
 * Registers `beforeAll`/`afterAll` hooks in the current describe block that start and stop one
 * emulator, and returns a handle to it.
 */
export function useEmulator(options: EmulatorOptions = {}): EmulatorHandle {
  let running: RunningEmulator | undefined;
  beforeAll(async () => {
    running = await startEmulator(options);
  });
  afterAll(async () => {
    await running?.stop();
    running = undefined;
  });
  const current = (): RunningEmulator => {
    if (running === undefined) {
      throw new Error(
        "the emulator runs only between beforeAll and afterAll of its describe block",
      );
    }
    return running;
  };
  return {
    get current() {
      return current();
    },
    get url() {
      return current().url;
    },
    get pictoryBaseUrl() {
      return `${current().url}/pictoryapis`;
    },
    get apinizerBaseUrl() {
      return current().url;
    },
  };
}

/** Starts an emulator for the duration of `body`, then stops it even when `body` throws. */
export async function withEmulator<T>(
  body: (emulator: RunningEmulator) => Promise<T>,
  options: EmulatorOptions = {},
): Promise<T> {
  const emulator = await startEmulator(options);
  try {
    return await body(emulator);
  } finally {
    await emulator.stop();
  }
}

/** `/_emulator/state` of one tenant (default tenant unless `tenant` names a key, token or label). */
export async function emulatorState(url: string, tenant?: string): Promise<EmulatorTenantState> {
  const query = tenant === undefined ? "" : `?tenant=${encodeURIComponent(tenant)}`;
  const response = await fetch(`${url}/_emulator/state${query}`);
  const body = (await response.json()) as { tenants: EmulatorTenantState[] };
  const state = body.tenants[0];
  if (state === undefined) {
    throw new Error("emulator state has no tenant");
  }
  return state;
}

/** Shape of one tenant in `/_emulator/state`; secrets appear as `{sha256}` fingerprints. */
export interface EmulatorTenantState {
  readonly tenant: string;
  readonly pictory: {
    readonly aws: readonly Record<string, unknown>[];
    readonly vimeo: readonly Record<string, unknown>[];
  };
  readonly apinizer: Readonly<Record<string, readonly Record<string, unknown>[]>>;
}
