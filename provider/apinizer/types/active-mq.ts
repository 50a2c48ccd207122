import { FieldSet } from "../../core/fields";

/**
 * The activeMq type
 * (https://docs.apinizer.com/api-reference/connections/connections/connection-activemq).
 */
export const activeMq: FieldSet = {
  activeMqConnectionProtocolType: {
    kind: "string",
    required: true,
    enum: ["TCP", "AMQP"],
    doc: "TCP (port 61616) or AMQP (port 5672)",
  },
  brokerURL: {
    kind: "string",
    required: true,
    // ssl, failover and nio are ActiveMQ transports too; the emulator accepts the same set.
    pattern: /^(tcp|amqp|ssl|failover|nio):\S+$/,
    patternText: "a broker URL such as tcp://host:61616 or amqp://host:5672",
  },
  username: { kind: "string" },
  // "Password is masked in get operations" (connection-activemq page, v1 and v2).
  password: { kind: "string", secret: true, maskedOnRead: true },
  destinationType: { kind: "string", required: true, enum: ["QUEUE", "TOPIC"] },
  destinationName: { kind: "string", required: true },
  sessionAcknowledgement: {
    kind: "string",
    enum: ["AUTO_ACKNOWLEDGE", "CLIENT_ACKNOWLEDGE", "DUPS_OK_ACKNOWLEDGE", "SESSION_TRANSACTED"],
    default: "AUTO_ACKNOWLEDGE",
  },
  sendTimeout: { kind: "integer", min: 0, default: 60000, doc: "milliseconds" },
  requestTimeout: { kind: "integer", min: 0, default: 60000, doc: "milliseconds" },
  closeTimeout: { kind: "integer", min: 0, default: 60000, doc: "milliseconds" },
  connectTimeout: { kind: "integer", min: 0, default: 60000, doc: "milliseconds" },
  contentType: { kind: "string" },
  clientID: { kind: "string", doc: "needed for durable topic subscriptions" },
  contentEncoding: { kind: "string" },
};
