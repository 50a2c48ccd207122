import * as pulumi from "@pulumi/pulumi";
import { apinizer, pictory } from "pulumi-connections";

// Connections in two Pictory accounts and on two Apinizer servers, from one stack. The default
// credentials (pictory:apiKey, apinizer:token) serve resources without `account`; the others are
// named entries of pictory:accounts and apinizer:accounts:
//
//   pulumi config set --path --secret 'pictory:accounts.eu.apiKey' pictai_...
//   pulumi config set --path --secret 'apinizer:accounts.dc2.token' <token>
//   pulumi config set --path 'apinizer:accounts.dc2.baseUrl' https://dc2.example.com/apiops
const config = new pulumi.Config();

// Which account the footage connection lives in: moving it re-creates it in the other account,
// and the plan says so (another account is another namespace).
const mediaAccount = config.get("mediaAccount");

const media = new pictory.AwsConnection("media", {
  account: mediaAccount,
  awsAccountId: "123456789012",
  awsRegion: "us-east-1",
});

const euVimeo = new pictory.VimeoConnection("eu-vimeo", {
  account: "eu",
  clientIdentifier: "eu-vimeo-app",
  clientSecret: config.requireSecret("vimeoSecret"),
  accessToken: config.requireSecret("vimeoToken"),
});

const alerts = new apinizer.Connection("alerts", {
  projectName: "demo",
  type: "email",
  host: "smtp.example.com",
  auth: true,
  username: "bot",
  password: config.requireSecret("smtpPassword"),
});

const dc2Alerts = new apinizer.Connection("dc2-alerts", {
  account: "dc2",
  projectName: "demo",
  type: "email",
  host: "smtp.dc2.example.com",
  auth: true,
  username: "bot",
  password: config.requireSecret("smtpPassword"),
});

export const mediaId = media.id;
export const euVimeoId = euVimeo.id;
export const alertsId = alerts.id;
export const dc2AlertsId = dc2Alerts.id;
