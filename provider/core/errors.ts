/**
 * Typed errors with stable codes.
 *
 * The provider code runs in a module instance loaded by the dynamic-provider host, separate from the
 * one a user's program loads, so `instanceof` is unreliable across the two: every error carries a
 * brand and a static `isInstance` that checks it (the same approach as pulumi's `RunError`).
 */

const BRAND = Symbol.for("pulumi-connections:ConnectionError");

/** Stable, documented error codes. Never rename one: users match on them. */
export type ConnectionErrorCode =
  | "VALIDATION_FAILED"
  | "CONFIG_MISSING"
  | "CONFIG_INVALID"
  | "VERSION_CONFLICT"
  | "NAME_CONFLICT"
  | "NOT_FOUND"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "API_ERROR"
  | "BAD_RESPONSE"
  | "NETWORK_ERROR"
  | "TIMEOUT"
  | "RESPONSE_TOO_LARGE"
  | "CANCELLED"
  | "DEPLOYMENT_FAILED"
  | "ADOPT_NOT_FOUND";

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
  public constructor(code: "CONFIG_MISSING" | "CONFIG_INVALID", message: string, cause?: unknown) {
    super(code, message, { cause });
  }
}

/** The program asked for something the API cannot do with this connection. */
export class ConnectionValidationError extends ConnectionError {
  public constructor(
    code: "VALIDATION_FAILED" | "ADOPT_NOT_FOUND",
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(code, message, options);
  }
}

/** The API answered with an error status. */
export class ConnectionApiError extends ConnectionError {
  public constructor(
    code: "NOT_FOUND" | "UNAUTHORIZED" | "FORBIDDEN" | "API_ERROR" | "VALIDATION_FAILED",
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(code, message, options);
  }
}

/** The API answered, but not with what its documentation promises: nothing of it reaches state. */
export class ConnectionResponseError extends ConnectionError {
  public constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super("BAD_RESPONSE", message, options);
  }
}

export type TransportCode = "NETWORK_ERROR" | "TIMEOUT" | "RESPONSE_TOO_LARGE" | "CANCELLED";

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
