export { AwsConnection, AwsConnectionArgs } from "./aws-connection";
export { VimeoConnection, VimeoConnectionArgs } from "./vimeo-connection";
