import * as path from "node:path";

/** The built provider, as the dynamic-provider host loads it. */
export const BUILT_PROVIDER = path.resolve(__dirname, "..", "..", "dist", "provider", "index.js");

/**
 * JavaScript for a child process that stands in for the dynamic-provider host: it loads the built
 * provider and defines `h`, the hooks of pictory:AwsConnection, and `ready`, the promise of their
 * `configure` against the Pictory API at `baseUrl`, with request and operation deadlines no test
 * reaches, so that only what the test does can end an operation.
 */
export function pictoryHooksSource(baseUrl: string): string {
  return `
    const cfg = {
      "pictory:apiKey": "pictai_emulator_key",
      "pictory:baseUrl": ${JSON.stringify(baseUrl)},
      "connections:requestTimeoutMs": "600000",
      "connections:operationTimeoutMs": "600000",
    };
    const h = require(${JSON.stringify(BUILT_PROVIDER)}).hooks("pictory:AwsConnection");
    const ready = h.configure({ config: { get: (k) => cfg[k] } });
  `;
}
