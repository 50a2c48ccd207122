import { FamilyDeclaration } from "../core/family";

/** Apinizer: a personal API access token per user, sent as a Bearer token; each server its own URL. */
export const apinizerFamily: FamilyDeclaration = {
  name: "apinizer",
  title: "Apinizer",
  credential: {
    key: "apinizer:token",
    env: "APINIZER_TOKEN",
    noun: "token",
    pattern: /^\S+$/,
    hint: "an Apinizer personal API access token, without the Bearer prefix",
    headers: (token) => ({ authorization: `Bearer ${token}` }),
  },
  baseUrl: {
    key: "apinizer:baseUrl",
    env: "APINIZER_BASE_URL",
    example: "https://demo.apinizer.com/apiops",
    path: "/apiops",
  },
  accounts: { key: "apinizer:accounts", env: "APINIZER_ACCOUNTS" },
};
