import { FieldSpec } from "../core/fields";
import { pictoryKind } from "./shared";

/**
 * A Vimeo credential: write-only, no response carries it
 * (docs/api/pictory-vimeo.md#secrets-are-never-returned).
 */
const credential = (doc: string): FieldSpec => ({
  kind: "string",
  required: true,
  secret: true,
  writeOnly: true,
  minLength: 1,
  maxLength: 500,
  doc,
});

/** Pictory Vimeo connection (docs/api/pictory-vimeo.md). */
export const vimeoConnection = pictoryKind({
  token: "pictory:VimeoConnection",
  title: "Pictory Vimeo connection",
  doc: "A Pictory Vimeo connection: lets Pictory upload rendered videos to Vimeo.",
  path: "/v1/vimeo-connections",
  fields: {
    clientIdentifier: {
      kind: "string",
      required: true,
      minLength: 1,
      maxLength: 500,
      doc: "the Vimeo app's client identifier; the API returns it in clear",
    },
    clientSecret: credential("the Vimeo app's client secret"),
    accessToken: credential("a Vimeo access token with upload rights"),
  },
});
