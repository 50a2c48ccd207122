/**
 * Which Pulumi CLI the drift commands run (shared by `drift --stack` and `drift --all-stacks`).
 */
import * as path from "node:path";

/**
 * The Pulumi CLI: in this package's own checkout, the one scripts/ensure-pulumi.sh finds or builds
 * (so `npm run drift` works without a global install); in an installed package (which ships no
 * scripts), `pulumi` from PATH, as the Automation API does by default.
 */
export async function pulumiCommand() {
  const { PulumiCommand } =
    require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
  let workspace: typeof import("../../scripts/workspace") | undefined;
  try {
    require.resolve("../../scripts/workspace");
    workspace = require("../../scripts/workspace") as typeof import("../../scripts/workspace");
  } catch {
    workspace = undefined;
  }
  if (workspace) {
    return PulumiCommand.get({
      root: path.dirname(workspace.ensurePulumi()),
      skipVersionCheck: true,
    });
  }
  return PulumiCommand.get({ skipVersionCheck: true });
}
