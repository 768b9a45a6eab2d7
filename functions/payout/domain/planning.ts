import { createHash } from 'node:crypto';
import type { HoldReason, LineState, PaymentLine } from './batch';
import { type Enrollment, periodOnOrAfter } from './enrollment';
import type { Payment } from './ports';
import {
  type BeneficiaryFacts,
  entitlement,
  factsAt,
  type Period,
  paymentKeyFor,
  type Scheme,
} from './schemes';

/** What planning decides for one enrolment in one period. */
export type LineDecision =
  | { readonly include: false; readonly reasons: readonly string[] }
  | {
      readonly include: true;
      readonly state: Extract<LineState, 'pending' | 'held'>;
      readonly holdReason?: HoldReason;
      readonly amountFen: number;
      readonly ruleVersion?: number;
      readonly reasons: readonly string[];
    };

/**
 * Decides an enrolment's line in a batch. Not included: periods before the enrolment
 * began, enrolments not active or suspended, and people the rules find ineligible while
 * alive. Held (recorded with the reason, carried forward once cleared): a suspension for
 * this period (death from the month after), an open cross-province check, missing facts,
 * and a death before the period. Held for good: a period the province that held the person
 * before paid. Otherwise pending with the amount of the rule in force.
 */
export function decideLine(
  scheme: Scheme,
  period: Period,
  enrollment: Enrollment,
  facts: BeneficiaryFacts | undefined,
): LineDecision {
  if (enrollment.status !== 'active' && enrollment.status !== 'suspended') {
    return { include: false, reasons: [`enrolment is ${enrollment.status}`] };
  }
  if (!enrollment.fromPeriod || !periodOnOrAfter(period, enrollment.fromPeriod)) {
    return { include: false, reasons: [`period ${period.id} is before the enrolment began`] };
  }
  if (!facts) return { include: true, state: 'held', holdReason: 'facts-missing', amountFen: 0, reasons: [] };
  const result = entitlement(scheme, facts, period);
  const amountFen = result.eligible ? result.amountFen : 0;
  const ruleVersion = result.ruleVersion;
  const held = (holdReason: HoldReason): LineDecision => ({
    include: true,
    state: 'held',
    holdReason,
    amountFen,
    ...(ruleVersion !== undefined ? { ruleVersion } : {}),
    reasons: result.reasons,
  });
  if (enrollment.status === 'suspended' && enrollment.suspendedFromPeriod) {
    if (periodOnOrAfter(period, enrollment.suspendedFromPeriod)) {
      const death =
        enrollment.suspensionReason === 'deceased' || enrollment.suspensionReason === 'death-notice';
      return held(death ? 'deceased' : 'suspended');
    }
  } else if (enrollment.status === 'suspended') {
    return held('suspended');
  }
  if (!factsAt(facts, period.start).alive) return held('deceased');
  if (enrollment.crossProvince?.status === 'awaiting') return held('cross-province-awaiting');
  if (enrollment.crossProvince?.status === 'conflict') return held('cross-province-conflict');
  const paidElsewhere = enrollment.crossProvince?.paidElsewhereThrough;
  if (paidElsewhere && period.id <= paidElsewhere) return held('paid-by-other-province');
  if (!result.eligible) return { include: false, reasons: result.reasons };
  return {
    include: true,
    state: 'pending',
    amountFen: result.amountFen,
    ruleVersion: result.ruleVersion,
    reasons: result.reasons,
  };
}

/** The payment key of an enrolment's line: one payment per scheme, period and beneficiary. */
export const linePaymentKey = (scheme: Scheme, period: Period, enrollment: Enrollment): string =>
  paymentKeyFor(scheme, period, enrollment.personId);

/**
 * ISO 20022 EndToEndId of a payment attempt: a digest of the payment key (so nothing
 * personal travels) and the attempt number; at most 35 characters, the same on every
 * re-build of the file.
 */
export function endToEndIdOf(paymentKey: string, attempt: number): string {
  const digest = createHash('sha256').update(paymentKey).digest('hex').slice(0, 28).toUpperCase();
  return `${digest}-${attempt}`;
}

/**
 * Whether a payment key is taken for an attempt: a payment is recorded under it, and it is
 * not an earlier attempt that failed. The disburser's conditional write is this rule, made
 * atomic (adapters/batch-repository.ts); planning asks it first.
 */
export const paymentKeyTaken = (payment: Pick<Payment, 'state' | 'attempt'> | undefined, attempt: number) =>
  payment !== undefined && !(payment.state === 'failed' && payment.attempt < attempt);

/**
 * A pending line whose payment key is taken is held `already-paid` at planning, so the
 * control totals the approver signs are what the bank will be asked to pay. Another line
 * is left as it is. A payment made between planning and disbursing still holds the line
 * then, by the disburser's conditional write.
 */
export function holdIfAlreadyPaid(line: PaymentLine, payment: Payment | undefined): PaymentLine {
  if (line.state !== 'pending' || !paymentKeyTaken(payment, line.attempt)) return line;
  return { ...line, state: 'held', holdReason: 'already-paid' };
}
