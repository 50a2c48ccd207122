/**
 * Name rules, declared once: the characters a name may hold and how long it may be. The pattern
 * that checks a name, the words that explain it in failure messages and the docs, and the
 * autonaming alphabet and limit are derived from the one declaration, so none can drift from
 * another.
 */

/** What a name may be. */
export interface NameRule {
  /**
   * The characters a name may hold, as the body of a regular-expression character class, in the
   * order messages list them: `A-Za-z` reads "letters", `0-9` "digits", a space "spaces", and any
   * other character is shown as itself.
   */
  readonly alphabet: string;
  readonly minLength: number;
  readonly maxLength: number;
  /**
   * Whole names refused although every character is allowed (`.` and `..`, dot-segments that
   * clients and proxies resolve away in a path). @default none
   */
  readonly reserved?: readonly string[];
  /** Whether messages quote the other characters (`'.'`) rather than show them bare (`_`). @default false */
  readonly quoteSymbols?: boolean;
}

/** The words of the character ranges a rule may name; any other character is shown as itself. */
const RANGES: readonly (readonly [string, string])[] = [
  ["A-Za-z", "letters"],
  ["0-9", "digits"],
  [" ", "spaces"],
];

/** The rule's alphabet in words, in its order: `letters, digits, '.', '_' or '-'`. */
export function alphabetText(rule: NameRule): string {
  const words: string[] = [];
  let rest = rule.alphabet;
  while (rest.length > 0) {
    const range = RANGES.find(([cls]) => rest.startsWith(cls));
    if (range) {
      words.push(range[1]);
      rest = rest.slice(range[0].length);
      continue;
    }
    const c = rest.startsWith("\\") ? rest.slice(1, 2) : rest[0]!;
    words.push(rule.quoteSymbols ? `'${c}'` : c);
    rest = rest.slice(rest.startsWith("\\") ? 2 : 1);
  }
  return words.length < 2
    ? words.join("")
    : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]!}`;
}

/** The names the rule refuses whole, in words (`not . or ..`); empty when there are none. */
export function reservedText(rule: NameRule): string {
  return rule.reserved?.length ? `not ${rule.reserved.join(" or ")}` : "";
}

/**
 * The field's check of a name and its explanation: `1-255 letters, digits, '.', '_' or '-' (no
 * spaces; not . or ..)`. Spaces are named when refused, since a display name often has them.
 */
export function nameCheck(rule: NameRule): { pattern: RegExp; patternText: string } {
  const notes = [rule.alphabet.includes(" ") ? "" : "no spaces", reservedText(rule)].filter(
    (n) => n !== "",
  );
  const lengths = `${rule.minLength}-${rule.maxLength}`;
  return {
    pattern: namePattern(rule),
    patternText: `${lengths} ${alphabetText(rule)}${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`,
  };
}

/** A whole name that follows the rule. */
export function namePattern(rule: NameRule): RegExp {
  const reserved = rule.reserved?.length
    ? `(?!(?:${rule.reserved.map((r) => r.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})$)`
    : "";
  return new RegExp(`^${reserved}[${rule.alphabet}]{${rule.minLength},${rule.maxLength}}$`);
}

/** What autonaming needs of a kind's name rule: one allowed character, and the longest name. */
export function autonaming(rule: NameRule): { nameAlphabet: RegExp; nameMaxLength: number } {
  return { nameAlphabet: new RegExp(`[${rule.alphabet}]`), nameMaxLength: rule.maxLength };
}
