/**
 * Per-type fixtures and envelope assertions for the Apinizer contract cases (docs/api/apinizer.md).
 */
import { obj, uniqueName, type ApinizerTarget, type HttpResult } from "./harness";

export interface TypeFixture {
  readonly type: string;
  /** A valid body besides `type` and `name`, setting every secret the type has. */
  readonly valid: Readonly<Record<string, unknown>>;
  /**
   * Secret fields: `null` in list responses (docs/api/apinizer.md#secrets-in-lists). The type
   * pages' secrets, plus what a type page masks beyond them (graylog `tlsTrustCertChainFile`; the
   * elasticsearch files, whose get example shows null).
   */
  readonly secrets: readonly string[];
  /**
   * The secrets that get shows as `null` too: the type page (v1 and v2) says "Password is masked in
   * get operations" (docs/api/apinizer.md#secrets-masked-on-read). The others come back in full, as
   * the CRUD get page says.
   */
  readonly maskedInGet: readonly string[];
  /** Some defaults the server fills in (the type pages' defaults). */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Invalid variations: [description, field named in the error, body changes (undefined = omit)]. */
  readonly invalid: readonly (readonly [string, string, Readonly<Record<string, unknown>>])[];
}

const KAFKA_PROPERTIES = {
  "bootstrap.servers": { value: "kafka:9092", valueType: "STRING" },
  "key.serializer": {
    value: "org.apache.kafka.common.serialization.StringSerializer",
    valueType: "STRING",
  },
  "value.serializer": {
    value: "org.apache.kafka.common.serialization.StringSerializer",
    valueType: "STRING",
  },
};

/** All 14 types (docs/api/apinizer.md#connection-types). */
export const TYPES: readonly TypeFixture[] = [
  {
    type: "email",
    valid: { host: "smtp.example.com", auth: true, username: "mailer", password: "pw-email" },
    secrets: ["password"],
    // connection-email: "When getting a single connection, `password` is returned in full".
    maskedInGet: [],
    defaults: {
      port: 587,
      enableStartTls: false,
      defaultEncoding: "UTF-8",
      additionalProperties: [],
    },
    invalid: [
      ["without host", "host", { host: undefined }],
      ["with auth but no password", "password", { password: undefined }],
      ["with a non-integer port", "port", { port: "x" }],
    ],
  },
  {
    type: "database",
    valid: {
      dbType: "POSTGRES",
      jdbcUrl: "jdbc:postgresql://db:5432/app",
      username: "app",
      password: "pw-db",
    },
    secrets: ["password"],
    maskedInGet: ["password"],
    defaults: {
      useCredentials: true,
      initialPoolSize: 1,
      maxPoolSize: 5,
      maxStatements: 100,
      connectionTimeout: 30000,
    },
    invalid: [
      ["with an unknown dbType", "dbType", { dbType: "SQLITE" }],
      ["without jdbcUrl", "jdbcUrl", { jdbcUrl: undefined }],
      ["with credentials (the default) but no username", "username", { username: undefined }],
    ],
  },
  {
    type: "ldap",
    valid: {
      serverAddress: "ldap://ldap:389",
      username: "cn=admin",
      password: "pw-ldap",
      baseDn: "dc=example,dc=com",
    },
    secrets: ["password"],
    maskedInGet: ["password"],
    defaults: { requireCertificateType: "NOT_REQUIRED", searchScope: "SUBTREE", useSsl: false },
    invalid: [
      ["without baseDn", "baseDn", { baseDn: undefined }],
      ["with an unknown searchScope", "searchScope", { searchScope: "DEEP" }],
      [
        "with SSL validation but no certificateId",
        "certificateId",
        { useSsl: true, requireCertificateType: "REQUIRED_CN" },
      ],
    ],
  },
  {
    type: "kafka",
    valid: { topicName: "events", propertiesMap: KAFKA_PROPERTIES },
    secrets: [],
    maskedInGet: [],
    // connection-kafka's get shows the resolved keystore IDs (null without keystores).
    defaults: { enableSecure: false, protocolTypes: [], keyStoreId: null, trustStoreId: null },
    invalid: [
      [
        "without bootstrap.servers",
        "bootstrap.servers",
        {
          propertiesMap: {
            "key.serializer": KAFKA_PROPERTIES["key.serializer"],
            "value.serializer": KAFKA_PROPERTIES["value.serializer"],
          },
        },
      ],
      [
        "with an unknown valueType",
        "valueType",
        { propertiesMap: { ...KAFKA_PROPERTIES, acks: { value: "all", valueType: "BYTES" } } },
      ],
      [
        "secure without keyStoreName",
        "keyStoreName",
        { enableSecure: true, protocolTypes: ["TLS_1_2"] },
      ],
      // connection-kafka: "keyStoreName is required (KeyStore must exist)"
      // (docs/api/apinizer.md#kafka-keystores).
      [
        "secure with a keyStoreName that names no keystore",
        "keyStoreName",
        { enableSecure: true, protocolTypes: ["TLS_1_2"], keyStoreName: "no-such-keystore-pcx" },
      ],
      [
        "secure without protocolTypes",
        "protocolTypes",
        { enableSecure: true, keyStoreName: "no-such-keystore-pcx" },
      ],
    ],
  },
  {
    type: "rabbitMq",
    valid: {
      hostPortList: [{ host: "rabbit" }],
      authenticationEnabled: true,
      connectionFactoryUsername: "guest",
      connectionFactoryPassword: "pw-rabbit",
    },
    secrets: ["connectionFactoryPassword"],
    maskedInGet: ["connectionFactoryPassword"],
    defaults: {
      connectionFactoryVirtualHost: "/",
      connectionFactoryRequestedChannelMax: 2047,
      basicPropertiesAppId: "apinizer",
    },
    invalid: [
      ["with an empty hostPortList", "hostPortList", { hostPortList: [] }],
      [
        "with auth but no password",
        "connectionFactoryPassword",
        { connectionFactoryPassword: undefined },
      ],
      ["with priority 256", "basicPropertiesPriority", { basicPropertiesPriority: 256 }],
    ],
  },
  {
    type: "activeMq",
    valid: {
      activeMqConnectionProtocolType: "TCP",
      brokerURL: "tcp://amq:61616",
      destinationType: "QUEUE",
      destinationName: "orders",
      username: "amq",
      password: "pw-amq",
    },
    secrets: ["password"],
    maskedInGet: ["password"],
    defaults: { sessionAcknowledgement: "AUTO_ACKNOWLEDGE", sendTimeout: 60000 },
    invalid: [
      [
        "with protocol STOMP",
        "activeMqConnectionProtocolType",
        { activeMqConnectionProtocolType: "STOMP" },
      ],
      ["without destinationName", "destinationName", { destinationName: undefined }],
      ["with destinationType BOTH", "destinationType", { destinationType: "BOTH" }],
    ],
  },
  {
    type: "elasticsearch",
    valid: {
      elasticHostList: [{ host: "es" }],
      authenticate: true,
      elasticUsername: "elastic",
      elasticPassword: "pw-es",
    },
    secrets: [
      "elasticPassword",
      "caCertInPkcs12File",
      "caInPemFile",
      "caTruststoreFile",
      "caTruststoreFilePass",
      "caKeystoreFile",
      "caKeystoreFilePass",
    ],
    // connection-elasticsearch: "Secret fields are masked in get operations"; its get example
    // shows every one of them null, caCertInPkcs12File included although the example's
    // encryptCommunicationType requires it.
    maskedInGet: [
      "elasticPassword",
      "caCertInPkcs12File",
      "caInPemFile",
      "caTruststoreFile",
      "caTruststoreFilePass",
      "caKeystoreFile",
      "caKeystoreFilePass",
    ],
    defaults: {
      elasticsearchType: "READ_WRITE",
      elasticsearchMajorVersion: "AUTO_DETECT",
      administrate: false,
    },
    invalid: [
      ["without elasticHostList", "elasticHostList", { elasticHostList: undefined }],
      ["encrypting without a type", "encryptCommunicationType", { encryptCommunication: true }],
      ["with scheme ftp", "scheme", { elasticHostList: [{ host: "es", scheme: "ftp" }] }],
      [
        "with an ILM policy that enables no phase",
        "indexLifecyclePolicy",
        { indexLifecyclePolicyCreated: true, indexLifecyclePolicy: {} },
      ],
    ],
  },
  {
    type: "ftp",
    valid: { host: "files", username: "ftp", password: "pw-ftp", protocol: "SFTP", port: 22 },
    secrets: ["password"],
    maskedInGet: ["password"],
    defaults: { workingDir: "/", timeout: 30000, retryCount: 3 },
    invalid: [
      ["without protocol", "protocol", { protocol: undefined }],
      ["FTPS with neither implicit nor explicit", "useImplicit", { protocol: "FTPS" }],
      ["without password", "password", { password: undefined }],
      // connection-ftp: "useImplicit and useExplicit are mutually exclusive".
      [
        "with both implicit and explicit TLS",
        "useExplicit",
        { protocol: "FTPS", useImplicit: true, useExplicit: true },
      ],
      [
        "SFTP with both implicit and explicit TLS",
        "useExplicit",
        { useImplicit: true, useExplicit: true },
      ],
    ],
  },
  {
    type: "graylog",
    valid: {
      hostname: "graylog",
      tlsTrustCertChainFile: Buffer.from("ca-chain").toString("base64"),
    },
    // connection-graylog: "`tlsTrustCertChainFile` is masked in get operations".
    secrets: ["tlsTrustCertChainFile"],
    maskedInGet: ["tlsTrustCertChainFile"],
    defaults: {
      port: 12201,
      transportType: "TCP",
      compressionType: "NONE",
      gelfMessageLevel: "INFO",
      tcpNoDelay: true,
    },
    invalid: [
      ["without hostname", "hostname", { hostname: undefined }],
      ["with transport HTTP", "transportType", { transportType: "HTTP" }],
      [
        "verifying certificates without a chain file",
        "tlsTrustCertChainFile",
        { tlsCertVerificationEnabled: true, tlsTrustCertChainFile: undefined },
      ],
    ],
  },
  {
    type: "syslog",
    valid: { syslogServerHostname: "syslog" },
    secrets: [],
    maskedInGet: [],
    defaults: {
      syslogProtocolType: "TCP",
      syslogPort: 514,
      syslogFacility: "AUDIT",
      syslogAppName: "Apinizer",
    },
    invalid: [
      ["without syslogServerHostname", "syslogServerHostname", { syslogServerHostname: undefined }],
      ["with facility LOCAL8", "syslogFacility", { syslogFacility: "LOCAL8" }],
    ],
  },
  {
    type: "webhook",
    valid: {
      fullUrl: "https://hooks.example.com/notify",
      headerList: [{ name: "X-Env", value: "test" }],
    },
    secrets: [],
    maskedInGet: [],
    defaults: { httpMethod: "GET", timeout: 2, connectionPoolMaxConnectionPerHost: 24 },
    invalid: [
      ["without fullUrl", "fullUrl", { fullUrl: undefined }],
      ["with method FETCH", "httpMethod", { httpMethod: "FETCH" }],
      ["with an ftp URL", "fullUrl", { fullUrl: "ftp://files/x" }],
      // connection-webhook, Header Object: value "Required: Yes"
      // (docs/api/apinizer.md#webhook-header-values).
      ["with a header without value", "headerList[0].value", { headerList: [{ name: "X-Env" }] }],
      [
        "with a header whose value is null",
        "headerList[1].value",
        {
          headerList: [
            { name: "X-Env", value: "test" },
            { name: "X-Other", value: null },
          ],
        },
      ],
      ["with a header without name", "headerList[0].name", { headerList: [{ value: "v" }] }],
    ],
  },
  {
    type: "logback",
    valid: { logPath: "/var/log/apinizer" },
    secrets: [],
    maskedInGet: [],
    defaults: { logFileName: "ApinizerApiProxyTraffic", maxFileSize: 25, maxHistory: 0 },
    invalid: [["with maxFileSize big", "maxFileSize", { maxFileSize: "big" }]],
  },
  {
    type: "snmp",
    valid: {
      version: "V3",
      connectionString: "udp:192.168.1.2/162",
      securityOrCommunityName: "monitor",
      pduOidForMessage: "1.3.6.1.4.1.99",
      securityLevel: "AUTH_PRIV",
      usmUserAuthenticationProtocol: "AuthSHA",
      authPassphrase: "pw-snmp-auth",
      usmUserPrivacyProtocol: "PrivAES128",
      privPassphrase: "pw-snmp-priv",
    },
    secrets: ["authPassphrase", "privPassphrase"],
    maskedInGet: ["authPassphrase", "privPassphrase"],
    defaults: { enableUserAuthentication: false, privacyProtocolList: [] },
    invalid: [
      ["with version V2C", "version", { version: "V2C" }],
      ["with a 7-character privPassphrase", "privPassphrase", { privPassphrase: "short12" }],
      ["without pduOidForMessage", "pduOidForMessage", { pduOidForMessage: undefined }],
    ],
  },
  {
    type: "linux-script",
    valid: { hostName: "box", username: "ops", password: "pw-linux" },
    secrets: ["password"],
    maskedInGet: ["password"],
    defaults: { sshPort: 22 },
    invalid: [
      ["without password", "password", { password: undefined }],
      ["with sshPort 70000", "sshPort", { sshPort: 70000 }],
    ],
  },
];

export function typeFixture(type: string): TypeFixture {
  const fixture = TYPES.find((f) => f.type === type);
  if (fixture === undefined) {
    throw new Error(`no fixture for ${type}`);
  }
  return fixture;
}

/** `base` with `changes` applied; an undefined change removes the key. */
export function withChanges(
  base: Readonly<Record<string, unknown>>,
  changes: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) {
      delete out[key];
    } else {
      out[key] = value;
    }
  }
  return out;
}

export function itemPath(t: ApinizerTarget, name: string): string {
  return `${t.connectionsPath}${encodeURIComponent(name)}/`;
}

/** A create body for `type` with a unique name. */
export function body(
  type: string,
  name = uniqueName(type),
  changes: Record<string, unknown> = {},
): Record<string, unknown> {
  return withChanges({ name, type, ...typeFixture(type).valid }, changes);
}

/** Creates a connection and registers it for cleanup; returns its name. */
export async function create(
  t: ApinizerTarget,
  type: string,
  changes: Record<string, unknown> = {},
): Promise<string> {
  const input = body(type, uniqueName(type), changes);
  const name = String(input.name);
  const response = await t.client.post(itemPath(t, name), input);
  if (response.status !== 200) {
    throw new Error(`create ${type} failed with ${response.status}: ${response.text}`);
  }
  t.track(name);
  return name;
}

/** 200 with `success: true` (v1) or `status: "SUCCESS"` (v2), docs/api/apinizer.md#answers. */
export function expectSuccess(t: ApinizerTarget, response: HttpResult): Record<string, unknown> {
  if (response.status !== 200) {
    throw new Error(`expected 200, got ${response.status}: ${response.text.slice(0, 500)}`);
  }
  const result = obj(response);
  if (t.envelope === "v1") {
    expect(result.success).toBe(true);
  } else {
    expect(result.status).toBe("SUCCESS");
  }
  return result;
}

/**
 * An error in the target's envelope with the status of its generation
 * (docs/api/apinizer.md#not-found).
 */
export function expectFailure(
  t: ApinizerTarget,
  response: HttpResult,
  v1Status: number,
  v2Status = 400,
): string {
  expect(response.status).toBe(t.envelope === "v1" ? v1Status : v2Status);
  const result = obj(response);
  if (t.envelope === "v1") {
    expect(typeof result.error).toBe("string");
    expect(typeof result.error_description).toBe("string");
    return String(result.error_description);
  }
  expect(result.status).toBe("FAILURE");
  expect(typeof result.resultMessage).toBe("string");
  return String(result.resultMessage);
}

/**
 * The single item of a get response (a list envelope with resultCount 1,
 * docs/api/apinizer.md#endpoints).
 */
export async function getOne(t: ApinizerTarget, name: string): Promise<Record<string, unknown>> {
  const result = expectSuccess(t, await t.client.get(itemPath(t, name)));
  expect(result.resultCount).toBe(1);
  const list = result.resultList as Record<string, unknown>[];
  expect(list).toHaveLength(1);
  return list[0] as Record<string, unknown>;
}

export async function listType(
  t: ApinizerTarget,
  type: string,
): Promise<Record<string, unknown>[]> {
  const result = expectSuccess(
    t,
    await t.client.get(`${t.connectionsPath}?type=${encodeURIComponent(type)}`),
  );
  const list = result.resultList as Record<string, unknown>[];
  expect(result.resultCount).toBe(list.length);
  return list;
}
