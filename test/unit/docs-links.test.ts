/**
 * Every relative link and `#anchor` in the repository's Markdown files resolves: the file (or
 * folder) exists, and an anchor names a heading of the target as GitHub slugs it (or an explicit
 * `<a id>`). A moved section or a renamed heading fails here instead of on a reader.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { anchorsOf, githubSlug, proseLines } from "../helpers/markdown";

const ROOT = path.resolve(__dirname, "..", "..");

/** Tracked Markdown files and new ones not ignored, so a file about to be committed is checked too. */
function markdownFiles(): string[] {
  const out = execFileSync(
    "git",
    ["ls-files", "--cached", "--others", "--exclude-standard", "--", "*.md"],
    { cwd: ROOT, encoding: "utf8" },
  );
  return [...new Set(out.split("\n").filter(Boolean))]
    .filter((f) => existsSync(path.join(ROOT, f)))
    .sort();
}

/** The link targets of a file outside code: inline links and reference definitions. */
export function linksOf(text: string): { target: string; n: number }[] {
  const out: { target: string; n: number }[] = [];
  for (const { line, n } of proseLines(text)) {
    const prose = line.replace(/`+[^`]*`+/g, "");
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g))
      out.push({ target: m[1]!, n });
    const def = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(prose);
    if (def) out.push({ target: def[1]!, n });
  }
  return out;
}

/** Why a link does not resolve, or undefined when it does (or is not relative). */
function brokenBecause(
  file: string,
  target: string,
  cache: Map<string, Set<string>>,
): string | undefined {
  if (target === "" || /^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  const hash = target.indexOf("#");
  const rawPath = hash === -1 ? target : target.slice(0, hash);
  const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const resolved =
    rawPath === ""
      ? file
      : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURI(rawPath)));
  if (resolved.startsWith("..")) return `${target} leaves the repository`;
  const abs = path.join(ROOT, resolved);
  if (!existsSync(abs)) return `${resolved} does not exist`;
  if (anchor === undefined) return undefined;
  if (statSync(abs).isDirectory() || !resolved.endsWith(".md"))
    return `#${anchor} points into ${resolved}, which is not a Markdown file`;
  let anchors = cache.get(resolved);
  if (!anchors) {
    anchors = anchorsOf(readFileSync(abs, "utf8"));
    cache.set(resolved, anchors);
  }
  return anchors.has(anchor) ? undefined : `${resolved} has no heading #${anchor}`;
}

describe("GitHub heading slugs", () => {
  it.each([
    ["Recovering from an interrupted `pulumi up`", "recovering-from-an-interrupted-pulumi-up"],
    [
      "Large stacks: the fast path (`PULUMI_SKIP_CHECKPOINTS=true`)",
      "large-stacks-the-fast-path-pulumi_skip_checkpointstrue",
    ],
    ["`GOMAXPROCS`: set it to 8 for every CLI run", "gomaxprocs-set-it-to-8-for-every-cli-run"],
    ["Every stack at once: `drift --all-stacks`", "every-stack-at-once-drift---all-stacks"],
    ["`apinizer.Connection`", "apinizerconnection"],
    ["`linux-script`", "linux-script"],
  ])("%s → #%s", (heading, slug) => {
    expect(githubSlug(heading)).toBe(slug);
  });

  it("numbers repeated headings as GitHub does", () => {
    expect([...anchorsOf("# A\n## A\n```\n# A\n```\n### A\n")]).toEqual(["a", "a-1", "a-2"]);
  });

  it("a slug holds only lowercase letters, digits, '_' and '-'", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-ascii" }), (heading) => {
        expect(githubSlug(heading)).toMatch(/^[a-z0-9_-]*$/);
      }),
    );
  });
});

describe("links in Markdown files", () => {
  it("finds inline links and definitions outside code, never inside it", () => {
    const text = "[a](x.md#b) `[c](y.md)`\n```\n[d](z.md)\n```\n[e]: w.md\n";
    expect(linksOf(text).map((l) => l.target)).toEqual(["x.md#b", "w.md"]);
  });

  it("every relative link and anchor resolves", () => {
    const files = markdownFiles();
    expect(files).toContain("README.md");
    const cache = new Map<string, Set<string>>();
    const broken: string[] = [];
    for (const file of files) {
      for (const { target, n } of linksOf(readFileSync(path.join(ROOT, file), "utf8"))) {
        const why = brokenBecause(file, target, cache);
        if (why) broken.push(`${file}:${n}: ${why}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
