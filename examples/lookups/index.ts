import * as pulumi from "@pulumi/pulumi";
import { apinizer, pictory } from "pulumi-connections";

// Reading connections made in the consoles, without managing them. Each lookup is one GET in the
// program (so it runs during `preview` too), with the same credentials as the resources.
const config = new pulumi.Config();
const awsId = config.require("awsConnectionId"); // in the Pictory account "eu"
const vimeoId = config.require("vimeoConnectionId"); // in the default Pictory account
const mailName = config.require("mailName"); // in the Apinizer project "demo"

// The Promise form: plain values, and secret fields as secret Outputs.
export const aws = pictory
  .getAwsConnection({ connectionId: awsId, account: "eu" })
  .then((c) => ({ name: c.name, awsRegion: c.awsRegion, version: c.version }));

// The Output form takes Outputs as arguments.
const vimeo = pictory.getVimeoConnectionOutput({ connectionId: vimeoId });
export const vimeoClientIdentifier = vimeo.clientIdentifier;

// An email connection's password comes back in full, so the whole result is secret.
const mail = apinizer.getConnectionOutput({ projectName: "demo", name: mailName });
export const mailHost = mail.apply((m) => (m.type === "email" ? m.host : undefined));
export const mailPassword = mail.apply((m) => (m.type === "email" ? m.password : undefined));

// `.get`: a read-only resource, refreshed with the stack and never created, updated or deleted.
const media = pictory.AwsConnection.get("hand-made-media", awsId, { account: "eu" });
export const mediaName = media.name;
export const mediaVersion = media.version;
const alerts = apinizer.Connection.get("hand-made-alerts", `demo/${mailName}`);
export const alertsType = alerts.type;
