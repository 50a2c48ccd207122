import { FieldSet } from "../../core/fields";

/**
 * The logback type (docs/api/apinizer.md#logback-paths): every field is "required" but has a
 * default, so none is required here. The server rewrites `logPath` and `logFileName` on write;
 * `normalize` does the same so that the rewrite never shows as drift.
 *
 * `logPodName` cannot be mirrored: the server fills an empty one with its own hostname, which the
 * provider cannot know, so that value is never counted as drift.
 */
export const logback: FieldSet = {
  logPath: {
    kind: "string",
    default: "/path/to/logs/",
    normalize: (v) => (typeof v === "string" && !v.endsWith("/") ? `${v}/` : v),
    doc: "directory of the log files; a trailing / is added",
  },
  logFileName: {
    kind: "string",
    default: "ApinizerApiProxyTraffic",
    // The server strips leading slashes (the emulator strips all of them, and so do we).
    normalize: (v) => (typeof v === "string" ? v.replace(/^\/+/, "") : v),
    doc: "file name prefix; a leading / is removed",
  },
  logPodName: {
    kind: "string",
    default: "",
    serverFillsEmpty: true,
    doc: "empty means the server's hostname",
  },
  logFilenamePattern: { kind: "string", default: "%d{yyyy-MM-dd}.%i.log" },
  logPattern: { kind: "string", default: "%d{yyyy-MM-dd HH:mm:ss.SSS}[%m]%n" },
  maxFileSize: { kind: "integer", min: 1, default: 25, doc: "megabytes" },
  maxHistory: { kind: "integer", min: 0, default: 0, doc: "0 means unbounded" },
  totalSizeCap: { kind: "integer", min: 0, default: 0, doc: "gigabytes; 0 means unbounded" },
};
