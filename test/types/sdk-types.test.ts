/**
 * Compile-time tests of the SDK's types: `sdk-usage.ts` must type-check with the project's strict
 * options, so the example compiles and every line marked `@ts-expect-error` fails to (an
 * unused directive is itself a diagnostic). The same file with the directives removed must then
 * fail exactly on those lines, each for the reason its directive names.
 */
import * as path from "node:path";
import ts from "typescript";

const DIR = __dirname;
const USAGE = path.join(DIR, "sdk-usage.ts");
/** The usage file with its directives blanked out; served from memory, next to the real one. */
const STRIPPED = path.join(DIR, "sdk-usage.stripped.ts");
const DIRECTIVE = /\/\/ @ts-expect-error: (\S+)/;

interface Expected {
  /** 0-based line the directive applies to (the one after it). */
  readonly line: number;
  /** A word the compiler's message for that line contains. */
  readonly mentions: string;
}

function loadOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(DIR, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (!parsed) throw new Error("test/types/tsconfig.json could not be read");
  expect(parsed.errors).toEqual([]);
  expect(parsed.fileNames).toEqual([USAGE.split(path.sep).join("/")]);
  return parsed.options;
}

function describeDiagnostic(d: ts.Diagnostic): string {
  const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  if (!d.file || d.start === undefined) return `TS${d.code}: ${text}`;
  const { line } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${path.basename(d.file.fileName)}:${line + 1} TS${d.code}: ${text}`;
}

describe("SDK types as a program uses them", () => {
  const source = ts.sys.readFile(USAGE)!;
  const lines = source.split("\n");
  const expected: Expected[] = lines.flatMap((text, i) => {
    const m = DIRECTIVE.exec(text);
    return m ? [{ line: i + 1, mentions: m[1]! }] : [];
  });
  const stripped = lines.map((text) => text.replace(DIRECTIVE, "//")).join("\n");

  let options: ts.CompilerOptions;
  let program: ts.Program;
  beforeAll(() => {
    options = loadOptions();
    const host = ts.createCompilerHost(options, true);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, ...rest) =>
      path.resolve(fileName) === STRIPPED
        ? ts.createSourceFile(fileName, stripped, languageVersion, true)
        : getSourceFile(fileName, languageVersion, ...rest);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (fileName) => path.resolve(fileName) === STRIPPED || fileExists(fileName);
    // Only the two usage files are roots; the SDK and its dependencies load as they import.
    program = ts.createProgram({ rootNames: [USAGE, STRIPPED], options, host });
  });

  it("uses the root tsconfig's strict options without emitting", () => {
    expect(options).toMatchObject({
      strict: true,
      noUnusedLocals: true,
      noEmit: true,
      skipLibCheck: true,
    });
  });

  it("marks the mistakes it expects to fail", () => {
    expect(expected.map((e) => e.mentions)).toEqual([
      "fullUrl",
      "awsRegion",
      "MARIADB",
      "number",
      "number",
      "mail",
      "ignore",
      "number",
      "host",
      "jdbcUrl",
      "host",
      "number",
      "undefined",
    ]);
  });

  it("compiles the issue's example, and every @ts-expect-error is needed", () => {
    const file = program.getSourceFile(USAGE)!;
    const diagnostics = [
      ...program.getSyntacticDiagnostics(file),
      ...program.getSemanticDiagnostics(file),
    ];
    expect(diagnostics.map(describeDiagnostic)).toEqual([]);
  });

  it("rejects each marked line for the reason its directive names, and nothing else", () => {
    const file = program.getSourceFile(STRIPPED)!;
    const diagnostics = [
      ...program.getSyntacticDiagnostics(file),
      ...program.getSemanticDiagnostics(file),
    ];
    const byLine = new Map<number, string[]>();
    for (const d of diagnostics) {
      const line = file.getLineAndCharacterOfPosition(d.start ?? 0).line;
      byLine.set(line, [
        ...(byLine.get(line) ?? []),
        ts.flattenDiagnosticMessageText(d.messageText, "\n"),
      ]);
    }
    expect([...byLine.keys()].sort((a, b) => a - b)).toEqual(expected.map((e) => e.line));
    for (const { line, mentions } of expected) {
      expect(byLine.get(line)!.join("\n")).toContain(mentions);
    }
  });
});
