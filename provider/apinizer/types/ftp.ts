import { FieldSet } from "../../core/fields";

/**
 * The ftp type (https://docs.apinizer.com/api-reference/connections/connections/connection-ftp):
 * one type for FTP, SFTP and FTPS. For FTPS exactly one of `useImplicit` and `useExplicit` must be
 * true. That rule spans two fields and a third one's value, which `requiredWhen` cannot say (it
 * only checks presence, and false is present), so both stay optional here and the API rejects a bad
 * pair on create.
 */
export const ftp: FieldSet = {
  host: { kind: "string", required: true },
  port: {
    kind: "integer",
    min: 1,
    max: 65535,
    default: 21,
    doc: "21 for FTP, 22 for SFTP, 990 for implicit FTPS",
  },
  username: { kind: "string", required: true },
  // "Password is masked in get operations" (connection-ftp page, v1 and v2).
  password: { kind: "string", required: true, secret: true, maskedOnRead: true },
  workingDir: { kind: "string", default: "/" },
  protocol: { kind: "string", required: true, enum: ["FTP", "SFTP", "FTPS"] },
  timeout: { kind: "integer", min: 0, default: 30000, doc: "milliseconds" },
  retryCount: { kind: "integer", min: 0, default: 3 },
  useImplicit: {
    kind: "boolean",
    default: false,
    doc: "FTPS only: implicit TLS; exactly one of useImplicit and useExplicit must be true",
  },
  useExplicit: {
    kind: "boolean",
    default: false,
    doc: "FTPS only: explicit TLS; exactly one of useImplicit and useExplicit must be true",
  },
  sslProtocol: { kind: "string", doc: "for example TLS" },
};
