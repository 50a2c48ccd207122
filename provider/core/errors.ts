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
  | "NETWORK_ERROR"
  | "TIMEOUT"
  | "DEPLOYMENT_FAILED"
  | "ADOPT_NOT_FOUND";

/** Base class of every error the provider raises on purpose. */
export class ConnectionError extends Error {
  /** @internal */
  public readonly [BRAND] = true;
  public readonly code: ConnectionErrorCode;
  /** HTTP status of the API answer that caused the error, when there was one. */
  public readonly status?: number;

  public constructor(code: ConnectionErrorCode, message: string, status?: number) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    if (status !== undefined) this.status = status;
  }

  public static isInstance(e: unknown): e is ConnectionError {
    return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** The stored `version` moved on since this stack last read it (optimistic locking, spec A+B). */
export class ConnectionConflictError extends ConnectionError {
  public constructor(message: string) {
    super("VERSION_CONFLICT", message, 409);
  }
}

/** Another connection already has the name (spec B.2 uniqueness, C.5). */
export class ConnectionNameConflictError extends ConnectionError {
  public constructor(message: string, status?: number) {
    super("NAME_CONFLICT", message, status);
  }
}

/** Provider configuration (credentials, base URLs) is missing or malformed. */
export class ConnectionConfigError extends ConnectionError {
  public constructor(code: "CONFIG_MISSING" | "CONFIG_INVALID", message: string) {
    super(code, message);
  }
}

/** The API answered with a status the provider does not turn into something more specific. */
export class ConnectionApiError extends ConnectionError {
  public constructor(code: ConnectionErrorCode, message: string, status?: number) {
    super(code, message, status);
  }
}
