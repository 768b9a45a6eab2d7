import type { SQSRecord } from 'aws-lambda';
import { batchHandler } from '../../../shared/aws/batch-handler';
import { province as provinceOfDeployment, tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { type Clock, systemClock } from '../../../shared/domain/clock';
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
  parseDomainEvent,
} from '../../../shared/events/catalog';
import { provinceOfUrn } from '../../../shared/events/envelope';
import type { Observability } from '../../../shared/observability';
import { dynamoEnrollmentRepository } from '../adapters/enrollment-repository';
import { dynamoOutboxRepository, type OutboxRepository } from '../adapters/outbox-repository';
import { dynamoProjectionRepository } from '../adapters/projection-repository';
import { ackMessage, claimAnswers } from '../domain/claims';
import { applyClaimAnswer, applyDeath } from '../domain/enrollment';
import { applyPersonRecorded } from '../domain/person-facts';
import type { EnrollmentRepository, ProjectionRepository } from '../domain/ports';
import { certificateKindOf } from '../domain/projection';

export interface InboundConsumerDeps {
  readonly province: string;
  readonly projection: ProjectionRepository;
  readonly enrollments: EnrollmentRepository;
  readonly outbox: OutboxRepository;
  readonly clock?: Clock;
  readonly observability?: Observability;
}

/**
 * Applies events from the registry and from other provinces to payout's own state:
 * - person events, households and certificates keep the projection eligibility reads;
 * - a death (ours, or another province's matched by person reference) suspends the
 *   person's enrolments from the month after;
 * - another province's claim is answered conflict or clear, then acknowledged (a death
 *   notice is answered by the registry, which receives it too);
 * - answers to our claims release or hold the enrolment.
 * Every step is idempotent: a redelivered message changes nothing and sends nothing new.
 * A message that is not a known, well-formed event fails and, after the queue's retries,
 * rests in the DLQ for an operator: nothing is silently dropped.
 */
export function buildInboundConsumer(deps: InboundConsumerDeps) {
  const clock = deps.clock ?? systemClock;

  const suspendForDeath = async (personId: string, deathDate: string) => {
    for (const enrollment of await deps.enrollments.byPerson(personId)) {
      const next = applyDeath(enrollment, deathDate, clock.now());
      if (next) await deps.enrollments.save(next);
    }
  };

  const fromOtherProvince = (event: DomainEvent) => provinceOfUrn(event.source) !== deps.province;

  const handle = async (event: DomainEvent) => {
    if (isPersonEvent(event) && !fromOtherProvince(event)) {
      const current = await deps.projection.find(event.data.personId);
      const next = applyPersonRecorded(current, event.data, event.id, clock.now());
      if (next) await deps.projection.saveIfNewer(next);
      if (!event.data.alive) await suspendForDeath(event.data.personId, event.data.deathDate ?? '0000-01-01');
      return;
    }
    if (event.type === PERSON_DECEASED) {
      // Another province recorded the death: the person is matched by reference only. The
      // exchange gives this notice to the registry too, and the registry, which keeps the
      // person, answers it: one message, one business answer.
      const ref = event.data.personRef;
      if (ref && event.data.deathDate) {
        for (const personId of await deps.projection.personIdsByRef(ref)) {
          await suspendForDeath(personId, event.data.deathDate);
        }
      }
      return;
    }
    switch (event.type) {
      case HOUSEHOLD_CHANGED:
        await deps.projection.saveHouseholdIfNewer({ ...event.data, sourceEventId: event.id });
        return;
      case MANDATE_CHANGED:
        // Whom a citizen may act for (shared/domain/family.ts), kept here as payout serves families.
        await deps.projection.saveMandateIfNewer(event.data);
        return;
      case CERTIFICATE_ISSUED:
      case CERTIFICATE_REVOKED:
        await deps.projection.recordCertificate({
          certificateId: event.data.certificateId,
          householdId: event.data.householdId,
          kind: certificateKindOf(event.data.kind),
          revoked: event.type === CERTIFICATE_REVOKED,
        });
        return;
      case BENEFIT_ENROLLMENT_CLAIMED: {
        const personIds = await deps.projection.personIdsByRef(event.data.personRef);
        let active: Awaited<ReturnType<EnrollmentRepository['byPerson']>>[number] | undefined;
        for (const personId of personIds) {
          active ??= (await deps.enrollments.byPerson(personId)).find(
            (e) => e.scheme === event.data.scheme && e.status === 'active',
          );
        }
        const answers = claimAnswers(deps.province, event, active, clock.now());
        // Remembered before the answer leaves, so ending our enrolment can release the claim.
        if (active) {
          const recipient = answers[0]?.envelope.recipient ?? '';
          await deps.enrollments.recordConflictAnswer(active.enrollmentId, {
            claimId: event.data.claimId,
            scheme: event.data.scheme,
            recipient,
          });
        }
        await deps.outbox.put(answers);
        return;
      }
      case BENEFIT_ENROLLMENT_CONFLICT:
      case BENEFIT_ENROLLMENT_CLEAR: {
        const enrollment = await deps.enrollments.find(event.data.claimId);
        const answer = event.type === BENEFIT_ENROLLMENT_CONFLICT ? 'conflict' : 'clear';
        const next = enrollment ? applyClaimAnswer(enrollment, answer, clock.now()) : undefined;
        if (next) await deps.enrollments.save(next);
        await deps.outbox.put([
          {
            key: `ack#${event.id}`,
            envelope: ackMessage(
              deps.province,
              event,
              'ok',
              clock.now(),
              enrollment ? undefined : 'unknown-claim',
            ),
          },
        ]);
        return;
      }
      default:
        // Other catalogued events (birth.registered…) carry nothing payout decides on.
        return;
    }
  };

  return batchHandler({
    service: 'payout-inbound-consumer',
    source: 'sqs',
    ...(deps.observability ? { observability: deps.observability } : {}),
    record: async (record: SQSRecord) => {
      await handle(parseDomainEvent(record.body));
    },
  });
}

export const handler = initOnce(() => {
  const db = documentClient();
  const table = tableName('payout');
  return buildInboundConsumer({
    province: provinceOfDeployment(),
    projection: dynamoProjectionRepository(db, table),
    enrollments: dynamoEnrollmentRepository(db, table),
    outbox: dynamoOutboxRepository(db, table),
  });
});
