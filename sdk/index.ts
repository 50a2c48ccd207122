export * as pictory from "./pictory";
export * as apinizer from "./apinizer";
export { SecretInput } from "./secret-input";
export { ConnectionGetOptions, ConnectionOptionsArgs } from "./resource";
