import * as engine from "./engine";
import { ConnectionApiError, ConnectionError } from "./errors";
import { HttpClient } from "./http";
import { ApiCall, fieldsFor, Props, ResourceKind } from "./kind";
import { redact } from "./secrets";
import { ConfigSource, Family, SettingsStore } from "./settings";

/**
 * The dynamic-provider surface of one resource kind. The serialized shim in the SDK forwards each
 * call here, so this code (not a copy frozen into state) runs for refresh and delete.
 */
export interface ProviderHooks {
  configure(req: { config: ConfigSource }): Promise<void>;
  check(
    olds: Props,
    news: Props,
  ): Promise<{ inputs: Record<string, unknown>; failures: engine.Failure[] }>;
  diff(
    id: string,
    olds: Props,
    news: Props,
  ): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }>;
  create(inputs: Props): Promise<{ id: string; outs: Record<string, unknown> }>;
  read(
    id: string,
    props: Props,
  ): Promise<{ id: string; props: Record<string, unknown>; inputs: Record<string, unknown> }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs: Record<string, unknown> }>;
  delete(id: string, props: Props): Promise<void>;
}

/** Process-wide state of the provider: settings and one HTTP client per base URL. */
export class ProviderRuntime {
  public readonly settings = new SettingsStore();
  private readonly clients = new Map<string, HttpClient>();

  public constructor(private readonly kinds: ReadonlyMap<string, ResourceKind>) {}

  public kind(token: string): ResourceKind {
    const kind = this.kinds.get(token);
    if (!kind) {
      throw new ConnectionApiError(
        "CONFIG_INVALID",
        `unknown resource kind ${JSON.stringify(token)}: expected one of ${[...this.kinds.keys()].join(", ")}; ` +
          `the installed pulumi-connections is older than the one that created this resource, upgrade it`,
      );
    }
    return kind;
  }

  /** Total requests sent by every client, for the benchmark. */
  public requestsSent(): number {
    let n = 0;
    for (const c of this.clients.values()) n += c.attemptsSent;
    return n;
  }

  public async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.close()));
    this.clients.clear();
  }

  private client(family: Family): { http: HttpClient; call: Omit<ApiCall, "http" | "label"> } {
    const fam = this.settings.family(family);
    const provider = this.settings.provider();
    const key = `${fam.baseUrl}|${JSON.stringify(provider.http)}`;
    let http = this.clients.get(key);
    if (!http) {
      http = new HttpClient(fam.baseUrl, provider.http);
      this.clients.set(key, http);
    }
    return { http, call: { family: fam, provider } };
  }

  public hooks(token: string): ProviderHooks {
    const kind = this.kind(token);
    const ops: engine.Operations = {
      kind,
      call: (inputs) => {
        const { http, call } = this.client(kind.family);
        return {
          ...call,
          http,
          label: `${kind.token} ${JSON.stringify(String(inputs.name ?? "?"))}`,
        };
      },
    };
    const guard =
      <A extends unknown[], R>(fn: (...a: A) => Promise<R>, propsOf: (...a: A) => Props[]) =>
      async (...args: A): Promise<R> => {
        try {
          return await fn(...args);
        } catch (e) {
          throw this.scrub(e, kind, propsOf(...args));
        }
      };
    return {
      configure: async (req) => this.settings.configure(req.config),
      check: guard(
        async (olds: Props, news: Props) => {
          const outcome = engine.check(kind, olds, news);
          // Fails preview early, naming the key to set, before any network call.
          this.settings.family(kind.family);
          this.settings.provider();
          return { inputs: outcome.inputs, failures: outcome.failures };
        },
        (olds, news) => [olds, news],
      ),
      diff: guard(
        async (_id: string, olds: Props, news: Props) => {
          const d = engine.diff(kind, olds, news);
          return {
            changes: d.changes,
            replaces: d.replaces,
            deleteBeforeReplace: d.deleteBeforeReplace,
          };
        },
        (_id, olds, news) => [olds, news],
      ),
      create: guard(
        (inputs: Props) => engine.create(ops, inputs),
        (inputs) => [inputs],
      ),
      read: guard(
        (id: string, props: Props) => engine.read(ops, id, props),
        (_id, props) => [props],
      ),
      update: guard(
        async (id: string, olds: Props, news: Props) => ({
          outs: await engine.update(ops, id, olds, news),
        }),
        (_id, olds, news) => [olds, news],
      ),
      delete: guard(
        (id: string, props: Props) => engine.remove(ops, id, props),
        (_id, props) => [props],
      ),
    };
  }

  /** Every error leaves with secrets masked: input secrets, and the credentials themselves. */
  private scrub(e: unknown, kind: ResourceKind, props: Props[]): Error {
    const secrets: string[] = [];
    for (const p of props) {
      for (const [k, spec] of Object.entries(fieldsFor(kind, p))) {
        if (spec.secret) collectStrings(p[k], secrets);
      }
    }
    for (const family of ["pictory", "apinizer"] as const) {
      try {
        secrets.push(this.settings.family(family).credential);
      } catch {
        // Not configured: nothing to mask.
      }
    }
    if (ConnectionError.isInstance(e)) {
      e.message = redact(e.message, secrets);
      if (e.stack) e.stack = redact(e.stack, secrets);
      return e;
    }
    const text = e instanceof Error ? e.message : String(e);
    return new ConnectionApiError(
      "API_ERROR",
      redact(`${kind.token}: unexpected error: ${text}`, secrets),
    );
  }
}

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, into));
  else if (value && typeof value === "object")
    Object.values(value).forEach((v) => collectStrings(v, into));
}
