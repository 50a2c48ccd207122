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
 * Per-type fields, keyed by the case-sensitive `type` discriminator (spec C.7), in the spec's
 * order. `ops-genie` is left out: it is undocumented and missing from the list endpoint (C.5).
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
