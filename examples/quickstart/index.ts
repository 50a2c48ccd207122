import * as pulumi from "@pulumi/pulumi";
import { apinizer, pictory } from "pulumi-connections";

// The quickstart stack: one connection of each kind. Credentials and base URLs come from stack
// config (pictory:apiKey, apinizer:token, ...), which `npm start` points at the local emulator.
const cfg = new pulumi.Config();

const media = new pictory.AwsConnection("media", {
  name: "quickstart-media",
  awsAccountId: "123456789012",
  awsRegion: "us-east-2",
  description: "raw footage bucket",
});

const vimeo = new pictory.VimeoConnection("marketing", {
  name: "quickstart-marketing",
  clientIdentifier: "quickstart-client",
  clientSecret: cfg.requireSecret("vimeoClientSecret"),
  accessToken: cfg.requireSecret("vimeoAccessToken"),
});

const alerts = new apinizer.Connection("alerts", {
  projectName: "demo",
  name: "quickstart-alerts",
  type: "email",
  host: "smtp.example.com",
  port: 587,
  auth: true,
  username: "alerts-bot",
  password: cfg.requireSecret("smtpPassword"),
});

const hooks = new apinizer.Connection("hooks", {
  projectName: "demo",
  name: "quickstart-hooks",
  type: "webhook",
  fullUrl: "https://hooks.example.com/pulumi",
  httpMethod: "POST",
  deployToWorker: false,
});

export const mediaConnectionId = media.connectionId;
export const mediaVersion = media.version;
export const vimeoConnectionId = vimeo.connectionId;
export const alertsName = alerts.name;
export const hooksName = hooks.name;
