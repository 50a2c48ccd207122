/**
 * The README's two commands are the project's: `npm start` and `npm test` exist in package.json,
 * and CI (`.ci/run`) runs exactly the README's test command, so what a newcomer runs is what CI
 * runs.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const read = (f: string) => readFileSync(path.join(ROOT, f), "utf8");

/** The commands of the README's Quickstart block, without their comments. */
function quickstartCommands(): string[] {
  const readme = read("README.md");
  const section = readme.slice(readme.indexOf("## Quickstart"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  return block
    .split("\n")
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter(Boolean);
}

describe("the README's commands", () => {
  const commands = quickstartCommands();

  it("are the quickstart and the tests, each an npm script", () => {
    expect(commands).toEqual(["npm ci && npm start", "npm test"]);
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> })
      .scripts;
    expect(scripts.start).toContain("quickstart");
    expect(scripts.test).toContain("jest");
  });

  it("include the command CI runs last", () => {
    const run = read(".ci/run")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    expect(run[run.length - 1]).toBe(commands[1]);
  });
});
