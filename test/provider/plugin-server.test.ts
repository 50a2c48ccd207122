/**
 * The native plugins' gRPC service, called over gRPC as the engine calls it, against the
 * emulator: configuration (an explicit provider's own credential), check with autonaming and
 * unknowns, diff with replacement, the CRUD cycle, import, lookups, secrets and cancellation.
 */
import * as grpc from "@grpc/grpc-js";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { unknownValue as UNKNOWN } from "@pulumi/pulumi/runtime/rpc";
import { packageSchema, PLUGIN_VERSION } from "../../provider/plugin/schema";
import { fromStruct, PluginConfig, serve } from "../../provider/plugin/server";
import { emulatorState, useEmulator } from "../helpers/emulator";
import { startHostile } from "../helpers/hostile";
import { makeTestPki, startTlsFront } from "../helpers/tls";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const secret = (value: unknown) => ({ [SIG]: SECRET, value });

const SECOND_KEY = "pictai_second_account";
const emu = useEmulator({ extraTenants: [{ pictoryApiKey: SECOND_KEY }] });

type Client = provrpc.ResourceProviderClient;
type Callback<Res> = (e: grpc.ServiceError | null, r: Res) => void;

function rpc<Res>(send: (cb: Callback<Res>) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => send((e, r) => (e ? reject(e) : resolve(r))));
}

/** The service's methods as promises, typed. */
function api(c: Client) {
  return {
    getPluginInfo: (r: emptyproto.Empty) =>
      rpc<plugproto.PluginInfo>((cb) => c.getPluginInfo(r, cb)),
    getSchema: (r: provproto.GetSchemaRequest) =>
      rpc<provproto.GetSchemaResponse>((cb) => c.getSchema(r, cb)),
    checkConfig: (r: provproto.CheckRequest) =>
      rpc<provproto.CheckResponse>((cb) => c.checkConfig(r, cb)),
    configure: (r: provproto.ConfigureRequest) =>
      rpc<provproto.ConfigureResponse>((cb) => c.configure(r, cb)),
    check: (r: provproto.CheckRequest) => rpc<provproto.CheckResponse>((cb) => c.check(r, cb)),
    diff: (r: provproto.DiffRequest) => rpc<provproto.DiffResponse>((cb) => c.diff(r, cb)),
    create: (r: provproto.CreateRequest) => rpc<provproto.CreateResponse>((cb) => c.create(r, cb)),
    read: (r: provproto.ReadRequest) => rpc<provproto.ReadResponse>((cb) => c.read(r, cb)),
    update: (r: provproto.UpdateRequest) => rpc<provproto.UpdateResponse>((cb) => c.update(r, cb)),
    delete: (r: provproto.DeleteRequest) => rpc<emptyproto.Empty>((cb) => c.delete(r, cb)),
    invoke: (r: provproto.InvokeRequest) => rpc<provproto.InvokeResponse>((cb) => c.invoke(r, cb)),
    cancel: (r: emptyproto.Empty) => rpc<emptyproto.Empty>((cb) => c.cancel(r, cb)),
  };
}

const succeeded = () => "succeeded";
const messageOf = (e: Error) => e.message;

const struct = (v: Record<string, unknown>) =>
  structproto.Struct.fromJavaScript(v as Record<string, structproto.JavaScriptValue>);
const raw = (s: structproto.Struct | undefined) => s?.toJavaScript() ?? {};

/** The engine's Check of a resource's inputs. */
function check(
  client: Client,
  type: string,
  name: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<provproto.CheckResponse> {
  return api(client).check(checkReq(type, name, olds, news));
}

interface Plugin {
  client: Client;
  close(): void;
}

async function start(pkg: "pictory" | "apinizer"): Promise<Plugin> {
  const { server, port } = await serve(pkg);
  const client = new provrpc.ResourceProviderClient(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  );
  return {
    client,
    close: () => {
      client.close();
      server.forceShutdown();
    },
  };
}

async function configure(p: Plugin, args: Record<string, unknown>): Promise<void> {
  const req = new provproto.ConfigureRequest().setArgs(struct(args)).setAcceptsecrets(true);
  const res = await api(p.client).configure(req);
  expect(res.getAcceptsecrets()).toBe(true);
  expect(res.getSupportspreview()).toBe(true);
}

const AWS = "pictory:index:AwsConnection";
const urn = (type: string, name: string) => `urn:pulumi:dev::proj::${type}::${name}`;

function checkReq(
  type: string,
  name: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
) {
  return new provproto.CheckRequest()
    .setUrn(urn(type, name))
    .setName(name)
    .setType(type)
    .setOlds(struct(olds))
    .setNews(struct(news))
    .setRandomseed(Buffer.from("0123456789abcdef0123456789abcdef"));
}

describe("native plugin server", () => {
  const saved = { ...process.env };
  let pictory: Plugin;
  beforeEach(async () => {
    emu.current.reset();
    for (const k of ["PICTORY_API_KEY", "PICTORY_BASE_URL", "APINIZER_TOKEN", "APINIZER_BASE_URL"])
      delete process.env[k];
    pictory = await start("pictory");
  });
  afterEach(() => {
    pictory.close();
    process.env = { ...saved };
  });

  it("answers its plugin info and the package schema", async () => {
    const info = await api(pictory.client).getPluginInfo(new emptyproto.Empty());
    expect(info.getVersion()).toBe(PLUGIN_VERSION);
    const schema = await api(pictory.client).getSchema(new provproto.GetSchemaRequest());
    expect(JSON.parse(schema.getSchema())).toEqual(packageSchema("pictory"));
  });

  it("checks the configuration, and returns the credential as a secret", async () => {
    const missing = await api(pictory.client).checkConfig(
      checkReq("pulumi:providers:pictory", "p", {}, { baseUrl: emu.current.url }),
    );
    expect(missing.getFailuresList().map((f) => f.getReason())).toEqual([
      expect.stringContaining("pictory:apiKey"),
    ]);
    const ok = await api(pictory.client).checkConfig(
      checkReq(
        "pulumi:providers:pictory",
        "p",
        {},
        { apiKey: SECOND_KEY, baseUrl: emu.pictoryBaseUrl },
      ),
    );
    expect(ok.getFailuresList()).toEqual([]);
    expect(raw(ok.getInputs())).toEqual({
      apiKey: secret(SECOND_KEY),
      baseUrl: emu.pictoryBaseUrl,
    });
    const malformed = await api(pictory.client).checkConfig(
      checkReq("pulumi:providers:pictory", "p", {}, { apiKey: "nope", maxRetries: "many" }),
    );
    const reasons = malformed.getFailuresList().map((f) => f.getReason());
    expect(reasons).toEqual([
      expect.stringContaining("pictory:apiKey is malformed (received [secret])"),
      expect.stringContaining("pictory:maxRetries must be a non-negative number"),
    ]);
    expect(reasons.join(" ")).not.toContain("nope");
    // The environment variables the dynamic providers read are the fallbacks.
    process.env.PICTORY_API_KEY = SECOND_KEY;
    process.env.PICTORY_BASE_URL = emu.pictoryBaseUrl;
    process.env.CONNECTIONS_MAX_RETRIES = "-1";
    const fromEnv = await api(pictory.client).checkConfig(
      checkReq("pulumi:providers:pictory", "p", {}, {}),
    );
    expect(fromEnv.getFailuresList().map((f) => f.getReason())).toEqual([
      expect.stringContaining("pictory:maxRetries must be a non-negative number"),
    ]);
    delete process.env.CONNECTIONS_MAX_RETRIES;
    const envOnly = await api(pictory.client).checkConfig(
      checkReq("pulumi:providers:pictory", "p", {}, {}),
    );
    expect(envOnly.getFailuresList()).toEqual([]);
  });

  it("runs the AWS lifecycle with an explicit provider's own account: preview and diff make no request", async () => {
    await configure(pictory, { apiKey: secret(SECOND_KEY), baseUrl: emu.pictoryBaseUrl });
    const c = pictory.client;
    // An autonamed connection with a value unknown during preview: no request.
    const preview = await check(
      c,
      AWS,
      "media",
      {},
      { awsAccountId: UNKNOWN, awsRegion: "us-east-2" },
    );
    expect(preview.getFailuresList()).toEqual([]);
    const checked = await check(
      c,
      AWS,
      "media",
      {},
      { awsAccountId: "123456789012", awsRegion: "us-east-2" },
    );
    expect(checked.getFailuresList()).toEqual([]);
    const inputs = raw(checked.getInputs());
    expect(inputs).toMatchObject({
      name: expect.stringMatching(/^media-[0-9a-f]{7}$/),
      enabled: true,
    });
    expect(inputs).not.toHaveProperty("type");
    const created = await api(c).create(
      new provproto.CreateRequest()
        .setUrn(urn(AWS, "media"))
        .setType(AWS)
        .setProperties(checked.getInputs())
        .setPreview(true),
    );
    expect(created.getId()).toBe("");
    expect(raw(created.getProperties())).toMatchObject({ connectionId: UNKNOWN, version: UNKNOWN });
    expect(emu.current.requests()).toEqual([]);

    const made = await api(c).create(
      new provproto.CreateRequest()
        .setUrn(urn(AWS, "media"))
        .setType(AWS)
        .setProperties(checked.getInputs()),
    );
    const id = made.getId();
    const outs = raw(made.getProperties());
    expect(outs).toMatchObject({ connectionId: id, version: 1, name: inputs.name });
    expect(outs).not.toHaveProperty("__customTimeouts");
    // The second account holds it; the default one (another tenant) does not see it.
    const seen = emu.current.requests().map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(seen).toEqual([`POST /pictoryapis/v1/awsconnections 200`]);
    expect((await emulatorState(emu.url, SECOND_KEY)).pictory.aws).toEqual([
      expect.objectContaining({ connectionId: id }),
    ]);
    expect((await emulatorState(emu.url)).pictory.aws).toEqual([]);
    emu.current.clearRequests();

    const moved = await api(c).diff(
      new provproto.DiffRequest()
        .setId(id)
        .setUrn(urn(AWS, "media"))
        .setType(AWS)
        .setOlds(made.getProperties())
        .setNews(struct({ ...inputs, awsRegion: "eu-west-1", description: "moved" })),
    );
    expect(moved.getChanges()).toBe(provproto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(moved.getReplacesList()).toEqual(["awsRegion"]);
    // The name is kept, and names are unique: the old connection must go first.
    expect(moved.getDeletebeforereplace()).toBe(true);
    const K = provproto.PropertyDiff.Kind;
    expect(
      Object.fromEntries(moved.toObject().detaileddiffMap.map(([k, v]) => [k, v.kind])),
    ).toEqual({ awsRegion: K.UPDATE_REPLACE, description: K.ADD });
    const same = await api(c).diff(
      new provproto.DiffRequest()
        .setId(id)
        .setType(AWS)
        .setOlds(made.getProperties())
        .setNews(checked.getInputs()),
    );
    expect(same.getChanges()).toBe(provproto.DiffResponse.DiffChanges.DIFF_NONE);
    expect(emu.current.requests()).toEqual([]);

    // A state moved from a dynamic resource of another account (`account: "eu"`) to this explicit
    // provider: the provider is the account now, so the stored name neither replaces the connection
    // nor picks an account from config; reads use this provider's credential and drop it.
    const movedState = struct({ ...outs, account: "eu" });
    const fromDynamic = await api(c).diff(
      new provproto.DiffRequest()
        .setId(id)
        .setType(AWS)
        .setOlds(movedState)
        .setNews(checked.getInputs()),
    );
    expect(fromDynamic.getChanges()).toBe(provproto.DiffResponse.DiffChanges.DIFF_NONE);
    expect(fromDynamic.getReplacesList()).toEqual([]);
    const reread = await api(c).read(
      new provproto.ReadRequest().setId(id).setType(AWS).setProperties(movedState),
    );
    expect(reread.getId()).toBe(id);
    expect(raw(reread.getProperties())).not.toHaveProperty("account");
    expect(emu.current.requests().map((r) => `${r.method} ${r.status}`)).toEqual(["GET 200"]);
    emu.current.clearRequests();

    const updated = await api(c).update(
      new provproto.UpdateRequest()
        .setId(id)
        .setUrn(urn(AWS, "media"))
        .setType(AWS)
        .setOlds(made.getProperties())
        .setNews(struct({ ...inputs, description: "bucket" })),
    );
    expect(raw(updated.getProperties())).toMatchObject({ description: "bucket", version: 2 });

    // Import: no state, only the ID; the inputs describe the connection.
    const imported = await api(c).read(
      new provproto.ReadRequest().setId(id).setUrn(urn(AWS, "imported")).setType(AWS),
    );
    expect(imported.getId()).toBe(id);
    expect(raw(imported.getInputs())).toEqual({
      name: inputs.name,
      description: "bucket",
      awsAccountId: "123456789012",
      awsRegion: "us-east-2",
    });

    await api(c).delete(
      new provproto.DeleteRequest().setId(id).setType(AWS).setProperties(updated.getProperties()),
    );
    const gone = await api(c).read(
      new provproto.ReadRequest().setId(id).setType(AWS).setProperties(updated.getProperties()),
    );
    expect(gone.getId()).toBe("");
    // Moved from a dynamic resource of another account: not found with this provider's
    // credential is no evidence the connection is gone, so it is not dropped.
    const readMoved = (account: unknown) =>
      api(c)
        .read(
          new provproto.ReadRequest()
            .setId(id)
            .setType(AWS)
            .setProperties(struct({ ...raw(updated.getProperties()), account })),
        )
        .then(succeeded, messageOf);
    const named = await readMoved("eu");
    expect(named).toContain(`${AWS} "${id}": this provider's credential finds no`);
    expect(named).toContain('account "eu"; give the resource a provider');
    expect(named).toContain("pictory:accounts.eu");
    const odd = await readMoved("eu\u202e<script>");
    expect(odd).toContain("kept it in another account");
    expect(odd).not.toContain("script");
  });

  it("returns Vimeo's credentials as secrets, and a lookup omits them", async () => {
    await configure(pictory, { apiKey: "pictai_emulator_key", baseUrl: emu.pictoryBaseUrl });
    const c = pictory.client;
    const type = "pictory:index:VimeoConnection";
    const checked = await check(
      c,
      type,
      "v",
      {},
      {
        name: "uploads",
        clientIdentifier: "app",
        clientSecret: secret("vimeo-secret"),
        accessToken: "vimeo-token",
      },
    );
    const ins = raw(checked.getInputs());
    expect(ins).toMatchObject({
      clientSecret: secret("vimeo-secret"),
      accessToken: secret("vimeo-token"),
    });
    const made = await api(c).create(
      new provproto.CreateRequest()
        .setType(type)
        .setUrn(urn(type, "v"))
        .setProperties(checked.getInputs()),
    );
    expect(raw(made.getProperties())).toMatchObject({
      clientSecret: secret("vimeo-secret"),
      accessToken: secret("vimeo-token"),
      clientIdentifier: "app",
    });
    const found = await api(c).invoke(
      new provproto.InvokeRequest()
        .setTok("pictory:index:getVimeoConnection")
        .setArgs(struct({ connectionId: made.getId() })),
    );
    const got = fromStruct(found.getReturn()).props;
    expect(got).toMatchObject({ id: made.getId(), name: "uploads", clientIdentifier: "app" });
    expect(got).not.toHaveProperty("clientSecret");
    // A second connection of that name: the recovery names this package's setting.
    const again = await api(c)
      .create(
        new provproto.CreateRequest()
          .setType(type)
          .setUrn(urn(type, "v2"))
          .setProperties(checked.getInputs()),
      )
      .then(succeeded, messageOf);
    expect(again).toContain('pictory:onNameConflict set to "adopt"');
    expect(again).not.toContain("vimeo-secret");
  });

  it("types each Apinizer connection by its resource, and a lookup of another type fails", async () => {
    const apinizer = await start("apinizer");
    try {
      const c = apinizer.client;
      await configure(apinizer, {
        token: secret("apinizer_emulator_token"),
        baseUrl: `${emu.current.url}/apiops`,
      });
      const type = "apinizer:index:EmailConnection";
      const wrong = await check(
        c,
        type,
        "mail",
        {},
        { projectName: "demo", name: "mail", host: "smtp", type: "kafka" },
      );
      expect(wrong.getFailuresList().map((f) => f.getReason())).toEqual([
        expect.stringContaining("implied by the resource type apinizer:index:EmailConnection"),
      ]);
      const checked = await check(
        c,
        type,
        "mail",
        {},
        { projectName: "demo", name: "mail", host: "smtp.example.com" },
      );
      expect(checked.getFailuresList()).toEqual([]);
      expect(raw(checked.getInputs())).toMatchObject({ port: 587, host: "smtp.example.com" });
      const made = await api(c).create(
        new provproto.CreateRequest()
          .setType(type)
          .setUrn(urn(type, "mail"))
          .setProperties(checked.getInputs()),
      );
      expect(made.getId()).toBe("demo/mail");
      const found = await api(c).invoke(
        new provproto.InvokeRequest()
          .setTok("apinizer:index:getEmailConnection")
          .setArgs(struct({ projectName: "demo", name: "mail" })),
      );
      expect(fromStruct(found.getReturn()).props).toMatchObject({
        id: "demo/mail",
        host: "smtp.example.com",
      });
      await expect(
        api(c).invoke(
          new provproto.InvokeRequest()
            .setTok("apinizer:index:getKafkaConnection")
            .setArgs(struct({ projectName: "demo", name: "mail" })),
        ),
      ).rejects.toThrow(/is of type "email", not "kafka"/);
      await expect(
        api(c).read(
          new provproto.ReadRequest().setId("demo/mail").setType("apinizer:index:KafkaConnection"),
        ),
      ).rejects.toThrow(/use the resource type apinizer:index:EmailConnection/);
    } finally {
      apinizer.close();
    }
  });
});

describe("PluginConfig", () => {
  it("reads its package's keys from args, else from the engine's variables, and nothing else", () => {
    const args = PluginConfig.of(
      "pictory",
      struct({ apiKey: secret("pictai_x"), maxRetries: 2, version: "0.1.0" }),
    );
    expect(args.get("pictory:apiKey")).toBe("pictai_x");
    expect(args.get("pictory:maxRetries")).toBe("2");
    expect(args.get("connections:maxRetries")).toBeUndefined();
    expect(args.get("apinizer:token")).toBeUndefined();
    const variables = PluginConfig.of(
      "apinizer",
      undefined,
      new Map([
        ["apinizer:config:token", "t"],
        ["pictory:config:apiKey", "pictai_y"],
      ]),
    );
    expect(variables.get("apinizer:token")).toBe("t");
    expect(variables.get("pictory:apiKey")).toBeUndefined();
  });
});

describe("native plugin server: a saved connection whose deployment failed", () => {
  it("reports an initialization failure whose outputs keep their secrets wrapped", async () => {
    const apinizer = await start("apinizer");
    try {
      const c = apinizer.client;
      await configure(apinizer, {
        token: secret("apinizer_emulator_token"),
        baseUrl: `${emu.current.url}/apiops`,
        onDeploymentFailure: "fail",
      });
      const type = "apinizer:index:EmailConnection";
      const checked = await check(
        c,
        type,
        "m",
        {},
        {
          projectName: "demo",
          name: "deployfail",
          host: "smtp.example.com",
          auth: true,
          username: "mailer",
          password: secret("smtp-password-77"),
        },
      );
      expect(checked.getFailuresList()).toEqual([]);
      emu.current.enqueueFault({
        method: "POST",
        action: "deploy-failure",
        environment: "production",
      });
      const error = await api(c)
        .create(
          new provproto.CreateRequest()
            .setType(type)
            .setUrn(urn(type, "m"))
            .setProperties(checked.getInputs()),
        )
        .then(
          () => undefined,
          (e: grpc.ServiceError) => e,
        );
      expect(error?.message).toContain("deploying it to the workers failed in production");
      const [bin] = error!.metadata.get("grpc-status-details-bin") as Buffer[];
      const status = statusproto.Status.deserializeBinary(new Uint8Array(bin!));
      const detail = status
        .getDetailsList()[0]!
        .unpack(
          provproto.ErrorResourceInitFailed.deserializeBinary,
          "pulumirpc.ErrorResourceInitFailed",
        )!;
      expect(detail.getId()).toBe("demo/deployfail");
      const props = raw(detail.getProperties());
      expect(props).toMatchObject({ password: secret("smtp-password-77"), username: "mailer" });
      expect(props).not.toHaveProperty("type");
    } finally {
      apinizer.close();
    }
  });
});

describe("native plugin server: transport failures name the package's settings", () => {
  /** The message of a Read of an AWS connection through this plugin, configured with `config`. */
  async function readFails(pkg: "pictory", config: Record<string, unknown>): Promise<string> {
    const plugin = await start(pkg);
    try {
      await configure(plugin, {
        apiKey: secret("pictai_emulator_key"),
        maxRetries: "0",
        ...config,
      });
      return await api(plugin.client)
        .read(new provproto.ReadRequest().setId("conn-1").setUrn(urn(AWS, "r")).setType(AWS))
        .then(succeeded, messageOf);
    } finally {
      plugin.close();
    }
  }

  it("names pictory:requestTimeoutMs, pictory:maxResponseBytes and pictory:caFile, never a connections: key", async () => {
    const hostile = await startHostile();
    const pki = makeTestPki();
    const other = makeTestPki();
    const front = await startTlsFront(emu.current.url, pki);
    try {
      hostile.setMode({ kind: "slowHeaders", delayMs: 30_000 });
      const slow = await readFails("pictory", {
        baseUrl: `${hostile.url}/pictoryapis`,
        requestTimeoutMs: "300",
      });
      expect(slow).toMatch(/within 0\.3 s.*raise pictory:requestTimeoutMs/);

      hostile.setMode({ kind: "huge", bytes: 64 * 1024 });
      const huge = await readFails("pictory", {
        baseUrl: `${hostile.url}/pictoryapis`,
        maxResponseBytes: "2048",
      });
      expect(huge).toContain("the pictory:maxResponseBytes cap");

      // The front's certificate is signed by `pki`, and the plugin trusts only `other` besides the system's.
      const untrusted = await readFails("pictory", {
        baseUrl: `${front.url}/pictoryapis`,
        caFile: other.caFile,
      });
      expect(untrusted).toContain(`(pictory:caFile is ${other.caFile})`);
      expect(untrusted).toContain("point pictory:caFile (or CONNECTIONS_CA_FILE)");

      for (const message of [slow, huge, untrusted]) expect(message).not.toContain("connections:");
    } finally {
      await front.stop();
      await hostile.stop();
      pki.remove();
      other.remove();
    }
  });
});

// Last: a cancelled provider process stays cancelled, as the engine shuts it down next.
describe("native plugin server: Cancel", () => {
  it("aborts the requests in flight when the engine cancels", async () => {
    const pictory = await start("pictory");
    await configure(pictory, { apiKey: "pictai_emulator_key", baseUrl: emu.pictoryBaseUrl });
    const c = pictory.client;
    emu.current.enqueueFault({
      method: "POST",
      path: "*awsconnections",
      action: "delay",
      delayMs: 20_000,
    });
    const checked = await check(
      c,
      AWS,
      "slow",
      {},
      { name: "slow", awsAccountId: "123456789012", awsRegion: "us-east-2" },
    );
    const started = Date.now();
    const create = api(c)
      .create(
        new provproto.CreateRequest()
          .setType(AWS)
          .setUrn(urn(AWS, "slow"))
          .setProperties(checked.getInputs()),
      )
      .then(succeeded, messageOf);
    await new Promise((r) => setTimeout(r, 300));
    await api(c).cancel(new emptyproto.Empty());
    expect(await create).toMatch(/aborted because the run was cancelled.*outcome is unknown/);
    expect(Date.now() - started).toBeLessThan(10_000);
    pictory.close();
  });
});
