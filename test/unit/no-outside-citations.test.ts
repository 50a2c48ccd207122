/**
 * Source comments and messages cite only what a reader of the repository can open: the notes
 * under docs/api/ (which link the vendors' pages), a vendor's page or an upstream issue. Sections
 * of a document kept outside the repository ("spec C.7", "(A.2)", "connections-api.md") mean
 * nothing to a newcomer, and every `docs/api/<page>.md#<rule>` a source file cites must exist.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { anchorsOf } from "../helpers/markdown";

const ROOT = path.resolve(__dirname, "..", "..");

/** Citations of sections of the outside document, as they were written. */
export const OUTSIDE_CITATION = new RegExp(
  [
    /\b[Ss]pec [A-E]([.0-9]+)?\b/, // "spec C.7", "Spec A+B"
    /\b[Ss]ection [A-E]\b/, // "section E"
    /\b[A-E]\.[0-9]+\b/, // "(C.6)", "E.8/E.9", "D.12"
    /connections-api\.md/,
    /\[(INF|NF|CONFLICT|DOC|EX)\]/, // the document's tags for where a fact comes from
  ]
    .map((r) => r.source)
    .join("|"),
);

/** Citations of a rule of our own API notes. */
const NOTE_CITATION = /docs\/api\/([a-z0-9-]+\.md)(?:#([a-z0-9_-]+))?/g;

/** This file, whose examples are such citations. */
const SELF = path.relative(ROOT, __filename).split(path.sep).join("/");

/** Tracked TypeScript files and new ones not ignored, outside installed and built code. */
function sourceFiles(): string[] {
  const out = execFileSync(
    "git",
    ["ls-files", "--cached", "--others", "--exclude-standard", "--", "*.ts"],
    { cwd: ROOT, encoding: "utf8" },
  );
  return [...new Set(out.split("\n").filter(Boolean))]
    .filter((f) => !/(^|\/)(node_modules|dist)\//.test(f))
    .filter((f) => f !== SELF && existsSync(path.join(ROOT, f)))
    .sort();
}

/** `file:line: text` for every line of `files` that `test` flags. */
function offending(files: readonly string[], test: (line: string) => string | undefined): string[] {
  const out: string[] = [];
  for (const file of files) {
    readFileSync(path.join(ROOT, file), "utf8")
      .split("\n")
      .forEach((line, i) => {
        const why = test(line);
        if (why !== undefined) out.push(`${file}:${i + 1}: ${why}`);
      });
  }
  return out;
}

describe("citations in source files", () => {
  const files = sourceFiles();

  it("finds the source files", () => {
    expect(files).toEqual(
      expect.arrayContaining(["provider/core/operations.ts", "emulator/server.ts"]),
    );
  });

  it.each([
    ["// Fixed at creation (spec A.2).", true],
    ["/** Secrets (C.6) stay home. */", true],
    ['it("has the types of spec C.7")', true],
    ["// see connections-api.md", true],
    ["// section E overrides", true],
    ["// spec A+B Authentication", true],
    ["// docs/api/apinizer.md#not-found", false],
    ["// RFC 3414 section 2.2", false],
    ["// masked in get (E.8, E.9)", true],
    ["/** Spec C.7 ldap. */", true],
    ["// its element shape is [INF]", true],
    ["// D.12: the examples disagree", true],
    ["// version 1.2.3, rfc 3414", false],
    ["// docs/api/pictory-vimeo.md#ids-and-dates", false],
  ])("flags %j: %s", (line, flagged) => {
    expect(OUTSIDE_CITATION.test(line)).toBe(flagged);
  });

  it("cite no section of a document outside the repository", () => {
    // Replace each with the rule it relies on, cited as docs/api/<page>.md#<rule> (add the rule
    // to docs/api when it has no note yet) or as the vendor's page.
    const bad = offending(files, (line) => (OUTSIDE_CITATION.test(line) ? line.trim() : undefined));
    expect(bad).toEqual([]);
  });

  it("cite only notes and rules that exist under docs/api", () => {
    const anchors = new Map<string, Set<string> | undefined>();
    const notes = path.join(ROOT, "docs", "api");
    const bad = offending(files, (line) => {
      for (const m of line.matchAll(NOTE_CITATION)) {
        const [cited, page, anchor] = m;
        const file = path.join(notes, page!);
        if (!anchors.has(page!))
          anchors.set(page!, existsSync(file) ? anchorsOf(readFileSync(file, "utf8")) : undefined);
        const known = anchors.get(page!);
        if (known === undefined) return `${cited}: no such note`;
        if (anchor !== undefined && !known.has(anchor)) return `${cited}: no such heading`;
      }
      return undefined;
    });
    expect(bad).toEqual([]);
  });
});
