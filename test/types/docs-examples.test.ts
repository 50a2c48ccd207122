/**
 * Every complete TypeScript program in the docs (a ```ts block that starts with an import: the
 * README's, each resource page's, the import guide's) type-checks against the SDK with the
 * project's strict options, so an example cannot drift from the API it shows. Fragments (blocks
 * that do not start with an import) are left out: they lean on the text around them.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "..", "..");

interface Example {
  readonly file: string;
  readonly line: number;
  readonly code: string;
}

function examples(): Example[] {
  const files = execFileSync(
    "git",
    ["ls-files", "--cached", "--others", "--exclude-standard", "--", "*.md"],
    { cwd: ROOT, encoding: "utf8" },
  )
    .split("\n")
    .filter((f) => f && !f.startsWith("examples/"));
  const out: Example[] = [];
  for (const file of files) {
    const lines = readFileSync(path.join(ROOT, file), "utf8").split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue;
      const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
      const code = lines.slice(i + 1, end).join("\n");
      if (/^import /.test(code)) out.push({ file, line: i + 1, code });
      i = end;
    }
  }
  return out;
}

describe("TypeScript programs in the docs", () => {
  const found = examples();

  it("include the README's and every resource page's", () => {
    const files = new Set(found.map((e) => e.file));
    expect(files).toContain("README.md");
    expect(files).toContain("docs/resources/apinizer-connection.md");
    expect(files).toContain("docs/resources/pictory-get-vimeo-connection.md");
  });

  it("type-check against the SDK", () => {
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      types: ["node"],
      baseUrl: ROOT,
      // The package as a program imports it: its source, as the build would publish it.
      paths: { "pulumi-connections": ["sdk/nodejs/index.ts"] },
    };
    const virtual = new Map(
      found.map((e, i) => [path.join(ROOT, `docs-example-${i}.ts`), e] as const),
    );
    const host = ts.createCompilerHost(options, true);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, ...rest) => {
      const e = virtual.get(path.resolve(fileName));
      return e
        ? ts.createSourceFile(fileName, e.code, languageVersion, true)
        : getSourceFile(fileName, languageVersion, ...rest);
    };
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (f) => virtual.has(path.resolve(f)) || fileExists(f);
    const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host });
    const problems: string[] = [];
    for (const [fileName, e] of virtual) {
      const file = program.getSourceFile(fileName)!;
      for (const d of [
        ...program.getSyntacticDiagnostics(file),
        ...program.getSemanticDiagnostics(file),
      ]) {
        const line = file.getLineAndCharacterOfPosition(d.start ?? 0).line;
        problems.push(
          `${e.file}:${e.line + 1 + line}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`,
        );
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
