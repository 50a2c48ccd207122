import * as pulumi from "@pulumi/pulumi";
import { apinizer, pictory } from "pulumi-connections";

// The connections this repository owns. Credentials and base URLs come from the environment the
// pipeline sets from CI secrets (PICTORY_API_KEY, APINIZER_TOKEN, APINIZER_BASE_URL), so no stack
// config is needed; pulumi config set --secret pictory:apiKey ... works as well.
const config = new pulumi.Config();
const apinizerProject = config.get("apinizerProject") ?? "default";

const media = new pictory.AwsConnection("media", {
  name: "gitops-media",
  awsAccountId: "123456789012",
  awsRegion: "us-east-1",
  description: "raw footage, managed from Git",
});

const deployHooks = new apinizer.Connection("deploy-hooks", {
  projectName: apinizerProject,
  name: "gitops-deploy-hooks",
  type: "webhook",
  fullUrl: "https://hooks.example.com/deployments",
  httpMethod: "POST",
});

export const mediaConnectionId = media.connectionId;
export const mediaVersion = media.version;
export const deployHooksName = deployHooks.name;
