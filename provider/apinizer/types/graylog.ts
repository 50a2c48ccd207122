import { FieldSet } from "../../core/fields";

/**
 * The graylog type
 * (https://docs.apinizer.com/api-reference/connections/connections/connection-graylog): a GELF
 * target. Its only secret is the embedded certificate chain.
 */
export const graylog: FieldSet = {
  hostname: { kind: "string", required: true },
  port: { kind: "integer", min: 1, max: 65535, default: 12201 },
  transportType: { kind: "string", enum: ["TCP", "UDP"], default: "TCP" },
  tlsEnabled: { kind: "boolean", default: false },
  tlsCertVerificationEnabled: { kind: "boolean", default: false },
  compressionType: { kind: "string", enum: ["NONE", "GZIP", "ZLIB"], default: "NONE" },
  gelfMessageLevel: {
    kind: "string",
    enum: ["EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFO", "DEBUG"],
    default: "INFO",
  },
  queueSize: { kind: "integer", min: 1, default: 512 },
  reconnectDelay: { kind: "integer", min: 0, default: 2500, doc: "milliseconds" },
  connectTimeout: { kind: "integer", min: 0, default: 10000, doc: "milliseconds" },
  tcpNoDelay: { kind: "boolean", default: true },
  tcpKeepAlive: { kind: "boolean", default: false },
  // -1 leaves the socket buffer at the system default (graylog page).
  sendBufferSize: { kind: "integer", min: -1, default: -1, doc: "bytes; -1 = system default" },
  maxInflightSends: { kind: "integer", min: 1, default: 512 },
  threads: { kind: "integer", min: 0, default: 0, doc: "0 = the client's default" },
  // Embedded file content, not a reference (docs/api/apinizer.md#references-and-embedded-files);
  // sensitive, and "masked in get operations" (connection-graylog page, v1 and v2).
  tlsTrustCertChainFile: {
    kind: "string",
    secret: true,
    maskedOnRead: true,
    requiredWhen: { field: "tlsCertVerificationEnabled", equals: true },
    doc: "base64 of the trusted certificate chain",
  },
  tlsTrustCertChainFileName: { kind: "string" },
  appendToAttributes: { kind: "boolean", default: true },
  appendToMessage: { kind: "boolean", default: true },
};
