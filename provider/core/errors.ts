/**
 * Typed errors with stable codes.
 *
 * The provider code runs in a module instance loaded by the dynamic-provider host, separate from the
 * one a user's program loads, so `instanceof` is unreliable across the two: every error carries a
 * brand and a static `isInstance` that checks it (the same approach as pulumi's `RunError`).
 */

const BRAND = Symbol.for("pulumi-connections:ConnectionError");

/** The classes that raise codes: what a program can test with `instanceof`. */
export type ConnectionErrorClass =
  | "ConnectionConflictError"
  | "ConnectionNameConflictError"
  | "ConnectionConfigError"
  | "ConnectionValidationError"
  | "ConnectionApiError"
  | "ConnectionResponseError"
  | "ConnectionTransportError"
  | "ConnectionInitError";

/** One stable error code, as users read it in the error table of the docs. */
export interface ErrorCodeDoc {
  readonly code: string;
  /** The classes that raise it; each class's constructor accepts exactly its codes. */
  readonly raisedBy: readonly ConnectionErrorClass[];
  /** What happened, for the docs (Markdown; links relative to docs/installation-configuration.md). */
  readonly happened: string;
  /** What the user does about it, for the docs (Markdown; links relative to docs/installation-configuration.md). */
  readonly toDo: string;
}

/**
 * Stable, documented error codes, in the order the docs list them. Never rename one: users match
 * on them. The error table of docs/installation-configuration.md is generated from this list.
 */
export const ERROR_CODES = [
  {
    code: "VALIDATION_FAILED",
    raisedBy: ["ConnectionValidationError", "ConnectionApiError"],
    happened:
      "an argument breaks a documented limit (before any request), or the API refused the body as invalid",
    toDo: "fix the named property",
  },
  {
    code: "CONFIG_MISSING",
    raisedBy: ["ConnectionConfigError"],
    happened: "a credential, base URL or account is not configured",
    toDo: "set the key the message names ([settings](#settings))",
  },
  {
    code: "CONFIG_INVALID",
    raisedBy: ["ConnectionConfigError"],
    happened:
      "a setting is malformed: a credential of the wrong form, a plain `http://` URL that is not loopback, a bad number or choice, an unreadable `caFile`",
    toDo: "fix the key the message names",
  },
  {
    code: "VERSION_CONFLICT",
    raisedBy: ["ConnectionConflictError"],
    happened: "a Pictory update carried an old `version`: someone changed the connection",
    toDo: '`pulumi up --refresh`, or `onConflict: "overwrite"`',
  },
  {
    code: "NAME_CONFLICT",
    raisedBy: ["ConnectionNameConflictError"],
    happened: "a create met an existing connection of that name",
    toDo: "pick another name, `adopt` it, or after an interrupted run follow [the recovery](guides/recovery.md#recovering-from-an-interrupted-pulumi-up)",
  },
  {
    code: "NOT_FOUND",
    raisedBy: ["ConnectionApiError"],
    happened:
      "the connection, or the Apinizer project, does not exist (a lookup, `.get`, an update)",
    toDo: "check the ID, the project and the account",
  },
  {
    code: "UNAUTHORIZED",
    raisedBy: ["ConnectionApiError"],
    happened: "the API refused the credential (401)",
    toDo: "set a valid credential",
  },
  {
    code: "FORBIDDEN",
    raisedBy: ["ConnectionApiError"],
    happened:
      'the API refused access to the connection (403): another account\'s, or missing permission; never taken as "gone"',
    toDo: "use the account that owns it, or get the permission",
  },
  {
    code: "API_ERROR",
    raisedBy: ["ConnectionApiError"],
    happened: "another error answer from the API",
    toDo: "read the API's message in the error",
  },
  {
    code: "BAD_RESPONSE",
    raisedBy: ["ConnectionResponseError"],
    happened:
      "an answer that is not what the vendor documents (not JSON, wrong types, no envelope, a redirect)",
    toDo: "check the base URL and any proxy in between",
  },
  {
    code: "NETWORK_ERROR",
    raisedBy: ["ConnectionTransportError"],
    happened: "the API could not be reached, after the retries",
    toDo: "check the network, proxy and CA settings ([corporate networks](#corporate-networks-proxy-and-certificate-authorities))",
  },
  {
    code: "TIMEOUT",
    raisedBy: ["ConnectionTransportError"],
    happened: "a request or an operation ran out of time",
    toDo: "raise `connections:requestTimeoutMs` or `connections:operationTimeoutMs`, or the resource's `customTimeouts`",
  },
  {
    code: "RESPONSE_TOO_LARGE",
    raisedBy: ["ConnectionTransportError"],
    happened: "an answer larger than `connections:maxResponseBytes`",
    toDo: "check the base URL; raise the limit if the answer is expected",
  },
  {
    code: "CANCELLED",
    raisedBy: ["ConnectionTransportError"],
    happened:
      "the run was cancelled (Ctrl-C, a CI cancel, `SIGINT`/`SIGTERM`) while a request was in flight, or a request was refused after the cancel",
    toDo: "follow the message: `pulumi refresh`, then `pulumi up` ([cancelling a run](guides/recovery.md#cancelling-a-run-ctrl-c-or-a-ci-jobs-cancel))",
  },
  {
    code: "DEPLOYMENT_FAILED",
    raisedBy: ["ConnectionInitError"],
    happened:
      "Apinizer reported a failed deployment to its workers, with `connections:onDeploymentFailure: fail`",
    toDo: "the connection was saved and stays in the state (an initialization failure); check the workers, then run `pulumi up` again",
  },
  {
    code: "ADOPT_NOT_FOUND",
    raisedBy: ["ConnectionValidationError"],
    happened: "`adopt` found no connection to take over",
    toDo: "check the name or ID given to `adopt`",
  },
] as const satisfies readonly ErrorCodeDoc[];

/** Stable, documented error codes. Never rename one: users match on them. */
export type ConnectionErrorCode = (typeof ERROR_CODES)[number]["code"];

/** The codes a class raises, from {@link ERROR_CODES}. */
type CodesOf<C extends ConnectionErrorClass, E = (typeof ERROR_CODES)[number]> = E extends {
  readonly code: infer Code;
  readonly raisedBy: readonly (infer By)[];
}
  ? C extends By
    ? Code
    : never
  : never;

/** Base class of every error the provider raises on purpose. */
export class ConnectionError extends Error {
  /** @internal */
  public readonly [BRAND] = true;
  public readonly code: ConnectionErrorCode;
  /** HTTP status of the API answer that caused the error, when there was one. */
  public readonly status?: number;

  public constructor(
    code: ConnectionErrorCode,
    message: string,
    options: { readonly status?: number; readonly cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    if (options.status !== undefined) this.status = options.status;
  }

  public static isInstance(e: unknown): e is ConnectionError {
    return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** The stored `version` moved on since this stack last read it (optimistic locking). */
export class ConnectionConflictError extends ConnectionError {
  public constructor(message: string, cause?: unknown) {
    super("VERSION_CONFLICT", message, { status: 409, cause });
  }
}

/** Another connection already has the name. */
export class ConnectionNameConflictError extends ConnectionError {
  public constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super("NAME_CONFLICT", message, options);
  }
}

/** Provider configuration (credentials, base URLs, settings) is missing or malformed. */
export class ConnectionConfigError extends ConnectionError {
  public constructor(code: CodesOf<"ConnectionConfigError">, message: string, cause?: unknown) {
    super(code, message, { cause });
  }
}

/** An error class that raises one of several codes, named first, each with a status and a cause. */
abstract class CodedError<Code extends ConnectionErrorCode> extends ConnectionError {
  public constructor(
    code: Code,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(code, message, options);
  }
}

/** The program asked for something the API cannot do with this connection. */
export class ConnectionValidationError extends CodedError<CodesOf<"ConnectionValidationError">> {}

/** The API answered with an error status. */
export class ConnectionApiError extends CodedError<CodesOf<"ConnectionApiError">> {}

/** The API answered, but not with what its documentation promises: nothing of it reaches state. */
export class ConnectionResponseError extends ConnectionError {
  public constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super("BAD_RESPONSE", message, options);
  }
}

export type TransportCode = CodesOf<"ConnectionTransportError">;

/** The request did not get a complete answer: network, TLS, deadline, size cap or cancellation. */
export class ConnectionTransportError extends ConnectionError {
  public constructor(code: TransportCode, message: string, cause?: unknown) {
    super(code, message, { cause });
  }
}

/**
 * The API saved the connection but a follow-up failed (Apinizer worker deployment). The
 * dynamic-provider host reads `id` and `properties` and reports an initialization failure, so the
 * connection still lands in state and nothing is orphaned.
 */
export class ConnectionInitError extends ConnectionError {
  public readonly id: string;
  public readonly properties: Readonly<Record<string, unknown>>;
  public readonly reasons: readonly string[];

  public constructor(message: string, id: string, properties: Readonly<Record<string, unknown>>) {
    super("DEPLOYMENT_FAILED", message);
    this.id = id;
    this.properties = properties;
    this.reasons = [message];
  }
}
