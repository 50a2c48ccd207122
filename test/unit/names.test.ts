/**
 * Name rules are declared once (alphabet, lengths, reserved names) and the check, its message,
 * the docs' text and the autonaming alphabet are derived from them: a name passes exactly when
 * every character is in the alphabet, its length is within the limits and it is not reserved.
 */
import fc from "fast-check";
import { fieldSchema } from "../../provider/core/fields";
import { autonaming, nameCheck, NameRule, namePattern } from "../../provider/core/names";
import { apinizerConnection, PATH_NAME } from "../../provider/apinizer/connection";
import { PICTORY_NAME, PICTORY_NAME_RULE } from "../../provider/pictory/shared";
import { KINDS } from "../../provider/registry";

/** Every printable ASCII character and a few beyond it, each in or out of an alphabet. */
const CHARS = [
  ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)),
  "é",
  "\t",
  "\n",
  "\u200b",
];

function allowed(rule: NameRule): string[] {
  return CHARS.filter((c) => autonaming(rule).nameAlphabet.test(c));
}

/** Whether a name follows the rule, computed from the rule's data alone. */
function follows(rule: NameRule, name: string): boolean {
  const chars = [...name];
  return (
    chars.length >= rule.minLength &&
    chars.length <= rule.maxLength &&
    chars.every((c) => allowed(rule).includes(c)) &&
    !(rule.reserved ?? []).includes(name)
  );
}

describe("name rules", () => {
  it("explain the declared rules in the words messages and docs have always used", () => {
    expect(nameCheck(PICTORY_NAME_RULE).patternText).toBe("1-100 letters, digits, spaces, _ or -");
    expect(nameCheck(PATH_NAME).patternText).toBe(
      "1-255 letters, digits, '.', '_' or '-' (no spaces; not . or ..)",
    );
    expect(apinizerConnection.fields.projectName!.patternText).toBe(
      "an existing project's name: letters, digits, '.', '_' or '-', not . or ..",
    );
    expect(allowed(PICTORY_NAME_RULE).join("")).toBe(
      " -0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz",
    );
    expect(allowed(PATH_NAME).join("")).toBe(
      "-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz",
    );
  });

  it("give each kind's name field and autonaming the same rule", () => {
    for (const kind of KINDS.values()) {
      const name = kind.fields.name!;
      for (const c of CHARS)
        expect({ kind: kind.token, c, ok: name.pattern!.test(c) }).toEqual({
          kind: kind.token,
          c,
          ok: kind.nameAlphabet.test(c) && c !== ".",
        });
      expect(name.pattern!.test("a".repeat(kind.nameMaxLength))).toBe(true);
      expect(name.pattern!.test("a".repeat(kind.nameMaxLength + 1))).toBe(false);
    }
    expect(PICTORY_NAME.pattern!.source).toBe(namePattern(PICTORY_NAME_RULE).source);
  });

  it.each([
    ["Pictory", PICTORY_NAME_RULE],
    ["Apinizer path", PATH_NAME],
  ])("check %s names exactly as the rule says", (_, rule) => {
    const { pattern } = nameCheck(rule);
    const near = [...allowed(rule), ...CHARS.filter((c) => !allowed(rule).includes(c))];
    const names = fc.oneof(
      fc.string({ unit: fc.constantFrom(...allowed(rule)), maxLength: rule.maxLength + 3 }),
      fc.string({ unit: fc.constantFrom(...near), maxLength: 12 }),
      fc.constantFrom(...(rule.reserved ?? []), "", "a".repeat(rule.maxLength)),
    );
    fc.assert(
      fc.property(names, (name) => {
        expect({ name, ok: pattern.test(name) }).toEqual({ name, ok: follows(rule, name) });
        expect(fieldSchema({ kind: "string", ...nameCheck(rule) }).safeParse(name).success).toBe(
          follows(rule, name),
        );
      }),
    );
  });
});
