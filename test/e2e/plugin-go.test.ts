/**
 * The native plugins from the Go program in examples/go, built against the generated Go SDK in
 * sdk/go: see {@link pluginProgramSuite}. The language host builds the program on every
 * operation; the first build of the Pulumi Go SDK takes minutes on a cold cache, the later ones
 * seconds.
 */
import * as path from "node:path";
import { editFile, pluginProgramSuite } from "./plugin-program";

const ROOT = path.resolve(__dirname, "..", "..");

jest.setTimeout(1_200_000);

pluginProgramSuite({
  runtime: "go",
  files: ["Pulumi.yaml", "go.mod", "go.sum", "main.go"],
  timeoutMs: 1_200_000,
  // The Go host ensure-pulumi.sh builds comes from the Go SDK module (sdk/v3), which has no
  // program generator (that lives in pulumi/pkg): `pulumi import` imports, then fails with
  // "unknown method GenerateProgram". The test declares the connection itself anyway.
  generatesCode: false,
  prepare(dir) {
    // The example points at the SDK relative to examples/go; the copy points at this checkout's.
    editFile(path.join(dir, "go.mod"), "=> ../../sdk/go", `=> ${path.join(ROOT, "sdk", "go")}`);
  },
  declareHandmade(dir) {
    editFile(
      path.join(dir, "main.go"),
      `\t\tctx.Export("mediaId"`,
      `\t\tif _, err := pictory.NewAwsConnection(ctx, "handmade", &pictory.AwsConnectionArgs{
\t\t\tName:         pulumi.String("handmade"),
\t\t\tAwsAccountId: pulumi.String("111122223333"),
\t\t\tAwsRegion:    pulumi.String("us-west-2"),
\t\t}); err != nil {
\t\t\treturn err
\t\t}
\t\tctx.Export("mediaId"`,
    );
  },
});
