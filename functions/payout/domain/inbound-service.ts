import type { Clock } from '../../../shared/domain/clock';
import {
  BENEFIT_ENROLLMENT_CLAIMED,
  BENEFIT_ENROLLMENT_CLEAR,
  BENEFIT_ENROLLMENT_CONFLICT,
  CERTIFICATE_ISSUED,
  CERTIFICATE_REVOKED,
  type DomainEvent,
  HOUSEHOLD_CHANGED,
  isPersonEvent,
  MANDATE_CHANGED,
  PERSON_DECEASED,
} from '../../../shared/events/catalog';
import { provinceOfUrn } from '../../../shared/events/envelope';
import { type ClaimAnswerOutcome, claimService } from './claim-service';
import { applyDeathNotice, mayStopPaymentsOnDeathNotice } from './death-notice';
import { applyDeath } from './enrollment';
import { applyPersonRecorded } from './person-facts';
import type {
  BatchRepository,
  ClaimRegisterRepository,
  EnrollmentRepository,
  OutboxRepository,
  ProjectionRepository,
} from './ports';
import { certificateKindOf } from './projection';

export interface PayoutInboundDeps {
  readonly province: string;
  readonly projection: ProjectionRepository;
  readonly enrollments: EnrollmentRepository;
  readonly registers: ClaimRegisterRepository;
  readonly batches: Pick<BatchRepository, 'linesOfEnrollment'>;
  readonly outbox: OutboxRepository;
  readonly clock: Clock;
}

/**
 * What handling one message came to, for the log: `applied` (or nothing to do), or
 * `refused` with a non-personal reason when the sender was not competent to say it.
 */
export type PayoutInboundOutcome =
  | { readonly outcome: 'applied' }
  | { readonly outcome: 'refused'; readonly reason: 'out-of-competence' | 'unknown-claim' };

const APPLIED: PayoutInboundOutcome = { outcome: 'applied' };
const outcomeOf = (outcome: ClaimAnswerOutcome): PayoutInboundOutcome =>
  outcome === 'applied' ? APPLIED : { outcome: 'refused', reason: outcome };

/**
 * Applies events from the registry and from other provinces to payout's own state:
 * - person events, households and certificates keep the projection eligibility reads;
 * - a death recorded by our registry suspends the person's enrolments from the month after;
 * - another province's death notice (matched by person reference) does the same only when
 *   that province is the person's hukou or residence province as payout records them; any
 *   other province's notice stops nothing (the registry holds it for a registrar, whose
 *   confirmation reaches payout as our registry's death). The registry answers notices;
 * - claims, their answers and withdrawals go to the claim service (claim-service.ts): a
 *   claim is decided against the register; an answer to our claim is taken only from the
 *   province it was sent to, a withdrawal only from the province that claimed; anything
 *   else is refused with a `fatal-error` ack and changes nothing.
 * Every step is idempotent: a redelivered message changes nothing and sends nothing new.
 */
export function payoutInboundService(deps: PayoutInboundDeps) {
  const { clock } = deps;
  const claims = claimService(deps);

  const suspendForDeath = async (personId: string, deathDate: string) => {
    for (const enrollment of await deps.enrollments.byPerson(personId)) {
      const next = applyDeath(enrollment, deathDate, clock.now());
      if (next) await deps.enrollments.save(next);
    }
  };

  const deathNotice = async (
    event: DomainEvent<typeof PERSON_DECEASED>,
    sender: string,
  ): Promise<PayoutInboundOutcome> => {
    const { personRef, deathDate } = event.data;
    if (!personRef || !deathDate) return APPLIED;
    let refused = false;
    for (const personId of await deps.projection.personIdsByRef(personRef)) {
      const facts = await deps.projection.find(personId);
      if (!facts || !mayStopPaymentsOnDeathNotice(sender, facts)) {
        refused = true;
        continue;
      }
      for (const enrollment of await deps.enrollments.byPerson(personId)) {
        const next = applyDeathNotice(
          enrollment,
          { noticeId: event.id, province: sender, deathDate },
          clock.now(),
        );
        if (next) await deps.enrollments.save(next);
      }
    }
    return refused ? { outcome: 'refused', reason: 'out-of-competence' } : APPLIED;
  };

  return {
    /** Handles one event; throws (the queue retries, then keeps it in the DLQ) on a store failure. */
    async handle(event: DomainEvent): Promise<PayoutInboundOutcome> {
      const sender = provinceOfUrn(event.source);
      const fromOtherProvince = sender !== deps.province;
      if (isPersonEvent(event) && !fromOtherProvince) {
        const current = await deps.projection.find(event.data.personId);
        const next = applyPersonRecorded(current, event.data, event.id, clock.now());
        if (next) await deps.projection.saveIfNewer(next);
        if (!event.data.alive)
          await suspendForDeath(event.data.personId, event.data.deathDate ?? '0000-01-01');
        return APPLIED;
      }
      // Messages of other provinces from here on: their competence rests on the sender.
      if (event.type === PERSON_DECEASED) return sender ? deathNotice(event, sender) : APPLIED;
      switch (event.type) {
        case HOUSEHOLD_CHANGED:
          await deps.projection.saveHouseholdIfNewer({ ...event.data, sourceEventId: event.id });
          return APPLIED;
        case MANDATE_CHANGED:
          // Whom a citizen may act for (shared/domain/family.ts), kept here as payout serves families.
          await deps.projection.saveMandateIfNewer(event.data);
          return APPLIED;
        case CERTIFICATE_ISSUED:
        case CERTIFICATE_REVOKED:
          await deps.projection.recordCertificate({
            certificateId: event.data.certificateId,
            householdId: event.data.householdId,
            kind: certificateKindOf(event.data.kind),
            revoked: event.type === CERTIFICATE_REVOKED,
          });
          return APPLIED;
        case BENEFIT_ENROLLMENT_CLAIMED:
          return outcomeOf(await claims.answerClaim(event, sender ?? ''));
        case BENEFIT_ENROLLMENT_CONFLICT:
        case BENEFIT_ENROLLMENT_CLEAR:
          return outcomeOf(await claims.takeAnswer(event, sender ?? ''));
        default:
          // Other catalogued events (birth.registered…) carry nothing payout decides on.
          return APPLIED;
      }
    },
  };
}
