/**
 * Pulumi's ResourceProvider gRPC service for one package (`pictory`, `apinizer`), served from Node
 * over the engine's hooks: what lets every Pulumi language use the connections. `@pulumi/pulumi`'s
 * own `provider.main()` is not used: it drops the provider configuration in Configure and answers
 * CheckConfig with UNIMPLEMENTED (pulumi/pulumi#10915), and an explicit provider with its own
 * credential is what reaches a second account.
 *
 * Properties cross the wire as protobuf Structs in the engine's encoding: a secret is an object
 * holding the secret signature and its `value`, a value unknown during preview is a fixed string
 * (pulumi's `unknownValue`). Secrets are unwrapped before the hooks
 * see them and wrapped again on the way out, for every declared secret field and every property
 * that came in secret.
 */
import * as grpc from "@grpc/grpc-js";
import * as anyproto from "google-protobuf/google/protobuf/any_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import {
  ConnectionApiError,
  ConnectionError,
  ConnectionInitError,
  ConnectionValidationError,
} from "../core/errors";
import { FamilyName } from "../core/family";
import { unknownValue as UNKNOWN } from "@pulumi/pulumi/runtime/rpc";
import { containsUnknown, diff } from "../core/planning";
import { COMMON_LOCAL_FIELDS, Props, secretFields } from "../core/kind";
import { cancelOperations } from "../core/lifecycle";
import { ProviderHooks, ProviderRuntime } from "../core/runtime";
import { ConfigSource, SettingsStore } from "../core/settings";
import { collectStrings } from "../core/secrets";
import { KINDS } from "../registry";
import { FAMILIES, NATIVE_LOCAL_INPUTS, packageSchema, PLUGIN_VERSION, word } from "./schema";
import { NativeResource, nativeFunction, nativeResource, resourcesOf } from "./tokens";

/** pulumi's `specialSigKey` and `specialSecretSig` (sdk/nodejs/runtime/rpc.ts). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

type Bag = Record<string, unknown>;

function isSecret(v: unknown): v is { value: unknown } {
  return v !== null && typeof v === "object" && (v as Bag)[SIG_KEY] === SECRET_SIG && "value" in v;
}

/** A value with every secret unwrapped, and whether it held one. */
function unwrap(value: unknown): { value: unknown; secret: boolean } {
  if (isSecret(value)) return { value: unwrap(value.value).value, secret: true };
  if (Array.isArray(value)) {
    const items = value.map(unwrap);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (value !== null && typeof value === "object") {
    const out: Bag = {};
    let secret = false;
    for (const [k, v] of Object.entries(value)) {
      const u = unwrap(v);
      out[k] = u.value;
      secret ||= u.secret;
    }
    return { value: out, secret };
  }
  return { value, secret: false };
}

/** A Struct as plain properties, secrets unwrapped, with the names of the properties that held one. */
export function fromStruct(struct: structproto.Struct | undefined): {
  props: Bag;
  secrets: Set<string>;
} {
  const props: Bag = {};
  const secrets = new Set<string>();
  for (const [k, v] of Object.entries(struct?.toJavaScript() ?? {})) {
    const u = unwrap(v);
    props[k] = u.value;
    if (u.secret) secrets.add(k);
  }
  return { props, secrets };
}

/**
 * The secrets a request carries: every string that arrived secret-wrapped, whatever field holds it
 * (a YAML or Go program marks any value secret, declared secret or not), and every string of the
 * fields in `declared`, secret-wrapped or not.
 */
export function secretValues(
  structs: readonly (structproto.Struct | undefined)[],
  declared: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (isSecret(v)) collectStrings(unwrap(v.value).value, out);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
  };
  for (const struct of structs) {
    for (const [k, v] of Object.entries(struct?.toJavaScript() ?? {})) {
      if (declared.has(k)) collectStrings(unwrap(v).value, out);
      else walk(v);
    }
  }
  return [...new Set(out)];
}

/**
 * Every part of each value that arrived secret-wrapped in `struct`: its strings and its object
 * keys, and those of a string that is JSON (`pulumi config set --secret accounts '{...}'` sends
 * the accounts object as one string, whose account names a settings failure would quote).
 */
function wrappedParts(struct: structproto.Struct | undefined): string[] {
  const out: string[] = [];
  const parts = (v: unknown): void => {
    if (typeof v === "string") {
      out.push(v);
      const parsed = parseJson(v);
      if (parsed !== null && typeof parsed === "object") parts(parsed);
    } else if (Array.isArray(v)) v.forEach(parts);
    else if (v !== null && typeof v === "object")
      for (const [k, x] of Object.entries(v)) {
        out.push(k);
        parts(x);
      }
  };
  const walk = (v: unknown): void => {
    if (isSecret(v)) parts(unwrap(v.value).value);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(struct?.toJavaScript());
  return [...new Set(out)].filter((p) => p !== "");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Properties as a Struct, each named one wrapped as a secret; undefined values left out. */
export function toStruct(props: Props, secrets: Iterable<string>): structproto.Struct {
  const secret = new Set(secrets);
  const out: Record<string, structproto.JavaScriptValue> = {};
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined) continue;
    const value = v as structproto.JavaScriptValue;
    out[k] = secret.has(k) && v !== UNKNOWN ? { [SIG_KEY]: SECRET_SIG, value } : value;
  }
  return structproto.Struct.fromJavaScript(out);
}

/** Keys the plugin adds for the engine's hooks that never leave it: they are not the program's. */
const PLUGIN_KEYS = ["__customTimeouts"];

/**
 * A unary handler: the answer, or the error as the engine expects it. An initialization failure
 * (saved, but its deployment failed) carries the ID and outputs, so the connection lands in state.
 */
function unary<Req, Res>(
  fn: (req: Req) => Promise<Res>,
): (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void {
  return (call, callback) => {
    fn(call.request).then(
      (res) => callback(null, res),
      (e: unknown) => callback(grpcError(e)),
    );
  };
}

/**
 * The outputs of a connection the API saved whose follow-up failed ({@link ConnectionInitError}),
 * as the engine stores them: the secret ones wrapped, like every other answer's.
 */
const initOutputs = new WeakMap<ConnectionInitError, structproto.Struct>();

/**
 * An error as the engine expects it. Every error reaching here went through the runtime's last
 * line ({@link ProviderRuntime.operation}), so its message is the masked one.
 */
function grpcError(e: unknown): Partial<grpc.StatusObject> {
  const message = e instanceof Error ? e.message : String(e);
  const metadata = new grpc.Metadata();
  const outputs = e instanceof ConnectionInitError ? initOutputs.get(e) : undefined;
  if (e instanceof ConnectionInitError && outputs) {
    const status = new statusproto.Status();
    status.setCode(grpc.status.UNKNOWN);
    status.setMessage(message);
    const detail = new provproto.ErrorResourceInitFailed();
    detail.setId(e.id);
    detail.setProperties(outputs);
    detail.setReasonsList([...e.reasons]);
    const any = new anyproto.Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    status.addDetails(any);
    // The Go engine reads structured details from this trailer only.
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return { code: grpc.status.UNKNOWN, details: message, metadata };
}

/** Provider configuration as the settings store reads it: `pictory:apiKey`, `pictory:maxRetries`. */
export class PluginConfig implements ConfigSource {
  public constructor(
    private readonly pkg: FamilyName,
    private readonly values: Readonly<Record<string, string>>,
  ) {}

  public get(key: string): string | undefined {
    const colon = key.indexOf(":");
    const namespace = key.slice(0, colon);
    if (namespace !== this.pkg) return undefined;
    return this.values[key.slice(colon + 1)];
  }

  /**
   * The configuration a request carries: `args` (typed values, secrets possibly wrapped) where the
   * engine sends them, else `variables` (`pictory:config:apiKey`, JSON text for non-strings).
   */
  public static of(
    pkg: FamilyName,
    args: structproto.Struct | undefined,
    variables?: ReadonlyMap<string, string>,
  ): PluginConfig {
    const values: Record<string, string> = {};
    if (args) {
      for (const [k, v] of Object.entries(fromStruct(args).props)) {
        if (v === undefined || v === null || v === UNKNOWN) continue;
        values[k] = typeof v === "string" ? v : JSON.stringify(v);
      }
    } else if (variables) {
      const prefix = `${pkg}:config:`;
      for (const [k, v] of variables) if (k.startsWith(prefix)) values[k.slice(prefix.length)] = v;
    }
    return new PluginConfig(pkg, values);
  }
}

/** What a native resource's props need before the engine sees them: its fixed variant. */
function withVariant(r: NativeResource, props: Bag): Bag {
  const field = r.kind.variants?.field;
  return field && r.variant !== undefined ? { ...props, [field]: r.variant } : props;
}

/**
 * The dynamic resources' own inputs that a native resource does not have: `account`. A state
 * moved from a dynamic resource (an alias from its type) still holds it; under a plugin the
 * account is the provider instance (its credential and base URL), and a change of provider is the
 * engine's to judge through DiffConfig. Kept, a stored `account` would replace every connection
 * moved to an explicit provider, and pick an account from config the plugin does not read.
 */
const DYNAMIC_ONLY_INPUTS = Object.keys(COMMON_LOCAL_FIELDS).filter(
  (k) => !k.startsWith("__") && !(NATIVE_LOCAL_INPUTS as readonly string[]).includes(k),
);

/** Props from the state, as the engine's hooks take them: see {@link DYNAMIC_ONLY_INPUTS}. */
function fromState(r: NativeResource, props: Bag): Bag {
  const out: Bag = { ...props };
  for (const k of DYNAMIC_ONLY_INPUTS) delete out[k];
  return withVariant(r, out);
}

/**
 * The account a state moved from a dynamic resource names, when it names one: `""` for a name not
 * of the accounts config's form (not echoed), undefined for none.
 */
function movedFrom(props: Props): string | undefined {
  const account = props.account;
  if (account === undefined || account === null) return undefined;
  const pattern = COMMON_LOCAL_FIELDS.account!.pattern!;
  return typeof account === "string" && pattern.test(account) ? account : "";
}

/**
 * A connection moved from a dynamic resource of another account that this provider's credential
 * does not find. Not "gone": the likelier cause is a provider that is not that account, and
 * dropping it would leave the connection at the API unmanaged.
 */
function notInThisAccount(r: NativeResource, id: string, account: string): ConnectionApiError {
  const named = account === "" ? "another account" : `account ${JSON.stringify(account)}`;
  const accounts = r.kind.family.accounts.key;
  const config = account === "" ? accounts : `${accounts}.${account}`;
  return new ConnectionApiError(
    "NOT_FOUND",
    `${r.token} ${JSON.stringify(id)}: this provider's credential finds no such connection, and ` +
      `the state says the dynamic resource it was moved from kept it in ${named}; give the ` +
      `resource a provider with that account's credential and base URL (those of ${config}), ` +
      `or, if the connection was deleted, remove it with \`pulumi state delete\``,
  );
}

/** The props as the engine and the program see them: the discriminator and plugin keys left out. */
function forEngine(r: NativeResource, props: Props): Bag {
  const out: Bag = { ...props };
  const field = r.kind.variants?.field;
  if (field) delete out[field];
  for (const k of [...PLUGIN_KEYS, ...DYNAMIC_ONLY_INPUTS]) delete out[k];
  return out;
}

/** The engine's custom timeout for an operation, in seconds, as the hooks read it. */
function withTimeout(props: Bag, operation: "create" | "update" | "delete", seconds: number): Bag {
  return seconds > 0 ? { ...props, __customTimeouts: { [operation]: `${seconds}s` } } : props;
}

/**
 * The secret properties of a resource's answer: its declared secrets, whatever came in secret, and
 * every property of `outs` that equals or contains a value that arrived secret-wrapped in
 * `structs` (a lookup's secret name is also the answer's `name` and part of its `id`).
 */
function secretsOf(
  r: NativeResource,
  incoming: Iterable<string>,
  outs: Props = {},
  structs: readonly (structproto.Struct | undefined)[] = [],
): Set<string> {
  return new Set([...secretFields(r.kind), ...incoming, ...carriers(outs, structs)]);
}

/** The properties of `outs` that equal or contain a value that arrived secret-wrapped in `structs`. */
function carriers(outs: Props, structs: readonly (structproto.Struct | undefined)[]): string[] {
  const strings = secretValues(structs, new Set()).filter((s) => s !== "");
  const numbers: number[] = [];
  const walk = (v: unknown, wrapped: boolean): void => {
    if (isSecret(v)) walk(v.value, true);
    else if (typeof v === "number" && wrapped) numbers.push(v);
    else if (Array.isArray(v)) v.forEach((x) => walk(x, wrapped));
    else if (v !== null && typeof v === "object") Object.values(v).forEach((x) => walk(x, wrapped));
  };
  for (const struct of structs) walk(struct?.toJavaScript(), false);
  const carries = (v: unknown): boolean => {
    if (typeof v === "string") return strings.some((s) => v.includes(s));
    if (typeof v === "number") return numbers.includes(v);
    if (Array.isArray(v)) return v.some(carries);
    if (v !== null && typeof v === "object") return Object.values(v).some(carries);
    return false;
  };
  return Object.keys(outs).filter((k) => outs[k] !== UNKNOWN && carries(outs[k]));
}

/**
 * A proposal for `name` when the program leaves it out: the engine's (from `pulumi:autonaming`)
 * where it sends one, else the resource name plus 7 hex characters of the engine's random seed,
 * which is what Pulumi's own providers do. Verbatim naming (ENFORCE) cannot take another name, so
 * a replacement deletes first.
 */
function proposal(r: NativeResource, req: provproto.CheckRequest): Bag | undefined {
  const opts = req.getAutonaming();
  const Mode = provproto.CheckRequest.AutonamingOptions.Mode;
  if (opts?.getMode() === Mode.DISABLE) return undefined;
  const clean = (s: string) => [...s].map((c) => (r.kind.nameAlphabet.test(c) ? c : "-")).join("");
  if (opts && opts.getProposedName() !== "") {
    const fixed = opts.getMode() === Mode.ENFORCE;
    const name = fixed ? opts.getProposedName() : clean(opts.getProposedName());
    return { name: name.slice(0, r.kind.nameMaxLength), fixed };
  }
  const seed = Buffer.from(req.getRandomseed_asU8()).toString("hex");
  const suffix = (seed || Buffer.from(req.getUrn()).toString("hex")).slice(0, 7).padEnd(7, "0");
  const base = clean(req.getName() || req.getUrn().split("::").pop() || "connection");
  return { name: `${base.slice(0, r.kind.nameMaxLength - 8)}-${suffix}`, fixed: false };
}

/**
 * One plugin's service. Each engine provider (the default one, and each explicit
 * `pulumi:providers:<pkg>`) is a process of its own, so this holds one configuration.
 */
export class PluginServer {
  private readonly runtime: ProviderRuntime;
  private readonly hooksByKind = new Map<string, ProviderHooks>();

  /** Fields whose values are secrets wherever they stand: declared secret, and the credential. */
  private readonly declared: ReadonlySet<string>;

  public constructor(public readonly pkg: FamilyName) {
    this.runtime = new ProviderRuntime(KINDS, new SettingsStore(pkg));
    this.declared = new Set([
      ...resourcesOf(pkg).flatMap((r) => secretFields(r.kind)),
      word(FAMILIES[pkg].credential.key),
    ]);
  }

  /**
   * A handler whose every error, the plugin's own included, leaves through the runtime's last
   * line; the secrets the request carries ({@link secretValues}) are the operation's own.
   */
  private op<Req, Res>(
    structs: (req: Req) => (structproto.Struct | undefined)[],
    fn: (req: Req) => Promise<Res> | Res,
  ): (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void {
    return unary((req: Req) =>
      this.runtime.operation(
        `${this.pkg} provider`,
        secretValues(structs(req), this.declared),
        async () => fn(req),
      ),
    );
  }

  private resource(type: string): NativeResource {
    const r = nativeResource(type);
    if (!r || r.pkg !== this.pkg) {
      throw new ConnectionValidationError(
        "VALIDATION_FAILED",
        `unknown resource type ${JSON.stringify(type)} for the ${this.pkg} provider: expected one of ` +
          `${resourcesOf(this.pkg)
            .map((x) => x.token)
            .join(", ")}; ` +
          `the installed ${this.pkg} plugin is older than the program's SDK, install the newer one`,
      );
    }
    return r;
  }

  /**
   * The native resource of a variant the API named, only when it is one this package declares:
   * what the API sent is shown in a message only then, as the code's own word.
   */
  private variantOf(value: unknown): NativeResource | undefined {
    return resourcesOf(this.pkg).find((x) => x.variant !== undefined && x.variant === value);
  }

  private hooks(r: NativeResource): ProviderHooks {
    let h = this.hooksByKind.get(r.kind.token);
    if (!h) {
      h = this.runtime.hooks(r.kind.token);
      this.hooksByKind.set(r.kind.token, h);
    }
    return h;
  }

  /** The gRPC service implementation; unlisted methods answer UNIMPLEMENTED. */
  public service(): Partial<provrpc.IResourceProviderServer> {
    return {
      handshake: unary(async () => {
        const res = new provproto.ProviderHandshakeResponse();
        res.setAcceptSecrets(true);
        res.setSupportsAutonamingConfiguration(true);
        return res;
      }),
      getPluginInfo: unary(async () => new plugproto.PluginInfo().setVersion(PLUGIN_VERSION)),
      getSchema: unary(async () =>
        new provproto.GetSchemaResponse().setSchema(JSON.stringify(packageSchema(this.pkg))),
      ),
      checkConfig: this.op(checkStructs, (req) => this.checkConfig(req)),
      diffConfig: this.op(diffStructs, (req) => this.diffConfig(req)),
      configure: this.op(
        (req: provproto.ConfigureRequest) => [req.getArgs()],
        (req) => {
          this.runtime.settings.configure(
            PluginConfig.of(this.pkg, req.getArgs(), new Map(req.getVariablesMap().entries())),
          );
          const res = new provproto.ConfigureResponse();
          res.setAcceptsecrets(true);
          res.setSupportspreview(true);
          return res;
        },
      ),
      check: this.op(checkStructs, (req) => this.check(req)),
      diff: this.op(diffStructs, (req) => this.diff(req)),
      create: this.op(
        (req: provproto.CreateRequest) => [req.getProperties()],
        (req) => this.create(req),
      ),
      read: this.op(
        (req: provproto.ReadRequest) => [req.getProperties(), req.getInputs()],
        (req) => this.read(req),
      ),
      update: this.op(
        (req: provproto.UpdateRequest) => [req.getOlds(), req.getOldInputs(), req.getNews()],
        (req) => this.update(req),
      ),
      delete: this.op(
        (req: provproto.DeleteRequest) => [req.getProperties(), req.getOldInputs()],
        async (req) => {
          const r = this.resource(req.getType() || typeOfUrn(req.getUrn()));
          const props = fromState(r, fromStruct(req.getProperties()).props);
          await this.hooks(r).delete(req.getId(), withTimeout(props, "delete", req.getTimeout()));
          return new emptyproto.Empty();
        },
      ),
      invoke: this.op(
        (req: provproto.InvokeRequest) => [req.getArgs()],
        (req) => this.invoke(req),
      ),
      cancel: unary(async () => {
        cancelOperations();
        return new emptyproto.Empty();
      }),
    };
  }

  /**
   * Validates the provider's configuration before any resource uses it: the credential's form
   * and the base URL (from config or the environment), and every shared setting. Values unknown
   * during preview are checked by `up`. The credential comes back secret whatever the program
   * passed, so the state never holds it in plaintext.
   */
  private async checkConfig(req: provproto.CheckRequest): Promise<provproto.CheckResponse> {
    const { props, secrets } = fromStruct(req.getNews());
    const credential = word(FAMILIES[this.pkg].credential.key);
    const failures: provproto.CheckFailure[] = [];
    if (!containsUnknown(props)) {
      const settings = new SettingsStore(this.pkg);
      settings.configure(PluginConfig.of(this.pkg, req.getNews()));
      for (const read of [() => settings.family(FAMILIES[this.pkg]), () => settings.provider()]) {
        try {
          read();
        } catch (e) {
          if (!ConnectionError.isInstance(e)) throw e;
          // The settings' messages quote no value; masked still, as every message the plugin sends.
          const reason = this.runtime.mask(e.message, [
            ...secretValues([req.getNews()], this.declared),
            ...wrappedParts(req.getNews()),
          ]);
          failures.push(new provproto.CheckFailure().setProperty("").setReason(reason));
        }
      }
    }
    const res = new provproto.CheckResponse();
    res.setInputs(toStruct(props, [...secrets, credential]));
    res.setFailuresList(failures);
    return res;
  }

  /** A changed configuration updates the provider in place: its resources stay where they are. */
  private diffConfig(req: provproto.DiffRequest): provproto.DiffResponse {
    const olds = fromStruct(req.getOldInputs() ?? req.getOlds()).props;
    const news = fromStruct(req.getNews()).props;
    const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])]
      .filter((k) => k !== "version" && JSON.stringify(olds[k]) !== JSON.stringify(news[k]))
      .sort();
    const res = new provproto.DiffResponse();
    res.setChanges(
      keys.length > 0
        ? provproto.DiffResponse.DiffChanges.DIFF_SOME
        : provproto.DiffResponse.DiffChanges.DIFF_NONE,
    );
    res.setDiffsList(keys);
    return res;
  }

  private async check(req: provproto.CheckRequest): Promise<provproto.CheckResponse> {
    const r = this.resource(req.getType() || typeOfUrn(req.getUrn()));
    const olds = fromStruct(req.getOlds()).props;
    const news = fromStruct(req.getNews());
    const failures: provproto.CheckFailure[] = [];
    const field = r.kind.variants?.field;
    if (field && news.props[field] !== undefined && news.props[field] !== r.variant) {
      failures.push(
        new provproto.CheckFailure()
          .setProperty("")
          .setReason(
            `[${field}] is implied by the resource type ${r.token} (${JSON.stringify(r.variant)}); remove it`,
          ),
      );
    }
    const desired = withVariant(r, news.props);
    if (desired.name === undefined && desired.__autoname === undefined) {
      const p = proposal(r, req);
      if (p) desired.__autoname = p;
    }
    const outcome = await this.hooks(r).check(
      Object.keys(olds).length > 0 ? fromState(r, olds) : olds,
      desired,
    );
    for (const f of outcome.failures)
      failures.push(new provproto.CheckFailure().setProperty(f.property).setReason(f.reason));
    const res = new provproto.CheckResponse();
    res.setInputs(toStruct(forEngine(r, outcome.inputs), secretsOf(r, news.secrets)));
    res.setFailuresList(failures);
    return res;
  }

  /** The engine's diff, with a detailed diff naming each field and whether it replaces. */
  private diff(req: provproto.DiffRequest): provproto.DiffResponse {
    const r = this.resource(req.getType() || typeOfUrn(req.getUrn()));
    const olds = fromState(r, fromStruct(req.getOlds()).props);
    const news = withVariant(r, fromStruct(req.getNews()).props);
    // ignoreChanges: the program's value of an ignored field is the state's.
    for (const k of req.getIgnorechangesList()) {
      if (k in olds) news[k] = olds[k];
      else delete news[k];
    }
    const d = diff(r.kind, olds, news);
    const Kind = provproto.PropertyDiff.Kind;
    const res = new provproto.DiffResponse();
    res.setChanges(
      d.changes
        ? provproto.DiffResponse.DiffChanges.DIFF_SOME
        : provproto.DiffResponse.DiffChanges.DIFF_NONE,
    );
    res.setReplacesList(d.replaces);
    res.setDeletebeforereplace(d.deleteBeforeReplace);
    res.setDiffsList(d.changed);
    res.setHasdetaileddiff(true);
    const detailed = res.getDetaileddiffMap();
    for (const k of d.changed) {
      const replaces = d.replaces.includes(k);
      const kind =
        olds[k] === undefined
          ? replaces
            ? Kind.ADD_REPLACE
            : Kind.ADD
          : news[k] === undefined
            ? replaces
              ? Kind.DELETE_REPLACE
              : Kind.DELETE
            : replaces
              ? Kind.UPDATE_REPLACE
              : Kind.UPDATE;
      detailed.set(k, new provproto.PropertyDiff().setKind(kind).setInputdiff(true));
    }
    return res;
  }

  /** Outputs a preview shows: the inputs, and every computed output unknown until `up`. */
  private previewOutputs(r: NativeResource, inputs: Bag, olds: Props = {}): Bag {
    const out: Bag = { ...olds, ...inputs };
    for (const [k, spec] of Object.entries(r.kind.outputs))
      if (olds[k] === undefined || spec.volatile || k === r.kind.lock?.field) out[k] = UNKNOWN;
    return out;
  }

  private async create(req: provproto.CreateRequest): Promise<provproto.CreateResponse> {
    const r = this.resource(req.getType() || typeOfUrn(req.getUrn()));
    const { props, secrets } = fromStruct(req.getProperties());
    const res = new provproto.CreateResponse();
    // A preview never writes: no request, and what the API computes stays unknown.
    if (req.getPreview()) {
      res.setId("");
      res.setProperties(toStruct(this.previewOutputs(r, props), secretsOf(r, secrets)));
      return res;
    }
    const inputs = withTimeout(withVariant(r, props), "create", req.getTimeout());
    const { id, outs } = await this.hooks(r).create(inputs).catch(initFailure(r, secrets));
    res.setId(id);
    const written = forEngine(r, outs);
    res.setProperties(toStruct(written, secretsOf(r, secrets, written, [req.getProperties()])));
    return res;
  }

  /**
   * Refresh, and `pulumi import` (no state yet): the connection as the API holds it, with the
   * inputs that describe it, so an import's program matches without a diff.
   */
  private async read(req: provproto.ReadRequest): Promise<provproto.ReadResponse> {
    const r = this.resource(req.getType() || typeOfUrn(req.getUrn()));
    const state = fromStruct(req.getProperties());
    const res = new provproto.ReadResponse();
    // An import has no state: what identifies the connection is in its ID (`project/name`).
    const parts = req.getId().split("/");
    const known =
      Object.keys(state.props).length === 0 && parts.length === r.kind.lookupBy.length
        ? Object.fromEntries(r.kind.lookupBy.map((k, i) => [k, parts[i]]))
        : {};
    const result = await this.hooks(r).read(
      req.getId(),
      fromState(r, { ...known, ...state.props }),
    );
    if (result.id === "") {
      const account = movedFrom(state.props);
      if (account !== undefined) throw notInThisAccount(r, req.getId(), account);
      return res;
    }
    const field = r.kind.variants?.field;
    const actual = field ? result.props[field] : undefined;
    if (field && actual !== undefined && actual !== r.variant) {
      const other = this.variantOf(actual);
      throw new ConnectionApiError(
        "VALIDATION_FAILED",
        `${r.token} ${JSON.stringify(req.getId())}: the API holds a connection of ` +
          `${other ? `${field} ${JSON.stringify(other.variant)}` : `a ${field} this provider does not know`}, ` +
          `not ${JSON.stringify(r.variant)}; ` +
          (other
            ? `use the resource type ${other.token} for it`
            : "this plugin does not serve that type; remove it from the stack or upgrade the plugin"),
      );
    }
    const props = forEngine(r, result.props);
    const inputs = forEngine(r, result.inputs);
    const secrets = secretsOf(r, state.secrets, { ...props, ...inputs }, [req.getProperties()]);
    res.setId(result.id);
    res.setProperties(toStruct(props, secrets));
    res.setInputs(toStruct(inputs, secrets));
    return res;
  }

  private async update(req: provproto.UpdateRequest): Promise<provproto.UpdateResponse> {
    const r = this.resource(req.getType() || typeOfUrn(req.getUrn()));
    const olds = fromStruct(req.getOlds());
    const news = fromStruct(req.getNews());
    const secrets = secretsOf(r, [...olds.secrets, ...news.secrets]);
    const res = new provproto.UpdateResponse();
    if (req.getPreview()) {
      res.setProperties(toStruct(this.previewOutputs(r, news.props, olds.props), secrets));
      return res;
    }
    const { outs } = await this.hooks(r)
      .update(
        req.getId(),
        fromState(r, olds.props),
        withTimeout(withVariant(r, news.props), "update", req.getTimeout()),
      )
      .catch(initFailure(r, secrets));
    const props = forEngine(r, outs);
    const carrying = secretsOf(r, secrets, props, [req.getOlds(), req.getNews()]);
    res.setProperties(toStruct(props, carrying));
    return res;
  }

  /**
   * A lookup: one GET of the connection by what identifies it, with this provider's credentials.
   * An Apinizer lookup of one type fails for a connection of another: its fields would not be the
   * ones the function's result declares.
   */
  private async invoke(req: provproto.InvokeRequest): Promise<provproto.InvokeResponse> {
    const r = nativeFunction(req.getTok());
    if (!r || r.pkg !== this.pkg) {
      throw new ConnectionValidationError(
        "VALIDATION_FAILED",
        `unknown function ${JSON.stringify(req.getTok())} for the ${this.pkg} provider: expected one of ` +
          `${resourcesOf(this.pkg)
            .map((x) => x.function)
            .join(", ")}`,
      );
    }
    const { props } = fromStruct(req.getArgs());
    const name = r.function.split(":").pop()!;
    const found = await this.runtime.lookup(r.kind.token, `${this.pkg}.${name}`, props);
    const field = r.kind.variants?.field;
    if (field && found[field] !== r.variant) {
      const other = this.variantOf(found[field]);
      throw new ConnectionApiError(
        "NOT_FOUND",
        `${this.pkg}.${name}: the connection ${JSON.stringify(r.kind.lookupBy.map((k) => props[k]).join("/"))} is of ` +
          `${other ? `${field} ${JSON.stringify(other.variant)}` : `a ${field} this provider does not know`}, ` +
          `not ${JSON.stringify(r.variant)}; ` +
          (other
            ? `look it up with ${other.function}`
            : "this plugin has no function for that type"),
        { status: 404 },
      );
    }
    const res = new provproto.InvokeResponse();
    const outs = forEngine(r, found);
    res.setReturn(toStruct(outs, secretsOf(r, [], outs, [req.getArgs()])));
    return res;
  }
}

/** Rethrows an error, an initialization failure with its outputs kept as the engine stores them. */
function initFailure(r: NativeResource, secrets: Iterable<string>): (e: unknown) => never {
  return (e) => {
    if (e instanceof ConnectionInitError)
      initOutputs.set(e, toStruct(forEngine(r, e.properties), secretsOf(r, secrets)));
    throw e;
  };
}

/** What a Check or CheckConfig request holds of the program's values. */
function checkStructs(req: provproto.CheckRequest): (structproto.Struct | undefined)[] {
  return [req.getOlds(), req.getNews()];
}

/** What a Diff or DiffConfig request holds of the program's values. */
function diffStructs(req: provproto.DiffRequest): (structproto.Struct | undefined)[] {
  return [req.getOlds(), req.getOldInputs(), req.getNews()];
}

/** The type token of a URN (`urn:pulumi:stack::project::pictory:index:AwsConnection::name`). */
function typeOfUrn(urn: string): string {
  const parts = urn.split("::");
  const type = parts[parts.length - 2] ?? "";
  return type.split("$").pop() ?? type;
}

/**
 * Serves one package's provider on a free local port, which it prints on stdout: how the engine
 * learns where to connect. Resolves with the server and its port.
 */
export async function serve(
  pkg: FamilyName,
  host = "127.0.0.1",
): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server({
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
    "grpc.max_send_message_length": 400 * 1024 * 1024,
  });
  server.addService(
    provrpc.ResourceProviderService,
    new PluginServer(pkg).service() as provrpc.IResourceProviderServer,
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:0`, grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { server, port };
}
