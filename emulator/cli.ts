#!/usr/bin/env node
import { parseArgs } from "node:util";
import { DEFAULT_PROJECTS, startEmulator } from "./server";
import type { ApinizerEnvelope, EmulatorOptions, FaultSettings, PictoryFamilyName } from "./types";

const USAGE = `usage: node dist/emulator/cli.js [options]
  --port N                    TCP port on 127.0.0.1 (default 8787; 0 = random)
  --pictory-api-key KEY       Pictory API key (default pictai_emulator_key)
  --apinizer-token TOKEN      Apinizer token (default apinizer_emulator_token)
  --project NAME              Apinizer project, repeatable (default demo; "default" always exists)
  --apinizer-envelope v1|v2   Apinizer response generation (default v1)
  --apinizer-keystore P:NAME  keystore NAME exists in project P, repeatable (default none); Kafka
                              keyStoreName/trustStoreName must name one
  --pictory-unpaged aws|vimeo that Pictory list answers everything at once, never with
                              nextPageKey; repeatable (default: both page)
  --data FILE                 persist connections in FILE
  --latency MS                added latency per request
  --rate-429 P                probability of 429 + Retry-After
  --rate-5xx P                probability of 500/502/503
  --drop-rate P               probability of dropping the connection
  --rate-limit N              requests per second per credential
  --quiet                     no request log on stderr
  --help`;

/** A CLI usage error: printed with the usage text, exit code 2. */
class UsageError extends Error {
  override readonly name = "UsageError";
}

function number(
  flag: string,
  text: string | undefined,
  max = Number.POSITIVE_INFINITY,
): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < 0 || value > max) {
    throw new UsageError(
      `--${flag} must be a number between 0 and ${max}, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/** `--apinizer-keystore PROJECT:NAME` (split at the first colon), grouped by project. */
function keystores(
  specs: readonly string[],
  projects: readonly string[],
): Record<string, string[]> | undefined {
  if (specs.length === 0) {
    return undefined;
  }
  const out: Record<string, string[]> = {};
  for (const spec of specs) {
    const colon = spec.indexOf(":");
    const project = spec.slice(0, colon);
    const name = spec.slice(colon + 1);
    if (colon <= 0 || name === "") {
      throw new UsageError(`--apinizer-keystore must be PROJECT:NAME, got ${JSON.stringify(spec)}`);
    }
    if (!projects.includes(project)) {
      throw new UsageError(
        `--apinizer-keystore names project ${JSON.stringify(project)}, which is not a --project`,
      );
    }
    (out[project] ??= []).push(name);
  }
  return out;
}

function unpaged(families: readonly string[]): PictoryFamilyName[] | undefined {
  for (const family of families) {
    if (family !== "aws" && family !== "vimeo") {
      throw new UsageError(`--pictory-unpaged must be aws or vimeo, got ${JSON.stringify(family)}`);
    }
  }
  return families.length === 0 ? undefined : (families as PictoryFamilyName[]);
}

export function parseCli(argv: readonly string[]): EmulatorOptions | "help" {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: "string" },
      "pictory-api-key": { type: "string" },
      "apinizer-token": { type: "string" },
      project: { type: "string", multiple: true },
      "apinizer-envelope": { type: "string" },
      "apinizer-keystore": { type: "string", multiple: true },
      "pictory-unpaged": { type: "string", multiple: true },
      data: { type: "string" },
      latency: { type: "string" },
      "rate-429": { type: "string" },
      "rate-5xx": { type: "string" },
      "drop-rate": { type: "string" },
      "rate-limit": { type: "string" },
      quiet: { type: "boolean" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help === true) {
    return "help";
  }
  const envelope = values["apinizer-envelope"] ?? "v1";
  if (envelope !== "v1" && envelope !== "v2") {
    throw new UsageError(`--apinizer-envelope must be v1 or v2, got ${JSON.stringify(envelope)}`);
  }
  const port = number("port", values.port, 65535) ?? 8787;
  if (!Number.isInteger(port)) {
    throw new UsageError("--port must be an integer");
  }
  const faults: FaultSettings = {
    latencyMs: number("latency", values.latency),
    rate429: number("rate-429", values["rate-429"], 1),
    rate5xx: number("rate-5xx", values["rate-5xx"], 1),
    dropRate: number("drop-rate", values["drop-rate"], 1),
    rateLimitPerSecond: number("rate-limit", values["rate-limit"]) || undefined,
  };
  const projects = [...(values.project ?? DEFAULT_PROJECTS), "default"];
  return {
    port,
    pictoryApiKey: values["pictory-api-key"],
    apinizerToken: values["apinizer-token"],
    projects: values.project,
    apinizerEnvelope: envelope as ApinizerEnvelope,
    apinizerKeystores: keystores(values["apinizer-keystore"] ?? [], projects),
    pictoryListsWithoutPageKey: unpaged(values["pictory-unpaged"] ?? []),
    dataFile: values.data,
    faults: JSON.parse(JSON.stringify(faults)) as FaultSettings, // drops undefined keys
    log: values.quiet === true ? undefined : (line) => process.stderr.write(`${line}\n`),
  };
}

async function main(): Promise<void> {
  let options: EmulatorOptions | "help";
  try {
    options = parseCli(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (options === "help") {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const emulator = await startEmulator(options);
  const shutdown = (): void => {
    void emulator.stop().then(() => process.exit(0));
  };
  // Handlers go in before the readiness line: a supervisor may signal as soon as it reads it.
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
  process.once("SIGHUP", shutdown);
  watchNpmParent(shutdown);
  process.stdout.write(`emulator listening on ${emulator.url}\n`);
}

/**
 * Under `npm run emulator` the emulator's life is the npm process's: npm passes SIGINT/SIGTERM on
 * to its script's shell, and a shell that does not `exec` its last command (dash) dies of it and
 * leaves its child serving. The script execs node, so the signal arrives here; when npm itself is
 * killed outright, the emulator is re-parented, and stops too. Started any other way (a
 * supervisor, `node dist/emulator/cli.js &`) it is left alone.
 */
function watchNpmParent(stop: () => void): void {
  if (process.env.npm_lifecycle_event !== "emulator") return;
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 500).unref();
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `emulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
