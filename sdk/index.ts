export * as pictory from "./pictory";
export * as apinizer from "./apinizer";
export { SecretInput } from "./secret-input";
export { ConnectionOptionsArgs } from "./resource";
