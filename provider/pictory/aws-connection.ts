import { ResourceKind } from "../core/kind";
import { pictoryFamily } from "./family";
import { pictoryApi } from "./api";
import {
  PICTORY_DESCRIPTION,
  PICTORY_ENABLED,
  PICTORY_NAME,
  PICTORY_NAME_ALPHABET,
  PICTORY_OUTPUTS,
} from "./shared";

/** Pictory AWS S3 private connection (spec A). Account and region are fixed at creation (A.2). */
export const awsConnection: ResourceKind = {
  token: "pictory:AwsConnection",
  family: pictoryFamily,
  title: "Pictory AWS connection",
  doc: "A Pictory AWS S3 private connection: lets Pictory read media from a private bucket.",
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
      doc: "the AWS account that holds the bucket",
    },
    awsRegion: {
      kind: "string",
      required: true,
      replaceOnChange: true,
      pattern: /^[a-z]{2}(-gov)?-[a-z]+-\d$/,
      patternText: "an AWS region such as us-east-2",
      doc: "the bucket's region",
    },
  },
  uniqueNames: true,
  nameAlphabet: PICTORY_NAME_ALPHABET,
  nameMaxLength: 100,
  outputs: PICTORY_OUTPUTS,
  api: pictoryApi({ path: "/v1/awsconnections" }),
};
