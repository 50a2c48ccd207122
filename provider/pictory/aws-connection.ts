import { pictoryKind } from "./shared";

/**
 * Pictory AWS S3 private connection. Account and region are fixed at creation
 * (docs/api/pictory-aws.md#account-and-region-are-fixed).
 */
export const awsConnection = pictoryKind({
  token: "pictory:AwsConnection",
  title: "Pictory AWS connection",
  doc: "A Pictory AWS S3 private connection: lets Pictory read media from a private bucket.",
  path: "/v1/awsconnections",
  fields: {
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
});
