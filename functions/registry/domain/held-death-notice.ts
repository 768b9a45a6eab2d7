import type { Clock } from '../../../shared/domain/clock';
import { ConflictError, ValidationError } from '../../../shared/domain/errors';
import { provinceOf } from '../../../shared/domain/region-code';
import type { Person } from './person';
import { type ChangedPerson, changePerson } from './person-changes';

export type HeldDeathNoticeStatus = 'held' | 'confirmed' | 'rejected';

/**
 * A death notified by a province that is neither the person's residence nor hukou
 * province (as recorded here): not applied, but kept for a registrar of the person's
 * region to confirm (the death is then recorded) or reject with a reason.
 */
export interface HeldDeathNotice {
  /** The id of the exchange message that carried the notice. */
  readonly noticeId: string;
  readonly personId: string;
  /** The two-digit province that sent the notice. */
  readonly senderProvince: string;
  readonly deathDate: string;
  /** The person's region in this province (hukou if here, else residence): registrars' scope. */
  readonly region: string;
  readonly receivedAt: string;
  readonly status: HeldDeathNoticeStatus;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  readonly reason?: string;
}

export type HeldNoticeDecision = 'confirm' | 'reject';

/** The held notice a death message from an out-of-competence province becomes. */
export function holdDeathNotice(input: {
  readonly noticeId: string;
  readonly person: Pick<Person, 'personId' | 'hukouRegion' | 'residenceRegion'>;
  readonly senderProvince: string;
  readonly deathDate: string;
  readonly province: string;
  readonly receivedAt: string;
}): HeldDeathNotice {
  const { person } = input;
  return {
    noticeId: input.noticeId,
    personId: person.personId,
    senderProvince: input.senderProvince,
    deathDate: input.deathDate,
    region: provinceOf(person.hukouRegion) === input.province ? person.hukouRegion : person.residenceRegion,
    receivedAt: input.receivedAt,
    status: 'held',
  };
}

export interface DecidedNotice {
  readonly notice: HeldDeathNotice;
  /** The recorded death, when a confirmation finds the person still alive. */
  readonly change?: ChangedPerson;
}

/**
 * A registrar's decision on a held death notice. Confirming records the death (origin:
 * the sending province, so it is not notified back to it), unless a death is already
 * recorded; rejecting needs a reason and changes no person. A notice is decided once.
 */
export function decideHeldDeathNotice(
  notice: HeldDeathNotice,
  person: Person,
  decision: HeldNoticeDecision,
  context: {
    readonly actor: string;
    readonly clock: Clock;
    readonly newId: () => string;
    readonly reason?: string;
  },
): DecidedNotice {
  if (notice.status !== 'held') {
    throw new ConflictError({
      en: `This death notice was ${notice.status} already.`,
      zh: `该死亡通报已处理（${notice.status === 'confirmed' ? '已确认' : '已驳回'}）。`,
    });
  }
  const reason = context.reason?.trim();
  if (decision === 'reject' && !reason) {
    throw new ValidationError(
      { en: 'A reason is required to reject a death notice.', zh: '驳回死亡通报需要填写原因。' },
      [{ field: 'body.reason', message: 'is required' }],
    );
  }
  const decided: HeldDeathNotice = {
    ...notice,
    status: decision === 'confirm' ? 'confirmed' : 'rejected',
    decidedBy: context.actor,
    decidedAt: context.clock.now().toISOString(),
    ...(reason ? { reason } : {}),
  };
  if (decision === 'reject' || !person.alive) return { notice: decided };
  const change = changePerson(
    person,
    {
      type: 'record-death',
      deathDate: notice.deathDate,
      reason: `notified by province ${notice.senderProvince}, confirmed by a registrar${reason ? `: ${reason}` : ''}`,
    },
    { actor: context.actor, clock: context.clock, newId: context.newId, origin: notice.senderProvince },
    () => true,
  );
  return { notice: decided, change };
}
