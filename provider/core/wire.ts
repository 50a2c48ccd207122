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
        `${redirectHost(res.location, call.family.baseUrl)}; the provider does not follow redirects so that ` +
        `credentials stay with the API: set ${call.family.baseUrlKey} to the API's own URL ` +
        `(now ${call.family.baseUrl})`,
      { status: res.status },
    );
  }
  return res;
}

function redirectHost(location: string | undefined, base: string): string {
  if (location === undefined) return "no location";
  try {
    return new URL(location, base).host;
  } catch {
    return "an invalid location";
  }
}

/**
 * What the API said in a failed answer, built only from `said`: the error fields its vendor
 * documents (a message, field names and their errors), decoded and with every secret masked
 * ({@link excerpt}). The raw body is never quoted: an API may echo the request in it, in forms no
 * masking can know. When no documented field is left, what came back is described instead:
 * status, content type and length, and `where` (the request) when given.
 */
export function apiSaid(
  call: ApiCall,
  res: HttpResponse,
  said: readonly unknown[],
  where?: string,
): string {
  const text = excerpt(
    said.filter((s): s is string => typeof s === "string"),
    call.secrets,
  );
  if (text !== "") return text;
  // The media type is the API's text too.
  return `no error message the API documents${where ? ` from ${where}` : ""}: ${describeBody(res, call.secrets)}`;
}

/** A media type as RFC 9110 writes one: `type/subtype`, token characters only, bounded. */
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]{1,40}\/[a-z0-9!#$&^_.+-]{1,60}$/;

/**
 * An answer's body described without any of its content, e.g. `123 bytes of text/html`: the one
 * describer of what came back, since a page may echo the request, credential included. The
 * Content-Type header is the API's text too: only a well-formed media type of it is shown, without
 * its parameters and with every secret masked; anything else is "no recognisable content type".
 */
export function describeBody(
  res: Pick<HttpResponse, "text" | "contentType">,
  secrets: Iterable<string | undefined> = [],
): string {
  const media = res.contentType.split(";")[0]!.trim().toLowerCase();
  const type = MEDIA_TYPE.test(media) ? redact(media, secrets) : "no recognisable content type";
  if (res.text === "") return `an empty body, ${type}`;
  return `${Buffer.byteLength(res.text, "utf8")} bytes of ${type}`;
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

/** Where a request went, for messages: the base URL and the path, never the query. */
export function urlOf(call: ApiCall, req: Pick<HttpRequest, "path">): string {
  return `${call.family.baseUrl.replace(/\/+$/, "")}${req.path}`;
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
  const got = `${req.method} ${urlOf(call, req)} answered ${res.status} with ${describeBody(res, call.secrets)}, not ${expected}`;
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
