export {
  Connection,
  ConnectionArgs,
  ConnectionCommonArgs,
  ConnectionConstructor,
  ConnectionResource,
} from "./connection";
export * from "./outputs";
export * from "./types";
export * from "./get-connection";
