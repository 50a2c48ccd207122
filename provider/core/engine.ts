/**
 * The engine every kind runs on, as one namespace for callers outside the provider (`engine` in
 * provider/index.ts). It has two parts, each readable on its own: planning.ts (check, diff and
 * the pure helpers they share; no network) and operations.ts (create, read, update, delete,
 * create recovery and lookups; it uses planning, never the reverse).
 */
export * from "./planning";
export * from "./operations";
