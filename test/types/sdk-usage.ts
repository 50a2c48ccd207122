/**
 * The SDK as a user's program writes it. Type-checked by `sdk-types.test.ts` (and `npm run
 * typecheck`), never executed: jest only runs `*.test.ts`, and nothing here is called.
 *
 * Every `@ts-expect-error` must be used, or the compiler reports the directive: each one says, after
 * the colon, a word the compiler's message for the next line contains, and the test checks that.
 */
import * as pulumi from "@pulumi/pulumi";
import { apinizer, pictory } from "../../sdk/nodejs";

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
  const unknownPolicy = new pictory.AwsConnection("unknown-policy", {
    awsAccountId: "123456789012",
    awsRegion: "us-east-1",
    // @ts-expect-error: ignore
    onConflict: "ignore",
  });
  const numericAdopt = new pictory.VimeoConnection("number-for-adopt", {
    clientIdentifier: "my-vimeo-app",
    clientSecret: pulumi.secret("s"),
    accessToken: pulumi.secret("t"),
    // @ts-expect-error: number
    adopt: 42,
  });
  return [
    ...[email, noRegion, database, numericAccount, numericHost, unknownType],
    ...[unknownPolicy, numericAdopt],
  ];
}

/** The inputs every kind takes (generated from their declarations), as a program passes them. */
export function commonInputs() {
  const cfg = new pulumi.Config();
  const adopted = new apinizer.Connection("adopted", {
    projectName: "payments",
    type: "webhook",
    fullUrl: "https://hooks.example.com/x",
    account: "eu",
    adopt: true,
    onConflict: "overwrite",
  });
  const byId = new pictory.AwsConnection("by-id", {
    awsAccountId: "123456789012",
    awsRegion: "us-east-1",
    account: cfg.require("account"),
    adopt: pulumi.output("20261202044534009ae5zzl227j0a620y"),
    onConflict: pulumi.output("fail" as const),
  });
  return [adopted, byId];
}

/** Outputs typed by `type`: each type's fields, and no other type's. */
export function typedOutputs() {
  const cfg = new pulumi.Config();
  const mail = new apinizer.Connection("alerts", {
    projectName: "payments",
    type: "email",
    host: "smtp.example.com",
    auth: true,
    username: "bot",
    password: cfg.requireSecret("smtp"),
  });
  const host: pulumi.Output<string> = mail.host;
  const port: pulumi.Output<number> = mail.port;
  const password: pulumi.Output<string | undefined> = mail.password;
  const type: pulumi.Output<"email"> = mail.type;
  const shouting = mail.host.apply((h) => h.toUpperCase());
  const hook = new apinizer.Connection("hooks", {
    projectName: "payments",
    type: "webhook",
    fullUrl: "https://hooks.example.com/x",
  });
  const timeout: pulumi.Output<number> = hook.timeout;
  // Any connection, whatever its type: only the common outputs.
  const anyType = (c: apinizer.Connection): pulumi.Output<string> => c.name;
  // @ts-expect-error: host
  const unknownType = (c: apinizer.Connection) => c.host;
  const name = anyType(mail);
  // @ts-expect-error: jdbcUrl
  const notAnEmailField = mail.jdbcUrl;
  // @ts-expect-error: host
  const notAWebhookField = hook.host;
  // @ts-expect-error: number
  const portAsText: pulumi.Output<string> = mail.port;
  const vimeo = new pictory.VimeoConnection("marketing", {
    clientIdentifier: "my-vimeo-app",
    clientSecret: cfg.requireSecret("vimeoSecret"),
    accessToken: cfg.requireSecret("vimeoToken"),
  });
  // A write-only secret is what the stack sent, and a refresh may drop it: never sure to be set.
  // @ts-expect-error: undefined
  const secret: pulumi.Output<string> = vimeo.clientSecret;
  return [
    ...[host, port, password, type, shouting, timeout, name],
    ...[unknownType, notAnEmailField, notAWebhookField, portAsText, secret],
  ];
}
