import { Condition, FieldSet } from "../../core/fields";

/**
 * Spec C.7 ldap says `certificateId` is needed "if useSsl and validation is on"; validation is on
 * when a certificate requirement is chosen (the emulator reads it the same way).
 */
const CERTIFICATE_VALIDATED: Condition = {
  all: [
    { field: "useSsl", equals: true },
    { field: "requireCertificateType", oneOf: ["REQUIRED_CN", "REQUIRED_AN_PN"] },
  ],
};

/** Spec C.7 ldap. */
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
  // A reference by ID although the certificate API is keyed by name (spec C.8 [NF]).
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
  // Its meaning is undocumented (spec C.7, D.11); passed through as is.
  selectedEnvironmentId: { kind: "string" },
};
