/** The connections API emulator: start it in-process, or run `dist/emulator/cli.js`. */
export {
  startEmulator,
  DEFAULT_APINIZER_TOKEN,
  DEFAULT_PICTORY_API_KEY,
  DEFAULT_PROJECTS,
} from "./server";
export type {
  ApinizerEnvelope,
  EmulatorOptions,
  FaultAction,
  FaultMatch,
  FaultRule,
  FaultSettings,
  PictoryAccessRules,
  PictoryFamilyName,
  RequestFamily,
  RequestLogEntry,
  RunningEmulator,
  TenantCredentials,
} from "./types";
export {
  CONNECTION_TYPES,
  connectionType,
  maskedInGetFields,
  secretFields,
  EMULATOR_POD_NAME,
} from "./apinizer-types";
export type {
  ConnectionTypeDecl,
  FieldSpec,
  FieldTable,
  KeystoreReference,
} from "./apinizer-types";
export { keystoreId } from "./store";
export { PICTORY_AWS, PICTORY_VIMEO, PICTORY_FAMILIES } from "./pictory-families";
export type { PictoryFamily, PictoryField } from "./pictory-families";
export { CONNECTION_ID_PATTERN } from "./pictory";
export { APINIZER_NAME_PATTERN } from "./apinizer-validate";
export { fingerprint } from "./admin";
