import { exposeToProviderHost } from "./provider-host";

export * as pictory from "./pictory";
export * as apinizer from "./apinizer";
export { SecretInput } from "./secret-input";
export { ConnectionGetOptions } from "./resource";
export { ConnectionOptionsArgs } from "./generated/options";

// On import, before an Automation API driver starts the CLI: see provider-host.ts.
exposeToProviderHost();
