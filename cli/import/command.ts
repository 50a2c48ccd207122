/**
 * `pulumi-connections import`: writes the Pulumi program that adopts every connection the
 * configured credentials can see. `pulumi import` and the `import` resource option crash in
 * Pulumi's dynamic-provider host before any provider code runs (pulumi#16175), so this program,
 * whose resources carry `adopt`, is the way in.
 */
import { randomBytes } from "node:crypto";
import { existsSync, linkSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ConnectionError } from "../../provider/core/errors";
import { FamilyName } from "../../provider/core/family";
import { apinizerProjectError, parseFlags, projectDirError, usageLine } from "../shared/args";
import { connectionRef, elsewhereLine, ManagedElsewhere } from "../shared/connections";
import { EXIT, ExitCode } from "../shared/exit-codes";
import { summarizeFailure } from "../shared/failure";
import { importCommand } from "../shared/import-command";
import type { CliIo } from "../shared/io";
import { IMPORT_COMMAND, IMPORT_OPTIONS, usageOf } from "../shared/options";
import { importResult, renderImportJson, renderProgram } from "./program";
import {
  apinizerTypes,
  kindOrder,
  listConnections,
  ListScope,
  otherStacks,
  settingsFrom,
  stackConfig,
} from "../shared/listing";

export { importCommand } from "../shared/import-command";

export const IMPORT_USAGE = usageOf(IMPORT_COMMAND, { type: apinizerTypes().join(", ") });

export interface ImportOptions {
  readonly stack?: string;
  readonly workDir: string;
  readonly scope: ListScope;
  readonly only?: readonly string[];
  readonly out?: string;
  /** Replace `out` when it exists. @default false */
  readonly force?: boolean;
  readonly json: boolean;
}

const FAMILIES: readonly FamilyName[] = ["pictory", "apinizer"];

/** Parsed arguments, or the usage error to print. */
export function parseImportArgs(
  argv: readonly string[],
  cwd: string,
): ImportOptions | { readonly help: true } | { readonly usageError: string } {
  const values = parseFlags(argv, IMPORT_OPTIONS);

  if ("usageError" in values) return values;
  if (values.help) return { help: true };
  const projects = values["apinizer-project"] ?? [];
  const types = values.type;
  const badProject = apinizerProjectError(projects);
  if (badProject) return badProject;
  if (types && projects.length === 0)
    return { usageError: "--type goes with --apinizer-project: name the project to list" };
  const known = apinizerTypes();
  for (const t of types ?? [])
    if (!known.includes(t))
      return {
        usageError: `--type ${JSON.stringify(t)} is not an Apinizer type: expected one of ${known.join(", ")}`,
      };
  for (const f of values.family ?? [])
    if (!(FAMILIES as readonly string[]).includes(f))
      return { usageError: `--family ${JSON.stringify(f)}: expected pictory or apinizer` };
  const families = (values.family as FamilyName[] | undefined) ?? [
    "pictory",
    ...(projects.length > 0 ? (["apinizer"] as const) : []),
  ];
  if (families.includes("apinizer") && projects.length === 0)
    return {
      usageError:
        "--family apinizer needs --apinizer-project NAME: Apinizer lists connections per project",
    };
  if (values.force && values.out === undefined)
    return { usageError: "--force goes with --out: it lets the program replace an existing FILE" };
  if (values.cwd !== undefined && values.stack === undefined)
    return { usageError: "--cwd goes with --stack: it is where the stack's project is" };
  const workDir = path.resolve(cwd, values.cwd ?? ".");
  const badDir = values.stack !== undefined ? projectDirError(workDir) : undefined;
  if (badDir) return badDir;
  return {
    ...(values.stack !== undefined ? { stack: values.stack } : {}),
    workDir,
    scope: {
      families: [...new Set(families)],
      apinizerProjects: [...new Set(projects)],
      ...(types ? { apinizerTypes: [...new Set(types)] } : {}),
      ...(values.account !== undefined ? { account: values.account } : {}),
    },
    ...(values.only ? { only: values.only } : {}),
    ...(values.out !== undefined ? { out: path.resolve(cwd, values.out) } : {}),
    ...(values.force ? { force: true } : {}),
    json: values.json === true,
  };
}

/**
 * Writes `text` to `file` whole or not at all: a temporary file in the same folder, renamed over
 * `file` (one filesystem, so the rename is atomic). Without `force` an existing `file` is kept
 * (the link makes "exists" and "write" one step); resolves to the refusal or failure to print.
 */
export function writeOut(file: string, text: string, force: boolean): string | undefined {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  try {
    writeFileSync(temp, text, { flag: "wx" });
    if (force) renameSync(temp, file);
    else noClobberRename(temp, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST" && !force) return outExists(file);
    return `${file} could not be written (${code ?? "error"}): ${e instanceof Error ? e.message : String(e)}`;
  } finally {
    rmSync(temp, { force: true });
  }
  return undefined;
}

function outExists(file: string): string {
  return `--out ${file} exists: not replaced; pass --force to replace it, or choose another --out`;
}

/** `temp` → `file` unless `file` exists (EEXIST). */
function noClobberRename(temp: string, file: string): void {
  try {
    linkSync(temp, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // A filesystem without hard links: check, then rename (a narrow race, never a torn file).
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS") throw e;
    if (existsSync(file)) throw Object.assign(new Error(`${file} exists`), { code: "EEXIST" });
    renameSync(temp, file);
  }
}

/** Runs the command; resolves to its exit code. */
export async function importCommandMain(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const parsed = parseImportArgs(argv, process.cwd());
  if ("help" in parsed) {
    io.stdout(IMPORT_USAGE);
    return EXIT.clean;
  }
  if ("usageError" in parsed) {
    io.stderr(usageLine("import", parsed.usageError));
    return EXIT.usage;
  }
  // Checked first as well, so that nothing is listed for a program that would not be written.
  if (parsed.out !== undefined && parsed.force !== true && existsSync(parsed.out)) {
    io.stderr(`pulumi-connections import: ${outExists(parsed.out)}\n`);
    return EXIT.failed;
  }
  let text: string;
  let elsewhere: readonly ManagedElsewhere[] = [];
  let commands: readonly string[];
  let count: number;
  try {
    const config =
      parsed.stack !== undefined ? await stackConfig(parsed.stack, parsed.workDir) : undefined;
    // Before any API call: what the backend's other stacks manage is never adopted here.
    const others = await otherStacks(parsed.workDir, parsed.stack);
    const listed = await listConnections(settingsFrom(config), parsed.scope);
    const only = parsed.only && new Set(parsed.only);
    const result = importResult(listed, kindOrder(), {
      ...(parsed.scope.account !== undefined ? { account: parsed.scope.account } : {}),
      ...(parsed.stack !== undefined ? { stack: parsed.stack } : {}),
      ...(only ? { only } : {}),
      others,
    });
    elsewhere = result.managedElsewhere;
    const missing = [...(only ?? [])].filter(
      (o) =>
        !result.connections.some((c) => connectionRef(c) === o) &&
        !elsewhere.some((e) => e.ref === o),
    );
    if (missing.length > 0) {
      io.stderr(
        `pulumi-connections import: --only ${missing.join(", ")}: no such connection among those the ` +
          `credentials can see; check the reference (as \`drift --unmanaged\` prints it) and the ` +
          `--apinizer-project and --account options\n`,
      );
      return EXIT.failed;
    }
    commands = result.configCommands;
    count = result.connections.length;
    text = parsed.json
      ? renderImportJson(result)
      : renderProgram(result, [`Made by: ${importCommand(parsed)}`]);
  } catch (e) {
    // A stack that cannot be read (wrong passphrase, unknown stack) fails in the CLI's own words.
    const message = ConnectionError.isInstance(e) ? e.message : summarizeFailure(e);
    const code = ConnectionError.isInstance(e) ? ` (${e.code})` : "";
    io.stderr(
      `pulumi-connections import: the connections could not be listed${code}: ${message}\n`,
    );
    return EXIT.failed;
  }
  if (parsed.out !== undefined) {
    const refused = writeOut(parsed.out, text, parsed.force === true);
    if (refused !== undefined) {
      io.stderr(`pulumi-connections import: ${refused}\n`);
      return EXIT.failed;
    }
  } else io.stdout(text);
  const where = parsed.out !== undefined ? ` to ${parsed.out}` : "";
  io.stderr(
    `pulumi-connections import: ${count} connection${count === 1 ? "" : "s"} written${where}\n`,
  );
  if (elsewhere.length > 0) {
    const n = elsewhere.length;
    io.stderr(
      `pulumi-connections import: ${n} connection${n === 1 ? "" : "s"} left out: managed by ` +
        `other stacks of the backend (adopting one here would give it two owners):\n` +
        elsewhere.map((e) => `  ${elsewhereLine(e)}\n`).join(""),
    );
  }
  if (commands.length > 0 && !parsed.json) {
    io.stderr(
      `\nThe program reads ${commands.length} secret${commands.length === 1 ? "" : "s"} from stack config. ` +
        `Set each one before \`pulumi up\` (the command asks for the value):\n\n` +
        commands.map((c) => `  ${c}\n`).join(""),
    );
  }
  return EXIT.clean;
}
