import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import * as ts from "typescript";
import { FieldSet, fieldSchema, holds } from "../../provider/core/fields";
import { APINIZER_TYPES } from "../../provider/apinizer/types";
import { APINIZER_CONNECTION_TYPES } from "../../sdk/nodejs/apinizer/types";

/** Common fields are declared by the connection kind, never per type. */
const COMMON = ["type", "name", "description", "deployToWorker", "enabled"];

interface SdkField {
  readonly optional: boolean;
  /** The type as written, whitespace collapsed. */
  readonly typeText: string;
  readonly typeNode: ts.TypeNode;
  /** The `@default` tag's text, if any. */
  readonly defaultText?: string;
}

const SDK_FILE = path.join(__dirname, "../../sdk/nodejs/apinizer/types.ts");
const sdkSource = ts.createSourceFile(
  SDK_FILE,
  fs.readFileSync(SDK_FILE, "utf8"),
  ts.ScriptTarget.Latest,
  true,
);

/** Type aliases of the SDK file, so enum unions written as an alias can be followed. */
const aliases = new Map<string, ts.TypeNode>();
for (const s of sdkSource.statements) {
  if (ts.isTypeAliasDeclaration(s)) aliases.set(s.name.text, s.type);
}

/** The `*ConnectionFields` interfaces of the SDK, keyed by the literal of their `type` member. */
function sdkInterfaces(): Map<string, Map<string, SdkField>> {
  const out = new Map<string, Map<string, SdkField>>();
  for (const s of sdkSource.statements) {
    if (!ts.isInterfaceDeclaration(s) || !s.name.text.endsWith("ConnectionFields")) continue;
    const fields = new Map<string, SdkField>();
    let discriminator: string | undefined;
    for (const m of s.members) {
      if (!ts.isPropertySignature(m) || !m.type) continue;
      const name = m.name.getText(sdkSource).replace(/^"|"$/g, "");
      if (name === "type") {
        if (ts.isLiteralTypeNode(m.type) && ts.isStringLiteral(m.type.literal)) {
          discriminator = m.type.literal.text;
        }
        continue;
      }
      const tag = ts.getJSDocTags(m).find((t) => t.tagName.text === "default");
      fields.set(name, {
        optional: m.questionToken !== undefined,
        typeText: m.type.getText(sdkSource).replace(/\s+/g, " "),
        typeNode: m.type,
        defaultText: tag ? ts.getTextOfJSDocComment(tag.comment)?.trim() : undefined,
      });
    }
    if (discriminator === undefined)
      throw new Error(`${s.name.text} has no literal \`type\` member`);
    out.set(discriminator, fields);
  }
  return out;
}

/** String literals of a type node, through unions, `pulumi.Input<...>` and same-file aliases. */
function literals(node: ts.TypeNode): string[] {
  if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) return [node.literal.text];
  if (ts.isUnionTypeNode(node)) return node.types.flatMap(literals);
  if (ts.isParenthesizedTypeNode(node)) return literals(node.type);
  if (ts.isTypeReferenceNode(node)) {
    const alias = aliases.get(node.typeName.getText(sdkSource));
    if (alias) return literals(alias);
    return (node.typeArguments ?? []).flatMap(literals);
  }
  return [];
}

const SDK = sdkInterfaces();
const TYPES = Object.keys(APINIZER_TYPES);

/** What the engine's `check` reports for these per-type inputs, reduced to "field: reason". */
function problems(type: string, inputs: Record<string, unknown>): string[] {
  const set: FieldSet = APINIZER_TYPES[type]!;
  const out: string[] = [];
  for (const key of Object.keys(inputs)) if (!set[key]) out.push(`${key}: not a field`);
  for (const [key, spec] of Object.entries(set)) {
    const value = inputs[key];
    if (value === undefined) {
      if (spec.required || (spec.requiredWhen && holds(spec.requiredWhen, inputs)))
        out.push(`${key}: is required`);
      continue;
    }
    const result = fieldSchema(spec).safeParse(value);
    if (!result.success) out.push(`${key}: ${result.error.issues[0]!.message}`);
  }
  return out;
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

/** The smallest valid connection of each type: only its required fields. */
const MINIMAL: Record<string, Record<string, unknown>> = {
  email: { host: "smtp.example.com" },
  database: {
    dbType: "POSTGRES",
    jdbcUrl: "jdbc:postgresql://db:5432/app",
    // useCredentials defaults to true (database page), which makes both of these required.
    username: "app",
    password: "s3cret",
  },
  ldap: {
    serverAddress: "ldaps://ldap.example.com:636",
    username: "cn=admin,dc=example,dc=com",
    password: "s3cret",
    baseDn: "dc=example,dc=com",
  },
  kafka: { topicName: "events", propertiesMap: KAFKA_PROPERTIES },
  rabbitMq: { hostPortList: [{ host: "rabbit" }] },
  activeMq: {
    activeMqConnectionProtocolType: "TCP",
    brokerURL: "tcp://activemq:61616",
    destinationType: "QUEUE",
    destinationName: "orders",
  },
  elasticsearch: { elasticHostList: [{ host: "es" }] },
  ftp: { host: "ftp.example.com", username: "u", password: "s3cret", protocol: "SFTP" },
  graylog: { hostname: "graylog" },
  syslog: { syslogServerHostname: "syslog" },
  webhook: { fullUrl: "https://hooks.example.com/x" },
  logback: {},
  snmp: {
    connectionString: "udp:192.168.1.2/162",
    securityOrCommunityName: "public",
    pduOidForMessage: "1.3.6.1.4.1.99999.1",
  },
  "linux-script": { hostName: "box", username: "ops", password: "s3cret" },
};

/** One invalid variation of each minimal example, and the failure it must produce. */
const REJECTS: Record<string, { what: string; inputs: Record<string, unknown>; expected: RegExp }> =
  {
    email: {
      what: "auth without a password",
      inputs: { ...MINIMAL.email, auth: true, username: "mailer" },
      expected: /^password: is required$/,
    },
    database: {
      what: "an unknown dbType",
      inputs: { ...MINIMAL.database, dbType: "postgres" },
      expected: /^dbType: must be one of ORACLE, .*TRINO$/,
    },
    ldap: {
      what: "certificate validation without certificateId",
      inputs: { ...MINIMAL.ldap, useSsl: true, requireCertificateType: "REQUIRED_CN" },
      expected: /^certificateId: is required$/,
    },
    kafka: {
      what: "propertiesMap without the serializers",
      inputs: {
        ...MINIMAL.kafka,
        propertiesMap: { "bootstrap.servers": KAFKA_PROPERTIES["bootstrap.servers"] },
      },
      expected: /^propertiesMap: must contain key\.serializer, value\.serializer/,
    },
    rabbitMq: {
      what: "an empty hostPortList",
      inputs: { hostPortList: [] },
      expected: /^hostPortList: must list at least one/,
    },
    activeMq: {
      what: "a bad destinationType",
      inputs: { ...MINIMAL.activeMq, destinationType: "queue" },
      expected: /^destinationType: must be one of QUEUE, TOPIC$/,
    },
    elasticsearch: {
      what: "an ILM policy with no phase enabled",
      inputs: {
        ...MINIMAL.elasticsearch,
        indexLifecyclePolicyCreated: true,
        indexLifecyclePolicy: { policyName: "p", enableHotPhase: false },
      },
      expected: /^indexLifecyclePolicy: must enable at least one phase/,
    },
    ftp: {
      what: "a port above 65535",
      inputs: { ...MINIMAL.ftp, port: 70000 },
      expected: /^port: must be at most 65535$/,
    },
    graylog: {
      what: "certificate verification without the chain",
      inputs: { ...MINIMAL.graylog, tlsEnabled: true, tlsCertVerificationEnabled: true },
      expected: /^tlsTrustCertChainFile: is required$/,
    },
    syslog: {
      what: "a missing syslogServerHostname",
      inputs: { syslogPort: 514 },
      expected: /^syslogServerHostname: is required$/,
    },
    webhook: {
      what: "a header without a value",
      inputs: { ...MINIMAL.webhook, headerList: [{ name: "Authorization" }] },
      expected: /^headerList: /,
    },
    logback: {
      what: "a fractional maxFileSize",
      inputs: { maxFileSize: 2.5 },
      expected: /^maxFileSize: must be a whole number$/,
    },
    snmp: {
      what: "the misspelled v1-example field pduUdpForMessage",
      inputs: {
        connectionString: "udp:192.168.1.2/162",
        securityOrCommunityName: "public",
        pduUdpForMessage: "1.3.6.1.4.1.99999.1",
      },
      expected: /^(pduUdpForMessage: not a field|pduOidForMessage: is required)$/,
    },
    "linux-script": {
      what: "a missing password",
      inputs: { hostName: "box", username: "ops" },
      expected: /^password: is required$/,
    },
  };

describe("APINIZER_TYPES", () => {
  it("has exactly the documented discriminators, in the SDK's order", () => {
    expect(TYPES).toEqual([...APINIZER_CONNECTION_TYPES]);
    expect([...SDK.keys()].sort()).toEqual([...APINIZER_CONNECTION_TYPES].sort());
  });

  describe.each(TYPES)("%s", (type) => {
    const set = APINIZER_TYPES[type]!;
    const sdk = SDK.get(type)!;
    const entries = Object.entries(set);

    it("declares no common field", () => {
      expect(Object.keys(set).filter((k) => COMMON.includes(k))).toEqual([]);
    });

    it("has the same field names as the SDK interface", () => {
      expect(Object.keys(set).sort()).toEqual([...sdk.keys()].sort());
    });

    it("makes exactly the required fields non-optional in the SDK", () => {
      const required = entries.filter(([, s]) => s.required).map(([k]) => k);
      const sdkRequired = [...sdk].filter(([, f]) => !f.optional).map(([k]) => k);
      expect(sdkRequired.sort()).toEqual(required.sort());
    });

    it("types exactly the secret fields as SecretInput in the SDK", () => {
      const secret = entries.filter(([, s]) => s.secret).map(([k]) => k);
      const sdkSecret = [...sdk]
        .filter(([, f]) => /^SecretInput\b/.test(f.typeText))
        .map(([k]) => k);
      expect(sdkSecret.sort()).toEqual(secret.sort());
    });

    it("documents every default, and only those, with the same value", () => {
      const declared = Object.fromEntries(
        entries.filter(([, s]) => s.default !== undefined).map(([k, s]) => [k, s.default]),
      );
      // An optional field without a default says `@default none`.
      const documented = Object.fromEntries(
        [...sdk]
          .filter(([, f]) => f.defaultText !== undefined && f.defaultText !== "none")
          .map(([k, f]) => [k, JSON.parse(f.defaultText!)]),
      );
      expect(documented).toEqual(declared);
    });

    it("offers the same enum values in the SDK", () => {
      for (const [key, spec] of entries) {
        if (spec.kind !== "string" || !spec.enum) continue;
        expect({ key, values: literals(sdk.get(key)!.typeNode).sort() }).toEqual({
          key,
          values: [...spec.enum].sort(),
        });
      }
    });

    it("gives each scalar field the matching SDK type", () => {
      const expected = { integer: "number", boolean: "boolean", string: "string" } as const;
      for (const [key, spec] of entries) {
        if (spec.kind === "json" || spec.enum) continue;
        const text = sdk.get(key)!.typeText;
        const ok = spec.secret
          ? text === "SecretInput"
          : text === `pulumi.Input<${expected[spec.kind]}>`;
        expect({ key, text, ok }).toEqual({ key, text, ok: true });
      }
    });

    it("bounds every port", () => {
      for (const [key, spec] of entries) {
        if (/port$/i.test(key) && spec.kind === "integer") {
          expect({ key, min: spec.min, max: spec.max }).toEqual({ key, min: 1, max: 65535 });
        }
      }
    });

    it("declares defaults that pass its own validation and normalisation", () => {
      for (const [key, spec] of entries) {
        if (spec.default === undefined) continue;
        expect({ key, ok: fieldSchema(spec).safeParse(spec.default).success }).toEqual({
          key,
          ok: true,
        });
        if (spec.normalize) expect(spec.normalize(spec.default)).toEqual(spec.default);
      }
    });

    it("accepts a minimal valid example", () => {
      expect(problems(type, MINIMAL[type]!)).toEqual([]);
    });

    it(`rejects ${REJECTS[type]!.what}`, () => {
      const { inputs, expected } = REJECTS[type]!;
      const found = problems(type, inputs);
      expect(found.length).toBeGreaterThan(0);
      for (const p of found) expect(p).toMatch(expected);
    });
  });
});

describe("per-type rules", () => {
  it("rejects SNMP passphrases shorter than 8 characters without echoing them", () => {
    const found = problems("snmp", {
      ...MINIMAL.snmp,
      version: "V3",
      securityLevel: "AUTH_PRIV",
      usmUserAuthenticationProtocol: "AuthSHA",
      authPassphrase: "tiny-1",
      usmUserPrivacyProtocol: "PrivAES128",
      privPassphrase: "tiny-2",
    });
    expect(found).toEqual([
      "authPassphrase: must be at least 8 characters",
      "privPassphrase: must be at least 8 characters",
    ]);
  });

  it("rejects SNMP version V2C: the snmp page's value has a lowercase c", () => {
    expect(problems("snmp", { ...MINIMAL.snmp, version: "V2C" })).toEqual([
      "version: must be one of V1, V2c, V3",
    ]);
  });

  it("rejects a webhook header list without echoing the token in it", () => {
    const found = problems("webhook", {
      ...MINIMAL.webhook,
      headerList: [{ name: "Authorization", value: 42, token: "Bearer abc123" }],
    });
    expect(found).toHaveLength(1);
    expect(found[0]).not.toContain("abc123");
  });

  it("requires database credentials unless useCredentials is false", () => {
    const base = { dbType: "MYSQL", jdbcUrl: "jdbc:mysql://db:3306/app" };
    expect(problems("database", base)).toEqual(["username: is required", "password: is required"]);
    expect(problems("database", { ...base, useCredentials: false })).toEqual([]);
  });

  it("requires the keystore and TLS protocols for secure Kafka", () => {
    expect(problems("kafka", { ...MINIMAL.kafka, enableSecure: true })).toEqual([
      "protocolTypes: is required",
      "keyStoreName: is required",
    ]);
  });

  it("requires the file that matches the Elasticsearch encryption type", () => {
    const base = { ...MINIMAL.elasticsearch, encryptCommunication: true };
    expect(problems("elasticsearch", base)).toEqual(["encryptCommunicationType: is required"]);
    expect(
      problems("elasticsearch", {
        ...base,
        encryptCommunicationType: "CERT_AND_PRIVATE_KEY_IN_PKCS_12",
      }),
    ).toEqual(["caKeystoreFile: is required"]);
    expect(
      problems("elasticsearch", {
        ...base,
        encryptCommunicationType: "CERT_AND_PRIVATE_KEY_IN_PKCS_12",
        caKeystoreFile: "MIIK",
      }),
    ).toEqual(["caKeystoreFilePass: is required"]);
  });

  it("accepts an Elasticsearch ILM policy with one phase enabled", () => {
    const inputs = {
      ...MINIMAL.elasticsearch,
      indexLifecyclePolicyCreated: true,
      indexLifecyclePolicy: { enableDeletePhase: true, minAgeOfDelete: 30 },
    };
    expect(problems("elasticsearch", inputs)).toEqual([]);
  });

  it("normalises logback paths as the server does, idempotently", () => {
    const { logPath, logFileName } = APINIZER_TYPES.logback!;
    expect(logPath!.normalize!("/var/log/apinizer")).toBe("/var/log/apinizer/");
    expect(logFileName!.normalize!("/traffic")).toBe("traffic");
    fc.assert(
      fc.property(fc.string(), (s) => {
        const p = logPath!.normalize!(s) as string;
        const f = logFileName!.normalize!(s) as string;
        return (
          p.endsWith("/") &&
          logPath!.normalize!(p) === p &&
          !f.startsWith("/") &&
          logFileName!.normalize!(f) === f
        );
      }),
    );
  });
});
