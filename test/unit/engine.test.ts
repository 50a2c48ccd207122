import { parseDuration } from "../../provider/core/runtime";
import fc from "fast-check";
import {
  check,
  diff,
  hostChanges,
  inputsFromRemote,
  outputsOf,
  wireBody,
} from "../../provider/core/engine";
import { unknownValue as UNKNOWN } from "@pulumi/pulumi/runtime/rpc";
import { awsConnection, vimeoConnection } from "../../provider/pictory";
import { redact } from "../../provider/core/secrets";

const aws = { name: "media", awsAccountId: "123456789012", awsRegion: "us-east-2" };
const vimeo = {
  name: "marketing",
  clientIdentifier: "cid",
  clientSecret: "s3cr3t-value",
  accessToken: "t0ken-value",
};

describe("check", () => {
  it("accepts valid inputs without failures", () => {
    expect(check(awsConnection, {}, aws).failures).toEqual([]);
  });

  it("rejects each invalid property with one failure that names it", () => {
    const { failures } = check(
      awsConnection,
      {},
      {
        name: "bad/name",
        awsAccountId: "12",
        awsRegion: "Mars",
        description: "x".repeat(251),
      },
    );
    expect(failures.map((f) => f.property).sort()).toEqual([
      "awsAccountId",
      "awsRegion",
      "description",
      "name",
    ]);
    // The value is described, never shown: a program may pass a secret into any field.
    expect(failures.find((f) => f.property === "description")!.reason).toBe(
      "must be at most 250 characters, received a string of 251 characters",
    );
  });

  it("rejects a missing required secret and says to pass it as a secret", () => {
    const { failures } = check(vimeoConnection, {}, { ...vimeo, accessToken: undefined });
    expect(failures).toEqual([
      {
        property: "accessToken",
        reason: expect.stringContaining("is required; pass it as a secret"),
      },
    ]);
  });

  it("rejects an unknown property and lists the allowed ones", () => {
    const { failures } = check(awsConnection, {}, { ...aws, bucket: "x" });
    expect(failures).toHaveLength(1);
    expect(failures[0]!.property).toBe("bucket");
    expect(failures[0]!.reason).toMatch(/allowed: .*awsAccountId/);
  });

  it("lets unknown values through during preview", () => {
    expect(
      check(awsConnection, {}, { ...aws, awsAccountId: UNKNOWN, name: UNKNOWN }).failures,
    ).toEqual([]);
  });

  describe("autonaming", () => {
    const proposal = { name: "media-1a2b3c4", fixed: false };
    const first = () =>
      check(awsConnection, {}, { ...aws, name: undefined, __autoname: proposal }).inputs;

    it("takes the SDK's proposal on create, and keeps the proposal in the inputs", () => {
      expect(first()).toMatchObject({ name: "media-1a2b3c4", __autoname: proposal });
    });

    it("keeps the name on update and across an alias, whose proposal differs", () => {
      const renamed = { name: "renamed-9f8e7d6", fixed: false };
      const next = check(awsConnection, first(), {
        ...aws,
        name: undefined,
        description: "new",
        __autoname: renamed,
      }).inputs;
      expect(next.name).toBe("media-1a2b3c4");
    });

    it("gives a replacement the new proposal, as the engine's second check without olds does", () => {
      // The SDK's proposal depends on the fields fixed at creation, so a new region proposes anew.
      const moved = { name: "media-5e6f7a8", fixed: false };
      const news = { ...aws, awsRegion: "eu-west-1", name: undefined, __autoname: moved };
      const a = check(awsConnection, first(), news).inputs;
      const again = check(awsConnection, {}, news).inputs;
      expect(a.name).toBe("media-5e6f7a8");
      expect(again.name).toBe(a.name);
      expect(diff(awsConnection, first(), a).deleteBeforeReplace).toBe(false);
    });

    it("leaves the name unknown while the proposal is unknown (preview)", () => {
      const news = { ...aws, name: undefined, __autoname: UNKNOWN };
      expect(check(awsConnection, {}, news)).toMatchObject({
        failures: [],
        inputs: { name: UNKNOWN },
      });
    });

    it("keeps a fixed (verbatim) name on replacement, which then deletes first", () => {
      const fixed = { name: "media", fixed: true };
      const old = check(awsConnection, {}, { ...aws, name: undefined, __autoname: fixed }).inputs;
      const next = check(awsConnection, old, {
        ...aws,
        awsRegion: "eu-west-1",
        name: undefined,
        __autoname: fixed,
      }).inputs;
      expect(next.name).toBe("media");
      expect(diff(awsConnection, old, next).deleteBeforeReplace).toBe(true);
    });

    it("keeps a name an older version derived from autonamePrefix", () => {
      const old = { ...aws, name: "media-0000000", autonamePrefix: "media" };
      const next = check(awsConnection, old, { ...aws, name: undefined, __autoname: proposal });
      expect(next.inputs.name).toBe("media-0000000");
    });
  });

  it("never throws and never echoes a secret, for any input (property)", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(
            "name",
            "description",
            "enabled",
            "clientIdentifier",
            "clientSecret",
            "accessToken",
            "extra",
          ),
          fc.oneof(
            fc.string(),
            fc.integer(),
            fc.boolean(),
            fc.constant(null),
            fc.array(fc.string()),
            fc.object(),
          ),
        ),
        fc.string({ minLength: 6 }),
        (props, secret) => {
          const input = { ...props, clientSecret: `${secret}-S3CRET`, accessToken: 42 };
          const { failures } = check(vimeoConnection, {}, input);
          for (const f of failures) expect(f.reason).not.toContain(`${secret}-S3CRET`);
        },
      ),
      { numRuns: 10_000 },
    );
  });
});

describe("diff", () => {
  it("reports no change for equal inputs and treats an unset default as equal", () => {
    expect(diff(awsConnection, { ...aws, enabled: true, version: 3 }, aws)).toMatchObject({
      changes: false,
      replaces: [],
    });
  });

  it("updates in place for a description or enabled change", () => {
    const d = diff(awsConnection, aws, { ...aws, description: "new", enabled: false });
    expect(d).toMatchObject({ changes: true, replaces: [], changed: ["description", "enabled"] });
  });

  it("replaces, deleting first, when the region changes and the name stays", () => {
    const d = diff(awsConnection, aws, { ...aws, awsRegion: "eu-west-1" });
    expect(d).toMatchObject({ changes: true, replaces: ["awsRegion"], deleteBeforeReplace: true });
  });

  it("replaces without deleting first when the name changes too", () => {
    const d = diff(awsConnection, aws, { ...aws, awsAccountId: "999999999999", name: "other" });
    expect(d).toMatchObject({ replaces: ["awsAccountId"], deleteBeforeReplace: false });
  });

  it("lets the engine name the changed fields while every `__` input is unchanged", () => {
    const shim = { __provider: "shim", __autoname: { name: "marketing-0", fixed: false } };
    const old = { ...vimeo, ...shim };
    // Unknown: the engine compares the inputs itself and names clientSecret, as [secret].
    expect(hostChanges(diff(vimeoConnection, old, { ...old, clientSecret: "rotated" }))).toBe(
      undefined,
    );
    expect(hostChanges(diff(vimeoConnection, old, old))).toBe(false);
    // Its comparison would print a changed `__` input: then the change is reported as such.
    const moved = { ...old, clientSecret: "rotated", __customTimeouts: { update: "5m" } };
    expect(hostChanges(diff(vimeoConnection, old, moved))).toBe(true);
    const unknown = { ...old, description: "x", __autoname: UNKNOWN };
    expect(hostChanges(diff(vimeoConnection, old, unknown))).toBe(true);
  });

  it("keeps the stored proposal of an autonamed connection, whose replacement gets a new name", () => {
    const first = { name: "media-1111111", fixed: false };
    const old = check(awsConnection, {}, { ...aws, name: undefined, __autoname: first }).inputs;
    const second = { name: "media-2222222", fixed: false };
    const next = check(awsConnection, old, {
      ...aws,
      awsRegion: "eu-west-1",
      name: undefined,
      __autoname: second,
    }).inputs;
    expect(next).toMatchObject({ name: "media-2222222", __autoname: first });
    expect(
      hostChanges(diff(awsConnection, { ...old, __provider: "p" }, { ...next, __provider: "p" })),
    ).toBe(undefined);
  });

  it("treats a changed write-only secret as an in-place update", () => {
    const d = diff(vimeoConnection, vimeo, { ...vimeo, clientSecret: "rotated" });
    expect(d).toMatchObject({ changes: true, replaces: [], changed: ["clientSecret"] });
  });

  it("ignores output-only and local properties", () => {
    const d = diff(
      awsConnection,
      { ...aws, version: 1, connectionId: "x" },
      { ...aws, onConflict: "overwrite" },
    );
    expect(d.changes).toBe(false);
  });

  it("counts an unknown value as a change, and a replacement when the field is immutable", () => {
    expect(diff(awsConnection, aws, { ...aws, awsRegion: UNKNOWN }).replaces).toEqual([
      "awsRegion",
    ]);
  });
});

describe("read mapping", () => {
  it("keeps write-only secrets from state and takes readable fields from the API", () => {
    const inputs = inputsFromRemote(vimeoConnection, vimeo, {
      id: "1",
      fields: { name: "marketing", clientIdentifier: "changed", enabled: true },
      computed: { version: 2 },
    });
    expect(inputs).toEqual({ ...vimeo, clientIdentifier: "changed" });
  });

  it("drops a description removed outside Pulumi", () => {
    const inputs = inputsFromRemote(
      awsConnection,
      { ...aws, description: "d" },
      {
        id: "1",
        fields: {
          name: "media",
          awsAccountId: aws.awsAccountId,
          awsRegion: aws.awsRegion,
          enabled: true,
        },
        computed: {},
      },
    );
    expect(inputs.description).toBeUndefined();
  });
});

describe("wireBody", () => {
  it("sends declared fields with API defaults and keeps local ones home", () => {
    expect(wireBody(awsConnection, { ...aws, onConflict: "overwrite", adopt: true })).toEqual({
      ...aws,
      enabled: true,
    });
  });
});

describe("redact", () => {
  it("masks every occurrence of every secret, longest first", () => {
    expect(redact("a=abcd1234 b=abcd12345678", ["abcd1234", "abcd12345678"])).toBe(
      "a=[secret] b=[secret]",
    );
  });
});

describe("resource options the dynamic-provider host does not carry", () => {
  it("replaces on a change of a field named in replaceOnChanges, by name, path or *", () => {
    for (const option of [["description"], ["description.x"], ["*"]]) {
      const d = diff(awsConnection, aws, {
        ...aws,
        description: "new",
        __replaceOnChanges: option,
      });
      expect({ option, replaces: d.replaces }).toEqual({ option, replaces: ["description"] });
    }
    const other = diff(awsConnection, aws, {
      ...aws,
      enabled: false,
      __replaceOnChanges: ["description"],
    });
    expect(other.replaces).toEqual([]);
  });

  it("reads customTimeouts in Pulumi's duration syntax, and nothing else", () => {
    expect(parseDuration("2s")).toBe(2_000);
    expect(parseDuration("300ms")).toBe(300);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("1.5m")).toBe(90_000);
    for (const bad of ["", "2", "two seconds", "2s garbage", "0s", "-1s"])
      expect({ bad, ms: parseDuration(bad) }).toEqual({ bad, ms: undefined });
  });
});

describe("outputsOf", () => {
  const remote = (version: number, computed: Record<string, unknown>) => ({
    id: "c1",
    fields: {},
    computed: { connectionId: "c1", version, ...computed },
    version,
  });
  const dates = {
    createdDate: "2026-01-01T00:00:00.000Z",
    updatedDate: "2026-01-01T00:00:00.000Z",
  };

  it("keeps createdDate through an update whose answer has no dates, and drops the stale updatedDate", () => {
    const previous = { ...aws, connectionId: "c1", version: 1, ...dates };
    const outs = outputsOf(awsConnection, aws, remote(2, {}), previous);
    expect(outs).toMatchObject({ version: 2, createdDate: dates.createdDate });
    expect(outs.updatedDate).toBeUndefined();
  });

  it("takes the dates a read answers, and keeps them while the version stays", () => {
    expect(outputsOf(awsConnection, aws, remote(1, dates), { ...aws, version: 1 })).toMatchObject(
      dates,
    );
    const previous = { ...aws, version: 1, ...dates };
    expect(outputsOf(awsConnection, aws, remote(1, {}), previous)).toMatchObject(dates);
  });
});

describe("account", () => {
  const proposal = { name: "media-abc1234", fixed: false };
  it("a change replaces, creating in the new account before deleting: another namespace", () => {
    const d = diff(awsConnection, { ...aws, account: "eu" }, { ...aws, account: "us" });
    expect(d).toMatchObject({ changes: true, replaces: ["account"], deleteBeforeReplace: false });
    // From and to the default credentials alike.
    expect(diff(awsConnection, aws, { ...aws, account: "eu" }).replaces).toEqual(["account"]);
    expect(diff(awsConnection, { ...aws, account: "eu" }, aws).replaces).toEqual(["account"]);
    expect(diff(awsConnection, { ...aws, account: "eu" }, { ...aws, account: "eu" }).changes).toBe(
      false,
    );
  });

  it("is never sent to the API, and an autonamed connection keeps its name in the new account", () => {
    expect(wireBody(awsConnection, { ...aws, account: "eu" })).not.toHaveProperty("account");
    const old = check(awsConnection, {}, { ...aws, name: undefined, __autoname: proposal }).inputs;
    const moved = check(awsConnection, old, {
      ...aws,
      name: undefined,
      account: "eu",
      __autoname: { name: "media-fff0000", fixed: false },
    }).inputs;
    expect(moved.name).toBe("media-abc1234");
    expect(diff(awsConnection, old, moved)).toMatchObject({
      replaces: ["account"],
      deleteBeforeReplace: false,
    });
  });

  it("must be an account name, described and never echoed", () => {
    const { failures } = check(awsConnection, {}, { ...aws, account: "eu west/../x" });
    expect(failures).toEqual([
      {
        property: "account",
        reason: expect.stringContaining(
          "must match an account name of the family's accounts config",
        ),
      },
    ]);
    expect(failures[0]!.reason).not.toContain("eu west");
  });
});
