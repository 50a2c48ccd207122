import { isJsonObject, type JsonObject, type JsonValue } from "./http";

/**
 * The 14 Apinizer connection types (docs/api/apinizer.md#connection-types), each declared once:
 * field kinds, required and conditionally required fields, enums, defaults, secret fields and the
 * fields masked in get as well, keystore references. The validator, the list- and get-time masking
 * and the admin state fingerprints are all derived from these tables. Where our notes
 * (docs/api/apinizer.md) and a type page
 * (https://docs.apinizer.com/api-reference/connections/connections/connection-<type>, the earlier
 * generation under https://apinizer.github.io/management-api-docs/) disagree, the page is followed
 * and the entry says so. The tables follow the v2 pages; the v1 pages differ only where noted (and
 * the emulator does not keep a second set of tables for them).
 */

/** A field is required only when all conditions hold on the body after defaults are applied. */
export interface Condition {
  readonly field: string;
  /** Holds when the field equals one of these values. */
  readonly oneOf?: readonly JsonValue[];
  /** Holds when the field has a value (not null, not missing, not ""). */
  readonly present?: true;
}

interface BaseField {
  readonly required?: boolean;
  readonly requiredWhen?: readonly Condition[];
  /**
   * Stored when the field is omitted or null (PUT is full replacement,
   * docs/api/apinizer.md#update-replaces-the-whole-connection).
   */
  readonly default?: JsonValue;
  /**
   * A secret: `null` in list responses, plaintext in get unless `maskedInGet`
   * (docs/api/apinizer.md#secrets-in-lists).
   */
  readonly secret?: boolean;
  /**
   * `null` in get responses too (secret fields only): the type page says so ("Password is masked in
   * get operations", docs/api/apinizer.md#secrets-masked-on-read), overriding the CRUD get page's
   * "returned in full".
   */
  readonly maskedInGet?: boolean;
  /**
   * Not **S**, so the API shows it like any other field, but it usually carries a credential
   * (webhook header values hold tokens): the admin API fingerprints it like a secret.
   */
  readonly sensitive?: boolean;
}

export interface StringField extends BaseField {
  readonly kind: "string";
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: RegExp;
  /** What the pattern means, for the error message. */
  readonly patternText?: string;
}

export interface IntField extends BaseField {
  readonly kind: "int";
  readonly min?: number;
  readonly max?: number;
}

export interface BoolField extends BaseField {
  readonly kind: "bool";
}

export interface EnumField extends BaseField {
  readonly kind: "enum";
  readonly values: readonly string[];
}

export interface EnumListField extends BaseField {
  readonly kind: "enum-list";
  readonly values: readonly string[];
}

export interface ObjectField extends BaseField {
  readonly kind: "object";
  readonly fields: FieldTable;
}

export interface ObjectListField extends BaseField {
  readonly kind: "object-list";
  readonly item: FieldTable;
  readonly minItems?: number;
}

/** A JSON object with free keys whose values all follow `value`. */
export interface MapField extends BaseField {
  readonly kind: "map";
  readonly value: FieldSpec;
  readonly requiredKeys?: readonly string[];
}

export type FieldSpec =
  | StringField
  | IntField
  | BoolField
  | EnumField
  | EnumListField
  | ObjectField
  | ObjectListField
  | MapField;

export type FieldTable = Readonly<Record<string, FieldSpec>>;

/** A rule across fields that the per-field table cannot express; returns an error text or undefined. */
export interface CrossFieldRule {
  readonly field: string;
  readonly check: (dto: JsonObject) => string | undefined;
}

/**
 * A field that names a keystore of the project (kafka type page: "`keyStoreName` and
 * `trustStoreName` refer to KeyStore names (not IDs) - they are converted to IDs internally").
 */
export interface KeystoreReference {
  /** The field holding the keystore's name. */
  readonly field: string;
  /** The field the server fills with the keystore's ID (the page's get shows `keyStoreId`). */
  readonly idField: string;
  /** When these hold, a set name must name an existing keystore, or the write is 400. */
  readonly mustExistWhen: readonly Condition[];
}

export interface ConnectionTypeDecl {
  /** Discriminator, case-sensitive (docs/api/apinizer.md#type-is-fixed). */
  readonly type: string;
  readonly fields: FieldTable;
  readonly rules?: readonly CrossFieldRule[];
  /** Fields that name keystores (kafka). */
  readonly keystoreReferences?: readonly KeystoreReference[];
  /** Server-side rewriting on write (docs/api/apinizer.md#logback-paths). */
  readonly normalise?: (dto: JsonObject) => void;
}

const str = (extra: Omit<StringField, "kind"> = {}): StringField => ({ kind: "string", ...extra });
const int = (extra: Omit<IntField, "kind"> = {}): IntField => ({ kind: "int", ...extra });
const bool = (defaultValue: boolean): BoolField => ({ kind: "bool", default: defaultValue });
const oneOf = (
  values: readonly string[],
  extra: Omit<EnumField, "kind" | "values"> = {},
): EnumField => ({
  kind: "enum",
  values,
  ...extra,
});
/** The values a type page lists, written as the page writes them: one line of words. */
const words = (list: string): readonly string[] => list.split(/\s+/).filter((w) => w !== "");
const port = (defaultValue?: number): IntField =>
  int({ min: 1, max: 65535, ...(defaultValue === undefined ? {} : { default: defaultValue }) });
const when = (field: string, ...values: JsonValue[]): readonly Condition[] => [
  { field, oneOf: values },
];
const secret = (extra: Omit<StringField, "kind" | "secret"> = {}): StringField =>
  str({ ...extra, secret: true });
/** A secret that the type page shows as `null` in get as well ("masked in get operations"). */
const masked = (extra: Omit<StringField, "kind" | "secret" | "maskedInGet"> = {}): StringField =>
  secret({ ...extra, maskedInGet: true });

const PRIVACY_PROTOCOLS = words(
  "PrivAES128 PrivAES192 PrivAES192with3DES PrivAES256 PrivAES256with3DES PrivDES Priv3DES",
);

const EMAIL: ConnectionTypeDecl = {
  type: "email",
  fields: {
    host: str({ required: true, maxLength: 255 }),
    port: port(587),
    enableStartTls: bool(false),
    auth: bool(false),
    username: str({ requiredWhen: when("auth", true) }),
    // connection-email: "When getting a single connection, `password` is returned in full".
    password: secret({ requiredWhen: when("auth", true) }),
    defaultEncoding: str({ default: "UTF-8" }),
    addressToTest: str(),
    from: str(),
    additionalProperties: {
      kind: "object-list",
      item: { name: str({ required: true }), value: str() },
      default: [],
    },
  },
};

const DATABASE: ConnectionTypeDecl = {
  type: "database",
  fields: {
    dbType: oneOf(
      words("ORACLE MYSQL POSTGRES SQL_SERVER SYBASE DB2 APACHE_HIVE APACHE_IMPALA MONGODB TRINO"),
      { required: true },
    ),
    jdbcUrl: str({ required: true }),
    useCredentials: bool(true),
    username: str({ requiredWhen: when("useCredentials", true) }),
    // connection-database: "Password is masked in get operations"
    // (docs/api/apinizer.md#secrets-masked-on-read).
    password: masked({ requiredWhen: when("useCredentials", true) }),
    databaseName: str(),
    initialPoolSize: int({ min: 0, default: 1 }),
    minPoolSize: int({ min: 0, default: 1 }),
    maxPoolSize: int({ min: 1, default: 5 }),
    incrementCount: int({ min: 1, default: 1 }),
    maxStatements: int({ min: 0, default: 100 }),
    idleConnectionTestPeriod: int({ min: 0, default: 30000 }),
    connectionTimeout: int({ min: 0, default: 30000 }),
    testConnectionOnCheckout: bool(true),
    testConnectionOnCheckin: bool(false),
    maxConnectionAge: int({ min: 0, default: 180000 }),
    maxIdleTime: int({ min: 0, default: 120000 }),
    selectedEnvironmentId: str(),
    defaultLogSchema: str(),
    logTableSchemaOverrides: { kind: "map", value: str() },
    logTableNameOverrides: { kind: "map", value: str() },
  },
  rules: [
    {
      field: "minPoolSize",
      check: (dto) =>
        typeof dto.minPoolSize === "number" &&
        typeof dto.maxPoolSize === "number" &&
        dto.minPoolSize > dto.maxPoolSize
          ? "must not be greater than maxPoolSize"
          : undefined,
    },
  ],
};

const LDAP: ConnectionTypeDecl = {
  type: "ldap",
  fields: {
    serverAddress: str({
      required: true,
      pattern: /^ldaps?:\/\/\S+$/,
      patternText: "an ldap:// or ldaps:// address",
    }),
    requireCertificateType: oneOf(["NOT_REQUIRED", "REQUIRED_CN", "REQUIRED_AN_PN"], {
      default: "NOT_REQUIRED",
    }),
    username: str({ required: true }),
    // connection-ldap: "Password is masked in get operations"
    // (docs/api/apinizer.md#secrets-masked-on-read).
    password: masked({ required: true }),
    customFilter: str(),
    searchScope: oneOf(["OBJECT", "ONE_LEVEL", "SUBTREE"], { default: "SUBTREE" }),
    baseDn: str({ required: true }),
    // "* if useSsl and validation is on" (connection-ldap): validation = a certificate requirement
    // is set.
    certificateId: str({
      requiredWhen: [
        { field: "useSsl", oneOf: [true] },
        { field: "requireCertificateType", oneOf: ["REQUIRED_CN", "REQUIRED_AN_PN"] },
      ],
    }),
    certificateName: str(),
    useSsl: bool(false),
    selectedEnvironmentId: str(),
  },
};

const KAFKA_VALUE_TYPES = words("STRING BOOLEAN INTEGER LONG DOUBLE FLOAT STRING_LIST URI");

const KAFKA: ConnectionTypeDecl = {
  type: "kafka",
  fields: {
    topicName: str({ required: true }),
    propertiesMap: {
      kind: "map",
      required: true,
      requiredKeys: ["bootstrap.servers", "key.serializer", "value.serializer"],
      value: {
        kind: "object",
        fields: {
          value: str({ required: true }),
          valueType: oneOf(KAFKA_VALUE_TYPES, { required: true }),
        },
      },
    },
    enableSecure: bool(false),
    protocolTypes: {
      kind: "enum-list",
      values: ["TLS_1_3", "TLS_1_2", "TLS_1_1", "TLS_1_0", "SSL_3_0"],
      requiredWhen: when("enableSecure", true),
      default: [],
    },
    keyStoreName: str({ requiredWhen: when("enableSecure", true) }),
    trustStoreName: str(),
  },
  // connection-kafka: with enableSecure, "keyStoreName is required (KeyStore must exist)" and
  // "trustStoreName is optional"; both "refer to KeyStore names (not IDs)"
  // (docs/api/apinizer.md#kafka-keystores). The page's get shows the resolved `keyStoreId` /
  // `trustStoreId`; the list page shows the names, so both stay.
  keystoreReferences: [
    { field: "keyStoreName", idField: "keyStoreId", mustExistWhen: when("enableSecure", true) },
    { field: "trustStoreName", idField: "trustStoreId", mustExistWhen: when("enableSecure", true) },
  ],
};

const RABBIT_MQ: ConnectionTypeDecl = {
  type: "rabbitMq",
  fields: {
    hostPortList: {
      kind: "object-list",
      required: true,
      minItems: 1,
      item: { host: str({ required: true }), port: port(5672) },
    },
    connectionFactoryVirtualHost: str({ default: "/" }),
    authenticationEnabled: bool(false),
    connectionFactoryUsername: str({ requiredWhen: when("authenticationEnabled", true) }),
    // connection-rabbitmq: "Password is masked in get operations"
    // (docs/api/apinizer.md#secrets-masked-on-read).
    connectionFactoryPassword: masked({ requiredWhen: when("authenticationEnabled", true) }),
    connectionFactoryConnectionTimeout: int({ min: 0, default: 60000 }),
    connectionFactoryClientProperties: { kind: "map", value: str() },
    connectionFactoryRequestedChannelMax: int({ min: 0, default: 2047 }),
    connectionFactoryRequestedFrameMax: int({ min: 0, default: 0 }),
    connectionFactoryRequestedHeartbeat: int({ min: 0, default: 60 }),
    connectionFactoryUseSslProtocol: bool(false),
    connectionFactorySslProtocol: str({ default: "TLSv1.2" }),
    channelExchange: str({ default: "" }),
    channelRoutingKey: str(),
    basicPropertiesAppId: str({ default: "apinizer" }),
    basicPropertiesContentType: str({ default: "application/json" }),
    basicPropertiesContentEncoding: str(),
    basicPropertiesReplyTo: str(),
    basicPropertiesExpiration: str({ pattern: /^\d+$/, patternText: "milliseconds as a string" }),
    basicPropertiesType: str(),
    basicPropertiesUserId: str(),
    basicPropertiesClusterId: str(),
    basicPropertiesDeliveryMode: int({ min: 1, max: 2 }),
    basicPropertiesPriority: int({ min: 0, max: 255 }),
  },
};

const ACTIVE_MQ: ConnectionTypeDecl = {
  type: "activeMq",
  fields: {
    activeMqConnectionProtocolType: oneOf(["TCP", "AMQP"], { required: true }),
    brokerURL: str({
      required: true,
      pattern: /^(tcp|amqp|ssl|failover|nio):\S+$/,
      patternText: "a broker URL such as tcp://host:61616 or amqp://host:5672",
    }),
    username: str(),
    // connection-activemq: "Password is masked in get operations"
    // (docs/api/apinizer.md#secrets-masked-on-read).
    password: masked(),
    destinationType: oneOf(["QUEUE", "TOPIC"], { required: true }),
    destinationName: str({ required: true }),
    sessionAcknowledgement: oneOf(
      ["AUTO_ACKNOWLEDGE", "CLIENT_ACKNOWLEDGE", "DUPS_OK_ACKNOWLEDGE", "SESSION_TRANSACTED"],
      { default: "AUTO_ACKNOWLEDGE" },
    ),
    sendTimeout: int({ min: 0, default: 60000 }),
    requestTimeout: int({ min: 0, default: 60000 }),
    closeTimeout: int({ min: 0, default: 60000 }),
    connectTimeout: int({ min: 0, default: 60000 }),
    contentType: str(),
    clientID: str(),
    contentEncoding: str(),
  },
};

const ILM_POLICY: FieldTable = {
  policyName: str({ default: "apinizer-log-ilm-policy-default" }),
  enableHotPhase: bool(false),
  maxAgeOfRollover: int({ min: 0 }),
  maxIndexSizeOfRollover: int({ min: 0 }),
  maxDocCountOfRollover: int({ min: 0 }),
  enableWarmPhase: bool(false),
  numberOfReplicasForWarm: int({ min: 0 }),
  maxNumShardsForShrink: int({ min: 0 }),
  maxNumSegmentsForForceMerge: int({ min: 0 }),
  enableColdPhase: bool(false),
  minAgeOfCold: int({ min: 0 }),
  numberOfReplicasForCold: int({ min: 0 }),
  enableDeletePhase: bool(false),
  minAgeOfDelete: int({ min: 0 }),
};

/**
 * The current field set for Elasticsearch: the earlier page's `type` clashes
 * (docs/api/apinizer.md#examples-that-contradict-the-field-tables).
 */
const ELASTICSEARCH: ConnectionTypeDecl = {
  type: "elasticsearch",
  fields: {
    administrate: bool(false),
    elasticHostList: {
      kind: "object-list",
      required: true,
      minItems: 1,
      item: {
        scheme: oneOf(["http", "https"], { default: "http" }),
        host: str({ required: true }),
        port: port(9200),
      },
    },
    authenticate: bool(false),
    // connection-elasticsearch: "Secret fields are masked in get operations"
    // (docs/api/apinizer.md#secrets-masked-on-read). Its get example shows null for the three
    // secret fields and for every embedded file, also for caCertInPkcs12File while
    // encryptCommunicationType is CA_CERTIFICATE_IN_PKCS_12, which requires that file: the files
    // are masked too, like Graylog's tlsTrustCertChainFile.
    elasticUsername: str({ requiredWhen: when("authenticate", true) }),
    elasticPassword: masked({ requiredWhen: when("authenticate", true) }),
    encryptCommunication: bool(false),
    encryptCommunicationType: oneOf(
      ["CA_CERTIFICATE_IN_PKCS_12", "CA_IN_PEM_FILE", "CERT_AND_PRIVATE_KEY_IN_PKCS_12"],
      { requiredWhen: when("encryptCommunication", true) },
    ),
    caCertInPkcs12File: masked({
      requiredWhen: when("encryptCommunicationType", "CA_CERTIFICATE_IN_PKCS_12"),
    }),
    caCertInPkcs12FileContentType: str({ default: "application/x-pkcs12" }),
    caInPemFile: masked({ requiredWhen: when("encryptCommunicationType", "CA_IN_PEM_FILE") }),
    caInPemFileContentType: str({ default: "application/x-pem-file" }),
    caTruststoreFile: masked(),
    caTruststoreFileContentType: str({ default: "application/x-pkcs12" }),
    caTruststoreFilePass: masked(),
    caKeystoreFile: masked({
      requiredWhen: when("encryptCommunicationType", "CERT_AND_PRIVATE_KEY_IN_PKCS_12"),
    }),
    caKeystoreFileContentType: str({ default: "application/x-pkcs12" }),
    caKeystoreFilePass: masked({ requiredWhen: [{ field: "caKeystoreFile", present: true }] }),
    disableHostnameVerification: bool(false),
    indexLifecyclePolicyCreated: bool(false),
    indexLifecyclePolicy: {
      kind: "object",
      fields: ILM_POLICY,
      requiredWhen: when("indexLifecyclePolicyCreated", true),
    },
    indexTemplateCreated: bool(false),
    indexTemplateName: str({ requiredWhen: when("indexTemplateCreated", true) }),
    indexName: str(),
    indexTemplateNumberOfShards: int({ min: 1 }),
    indexTemplateNumberOfReplicas: int({ min: 0 }),
    indexTemplateRefreshInterval: str({
      pattern: /^-?\d+(ms|s|m|h|d)$/,
      patternText: "a duration such as 1s",
    }),
    connectionTimeoutInMs: int({ min: 0, default: 5000 }),
    bulkBufferCapacity: int({ min: 1, default: 50000 }),
    bulkFlushIntervalMs: int({ min: 1, default: 100 }),
    bulkMaxBatchSize: int({ min: 1, default: 2500 }),
    elasticsearchType: oneOf(["READ_WRITE", "READ"], { default: "READ_WRITE" }),
    elasticsearchMajorVersion: oneOf(["AUTO_DETECT", "ES_7", "ES_8", "ES_9"], {
      default: "AUTO_DETECT",
    }),
  },
  rules: [
    {
      field: "indexLifecyclePolicy",
      check: (dto) => {
        const policy = dto.indexLifecyclePolicy;
        if (typeof policy !== "object" || policy === null || Array.isArray(policy)) {
          return undefined;
        }
        const phases = [
          "enableHotPhase",
          "enableWarmPhase",
          "enableColdPhase",
          "enableDeletePhase",
        ];
        return phases.some((p) => policy[p] === true)
          ? undefined
          : "must enable at least one phase (hot, warm, cold or delete)";
      },
    },
  ],
};

const FTP: ConnectionTypeDecl = {
  type: "ftp",
  fields: {
    host: str({ required: true }),
    port: port(21),
    username: str({ required: true }),
    // connection-ftp: "Password is masked in get operations"
    // (docs/api/apinizer.md#secrets-masked-on-read).
    password: masked({ required: true }),
    workingDir: str({ default: "/" }),
    protocol: oneOf(["FTP", "SFTP", "FTPS"], { required: true }),
    timeout: int({ min: 0, default: 30000 }),
    retryCount: int({ min: 0, default: 3 }),
    useImplicit: bool(false),
    useExplicit: bool(false),
    sslProtocol: str(),
  },
  rules: [
    {
      field: "useImplicit",
      // connection-ftp: "For FTPS, either useImplicit: true or useExplicit: true must be set" and
      // "useImplicit and useExplicit are mutually exclusive", the latter whatever the protocol.
      check: (dto) => {
        if (dto.useImplicit === true && dto.useExplicit === true) {
          return "and useExplicit are mutually exclusive: at most one may be true";
        }
        return dto.protocol === "FTPS" && dto.useImplicit !== true && dto.useExplicit !== true
          ? "or useExplicit must be true for FTPS"
          : undefined;
      },
    },
  ],
};

const GRAYLOG: ConnectionTypeDecl = {
  type: "graylog",
  fields: {
    hostname: str({ required: true }),
    port: port(12201),
    transportType: oneOf(["TCP", "UDP"], { default: "TCP" }),
    tlsEnabled: bool(false),
    tlsCertVerificationEnabled: bool(false),
    compressionType: oneOf(["NONE", "GZIP", "ZLIB"], { default: "NONE" }),
    gelfMessageLevel: oneOf(
      ["EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFO", "DEBUG"],
      { default: "INFO" },
    ),
    queueSize: int({ min: 1, default: 512 }),
    reconnectDelay: int({ min: 0, default: 2500 }),
    connectTimeout: int({ min: 0, default: 10000 }),
    tcpNoDelay: bool(true),
    tcpKeepAlive: bool(false),
    sendBufferSize: int({ min: -1, default: -1 }),
    maxInflightSends: int({ min: 1, default: 512 }),
    threads: int({ min: 0, default: 0 }),
    // connection-graylog: "`tlsTrustCertChainFile` is masked in get operations", so it is
    // handled as a secret (docs/api/apinizer.md#secrets-masked-on-read).
    tlsTrustCertChainFile: masked({ requiredWhen: when("tlsCertVerificationEnabled", true) }),
    tlsTrustCertChainFileName: str(),
    appendToAttributes: bool(true),
    appendToMessage: bool(true),
  },
};

const SYSLOG: ConnectionTypeDecl = {
  type: "syslog",
  fields: {
    syslogProtocolType: oneOf(["TCP", "UDP"], { default: "TCP" }),
    syslogMessageHostname: str(),
    syslogServerHostname: str({ required: true }),
    syslogPort: port(514),
    syslogTimeout: int({ min: 0, default: 500 }),
    syslogMessageFormat: oneOf(["RFC_3164", "RFC_5424", "RFC_5425"], { default: "RFC_3164" }),
    syslogAppName: str({ default: "Apinizer" }),
    syslogFacility: oneOf(
      words(
        "KERN USER MAIL DAEMON AUTH SYSLOG LPR NEWS UUCP CRON AUTHPRIV FTP NTP AUDIT ALERT CLOCK LOCAL0 LOCAL1 LOCAL2 LOCAL3 LOCAL4 LOCAL5 LOCAL6 LOCAL7",
      ),
      { default: "AUDIT" },
    ),
    syslogSeverity: oneOf(
      ["EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFORMATIONAL", "DEBUG"],
      { default: "INFORMATIONAL" },
    ),
    syslogSslEnabled: bool(false),
  },
};

const WEBHOOK: ConnectionTypeDecl = {
  type: "webhook",
  fields: {
    httpMethod: oneOf(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"], {
      default: "GET",
    }),
    fullUrl: str({
      required: true,
      pattern: /^https?:\/\/\S+$/i,
      patternText: "an http or https URL",
    }),
    headerList: {
      kind: "object-list",
      // connection-webhook "Header Object": name and value are both "Required: Yes"
      // (docs/api/apinizer.md#webhook-header-values).
      item: { name: str({ required: true }), value: str({ required: true, sensitive: true }) },
      default: [],
    },
    timeout: int({ min: 0, default: 2 }),
    connectionPoolMaxConnectionPerHost: int({ min: 1, default: 24 }),
    connectionPoolMaxConnectionTotal: int({ min: 1, default: 48 }),
  },
};

/**
 * The pod name the emulator's "server" fills into an empty logback `logPodName`
 * (docs/api/apinizer.md#logback-paths).
 */
export const EMULATOR_POD_NAME = "apinizer-emulator";

/**
 * All logback fields are "required" but defaulted (docs/api/apinizer.md#logback-paths), so none is
 * required here.
 */
const LOGBACK: ConnectionTypeDecl = {
  type: "logback",
  fields: {
    logPath: str({ default: "/path/to/logs/" }),
    logFileName: str({ default: "ApinizerApiProxyTraffic" }),
    logPodName: str({ default: "" }),
    logFilenamePattern: str({ default: "%d{yyyy-MM-dd}.%i.log" }),
    logPattern: str({ default: "%d{yyyy-MM-dd HH:mm:ss.SSS}[%m]%n" }),
    maxFileSize: int({ min: 1, default: 25 }),
    maxHistory: int({ min: 0, default: 0 }),
    totalSizeCap: int({ min: 0, default: 0 }),
  },
  normalise: (dto) => {
    const path = String(dto.logPath);
    dto.logPath = path.endsWith("/") ? path : `${path}/`;
    dto.logFileName = String(dto.logFileName).replace(/^\/+/, "");
    if (dto.logPodName === "") {
      dto.logPodName = EMULATOR_POD_NAME;
    }
  },
};

const AUTH_LEVELS = ["AUTH_NOPRIV", "AUTH_PRIV"] as const;

const SNMP: ConnectionTypeDecl = {
  type: "snmp",
  fields: {
    // Required, yet "default V1" (connection-snmp): an omitted version takes the default.
    version: oneOf(["V1", "V2c", "V3"], { default: "V1" }),
    connectionString: str({
      required: true,
      pattern: /^(udp|tcp):[^/\s]+\/\d{1,5}$/,
      patternText: "udp:host/port or tcp:host/port",
    }),
    securityOrCommunityName: str({ required: true }),
    retryCount: int({ min: 0 }),
    timeout: int({ min: 0 }),
    messageType: oneOf(["TRAP", "INFORM"]),
    pduOidForMessage: str({ required: true, pattern: /^\.?\d+(\.\d+)*$/, patternText: "an OID" }),
    pduOidForTime: str({ pattern: /^\.?\d+(\.\d+)*$/, patternText: "an OID" }),
    pduVariableMap: { kind: "map", value: str(), default: {} },
    securityLevel: oneOf(["NOAUTH_NOPRIV", ...AUTH_LEVELS]),
    privacyProtocolList: { kind: "enum-list", values: PRIVACY_PROTOCOLS, default: [] },
    enableUserAuthentication: bool(false),
    securityName: str({ requiredWhen: when("enableUserAuthentication", true) }),
    usmUserAuthenticationProtocol: oneOf(
      words(
        "AuthMD5 AuthSHA AuthHMAC128SHA224 AuthHMAC192SHA256 AuthHMAC256SHA384 AuthHMAC384SHA512",
      ),
      { requiredWhen: when("securityLevel", ...AUTH_LEVELS) },
    ),
    // SNMP passphrases are at least 8 characters (connection-snmp), and "Passphrases are
    // masked in get operations".
    authPassphrase: masked({ minLength: 8, requiredWhen: when("securityLevel", ...AUTH_LEVELS) }),
    usmUserPrivacyProtocol: oneOf(PRIVACY_PROTOCOLS, {
      requiredWhen: when("securityLevel", "AUTH_PRIV"),
    }),
    privPassphrase: masked({ minLength: 8, requiredWhen: when("securityLevel", "AUTH_PRIV") }),
  },
};

const LINUX_SCRIPT: ConnectionTypeDecl = {
  type: "linux-script",
  fields: {
    hostName: str({ required: true }),
    sshPort: port(22),
    username: str({ required: true }),
    // connection-linux-script: "Password is masked in get operations"
    // (docs/api/apinizer.md#secrets-masked-on-read).
    password: masked({ required: true }),
  },
};

/**
 * The registry, in the order of docs/api/apinizer.md#connection-types; `ops-genie` is deliberately
 * absent.
 */
export const CONNECTION_TYPES: readonly ConnectionTypeDecl[] = [
  EMAIL,
  DATABASE,
  LDAP,
  KAFKA,
  RABBIT_MQ,
  ACTIVE_MQ,
  ELASTICSEARCH,
  FTP,
  GRAYLOG,
  SYSLOG,
  WEBHOOK,
  LOGBACK,
  SNMP,
  LINUX_SCRIPT,
];

export function connectionType(type: string): ConnectionTypeDecl | undefined {
  return CONNECTION_TYPES.find((t) => t.type === type);
}

/** Names of the secret (**S**) fields of a type, for list masking and fingerprints. */
export function secretFields(decl: ConnectionTypeDecl): string[] {
  return Object.entries(decl.fields)
    .filter(([, spec]) => spec.secret === true)
    .map(([name]) => name);
}

/**
 * Names of the secret fields a get shows as `null` as well
 * (docs/api/apinizer.md#secrets-masked-on-read).
 */
export function maskedInGetFields(decl: ConnectionTypeDecl): string[] {
  return Object.entries(decl.fields)
    .filter(([, spec]) => spec.secret === true && spec.maskedInGet === true)
    .map(([name]) => name);
}

/**
 * A copy of a stored connection with `replace` applied to every secret and sensitive string,
 * nested ones included; everything else is kept as stored.
 */
export function replaceSecrets(
  decl: ConnectionTypeDecl,
  dto: JsonObject,
  replace: (value: string) => JsonValue,
): JsonObject {
  return replaceInTable(decl.fields, dto, replace);
}

function replaceInTable(
  table: FieldTable,
  value: JsonObject,
  replace: (value: string) => JsonValue,
): JsonObject {
  const out: JsonObject = { ...value };
  for (const [name, spec] of Object.entries(table)) {
    const field = value[name];
    if (field !== undefined) {
      out[name] = replaceInValue(spec, field, replace);
    }
  }
  return out;
}

function replaceInValue(
  spec: FieldSpec,
  value: JsonValue,
  replace: (value: string) => JsonValue,
): JsonValue {
  switch (spec.kind) {
    case "string":
      return (spec.secret === true || spec.sensitive === true) && typeof value === "string"
        ? replace(value)
        : value;
    case "object":
      return isJsonObject(value) ? replaceInTable(spec.fields, value, replace) : value;
    case "object-list":
      return Array.isArray(value)
        ? value.map((item) =>
            isJsonObject(item) ? replaceInTable(spec.item, item, replace) : item,
          )
        : value;
    case "map":
      return isJsonObject(value)
        ? Object.fromEntries(
            Object.entries(value).map(([key, entry]) => [
              key,
              replaceInValue(spec.value, entry, replace),
            ]),
          )
        : value;
    default:
      return value;
  }
}
