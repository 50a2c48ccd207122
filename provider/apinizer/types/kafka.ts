import { z } from "zod";
import { FieldSet } from "../../core/fields";

const VALUE_TYPES = [
  "STRING",
  "BOOLEAN",
  "INTEGER",
  "LONG",
  "DOUBLE",
  "FLOAT",
  "STRING_LIST",
  "URI",
] as const;

/** Producer properties the server cannot do without (kafka page). */
const REQUIRED_PROPERTIES = ["bootstrap.servers", "key.serializer", "value.serializer"] as const;

/**
 * The kafka type
 * (https://docs.apinizer.com/api-reference/connections/connections/connection-kafka). The create
 * page's flat `bootstrapServers` is not a field: the type page's `propertiesMap` wins
 * (docs/api/apinizer.md#examples-that-contradict-the-field-tables).
 */
export const kafka: FieldSet = {
  topicName: { kind: "string", required: true },
  propertiesMap: {
    kind: "json",
    required: true,
    // Not secret: the kafka page does not flag it, although SASL settings such as sasl.jaas.config
    // can hold credentials (docs/api/apinizer.md#fields-that-may-carry-secrets); users who put them
    // here should wrap it in a secret.
    schema: z
      .record(
        z.string().min(1),
        z.strictObject({ value: z.string(), valueType: z.enum(VALUE_TYPES) }),
      )
      .superRefine((map, ctx) => {
        const missing = REQUIRED_PROPERTIES.filter(
          (k) => !Object.prototype.hasOwnProperty.call(map, k),
        );
        if (missing.length > 0) {
          ctx.addIssue({
            code: "custom",
            message: `must contain ${missing.join(", ")}; add them as {value, valueType}`,
          });
        }
      }),
    doc: "producer properties as {value, valueType}, with bootstrap.servers and both serializers",
  },
  enableSecure: { kind: "boolean", default: false },
  protocolTypes: {
    kind: "json",
    schema: z.array(z.enum(["TLS_1_3", "TLS_1_2", "TLS_1_1", "TLS_1_0", "SSL_3_0"])),
    requiredWhen: { field: "enableSecure", equals: true },
    default: [],
  },
  // Keystores are referenced by name and must exist; the server resolves them to IDs
  // (docs/api/apinizer.md#kafka-keystores).
  keyStoreName: {
    kind: "string",
    requiredWhen: { field: "enableSecure", equals: true },
    doc: "name of an existing keystore in the project",
  },
  trustStoreName: { kind: "string", doc: "name of an existing truststore in the project" },
};
