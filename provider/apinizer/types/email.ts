import { z } from "zod";
import { FieldSet } from "../../core/fields";
import { login } from "./login";

/** Spec C.7 email: an SMTP server for mail-sending policies. */
export const email: FieldSet = {
  // UI limit, spec C.7 email.
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
    // The element shape is not documented (spec C.7 email [NF]); {name, value} is inferred [INF].
    schema: z.array(z.strictObject({ name: z.string().min(1), value: z.string() })),
    default: [],
    doc: "extra SMTP properties as {name, value} pairs",
  },
};
