import { z } from "zod";
import { FieldSet } from "../../core/fields";

/**
 * The webhook type
 * (https://docs.apinizer.com/api-reference/connections/connections/connection-webhook). The server
 * trusts every TLS certificate of `fullUrl`.
 */
export const webhook: FieldSet = {
  httpMethod: {
    kind: "string",
    enum: ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"],
    default: "GET",
  },
  fullUrl: {
    kind: "string",
    required: true,
    pattern: /^https?:\/\/\S+$/i,
    patternText: "an http:// or https:// URL",
  },
  headerList: {
    kind: "json",
    // Secret although the webhook page does not flag it: header values often carry tokens
    // (docs/api/apinizer.md#fields-that-may-carry-secrets).
    secret: true,
    schema: z.array(z.strictObject({ name: z.string().min(1), value: z.string() })),
    default: [],
    doc: "request headers as {name, value}",
  },
  // Seconds, unlike most Apinizer timeouts (webhook page).
  timeout: { kind: "integer", min: 0, default: 2, doc: "seconds" },
  connectionPoolMaxConnectionPerHost: { kind: "integer", min: 1, default: 24 },
  connectionPoolMaxConnectionTotal: { kind: "integer", min: 1, default: 48 },
};
