import { ResourceKind } from "./core/kind";
import { apinizerConnection } from "./apinizer";
import { awsConnection, vimeoConnection } from "./pictory";

/** Every resource kind, by token. Adding a kind is a declaration plus a line here. */
export const KINDS: ReadonlyMap<string, ResourceKind> = new Map(
  [awsConnection, vimeoConnection, apinizerConnection].map((k) => [k.token, k]),
);
