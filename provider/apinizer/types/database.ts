import { z } from "zod";
import { FieldSet } from "../../core/fields";
import { login } from "./login";

/**
 * Log tables whose schema or name a v2 server lets a database log target override
 * (docs/api/apinizer.md#fields-of-one-generation).
 */
const LOG_TABLES = [
  "ApiProxyTraffic",
  "PolicyCapture",
  "AuditEvent",
  "Application",
  "UnsentMessage",
  "TokenTraffic",
] as const;

const logTableOverrides = z.partialRecord(z.enum(LOG_TABLES), z.string().min(1));

/**
 * The database type
 * (https://docs.apinizer.com/api-reference/connections/connections/connection-database). The create
 * page's example also shows `host`, `port` and `driverClassName`; they are not in the type's table
 * and are deliberately not fields (docs/api/apinizer.md#examples-that-contradict-the-field-tables).
 */
export const database: FieldSet = {
  dbType: {
    kind: "string",
    required: true,
    enum: [
      "ORACLE",
      "MYSQL",
      "POSTGRES",
      "SQL_SERVER",
      "SYBASE",
      "DB2",
      "APACHE_HIVE",
      "APACHE_IMPALA",
      "MONGODB",
      "TRINO",
    ],
  },
  jdbcUrl: { kind: "string", required: true, doc: "for example jdbc:postgresql://host:5432/db" },
  useCredentials: { kind: "boolean", default: true },
  // `useCredentials` defaults to true (database page), so only an explicit false turns it off.
  // "Password is masked in get operations" (connection-database page, v1 and v2).
  ...login({ field: "useCredentials", notEquals: false }, "username", "password", {
    maskedOnRead: true,
  }),
  databaseName: { kind: "string" },
  initialPoolSize: { kind: "integer", min: 0, default: 1 },
  minPoolSize: { kind: "integer", min: 0, default: 1 },
  maxPoolSize: { kind: "integer", min: 1, default: 5 },
  incrementCount: { kind: "integer", min: 1, default: 1 },
  maxStatements: { kind: "integer", min: 0, default: 100 },
  idleConnectionTestPeriod: { kind: "integer", min: 0, default: 30000, doc: "milliseconds" },
  connectionTimeout: { kind: "integer", min: 0, default: 30000, doc: "milliseconds" },
  testConnectionOnCheckout: { kind: "boolean", default: true },
  testConnectionOnCheckin: { kind: "boolean", default: false },
  maxConnectionAge: { kind: "integer", min: 0, default: 180000, doc: "milliseconds" },
  maxIdleTime: { kind: "integer", min: 0, default: 120000, doc: "milliseconds" },
  // Its meaning is undocumented (docs/api/apinizer.md#where-the-pages-are-silent); passed through
  // as is.
  selectedEnvironmentId: { kind: "string" },
  // The next three exist on v2 servers only (docs/api/apinizer.md#fields-of-one-generation).
  defaultLogSchema: { kind: "string", doc: "schema of the log tables when used as a log target" },
  logTableSchemaOverrides: {
    kind: "json",
    schema: logTableOverrides,
    doc: `schema per log table; keys: ${LOG_TABLES.join(", ")}`,
  },
  logTableNameOverrides: {
    kind: "json",
    schema: logTableOverrides,
    doc: `table name per log table; keys: ${LOG_TABLES.join(", ")}`,
  },
};
