/** The native plugins from the YAML program in examples/yaml: see {@link pluginProgramSuite}. */
import * as path from "node:path";
import { editFile, pluginProgramSuite } from "./plugin-program";

jest.setTimeout(600_000);

pluginProgramSuite({
  runtime: "yaml",
  files: ["Pulumi.yaml"],
  checkSchemas: true,
  declareHandmade(dir) {
    editFile(
      path.join(dir, "Pulumi.yaml"),
      "\nvariables:",
      `  handmade:
    type: pictory:index:AwsConnection
    properties:
      name: handmade
      awsAccountId: "111122223333"
      awsRegion: us-west-2

variables:`,
    );
  },
});
