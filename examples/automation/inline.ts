/**
 * An Automation API inline program: the program is a function in the script that deploys it, with
 * no Pulumi.yaml of its own. It works from any working directory (see "Automation API inline
 * programs" in docs/installation-configuration.md). State backend, passphrase and credentials
 * come from the environment, as for the pulumi CLI:
 *
 *   PULUMI_BACKEND_URL=file://$HOME/.pulumi-state PULUMI_CONFIG_PASSPHRASE=... \
 *   PICTORY_API_KEY=pictai_... node inline.js [up | destroy]
 *
 * `up` prints the connection's name and ID as one JSON line on stdout; the engine's progress
 * goes to stderr.
 */
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { pictory } from "pulumi-connections";

async function main(action: string): Promise<void> {
  const stack = await LocalWorkspace.createOrSelectStack({
    stackName: process.env.STACK ?? "dev",
    projectName: "connections-inline",
    program: async () => {
      const media = new pictory.AwsConnection("media", {
        awsAccountId: "123456789012",
        awsRegion: "us-east-2",
        description: "raw footage",
      });
      return { name: media.name, connectionId: media.connectionId };
    },
  });
  const progress = { onOutput: (s: string) => void process.stderr.write(s) };
  if (action === "destroy") {
    await stack.destroy(progress);
    return;
  }
  const { outputs } = await stack.up(progress);
  console.log(
    JSON.stringify({ name: outputs.name?.value, connectionId: outputs.connectionId?.value }),
  );
}

main(process.argv[2] ?? "up").catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
