import { AsyncLocalStorage } from "node:async_hooks";
import type * as pulumi from "@pulumi/pulumi";
import { debug } from "./cancel";
import { ConnectionError, ConnectionValidationError } from "./errors";
import { counted, stopping } from "./lifecycle";
import { Deadline, HttpClient } from "./http";
import { create, notFound, Operations, read, remove, update } from "./operations";
import { check, diff, Failure, hostChanges } from "./planning";
import { accountOf, ApiCall, fieldsFor, ownWords, Props, ResourceKind } from "./kind";
import { collectStrings, describeReceived, maskDecoded, redact } from "./secrets";
import { FamilyDeclaration } from "./family";
import { ConfigSource, ProviderSettings, SettingsStore } from "./settings";

/**
 * The dynamic-provider surface of one resource kind: Pulumi's `ResourceProvider` with every hook
 * present and every result field the engine reads filled. The serialized shim forwards each call
 * here, so this code (not a copy frozen into state) runs for refresh and delete.
 */
export interface ProviderHooks {
  configure(req: pulumi.dynamic.ConfigureRequest): Promise<void>;
  check(olds: Props, news: Props): Promise<Required<pulumi.dynamic.CheckResult>>;
  diff(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: Props): Promise<{ id: string; outs: Record<string, unknown> }>;
  read(
    id: string,
    props: Props,
  ): Promise<{ id: string; props: Record<string, unknown>; inputs: Record<string, unknown> }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs: Record<string, unknown> }>;
  delete(id: string, props: Props): Promise<void>;
}

/** Compile-time proof that the hooks are a Pulumi dynamic provider. */
export type AssertProvider<T extends pulumi.dynamic.ResourceProvider> = T;
export type ProviderHooksAreAProvider = AssertProvider<ProviderHooks>;

/** Process-wide state of the provider: settings and one HTTP client per base URL. */
export class ProviderRuntime {
  private readonly clients = new Map<string, HttpClient>();

  /** Every family a kind belongs to: their credentials are masked in every message. */
  private readonly families: readonly FamilyDeclaration[];

  /**
   * Every secret any operation of this process carried: an error leaving one operation is masked
   * with all of them, since operations share clients and run side by side.
   */
  private readonly known = new Set<string>();

  /**
   * Secrets a front door knows of the operation running ({@link operation}): what the program
   * passed as a secret in fields the kind does not declare secret.
   */
  private readonly ambient = new AsyncLocalStorage<readonly string[]>();

  /**
   * @param settings The process's settings: a native plugin's read its package's config namespace.
   * @default settings of the `connections` namespace
   */
  public constructor(
    private readonly kinds: ReadonlyMap<string, ResourceKind>,
    public readonly settings = new SettingsStore(),
  ) {
    this.families = [...new Set([...kinds.values()].map((k) => k.family))];
  }

  public kind(token: string): ResourceKind {
    const kind = this.kinds.get(token);
    if (!kind) {
      throw new ConnectionError(
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

  public hooks(token: string): ProviderHooks {
    const kind = this.kind(token);
    const ops = (operation: Operation, props: readonly Props[]): Operations => ({
      kind,
      call: (inputs) => this.call(kind, operation, inputs, props),
    });
    return {
      configure: async (req) => {
        try {
          this.settings.configure(req.config as ConfigSource);
        } catch (e) {
          throw this.scrub(e, kind.token, this.masked(kind, []));
        }
      },
      check: this.guard(
        kind,
        (olds: Props, news: Props) => [olds, news],
        async (olds, news) => {
          const outcome = check(kind, olds, news);
          // Fails preview early, naming the key to set, before any network call. An account that
          // is unknown during preview is checked by `up`; a malformed one is a failure above.
          const account = outcome.inputs.account;
          if (account === undefined || typeof account === "string")
            this.settings.family(kind.family, accountOf(outcome.inputs));
          this.settings.provider();
          return { inputs: outcome.inputs, failures: outcome.failures.map(hostFailure) };
        },
      ),
      diff: this.guard(
        kind,
        (_id: string, olds: Props, news: Props) => [olds, news],
        async (_id, olds, news) => {
          const d = diff(kind, olds, news);
          return {
            changes: hostChanges(d),
            replaces: d.replaces,
            deleteBeforeReplace: d.deleteBeforeReplace,
          };
        },
      ),
      create: this.guard(
        kind,
        (inputs: Props) => [inputs],
        (inputs) => create(ops("create", [inputs]), inputs),
      ),
      read: this.guard(
        kind,
        (_id: string, props: Props) => [props],
        (id, props) => read(ops("read", [props]), id, props),
      ),
      update: this.guard(
        kind,
        (_id: string, olds: Props, news: Props) => [olds, news],
        async (id, olds, news) => ({
          outs: await update(ops("update", [olds, news]), id, olds, news),
        }),
      ),
      delete: this.guard(
        kind,
        (_id: string, props: Props) => [props],
        (id, props) => remove(ops("delete", [props]), id, props),
      ),
    };
  }

  /** The HTTP client and settings of one family's account (its default credentials without one). */
  public client(
    family: FamilyDeclaration,
    account?: string,
  ): {
    http: HttpClient;
    call: Pick<ApiCall, "family" | "settings">;
  } {
    const fam = this.settings.family(family, account);
    const settings = this.settings.provider();
    const key = `${fam.baseUrl}|${JSON.stringify(settings.http)}`;
    let http = this.clients.get(key);
    if (!http) {
      http = new HttpClient(fam.baseUrl, settings.http);
      this.clients.set(key, http);
    }
    return { http, call: { family: fam, settings } };
  }

  /**
   * One GET of a connection by what identifies it ({@link ResourceKind.lookupBy}), for the SDK's
   * lookup functions, in the program's process: the same settings, client and answer validation
   * as the resources. `what` names the caller in messages (`pictory.getAwsConnection`). A missing
   * connection fails with NOT_FOUND naming the ID and the account; another account's with FORBIDDEN.
   */
  public async lookup(
    token: string,
    what: string,
    parts: Props,
    account?: string,
  ): Promise<Record<string, unknown>> {
    const kind = this.kind(token);
    try {
      for (const k of kind.lookupBy) {
        if (typeof parts[k] !== "string" || parts[k] === "") {
          throw new ConnectionValidationError(
            "VALIDATION_FAILED",
            `${what}: ${k} must be a non-empty string, received ` +
              `${parts[k] === undefined ? "nothing" : describeReceived(parts[k])}; ` +
              `pass the ${kind.lookupBy.join(" and ")} of the connection to read`,
          );
        }
      }
      const id = kind.lookupBy.map((k) => parts[k] as string).join("/");
      const { http, call: shared } = this.client(kind.family, account);
      const where = account === undefined ? "" : ` in account ${JSON.stringify(account)}`;
      const call: ApiCall = {
        ...shared,
        kind,
        http,
        label: `${what} ${JSON.stringify(id)}${where}`,
        deadline: operationDeadline("read", {}, shared.settings),
        secrets: this.secretsOf(kind, []),
      };
      const remote = await kind.api.get(call, { id, state: parts });
      if (!remote) throw notFound(call, id);
      return {
        ...remote.fields,
        ...remote.computed,
        id: remote.id || id,
        ...(account !== undefined ? { account } : {}),
      };
    } catch (e) {
      throw this.scrub(e, kind.token, this.masked(kind, []));
    }
  }

  /**
   * Runs one operation of a front door that raises errors of its own (the native plugin).
   * `secrets` are secrets of the operation for everything the runtime does meanwhile (masked run
   * by run in what an API answers, remembered for later operations), and whatever `fn` throws
   * leaves through the same last line as a hook's error: every secret this process knows masked.
   * `what` names the operation in an unexpected error's message (`apinizer:index:EmailConnection`).
   */
  public async operation<R>(
    what: string,
    secrets: readonly string[],
    fn: () => Promise<R>,
    onError: (masked: ConnectionError, thrown: unknown) => unknown = (masked) => masked,
  ): Promise<R> {
    return this.ambient.run([...secrets], async () => {
      try {
        return await fn();
      } catch (e) {
        throw onError(this.scrub(e, what, this.masked(undefined, [])), e);
      }
    });
  }

  /** Masks a text with every secret this process knows, as an error's message is masked. */
  public mask(text: string, secrets: readonly string[] = []): string {
    return redact(text, [...secrets, ...this.masked(undefined, [])], { whole: true });
  }

  /** Everything one operation's requests share: client, settings, deadline and the secrets to mask. */
  private call(
    kind: ResourceKind,
    operation: Operation,
    inputs: Props,
    props: readonly Props[],
  ): ApiCall {
    const account = accountOf(inputs);
    const { http, call } = this.client(kind.family, account);
    const where = account === undefined ? "" : ` in account ${JSON.stringify(account)}`;
    return {
      ...call,
      kind,
      http,
      label: `${kind.token} ${JSON.stringify(String(inputs.name ?? inputs.connectionId ?? "?"))}${where}`,
      deadline: operationDeadline(operation, inputs, call.settings),
      secrets: this.secretsOf(kind, props),
    };
  }

  /**
   * Runs a hook; whatever it throws leaves with every secret masked, shaped for the host to print
   * once ({@link forHost}).
   */
  private guard<A extends unknown[], R>(
    kind: ResourceKind,
    propsOf: (...a: A) => Props[],
    fn: (...a: A) => Promise<R>,
  ): (...a: A) => Promise<R> {
    return (...args: A): Promise<R> =>
      counted(async () => {
        try {
          return await fn(...args);
        } catch (e) {
          const props = propsOf(...args);
          const secrets = this.masked(kind, props);
          throw forHost(this.scrub(e, kind.token, secrets), e, secrets);
        }
      });
  }

  /**
   * The secret input values the props carry, those the front door knows of the operation, and the
   * credentials themselves (the base URLs' user info included).
   */
  private secretsOf(kind: ResourceKind | undefined, props: readonly Props[]): string[] {
    const secrets: string[] = [...(this.ambient.getStore() ?? [])];
    for (const p of kind ? props : []) {
      for (const [k, spec] of Object.entries(fieldsFor(kind!, p))) {
        if (spec.secret) collectStrings(p[k], secrets);
      }
    }
    for (const family of this.families) secrets.push(...this.settings.credentials(family));
    if (this.known.size < MAX_KNOWN_SECRETS) for (const s of secrets) this.known.add(s);
    return secrets;
  }

  /** The secrets an error of this operation is masked with: its own and every one seen before. */
  private masked(kind: ResourceKind | undefined, props: readonly Props[]): string[] {
    return [...this.secretsOf(kind, props), ...this.known];
  }

  /**
   * The last line of defence: whatever a hook throws leaves with every secret this process knows
   * masked (the operation's inputs and state, every earlier operation's, the credentials), in
   * every form {@link redact} knows, and every URL shown without credentials. The resource type
   * tokens are the code's own text and stay readable. `what` names the operation in an unexpected
   * error's message: a type token, the code's own.
   */
  private scrub(e: unknown, what: string, secrets: readonly string[]): ConnectionError {
    // A ConnectionError's message is the code's own: what it quotes of an API was masked run by
    // run where it entered (apiSaid, excerpt), so here each secret is masked only whole, in every
    // form, which never hides (and so never points at) a name a reader already knows.
    const mask = (text: string) => redact(text, secrets, { whole: true });
    if (ConnectionError.isInstance(e)) {
      e.message = mask(e.message);
      if (e.stack) e.stack = mask(e.stack);
      // An initialization failure's reasons are what the dynamic-provider host hands the engine.
      const withReasons = e as { reasons?: unknown };
      if (Array.isArray(withReasons.reasons))
        withReasons.reasons = withReasons.reasons.map((r) => (typeof r === "string" ? mask(r) : r));
      return e;
    }
    const text = e instanceof Error ? e.message : String(e);
    // An error we did not raise may quote anything: every run of a secret is masked.
    const keep = [...this.kinds.values()].flatMap(ownWords);
    // Its escapes (`\u0048`, `&#x48;`) are undone where that uncovers a secret.
    return new ConnectionError(
      "API_ERROR",
      maskDecoded(
        `${what}: unexpected error: ${text}; please report it with the command that failed`,
        secrets,
        { keep },
      ),
      { cause: e },
    );
  }
}

/** Secrets remembered across operations, bounded for a process that manages a huge stack. */
const MAX_KNOWN_SECRETS = 256;

/**
 * Pulumi prints a failure that names a property together with the property's value as it holds
 * it, secrets included (`property clientSecret value {&{{…}}} has a problem`). So the property is
 * named in the reason instead, which the engine prints alone.
 */
function hostFailure(f: Failure): Failure {
  return { property: "", reason: `[${f.property}] ${f.reason}` };
}

type Operation = "create" | "read" | "update" | "delete";

/**
 * The deadline of one operation: the resource's `customTimeouts` for it when the program set one
 * (the SDK passes them as the hidden `__customTimeouts`, since Pulumi's dynamic-provider host
 * does not hand the engine's timeouts to the provider), else connections:operationTimeoutMs.
 */
function operationDeadline(
  operation: Operation,
  inputs: Props,
  settings: Pick<ProviderSettings, "operationTimeoutMs" | "key">,
): Deadline {
  const fallbackMs = settings.operationTimeoutMs;
  const custom = (inputs.__customTimeouts as Record<string, unknown> | undefined)?.[operation];
  const customMs = typeof custom === "string" ? parseDuration(custom) : undefined;
  const ms = customMs ?? fallbackMs;
  return {
    signal: AbortSignal.any([AbortSignal.timeout(ms), stopping]),
    ms,
    setting:
      customMs !== undefined ? `customTimeouts.${operation}` : settings.key("operationTimeoutMs"),
    cancelled: () => stopping.aborted,
  };
}

/** A Pulumi custom timeout (Go duration syntax: `300ms`, `2s`, `5m`, `1h30m`), in ms. */
export function parseDuration(text: string): number | undefined {
  const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text.trim()) return undefined;
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]!]!, 0);
  return ms > 0 ? ms : undefined;
}

/**
 * An error as it leaves a hook for Pulumi's dynamic-provider host. The host prints what check,
 * diff, read and delete throw on its stderr as `${e}: ${e.stack}` (`ResourceProviderService` in
 * @pulumi/pulumi/cmd/dynamic-provider/index.js), which the engine shows, and then hands
 * `e.message` to the engine, which reports it as the resource's error: the message three times
 * and a JavaScript stack. The engine's report is the one every failure gets (the host prints no
 * create or update failure), so the host's line is cut down to the error's class and stable code,
 * `ConnectionConfigError: CONFIG_MISSING`. The message, `code`, `status` and `cause` stay as they
 * were for code that catches the error. The stack is not lost for whoever debugs: it is written
 * to the debug log (`NODE_DEBUG=connections`). An error we did not raise on purpose keeps its
 * cause's stack, secrets masked, since that is what its bug report needs.
 */
function forHost(e: ConnectionError, thrown: unknown, secrets: readonly string[]): Error {
  if (e.stack) debug("%s", e.stack);
  const trace =
    !ConnectionError.isInstance(thrown) && thrown instanceof Error && thrown.stack
      ? // Its first line is the message, escapes and all: undone where that uncovers a secret.
        maskDecoded(thrown.stack, secrets, {})
      : e.code;
  const hidden = { writable: true, configurable: true, enumerable: false };
  Object.defineProperty(e, "stack", { ...hidden, value: trace });
  Object.defineProperty(e, "toString", { ...hidden, value: () => e.name });
  return e;
}
