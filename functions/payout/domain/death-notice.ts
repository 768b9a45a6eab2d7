import { ConflictError, ValidationError } from '../../../shared/domain/errors';
import { provinceOf } from '../../../shared/domain/region-code';
import { type DeathNoticeCause, type Enrollment, monthAfter } from './enrollment';
import type { PersonFacts } from './person-facts';

/**
 * Whether a province may stop a person's payments with a death notice: only the province
 * of their hukou or of their residence, as payout's own facts record them (never as the
 * notice claims). Another province's notice waits for a registrar's confirmation in the
 * registry; once confirmed, the registry's own death event suspends the enrolments.
 */
export const mayStopPaymentsOnDeathNotice = (
  sender: string,
  facts: Pick<PersonFacts, 'hukouRegion' | 'residenceRegion'>,
): boolean => sender === provinceOf(facts.hukouRegion) || sender === provinceOf(facts.residenceRegion);

/**
 * A competent province's death notice suspends the enrolment from the month after the
 * death, remembering the notice so an officer can reverse the suspension if it was wrong.
 * Returns undefined when nothing changes (a replay, an enrolment over or already
 * suspended for a death, or the death an officer reversed).
 */
export function applyDeathNotice(
  enrollment: Enrollment,
  notice: DeathNoticeCause,
  at: Date,
): Enrollment | undefined {
  if (enrollment.status === 'ended' || enrollment.status === 'rejected') return undefined;
  if (enrollment.suspensionReason === 'deceased' || enrollment.suspensionReason === 'death-notice')
    return undefined;
  if (enrollment.reversedDeathDate === notice.deathDate) return undefined;
  const iso = at.toISOString();
  return {
    ...enrollment,
    status: 'suspended',
    suspendedFromPeriod: monthAfter(notice.deathDate),
    suspensionReason: 'death-notice',
    deathNotice: notice,
    version: enrollment.version + 1,
    updatedAt: iso,
    actions: [
      ...enrollment.actions,
      {
        type: 'death-notice',
        by: `province:${notice.province}`,
        at: iso,
        reason: `death notice ${notice.noticeId}`,
      },
    ],
  };
}

/**
 * An officer reverses a suspension a death notice caused (the person is known to be
 * alive): the enrolment is active again, the reversal and its reason are in its history,
 * and the same death, notified again, does not suspend it again. Payments follow the
 * registry's facts: while the registry records the person as deceased, lines stay held.
 */
export function reverseDeathNoticeSuspension(
  enrollment: Enrollment,
  input: { readonly by: string; readonly at: Date; readonly reason: string },
): Enrollment {
  const reason = input.reason.trim();
  if (!reason) {
    throw new ValidationError(
      { en: 'A reason is required to reverse a suspension.', zh: '撤销暂停需要填写原因。' },
      [{ field: 'body.reason', message: 'is required' }],
    );
  }
  const cause = enrollment.deathNotice;
  if (enrollment.status !== 'suspended' || enrollment.suspensionReason !== 'death-notice' || !cause) {
    throw new ConflictError({
      en: 'Only a suspension caused by another province’s death notice can be reversed.',
      zh: '只有因外省死亡通报而暂停的申领可以撤销暂停。',
    });
  }
  const { suspendedFromPeriod: _from, suspensionReason: _why, deathNotice: _notice, ...rest } = enrollment;
  const iso = input.at.toISOString();
  return {
    ...rest,
    status: 'active',
    reversedDeathDate: cause.deathDate,
    version: enrollment.version + 1,
    updatedAt: iso,
    actions: [...enrollment.actions, { type: 'death-notice-reversed', by: input.by, at: iso, reason }],
  };
}
