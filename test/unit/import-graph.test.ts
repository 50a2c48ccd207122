/**
 * No import cycle in cli/, provider/, sdk/nodejs/ or emulator/, type-only imports included. ESLint's
 * `import-x/no-cycle` (eslint.config.js) catches cycles of value imports as one edits; it skips
 * `import type` by design, and a cycle through types still ties two layers together (a newcomer
 * cannot read either without the other). This reads every import with the TypeScript parser.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const ROOT = path.join(__dirname, "..", "..");
const FOLDERS = ["cli", "provider", "sdk/nodejs", "emulator"];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : sources(p);
    return p.endsWith(".ts") && !p.endsWith(".d.ts") ? [p] : [];
  });
}

/** The source files a file imports or re-exports from, type-only or not, by relative path. */
function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  const out = new Set<string>();
  for (const statement of sf.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
    const spec = statement.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith(".")) continue;
    const base = path.resolve(path.dirname(file), spec.text);
    const target = [`${base}.ts`, path.join(base, "index.ts")].find((c) => known.has(c));
    if (target) out.add(target);
  }
  return [...out];
}

/** The strongly connected components with more than one file (Tarjan), as relative paths. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(path.relative(ROOT, w));
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

function graphOf(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  return new Map(files.map((f) => [f, importsOf(f, known)]));
}

describe("import graph", () => {
  const files = FOLDERS.flatMap((f) => sources(path.join(ROOT, f)));

  it("reads the sources", () => {
    // A graph of nothing has no cycle: make sure the walk found the code and its imports.
    expect(files.length).toBeGreaterThan(50);
    const graph = graphOf(files);
    const drift = graph.get(path.join(ROOT, "cli", "drift", "command.ts"));
    expect(drift).toContain(path.join(ROOT, "cli", "shared", "options.ts"));
  });

  it("has no cycle, counting type-only imports", () => {
    expect(cycles(graphOf(files))).toEqual([]);
  });

  it("finds a cycle when there is one", () => {
    const a = path.join(ROOT, "cli", "shared", "io.ts");
    const b = path.join(ROOT, "cli", "shared", "exit-codes.ts");
    const graph = new Map([
      [a, [b]],
      [b, [a]],
    ]);
    expect(cycles(graph)).toEqual([["cli/shared/exit-codes.ts", "cli/shared/io.ts"]]);
  });
});
