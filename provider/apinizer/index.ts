export { apinizerConnection } from "./connection";
export { apinizerApi } from "./api";
export { APINIZER_TYPES } from "./types";
