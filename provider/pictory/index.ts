export { awsConnection } from "./aws-connection";
export { vimeoConnection } from "./vimeo-connection";
export { pictoryApi, PictoryEndpoint } from "./api";
