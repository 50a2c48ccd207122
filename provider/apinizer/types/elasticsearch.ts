import { z } from "zod";
import { FieldSet, FieldSpec } from "../../core/fields";
import { login } from "./login";

const count = z.number().int().min(0);

const PKCS12 = "application/x-pkcs12";

/**
 * A file the connection carries as base64, secret and masked in get answers ("Secret fields are
 * masked in get operations"), followed by its `<field>ContentType` with the type's default.
 */
function encodedFile(
  field: string,
  contentType: string,
  spec: Pick<FieldSpec, "requiredWhen" | "doc">,
): FieldSet {
  return {
    [field]: { kind: "string", secret: true, maskedOnRead: true, ...spec },
    [`${field}ContentType`]: { kind: "string", default: contentType },
  };
}

/**
 * Elasticsearch `indexLifecyclePolicy`
 * (https://docs.apinizer.com/api-reference/connections/connections/connection-elasticsearch); sizes
 * in GB, ages in days.
 */
const ILM_POLICY = z
  .strictObject({
    policyName: z.string().min(1).optional(),
    enableHotPhase: z.boolean().optional(),
    maxAgeOfRollover: count.optional(),
    maxIndexSizeOfRollover: count.optional(),
    maxDocCountOfRollover: count.optional(),
    enableWarmPhase: z.boolean().optional(),
    numberOfReplicasForWarm: count.optional(),
    maxNumShardsForShrink: count.optional(),
    maxNumSegmentsForForceMerge: count.optional(),
    enableColdPhase: z.boolean().optional(),
    minAgeOfCold: count.optional(),
    numberOfReplicasForCold: count.optional(),
    enableDeletePhase: z.boolean().optional(),
    minAgeOfDelete: count.optional(),
  })
  .refine(
    (p) =>
      p.enableHotPhase === true ||
      p.enableWarmPhase === true ||
      p.enableColdPhase === true ||
      p.enableDeletePhase === true,
    {
      error:
        "must enable at least one phase: set enableHotPhase, enableWarmPhase, " +
        "enableColdPhase or enableDeletePhase to true",
    },
  );

/**
 * The current elasticsearch page's field set: the earlier one called `elasticsearchType` `type`,
 * which collides with the discriminator
 * (docs/api/apinizer.md#examples-that-contradict-the-field-tables), and had fields the current one
 * dropped as "not in code" (docs/api/apinizer.md#fields-of-one-generation). The `ca*File` fields
 * carry file content inline (base64), not references
 * (docs/api/apinizer.md#references-and-embedded-files). The connection-elasticsearch page says
 * "Secret fields are masked in get operations" and its get example shows the files as null too, so
 * they are secret and masked on read, like the passwords.
 */
export const elasticsearch: FieldSet = {
  administrate: {
    kind: "boolean",
    default: false,
    doc: "may create indices, templates and ILM policies",
  },
  elasticHostList: {
    kind: "json",
    required: true,
    schema: z
      .array(
        z.strictObject({
          scheme: z.enum(["http", "https"]).optional(),
          host: z.string().min(1),
          port: z.number().int().min(1).max(65535).optional(),
        }),
      )
      .min(1, { error: "must list at least one {scheme, host, port}" }),
    doc: "nodes as {scheme, host, port}; scheme defaults to http, port to 9200",
  },
  authenticate: { kind: "boolean", default: false },
  // "Secret fields are masked in get operations" (connection-elasticsearch page, v1 and v2).
  ...login({ field: "authenticate", equals: true }, "elasticUsername", "elasticPassword", {
    maskedOnRead: true,
  }),
  encryptCommunication: { kind: "boolean", default: false },
  encryptCommunicationType: {
    kind: "string",
    enum: ["CA_CERTIFICATE_IN_PKCS_12", "CA_IN_PEM_FILE", "CERT_AND_PRIVATE_KEY_IN_PKCS_12"],
    requiredWhen: { field: "encryptCommunication", equals: true },
  },
  ...encodedFile("caCertInPkcs12File", PKCS12, {
    requiredWhen: { field: "encryptCommunicationType", equals: "CA_CERTIFICATE_IN_PKCS_12" },
    doc: "base64 of a PKCS#12 file holding the CA certificate",
  }),
  ...encodedFile("caInPemFile", "application/x-pem-file", {
    requiredWhen: { field: "encryptCommunicationType", equals: "CA_IN_PEM_FILE" },
    doc: "base64 of a PEM file holding the CA certificate",
  }),
  ...encodedFile("caTruststoreFile", PKCS12, { doc: "base64 of a PKCS#12 truststore" }),
  caTruststoreFilePass: { kind: "string", secret: true, maskedOnRead: true },
  ...encodedFile("caKeystoreFile", PKCS12, {
    requiredWhen: { field: "encryptCommunicationType", equals: "CERT_AND_PRIVATE_KEY_IN_PKCS_12" },
    doc: "base64 of a PKCS#12 keystore with the client certificate and its private key",
  }),
  caKeystoreFilePass: {
    kind: "string",
    secret: true,
    maskedOnRead: true,
    // Required "with caKeystoreFile" (elasticsearch page): an empty string counts as no file, as in
    // the emulator.
    requiredWhen: { field: "caKeystoreFile", present: true },
  },
  disableHostnameVerification: { kind: "boolean", default: false },
  indexLifecyclePolicyCreated: { kind: "boolean", default: false },
  indexLifecyclePolicy: {
    kind: "json",
    schema: ILM_POLICY,
    requiredWhen: { field: "indexLifecyclePolicyCreated", equals: true },
    doc: "the ILM policy to create; at least one phase must be enabled",
  },
  indexTemplateCreated: { kind: "boolean", default: false },
  indexTemplateName: {
    kind: "string",
    requiredWhen: { field: "indexTemplateCreated", equals: true },
  },
  indexName: { kind: "string" },
  indexTemplateNumberOfShards: { kind: "integer", min: 1 },
  indexTemplateNumberOfReplicas: { kind: "integer", min: 0 },
  indexTemplateRefreshInterval: {
    kind: "string",
    pattern: /^-?\d+(ms|s|m|h|d)$/,
    patternText: "an Elasticsearch duration such as 1s or 500ms",
  },
  // v1 had no default; v2 documents 5000 (docs/api/apinizer.md#fields-of-one-generation).
  connectionTimeoutInMs: { kind: "integer", min: 0, default: 5000, doc: "milliseconds" },
  bulkBufferCapacity: { kind: "integer", min: 1, default: 50000 },
  bulkFlushIntervalMs: { kind: "integer", min: 1, default: 100, doc: "milliseconds" },
  bulkMaxBatchSize: { kind: "integer", min: 1, default: 2500 },
  elasticsearchType: { kind: "string", enum: ["READ_WRITE", "READ"], default: "READ_WRITE" },
  elasticsearchMajorVersion: {
    kind: "string",
    enum: ["AUTO_DETECT", "ES_7", "ES_8", "ES_9"],
    default: "AUTO_DETECT",
  },
};
