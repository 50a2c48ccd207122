import { FamilyDeclaration } from "../core/family";

/** Pictory: one API key per account, sent raw in `Authorization` (Pictory "Authentication"). */
export const pictoryFamily: FamilyDeclaration = {
  name: "pictory",
  title: "Pictory",
  credential: {
    key: "pictory:apiKey",
    env: "PICTORY_API_KEY",
    noun: "API key",
    pattern: /^pictai_[A-Za-z0-9_-]+$/,
    hint: "a Pictory API key starts with pictai_ and is sent without a Bearer prefix",
    headers: (key) => ({ authorization: key }),
  },
  baseUrl: {
    key: "pictory:baseUrl",
    env: "PICTORY_BASE_URL",
    default: "https://api.pictory.ai/pictoryapis",
    example: "https://api.pictory.ai/pictoryapis",
    path: "/pictoryapis",
  },
  accounts: { key: "pictory:accounts", env: "PICTORY_ACCOUNTS" },
};
