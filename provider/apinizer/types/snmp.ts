import { z } from "zod";
import { Condition, FieldSet } from "../../core/fields";

const PRIVACY_PROTOCOLS = [
  "PrivAES128",
  "PrivAES192",
  "PrivAES192with3DES",
  "PrivAES256",
  "PrivAES256with3DES",
  "PrivDES",
  "Priv3DES",
] as const;

const OID = /^\.?\d+(\.\d+)*$/;

const AUTHENTICATES: Condition = { field: "securityLevel", oneOf: ["AUTH_NOPRIV", "AUTH_PRIV"] };
const ENCRYPTS: Condition = { field: "securityLevel", equals: "AUTH_PRIV" };

/**
 * The snmp page's field table: the earlier example's `enabledUserAuthentication`,
 * `pduUdpForMessage` and `pduUdpForTime` are misspellings
 * (docs/api/apinizer.md#examples-that-contradict-the-field-tables).
 */
export const snmp: FieldSet = {
  // Required, yet with a default of V1 on the snmp page: an omitted version takes the default.
  version: { kind: "string", enum: ["V1", "V2c", "V3"], default: "V1" },
  connectionString: {
    kind: "string",
    required: true,
    pattern: /^(udp|tcp):[^/\s]+\/\d{1,5}$/,
    patternText: "udp:host/port or tcp:host/port, for example udp:192.168.1.2/162",
  },
  securityOrCommunityName: {
    kind: "string",
    required: true,
    doc: "the community string (V1, V2c) or the user (V3)",
  },
  retryCount: { kind: "integer", min: 0 },
  timeout: { kind: "integer", min: 0, doc: "milliseconds" },
  messageType: { kind: "string", enum: ["TRAP", "INFORM"] },
  pduOidForMessage: {
    kind: "string",
    required: true,
    pattern: OID,
    patternText: "an OID such as 1.3.6.1.4.1",
  },
  pduOidForTime: { kind: "string", pattern: OID, patternText: "an OID such as 1.3.6.1.2.1.1.3.0" },
  pduVariableMap: {
    kind: "json",
    schema: z.record(z.string().regex(OID, { error: "keys must be OIDs" }), z.string()),
    default: {},
    doc: "extra variable bindings: OID to value",
  },
  securityLevel: {
    kind: "string",
    enum: ["NOAUTH_NOPRIV", "AUTH_NOPRIV", "AUTH_PRIV"],
    doc: "V3 only",
  },
  privacyProtocolList: { kind: "json", schema: z.array(z.enum(PRIVACY_PROTOCOLS)), default: [] },
  enableUserAuthentication: { kind: "boolean", default: false },
  securityName: {
    kind: "string",
    requiredWhen: { field: "enableUserAuthentication", equals: true },
  },
  usmUserAuthenticationProtocol: {
    kind: "string",
    enum: [
      "AuthMD5",
      "AuthSHA",
      "AuthHMAC128SHA224",
      "AuthHMAC192SHA256",
      "AuthHMAC256SHA384",
      "AuthHMAC384SHA512",
    ],
    requiredWhen: AUTHENTICATES,
  },
  // SNMPv3 (RFC 3414) needs passphrases of at least 8 characters.
  authPassphrase: {
    kind: "string",
    secret: true,
    // "Passphrases are masked in get operations" (connection-snmp page, v1 and v2).
    maskedOnRead: true,
    minLength: 8,
    requiredWhen: AUTHENTICATES,
  },
  usmUserPrivacyProtocol: {
    kind: "string",
    enum: PRIVACY_PROTOCOLS,
    requiredWhen: ENCRYPTS,
  },
  privPassphrase: {
    kind: "string",
    secret: true,
    // "Passphrases are masked in get operations" (connection-snmp page, v1 and v2).
    maskedOnRead: true,
    minLength: 8,
    requiredWhen: ENCRYPTS,
  },
};
