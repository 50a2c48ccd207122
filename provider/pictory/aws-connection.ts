import { pictoryKind } from "./shared";

/** Pictory AWS S3 private connection (spec A). Account and region are fixed at creation (A.2). */
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
