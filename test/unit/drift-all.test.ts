import fc from "fast-check";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import * as path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import {
  describeBackend,
  fileBackendRoot,
  LockReader,
  lockDirOf,
  lockReaderFor,
  parseLock,
} from "../../cli/shared/backend-locks";
import { parseDriftArgs } from "../../cli/drift/command";
import { checkAllStacks, CheckAllInput } from "../../cli/drift/all-stacks";
import {
  childEnv,
  ListedStack,
  mapLimit,
  parseStackList,
  pendingOperationsOf,
  projectNameOf,
  readEvents,
  splitStackName,
  StackOps,
} from "../../cli/shared/stacks";
import {
  AllStacksReport,
  buildAllStacksReport,
  checkedStack,
  exitCodeOfAll,
  failedStack,
  lockedStack,
  pendingStack,
  StackCheck,
} from "../../cli/drift/all-report";
import { redactReport, secretsOf } from "../../cli/shared/redaction";
import { passphraseFailure, SECRETS_FAILURE_TEXTS } from "../../cli/shared/stack-secrets";
import { redact } from "../../provider/core/secrets";
import { renderAll, renderAllMarkdown, renderAllText } from "../../cli/drift/all-render";
import { DriftReport } from "../../cli/drift/report";
import { run } from "../../cli/index";

// `drift --all-stacks` without the CLI: the aggregation, the exit codes, the rendering, and the
// per-stack sequence (lock, export, refresh preview, lock and export again) with a fake CLI, so
// that each race a real backend shows only by chance is pinned here.

const report = (stack: string, over: Partial<DriftReport> = {}): DriftReport => ({
  stack,
  clean: true,
  failed: false,
  checked: 1,
  drifted: [],
  deleted: [],
  unreadable: [],
  read: [],
  notCompared: {},
  remediation: `pulumi up --refresh --stack ${stack}`,
  ...over,
});
const ref = (resource: string) => ({
  resource,
  type: "pictory:AwsConnection",
  urn: `urn:pulumi:s::p::pulumi-nodejs:dynamic/pictory:AwsConnection::${resource}`,
  id: `id-${resource}`,
});
const driftedReport = (stack: string) =>
  report(stack, {
    clean: false,
    drifted: [
      {
        ...ref("media"),
        fields: [{ field: "enabled", old: true, new: false }],
        version: { old: 1, new: 2 },
        possibleCredentialChange: false,
      },
    ],
  });
const failedReport = (stack: string, error: string) =>
  report(stack, { clean: false, failed: true, error, checked: 0 });

const all = (
  stacks: StackCheck[],
  over: Partial<Parameters<typeof buildAllStacksReport>[0]> = {},
) =>
  buildAllStacksReport({
    backend: "postgres://db:5432/state",
    lockCheck: "postgres",
    stacks,
    ...over,
  });

describe("buildAllStacksReport and exitCodeOfAll", () => {
  it("exit 0 only when every stack was checked and is clean", () => {
    const r = all([checkedStack(report("prod")), checkedStack(report("dev"))]);
    expect(r).toMatchObject({
      clean: true,
      failed: false,
      counts: { clean: 2, drifted: 0, failed: 0, busy: 0, total: 2 },
    });
    expect(r.stacks.map((s) => s.stack)).toEqual(["dev", "prod"]);
    expect(exitCodeOfAll(r)).toBe(0);
  });

  it("exit 2 when a stack drifted and every stack was checked", () => {
    const r = all([checkedStack(report("dev")), checkedStack(driftedReport("prod"))]);
    expect(r).toMatchObject({ clean: false, failed: false });
    expect(exitCodeOfAll(r)).toBe(2);
  });

  it("exit 1 when any stack failed or is busy, drift or not: an unchecked stack may hide drift", () => {
    const drifted = checkedStack(driftedReport("prod"));
    const failed = checkedStack(failedReport("qa", "incorrect passphrase"));
    const busy = lockedStack("dev", [{ pid: 7 }]);
    expect(exitCodeOfAll(all([drifted, failed]))).toBe(1);
    expect(exitCodeOfAll(all([drifted, busy]))).toBe(1);
    expect(exitCodeOfAll(all([checkedStack(report("a")), busy]))).toBe(1);
    expect(all([drifted, failed, busy]).counts).toEqual({
      clean: 0,
      drifted: 1,
      failed: 1,
      busy: 1,
      total: 3,
    });
  });

  it("exit 1 when the listing failed or found no stack: nothing checked is not no drift", () => {
    const none = all([]);
    expect(none).toMatchObject({
      failed: true,
      clean: false,
      error: "no stack in the backend: nothing was checked",
    });
    expect(exitCodeOfAll(none)).toBe(1);
    expect(all([], { project: "web" }).error).toBe(
      'no stack of project "web" in the backend: nothing was checked',
    );
    const listing = all([], { listingError: "unable to open state database" });
    expect(listing.error).toBe("the stacks could not be listed: unable to open state database");
    expect(exitCodeOfAll(listing)).toBe(1);
  });

  it("gives a stack the single-stack verdict: failed first, then drift", () => {
    expect(checkedStack(report("a"), "p")).toEqual({
      stack: "a",
      project: "p",
      status: "clean",
      report: report("a"),
    });
    expect(checkedStack(driftedReport("a")).status).toBe("drifted");
    // A report that read some connections and failed on others is failed, even with drift in it.
    const partial = {
      ...driftedReport("a"),
      failed: true,
      error: "1 connection could not be read",
    };
    expect(checkedStack(partial)).toMatchObject({
      status: "failed",
      reason: "1 connection could not be read",
    });
  });
});

describe("busy and interrupted stacks", () => {
  it("names the lock holder and how to clear a dead lock", () => {
    const s = lockedStack("prod", [
      { pid: 4242, username: "ci", hostname: "runner-7", timestamp: "2026-05-01T10:00:00Z" },
    ]);
    expect(s).toMatchObject({ status: "busy", locks: [{ pid: 4242 }] });
    expect(s.reason).toBe(
      "an update holds the stack's lock (ci@runner-7 (pid 4242) since 2026-05-01T10:00:00Z): not " +
        "read while its state is being written; check again when it ends (a lock left by a process " +
        "that is gone is cleared with `pulumi cancel --stack prod`)",
    );
    expect(lockedStack("prod", [{}, { pid: 1 }]).reason).toContain(
      "(2 locks: an unknown process; an unknown process (pid 1))",
    );
  });

  it("pending operations: failed (interrupted) when the locks are readable and free, busy when unreadable", () => {
    const pending = [{ type: "creating" }, { type: "creating" }, { type: "updating" }];
    const interrupted = pendingStack("prod", pending, true);
    expect(interrupted.status).toBe("failed");
    expect(interrupted.reason).toContain(
      "an interrupted update left 3 pending operations (creating 2, updating 1) in the state and holds no lock",
    );
    expect(interrupted.reason).toContain("pulumi refresh --clear-pending-creates --stack prod");
    const unknown = pendingStack("prod", [{ type: "deleting" }], false);
    expect(unknown.status).toBe("busy");
    expect(unknown.reason).toContain("the state holds 1 pending operation (deleting 1)");
  });
});

/** A fake CLI: every stack's export, refresh preview and locks, and a log of the calls. */
function fakeOps(stacks: Record<string, FakeStack>, listed?: ListedStack[]) {
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const ops: StackOps = {
    async list(project) {
      calls.push(`list ${project ?? "--all"}`);
      return listed ?? Object.keys(stacks).map((name) => ({ name }));
    },
    async exportState(stack, showSecrets) {
      calls.push(`export ${stack}`);
      if (!showSecrets) throw new Error("the check exports with --show-secrets, to mask them");
      const s = stacks[stack]!;
      const text = s.exports?.shift() ?? s.export ?? '{"deployment":{}}';
      if (text instanceof Error) throw text;
      return text;
    },
    async readConfig(stack) {
      return stacks[stack]!.config ?? {};
    },
    async refreshPreview(stack) {
      calls.push(`refresh ${stack}`);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      stacks[stack]!.during?.();
      return stacks[stack]!.refresh ?? { events: [] };
    },
  };
  const locks: LockReader = {
    kind: "postgres",
    async read(stack) {
      calls.push(`locks ${stack}`);
      const l = stacks[stack]!.locks?.shift() ?? [];
      if (l instanceof Error) throw l;
      return l;
    },
  };
  return { ops, locks, calls, maxInFlight: () => maxInFlight };
}

interface FakeStack {
  export?: string;
  /** Successive exports (before and after the refresh). */
  exports?: (string | Error)[];
  /** Successive lock reads. */
  locks?: ({ pid?: number }[] | Error)[];
  refresh?: { events: EngineEvent[]; failure?: string };
  during?: () => void;
  config?: Record<string, { value: string; secret: boolean }>;
}

function input(fake: ReturnType<typeof fakeOps>, over: Partial<CheckAllInput> = {}): CheckAllInput {
  return {
    ops: fake.ops,
    locks: fake.locks,
    lockCheck: "postgres",
    backend: "postgres://db/state",
    currentProject: "web",
    workDir: "/src/web",
    parallel: 4,
    ...over,
  };
}

describe("checkAllStacks: the sequence per stack", () => {
  const P = "organization/web/";

  it("checks a free stack: lock, export, refresh preview, lock, export; clean", async () => {
    const fake = fakeOps({ [`${P}prod`]: {} });
    const r = await checkAllStacks(input(fake));
    expect(fake.calls).toEqual([
      "list --all",
      `locks ${P}prod`,
      `export ${P}prod`,
      `refresh ${P}prod`,
      `locks ${P}prod`,
      `export ${P}prod`,
    ]);
    expect(r.stacks).toEqual([
      { stack: "prod", project: "web", status: "clean", report: report("prod", { checked: 0 }) },
    ]);
    expect(exitCodeOfAll(r)).toBe(0);
  });

  it("never reads a locked stack: busy, no export and no refresh", async () => {
    const fake = fakeOps({ [`${P}prod`]: { locks: [[{ pid: 99 }]] } });
    const r = await checkAllStacks(input(fake));
    expect(fake.calls).toEqual(["list --all", `locks ${P}prod`]);
    expect(r.stacks[0]).toMatchObject({ stack: "prod", status: "busy", locks: [{ pid: 99 }] });
    expect(exitCodeOfAll(r)).toBe(1);
  });

  it("discards a reading during which an update took the lock or wrote the state: busy", async () => {
    const fake = fakeOps({
      [`${P}a`]: { locks: [[], [{ pid: 5 }]] },
      [`${P}b`]: {
        exports: [
          '{"deployment":{"manifest":{"time":"1"}}}',
          '{"deployment":{"manifest":{"time":"2"}}}',
        ],
      },
    });
    const r = await checkAllStacks(input(fake));
    expect(r.stacks).toEqual([
      {
        stack: "a",
        project: "web",
        status: "busy",
        reason:
          "an update ran while the check read the stack (its lock was taken by an unknown process (pid 5)): its result was discarded; check again when it ends",
      },
      {
        stack: "b",
        project: "web",
        status: "busy",
        reason:
          "an update ran while the check read the stack (its state was written): its result was discarded; check again when it ends",
      },
    ]);
  });

  it("reports pending operations before refreshing: failed with readable locks, busy without", async () => {
    const exported = JSON.stringify({ deployment: { pending_operations: [{ type: "creating" }] } });
    const withLocks = fakeOps({ [`${P}prod`]: { export: exported } });
    const r1 = await checkAllStacks(input(withLocks));
    expect(withLocks.calls).not.toContain(`refresh ${P}prod`);
    expect(r1.stacks[0]).toMatchObject({ status: "failed" });
    const withoutLocks = fakeOps({ [`${P}prod`]: { export: exported } });
    const r2 = await checkAllStacks(input(withoutLocks, { locks: undefined, lockCheck: "none" }));
    expect(r2.stacks[0]).toMatchObject({ status: "busy" });
    expect(withoutLocks.calls.filter((c) => c.startsWith("locks"))).toEqual([]);
  });

  it("masks the stack's secrets, from state and config, in values the API returns", async () => {
    const SIG = "4dabf18193072939515e22adb298388d";
    const clientSecret = "Vm-cl1ent-s3cret-XYZ";
    const apiKey = "pictai_drift_all_key_42";
    const vimeo = "pulumi-nodejs:dynamic/pictory:VimeoConnection";
    const aws = "pulumi-nodejs:dynamic/pictory:AwsConnection";
    const awsUrn = "urn:pulumi:prod::web::pulumi-nodejs:dynamic/pictory:AwsConnection::media";
    const sealed = {
      [SIG]: "1b47061264138c4ac30d75fd1eb44270",
      plaintext: JSON.stringify(clientSecret),
    };
    const exported = JSON.stringify({
      deployment: {
        resources: [
          { urn: "urn:v", type: vimeo, inputs: { name: "v", clientSecret: sealed } },
          { urn: awsUrn, type: aws, inputs: { name: "media" } },
        ],
      },
    });
    const side = (description: string) => ({
      type: aws,
      urn: awsUrn,
      id: "a1",
      inputs: { name: "media", awsAccountId: "123456789012", awsRegion: "us-east-2", description },
      outputs: {},
    });
    const metadata = {
      op: "update",
      urn: awsUrn,
      type: aws,
      old: side("d"),
      new: side(`pasted ${clientSecret} and ${Buffer.from(apiKey).toString("base64")}`),
      provider: "",
    };
    const events = [
      { sequence: 1, timestamp: 0, resourcePreEvent: { metadata: { ...metadata, op: "refresh" } } },
      { sequence: 2, timestamp: 0, resOutputsEvent: { metadata } },
    ] as unknown as EngineEvent[];
    const fake = fakeOps({
      [`${P}prod`]: {
        export: exported,
        refresh: { events },
        config: { "pictory:apiKey": { value: apiKey, secret: true } },
      },
    });
    const r = await checkAllStacks(input(fake));
    expect(r.stacks[0]!.status).toBe("drifted");
    const fields = r.stacks[0]!.report!.drifted[0]!.fields;
    // Base64's last characters hang on the bytes after the secret: they are not the secret's.
    expect(fields).toEqual([
      {
        field: "description",
        old: "d",
        new: expect.stringMatching(/^pasted \[secret\] and \[secret\].{0,3}$/),
      },
    ]);

    // An export whose secrets were not decrypted: the stack fails, and nothing is refreshed.
    const encrypted = exported.replace(/"plaintext":"[^}]*"/, '"ciphertext":"v1:abc"');
    const locked = fakeOps({ [`${P}prod`]: { export: encrypted } });
    const r2 = await checkAllStacks(input(locked));
    expect(locked.calls).not.toContain(`refresh ${P}prod`);
    expect(r2.stacks[0]).toMatchObject({ status: "failed" });
    expect(r2.stacks[0]!.reason).toContain("could not be decrypted");
    expect(exitCodeOfAll(r2)).toBe(1);
  });

  it("fails a stack whose secrets its passphrase cannot read, saying what to set, readable", async () => {
    // The Pulumi CLI's own words (3.259), for a passphrase not the stack's and for none set.
    const wrong = new Error(
      "`pulumi stack export` exited with 255\nstdout:\n\nstderr:\n" +
        "error: could not deserialize deployment: failed to decrypt: incorrect " +
        "passphrase, please set PULUMI_CONFIG_PASSPHRASE to the correct passphrase or set " +
        "PULUMI_CONFIG_PASSPHRASE_FILE to a file containing the passphrase",
    );
    const unset = new Error(
      "error: could not deserialize deployment: constructing secrets manager of type " +
        '"passphrase": passphrase must be set with PULUMI_CONFIG_PASSPHRASE or ' +
        "PULUMI_CONFIG_PASSPHRASE_FILE environment variables",
    );
    const fake = fakeOps({ [`${P}a`]: { exports: [wrong] }, [`${P}b`]: { exports: [unset] } });
    const r = await checkAllStacks(input(fake));
    expect(fake.calls.filter((c) => c.startsWith("refresh"))).toEqual([]);
    // Shown as `drift --all-stacks` shows it: with a word-like passphrase masked everywhere.
    const shown = redactReport(
      r,
      secretsOf({ PULUMI_CONFIG_PASSPHRASE: "pulumi-connections-local" }),
    );
    const expected =
      "the check reads the stack's secrets to mask them in the report, with its passphrase, but ";
    const todo =
      ": set PULUMI_CONFIG_PASSPHRASE, or PULUMI_CONFIG_PASSPHRASE_FILE, to this stack's " +
      "passphrase and run the check again";
    expect(shown.stacks.map((s) => [s.stack, s.status, s.reason])).toEqual([
      [
        "a",
        "failed",
        `${expected}the passphrase set does not decrypt them (incorrect passphrase)${todo}`,
      ],
      ["b", "failed", `${expected}none is set${todo}`],
    ]);
    expect(exitCodeOfAll(shown)).toBe(1);
  });

  it("fails a stack whose lock or state cannot be read, or whose refresh failed, with the reason", async () => {
    const fake = fakeOps({
      [`${P}a`]: {
        locks: [new Error("the state database at db:5432 answered: permission denied")],
      },
      [`${P}b`]: {
        exports: [new Error("code: 255\n stderr: \nerror: no stack named 'b' found\n")],
      },
      [`${P}c`]: {
        refresh: {
          events: [],
          failure: "getting stack configuration: get stack secrets manager: incorrect passphrase",
        },
      },
    });
    const r = await checkAllStacks(input(fake));
    expect(r.stacks.map((s) => [s.stack, s.status, s.reason])).toEqual([
      [
        "a",
        "failed",
        "the stack's lock could not be read: the state database at db:5432 answered: permission denied",
      ],
      ["b", "failed", "its state could not be exported: no stack named 'b' found"],
      [
        "c",
        "failed",
        "getting stack configuration: get stack secrets manager: incorrect passphrase",
      ],
    ]);
    expect(r.stacks[2]!.report).toMatchObject({ failed: true, checked: 0 });
  });

  it("fails another project's stacks with the way out, and checks legacy (project-less) names", async () => {
    const fake = fakeOps({ "organization/api/prod": {}, dev: {} }, [
      { name: "organization/api/prod" },
      { name: "dev" },
    ]);
    const r = await checkAllStacks(input(fake));
    expect(r.stacks).toEqual([
      { stack: "dev", status: "clean", report: report("dev", { checked: 0 }) },
      {
        stack: "organization/api/prod",
        project: "api",
        status: "failed",
        reason:
          'a stack of project "api", not of the project in /src/web ("web"): check it from its own project directory (--cwd), or pass --project web',
      },
    ]);
    expect(fake.calls).not.toContain("export organization/api/prod");
  });

  it("takes a service's update-in-progress flag as busy", async () => {
    const fake = fakeOps({ [`${P}prod`]: {} }, [{ name: `${P}prod`, updateInProgress: true }]);
    const r = await checkAllStacks(input(fake, { locks: undefined, lockCheck: "service" }));
    expect(r.stacks[0]).toMatchObject({ status: "busy" });
    expect(fake.calls).toEqual(["list --all"]);
  });

  it("lists one project with --project, and reports a failed listing", async () => {
    const fake = fakeOps({ [`${P}prod`]: {} });
    await checkAllStacks(input(fake, { project: "web" }));
    expect(fake.calls[0]).toBe("list web");
    const broken = await checkAllStacks(
      input({
        ...fake,
        ops: {
          ...fake.ops,
          list: () => Promise.reject(new Error("error: unable to open state database")),
        },
      }),
    );
    expect(broken).toMatchObject({
      failed: true,
      error: "the stacks could not be listed: unable to open state database",
      stacks: [],
    });
  });

  it("checks at most --parallel stacks at once, and reports them all", async () => {
    const stacks = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`${P}s${i}`, {}]));
    const fake = fakeOps(stacks);
    const r = await checkAllStacks(input(fake, { parallel: 3 }));
    expect(r.counts.total).toBe(9);
    expect(fake.maxInFlight()).toBe(3);
    const one = fakeOps(stacks);
    await checkAllStacks(input(one, { parallel: 1 }));
    expect(one.maxInFlight()).toBe(1);
  });
});

describe("rendering", () => {
  const mixed = (): AllStacksReport =>
    all([
      checkedStack(report("dev", { checked: 3 }), "web"),
      checkedStack(driftedReport("prod"), "web"),
      checkedStack(failedReport("qa", "get stack secrets manager: incorrect passphrase"), "web"),
      lockedStack(
        "stage",
        [{ pid: 12, username: "ci", hostname: "r1", timestamp: "2026-05-01T10:00:00Z" }],
        "web",
      ),
    ]);

  it("text: one line per stack, then each stack's drift as the single-stack report shows it", () => {
    expect(renderAllText(mixed())).toBe(
      [
        "Drift report for postgres://db:5432/state: not every stack could be checked",
        "4 stacks: 1 clean, 1 drifted, 1 failed, 1 busy",
        "",
        "STACK  STATUS   DETAIL",
        "dev    clean    3 connections checked",
        "prod   drifted  1 drifted (1 connection checked)",
        "qa     failed   get stack secrets manager: incorrect passphrase",
        "stage  busy     an update holds the stack's lock (ci@r1 (pid 12) since 2026-05-01T10:00:00Z): not read while its state is being written; check again when it ends (a lock left by a process that is gone is cleared with `pulumi cancel --stack stage`)",
        "",
        'Drift report for stack "prod": drift found',
        "1 drifted (1 connection checked)",
        "",
        "CONNECTION  TYPE                   DRIFT    IN STATE  IN THE API NOW",
        "media       pictory:AwsConnection  enabled  true      false",
        "",
        "To converge: pulumi up --refresh --stack prod",
        "",
        'This is not a "no drift" result: the stacks marked failed or busy were not checked. Fix the failures (or wait for the updates to end), then run the check again.',
        "",
      ].join("\n"),
    );
  });

  it("text: a clean fleet says no drift and nothing else", () => {
    const r = all([checkedStack(report("dev")), checkedStack(report("prod"))], { project: "web" });
    expect(renderAll(r, "text")).toBe(
      [
        'Drift report for project "web" on postgres://db:5432/state: no drift',
        "2 stacks: 2 clean",
        "",
        "STACK  STATUS  DETAIL",
        "dev    clean   1 connection checked",
        "prod   clean   1 connection checked",
        "",
      ].join("\n"),
    );
  });

  it("Markdown: a table of stacks, then each drifted stack's table; cells escaped", () => {
    const md = renderAllMarkdown(mixed());
    expect(md).toContain("## Connection drift: `postgres://db:5432/state`");
    expect(md).toContain(
      '**Not every stack could be checked**: 4 stacks: 1 clean, 1 drifted, 1 failed, 1 busy. This is not a "no drift" result',
    );
    expect(md).toContain(
      "| stack | status | detail |\n| --- | --- | --- |\n| dev | clean | 3 connections checked |",
    );
    expect(md).toContain(
      "| stage | busy | an update holds the stack's lock (ci@r1 (pid 12) since 2026-05-01T10:00:00Z): not read while its state is being written; check again when it ends (a lock left by a process that is gone is cleared with \\`pulumi cancel --stack stage\\`) |",
    );
    expect(md).toContain("### Connection drift: stack `prod`");
    expect(md).toContain("| media | pictory:AwsConnection | enabled | true | false |");
    const drifted = renderAllMarkdown(all([checkedStack(driftedReport("my_stack"))]));
    expect(drifted).toContain("**Drift found**: 1 stack: 1 drifted.");
    expect(drifted).toContain("| my\\_stack | drifted |");
  });

  it("JSON: the report as it is", () => {
    const r = mixed();
    expect(JSON.parse(renderAll(r, "json"))).toEqual(JSON.parse(JSON.stringify(r)));
  });

  it("names the fields no check compares once for all stacks, from the stacks that were read", () => {
    const vimeo = { "pictory:VimeoConnection": ["clientSecret", "accessToken"] };
    const r = all([
      checkedStack(report("dev", { notCompared: { ...vimeo, "pictory:AwsConnection": [] } })),
      checkedStack({
        ...driftedReport("prod"),
        notCompared: { "apinizer:Connection/ldap": ["password"], ...vimeo },
      }),
      checkedStack(failedReport("qa", "incorrect passphrase")),
      lockedStack("stage", [{ pid: 12 }]),
    ]);
    expect(r.notCompared).toEqual({
      "apinizer:Connection/ldap": ["password"],
      "pictory:AwsConnection": [],
      "pictory:VimeoConnection": ["clientSecret", "accessToken"],
    });
    expect(Object.keys(r.notCompared)).toEqual(Object.keys(r.notCompared).sort());
    const text = renderAllText(r);
    expect(text.match(/Not compared/g)).toHaveLength(1);
    expect(text).toMatch(/pictory:VimeoConnection\s+clientSecret, accessToken\n/);
    expect(text).toMatch(/apinizer:Connection\/ldap\s+password\n/);
    const md = renderAllMarkdown(r);
    expect(md.match(/Not compared/g)).toHaveLength(1);
    expect(md).toContain("| apinizer:Connection/ldap | password |");
    expect(JSON.parse(renderAll(r, "json")).notCompared).toEqual(r.notCompared);
    expect(all([checkedStack(report("dev"))]).notCompared).toEqual({});
  });

  it("says when the backend's locks are not read", () => {
    const r = all([checkedStack(report("dev"))], {
      lockCheck: "none",
      backend: "s3://bucket/state",
    });
    expect(renderAllText(r)).toContain("This backend's stack locks are not read by this check");
    expect(renderAllMarkdown(r)).toContain(
      "_This backend's stack locks are not read by this check",
    );
    expect(renderAllText(all([checkedStack(report("dev"))]))).not.toContain("locks are not read");
  });
});

describe("secrets in the report", () => {
  const env = {
    PGPASSWORD: "pg-Kx7-1234",
    PULUMI_CONFIG_PASSPHRASE: "team-passphrase",
    PICTORY_API_KEY: "pictai_secret_key",
    APINIZER_TOKEN: "apinizer-token-xyz",
    PULUMI_ACCESS_TOKEN: "pul-0123456789",
    AWS_SECRET_ACCESS_KEY: "aws/secret+key",
    GOMAXPROCS: "8",
    SHORT_TOKEN: "abc",
  };

  it("collects the environment's secrets at any length and the backend URL's credentials", () => {
    const found = secretsOf(
      env,
      "postgres://pulumi:p%40ss-w0rd@db:5432/state?sslmode=require&password=q-pass&sslpassword=k",
    );
    expect(found.sort()).toEqual(
      [
        "pg-Kx7-1234",
        "team-passphrase",
        "pictai_secret_key",
        "apinizer-token-xyz",
        "pul-0123456789",
        "aws/secret+key",
        "abc",
        "p%40ss-w0rd",
        "p@ss-w0rd",
        "q-pass",
        "k",
      ].sort(),
    );
  });

  it("takes the passphrase from PULUMI_CONFIG_PASSPHRASE_FILE, the file's content", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "passphrase-"));
    try {
      const file = path.join(dir, "passphrase.txt");
      writeFileSync(file, "file-held-phrase-71\n");
      const secrets = secretsOf({ PULUMI_CONFIG_PASSPHRASE_FILE: file });
      expect(secrets).toContain("file-held-phrase-71");
      expect(secrets).not.toContain(file);
      const masked = redactReport(
        all([failedStack("qa", "decrypt with file-held-phrase-71 failed")]),
        secrets,
      );
      expect(masked.stacks[0]!.reason).toBe("decrypt with [secret] failed");
      // A file that cannot be read holds nothing to mask: the CLI fails on it anyway.
      expect(secretsOf({ PULUMI_CONFIG_PASSPHRASE_FILE: path.join(dir, "none") })).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("masks them, and shows every URL without credentials, in every string of the report", () => {
    const secrets = secretsOf(env, "postgres://pulumi:p%40ss-w0rd@db:5432/state");
    expect(
      redact(
        'unable to open state database "postgres://pulumi:p@ss-w0rd@db:5432/state": key team-passphrase',
        secrets,
      ),
    ).toBe('unable to open state database "postgres://db:5432/state": key [secret]');
    const leaky = all([
      failedStack("qa", "pq: password authentication failed for pg-Kx7-1234"),
      checkedStack(failedReport("dev", "GET https://bot:apinizer-token-xyz@api/x failed")),
    ]);
    const masked = redactReport(leaky, secrets);
    for (const format of ["text", "markdown", "json"] as const) {
      const out = renderAll(masked, format);
      for (const s of secrets) expect(out).not.toContain(s);
    }
    const byName = new Map(masked.stacks.map((s) => [s.stack, s]));
    expect(byName.get("qa")!.reason).toBe("pq: password authentication failed for [secret]");
    expect(byName.get("dev")!.report!.error).toBe("GET https://api/x failed");
    expect(byName.get("dev")!.reason).toBe("GET https://api/x failed");
    // Numbers, booleans and structure stay as they were.
    expect(masked.counts).toEqual(leaky.counts);
  });

  it("keeps its own sentences on the stack's secrets readable, whatever word of them is the passphrase", () => {
    const reasons = [
      passphraseFailure("incorrect passphrase")!,
      passphraseFailure("passphrase must be set")!,
      SECRETS_FAILURE_TEXTS.at(-1)!,
    ];
    const words = [
      ...new Set(
        reasons
          .join(" ")
          .split(/[^A-Za-z_']+/)
          .filter((w) => w.length > 0),
      ),
    ];
    const passphrase = fc
      .array(fc.constantFrom(...words), { minLength: 1, maxLength: 3 })
      .map((ws) => ws.join("-"));
    fc.assert(
      fc.property(passphrase, (pass) => {
        const leaky = all(reasons.map((r, i) => failedStack(`s${i}`, r)));
        const shown = redactReport(leaky, secretsOf({ PULUMI_CONFIG_PASSPHRASE: pass }));
        expect(shown.stacks.map((s) => s.reason)).toEqual(reasons);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps the commands it advises readable when the passphrase is word-like", () => {
    const secrets = secretsOf({ PULUMI_CONFIG_PASSPHRASE: "pulumi-connections-local" });
    const masked = redactReport(
      { remediation: "pulumi up --refresh --stack dev", reason: "bad pulumi-connections-local" },
      secrets,
    );
    expect(masked).toEqual({
      remediation: "pulumi up --refresh --stack dev",
      // The passphrase holds the command word: the whole of it is masked, the word with it.
      reason: "bad [secret]",
    });
  });

  it("never prints a PostgreSQL password given as the URL's password parameter", () => {
    const url = "postgres://db.internal:5432/state?sslmode=disable&password=Qm9-rx_71";
    const secrets = secretsOf({}, url);
    const leaky = all([
      failedStack("qa", `pq: could not connect with ${url}`),
      failedStack("dev", "pq: password Qm9-rx_71 was refused"),
    ]);
    const masked = redactReport(leaky, secrets);
    for (const format of ["text", "markdown", "json"] as const)
      expect(renderAll(masked, format)).not.toContain("Qm9-rx_71");
    const byName = new Map(masked.stacks.map((s) => [s.stack, s]));
    expect(byName.get("qa")!.reason).toBe(
      "pq: could not connect with postgres://db.internal:5432/state?sslmode=disable&password=[secret]",
    );
    // The pulumi CLI's own masked form is shown the same way.
    expect(
      redact(
        'unable to open state database "postgres://****:****@127.0.0.1:5/db?sslmode=disable"',
        [],
      ),
    ).toBe('unable to open state database "postgres://127.0.0.1:5/db?sslmode=disable"');
  });
});

describe("the CLI plumbing", () => {
  it("splits and parses `pulumi stack ls --json --fully-qualify-stack-names`", () => {
    expect(splitStackName("organization/web/prod")).toEqual({ project: "web", stack: "prod" });
    expect(splitStackName("dev")).toEqual({ stack: "dev" });
    expect(
      parseStackList(
        '[{"name":"organization/web/a","current":true,"lastUpdate":"x","resourceCount":3},{"name":"acme/web/b","updateInProgress":true}]',
      ),
    ).toEqual([{ name: "organization/web/a" }, { name: "acme/web/b", updateInProgress: true }]);
    expect(() => parseStackList("{}")).toThrow("printed no list");
  });

  it("reads pending operations and engine events", () => {
    expect(
      pendingOperationsOf('{"deployment":{"pending_operations":[{"type":"creating"}]}}'),
    ).toEqual([{ type: "creating" }]);
    expect(pendingOperationsOf('{"version":3,"deployment":{}}')).toEqual([]);
    const dir = mkdtempSync(path.join(tmpdir(), "drift-all-unit-"));
    try {
      const file = path.join(dir, "events.jsonl");
      writeFileSync(
        file,
        '{"sequence":0,"timestamp":1}\n{"sequence":1,"timestamp":2}\n{"sequence":2,"tim',
      );
      expect(readEvents(file).map((e) => e.sequence)).toEqual([0, 1]);
      expect(readEvents(path.join(dir, "missing"))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("raises GOMAXPROCS to at least 8 for the CLI runs, unless it is set", () => {
    expect(childEnv({}, 2)).toEqual({ PULUMI_DEBUG_COMMANDS: "true", GOMAXPROCS: "8" });
    expect(childEnv({}, 16)).toEqual({ PULUMI_DEBUG_COMMANDS: "true", GOMAXPROCS: "16" });
    expect(childEnv({ GOMAXPROCS: "3" }, 2)).toEqual({ PULUMI_DEBUG_COMMANDS: "true" });
  });

  it("maps with bounded concurrency, in order", async () => {
    let active = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 3, 2, 4], 2, async (n) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, n));
      active--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 30, 20, 40]);
    expect(peak).toBe(2);
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });

  it("reads the project name of Pulumi.yaml", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "drift-all-unit-"));
    try {
      writeFileSync(path.join(dir, "Pulumi.yaml"), 'runtime: nodejs\nname: "web" # the site\n');
      expect(projectNameOf(dir)).toBe("web");
      expect(projectNameOf(path.join(dir, "none"))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("stack locks of a file:// backend", () => {
  it("finds the lock files of one stack, ignoring their .attrs sidecars and other stacks", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "drift-all-locks-"));
    try {
      const dir = path.join(root, ".pulumi", "locks", "organization", "web", "prod");
      mkdirSync(dir, { recursive: true });
      mkdirSync(path.join(root, ".pulumi", "locks", "organization", "web", "dev"), {
        recursive: true,
      });
      writeFileSync(
        path.join(dir, "0b6c5a1e-1111-2222-3333-444455556666.json"),
        '{"pid":4242,"username":"ci","hostname":"r1","timestamp":"2026-05-01T10:00:00Z"}',
      );
      writeFileSync(path.join(dir, "0b6c5a1e-1111-2222-3333-444455556666.json.attrs"), "{}");
      const reader = lockReaderFor(`file://${root}`, "/elsewhere")!;
      expect(reader.kind).toBe("file");
      expect(await reader.read("organization/web/prod")).toEqual([
        { pid: 4242, username: "ci", hostname: "r1", timestamp: "2026-05-01T10:00:00Z" },
      ]);
      expect(await reader.read("organization/web/dev")).toEqual([]);
      expect(await reader.read("organization/web/never")).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("resolves the backend folder as the CLI does, and rejects odd stack names", () => {
    expect(fileBackendRoot("file:///srv/state?no_tmp_dir=true", "/src")).toBe("/srv/state");
    expect(fileBackendRoot("file://~/state", "/src")).toBe(path.join(homedir(), "state"));
    expect(fileBackendRoot("file://./state", "/src/web")).toBe("/src/web/state");
    expect(lockDirOf("organization/web/prod")).toBe(".pulumi/locks/organization/web/prod/");
    expect(lockDirOf("dev")).toBe(".pulumi/locks/dev/");
    expect(() => lockDirOf("organization/../x")).toThrow("not a stack name");
    expect(parseLock("not json")).toEqual({});
    expect(parseLock('{"pid":"7","username":"u"}')).toEqual({ username: "u" });
  });

  it("has no reader for object stores and the service; prints backends without credentials", () => {
    expect(lockReaderFor("s3://bucket/state", "/src")).toBeUndefined();
    expect(lockReaderFor("https://api.pulumi.com", "/src")).toBeUndefined();
    expect(lockReaderFor("postgres://u@db/state", "/src", {})!.kind).toBe("postgres");
    expect(
      describeBackend("postgres://pulumi:pw@db.internal:5432/state?sslmode=disable&password=x"),
    ).toBe("postgres://db.internal:5432/state");
    expect(describeBackend("s3://bucket/prefix?region=eu-west-1&access_key=AK")).toBe(
      "s3://bucket/prefix",
    );
    expect(describeBackend("file:///srv/state?no_tmp_dir=true")).toBe("file:///srv/state");
    expect(describeBackend("https://api.pulumi.com")).toBe("https://api.pulumi.com");
  });
});

describe("parseDriftArgs --all-stacks", () => {
  const dir = process.cwd(); // the repository root holds a Pulumi.yaml

  it("reads --all-stacks, --project, --parallel and the format", () => {
    expect(parseDriftArgs(["--all-stacks"], dir)).toEqual({
      allStacks: true,
      workDir: dir,
      format: "text",
      parallel: 4,
    });
    const project = projectNameOf(dir)!;
    expect(
      parseDriftArgs(["--all-stacks", "--project", project, "--parallel", "8", "--json"], dir),
    ).toEqual({
      allStacks: true,
      workDir: dir,
      format: "json",
      project,
      parallel: 8,
    });
  });

  it("rejects --stack with --all-stacks, the all-stacks options alone, a bad --parallel, another project", () => {
    const error = (argv: string[]) =>
      (parseDriftArgs(argv, dir) as { usageError?: string }).usageError;
    expect(error(["--all-stacks", "--stack", "prod"])).toContain("cannot be combined");
    expect(error(["--stack", "prod", "--project", "x"])).toContain("go with --all-stacks");
    expect(error(["--stack", "prod", "--parallel", "2"])).toContain("go with --all-stacks");
    expect(error(["--all-stacks", "--parallel", "-1"])).toBeDefined();
    for (const bad of ["0", "33", "two", "2.5", "1e1"])
      expect(error(["--all-stacks", "--parallel", bad])).toContain(
        "expected a whole number from 1 to 32",
      );
    expect(error(["--all-stacks", "--project", "a b"])).toContain("is not a project name");
    expect(error(["--all-stacks", "--project", "someone-elses"])).toContain(
      `holds project "${projectNameOf(dir)}"`,
    );
    expect(error(["--all-stacks", "--json", "--markdown"])).toContain("cannot be combined");
    expect(error(["--all-stacks", "--cwd", "cli"])).toContain("no Pulumi.yaml");
  });

  it("exits 64 with one line on a usage error, 0 with the usage on --help", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) };
    expect(await run(["drift", "--all-stacks", "--stack", "prod"], io)).toBe(64);
    expect(err.join("")).toBe(
      "pulumi-connections drift: --stack and --all-stacks cannot be combined: choose one " +
        "(run pulumi-connections drift --help)\n",
    );
    expect(await run(["drift", "--help"], io)).toBe(0);
    expect(out.join("")).toContain(
      "--parallel N     with --all-stacks: stacks checked at once, 1 to 32; default 4",
    );
  });
});
