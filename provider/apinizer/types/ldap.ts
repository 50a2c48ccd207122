import { Condition, FieldSet } from "../../core/fields";

/**
 * The ldap page (https://docs.apinizer.com/api-reference/connections/connections/connection-ldap)
 * says `certificateId` is needed "if useSsl and validation is on"; validation is on when a
 * certificate requirement is chosen (the emulator reads it the same way).
 */
const CERTIFICATE_VALIDATED: Condition = {
  all: [
    { field: "useSsl", equals: true },
    { field: "requireCertificateType", oneOf: ["REQUIRED_CN", "REQUIRED_AN_PN"] },
  ],
};

/**
 * The ldap type (https://docs.apinizer.com/api-reference/connections/connections/connection-ldap).
 */
export const ldap: FieldSet = {
  serverAddress: {
    kind: "string",
    required: true,
    pattern: /^ldaps?:\/\/\S+$/,
    patternText: "an ldap:// or ldaps:// address such as ldaps://host:636",
  },
  requireCertificateType: {
    kind: "string",
    enum: ["NOT_REQUIRED", "REQUIRED_CN", "REQUIRED_AN_PN"],
    default: "NOT_REQUIRED",
  },
  username: { kind: "string", required: true, doc: "bind DN" },
  // "Password is masked in get operations" (connection-ldap page, v1 and v2).
  password: { kind: "string", required: true, secret: true, maskedOnRead: true },
  customFilter: { kind: "string", doc: "{0} stands for the user, for example (uid={0})" },
  searchScope: { kind: "string", enum: ["OBJECT", "ONE_LEVEL", "SUBTREE"], default: "SUBTREE" },
  baseDn: { kind: "string", required: true },
  // A reference by ID although the certificate API is keyed by name
  // (docs/api/apinizer.md#references-and-embedded-files).
  certificateId: {
    kind: "string",
    requiredWhen: CERTIFICATE_VALIDATED,
    doc: "ID of the certificate that validates the server",
  },
  certificateName: {
    kind: "string",
    doc: "informational only: the server resolves the certificate by certificateId",
  },
  useSsl: { kind: "boolean", default: false },
  // Its meaning is undocumented (docs/api/apinizer.md#where-the-pages-are-silent); passed through
  // as is.
  selectedEnvironmentId: { kind: "string" },
};
