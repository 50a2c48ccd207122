export { Connection, ConnectionArgs, ConnectionCommonArgs } from "./connection";
export * from "./types";
