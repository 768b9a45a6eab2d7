/**
 * Errors the domain raises, free of any transport. shared/http/problem.ts maps each class
 * to an HTTP status in one place; queue consumers treat them as permanent failures.
 */

/** A text clients may show, in both languages answers are given in. */
export interface Bilingual {
  readonly zh: string;
  readonly en: string;
}

/**
 * One field that failed validation: a JSON-pointer-like path and what is wrong. `message`
 * is English; `zh` its Chinese wording where the raiser has one (the HTTP layer picks one
 * by the caller's language and sends `message` only).
 */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
  readonly zh?: string;
  /** A stable code for rule-based findings (e.g. the logic audit's `RID_CHECKSUM`). */
  readonly code?: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind: string;
  /** The Chinese wording of `message`, when it was raised in both languages. */
  readonly zh?: string;
  constructor(message: string | Bilingual, options?: ErrorOptions) {
    super(typeof message === 'string' ? message : message.en, options);
    this.name = new.target.name;
    if (typeof message !== 'string') this.zh = message.zh;
  }
}

/** Input that is well-formed but breaks a rule, with every offending field. */
export class ValidationError extends DomainError {
  readonly kind = 'validation';
  constructor(
    message: string | Bilingual,
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
  readonly kind: string = 'conflict';
}

/**
 * A change refused because money is on its way: a line of the record sits in a batch that
 * was submitted, approved or is disbursing. It may be tried again once that batch is settled.
 */
export class PaymentInFlightError extends ConflictError {
  override readonly kind: string = 'payment-in-flight';
}

/** A payment file asked of a batch that pays nobody: all its lines are held, so none went to the bank. */
export class NothingToPayError extends ConflictError {
  override readonly kind: string = 'nothing-to-pay';
}

/** The caller edited an old version of the record (If-Match mismatch). */
export class StaleVersionError extends DomainError {
  readonly kind = 'stale-version';
}

/** The caller's role or region does not cover this record. */
export class AccessDeniedError extends DomainError {
  readonly kind: string = 'access-denied';
}

/**
 * Four eyes on money: the caller did the first half of a two-person step (applied for an
 * enrolment, changed its account, submitted a batch) and may not do the second.
 */
export class SeparationOfDutiesError extends AccessDeniedError {
  override readonly kind: string = 'separation-of-duties';
}
