import { FieldSet } from "../../core/fields";

/**
 * The linux-script type
 * (https://docs.apinizer.com/api-reference/connections/connections/connection-linux-script): an SSH
 * login on which script policies run.
 */
export const linuxScript: FieldSet = {
  hostName: { kind: "string", required: true },
  sshPort: { kind: "integer", min: 1, max: 65535, default: 22 },
  username: { kind: "string", required: true },
  // "Password is masked in get operations" (connection-linux-script page, v1 and v2).
  password: { kind: "string", required: true, secret: true, maskedOnRead: true },
};
