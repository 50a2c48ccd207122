import { FieldSet } from "../../core/fields";
import { activeMq } from "./active-mq";
import { database } from "./database";
import { elasticsearch } from "./elasticsearch";
import { email } from "./email";
import { ftp } from "./ftp";
import { graylog } from "./graylog";
import { kafka } from "./kafka";
import { ldap } from "./ldap";
import { linuxScript } from "./linux-script";
import { logback } from "./logback";
import { rabbitMq } from "./rabbit-mq";
import { snmp } from "./snmp";
import { syslog } from "./syslog";
import { webhook } from "./webhook";

/**
 * Per-type fields, keyed by the case-sensitive `type` discriminator, in the order of
 * docs/api/apinizer.md#connection-types, which leaves `ops-genie` out: it is undocumented and
 * missing from the list endpoint.
 */
export const APINIZER_TYPES: Readonly<Record<string, FieldSet>> = {
  email,
  database,
  ldap,
  kafka,
  rabbitMq,
  activeMq,
  elasticsearch,
  ftp,
  graylog,
  syslog,
  webhook,
  logback,
  snmp,
  "linux-script": linuxScript,
};

/** What each type is for: the SDK's and the docs' description of it. */
export const APINIZER_TYPE_DOCS: Readonly<Record<string, string>> = {
  email: "an SMTP server for mail-sending policies",
  database: "a JDBC database for database policies and as a log target",
  ldap: "an LDAP directory for authentication policies",
  kafka: "a Kafka topic that policies and log targets write to",
  rabbitMq: "a RabbitMQ exchange that policies and log targets publish to",
  activeMq: "an ActiveMQ destination that policies and log targets send to",
  elasticsearch: "an Elasticsearch cluster as a log target",
  ftp: "an FTP, SFTP or FTPS server that policies and log targets write files to",
  graylog: "a Graylog (GELF) log target",
  syslog: "a syslog server as a log target",
  webhook:
    "an HTTP endpoint that policies and log targets call; the server trusts every TLS certificate of fullUrl",
  logback: "log files written by the worker pods through Logback",
  snmp: "an SNMP manager that traps and informs are sent to",
  "linux-script": "an SSH login on which script policies run",
};
