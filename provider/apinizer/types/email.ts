import { z } from "zod";
import { FieldSet } from "../../core/fields";
import { login } from "./login";

/**
 * The email type
 * (https://docs.apinizer.com/api-reference/connections/connections/connection-email): an SMTP
 * server for mail-sending policies.
 */
export const email: FieldSet = {
  // The console's limit (email page).
  host: { kind: "string", required: true, maxLength: 255, doc: "SMTP host" },
  port: {
    kind: "integer",
    min: 1,
    max: 65535,
    default: 587,
    doc: "SMTP port; 25, 465 or 587 are typical",
  },
  enableStartTls: { kind: "boolean", default: false },
  auth: { kind: "boolean", default: false, doc: "whether the server needs a login" },
  ...login({ field: "auth", equals: true }),
  defaultEncoding: { kind: "string", default: "UTF-8" },
  addressToTest: { kind: "string", doc: "recipient of the console's test mail" },
  from: { kind: "string", doc: "default sender address" },
  additionalProperties: {
    kind: "json",
    // The element shape is not documented (email page); {name, value} is our guess.
    schema: z.array(z.strictObject({ name: z.string().min(1), value: z.string() })),
    default: [],
    doc: "extra SMTP properties as {name, value} pairs",
  },
};
