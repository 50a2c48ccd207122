import type { IncomingHttpHeaders, IncomingMessage } from "node:http";

/** A JSON value as parsed from a request body. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A request after the body has been read, as the family handlers see it. */
export interface ApiRequest {
  readonly method: string;
  /** Raw (still percent-encoded) path without the query. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: RawBody;
}

export interface RawBody {
  readonly bytes: Buffer;
  /** The body exceeded the cap; `bytes` then holds only the first part. */
  readonly tooLarge: boolean;
}

/** What a handler answers; the server turns it into bytes. */
export interface ApiResponse {
  readonly status: number;
  /** JSON bodies are serialised; strings are sent as text/plain. */
  readonly body?: JsonValue | string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Content type of JSON bodies. @default "application/json" */
  readonly contentType?: string;
}

export function jsonResponse(
  status: number,
  body: JsonValue,
  headers?: Readonly<Record<string, string>>,
): ApiResponse {
  return { status, body, headers };
}

export function emptyResponse(status: number): ApiResponse {
  return { status };
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads the whole body, keeping at most `maxBytes`. An oversized body is drained rather than
 * abandoned so that the client reads our 413 instead of a reset connection.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<RawBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = true;
        return;
      }
      chunks.push(chunk);
    });
    const finish = (): void => resolve({ bytes: Buffer.concat(chunks), tooLarge });
    req.on("end", finish);
    req.on("error", finish);
    req.on("aborted", finish);
  });
}

export type BodyProblem = "content-type" | "too-large" | "malformed" | "not-object";

export type BodyResult =
  | { readonly ok: true; readonly value: JsonObject }
  | { readonly ok: false; readonly problem: BodyProblem; readonly message: string };

/**
 * Parses a POST/PUT body as a JSON object. Both vendors require `Content-Type: application/json`
 * on writes (docs/api/pictory-vimeo.md#authentication, docs/api/apinizer.md#answers).
 */
export function parseJsonObject(req: ApiRequest): BodyResult {
  const contentType = String(req.headers["content-type"] ?? "");
  const mediaType = contentType.split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/json") {
    return {
      ok: false,
      problem: "content-type",
      message: "Content-Type must be application/json",
    };
  }
  if (req.body.tooLarge) {
    return { ok: false, problem: "too-large", message: "request body is too large" };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body.bytes.toString("utf8"));
  } catch {
    return { ok: false, problem: "malformed", message: "request body is not valid JSON" };
  }
  if (!isJsonObject(parsed)) {
    return { ok: false, problem: "not-object", message: "request body must be a JSON object" };
  }
  return { ok: true, value: parsed };
}

/** Decodes one path segment; undefined when the percent-encoding is broken. */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Splits a raw request target into path and decoded query without ever treating `//x` as a host. */
export function splitTarget(target: string): {
  path: string;
  query: Record<string, string>;
} {
  const mark = target.indexOf("?");
  const path = mark < 0 ? target : target.slice(0, mark);
  const query: Record<string, string> = {};
  if (mark >= 0) {
    for (const [key, value] of new URLSearchParams(target.slice(mark + 1))) {
      query[key] = value;
    }
  }
  return { path, query };
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
