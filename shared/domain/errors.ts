/**
 * Errors the domain raises, free of any transport. shared/http/problem.ts maps each class
 * to an HTTP status in one place; queue consumers treat them as permanent failures.
 */

/** One field that failed validation: a JSON-pointer-like path and what is wrong. */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
  /** A stable code for rule-based findings (e.g. the logic audit's `RID_CHECKSUM`). */
  readonly code?: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that is well-formed but breaks a rule, with every offending field. */
export class ValidationError extends DomainError {
  readonly kind = 'validation';
  constructor(
    message: string,
    readonly issues: readonly FieldIssue[],
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
}

/** The request conflicts with the current state (a duplicate, a finished case). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}

/** The caller edited an old version of the record (If-Match mismatch). */
export class StaleVersionError extends DomainError {
  readonly kind = 'stale-version';
}

/** The caller's role or region does not cover this record. */
export class AccessDeniedError extends DomainError {
  readonly kind = 'access-denied';
}
