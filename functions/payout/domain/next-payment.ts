import type { Enrollment } from './enrollment';
import { periodContaining, periodOnOrAfter } from './enrollment';
import { type BeneficiaryFacts, entitlement, type Period, periodsOf, type Scheme } from './schemes';

/** The payment a family may expect next on an enrolment. */
export interface ExpectedPayment {
  readonly period: string;
  /** The first day of the period: the schedule plans its batch from then (Beijing dates). */
  readonly plannedFrom: string;
  readonly amountFen: number;
}

/**
 * The next payment an active enrolment should bring: the first period from today's on
 * that no batch has taken yet and for which the beneficiary is entitled under the rules in
 * force then. Undefined when the enrolment is not active, a one-time reward was already
 * paid, or the facts held today give no entitlement in the coming year (nothing is
 * promised that the rules would not pay).
 */
export function nextExpectedPayment(input: {
  readonly scheme: Scheme;
  readonly enrollment: Pick<Enrollment, 'status'>;
  readonly facts: BeneficiaryFacts | undefined;
  /** Periods a batch already holds a line for (paid, in flight, held or failed). */
  readonly takenPeriods: ReadonlySet<string>;
  /** Today, Beijing date. */
  readonly today: string;
}): ExpectedPayment | undefined {
  const { scheme, facts, takenPeriods, today } = input;
  if (input.enrollment.status !== 'active' || !facts) return undefined;
  if (scheme.frequency === 'once' && takenPeriods.size > 0) return undefined;
  const current = periodContaining(scheme, today);
  const year = Number(today.slice(0, 4));
  const candidates: Period[] = [...periodsOf(scheme, year), ...periodsOf(scheme, year + 1)].filter(
    (p) => periodOnOrAfter(p, current) && !takenPeriods.has(p.id),
  );
  for (const period of candidates) {
    const result = entitlement(scheme, facts, period);
    if (result.eligible) return { period: period.id, plannedFrom: period.start, amountFen: result.amountFen };
  }
  return undefined;
}
