import { ResourceKind } from "../core/kind";
import { pictoryApi } from "./api";
import {
  PICTORY_DESCRIPTION,
  PICTORY_ENABLED,
  PICTORY_NAME,
  PICTORY_NAME_ALPHABET,
} from "./shared";

/** Pictory AWS S3 private connection (spec A). Account and region are fixed at creation (A.2). */
export const awsConnection: ResourceKind = {
  token: "pictory:AwsConnection",
  family: "pictory",
  title: "Pictory AWS connection",
  fields: {
    name: PICTORY_NAME,
    description: PICTORY_DESCRIPTION,
    enabled: PICTORY_ENABLED,
    awsAccountId: {
      kind: "string",
      required: true,
      replaceOnChange: true,
      pattern: /^\d{12}$/,
      patternText: "a 12-digit AWS account ID",
    },
    awsRegion: {
      kind: "string",
      required: true,
      replaceOnChange: true,
      pattern: /^[a-z]{2}(-gov)?-[a-z]+-\d$/,
      patternText: "an AWS region such as us-east-2",
    },
  },
  uniqueNames: true,
  nameAlphabet: PICTORY_NAME_ALPHABET,
  nameMaxLength: 100,
  outputs: ["connectionId", "version", "createdDate", "updatedDate"],
  volatile: ["createdDate", "updatedDate"],
  api: pictoryApi({ path: "/v1/awsconnections" }),
};
