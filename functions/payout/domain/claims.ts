import { newUlid } from '../../../shared/domain/ids';
import {
  ACK,
  BENEFIT_ENROLLMENT_CLAIMED,
  BENEFIT_ENROLLMENT_CLEAR,
  BENEFIT_ENROLLMENT_CONFLICT,
  type BenefitEnrollmentClaimed,
} from '../../../shared/events/catalog';
import { type EventEnvelope, eventSource, provinceOfUrn, provinceUrn } from '../../../shared/events/envelope';
import type { Enrollment } from './enrollment';
import type { ConflictAnswer, OutboundMessage } from './ports';

/** The province URN a message's source belongs to: answers go to the province, not an area. */
const replyTo = (source: string): string => provinceUrn(provinceOfUrn(source) ?? '00');

const envelope = (
  province: string,
  fields: Pick<EventEnvelope, 'type' | 'subject' | 'data' | 'recipient'> & { correlationid?: string },
  at: Date,
): EventEnvelope => ({
  specversion: '1.0',
  id: newUlid(at.getTime()),
  source: eventSource(province, 'payout'),
  time: at.toISOString(),
  datacontenttype: 'application/json',
  ...fields,
});

/**
 * The claim an approved enrolment sends to the person's other province. The enrolment id
 * is the claim id and the subject; the person travels only as their reference.
 */
export function claimMessage(
  province: string,
  enrollment: Enrollment,
  otherProvince: string,
  at: Date,
): OutboundMessage {
  const data: BenefitEnrollmentClaimed = {
    claimId: enrollment.enrollmentId,
    personRef: enrollment.personRef ?? '',
    scheme: enrollment.scheme,
    fromPeriod: enrollment.fromPeriod ?? '',
    claimingRegion: enrollment.region,
  };
  return {
    key: `claim#${enrollment.enrollmentId}`,
    envelope: envelope(
      province,
      {
        type: BENEFIT_ENROLLMENT_CLAIMED,
        subject: enrollment.enrollmentId,
        data,
        recipient: provinceUrn(otherProvince),
      },
      at,
    ),
  };
}

/**
 * The answers to another province's claim: conflict when an active enrolment here pays
 * the same person under the same scheme, clear otherwise; then the business ack. Keyed
 * by the claim message's id, so a redelivered claim is answered once.
 */
export function claimAnswers(
  province: string,
  claim: { id: string; source: string; data: BenefitEnrollmentClaimed },
  active: Enrollment | undefined,
  at: Date,
): OutboundMessage[] {
  const recipient = replyTo(claim.source);
  const answer = active
    ? envelope(
        province,
        {
          type: BENEFIT_ENROLLMENT_CONFLICT,
          subject: claim.data.claimId,
          data: {
            claimId: claim.data.claimId,
            scheme: claim.data.scheme,
            activeSincePeriod: active.fromPeriod ?? claim.data.fromPeriod,
            region: active.region,
          },
          recipient,
          correlationid: claim.id,
        },
        at,
      )
    : envelope(
        province,
        {
          type: BENEFIT_ENROLLMENT_CLEAR,
          subject: claim.data.claimId,
          data: { claimId: claim.data.claimId, scheme: claim.data.scheme },
          recipient,
          correlationid: claim.id,
        },
        at,
      );
  return [
    { key: `answer#${claim.id}`, envelope: answer },
    { key: `ack#${claim.id}`, envelope: ackMessage(province, claim, 'ok', at) },
  ];
}

/** The business outcome of handling a message from another province. */
export function ackMessage(
  province: string,
  message: { id: string; source: string },
  outcome: 'ok' | 'fatal-error',
  at: Date,
  reason?: string,
): EventEnvelope {
  return envelope(
    province,
    {
      type: ACK,
      subject: message.id,
      data: { outcome, ...(reason ? { reason } : {}) },
      recipient: replyTo(message.source),
      correlationid: message.id,
    },
    at,
  );
}

/**
 * The release of a conflict answered earlier: our enrolment has ended, so the claiming
 * province may pay from now on. Keyed by the claim, so it is sent once.
 */
export function releaseMessage(province: string, answer: ConflictAnswer, at: Date): OutboundMessage {
  return {
    key: `release#${answer.claimId}`,
    envelope: envelope(
      province,
      {
        type: BENEFIT_ENROLLMENT_CLEAR,
        subject: answer.claimId,
        data: { claimId: answer.claimId, scheme: answer.scheme },
        recipient: answer.recipient,
      },
      at,
    ),
  };
}
