/**
 * Invariants every resource kind's declaration must keep: the engine, the generator and the
 * SDK rely on them, and a new kind or Apinizer type is checked by these without a test of its own.
 */
import { conditionFields, FieldSet, fieldSchema } from "../../provider/core/fields";
import { COMMON_LOCAL_FIELDS, nameScope } from "../../provider/core/kind";
import { KINDS } from "../../provider/registry";

/** Every field set of every kind, each with the fields a condition in it may read. */
const SETS: { where: string; set: FieldSet; visible: FieldSet }[] = [...KINDS.values()].flatMap(
  (kind) => [
    { where: kind.token, set: kind.fields, visible: kind.fields },
    ...Object.entries(kind.variants?.sets ?? {}).map(([v, set]) => ({
      where: `${kind.token} ${kind.variants!.field} ${v}`,
      set,
      visible: { ...kind.fields, ...set },
    })),
  ],
);
const FIELDS = SETS.flatMap(({ where, set, visible }) =>
  Object.entries(set).map(([key, spec]) => ({ at: `${where}.${key}`, key, spec, visible })),
);

describe("declarations of every kind", () => {
  it("declare something: three kinds, 14 Apinizer types", () => {
    expect([...KINDS.keys()].sort()).toEqual([
      "apinizer:Connection",
      "pictory:AwsConnection",
      "pictory:VimeoConnection",
    ]);
    expect(SETS).toHaveLength(3 + 14);
    expect(FIELDS.length).toBeGreaterThan(150);
  });

  it("make every write-only or masked field secret", () => {
    expect(
      FIELDS.filter((f) => (f.spec.writeOnly || f.spec.maskedOnRead) && !f.spec.secret).map(
        (f) => f.at,
      ),
    ).toEqual([]);
  });

  it("never declare a field both required and with a default", () => {
    expect(
      FIELDS.filter((f) => f.spec.required && f.spec.default !== undefined).map((f) => f.at),
    ).toEqual([]);
  });

  it("never let a local field be secret, and let one replace only as a name namespace", () => {
    const local = [
      ...FIELDS.filter((f) => f.spec.local),
      ...Object.entries(COMMON_LOCAL_FIELDS).map(([key, spec]) => ({ at: key, key, spec })),
    ];
    expect(local.filter((f) => f.spec.secret).map((f) => f.at)).toEqual([]);
    // A local field that replaces (`account`) picks where names are unique: a move keeps the name
    // and never deletes first, and `diff` reports it although it is never sent.
    const replacing = local.filter((f) => f.spec.replaceOnChange).map((f) => f.key);
    expect(replacing).toEqual(["account"]);
    for (const kind of KINDS.values())
      expect(nameScope(kind)).toEqual(expect.arrayContaining(replacing));
  });

  it("name only existing fields in conditions, never the field itself", () => {
    const bad = FIELDS.flatMap(({ at, key, spec, visible }) =>
      spec.requiredWhen
        ? conditionFields(spec.requiredWhen)
            .filter((f) => !visible[f] || f === key)
            .map((f) => `${at} reads ${f}`)
        : [],
    );
    expect(bad).toEqual([]);
  });

  it("make a conditionally required field optional otherwise", () => {
    expect(FIELDS.filter((f) => f.spec.requiredWhen && f.spec.required).map((f) => f.at)).toEqual(
      [],
    );
  });

  it("declare defaults that pass the field's own validation", () => {
    const bad = FIELDS.filter(
      (f) => f.spec.default !== undefined && !fieldSchema(f.spec).safeParse(f.spec.default).success,
    ).map((f) => f.at);
    expect(bad).toEqual([]);
  });

  it("give each kind one autonamed name field, and outputs that are no field", () => {
    for (const kind of KINDS.values()) {
      const autonamed = Object.keys(kind.fields).filter((k) => kind.fields[k]!.autonamed);
      expect({ kind: kind.token, autonamed }).toEqual({ kind: kind.token, autonamed: ["name"] });
      const sets = [kind.fields, ...Object.values(kind.variants?.sets ?? {})];
      const clash = Object.keys(kind.outputs).filter((o) => sets.some((s) => s[o]));
      expect({ kind: kind.token, clash }).toEqual({ kind: kind.token, clash: [] });
    }
  });

  it("lock on a whole-number output the API always answers, Pictory on its version", () => {
    const locks = [...KINDS.values()].map((kind) => {
      const spec = kind.lock && kind.outputs[kind.lock.field];
      return {
        kind: kind.token,
        lock: kind.lock?.field,
        spec: spec && [spec.kind, !!spec.optional],
      };
    });
    expect(locks).toEqual([
      { kind: "pictory:AwsConnection", lock: "version", spec: ["integer", false] },
      { kind: "pictory:VimeoConnection", lock: "version", spec: ["integer", false] },
      { kind: "apinizer:Connection", lock: undefined, spec: undefined },
    ]);
  });

  it("give every output the API must answer the shape an answer holds it in", () => {
    const loose = [...KINDS.values()].flatMap((kind) =>
      Object.entries(kind.outputs)
        .filter(([, spec]) => !spec.optional && spec.answer === undefined)
        .map(([key]) => `${kind.token}.${key}`),
    );
    expect(loose).toEqual([]);
  });

  it("keep a field name's secrecy and wire type the same across the types that share it", () => {
    const seen = new Map<string, { secret: boolean; kind: string; at: string }>();
    const bad: string[] = [];
    for (const { at, key, spec } of FIELDS) {
      const prev = seen.get(key);
      const now = { secret: !!spec.secret, kind: spec.kind, at };
      // The SDK registers a secret field as secret whatever the type: it must be so everywhere.
      if (prev && (prev.secret !== now.secret || prev.kind !== now.kind))
        bad.push(`${at} differs from ${prev.at}`);
      seen.set(key, now);
    }
    expect(bad).toEqual([]);
  });
});
