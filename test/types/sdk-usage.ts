/**
 * The SDK as a user's program writes it. Type-checked by `sdk-types.test.ts` (and `npm run
 * typecheck`), never executed: jest only runs `*.test.ts`, and nothing here is called.
 *
 * Every `@ts-expect-error` must be used, or the compiler reports the directive: each one says, after
 * the colon, a word the compiler's message for the next line contains, and the test checks that.
 */
import * as pulumi from "@pulumi/pulumi";
import { apinizer, pictory } from "../../sdk";

/** The example of the issue: one resource of each kind. */
export function issueExample() {
  const cfg = new pulumi.Config();
  const s3 = new pictory.AwsConnection("media", {
    awsAccountId: "123456789012",
    awsRegion: "us-east-1",
    description: "raw footage",
  });
  const vimeo = new pictory.VimeoConnection("marketing", {
    clientIdentifier: "my-vimeo-app",
    clientSecret: cfg.requireSecret("vimeoSecret"),
    accessToken: cfg.requireSecret("vimeoToken"),
  });
  const mail = new apinizer.Connection("alerts", {
    projectName: "payments",
    type: "email",
    host: "smtp.example.com",
    port: 587,
    username: "bot",
    password: cfg.requireSecret("smtp"),
  });
  const outputs: pulumi.Output<string>[] = [s3.connectionId, vimeo.connectionId, mail.name];
  return outputs;
}

/** Mistakes the compiler must catch before `pulumi preview` does. */
export function mistakes() {
  const email = new apinizer.Connection("wrong-field", {
    projectName: "payments",
    type: "email",
    host: "smtp.example.com",
    // @ts-expect-error: fullUrl
    fullUrl: "https://hooks.example.com/x",
  });
  const noRegion = new pictory.AwsConnection(
    "no-region",
    // @ts-expect-error: awsRegion
    { awsAccountId: "123456789012" },
  );
  const database = new apinizer.Connection("wrong-enum", {
    projectName: "payments",
    type: "database",
    // @ts-expect-error: MARIADB
    dbType: "MARIADB",
    jdbcUrl: "jdbc:mariadb://db:3306/app",
    username: "app",
    password: pulumi.secret("pw"),
  });
  const numericAccount = new pictory.AwsConnection("number-for-string", {
    // @ts-expect-error: number
    awsAccountId: 123456789012,
    awsRegion: "us-east-1",
  });
  const numericHost = new apinizer.Connection("number-for-host", {
    projectName: "payments",
    type: "email",
    // @ts-expect-error: number
    host: 25,
  });
  const unknownType = new apinizer.Connection("unknown-type", {
    projectName: "payments",
    // @ts-expect-error: mail
    type: "mail",
    host: "smtp.example.com",
  });
  return [email, noRegion, database, numericAccount, numericHost, unknownType];
}
