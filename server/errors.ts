/**
 * Refusals the service gives on purpose. The HTTP layer turns each into its status; anything
 * else that escapes is a fault, logged with its context and answered 500.
 */
export interface FieldIssue {
  path: string;
  message: string;
}

/** A refusal that can name the fields it is about. */
class Refusal extends Error {
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }

  static field<T extends Refusal>(
    this: new (message: string, issues: FieldIssue[]) => T,
    path: string,
    message: string,
  ): T {
    return new this(`${path}: ${message}`, [{ path, message }]);
  }
}

export class BadRequest extends Refusal {}

export class NotFound extends Error {}

/** No credentials, or credentials that prove nothing (HTTP 401). */
export class Unauthorized extends Error {}

/** Credentials that are valid but do not allow this (HTTP 403). */
export class Forbidden extends Refusal {
  /** The machine-readable kind the answer carries, so a client can offer the way out. */
  readonly kind: string = 'forbidden';
}

/** A plan or command for a drone nobody has registered: its operator registers it first (HTTP 403). */
export class UnregisteredDrone extends Forbidden {
  override readonly kind = 'drone_not_registered';
}

/** Well formed, but it contradicts what the server already holds for it (HTTP 422). */
export class Unprocessable extends Error {}

/** The request is well formed but the resource's state does not allow it (HTTP 409). */
export class StateConflict extends Refusal {}

/** Too many attempts from one client; it may try again after `retryAfterS` (HTTP 429). */
export class TooManyRequests extends Error {
  constructor(
    message: string,
    readonly retryAfterS: number,
  ) {
    super(message);
  }
}

/** A system the answer depends on (a DSS, a peer USS) could not be asked; trying again later may work (HTTP 503). */
export class Unavailable extends Error {}
