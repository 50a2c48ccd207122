import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { fingerprint } from "../../emulator";
import {
  CREDENTIALS,
  emulatorState,
  engineProject,
  EngineProject,
  leaks,
  PulumiResult,
} from "./harness";

// Secrets stay secret whichever way a program passes them: a plain string literal,
// `pulumi.secret(...)`, `config.requireSecret(...)`, `pulumi.output(...)`, or an output derived
// from another resource. The real CLI runs a program written for this file through up, preview
// (--diff and --json), up of a change, refresh, the drift check and destroy; every command's
// output, the exported state and the raw backend files after each step, a verbose engine log and
// the emulator's log lines are scanned for every secret in every form.
jest.setTimeout(300_000);

const STEP_TIMEOUT = 120_000;
const NI = "--non-interactive";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

type Gen = 1 | 2;

/**
 * A marker unique to one secret and generation. `~` is in no base64 alphabet and is left alone by
 * URL and JSON encoding, so a marker cannot turn up by chance in ciphertext and is found in every
 * form of its value, even a truncated one.
 */
const mark = (tag: string, g: Gen) => `zq~${tag}${g}~`;
/** Characters that JSON, Go's %q and shells all escape. */
const TRICKY = `"quoted" back\\slash \\" both`;
const value = (tag: string, g: Gen) => `${mark(tag, g)} ${TRICKY} ${tag}-${g} ${mark(tag, g)}`;
/** Longer than 200 characters, within the Vimeo limit of 500. */
const longValue = (tag: string, g: Gen) => {
  const body = `long "secret" with a back\\slash, `.repeat(9);
  return `${mark(tag, g)} ${body}${mark(tag, g)}`;
};

/** The AWS connection whose name the derived secrets are built from (not a secret itself). */
const MEDIA_NAME = "sec-media";

/** Every secret the program passes, per generation (the second one changes every secret). */
function secretsOf(g: Gen) {
  const derivedAt = value("derived-at", g);
  const derivedHdr = value("derived-hdr", g);
  return {
    /** vimeoPlain.clientSecret: a plain string literal. */
    plainCs: value("plain-cs", g),
    /** vimeoPlain.accessToken: a plain string literal longer than 200 characters. */
    plainLongAt: longValue("plain-long-at", g),
    /** vimeoWrapped.clientSecret: pulumi.secret("..."). */
    wrappedCs: value("wrapped-cs", g),
    /** vimeoWrapped.accessToken: config.requireSecret("vimeoToken"). */
    configAt: value("config-at", g),
    /** vimeoOutput.clientSecret: pulumi.output("..."), not secret. */
    outputCs: value("output-cs", g),
    /** The suffix of vimeoOutput.accessToken: media.name.apply(n => "tok-" + n + suffix). */
    derivedAtSuffix: derivedAt,
    derivedAt: `tok-${MEDIA_NAME}${derivedAt}`,
    /** mail.password (email, auth: true): a plain string literal. */
    mailPw: value("mail-pw", g),
    /** hook.headerList[0].value: a plain string literal. */
    hookToken: value("hook-token", g),
    /** hook.headerList[1].value: media.name.apply(n => "hdr-" + n + suffix). */
    derivedHdrSuffix: derivedHdr,
    derivedHdr: `hdr-${MEDIA_NAME}${derivedHdr}`,
    /** db.password (database): a plain string literal. */
    dbPw: value("db-pw", g),
  };
}

const lit = (s: string) => JSON.stringify(s);

/** The program of generation `g`: every secret passed in a different way. */
function program(g: Gen): string {
  const s = secretsOf(g);
  return `
const pulumi = require("@pulumi/pulumi");
const { pictory, apinizer } = require("pulumi-connections");
const cfg = new pulumi.Config();
const media = new pictory.AwsConnection("media", {
  name: ${lit(MEDIA_NAME)}, awsAccountId: "123456789012", awsRegion: "us-east-2",
});
new pictory.VimeoConnection("vimeoPlain", {
  name: "sec-vimeo-plain", clientIdentifier: "cid-plain",
  clientSecret: ${lit(s.plainCs)},
  accessToken: ${lit(s.plainLongAt)},
});
new pictory.VimeoConnection("vimeoWrapped", {
  name: "sec-vimeo-wrapped", clientIdentifier: "cid-wrapped",
  clientSecret: pulumi.secret(${lit(s.wrappedCs)}),
  accessToken: cfg.requireSecret("vimeoToken"),
});
new pictory.VimeoConnection("vimeoOutput", {
  name: "sec-vimeo-output", clientIdentifier: "cid-output",
  clientSecret: pulumi.output(${lit(s.outputCs)}),
  accessToken: media.name.apply((n) => "tok-" + n + ${lit(s.derivedAtSuffix)}),
});
new apinizer.Connection("mail", {
  projectName: "demo", name: "sec-mail", type: "email",
  host: "smtp.example.com", auth: true, username: "bot",
  password: ${lit(s.mailPw)},
});
new apinizer.Connection("hook", {
  projectName: "demo", name: "sec-hook", type: "webhook", fullUrl: "https://hooks.example.com/x",
  headerList: [
    { name: "X-Token", value: ${lit(s.hookToken)} },
    { name: "X-Derived", value: media.name.apply((n) => "hdr-" + n + ${lit(s.derivedHdrSuffix)}) },
  ],
});
new apinizer.Connection("db", {
  projectName: "demo", name: "sec-db", type: "database",
  dbType: "POSTGRES", jdbcUrl: "jdbc:postgresql://db.example.com:5432/app", username: "app",
  password: ${lit(s.dbPw)},
});
`;
}

/** The secret fields of each resource of {@link program}, for the state checks. */
const SECRET_FIELDS: Readonly<Record<string, readonly string[]>> = {
  vimeoPlain: ["clientSecret", "accessToken"],
  vimeoWrapped: ["clientSecret", "accessToken"],
  vimeoOutput: ["clientSecret", "accessToken"],
  mail: ["password"],
  hook: ["headerList"],
  db: ["password"],
};

/** Every form a value could take in a log, a file or a message. */
function forms(s: string): string[] {
  const jsonEscaped = (x: string) => JSON.stringify(x).slice(1, -1);
  return [
    s,
    jsonEscaped(s),
    jsonEscaped(jsonEscaped(s)),
    encodeURIComponent(s),
    Buffer.from(s, "utf8").toString("base64"),
  ];
}

function needlesOf(values: readonly string[]): string[] {
  const out = values.flatMap(forms);
  // The markers alone catch a value shown in part (cut, wrapped or re-encoded around them).
  for (const v of values) out.push(...(v.match(/zq~[a-z-]+\d~/g) ?? []));
  return out;
}

const ALL_SECRETS = ([1, 2] as const).flatMap((g) =>
  Object.entries(secretsOf(g))
    .filter(([k]) => !k.endsWith("Suffix"))
    .map(([, v]) => v),
);
const NEEDLES = [...needlesOf(ALL_SECRETS), ...CREDENTIALS];

/**
 * The engine's own verbose RPC dumps print every property value, correctly marked secrets
 * included (Pulumi documents verbose logs as sensitive): "Marshaling/Unmarshaling property for
 * RPC" at -v=9 and the Node.js SDK's "RegisterResource RPC finished" debug line. No program or
 * provider can change those, so they are the only lines left out of the scan; everything else
 * (the planner's lines, which mask secrets, the provider's own output, the diagnostics) is scanned.
 */
const ENGINE_RPC_DUMP =
  /Marshaling property for RPC|Unmarshaling property for RPC|RegisterResource RPC finished/;

let p: EngineProject;
const emulatorLog: string[] = [];
/** Everything captured so far, by where it came from. */
const haystacks: Record<string, string> = {};

beforeAll(async () => {
  p = await engineProject("secrets", { log: (line) => emulatorLog.push(line) });
}, STEP_TIMEOUT);
afterAll(async () => {
  await p?.close();
});

function writeProgram(source: string): void {
  writeFileSync(path.join(p.dir, "index.js"), source);
}

async function useGeneration(g: Gen): Promise<void> {
  writeProgram(program(g));
  await p.stack.setConfig("vimeoToken", { value: secretsOf(g).configAt, secret: true });
}

/** Runs the CLI non-interactively and keeps its output (stdout and stderr) for the scans. */
async function pulumi(step: string, args: readonly string[]): Promise<PulumiResult> {
  const result = await p.runPulumi([...args, NI]);
  haystacks[`output of ${step}: pulumi ${args.join(" ")}`] = result.output;
  return result;
}

/** Keeps the state as `pulumi stack export` shows it and every backend file's bytes. */
function snapshot(step: string): ReturnType<EngineProject["exportStack"]> {
  const exported = p.exportStack();
  haystacks[`exported state after ${step}`] = JSON.stringify(exported);
  haystacks[`backend files after ${step}`] = p.stateBytes();
  return exported;
}

function expectOk(result: PulumiResult): void {
  if (result.code !== 0) throw new Error(`exit ${String(result.code)}:\n${result.output}`);
}

/** Haystacks whose key mentions `step`. */
function of(step: string): Record<string, string> {
  return Object.fromEntries(Object.entries(haystacks).filter(([k]) => k.includes(`${step}`)));
}

/** Pulumi name → resource of the exported state. */
function byName(exported: ReturnType<EngineProject["exportStack"]>) {
  const out = new Map<string, (typeof exported.resources)[number]>();
  for (const r of exported.resources as ((typeof exported.resources)[number] & { urn: string })[])
    if (r.type.startsWith("pulumi-nodejs:dynamic/")) out.set(r.urn.split("::").pop()!, r);
  return out;
}

/** Fields that are not an encrypted secret in inputs or outputs, as "resource.inputs.field". */
function notEncrypted(exported: ReturnType<EngineProject["exportStack"]>): string[] {
  const resources = byName(exported);
  const bad: string[] = [];
  for (const [name, fields] of Object.entries(SECRET_FIELDS)) {
    const r = resources.get(name);
    if (!r) {
      bad.push(`${name} missing from state`);
      continue;
    }
    for (const field of fields) {
      for (const where of ["inputs", "outputs"] as const) {
        const v = r[where]?.[field] as Record<string, unknown> | undefined;
        const ok =
          typeof v === "object" &&
          v !== null &&
          v[SECRET_SIG] === SECRET_VALUE &&
          typeof v.ciphertext === "string" &&
          v.ciphertext.length > 0;
        if (!ok) bad.push(`${name}.${where}.${field}`);
      }
    }
  }
  return bad;
}

/** What the emulator must hold for generation `g`: secrets by fingerprint, headers as sent. */
async function expectApiHolds(g: Gen): Promise<void> {
  const s = secretsOf(g);
  const state = await emulatorState(p.emulator);
  const vimeo = (name: string) => state.pictory.vimeo.find((c) => c.name === name);
  expect(vimeo("sec-vimeo-plain")).toMatchObject({
    clientSecret: fingerprint(s.plainCs),
    accessToken: fingerprint(s.plainLongAt),
  });
  expect(vimeo("sec-vimeo-wrapped")).toMatchObject({
    clientSecret: fingerprint(s.wrappedCs),
    accessToken: fingerprint(s.configAt),
  });
  expect(vimeo("sec-vimeo-output")).toMatchObject({
    clientSecret: fingerprint(s.outputCs),
    accessToken: fingerprint(s.derivedAt),
  });
  const apinizer = (name: string) => (state.apinizer.demo ?? []).find((c) => c.name === name);
  expect(apinizer("sec-mail")).toMatchObject({ password: fingerprint(s.mailPw) });
  expect(apinizer("sec-db")).toMatchObject({ password: fingerprint(s.dbPw) });
  // Header values compared by fingerprint, whether the emulator keeps them as sent or
  // fingerprinted.
  const headers = (apinizer("sec-hook")?.headerList ?? []) as { name: string; value: unknown }[];
  expect(
    headers.map((h) => ({
      name: h.name,
      value: typeof h.value === "string" ? fingerprint(h.value) : h.value,
    })),
  ).toEqual([
    { name: "X-Token", value: fingerprint(s.hookToken) },
    { name: "X-Derived", value: fingerprint(s.derivedHdr) },
  ]);
}

test(
  "up creates every connection and sends each secret to the API, however the program passed it",
  async () => {
    expect(secretsOf(1).plainLongAt.length).toBeGreaterThan(200);
    expect(secretsOf(1).plainLongAt.length).toBeLessThanOrEqual(500);
    await useGeneration(1);
    const up = await pulumi("up 1", ["up", "--yes", "--diff"]);
    expectOk(up);
    expect(up.output).toMatch(/\+ 8 created/);
    snapshot("up 1");
    await expectApiHolds(1);
  },
  STEP_TIMEOUT,
);

test(
  "stores every secret field as an encrypted secret in the state's inputs and outputs",
  () => {
    expect(notEncrypted(snapshot("state check 1"))).toEqual([]);
  },
  STEP_TIMEOUT,
);

test(
  "prints no secret in up's output and writes none in clear to the state files",
  () => {
    expect(leaks(of("up 1"), NEEDLES)).toEqual([]);
  },
  STEP_TIMEOUT,
);

test(
  "previews a change of every secret as updates with the values masked (preview --diff, --json)",
  async () => {
    await useGeneration(2);
    p.takeRequests();
    const diff = await pulumi("preview 2", ["preview", "--diff"]);
    expectOk(diff);
    expect(diff.output).toMatch(/~ 6 to update/);
    const json = await pulumi("preview 2 json", ["preview", "--json"]);
    expectOk(json);
    snapshot("preview 2");
    // A preview writes nothing.
    expect(p.takeRequests().filter((r) => !r.startsWith("GET "))).toEqual([]);
    const plan = JSON.parse(
      json.output.slice(json.output.indexOf("{"), json.output.lastIndexOf("}") + 1),
    ) as {
      steps: {
        op: string;
        urn: string;
        oldState?: { inputs?: Record<string, unknown> };
        newState?: { inputs?: Record<string, unknown> };
      }[];
    };
    const shown: Record<string, unknown> = {};
    for (const [name, fields] of Object.entries(SECRET_FIELDS)) {
      const step = plan.steps.find((s) => s.urn.endsWith(`::${name}`));
      expect([name, step?.op]).toEqual([name, "update"]);
      for (const field of fields) {
        shown[`${name}.old.${field}`] = step?.oldState?.inputs?.[field];
        shown[`${name}.new.${field}`] = step?.newState?.inputs?.[field];
      }
    }
    // Every old and new secret input is shown as [secret], however the program passed it.
    expect(shown).toEqual(Object.fromEntries(Object.keys(shown).map((k) => [k, "[secret]"])));
    expect(leaks(of("preview 2"), NEEDLES)).toEqual([]);
  },
  STEP_TIMEOUT,
);

test(
  "up of the changed secrets sends the new values to the API (with a verbose engine log)",
  async () => {
    const args = ["up", "--yes", "--diff", "--logtostderr", "-v=9", "--logflow", NI];
    const up = await p.runPulumi(args);
    expectOk(up);
    expect(up.output).toMatch(/~ 6 updated/);
    // The log is really verbose: the planner's and the RPC layer's lines are there.
    expect(up.output).toContain("Planner decided to update");
    expect(up.output).toMatch(ENGINE_RPC_DUMP);
    haystacks[`output of up 2 verbose: pulumi ${args.join(" ")}, without the RPC dumps`] = up.output
      .split("\n")
      .filter((line) => !ENGINE_RPC_DUMP.test(line))
      .join("\n");
    haystacks["emulator log lines until up 2 verbose"] = emulatorLog.join("\n");
    snapshot("up 2 verbose");
    await expectApiHolds(2);
  },
  STEP_TIMEOUT,
);

test(
  "prints no secret in the verbose up beyond the engine's own RPC dumps, and keeps the state encrypted",
  () => {
    expect(leaks(of("up 2 verbose"), NEEDLES)).toEqual([]);
    expect(notEncrypted(snapshot("state check 2"))).toEqual([]);
  },
  STEP_TIMEOUT,
);

test(
  "refresh and the drift check are clean, and the refreshed state keeps every secret encrypted",
  async () => {
    const refresh = await pulumi("refresh 2", ["refresh", "--yes", "--diff"]);
    expectOk(refresh);
    const refreshed = snapshot("refresh 2");
    const check = await pulumi("drift check 2", [
      "preview",
      "--refresh",
      "--expect-no-changes",
      "--diff",
    ]);
    expectOk(check);
    snapshot("drift check 2");
    await expectApiHolds(2);
    expect(notEncrypted(refreshed)).toEqual([]);
    expect(leaks({ ...of("refresh 2"), ...of("drift check 2") }, NEEDLES)).toEqual([]);
  },
  STEP_TIMEOUT,
);

test(
  "destroy removes every connection; no form of any secret anywhere in the whole run",
  async () => {
    const destroy = await pulumi("destroy", ["destroy", "--yes"]);
    expectOk(destroy);
    snapshot("destroy");
    const state = await emulatorState(p.emulator);
    expect([...state.pictory.aws, ...state.pictory.vimeo, ...(state.apinizer.demo ?? [])]).toEqual(
      [],
    );
    expect(
      leaks(
        {
          ...haystacks,
          "emulator log": emulatorLog.join("\n"),
          "emulator request log": JSON.stringify(p.emulator.requests()),
        },
        NEEDLES,
      ),
    ).toEqual([]);
  },
  STEP_TIMEOUT,
);

/** Longer than the Vimeo limit of 500 characters. */
const tooLong = (tag: string) => {
  const body = `over the "limit" \\ `.repeat(30);
  return `${mark(tag, 1)} ${body}${mark(tag, 1)}`;
};

function tooLongProgram(clientSecret: string): string {
  return `
const pulumi = require("@pulumi/pulumi");
const { pictory } = require("pulumi-connections");
new pictory.VimeoConnection("tooLong", {
  name: "sec-too-long", clientIdentifier: "cid-long",
  clientSecret: ${clientSecret},
  accessToken: pulumi.secret("short-token"),
});
`;
}

function expectCheckFailure(result: PulumiResult, secret: string): void {
  expect(secret.length).toBeGreaterThan(500);
  expect(result.code).not.toBe(0);
  expect(result.output).toContain("clientSecret");
  expect(result.output).toMatch(/\b500\b/);
  // Validation runs before anything is written.
  expect(p.takeRequests().filter((r) => !r.startsWith("GET "))).toEqual([]);
  expect(
    leaks({ output: result.output, "backend files": p.stateBytes() }, needlesOf([secret])),
  ).toEqual([]);
}

test(
  "rejects an over-long clientSecret passed as a plain string: names the property and the limit, never the value",
  async () => {
    const secret = tooLong("long-plain");
    writeProgram(tooLongProgram(lit(secret)));
    p.takeRequests();
    expectCheckFailure(await pulumi("too long plain", ["preview"]), secret);
  },
  STEP_TIMEOUT,
);

test(
  "rejects an over-long clientSecret passed as pulumi.secret: names the property and the limit, never the value",
  async () => {
    const secret = tooLong("long-secret");
    writeProgram(tooLongProgram(`pulumi.secret(${lit(secret)})`));
    p.takeRequests();
    expectCheckFailure(await pulumi("too long secret", ["up", "--yes", "--skip-preview"]), secret);
  },
  STEP_TIMEOUT,
);

/** One connection of each family, so that both credentials are used. */
const CREDENTIAL_PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const { pictory, apinizer } = require("pulumi-connections");
new pictory.VimeoConnection("vimeo", {
  name: "sec-cred-vimeo", clientIdentifier: "cid-cred",
  clientSecret: pulumi.secret("cred-client-secret"), accessToken: pulumi.secret("cred-token"),
});
new apinizer.Connection("mail", {
  projectName: "demo", name: "sec-cred-mail", type: "email", host: "smtp.example.com",
});
`;

const PICTORY_HINT = "pulumi config set --secret pictory:apiKey <value>";
const APINIZER_HINT = "pulumi config set --secret apinizer:token <value>";

/** Sets one credential as plain (or secret) stack config, the value unchanged. */
async function credentialAs(key: "pictory:apiKey" | "apinizer:token", secret: boolean) {
  const value = key === "pictory:apiKey" ? CREDENTIALS[0]! : CREDENTIALS[1]!;
  await p.stack.setConfig(key, { value, secret });
}

test(
  "warns at preview when pictory:apiKey is plain stack config, naming the command that fixes it",
  async () => {
    writeProgram(CREDENTIAL_PROGRAM);
    await credentialAs("pictory:apiKey", false);
    try {
      const preview = await p.runPulumi(["preview", NI]);
      expectOk(preview);
      expect(preview.output).toContain(PICTORY_HINT);
      expect(preview.output).not.toContain(APINIZER_HINT);
    } finally {
      await credentialAs("pictory:apiKey", true);
    }
  },
  STEP_TIMEOUT,
);

test(
  "warns at preview and up when apinizer:token is plain stack config, naming the command that fixes it",
  async () => {
    writeProgram(CREDENTIAL_PROGRAM);
    await credentialAs("apinizer:token", false);
    try {
      const preview = await p.runPulumi(["preview", NI]);
      expectOk(preview);
      expect(preview.output).toContain(APINIZER_HINT);
      expect(preview.output).not.toContain(PICTORY_HINT);
      const up = await p.runPulumi(["up", "--yes", "--skip-preview", NI]);
      expectOk(up);
      expect(up.output).toContain(APINIZER_HINT);
    } finally {
      await credentialAs("apinizer:token", true);
      expectOk(await p.runPulumi(["destroy", "--yes", NI]));
    }
  },
  STEP_TIMEOUT,
);

test(
  "does not warn about credentials that are secret stack config",
  async () => {
    writeProgram(CREDENTIAL_PROGRAM);
    const preview = await p.runPulumi(["preview", NI]);
    expectOk(preview);
    expect(preview.output).toMatch(/VimeoConnection vimeo\s+create/);
    expect(preview.output).toMatch(/apinizer:Connection mail\s+create/);
    expect(preview.output).not.toContain("config set --secret");
  },
  STEP_TIMEOUT,
);
