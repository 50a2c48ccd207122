import * as pulumi from "@pulumi/pulumi";
import { SecretInput } from "../secret-input";

/*
 * The per-type fields of an Apinizer connection (connections-api.md C.7), as a program writes
 * them. They mirror `provider/apinizer/types`; test/unit/apinizer-types.test.ts keeps the two in
 * step (names, required, secret, defaults, enums).
 */

/** A `{name, value}` pair: email SMTP properties, webhook headers. */
export interface NameValuePair {
  readonly name: pulumi.Input<string>;
  readonly value: pulumi.Input<string>;
}

/** Spec C.7 email. */
export interface EmailConnectionFields {
  readonly type: "email";
  /** SMTP host, at most 255 characters. */
  readonly host: pulumi.Input<string>;
  /** SMTP port; 25, 465 or 587 are typical. @default 587 */
  readonly port?: pulumi.Input<number>;
  /** @default false */
  readonly enableStartTls?: pulumi.Input<boolean>;
  /** Whether the SMTP server needs a login. @default false */
  readonly auth?: pulumi.Input<boolean>;
  /** Required when `auth` is true. */
  readonly username?: pulumi.Input<string>;
  /** Secret. Required when `auth` is true. */
  readonly password?: SecretInput;
  /** @default "UTF-8" */
  readonly defaultEncoding?: pulumi.Input<string>;
  /** Recipient of the console's test mail. */
  readonly addressToTest?: pulumi.Input<string>;
  /** Default sender address. */
  readonly from?: pulumi.Input<string>;
  /** Extra SMTP properties. @default [] */
  readonly additionalProperties?: pulumi.Input<pulumi.Input<NameValuePair>[]>;
}

/** Log tables a database log target can override (v2 servers only). */
export type ApinizerLogTable =
  | "ApiProxyTraffic"
  | "PolicyCapture"
  | "AuditEvent"
  | "Application"
  | "UnsentMessage"
  | "TokenTraffic";

/** Spec C.7 database. */
export interface DatabaseConnectionFields {
  readonly type: "database";
  readonly dbType: pulumi.Input<
    | "ORACLE"
    | "MYSQL"
    | "POSTGRES"
    | "SQL_SERVER"
    | "SYBASE"
    | "DB2"
    | "APACHE_HIVE"
    | "APACHE_IMPALA"
    | "MONGODB"
    | "TRINO"
  >;
  /** For example `jdbc:postgresql://host:5432/db`. */
  readonly jdbcUrl: pulumi.Input<string>;
  /** @default true */
  readonly useCredentials?: pulumi.Input<boolean>;
  /** Required unless `useCredentials` is false. */
  readonly username?: pulumi.Input<string>;
  /** Secret. Required unless `useCredentials` is false. */
  readonly password?: SecretInput;
  readonly databaseName?: pulumi.Input<string>;
  /** @default 1 */
  readonly initialPoolSize?: pulumi.Input<number>;
  /** @default 1 */
  readonly minPoolSize?: pulumi.Input<number>;
  /** @default 5 */
  readonly maxPoolSize?: pulumi.Input<number>;
  /** @default 1 */
  readonly incrementCount?: pulumi.Input<number>;
  /** @default 100 */
  readonly maxStatements?: pulumi.Input<number>;
  /** Milliseconds. @default 30000 */
  readonly idleConnectionTestPeriod?: pulumi.Input<number>;
  /** Milliseconds. @default 30000 */
  readonly connectionTimeout?: pulumi.Input<number>;
  /** @default true */
  readonly testConnectionOnCheckout?: pulumi.Input<boolean>;
  /** @default false */
  readonly testConnectionOnCheckin?: pulumi.Input<boolean>;
  /** Milliseconds. @default 180000 */
  readonly maxConnectionAge?: pulumi.Input<number>;
  /** Milliseconds. @default 120000 */
  readonly maxIdleTime?: pulumi.Input<number>;
  /** Undocumented by Apinizer; passed through as is. */
  readonly selectedEnvironmentId?: pulumi.Input<string>;
  /** Schema of the log tables when used as a log target (v2 servers only). */
  readonly defaultLogSchema?: pulumi.Input<string>;
  /** Schema per log table (v2 servers only). */
  readonly logTableSchemaOverrides?: pulumi.Input<
    Partial<Record<ApinizerLogTable, pulumi.Input<string>>>
  >;
  /** Table name per log table (v2 servers only). */
  readonly logTableNameOverrides?: pulumi.Input<
    Partial<Record<ApinizerLogTable, pulumi.Input<string>>>
  >;
}

/** Spec C.7 ldap. */
export interface LdapConnectionFields {
  readonly type: "ldap";
  /** `ldap://host:389` or `ldaps://host:636`. */
  readonly serverAddress: pulumi.Input<string>;
  /** @default "NOT_REQUIRED" */
  readonly requireCertificateType?: pulumi.Input<"NOT_REQUIRED" | "REQUIRED_CN" | "REQUIRED_AN_PN">;
  /** Bind DN. */
  readonly username: pulumi.Input<string>;
  /** Secret. */
  readonly password: SecretInput;
  /** `{0}` stands for the user, for example `(uid={0})`. */
  readonly customFilter?: pulumi.Input<string>;
  /** @default "SUBTREE" */
  readonly searchScope?: pulumi.Input<"OBJECT" | "ONE_LEVEL" | "SUBTREE">;
  readonly baseDn: pulumi.Input<string>;
  /**
   * ID of the certificate that validates the server. Required when `useSsl` is true and
   * `requireCertificateType` is `REQUIRED_CN` or `REQUIRED_AN_PN`.
   */
  readonly certificateId?: pulumi.Input<string>;
  /** Informational only. */
  readonly certificateName?: pulumi.Input<string>;
  /** @default false */
  readonly useSsl?: pulumi.Input<boolean>;
  /** Undocumented by Apinizer; passed through as is. */
  readonly selectedEnvironmentId?: pulumi.Input<string>;
}

/** One Kafka producer property. */
export interface KafkaProperty {
  readonly value: pulumi.Input<string>;
  readonly valueType: pulumi.Input<
    "STRING" | "BOOLEAN" | "INTEGER" | "LONG" | "DOUBLE" | "FLOAT" | "STRING_LIST" | "URI"
  >;
}

/** Kafka producer properties; the three named ones are required by the server. */
export interface KafkaProperties {
  readonly "bootstrap.servers": pulumi.Input<KafkaProperty>;
  readonly "key.serializer": pulumi.Input<KafkaProperty>;
  readonly "value.serializer": pulumi.Input<KafkaProperty>;
  readonly [name: string]: pulumi.Input<KafkaProperty>;
}

/** Spec C.7 kafka. */
export interface KafkaConnectionFields {
  readonly type: "kafka";
  readonly topicName: pulumi.Input<string>;
  /**
   * Producer properties. Not secret by default: wrap the whole map in `pulumi.secret` if it holds
   * credentials such as `sasl.jaas.config`.
   */
  readonly propertiesMap: pulumi.Input<KafkaProperties>;
  /** @default false */
  readonly enableSecure?: pulumi.Input<boolean>;
  /** Required when `enableSecure` is true. @default [] */
  readonly protocolTypes?: pulumi.Input<
    pulumi.Input<"TLS_1_3" | "TLS_1_2" | "TLS_1_1" | "TLS_1_0" | "SSL_3_0">[]
  >;
  /** Name of an existing keystore in the project. Required when `enableSecure` is true. */
  readonly keyStoreName?: pulumi.Input<string>;
  /** Name of an existing truststore in the project. */
  readonly trustStoreName?: pulumi.Input<string>;
}

/** One RabbitMQ broker. */
export interface RabbitMqHostPort {
  readonly host: pulumi.Input<string>;
  /** @default 5672 */
  readonly port?: pulumi.Input<number>;
}

/** Spec C.7 rabbitMq. */
export interface RabbitMqConnectionFields {
  readonly type: "rabbitMq";
  /** At least one broker. */
  readonly hostPortList: pulumi.Input<pulumi.Input<RabbitMqHostPort>[]>;
  /** @default "/" */
  readonly connectionFactoryVirtualHost?: pulumi.Input<string>;
  /** @default false */
  readonly authenticationEnabled?: pulumi.Input<boolean>;
  /** Required when `authenticationEnabled` is true. */
  readonly connectionFactoryUsername?: pulumi.Input<string>;
  /** Secret. Required when `authenticationEnabled` is true. */
  readonly connectionFactoryPassword?: SecretInput;
  /** Milliseconds. @default 60000 */
  readonly connectionFactoryConnectionTimeout?: pulumi.Input<number>;
  readonly connectionFactoryClientProperties?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** @default 2047 */
  readonly connectionFactoryRequestedChannelMax?: pulumi.Input<number>;
  /** 0 means unlimited. @default 0 */
  readonly connectionFactoryRequestedFrameMax?: pulumi.Input<number>;
  /** Seconds. @default 60 */
  readonly connectionFactoryRequestedHeartbeat?: pulumi.Input<number>;
  /** @default false */
  readonly connectionFactoryUseSslProtocol?: pulumi.Input<boolean>;
  /** @default "TLSv1.2" */
  readonly connectionFactorySslProtocol?: pulumi.Input<string>;
  /** Empty means the default exchange. @default "" */
  readonly channelExchange?: pulumi.Input<string>;
  readonly channelRoutingKey?: pulumi.Input<string>;
  /** @default "apinizer" */
  readonly basicPropertiesAppId?: pulumi.Input<string>;
  /** @default "application/json" */
  readonly basicPropertiesContentType?: pulumi.Input<string>;
  readonly basicPropertiesContentEncoding?: pulumi.Input<string>;
  readonly basicPropertiesReplyTo?: pulumi.Input<string>;
  /** Milliseconds written as a string of digits, for example `"60000"`. */
  readonly basicPropertiesExpiration?: pulumi.Input<string>;
  readonly basicPropertiesType?: pulumi.Input<string>;
  readonly basicPropertiesUserId?: pulumi.Input<string>;
  readonly basicPropertiesClusterId?: pulumi.Input<string>;
  /** 1 = transient, 2 = persistent. */
  readonly basicPropertiesDeliveryMode?: pulumi.Input<number>;
  /** 0 to 255. */
  readonly basicPropertiesPriority?: pulumi.Input<number>;
}

/** Spec C.7 activeMq. */
export interface ActiveMqConnectionFields {
  readonly type: "activeMq";
  /** `TCP` (port 61616) or `AMQP` (port 5672). */
  readonly activeMqConnectionProtocolType: pulumi.Input<"TCP" | "AMQP">;
  /** For example `tcp://host:61616` or `amqp://host:5672`. */
  readonly brokerURL: pulumi.Input<string>;
  readonly username?: pulumi.Input<string>;
  /** Secret. */
  readonly password?: SecretInput;
  readonly destinationType: pulumi.Input<"QUEUE" | "TOPIC">;
  readonly destinationName: pulumi.Input<string>;
  /** @default "AUTO_ACKNOWLEDGE" */
  readonly sessionAcknowledgement?: pulumi.Input<
    "AUTO_ACKNOWLEDGE" | "CLIENT_ACKNOWLEDGE" | "DUPS_OK_ACKNOWLEDGE" | "SESSION_TRANSACTED"
  >;
  /** Milliseconds. @default 60000 */
  readonly sendTimeout?: pulumi.Input<number>;
  /** Milliseconds. @default 60000 */
  readonly requestTimeout?: pulumi.Input<number>;
  /** Milliseconds. @default 60000 */
  readonly closeTimeout?: pulumi.Input<number>;
  /** Milliseconds. @default 60000 */
  readonly connectTimeout?: pulumi.Input<number>;
  readonly contentType?: pulumi.Input<string>;
  /** Needed for durable topic subscriptions. */
  readonly clientID?: pulumi.Input<string>;
  readonly contentEncoding?: pulumi.Input<string>;
}

/** One Elasticsearch node. */
export interface ElasticsearchHost {
  /** @default "http" */
  readonly scheme?: pulumi.Input<"http" | "https">;
  readonly host: pulumi.Input<string>;
  /** @default 9200 */
  readonly port?: pulumi.Input<number>;
}

/** An index lifecycle policy; at least one phase must be enabled. Ages in days, sizes in GB. */
export interface ElasticsearchIlmPolicy {
  /** @default "apinizer-log-ilm-policy-default" */
  readonly policyName?: pulumi.Input<string>;
  readonly enableHotPhase?: pulumi.Input<boolean>;
  readonly maxAgeOfRollover?: pulumi.Input<number>;
  readonly maxIndexSizeOfRollover?: pulumi.Input<number>;
  readonly maxDocCountOfRollover?: pulumi.Input<number>;
  readonly enableWarmPhase?: pulumi.Input<boolean>;
  readonly numberOfReplicasForWarm?: pulumi.Input<number>;
  readonly maxNumShardsForShrink?: pulumi.Input<number>;
  readonly maxNumSegmentsForForceMerge?: pulumi.Input<number>;
  readonly enableColdPhase?: pulumi.Input<boolean>;
  readonly minAgeOfCold?: pulumi.Input<number>;
  readonly numberOfReplicasForCold?: pulumi.Input<number>;
  readonly enableDeletePhase?: pulumi.Input<boolean>;
  readonly minAgeOfDelete?: pulumi.Input<number>;
}

/** Spec C.7 elasticsearch (v2 field set). The `ca*File` fields take base64 file content. */
export interface ElasticsearchConnectionFields {
  readonly type: "elasticsearch";
  /** May create indices, templates and ILM policies. @default false */
  readonly administrate?: pulumi.Input<boolean>;
  /** At least one node. */
  readonly elasticHostList: pulumi.Input<pulumi.Input<ElasticsearchHost>[]>;
  /** @default false */
  readonly authenticate?: pulumi.Input<boolean>;
  /** Required when `authenticate` is true. */
  readonly elasticUsername?: pulumi.Input<string>;
  /** Secret. Required when `authenticate` is true. */
  readonly elasticPassword?: SecretInput;
  /** @default false */
  readonly encryptCommunication?: pulumi.Input<boolean>;
  /** Required when `encryptCommunication` is true. */
  readonly encryptCommunicationType?: pulumi.Input<
    "CA_CERTIFICATE_IN_PKCS_12" | "CA_IN_PEM_FILE" | "CERT_AND_PRIVATE_KEY_IN_PKCS_12"
  >;
  /** Base64 PKCS#12 with the CA. Required for `CA_CERTIFICATE_IN_PKCS_12`. */
  readonly caCertInPkcs12File?: pulumi.Input<string>;
  /** @default "application/x-pkcs12" */
  readonly caCertInPkcs12FileContentType?: pulumi.Input<string>;
  /** Base64 PEM with the CA. Required for `CA_IN_PEM_FILE`. */
  readonly caInPemFile?: pulumi.Input<string>;
  /** @default "application/x-pem-file" */
  readonly caInPemFileContentType?: pulumi.Input<string>;
  /** Base64 PKCS#12 truststore. */
  readonly caTruststoreFile?: pulumi.Input<string>;
  /** @default "application/x-pkcs12" */
  readonly caTruststoreFileContentType?: pulumi.Input<string>;
  /** Secret. */
  readonly caTruststoreFilePass?: SecretInput;
  /** Base64 PKCS#12 with the client key. Required for `CERT_AND_PRIVATE_KEY_IN_PKCS_12`. */
  readonly caKeystoreFile?: pulumi.Input<string>;
  /** @default "application/x-pkcs12" */
  readonly caKeystoreFileContentType?: pulumi.Input<string>;
  /** Secret. Required when `caKeystoreFile` is set. */
  readonly caKeystoreFilePass?: SecretInput;
  /** @default false */
  readonly disableHostnameVerification?: pulumi.Input<boolean>;
  /** @default false */
  readonly indexLifecyclePolicyCreated?: pulumi.Input<boolean>;
  /** Required when `indexLifecyclePolicyCreated` is true. */
  readonly indexLifecyclePolicy?: pulumi.Input<ElasticsearchIlmPolicy>;
  /** @default false */
  readonly indexTemplateCreated?: pulumi.Input<boolean>;
  /** Required when `indexTemplateCreated` is true. */
  readonly indexTemplateName?: pulumi.Input<string>;
  readonly indexName?: pulumi.Input<string>;
  readonly indexTemplateNumberOfShards?: pulumi.Input<number>;
  readonly indexTemplateNumberOfReplicas?: pulumi.Input<number>;
  /** An Elasticsearch duration such as `1s`. */
  readonly indexTemplateRefreshInterval?: pulumi.Input<string>;
  /** Milliseconds. @default 5000 */
  readonly connectionTimeoutInMs?: pulumi.Input<number>;
  /** @default 50000 */
  readonly bulkBufferCapacity?: pulumi.Input<number>;
  /** Milliseconds. @default 100 */
  readonly bulkFlushIntervalMs?: pulumi.Input<number>;
  /** @default 2500 */
  readonly bulkMaxBatchSize?: pulumi.Input<number>;
  /** Called `type` by v1 servers. @default "READ_WRITE" */
  readonly elasticsearchType?: pulumi.Input<"READ_WRITE" | "READ">;
  /** @default "AUTO_DETECT" */
  readonly elasticsearchMajorVersion?: pulumi.Input<"AUTO_DETECT" | "ES_7" | "ES_8" | "ES_9">;
}

/** Spec C.7 ftp: FTP, SFTP or FTPS. */
export interface FtpConnectionFields {
  readonly type: "ftp";
  readonly host: pulumi.Input<string>;
  /** 21 for FTP, 22 for SFTP, 990 for implicit FTPS. @default 21 */
  readonly port?: pulumi.Input<number>;
  readonly username: pulumi.Input<string>;
  /** Secret. */
  readonly password: SecretInput;
  /** @default "/" */
  readonly workingDir?: pulumi.Input<string>;
  readonly protocol: pulumi.Input<"FTP" | "SFTP" | "FTPS">;
  /** Milliseconds. @default 30000 */
  readonly timeout?: pulumi.Input<number>;
  /** @default 3 */
  readonly retryCount?: pulumi.Input<number>;
  /** FTPS only: exactly one of `useImplicit` and `useExplicit` must be true. @default false */
  readonly useImplicit?: pulumi.Input<boolean>;
  /** FTPS only: exactly one of `useImplicit` and `useExplicit` must be true. @default false */
  readonly useExplicit?: pulumi.Input<boolean>;
  /** For example `TLS`. */
  readonly sslProtocol?: pulumi.Input<string>;
}

/** Spec C.7 graylog. */
export interface GraylogConnectionFields {
  readonly type: "graylog";
  readonly hostname: pulumi.Input<string>;
  /** @default 12201 */
  readonly port?: pulumi.Input<number>;
  /** @default "TCP" */
  readonly transportType?: pulumi.Input<"TCP" | "UDP">;
  /** @default false */
  readonly tlsEnabled?: pulumi.Input<boolean>;
  /** Needs `tlsTrustCertChainFile`. @default false */
  readonly tlsCertVerificationEnabled?: pulumi.Input<boolean>;
  /** @default "NONE" */
  readonly compressionType?: pulumi.Input<"NONE" | "GZIP" | "ZLIB">;
  /** @default "INFO" */
  readonly gelfMessageLevel?: pulumi.Input<
    "EMERGENCY" | "ALERT" | "CRITICAL" | "ERROR" | "WARNING" | "NOTICE" | "INFO" | "DEBUG"
  >;
  /** @default 512 */
  readonly queueSize?: pulumi.Input<number>;
  /** Milliseconds. @default 2500 */
  readonly reconnectDelay?: pulumi.Input<number>;
  /** Milliseconds. @default 10000 */
  readonly connectTimeout?: pulumi.Input<number>;
  /** @default true */
  readonly tcpNoDelay?: pulumi.Input<boolean>;
  /** @default false */
  readonly tcpKeepAlive?: pulumi.Input<boolean>;
  /** Bytes; -1 keeps the system default. @default -1 */
  readonly sendBufferSize?: pulumi.Input<number>;
  /** @default 512 */
  readonly maxInflightSends?: pulumi.Input<number>;
  /** 0 means the client's default. @default 0 */
  readonly threads?: pulumi.Input<number>;
  /** Base64 of the trusted chain. Required when `tlsCertVerificationEnabled` is true. */
  readonly tlsTrustCertChainFile?: pulumi.Input<string>;
  readonly tlsTrustCertChainFileName?: pulumi.Input<string>;
  /** @default true */
  readonly appendToAttributes?: pulumi.Input<boolean>;
  /** @default true */
  readonly appendToMessage?: pulumi.Input<boolean>;
}

/** Spec C.7 syslog. */
export interface SyslogConnectionFields {
  readonly type: "syslog";
  /** @default "TCP" */
  readonly syslogProtocolType?: pulumi.Input<"TCP" | "UDP">;
  /**
   * Hostname written into each message. Not secret by default: some cloud syslog services put a
   * key here, so pass it through `pulumi.secret` then.
   */
  readonly syslogMessageHostname?: pulumi.Input<string>;
  readonly syslogServerHostname: pulumi.Input<string>;
  /** 6514 is typical for `RFC_5425`. @default 514 */
  readonly syslogPort?: pulumi.Input<number>;
  /** Milliseconds; TCP only. @default 500 */
  readonly syslogTimeout?: pulumi.Input<number>;
  /** @default "RFC_3164" */
  readonly syslogMessageFormat?: pulumi.Input<"RFC_3164" | "RFC_5424" | "RFC_5425">;
  /** @default "Apinizer" */
  readonly syslogAppName?: pulumi.Input<string>;
  /** @default "AUDIT" */
  readonly syslogFacility?: pulumi.Input<
    | "KERN"
    | "USER"
    | "MAIL"
    | "DAEMON"
    | "AUTH"
    | "SYSLOG"
    | "LPR"
    | "NEWS"
    | "UUCP"
    | "CRON"
    | "AUTHPRIV"
    | "FTP"
    | "NTP"
    | "AUDIT"
    | "ALERT"
    | "CLOCK"
    | "LOCAL0"
    | "LOCAL1"
    | "LOCAL2"
    | "LOCAL3"
    | "LOCAL4"
    | "LOCAL5"
    | "LOCAL6"
    | "LOCAL7"
  >;
  /** @default "INFORMATIONAL" */
  readonly syslogSeverity?: pulumi.Input<
    "EMERGENCY" | "ALERT" | "CRITICAL" | "ERROR" | "WARNING" | "NOTICE" | "INFORMATIONAL" | "DEBUG"
  >;
  /** TCP only. @default false */
  readonly syslogSslEnabled?: pulumi.Input<boolean>;
}

/** Spec C.7 webhook. The server trusts every TLS certificate of `fullUrl`. */
export interface WebhookConnectionFields {
  readonly type: "webhook";
  /** @default "GET" */
  readonly httpMethod?: pulumi.Input<
    "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS"
  >;
  /** An http:// or https:// URL. */
  readonly fullUrl: pulumi.Input<string>;
  /** Secret, because header values often carry tokens. @default [] */
  readonly headerList?: SecretInput<pulumi.Input<NameValuePair>[]>;
  /** Seconds, not milliseconds. @default 2 */
  readonly timeout?: pulumi.Input<number>;
  /** @default 24 */
  readonly connectionPoolMaxConnectionPerHost?: pulumi.Input<number>;
  /** @default 48 */
  readonly connectionPoolMaxConnectionTotal?: pulumi.Input<number>;
}

/** Spec C.7 logback: every field has a default. */
export interface LogbackConnectionFields {
  readonly type: "logback";
  /** Directory of the log files; the server adds a trailing `/`. @default "/path/to/logs/" */
  readonly logPath?: pulumi.Input<string>;
  /** File name prefix; the server removes a leading `/`. @default "ApinizerApiProxyTraffic" */
  readonly logFileName?: pulumi.Input<string>;
  /**
   * Empty means the server's hostname, which the server then stores, so leaving it empty shows
   * the hostname on refresh.
   * @default ""
   */
  readonly logPodName?: pulumi.Input<string>;
  /** @default "%d{yyyy-MM-dd}.%i.log" */
  readonly logFilenamePattern?: pulumi.Input<string>;
  /** @default "%d{yyyy-MM-dd HH:mm:ss.SSS}[%m]%n" */
  readonly logPattern?: pulumi.Input<string>;
  /** Megabytes. @default 25 */
  readonly maxFileSize?: pulumi.Input<number>;
  /** 0 means unbounded. @default 0 */
  readonly maxHistory?: pulumi.Input<number>;
  /** Gigabytes; 0 means unbounded. @default 0 */
  readonly totalSizeCap?: pulumi.Input<number>;
}

/** SNMPv3 privacy protocols. */
export type SnmpPrivacyProtocol =
  | "PrivAES128"
  | "PrivAES192"
  | "PrivAES192with3DES"
  | "PrivAES256"
  | "PrivAES256with3DES"
  | "PrivDES"
  | "Priv3DES";

/** Spec C.7 snmp. */
export interface SnmpConnectionFields {
  readonly type: "snmp";
  /** Note the lowercase c in `V2c`. @default "V1" */
  readonly version?: pulumi.Input<"V1" | "V2c" | "V3">;
  /** `udp:host/port` or `tcp:host/port`, for example `udp:192.168.1.2/162`. */
  readonly connectionString: pulumi.Input<string>;
  /** The community string (V1, V2c) or the user (V3). */
  readonly securityOrCommunityName: pulumi.Input<string>;
  readonly retryCount?: pulumi.Input<number>;
  /** Milliseconds. */
  readonly timeout?: pulumi.Input<number>;
  readonly messageType?: pulumi.Input<"TRAP" | "INFORM">;
  /** An OID. */
  readonly pduOidForMessage: pulumi.Input<string>;
  /** An OID. */
  readonly pduOidForTime?: pulumi.Input<string>;
  /** Extra variable bindings, OID to value. @default {} */
  readonly pduVariableMap?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** V3 only. */
  readonly securityLevel?: pulumi.Input<"NOAUTH_NOPRIV" | "AUTH_NOPRIV" | "AUTH_PRIV">;
  /** @default [] */
  readonly privacyProtocolList?: pulumi.Input<pulumi.Input<SnmpPrivacyProtocol>[]>;
  /** @default false */
  readonly enableUserAuthentication?: pulumi.Input<boolean>;
  /** Required when `enableUserAuthentication` is true. */
  readonly securityName?: pulumi.Input<string>;
  /** Required when `securityLevel` is `AUTH_NOPRIV` or `AUTH_PRIV`. */
  readonly usmUserAuthenticationProtocol?: pulumi.Input<
    | "AuthMD5"
    | "AuthSHA"
    | "AuthHMAC128SHA224"
    | "AuthHMAC192SHA256"
    | "AuthHMAC256SHA384"
    | "AuthHMAC384SHA512"
  >;
  /**
   * Secret, at least 8 characters. Required when `securityLevel` is `AUTH_NOPRIV` or
   * `AUTH_PRIV`.
   */
  readonly authPassphrase?: SecretInput;
  /** Required when `securityLevel` is `AUTH_PRIV`. */
  readonly usmUserPrivacyProtocol?: pulumi.Input<SnmpPrivacyProtocol>;
  /** Secret, at least 8 characters. Required when `securityLevel` is `AUTH_PRIV`. */
  readonly privPassphrase?: SecretInput;
}

/** Spec C.7 linux-script: an SSH login on which script policies run. */
export interface LinuxScriptConnectionFields {
  readonly type: "linux-script";
  readonly hostName: pulumi.Input<string>;
  /** @default 22 */
  readonly sshPort?: pulumi.Input<number>;
  readonly username: pulumi.Input<string>;
  /** Secret. */
  readonly password: SecretInput;
}

/** The fields of one Apinizer connection, discriminated on `type` (spec C.7). */
export type ApinizerConnectionFields =
  | EmailConnectionFields
  | DatabaseConnectionFields
  | LdapConnectionFields
  | KafkaConnectionFields
  | RabbitMqConnectionFields
  | ActiveMqConnectionFields
  | ElasticsearchConnectionFields
  | FtpConnectionFields
  | GraylogConnectionFields
  | SyslogConnectionFields
  | WebhookConnectionFields
  | LogbackConnectionFields
  | SnmpConnectionFields
  | LinuxScriptConnectionFields;

/** Every supported `type`, in the spec's order; `ops-genie` is not supported (spec C.5). */
export const APINIZER_CONNECTION_TYPES = [
  "email",
  "database",
  "ldap",
  "kafka",
  "rabbitMq",
  "activeMq",
  "elasticsearch",
  "ftp",
  "graylog",
  "syslog",
  "webhook",
  "logback",
  "snmp",
  "linux-script",
] as const;

/** One of {@link APINIZER_CONNECTION_TYPES}. */
export type ApinizerConnectionType = (typeof APINIZER_CONNECTION_TYPES)[number];
