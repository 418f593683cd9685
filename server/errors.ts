/**
 * Refusals the service gives on purpose. The HTTP layer turns each into its status; anything
 * else that escapes is a fault, logged with its context and answered 500.
 */
export interface FieldIssue {
  path: string;
  message: string;
}

export class BadRequest extends Error {
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }

  static field(path: string, message: string): BadRequest {
    return new BadRequest(`${path}: ${message}`, [{ path, message }]);
  }
}

export class NotFound extends Error {}

/** No credentials, or credentials that prove nothing (HTTP 401). */
export class Unauthorized extends Error {}

/** Credentials that are valid but do not allow this (HTTP 403). */
export class Forbidden extends Error {}

/** Well formed, but it contradicts what the server already holds for it (HTTP 422). */
export class Unprocessable extends Error {}

/** The request is well formed but the resource's state does not allow it (HTTP 409). */
export class StateConflict extends Error {}

/** A system the answer depends on (a DSS, a peer USS) could not be asked; trying again later may work (HTTP 503). */
export class Unavailable extends Error {}
