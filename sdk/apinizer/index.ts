export { Connection, ConnectionArgs, ConnectionCommonArgs } from "./connection";
export * from "./types";
export * from "./get-connection";
