#!/usr/bin/env node
// The `pulumi-connections` bin (package.json "bin"). Exit codes: cli/shared/exit-codes.ts (and each --help).
import { run } from "./index";

run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    // Explicit exit: the Automation API may leave handles open (its event-log watcher) after a run.
    process.stdout.write("", () => process.exit(code));
  },
  (e: unknown) => {
    process.stderr.write(
      `pulumi-connections: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`,
    );
    process.exit(1);
  },
);
