import { FieldSet } from "../../core/fields";

const LOCAL_FACILITIES = [
  "LOCAL0",
  "LOCAL1",
  "LOCAL2",
  "LOCAL3",
  "LOCAL4",
  "LOCAL5",
  "LOCAL6",
  "LOCAL7",
];

/**
 * The syslog type
 * (https://docs.apinizer.com/api-reference/connections/connections/connection-syslog).
 */
export const syslog: FieldSet = {
  syslogProtocolType: { kind: "string", enum: ["TCP", "UDP"], default: "TCP" },
  // Not secret: the syslog page does not flag it, although some cloud syslog services carry a key
  // here (docs/api/apinizer.md#fields-that-may-carry-secrets); users of such services should pass
  // it as a secret themselves.
  syslogMessageHostname: { kind: "string", doc: "hostname written into each message" },
  syslogServerHostname: { kind: "string", required: true },
  syslogPort: {
    kind: "integer",
    min: 1,
    max: 65535,
    default: 514,
    doc: "6514 is typical for RFC_5425",
  },
  syslogTimeout: { kind: "integer", min: 0, default: 500, doc: "milliseconds; TCP only" },
  syslogMessageFormat: {
    kind: "string",
    enum: ["RFC_3164", "RFC_5424", "RFC_5425"],
    default: "RFC_3164",
  },
  syslogAppName: { kind: "string", default: "Apinizer" },
  syslogFacility: {
    kind: "string",
    enum: [
      "KERN",
      "USER",
      "MAIL",
      "DAEMON",
      "AUTH",
      "SYSLOG",
      "LPR",
      "NEWS",
      "UUCP",
      "CRON",
      "AUTHPRIV",
      "FTP",
      "NTP",
      "AUDIT",
      "ALERT",
      "CLOCK",
      ...LOCAL_FACILITIES,
    ],
    default: "AUDIT",
  },
  syslogSeverity: {
    kind: "string",
    enum: [
      "EMERGENCY",
      "ALERT",
      "CRITICAL",
      "ERROR",
      "WARNING",
      "NOTICE",
      "INFORMATIONAL",
      "DEBUG",
    ],
    default: "INFORMATIONAL",
  },
  syslogSslEnabled: { kind: "boolean", default: false, doc: "TCP only" },
};
