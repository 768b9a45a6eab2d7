import type { Clock } from '../../../shared/domain/clock';
import { ValidationError } from '../../../shared/domain/errors';
import { type Enrollment, periodContaining, type StoredBankAccount } from './enrollment';
import type { PersonFacts } from './person-facts';
import { type BeneficiaryFacts, entitlement, periodFor, type Scheme } from './schemes';

export interface ApplicationInput {
  readonly enrollmentId: string;
  readonly scheme: Scheme;
  readonly person: PersonFacts;
  readonly facts: BeneficiaryFacts;
  /** The province this deployment serves. */
  readonly province: string;
  readonly bankAccount: StoredBankAccount;
  readonly channel: 'app' | 'counter';
  readonly by: string;
  readonly applicantSubject?: string;
  readonly clock: Clock;
}

/**
 * A new enrolment, pending review, after checking eligibility under the rule set in force
 * for the current period. Ineligible applications are refused with the rule engine's
 * reasons, so the applicant and staff can see which condition failed.
 */
export function applyForBenefit(input: ApplicationInput): Enrollment {
  const now = input.clock.now();
  const at = now.toISOString();
  const period = periodFor(input.scheme, periodContaining(input.scheme, at.slice(0, 10)));
  const result = period
    ? entitlement(input.scheme, input.facts, period)
    : { eligible: false as const, reasons: ['no current period'] };
  if (!result.eligible) {
    throw new ValidationError(
      `The person is not eligible for ${input.scheme.code}.`,
      result.reasons.map((message) => ({ field: 'eligibility', message })),
    );
  }
  const { person } = input;
  const region = person.hukouRegion.startsWith(input.province) ? person.hukouRegion : person.residenceRegion;
  return {
    enrollmentId: input.enrollmentId,
    scheme: input.scheme.code,
    personId: person.personId,
    ...(person.personRef ? { personRef: person.personRef } : {}),
    region,
    hukouRegion: person.hukouRegion,
    residenceRegion: person.residenceRegion,
    status: 'pending-review',
    bankAccount: input.bankAccount,
    channel: input.channel,
    ...(input.applicantSubject ? { applicantSubject: input.applicantSubject } : {}),
    eligibility: { ruleVersion: result.ruleVersion, reasons: result.reasons },
    version: 1,
    createdAt: at,
    updatedAt: at,
    actions: [{ type: 'applied', by: input.by, at }],
  };
}
