import { newUlid } from '../../../shared/domain/ids';
import {
  ACK,
  BENEFIT_ENROLLMENT_CLAIMED,
  BENEFIT_ENROLLMENT_CLEAR,
  BENEFIT_ENROLLMENT_CONFLICT,
  type BenefitEnrollmentClaimed,
  type BenefitEnrollmentClear,
} from '../../../shared/events/catalog';
import { type EventEnvelope, eventSource, provinceOfUrn, provinceUrn } from '../../../shared/events/envelope';
import type { ClaimHolder, ClaimRegister, RegisteredClaim } from './claim-register';
import type { Enrollment } from './enrollment';
import type { OutboundMessage } from './ports';

/** A clear's data: the claim, and the last period a province that held the person paid, if any. */
const clearData = (
  claimId: string,
  scheme: string,
  paidThroughPeriod: string | undefined,
): BenefitEnrollmentClear => ({
  claimId,
  scheme,
  ...(paidThroughPeriod ? { paidThroughPeriod } : {}),
});

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
 * The answers to another province's claim, as the register decided it: conflict (naming
 * who pays the person now) or clear; then the business ack. Keyed by the claim message's
 * id, so a redelivered claim is answered once.
 */
export function claimAnswers(
  province: string,
  claim: { id: string; source: string; data: BenefitEnrollmentClaimed },
  decision: { answer: 'clear'; register: ClaimRegister } | { answer: 'conflict'; holder: ClaimHolder },
  at: Date,
): OutboundMessage[] {
  const recipient = replyTo(claim.source);
  const { claimId, scheme } = claim.data;
  const answer =
    decision.answer === 'conflict'
      ? envelope(
          province,
          {
            type: BENEFIT_ENROLLMENT_CONFLICT,
            subject: claimId,
            data: {
              claimId,
              scheme,
              activeSincePeriod: decision.holder.fromPeriod || claim.data.fromPeriod,
              region: decision.holder.region,
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
            subject: claimId,
            data: { claimId, scheme },
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
 * A waiting claim granted by the register: the claiming province may pay, from the period
 * after the last one paid by those who held the person before.
 * Keyed by the claim and the register's version, as a claim released and made again may
 * be granted again.
 */
export function grantMessage(
  province: string,
  register: ClaimRegister,
  granted: RegisteredClaim,
): OutboundMessage {
  return {
    key: `grant#${granted.claimId}#${register.version}`,
    envelope: envelope(
      province,
      {
        type: BENEFIT_ENROLLMENT_CLEAR,
        subject: granted.claimId,
        data: clearData(granted.claimId, register.scheme, register.paidThrough),
        recipient: provinceUrn(granted.province),
      },
      new Date(granted.changedAt),
    ),
  };
}

/**
 * The withdrawal of our claim, sent to the hukou province when our enrolment ends: a clear
 * for our own claim id ("we no longer pay them") with the last period we pay, which
 * releases our place in its register.
 */
export function withdrawalMessage(
  province: string,
  ended: Enrollment,
  hukouProvince: string,
  paidThrough: string | undefined,
  at: Date,
): OutboundMessage {
  return {
    key: `withdraw#${ended.enrollmentId}`,
    envelope: envelope(
      province,
      {
        type: BENEFIT_ENROLLMENT_CLEAR,
        subject: ended.enrollmentId,
        data: clearData(ended.enrollmentId, ended.scheme, paidThrough),
        recipient: provinceUrn(hukouProvince),
      },
      at,
    ),
  };
}
