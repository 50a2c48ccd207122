import fc from "fast-check";
import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";
import {
  buildReport,
  DriftReport,
  exitCodeOf,
  StackResources,
  stackResourcesOf,
} from "../../cli/drift/report";
import { summarizeFailure } from "../../cli/shared/failure";
import { escapeMarkdown } from "../../cli/shared/markdown";
import { render, renderJson, renderMarkdown, renderText } from "../../cli/drift/render";
import { parseDriftArgs } from "../../cli/drift/command";
import { configSecretsOf, StackSecretsError } from "../../cli/shared/stack-secrets";
import { redactReport, REPORT_TEXTS, secretsOf } from "../../cli/shared/redaction";
import { MASK, normalize, redact, SECRET_RUN } from "../../provider/core/secrets";

// Synthetic engine events shaped like those `pulumi refresh --preview-only` emits (captured from
// the real CLI 3.259): refresh steps carry no `diffs`, so the report compares old and new inputs.

const SIG = "4dabf18193072939515e22adb298388d";
/** A secret as the engine shows it in events: the value is already replaced by "[secret]". */
const masked = { [SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: "[secret]" };
const PLAINTEXT = "hunter2-plaintext-secret";

const AWS = "pulumi-nodejs:dynamic/pictory:AwsConnection";
const VIMEO = "pulumi-nodejs:dynamic/pictory:VimeoConnection";
const APINIZER = "pulumi-nodejs:dynamic/apinizer:Connection";
const urnOf = (type: string, name: string) => `urn:pulumi:test::proj::${type}::${name}`;

type Bag = Record<string, unknown>;
interface Side {
  readonly id: string;
  readonly inputs: Bag;
  readonly outputs?: Bag;
}

let seq = 0;
function event(body: Partial<EngineEvent>): EngineEvent {
  return { sequence: seq++, timestamp: 0, ...body } as EngineEvent;
}

function state(type: string, name: string, side: Side) {
  return {
    type,
    urn: urnOf(type, name),
    id: side.id,
    parent: "",
    provider: "",
    inputs: { __provider: "exports.handler = ...", ...side.inputs },
    outputs: { __provider: "exports.handler = ...", ...side.inputs, ...(side.outputs ?? {}) },
  };
}

/** The pre and outputs events of one resource's refresh step. */
function step(type: string, name: string, op: OpType, old: Side, now: Side | null): EngineEvent[] {
  const metadata = {
    op,
    urn: urnOf(type, name),
    type,
    old: state(type, name, old),
    ...(now ? { new: state(type, name, now) } : {}),
    provider: "",
  };
  return [
    event({ resourcePreEvent: { metadata: { ...metadata, op: "refresh" } } }),
    event({ resOutputsEvent: { metadata } }),
  ];
}

const stackStep = (): EngineEvent[] => {
  const type = "pulumi:pulumi:Stack";
  const side = { id: "", inputs: {} };
  return step(type, "proj-test", "same", side, side);
};

const awsInputs = {
  name: "media",
  awsAccountId: "123456789012",
  awsRegion: "us-east-2",
  description: "raw",
};
const vimeoInputs = {
  name: "marketing",
  clientIdentifier: "cid",
  clientSecret: masked,
  accessToken: masked,
};

function allFormats(report: DriftReport): string[] {
  return [renderText(report), renderMarkdown(report), renderJson(report)];
}

/** The checkpoint of a stack that manages every resource of `events` and reads none. */
function managing(events: readonly EngineEvent[]): StackResources {
  const urns = events.flatMap((e) => {
    const m = e.resourcePreEvent?.metadata ?? e.resOutputsEvent?.metadata;
    return m ? [m.urn] : [];
  });
  return { managed: new Set(urns), read: new Set(), secrets: [] };
}

/** The report of a stack without `.get` resources. */
function reportOf(stack: string, events: readonly EngineEvent[], failure?: string): DriftReport {
  return buildReport(stack, events, managing(events), failure);
}

describe("buildReport", () => {
  it("reports a stack whose connections all read back unchanged as clean, exit 0", () => {
    const events = [
      ...stackStep(),
      ...step(
        AWS,
        "media",
        "same",
        { id: "a1", inputs: awsInputs, outputs: { version: 1 } },
        {
          id: "a1",
          inputs: awsInputs,
          outputs: { version: 1 },
        },
      ),
      ...step(
        VIMEO,
        "mkt",
        "same",
        { id: "v1", inputs: vimeoInputs, outputs: { version: 3 } },
        {
          id: "v1",
          inputs: vimeoInputs,
          outputs: { version: 3 },
        },
      ),
    ];
    const report = reportOf("test", events);
    expect(report).toEqual({
      stack: "test",
      clean: true,
      failed: false,
      checked: 2,
      drifted: [],
      deleted: [],
      unreadable: [],
      read: [],
      notCompared: {
        "pictory:AwsConnection": [],
        "pictory:VimeoConnection": ["clientSecret", "accessToken"],
      },
      remediation: "pulumi up --refresh --stack test",
    });
    expect(exitCodeOf(report)).toBe(0);
    expect(renderText(report)).toContain('stack "test": no drift');
    expect(renderMarkdown(report)).toContain("**No drift**: 2 connections checked.");
  });

  it("takes an Apinizer rename the stack made as clean, and names the ID the read found", () => {
    const mail = { projectName: "demo", type: "email", host: "smtp.example.com" };
    const renamed = { ...mail, name: "new-name" };
    // The state still has the ID from before the rename; the read reports the real name's.
    const clean = reportOf("test", [
      ...step(
        APINIZER,
        "alerts",
        "same",
        { id: "demo/old-name", inputs: renamed },
        {
          id: "demo/new-name",
          inputs: renamed,
        },
      ),
    ]);
    expect(clean).toMatchObject({ clean: true, drifted: [], deleted: [] });
    const drifted = reportOf("test", [
      ...step(
        APINIZER,
        "alerts",
        "update",
        { id: "demo/old-name", inputs: renamed },
        {
          id: "demo/new-name",
          inputs: { ...renamed, host: "smtp.elsewhere.example" },
        },
      ),
    ]);
    expect(drifted.drifted).toEqual([
      expect.objectContaining({ id: "demo/new-name", name: "new-name" }),
    ]);
  });

  it("lists each changed field old → new, counting an unset field as its API default", () => {
    const events = step(
      AWS,
      "media",
      "update",
      { id: "a1", inputs: awsInputs, outputs: { version: 1 } },
      {
        id: "a1",
        inputs: { ...awsInputs, name: "renamed", enabled: false, description: undefined },
        outputs: { version: 2, updatedDate: "2026-01-01T00:00:00Z" },
      },
    );
    const report = reportOf("test", events);
    expect(report.clean).toBe(false);
    expect(report.drifted).toEqual([
      {
        resource: "media",
        type: "pictory:AwsConnection",
        urn: urnOf(AWS, "media"),
        id: "a1",
        name: "media",
        fields: [
          { field: "description", old: "raw", new: null },
          { field: "enabled", old: true, new: false },
          { field: "name", old: "media", new: "renamed" },
        ],
        version: { old: 1, new: 2 },
        possibleCredentialChange: false,
      },
    ]);
    expect(exitCodeOf(report)).toBe(2);
    const text = renderText(report);
    expect(text).toMatch(/media\s+pictory:AwsConnection\s+name\s+"media"\s+"renamed"/);
    expect(text).toMatch(/enabled\s+true\s+false/);
    expect(text).toMatch(/description\s+"raw"\s+\(unset\)/);
    expect(text).toContain("To converge: pulumi up --refresh --stack test");
    const md = renderMarkdown(report);
    expect(md).toContain('| media | pictory:AwsConnection | name | "media" | "renamed" |');
    expect(md).toContain("Converge with `pulumi up --refresh --stack test`.");
  });

  it("reports a connection deleted out of band under deleted, not drifted", () => {
    const events = step(
      VIMEO,
      "mkt",
      "delete",
      { id: "v1", inputs: vimeoInputs, outputs: { version: 1 } },
      null,
    );
    const report = reportOf("test", events);
    expect(report.drifted).toEqual([]);
    expect(report.deleted).toEqual([
      {
        resource: "mkt",
        type: "pictory:VimeoConnection",
        urn: urnOf(VIMEO, "mkt"),
        id: "v1",
        name: "marketing",
      },
    ]);
    expect(exitCodeOf(report)).toBe(2);
    expect(renderText(report)).toMatch(
      /mkt\s+pictory:VimeoConnection\s+deleted out of band\s+ID v1/,
    );
  });

  it("fails the check, exit 1, when a connection could not be read, naming the error", () => {
    const events = [
      ...step(
        AWS,
        "media",
        "same",
        { id: "a1", inputs: awsInputs },
        { id: "a1", inputs: awsInputs },
      ),
      event({
        resourcePreEvent: step(VIMEO, "mkt", "same", { id: "v1", inputs: vimeoInputs }, null)[0]!
          .resourcePreEvent!,
      }),
      event({
        diagnosticEvent: {
          urn: urnOf(VIMEO, "mkt"),
          prefix: "error: ",
          message:
            "Preview failed: GET /v1/vimeo-connections/v1 failed (ECONNREFUSED): check that the API is reachable from here, then run the command again\n",
          color: "never",
          severity: "error",
        },
      }),
      event({
        diagnosticEvent: {
          prefix: "error: ",
          message: "preview failed\n",
          color: "never",
          severity: "error",
        },
      }),
    ];
    const report = reportOf("test", events, "preview failed somewhere");
    expect(report.clean).toBe(false);
    expect(report.failed).toBe(true);
    expect(report.error).toBe("1 connection could not be read");
    expect(report.unreadable).toEqual([
      {
        resource: "mkt",
        type: "pictory:VimeoConnection",
        urn: urnOf(VIMEO, "mkt"),
        id: "v1",
        name: "marketing",
        error:
          "GET /v1/vimeo-connections/v1 failed (ECONNREFUSED): check that the API is reachable from here, then run the command again",
      },
    ]);
    expect(exitCodeOf(report)).toBe(1);
    for (const out of allFormats(report)) expect(out).not.toMatch(/no drift\b(?!" result)/i);
    expect(renderText(report)).toContain("the check failed: 1 connection could not be read");
    expect(renderMarkdown(report)).toContain("**The drift check failed**");
  });

  it("fails the check, exit 1, when the preview failed before reading anything", () => {
    const report = reportOf("test", [], "no stack named 'test' found");
    expect(report).toMatchObject({
      clean: false,
      failed: true,
      error: "no stack named 'test' found",
      checked: 0,
    });
    expect(exitCodeOf(report)).toBe(1);
    expect(renderText(report)).not.toContain(": no drift");
  });

  it("reports a version-only change on a Vimeo connection as a possible credential change", () => {
    const events = step(
      VIMEO,
      "mkt",
      "same",
      { id: "v1", inputs: vimeoInputs, outputs: { version: 1 } },
      {
        id: "v1",
        inputs: vimeoInputs,
        outputs: { version: 2, updatedDate: "2026-01-02T00:00:00Z" },
      },
    );
    const report = reportOf("test", events);
    expect(report.drifted).toEqual([
      expect.objectContaining({
        resource: "mkt",
        fields: [],
        version: { old: 1, new: 2 },
        possibleCredentialChange: true,
        note: "possible credential change (version 1 → 2)",
      }),
    ]);
    expect(exitCodeOf(report)).toBe(2);
    expect(renderText(report)).toMatch(
      /mkt\s+pictory:VimeoConnection\s+possible credential change \(version 1 → 2\)\s+version 1\s+version 2/,
    );
    expect(renderMarkdown(report)).toContain("possible credential change (version 1 → 2)");
  });

  it("does not report a version-only change on a kind without write-only fields", () => {
    const events = step(
      AWS,
      "media",
      "same",
      { id: "a1", inputs: awsInputs, outputs: { version: 1 } },
      { id: "a1", inputs: awsInputs, outputs: { version: 2 } },
    );
    expect(reportOf("test", events).clean).toBe(true);
  });

  it("masks secrets in all three renderings, even a declared secret the engine left in plain text", () => {
    const mail = {
      projectName: "demo",
      name: "alerts",
      type: "email",
      host: "smtp.example.com",
      auth: true,
      username: "bot",
    };
    const events = step(
      APINIZER,
      "alerts",
      "update",
      { id: "demo/alerts", inputs: { ...mail, password: PLAINTEXT } },
      {
        id: "demo/alerts",
        inputs: { ...mail, host: "other.example.com", password: `${PLAINTEXT}-2` },
      },
    );
    const report = reportOf("test", events);
    expect(report.drifted[0]!.fields).toEqual([
      { field: "host", old: "smtp.example.com", new: "other.example.com" },
      { field: "password", old: "[secret]", new: "[secret]" },
    ]);
    for (const out of allFormats(report)) {
      expect(out).not.toContain(PLAINTEXT);
      expect(out).toContain("[secret]");
    }
    // An engine-masked secret that differs only in its (masked) value cannot be compared.
    const secretOnly = step(
      VIMEO,
      "mkt",
      "same",
      { id: "v1", inputs: vimeoInputs, outputs: { version: 1 } },
      {
        id: "v1",
        inputs: { ...vimeoInputs, clientSecret: { ...masked } },
        outputs: { version: 1 },
      },
    );
    expect(reportOf("test", secretOnly).clean).toBe(true);
  });

  it("reports a change the engine saw only in a masked secret without showing any value", () => {
    const mail = { projectName: "demo", name: "alerts", type: "email", host: "smtp.example.com" };
    const events = step(
      APINIZER,
      "alerts",
      "update",
      { id: "demo/alerts", inputs: { ...mail, password: masked } },
      { id: "demo/alerts", inputs: { ...mail, password: { ...masked } } },
    );
    const report = reportOf("test", events);
    expect(report.drifted).toEqual([
      expect.objectContaining({
        resource: "alerts",
        fields: [],
        possibleCredentialChange: false,
        note: "changed in a secret or another property the report cannot show",
      }),
    ]);
    expect(exitCodeOf(report)).toBe(2);
  });

  it("ignores resources that are not connections and provider-local inputs", () => {
    const events = [
      ...stackStep(),
      ...step(
        AWS,
        "media",
        "same",
        { id: "a1", inputs: { ...awsInputs, onConflict: "fail" } },
        { id: "a1", inputs: { ...awsInputs, onConflict: "overwrite" } },
      ),
    ];
    expect(reportOf("test", events)).toMatchObject({ clean: true, checked: 1 });
  });
});

describe("fields not compared", () => {
  const ldap = {
    projectName: "demo",
    name: "directory",
    type: "ldap",
    serverAddress: "ldaps://ldap.example.com:636",
    username: "cn=bot",
    baseDn: "dc=example,dc=com",
  };
  const graylog = { projectName: "demo", name: "logs", type: "graylog", hostname: "gl" };
  const mail = { projectName: "demo", name: "alerts", type: "email", host: "smtp.example.com" };
  const same = (type: string, name: string, id: string, inputs: Bag) =>
    step(type, name, "same", { id, inputs }, { id, inputs });

  it("names, per kind and Apinizer type present, the write-only and masked fields, values nowhere", () => {
    const events = [
      ...stackStep(),
      ...same(AWS, "media", "a1", awsInputs),
      ...same(VIMEO, "mkt", "v1", vimeoInputs),
      ...same(APINIZER, "directory", "demo/directory", { ...ldap, password: PLAINTEXT }),
      ...same(APINIZER, "logs", "demo/logs", {
        ...graylog,
        tlsTrustCertChainFile: `${PLAINTEXT}-chain`,
      }),
      ...same(APINIZER, "alerts", "demo/alerts", { ...mail, password: masked }),
    ];
    const report = reportOf("test", events);
    expect(report.clean).toBe(true);
    expect(report.notCompared).toEqual({
      "apinizer:Connection/email": [],
      "apinizer:Connection/graylog": ["tlsTrustCertChainFile"],
      "apinizer:Connection/ldap": ["password"],
      "pictory:AwsConnection": [],
      "pictory:VimeoConnection": ["clientSecret", "accessToken"],
    });
    // Sorted keys, so that two runs compare line by line.
    expect(Object.keys(report.notCompared)).toEqual(Object.keys(report.notCompared).sort());

    const text = renderText(report);
    expect(text).toContain("Not compared");
    expect(text).toMatch(/apinizer:Connection\/graylog\s+tlsTrustCertChainFile\n/);
    expect(text).toMatch(/apinizer:Connection\/ldap\s+password\n/);
    expect(text).toMatch(/pictory:VimeoConnection\s+clientSecret, accessToken\n/);
    // A kind or type whose every field is compared is not listed as a gap.
    expect(text).not.toMatch(/Connection\/email|AwsConnection/);

    const md = renderMarkdown(report);
    expect(md).toContain("**Not compared**");
    expect(md).toContain("| pictory:VimeoConnection | clientSecret, accessToken |");
    expect(md).toContain("| apinizer:Connection/ldap | password |");
    expect(md).not.toContain("Connection/email |");

    const json = JSON.parse(renderJson(report));
    expect(json.notCompared["apinizer:Connection/ldap"]).toEqual(["password"]);
    for (const out of allFormats(report)) expect(out).not.toContain(PLAINTEXT);
  });

  it("never reports a field it says it does not compare, even when the two values differ", () => {
    const events = step(
      APINIZER,
      "directory",
      "same",
      { id: "demo/directory", inputs: { ...ldap, password: PLAINTEXT } },
      { id: "demo/directory", inputs: { ...ldap, password: `${PLAINTEXT}-2` } },
    );
    const report = reportOf("test", events);
    expect(report.drifted).toEqual([]);
    expect(report.clean).toBe(true);
  });

  it("counts deleted and unreadable connections too, and says nothing when nothing was read", () => {
    const events = step(VIMEO, "mkt", "delete", { id: "v1", inputs: vimeoInputs }, null);
    expect(reportOf("test", events).notCompared).toEqual({
      "pictory:VimeoConnection": ["clientSecret", "accessToken"],
    });
    const none = reportOf("test", [], "no stack named 'test' found");
    expect(none.notCompared).toEqual({});
    expect(renderText(none)).not.toContain("Not compared");
    expect(renderMarkdown(none)).not.toContain("Not compared");
  });
});

describe("secrets pasted into readable fields outside Pulumi", () => {
  const sealed = (value: unknown) => ({
    [SIG]: "1b47061264138c4ac30d75fd1eb44270",
    plaintext: JSON.stringify(value),
  });
  /** A checkpoint as `pulumi stack export --show-secrets` prints it: the Vimeo credentials sealed. */
  const checkpoint = (clientSecret: string) => ({
    resources: [
      {
        urn: urnOf(VIMEO, "mkt"),
        type: VIMEO,
        inputs: {
          __provider: sealed("exports.handler = ..."),
          ...vimeoInputs,
          clientSecret: sealed(clientSecret),
          accessToken: sealed("tok-unrelated-777"),
        },
        outputs: { version: 1 },
      },
      { urn: urnOf(AWS, "media"), type: AWS, inputs: awsInputs },
    ],
  });
  const runs = (text: string) =>
    Array.from({ length: Math.max(0, text.length - 5) }, (_x, i) => text.slice(i, i + 6));
  const encodings: Record<string, (s: string) => string> = {
    raw: (s) => s,
    base64: (s) => Buffer.from(s).toString("base64"),
    json: (s) => JSON.stringify(s).slice(1, -1),
    percent: (s) => encodeURIComponent(s),
  };
  const targets = [
    { type: VIMEO, name: "mkt", id: "v1", inputs: vimeoInputs, field: "description" },
    { type: VIMEO, name: "mkt", id: "v1", inputs: vimeoInputs, field: "clientIdentifier" },
    { type: VIMEO, name: "mkt", id: "v1", inputs: vimeoInputs, field: "name" },
    { type: AWS, name: "media", id: "a1", inputs: awsInputs, field: "description" },
    { type: AWS, name: "media", id: "a1", inputs: awsInputs, field: "name" },
  ];
  const reportWith = (secret: string, target: (typeof targets)[number], pasted: string) => {
    const events = step(
      target.type,
      target.name,
      "update",
      { id: target.id, inputs: target.inputs },
      { id: target.id, inputs: { ...target.inputs, [target.field]: pasted } },
    );
    const resources = stackResourcesOf(checkpoint(secret));
    return buildReport("test", events, {
      ...resources,
      managed: new Set([urnOf(target.type, target.name)]),
    });
  };

  it("masks any secret of the stack pasted into any readable field, raw or encoded, in every format", () => {
    const char = fc.constantFrom(..."ABCXYZabcxyz0123456789-_.~!*:@+/=".split(""));
    fc.assert(
      fc.property(
        fc.string({ unit: char, minLength: 8, maxLength: 40 }),
        fc.constantFrom(...targets),
        fc.constantFrom(...Object.keys(encodings)),
        fc.string({ unit: fc.constantFrom(" ", "q", "k", "("), maxLength: 6 }),
        (secret, target, encoding, around) => {
          const form = encodings[encoding]!(secret);
          const pasted = `${around}${form}${around}`;
          // The report's own words (keys, headings, the mask) are not the secret's to hide.
          const own = allFormats(reportWith(secret, target, "pasted-nothing")).join("\n");
          fc.pre(![...runs(secret), ...runs(form)].some((r) => own.includes(r)));
          const report = reportWith(secret, target, pasted);
          expect(report.drifted).toHaveLength(1);
          for (const out of allFormats(report)) {
            expect(out).not.toContain(secret);
            for (const r of [...runs(secret), ...runs(form)]) expect(out).not.toContain(r);
          }
        },
      ),
    );
  });

  it("masks a secret of any length and any characters, pasted raw or encoded, in every format", () => {
    const n = (t: string) => normalize(t).text;
    /** Whether `out` shows `form`: a run of it, or a short one whole, as a reader compares text. */
    const shows = (out: string, form: string) => {
      const f = n(form);
      // The mask's own text is not a secret's: `T]` is the end of `[secret]`.
      const o = out
        .split(MASK)
        .map((piece) => n(piece))
        .join("\u0000");
      if (f.length >= SECRET_RUN) return runs(f).some((r) => o.includes(r));
      return f !== "" && o.includes(f);
    };
    const percent = (t: string) =>
      [...Buffer.from(t)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
    const forms: Record<string, (t: string) => string> = {
      raw: (t) => t,
      upper: (t) => t.toUpperCase(),
      json: (t) => JSON.stringify(t).slice(1, -1),
      percent,
      html: (t) => [...t].map((c) => `&#${c.codePointAt(0)};`).join(""),
      // Base64 of fewer than 5 bytes is 6 characters or less, of which the last hangs on what
      // follows: as likely any word, never masked on its own (provider/core/secrets.ts).
      base64: (t) => (Buffer.byteLength(t) >= 5 ? Buffer.from(t).toString("base64") : t),
    };
    const anySecret = fc.oneof(
      fc.string({ minLength: 1, maxLength: 3 }),
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }),
      fc.string({ unit: "binary", minLength: 1, maxLength: 12 }),
      fc.string({ minLength: 6, maxLength: 24 }),
    );
    fc.assert(
      fc.property(
        anySecret,
        fc.constantFrom(...targets),
        fc.constantFrom(...Object.keys(forms)),
        (secret, target, encoding) => {
          const form = forms[encoding]!(secret);
          // The report's own words are printed whatever the secret: not the secret's to hide.
          const own = allFormats(reportWith(secret, target, "pasted-nothing")).join("\n");
          fc.pre(!shows(own, secret) && !shows(own, form));
          const report = reportWith(secret, target, `pasted ${form} here`);
          expect(report.drifted).toHaveLength(1);
          const shown = report.drifted[0]!.fields.find((f) => f.field === target.field)!.new;
          expect(typeof shown === "string" && !shows(shown, secret) && !shows(shown, form)).toBe(
            true,
          );
          for (const out of allFormats(report)) {
            expect(shows(out, secret)).toBe(false);
            expect(shows(out, form)).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("takes every secret of the checkpoint, never the provider's code, and refuses sealed ones", () => {
    const secrets = stackResourcesOf(checkpoint("Vm-cl1ent-s3cret-XYZ")).secrets;
    expect([...secrets].sort()).toEqual(["Vm-cl1ent-s3cret-XYZ", "tok-unrelated-777"]);
    // A declared secret the engine kept in plain text is a secret all the same.
    const plain = {
      resources: [
        {
          urn: "urn:v",
          type: VIMEO,
          inputs: { ...vimeoInputs, clientSecret: "plain-cs-1", accessToken: "plain-at-2" },
        },
      ],
    };
    expect(stackResourcesOf(plain).secrets).toEqual(["plain-cs-1", "plain-at-2"]);
    // Exported without `--show-secrets`, or not decryptable: no report rather than an unmasked one.
    const encrypted = {
      resources: [{ urn: "urn:v", type: VIMEO, inputs: { clientSecret: masked } }],
    };
    expect(() => stackResourcesOf(encrypted)).toThrow(StackSecretsError);
  });
});

describe("configSecretsOf", () => {
  it("takes the provider credentials, per account too, and every single secret value", () => {
    const config = {
      "pictory:apiKey": { value: "pictai_k1", secret: true },
      "pictory:accounts": {
        value: "{}",
        secret: true,
        objectValue: { eu: { apiKey: "pictai_eu", baseUrl: "https://eu.example" } },
      },
      "proj:dbPassword": { value: "pw-123", secret: true },
      "proj:region": { value: "us-east-2", secret: false },
    };
    const env = { APINIZER_ACCOUNTS: JSON.stringify({ b: { token: "apz-b" } }) };
    // Every leaf of a secret object, its plain base URL too: which one was secret is not printed.
    expect(configSecretsOf(config, env).sort()).toEqual(
      ["apz-b", "https://eu.example", "pictai_eu", "pictai_k1", "pw-123"].sort(),
    );
  });
});

describe("secrets of any shape the stack holds", () => {
  const leaf = fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9]{10,24}$/),
    fc.integer({ min: 100_000_000, max: 2_000_000_000 }),
  );
  /** A secret value: a leaf, or an object or list of them nested a few levels. */
  const shaped = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: "small" }, leaf, tie("object"), tie("list")),
    object: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), tie("value"), {
      minKeys: 1,
      maxKeys: 3,
    }),
    list: fc.array(tie("value"), { minLength: 1, maxLength: 3 }),
  })).value;
  const leavesOf = (v: unknown): string[] =>
    Array.isArray(v)
      ? v.flatMap(leavesOf)
      : v !== null && typeof v === "object"
        ? Object.values(v).flatMap(leavesOf)
        : [String(v)];
  /** The refresh step of an AWS connection whose description now holds `pasted`. */
  const pastedInto = (pasted: string) =>
    step(
      AWS,
      "media",
      "update",
      { id: "a1", inputs: awsInputs },
      { id: "a1", inputs: { ...awsInputs, description: pasted } },
    );

  it("masks every leaf of a value sealed in state, numbers as their text", () => {
    fc.assert(
      fc.property(shaped, (secret) => {
        const checkpoint = {
          resources: [
            { urn: urnOf(AWS, "media"), type: AWS, inputs: awsInputs },
            {
              urn: "urn:pulumi:test::proj::pulumi:pulumi:Stack::proj-test",
              type: "pulumi:pulumi:Stack",
              outputs: {
                out: {
                  [SIG]: "1b47061264138c4ac30d75fd1eb44270",
                  plaintext: JSON.stringify(secret),
                },
              },
            },
          ],
        };
        const resources = stackResourcesOf(checkpoint);
        for (const s of leavesOf(secret)) {
          const report = buildReport("prod", pastedInto(`code ${s} here`), resources);
          for (const out of allFormats(report)) expect(out).not.toContain(s);
        }
      }),
      { numRuns: 30 },
    );
  });

  it("masks every leaf of a config object set secret at a path, from objectValue or value", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), shaped, { minKeys: 1, maxKeys: 3 }),
        fc.boolean(),
        (object, printed) => {
          // Older CLIs print only the JSON text in `value`; newer ones objectValue as well.
          const entry = {
            value: JSON.stringify(object),
            secret: true,
            ...(printed ? { objectValue: object } : {}),
          };
          const secrets = configSecretsOf({ "proj:db": entry }, {});
          const resources = { ...managing(pastedInto("x")), secrets };
          for (const s of leavesOf(object)) {
            const report = buildReport("prod", pastedInto(`creds ${s} here`), resources);
            for (const out of allFormats(report)) expect(out).not.toContain(s);
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe("the environment's secrets against the report's own words", () => {
  /** One connection drifted, one the preview never reached, and an engine error quoting `said`. */
  const reportSaying = (said: string) => {
    const vimeoUrn = urnOf(VIMEO, "mkt");
    const events = [
      ...step(
        AWS,
        "media",
        "update",
        { id: "a1", inputs: awsInputs },
        { id: "a1", inputs: { ...awsInputs, description: "edited" } },
      ),
      event({
        resourcePreEvent: { metadata: { op: "refresh", urn: vimeoUrn, type: VIMEO, provider: "" } },
      }),
    ] as EngineEvent[];
    const managed = new Set([urnOf(AWS, "media"), vimeoUrn]);
    return buildReport("prod", events, { managed, read: new Set(), secrets: [] }, said);
  };
  const ownTexts = [
    ...Object.values(REPORT_TEXTS),
    "pulumi up --refresh --stack",
    "could not be read",
  ];
  /** A passphrase made of the report's own text: a word of it, or any piece, repeated or not. */
  const passphrase = fc
    .constantFrom(...ownTexts)
    .chain((t) =>
      fc.oneof(
        fc.constantFrom(...t.split(/[^A-Za-z]+/).filter((w) => w.length > 0)),
        fc
          .tuple(fc.nat(t.length - 1), fc.integer({ min: 1, max: 20 }))
          .map(([at, n]) => t.slice(at, at + n)),
      ),
    )
    .chain((p) => fc.constantFrom(p, `${p}-${p}`, `${p}${p}`))
    .filter((p) => p.trim() !== "");

  it("leaves the report's commands and sentences readable whatever the passphrase", () => {
    fc.assert(
      fc.property(passphrase, (pass) => {
        const plain = reportSaying("preview failed");
        const secrets = secretsOf({ PULUMI_CONFIG_PASSPHRASE: pass });
        const shown = redactReport(plain, secrets);
        // The stack's name is not the code's: it is masked like any value, on its own (a short
        // environment secret only as a word).
        const command = `pulumi up --refresh --stack ${redact("prod", secrets, { shortAsWords: true })}`;
        expect(shown.remediation).toBe(command);
        expect(shown.error).toBe(plain.error);
        expect(shown.unreadable.map((u) => u.error)).toEqual([REPORT_TEXTS.notReached]);
        expect(renderText(shown)).toContain(`To converge: ${command}`);
      }),
    );
  });

  it("still masks the passphrase wherever the engine or the CLI quotes it", () => {
    fc.assert(
      fc.property(passphrase, (pass) => {
        // The product's and the CLI's names stay readable everywhere, as in every message.
        // Nor can the mask's own text show whether it was masked.
        fc.pre(
          pass.length >= SECRET_RUN &&
            !/pulumi|connection/i.test(pass) &&
            !"[secret]".includes(pass.toLowerCase()),
        );
        const shown = redactReport(
          reportOf("prod", [], `error: decrypting with ${pass} failed`),
          secretsOf({ PULUMI_CONFIG_PASSPHRASE: pass }),
        );
        expect(shown.error).toContain("[secret]");
        expect(shown.error).not.toContain(pass);
      }),
    );
  });
});

describe("summarizeFailure", () => {
  it("keeps the CLI's error lines and drops its generic summary", () => {
    const error = new Error(
      "code: -2\n stderr: Command failed with exit code 255: pulumi stack select\nerror: no stack named 'x' found\n",
    );
    expect(summarizeFailure(error)).toBe("no stack named 'x' found");
    expect(summarizeFailure(new Error("error: preview failed\nsomething else"))).toBe(
      "error: preview failed",
    );
  });
});

describe("renderers", () => {
  it("prints one parseable JSON document with the documented keys", () => {
    const report = reportOf("prod", []);
    const parsed = JSON.parse(render(report, "json"));
    expect(Object.keys(parsed)).toEqual([
      "stack",
      "clean",
      "failed",
      "checked",
      "drifted",
      "deleted",
      "unreadable",
      "read",
      "notCompared",
      "remediation",
    ]);
  });

  it("escapes Markdown in table cells so a value cannot break the table", () => {
    expect(escapeMarkdown("a|b `c` <d>\nnext")).toBe("a\\|b \\`c\\` \\<d\\> next");
  });
});

describe("connections the stack reads with .get", () => {
  // A `.get` registers only what identifies the connection (sdk/lookup.ts getState); the refresh
  // reads every field, so old and new inputs differ on each run, as the engine sends them.
  const getInputs = { __get: true, connectionId: "a9" };
  const readStep = () =>
    step(AWS, "shared", "same", { id: "a9", inputs: getInputs }, { id: "a9", inputs: awsInputs });
  const read = {
    managed: new Set<string>(),
    read: new Set([urnOf(AWS, "shared")]),
    secrets: [],
  };

  it("lists a connection read with .get apart, never as drift, and stays clean (exit 0)", () => {
    const report = buildReport("test", [...stackStep(), ...readStep()], read);
    expect(report).toMatchObject({ clean: true, failed: false, checked: 0, drifted: [] });
    expect(report.read).toEqual([
      { resource: "shared", type: "pictory:AwsConnection", urn: urnOf(AWS, "shared"), id: "a9" },
    ]);
    expect(report.notCompared).toEqual({});
    expect(exitCodeOf(report)).toBe(0);
    expect(renderText(report)).toContain(
      "Read, not managed: 1 connection the program reads with `.get`",
    );
    expect(renderText(report)).toContain("  shared (pictory:AwsConnection, ID a9)");
    expect(renderMarkdown(report)).toContain("- shared (pictory:AwsConnection, ID a9)");
  });

  it("fails a connection the state did not hold when the check began, rather than compare it", () => {
    const none = { managed: new Set<string>(), read: new Set<string>(), secrets: [] };
    const report = buildReport("test", readStep(), none);
    expect(report).toMatchObject({ clean: false, failed: true, drifted: [], read: [] });
    expect(report.unreadable.map((u) => u.error)).toEqual([
      expect.stringContaining("not in the stack's state exported before the check"),
    ]);
  });

  it("keeps a .get whose connection is gone a failure of the check, not a clean one", () => {
    const events = [
      ...step(AWS, "shared", "same", { id: "a9", inputs: getInputs }, null).slice(0, 1),
      event({
        diagnosticEvent: {
          urn: urnOf(AWS, "shared"),
          message: 'pictory:AwsConnection: no AWS connection with ID "a9" exists',
          color: "never",
          severity: "error",
        },
      }),
    ];
    expect(buildReport("test", events, read)).toMatchObject({ failed: true, read: [] });
  });

  it("reports as drifted or deleted only connections the checkpoint says the stack manages", () => {
    const side = fc.record({
      name: fc.constantFrom("a", "b"),
      awsRegion: fc.constantFrom("us-east-2", "eu-west-1"),
      enabled: fc.boolean(),
    });
    const resource = fc.record({
      ownership: fc.constantFrom("managed", "read", "absent"),
      op: fc.constantFrom<OpType>("same", "update", "delete"),
      old: side,
      now: fc.option(side, { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(resource, { maxLength: 6 }), (resources) => {
        const state = { managed: new Set<string>(), read: new Set<string>(), secrets: [] };
        const events = resources.flatMap((r, i) => {
          const name = `c${i}`;
          if (r.ownership !== "absent") state[r.ownership].add(urnOf(AWS, name));
          const now = r.now && { id: `id${i}`, inputs: r.now };
          return step(AWS, name, r.op, { id: `id${i}`, inputs: r.old }, now);
        });
        const report = buildReport("test", events, state);
        for (const c of [...report.drifted, ...report.deleted])
          expect(state.managed.has(c.urn)).toBe(true);
        expect(report.read.map((c) => c.urn).sort()).toEqual([...state.read].sort());
        expect(report.checked).toBe(resources.length - state.read.size);
      }),
    );
  });

  it("takes `external: true` from a stack export as read, and anything else as managed", () => {
    const deployment = {
      resources: [
        { urn: "urn:a", external: true },
        { urn: "urn:b", external: false },
        { urn: "urn:c" },
        { urn: "urn:d", external: "true" },
        { external: true },
      ],
    };
    expect(stackResourcesOf(deployment)).toEqual({
      managed: new Set(["urn:b", "urn:c", "urn:d"]),
      read: new Set(["urn:a"]),
      secrets: [],
    });
    expect(stackResourcesOf({})).toEqual({ managed: new Set(), read: new Set(), secrets: [] });
  });
});

describe("parseDriftArgs", () => {
  const dir = process.cwd(); // the repository root holds a Pulumi.yaml

  it("reads the stack, the directory and the format", () => {
    expect(parseDriftArgs(["--stack", "prod", "--markdown"], dir)).toEqual({
      stack: "prod",
      workDir: dir,
      format: "markdown",
    });
    expect(parseDriftArgs(["--stack", "prod"], dir)).toMatchObject({ format: "text" });
  });

  it("rejects a missing stack, an unknown option, two formats and a folder without Pulumi.yaml", () => {
    expect(parseDriftArgs([], dir)).toEqual({ usageError: expect.stringContaining("--stack") });
    expect(parseDriftArgs(["--stack", "p", "--nope"], dir)).toHaveProperty("usageError");
    expect(parseDriftArgs(["--stack", "p", "--json", "--markdown"], dir)).toHaveProperty(
      "usageError",
    );
    expect(parseDriftArgs(["--stack", "p", "--cwd", "cli"], dir)).toEqual({
      usageError: expect.stringContaining("no Pulumi.yaml"),
    });
  });
});
