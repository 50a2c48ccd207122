/**
 * `npm start`: the quickstart stack against the embedded emulator, step by step: create, no-op,
 * an out-of-band edit, drift detected two ways, converge, destroy. The emulator stops at the end
 * whatever happened.
 */
import { lstatSync, rmSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { startEmulator } from "../emulator";
import { emulatorConfig, localStack, REPO_ROOT } from "./workspace";

const STEPS = 7;
let step = 0;
function heading(text: string): void {
  step++;
  process.stdout.write(`\n=== [${step}/${STEPS}] ${text}\n`);
}

async function adminPatch(base: string, target: string, body: object): Promise<void> {
  const res = await fetch(`${base}/_emulator/${target}`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok)
    throw new Error(`emulator admin PATCH ${target} answered ${res.status}: ${await res.text()}`);
}

/**
 * The provider process requires `pulumi-connections/provider` by name from the project root (the
 * serialized shim never carries the code). In a user's project the package is installed; here,
 * in the package's own checkout, a self-link in node_modules plays that role.
 */
function linkSelf(): void {
  const link = path.join(REPO_ROOT, "node_modules", "pulumi-connections");
  try {
    lstatSync(link);
  } catch {
    symlinkSync("..", link, "dir");
  }
}

async function main(): Promise<void> {
  linkSelf();
  const emulator = await startEmulator();
  process.stdout.write(`emulator listening on ${emulator.url}\n`);
  try {
    const stateDir = path.join(REPO_ROOT, ".pulumi-state", "quickstart");
    // Each run starts from nothing: the emulator is in memory, so old state would point at nothing.
    rmSync(stateDir, { recursive: true, force: true });
    const stack = await localStack({
      workDir: REPO_ROOT,
      stackName: "quickstart",
      stateDir,
      config: {
        ...emulatorConfig(emulator.url),
        vimeoClientSecret: { value: "quickstart-vimeo-secret", secret: true },
        vimeoAccessToken: { value: "quickstart-vimeo-token", secret: true },
        smtpPassword: { value: "quickstart-smtp-password", secret: true },
      },
    });
    const onOutput = (s: string) => process.stdout.write(s);

    heading("pulumi up: create one connection of each kind");
    const up = await stack.up({ onOutput });
    const created = up.summary.resourceChanges?.create ?? 0;

    heading("pulumi preview: nothing to change");
    const again = await stack.preview({ onOutput, diff: true });
    const pending = Object.entries(again.changeSummary).filter(([op, n]) => op !== "same" && n > 0);
    if (pending.length > 0)
      throw new Error(`expected no changes, the plan has ${JSON.stringify(again.changeSummary)}`);

    heading("someone edits two connections outside Pulumi (emulator admin API)");
    const outputs = await stack.outputs();
    const mediaId = String(outputs.mediaConnectionId.value);
    await adminPatch(emulator.url, `pictory/aws/${mediaId}`, {
      enabled: false,
      description: "edited in the dashboard",
    });
    await adminPatch(emulator.url, "apinizer/demo/quickstart-hooks", { httpMethod: "PUT" });
    process.stdout.write(
      `disabled AWS connection ${mediaId} and changed its description; changed the webhook's method\n`,
    );

    heading("pulumi refresh --preview-only: the drift, field by field");
    await stack.previewRefresh({ onOutput });

    heading("pulumi preview --refresh --expect-no-changes: fails, as a drift check should");
    let failed = false;
    try {
      await stack.preview({ refresh: true, expectNoChanges: true, onOutput: () => undefined });
    } catch {
      failed = true;
    }
    if (!failed) throw new Error("the drift check passed although the connections drifted");
    process.stdout.write("exit code non-zero: drift detected\n");

    heading("pulumi up --refresh: converge back to the program");
    await stack.up({ refresh: true, onOutput, diff: true });
    const check = await stack.preview({
      refresh: true,
      expectNoChanges: true,
      onOutput: () => undefined,
    });
    process.stdout.write(
      `converged: a refreshing preview now plans ${JSON.stringify(check.changeSummary)}\n`,
    );

    heading("pulumi destroy: clean up");
    await stack.destroy({ onOutput });
    process.stdout.write(
      `\nquickstart done: ${created} resources created (the stack and its connections), drift detected and converged\n`,
    );
  } finally {
    await emulator.stop();
    process.stdout.write("emulator stopped\n");
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`quickstart failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
