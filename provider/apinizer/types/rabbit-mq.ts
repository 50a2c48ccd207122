import { z } from "zod";
import { FieldSet } from "../../core/fields";
import { login } from "./login";

/**
 * The rabbitMq type
 * (https://docs.apinizer.com/api-reference/connections/connections/connection-rabbitmq).
 */
export const rabbitMq: FieldSet = {
  hostPortList: {
    kind: "json",
    required: true,
    schema: z
      .array(
        z.strictObject({
          host: z.string().min(1),
          // Defaults to 5672 per element (rabbitMq page).
          port: z.number().int().min(1).max(65535).optional(),
        }),
      )
      .min(1, { error: "must list at least one {host, port}" }),
    doc: "brokers as {host, port}; port defaults to 5672",
  },
  connectionFactoryVirtualHost: { kind: "string", default: "/" },
  authenticationEnabled: { kind: "boolean", default: false },
  ...login(
    { field: "authenticationEnabled", equals: true },
    "connectionFactoryUsername",
    "connectionFactoryPassword",
    // "Password is masked in get operations" (connection-rabbitmq page, v1 and v2).
    { maskedOnRead: true },
  ),
  connectionFactoryConnectionTimeout: {
    kind: "integer",
    min: 0,
    default: 60000,
    doc: "milliseconds",
  },
  connectionFactoryClientProperties: {
    kind: "json",
    schema: z.record(z.string(), z.string()),
    doc: "client properties sent to the broker, as strings",
  },
  connectionFactoryRequestedChannelMax: { kind: "integer", min: 0, default: 2047 },
  connectionFactoryRequestedFrameMax: {
    kind: "integer",
    min: 0,
    default: 0,
    doc: "0 means unlimited",
  },
  connectionFactoryRequestedHeartbeat: { kind: "integer", min: 0, default: 60, doc: "seconds" },
  connectionFactoryUseSslProtocol: { kind: "boolean", default: false },
  connectionFactorySslProtocol: { kind: "string", default: "TLSv1.2" },
  channelExchange: { kind: "string", default: "", doc: "empty means the default exchange" },
  // v1 documents the default "<queue-name>", v2 none; we declare none
  // (docs/api/apinizer.md#fields-of-one-generation).
  channelRoutingKey: { kind: "string" },
  basicPropertiesAppId: { kind: "string", default: "apinizer" },
  basicPropertiesContentType: { kind: "string", default: "application/json" },
  basicPropertiesContentEncoding: { kind: "string" },
  basicPropertiesReplyTo: { kind: "string" },
  basicPropertiesExpiration: {
    kind: "string",
    // AMQP carries the expiration as a string of milliseconds (rabbitMq page).
    pattern: /^\d+$/,
    patternText: 'milliseconds written as a string of digits, for example "60000"',
  },
  basicPropertiesType: { kind: "string" },
  basicPropertiesUserId: { kind: "string" },
  basicPropertiesClusterId: { kind: "string" },
  basicPropertiesDeliveryMode: {
    kind: "integer",
    min: 1,
    max: 2,
    doc: "1 = transient, 2 = persistent",
  },
  basicPropertiesPriority: { kind: "integer", min: 0, max: 255 },
};
