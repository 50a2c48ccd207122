import { ResourceKind } from "../core/kind";
import { pictoryFamily } from "./family";
import { pictoryApi } from "./api";
import {
  PICTORY_DESCRIPTION,
  PICTORY_ENABLED,
  PICTORY_NAME,
  PICTORY_NAME_ALPHABET,
  PICTORY_OUTPUTS,
} from "./shared";

/** Pictory Vimeo connection (spec B). Its credentials are write-only: no response carries them (B.2). */
export const vimeoConnection: ResourceKind = {
  token: "pictory:VimeoConnection",
  family: pictoryFamily,
  title: "Pictory Vimeo connection",
  doc: "A Pictory Vimeo connection: lets Pictory upload rendered videos to Vimeo.",
  fields: {
    name: PICTORY_NAME,
    description: PICTORY_DESCRIPTION,
    enabled: PICTORY_ENABLED,
    clientIdentifier: {
      kind: "string",
      required: true,
      minLength: 1,
      maxLength: 500,
      doc: "the Vimeo app's client identifier; the API returns it in clear",
    },
    clientSecret: {
      kind: "string",
      required: true,
      secret: true,
      writeOnly: true,
      minLength: 1,
      maxLength: 500,
      doc: "the Vimeo app's client secret",
    },
    accessToken: {
      kind: "string",
      required: true,
      secret: true,
      writeOnly: true,
      minLength: 1,
      maxLength: 500,
      doc: "a Vimeo access token with upload rights",
    },
  },
  uniqueNames: true,
  nameAlphabet: PICTORY_NAME_ALPHABET,
  nameMaxLength: 100,
  outputs: PICTORY_OUTPUTS,
  api: pictoryApi({ path: "/v1/vimeo-connections" }),
};
