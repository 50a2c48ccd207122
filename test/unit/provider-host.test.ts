import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { exposeToProviderHost } from "../../sdk/nodejs/provider-host";

// The SDK's import-time help for Automation API inline programs (sdk/nodejs/provider-host.ts). From this
// checkout the package is not installed, so only @pulumi/pulumi's folder can be added.
const nodeModules = path.dirname(
  path.dirname(path.dirname(require.resolve("@pulumi/pulumi/package.json"))),
);

let elsewhere: string;
beforeAll(() => {
  elsewhere = mkdtempSync(path.join(tmpdir(), "provider-host-"));
});
afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

describe("exposeToProviderHost", () => {
  it("adds the folder holding @pulumi/pulumi to NODE_PATH when the working directory cannot resolve it", () => {
    const env: NodeJS.ProcessEnv = { NODE_PATH: "/opt/other" };
    expect(exposeToProviderHost(env, elsewhere)).toEqual([nodeModules]);
    expect(env.NODE_PATH).toBe(["/opt/other", nodeModules].join(path.delimiter));
    // Once is enough.
    expect(exposeToProviderHost(env, elsewhere)).toEqual([]);
    expect(env.NODE_PATH).toBe(["/opt/other", nodeModules].join(path.delimiter));
  });

  it("changes nothing inside a program the Pulumi CLI's language host runs", () => {
    const env: NodeJS.ProcessEnv = { PULUMI_NODEJS_MONITOR: "127.0.0.1:1" };
    expect(exposeToProviderHost(env, elsewhere)).toEqual([]);
    expect(env.NODE_PATH).toBeUndefined();
  });
});
