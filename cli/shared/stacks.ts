/**
 * The Pulumi CLI as the drift and import commands run it: listing a backend's stacks, exporting a
 * stack's checkpoint and previewing a refresh, with the environment the CLI needs for that.
 */
import type { ConfigEntry } from "./stack-secrets";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import * as path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { spawn } from "node:child_process";
import { summarizeFailure } from "./failure";

/** One stack of `pulumi stack ls --json --fully-qualify-stack-names`. */
export interface ListedStack {
  /** `organization/<project>/<stack>` (diy), `<org>/<project>/<stack>` (Cloud), `<stack>` (legacy diy). */
  readonly name: string;
  /** Set by backends that know (Pulumi Cloud); the diy backends never set it. */
  readonly updateInProgress?: boolean;
}

/** What the check asks of the Pulumi CLI; injectable, so the sequence is unit tested. */
export interface StackOps {
  /** Every stack of the backend, or of one project. Rejects with the CLI's message. */
  list(project?: string): Promise<ListedStack[]>;
  /**
   * `pulumi stack export` of a stack, as text; with `showSecrets`, secrets decrypted (kept in
   * memory only, to mask them: cli/shared/stack-secrets.ts). Rejects with the CLI's message.
   */
  exportState(stack: string, showSecrets?: boolean): Promise<string>;
  /** `pulumi config --show-secrets --json` of a stack. Rejects with the CLI's message. */
  readConfig(stack: string): Promise<Readonly<Record<string, ConfigEntry>>>;
  /** The refresh preview's engine events, and its failure if it failed; never rejects. */
  refreshPreview(stack: string): Promise<{ events: EngineEvent[]; failure?: string }>;
}

/** `organization/proj/dev` → project `proj`, stack `dev`; a legacy `dev` has no project. */
export function splitStackName(name: string): { project?: string; stack: string } {
  const parts = name.split("/");
  if (parts.length === 3) return { project: parts[1]!, stack: parts[2]! };
  return { stack: parts[parts.length - 1]! };
}

/** `pulumi stack ls --json` output → the stacks; throws on anything else. */
export function parseStackList(stdout: string): ListedStack[] {
  const raw: unknown = JSON.parse(stdout);
  if (!Array.isArray(raw)) throw new Error("`pulumi stack ls --json` printed no list");
  return raw.map((entry: unknown) => {
    const e = entry as { name?: unknown; updateInProgress?: unknown };
    if (typeof e?.name !== "string")
      throw new Error("`pulumi stack ls --json`: a stack without a name");
    return {
      name: e.name,
      ...(e.updateInProgress === true ? { updateInProgress: true } : {}),
    };
  });
}

/** The `pending_operations` of a `pulumi stack export`. */
export function pendingOperationsOf(exported: string): { type?: unknown }[] {
  const parsed = JSON.parse(exported) as { deployment?: { pending_operations?: unknown } };
  const pending = parsed?.deployment?.pending_operations;
  return Array.isArray(pending) ? (pending as { type?: unknown }[]) : [];
}

/** Runs `fn` over `items`, at most `limit` at a time; results in the order of `items`. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/**
 * The environment of every CLI run the check makes, beyond the user's own: `--event-log` needs
 * PULUMI_DEBUG_COMMANDS (the Automation API sets it too), and GOMAXPROCS, unless set, is raised to
 * at least 8. The PostgreSQL backend opens 2 × GOMAXPROCS connections and listing stacks holds
 * them all: on a 2-core machine `pulumi stack ls` of 4 or more stacks never returns.
 */
export function childEnv(
  env: Readonly<Record<string, string | undefined>>,
  cores: number = availableParallelism(),
): Record<string, string> {
  return {
    PULUMI_DEBUG_COMMANDS: "true",
    ...(env.GOMAXPROCS ? {} : { GOMAXPROCS: String(Math.max(8, cores)) }),
  };
}

/** The `name:` of a Pulumi.yaml, or undefined. */
export function projectNameOf(workDir: string): string | undefined {
  for (const file of ["Pulumi.yaml", "Pulumi.yml"]) {
    let text: string;
    try {
      text = readFileSync(path.join(workDir, file), "utf8");
    } catch {
      continue;
    }
    const m = /^name:[ \t]*(.+?)[ \t]*(?:#.*)?$/m.exec(text);
    return m ? m[1]!.replace(/^(["'])(.*)\1$/, "$2") : undefined;
  }
  return undefined;
}

/** Runs the Pulumi CLI; rejects on a non-zero exit with its output in the message. */
type Cli = (args: string[]) => Promise<{ stdout: string; stderr: string }>;

/**
 * The Pulumi CLI at `bin`, run as the Automation API runs it: its folder first on PATH (so that
 * its bundled plugins are used), `--non-interactive`, and a failure's message carrying `stdout`
 * and `stderr` as the Automation API's CommandError does (so {@link summarizeFailure} reads both
 * the same way).
 */
export function cliAt(
  bin: string,
  cwd: string,
  extraEnv: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Cli {
  const PATH = path.isAbsolute(bin)
    ? [path.dirname(bin), env.PATH ?? ""].join(path.delimiter)
    : (env.PATH ?? "");
  return (args) =>
    new Promise((resolve, reject) => {
      const child = spawn(bin, [...args, "--non-interactive"], {
        cwd,
        env: { ...env, ...extraEnv, PATH },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (b: Buffer) => out.push(b));
      child.stderr.on("data", (b: Buffer) => err.push(b));
      child.on("error", reject);
      child.on("close", (code, signal) => {
        const stdout = Buffer.concat(out).toString("utf8");
        const stderr = Buffer.concat(err).toString("utf8");
        if (code === 0) resolve({ stdout, stderr });
        else
          reject(
            new Error(
              `\`pulumi ${args.slice(0, 2).join(" ")}\` exited with ${code ?? signal}\n` +
                `stdout:\n${stdout}\nstderr:\n${stderr}`,
            ),
          );
      });
    });
}

/** {@link StackOps} with the real CLI, in the project directory. */
export function cliStackOps(cli: Cli): StackOps {
  return {
    async list(project) {
      const args = ["stack", "ls", "--json", "--fully-qualify-stack-names"];
      args.push(...(project !== undefined ? ["--project", project] : ["--all"]));
      return parseStackList((await cli(args)).stdout);
    },
    async exportState(stack, showSecrets = false) {
      const args = ["stack", "export", "--stack", stack];
      return (await cli(showSecrets ? [...args, "--show-secrets"] : args)).stdout;
    },
    async readConfig(stack) {
      const { stdout } = await cli(["config", "--show-secrets", "--json", "--stack", stack]);
      return JSON.parse(stdout) as Record<string, ConfigEntry>;
    },
    async refreshPreview(stack) {
      const dir = mkdtempSync(path.join(tmpdir(), "pulumi-connections-drift-"));
      const log = path.join(dir, "events.jsonl");
      let failure: string | undefined;
      try {
        try {
          await cli(["refresh", "--preview-only", "--stack", stack, "--event-log", log]);
        } catch (e) {
          failure = summarizeFailure(e);
        }
        return { events: readEvents(log), ...(failure !== undefined ? { failure } : {}) };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The engine events of an `--event-log` file; a torn last line (a killed CLI) is skipped. */
export function readEvents(file: string): EngineEvent[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  const events: EngineEvent[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      events.push(JSON.parse(line) as EngineEvent);
    } catch {
      // Not a whole event.
    }
  }
  return events;
}
