import { ResourceKind } from "../core/kind";
import { pictoryApi } from "./api";
import {
  PICTORY_DESCRIPTION,
  PICTORY_ENABLED,
  PICTORY_NAME,
  PICTORY_NAME_ALPHABET,
} from "./shared";

/** Pictory Vimeo connection (spec B). Its credentials are write-only: no response carries them (B.2). */
export const vimeoConnection: ResourceKind = {
  token: "pictory:VimeoConnection",
  family: "pictory",
  title: "Pictory Vimeo connection",
  fields: {
    name: PICTORY_NAME,
    description: PICTORY_DESCRIPTION,
    enabled: PICTORY_ENABLED,
    clientIdentifier: { kind: "string", required: true, minLength: 1, maxLength: 500 },
    clientSecret: {
      kind: "string",
      required: true,
      secret: true,
      writeOnly: true,
      minLength: 1,
      maxLength: 500,
    },
    accessToken: {
      kind: "string",
      required: true,
      secret: true,
      writeOnly: true,
      minLength: 1,
      maxLength: 500,
    },
  },
  uniqueNames: true,
  nameAlphabet: PICTORY_NAME_ALPHABET,
  nameMaxLength: 100,
  outputs: ["connectionId", "version", "createdDate", "updatedDate"],
  volatile: ["createdDate", "updatedDate"],
  api: pictoryApi({ path: "/v1/vimeo-connections" }),
};
