export { AwsConnection, AwsConnectionArgs } from "./aws-connection";
export { VimeoConnection, VimeoConnectionArgs } from "./vimeo-connection";
export * from "./get-aws-connection";
export * from "./get-vimeo-connection";
