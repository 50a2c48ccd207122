import { z } from "zod";
import {
  ConnectionConfigError,
  ConnectionError,
  ConnectionResponseError,
  ConnectionTransportError,
  TransportCode,
} from "./errors";
import { FieldSpec } from "./fields";
import { HttpRequest, HttpResponse } from "./http";
import { ApiCall } from "./kind";
import { FamilySettings } from "./settings";
import { describeReceived, excerpt, redact } from "./secrets";

/**
 * The start of every failure message: the connection, what could not be done, and for a request
 * made on behalf of another step (a create's name lookup) that step too.
 */
export function couldNot(call: ApiCall, what: string): string {
  return `${call.label}: could not ${what}${call.during ? ` (while trying to ${call.during})` : ""}`;
}

/** A request as an adapter writes it: the family's credential headers are added by {@link send}. */
export type WireRequest = Omit<HttpRequest, "headers">;

/**
 * Sends one request of an operation with the family's credential: the call's deadline applies,
 * transport failures name the connection and what was being done, and a redirect is an error
 * (never followed, so a credential cannot travel to another host).
 */
export async function send(
  call: ApiCall,
  what: string,
  req: WireRequest,
  idempotent: boolean,
): Promise<HttpResponse> {
  let res: HttpResponse;
  try {
    res = await call.http.send({ ...req, headers: call.family.headers }, idempotent, call.deadline);
  } catch (e) {
    if (ConnectionError.isInstance(e) && e instanceof ConnectionTransportError) {
      throw new ConnectionTransportError(
        e.code as TransportCode,
        `${couldNot(call, what)}: ${redact(e.message, call.secrets)}`,
        e,
      );
    }
    throw e;
  }
  if (res.status >= 300 && res.status < 400) {
    throw new ConnectionResponseError(
      `${couldNot(call, what)}: ${req.method} ${req.path} answered ${res.status}, a redirect to ` +
        `${redirectHost(res.location, call)}; the provider does not follow redirects so that ` +
        `credentials stay with the API: set ${call.family.baseUrlKey} to the API's own URL ` +
        `(now ${call.family.baseUrl})`,
      { status: res.status },
    );
  }
  return res;
}

/**
 * Where a redirect points, described against the base URL: the Location header is the answer's
 * text (a host can spell anything, a secret or its punycode included), so its host is never
 * quoted. What a user needs to fix the base URL is said: the same host over another scheme or
 * port, another path on it, or another host.
 */
function redirectHost(location: string | undefined, call: ApiCall): string {
  if (location === undefined) return "no location";
  let url: URL;
  let base: URL;
  try {
    base = new URL(call.family.baseUrl);
    url = new URL(location, base);
  } catch {
    return "an invalid location";
  }
  if (url.hostname !== base.hostname) return "another host (not shown: it is the answer's text)";
  if (url.protocol !== base.protocol) return `the same host over ${url.protocol.replace(":", "")}`;
  if (url.port !== base.port) return "the same host on another port";
  return "another path on the same host";
}

/**
 * What the API said in a failed answer, built only from `said`: the error fields its vendor
 * documents (a message, field names and their errors), decoded and with every secret masked
 * ({@link excerpt}), and only from an answer sent as JSON. The raw body is never quoted: an API may echo the request in it, in forms no
 * masking can know. When no documented field is left, what came back is described instead:
 * status, content type and length, and `where` (the request) when given.
 */
export function apiSaid(
  call: ApiCall,
  res: HttpResponse,
  said: readonly unknown[],
  where?: string,
): string {
  // Fields of an answer sent as JSON only: a proxy's page that happens to parse as JSON is not
  // the API's, and what it "says" may echo the request.
  const text = isJsonAnswer(res)
    ? excerpt(
        said.filter((s): s is string => typeof s === "string"),
        call.secrets,
      )
    : "";
  if (text !== "") return text;
  return `no error message the API documents${where ? ` from ${where}` : ""}: ${describeBody(res)}`;
}

/**
 * Media types a message may name: the ones these APIs, gateways and proxies answer with. Any
 * other is the API's text (it could be anything, a secret included), so it is not shown.
 */
const KNOWN_MEDIA_TYPES: ReadonlySet<string> = new Set([
  "application/json",
  "application/problem+json",
  "application/hal+json",
  "application/vnd.api+json",
  "application/xml",
  "application/xhtml+xml",
  "application/javascript",
  "application/octet-stream",
  "application/x-www-form-urlencoded",
  "text/html",
  "text/plain",
  "text/xml",
  "text/css",
  "text/javascript",
  "text/csv",
]);

/** A body described without any of its content: its media type (when a known one) and size. */
export function describeBody(res: Pick<HttpResponse, "text" | "bytes" | "contentType">): string {
  const media = res.contentType.split(";")[0]!.trim().toLowerCase();
  const type = KNOWN_MEDIA_TYPES.has(media)
    ? media
    : media === "" || res.contentType === "no content type"
      ? "no content type"
      : "a content type these APIs do not use";
  if (res.text === "") return `an empty body, ${type}`;
  return `${res.bytes} bytes of ${type}`;
}

/**
 * Validates a successful answer before anything of it is used: JSON, and the shape `schema`
 * describes. A malformed answer names the endpoint and the first problems, never their values.
 */
export function parseAnswer<T>(
  call: ApiCall,
  what: string,
  req: Pick<HttpRequest, "method" | "path">,
  res: HttpResponse,
  schema: z.ZodType<T>,
): T {
  const endpoint = `${req.method} ${req.path}`;
  // Described, never quoted: a login or proxy page may echo the request, credential included.
  if (!res.json) throw notTheApi(call, what, req, res, "a JSON answer");
  const parsed = schema.safeParse(res.body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "the body"} ${i.message}`)
    .join("; ");
  if (lacksApiPath(call.family))
    throw notTheApi(call, what, req, res, "an answer the API documents");
  throw new ConnectionResponseError(
    `${couldNot(call, what)}: ${endpoint} answered ${res.status} with a body that is not ` +
      `what the API documents (${problems}); this answer was not written to the state: check that ` +
      `${call.family.baseUrlKey} points at the API (now ${call.family.baseUrl}), or report the answer to the vendor`,
    { status: res.status, cause: parsed.error },
  );
}

/**
 * Validates a listing that may be taken as evidence that a connection is gone (a lookup's "no such
 * name" and a refresh's "deleted" both rest on it): exactly the documented 200, sent as JSON
 * ({@link isJsonAnswer}), and without a key twice in any object, then the shape `schema`
 * describes. A 203 or 206 is a proxy's rewrite or a part of the answer; a page parsed as JSON by
 * chance is no answer of the API's; and of a duplicated key `JSON.parse` keeps the last copy,
 * so a connection in the first copy would be read as absent. Whether more pages follow is the
 * family's to check, as its vendor documents paging.
 */
export function parseListing<T>(
  call: ApiCall,
  what: string,
  req: Pick<HttpRequest, "method" | "path">,
  res: HttpResponse,
  schema: z.ZodType<T>,
): T {
  if (res.status !== 200 || !isJsonAnswer(res))
    throw notTheApi(call, what, req, res, "the API's listing: a 200 sent as JSON");
  if (hasDuplicateKey(res.text))
    throw notTheApi(call, what, req, res, "a listing that names each key of an object once");
  return parseAnswer(call, what, req, res, schema);
}

/**
 * Whether a JSON text (already parsed, so well-formed) has an object with a key twice. Neither
 * `JSON.parse` nor its reviver can tell (the reviver sees each object after the last copy won),
 * so this walks the text's tokens: strings (skipped whole, escapes included, so a brace or quote
 * inside one is never taken for structure), objects and arrays. Each key is decoded with
 * `JSON.parse` before it is compared, so `"\u0049tems"` and `"Items"` are the same key, as they
 * are to the parser.
 */
export function hasDuplicateKey(text: string): boolean {
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const keys = stack[stack.length - 1];
      if (expectKey && keys) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) return true;
        keys.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === "{") {
      stack.push(new Set());
      expectKey = true;
    } else if (c === "[") {
      stack.push(null);
      expectKey = false;
    } else if (c === "}" || c === "]") {
      stack.pop();
      expectKey = false;
    } else if (c === ",") {
      expectKey = stack.length > 0 && stack[stack.length - 1] !== null;
    }
  }
  return false;
}

/** Where a request went, for messages: the base URL and the path, never the query. */
export function urlOf(call: ApiCall, req: Pick<HttpRequest, "path">): string {
  return `${call.family.baseUrl.replace(/\/+$/, "")}${req.path}`;
}

/**
 * What came back, described and never quoted (a page may echo the request, credential included):
 * the status and {@link describeBody}.
 */
export function answerFacts(res: HttpResponse): string {
  return `${res.status} with ${describeBody(res)}`;
}

/** A JSON body sent as JSON: a framework's error page parsed as JSON by chance is not one. */
export function isJsonAnswer(res: HttpResponse): boolean {
  return res.json && /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(res.contentType.trim());
}

/** Whether the configured base URL lacks the path the API is served under (`/pictoryapis`). */
export function lacksApiPath(family: FamilySettings): boolean {
  const want = family.declaration.baseUrl.path.toLowerCase();
  let path: string;
  try {
    path = new URL(family.baseUrl).pathname.replace(/\/+$/, "").toLowerCase();
  } catch {
    return false;
  }
  return !path.endsWith(want);
}

/**
 * An answer that is not the API's own (a gateway's or framework's page, a route the API does not
 * have): the error names the URL that answered, what came back and the likely cause. From a base
 * URL without the API's path that cause is the configuration, reported as CONFIG_INVALID on the
 * first request, so that a wrong base URL never reads as "deleted" or "not found".
 */
export function notTheApi(
  call: ApiCall,
  what: string,
  req: Pick<HttpRequest, "method" | "path">,
  res: HttpResponse,
  expected: string,
): ConnectionError {
  const { baseUrlKey, baseUrl, declaration } = call.family;
  const got = `${req.method} ${urlOf(call, req)} answered ${answerFacts(res)}, not ${expected}`;
  if (lacksApiPath(call.family)) {
    const fixed = `${baseUrl.replace(/\/+$/, "")}${declaration.baseUrl.path}`;
    return new ConnectionConfigError(
      "CONFIG_INVALID",
      `${couldNot(call, what)}: ${got}. ${baseUrlKey} is ${baseUrl}, which lacks the path the API ` +
        `is served under (${declaration.baseUrl.path}): set ${baseUrlKey} to ${fixed} ` +
        `(for example ${declaration.baseUrl.example}); the state was left as it is`,
    );
  }
  return new ConnectionResponseError(
    `${couldNot(call, what)}: ${got}; the request did not reach the API: a proxy or gateway in ` +
      `front of it answered, or ${baseUrlKey} (now ${baseUrl}) points at another service. The ` +
      `state was left as it is: check the URL and the proxy, then run the command again`,
    { status: res.status },
  );
}

/**
 * How one family recognises the end of a connection. A connection is gone only on positive,
 * well-formed evidence from the API itself: the vendor's documented not-found answer for that
 * very connection, or a well-formed listing of its collection that lacks it. A bare 404 proves
 * nothing: gateways (Kong's `{"message":"no Route matched"}`), frameworks and a base URL
 * without the API's path all answer 404 for a connection that is alive.
 */
export interface AbsenceEvidence {
  /** The vendor's documented not-found answer naming this connection. */
  documented(res: HttpResponse): boolean;
  /** An answer that might mean "gone" (a 404) and must be confirmed; others are plain errors. */
  maybe(res: HttpResponse): boolean;
  /**
   * Lists the connection's collection (every page, each item validated) and says whether it
   * holds the connection; undefined when no listing can tell (Apinizer without a type).
   */
  listed?(call: ApiCall): Promise<boolean> | undefined;
  /** What the API would have answered, for the error: "the API's answer for connection X". */
  readonly expected: string;
}

/**
 * Whether `res`, a failed answer about one connection, proves it gone; false hands the answer to
 * the family's own error handling. Every read, delete, update and lookup of a family goes
 * through here, so none can conclude "gone" on weaker evidence than another.
 */
export async function provesGone(
  call: ApiCall,
  what: string,
  req: Pick<HttpRequest, "method" | "path">,
  res: HttpResponse,
  evidence: AbsenceEvidence,
): Promise<boolean> {
  if (evidence.documented(res)) return true;
  if (!evidence.maybe(res)) return false;
  const listed = await evidence.listed?.({
    ...call,
    during: "confirm that the connection is gone",
  });
  if (listed === false) return true;
  throw notTheApi(
    call,
    what,
    req,
    res,
    listed === true
      ? `${evidence.expected} (the API's listing still holds the connection)`
      : evidence.expected,
  );
}

/**
 * The schema of a declared field as an API answer carries it: the type must match, while limits
 * are the program's business (the console may hold values our checks would refuse). `null` and a
 * missing key mean "not shown".
 */
export function answerFieldSchema(spec: FieldSpec): z.ZodType {
  const received = (v: unknown) => `received ${describeReceived(v)}`;
  switch (spec.kind) {
    case "string":
      return z.string({ error: (i) => `must be a string, ${received(i.input)}` }).nullish();
    case "integer":
      return z
        .number({ error: (i) => `must be a number, ${received(i.input)}` })
        .int({ error: "must be a whole number" })
        .nullish();
    case "boolean":
      return z.boolean({ error: (i) => `must be true or false, ${received(i.input)}` }).nullish();
    case "json":
      return z
        .union([z.array(z.unknown()), z.record(z.string(), z.unknown())], {
          error: (i) => `must be an object or a list, ${received(i.input)}`,
        })
        .nullish();
  }
}

/** A positive whole number: the optimistic-locking version. */
export const VERSION = z
  .number({ error: (i) => `must be a number, received ${describeReceived(i.input)}` })
  .int({ error: "must be a whole number" })
  .positive({ error: "must be at least 1" });

/** ISO-8601 date-time as the APIs write them (`2025-12-22T15:56:12.309Z`); offsets tolerated. */
export const ISO_DATE = z
  .string({ error: (i) => `must be an ISO-8601 date, received ${describeReceived(i.input)}` })
  .max(64, { error: "must be an ISO-8601 date, received a longer string" })
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s), {
    error: "must be an ISO-8601 date",
  });
