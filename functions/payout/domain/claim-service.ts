import type { Clock } from '../../../shared/domain/clock';
import { ConflictError } from '../../../shared/domain/errors';
import { provinceOf } from '../../../shared/domain/region-code';
import {
  type BENEFIT_ENROLLMENT_CLAIMED,
  BENEFIT_ENROLLMENT_CLEAR,
  BENEFIT_ENROLLMENT_CONFLICT,
  type DomainEvent,
} from '../../../shared/events/catalog';
import type { LineState, PaymentLine } from './batch';
import {
  type ClaimHolder,
  type ClaimRegister,
  decideClaim,
  emptyClaimRegister,
  type RegisteredClaim,
  releaseClaim,
} from './claim-register';
import { ackMessage, claimAnswers, claimMessage, grantMessage, withdrawalMessage } from './claims';
import { applyClaimAnswer, type Enrollment, otherProvince } from './enrollment';
import type {
  BatchRepository,
  ClaimRegisterRepository,
  EnrollmentRepository,
  OutboundMessage,
  OutboxRepository,
  ProjectionRepository,
} from './ports';

export interface ClaimServiceDeps {
  readonly province: string;
  readonly registers: ClaimRegisterRepository;
  readonly enrollments: EnrollmentRepository;
  readonly projection: Pick<ProjectionRepository, 'personIdsByRef' | 'find'>;
  /** The lines of an ending enrolment: the last period it pays. */
  readonly batches: Pick<BatchRepository, 'linesOfEnrollment'>;
  readonly outbox: OutboxRepository;
  readonly clock: Clock;
}

/** What an approval or an ending writes besides the enrolment, in the same transaction. */
export interface ClaimEffects {
  readonly enrollment: Enrollment;
  readonly outbound: OutboundMessage[];
  readonly register?: ClaimRegister;
}

/** An answer to our claim, a withdrawal of another province's claim, or neither. */
export type ClaimAnswerOutcome = 'applied' | 'unknown-claim';

/** Line states that pay, or will unless the bank fails them. */
const PAYS: ReadonlySet<LineState> = new Set(['pending', 'sent', 'paid']);

/** The last period an enrolment pays, from its lines: withdrawals and releases say it. */
export const lastPeriodPaid = (lines: readonly Pick<PaymentLine, 'period' | 'state'>[]): string | undefined =>
  lines.reduce<string | undefined>(
    (last, l) => (PAYS.has(l.state) && (last === undefined || l.period > last) ? l.period : last),
    undefined,
  );

/** Enrolments that pay, or will again: they hold the person against other provinces. */
const PAYING = new Set(['active', 'suspended']);

/**
 * Cross-province claims, one authority per person: the hukou province. A province about to
 * pay someone whose hukou lies elsewhere claims them there and holds their lines until the
 * answer; the hukou province decides every claim, and its own enrolments, against its
 * register (claim-register.ts), and grants the longest-waiting claim when the holder ends.
 */
export function claimService(deps: ClaimServiceDeps) {
  const { province, clock } = deps;

  const registerOf = async (personRef: string, scheme: string) =>
    (await deps.registers.find(personRef, scheme)) ?? emptyClaimRegister(personRef, scheme);

  /** An enrolment of ours paying the person that the register does not track (approved before it kept our own). */
  const untrackedHolder = async (
    register: ClaimRegister,
    except?: string,
  ): Promise<ClaimHolder | undefined> => {
    const tracked = new Set(register.claims.map((c) => c.claimId));
    for (const personId of await deps.projection.personIdsByRef(register.personRef)) {
      const holder = (await deps.enrollments.byPerson(personId)).find(
        (e) =>
          e.scheme === register.scheme &&
          PAYING.has(e.status) &&
          e.enrollmentId !== except &&
          !tracked.has(e.enrollmentId),
      );
      if (holder) return { fromPeriod: holder.fromPeriod ?? '', region: holder.region };
    }
    return undefined;
  };

  /** The message or local change that lets a granted claim pay, saved with the register. */
  const saveGrant = async (
    release: { register: ClaimRegister; granted?: RegisteredClaim },
    outbound: OutboundMessage[],
  ) => {
    const { granted, register } = release;
    if (granted && granted.province === province) {
      const waiting = await deps.enrollments.find(granted.claimId);
      const cleared = waiting && applyClaimAnswer(waiting, 'clear', clock.now(), register.paidThrough);
      if (cleared) return deps.enrollments.save(cleared, outbound, register);
    }
    const grant = granted && granted.province !== province ? [grantMessage(province, register, granted)] : [];
    return deps.registers.save(register, [...outbound, ...grant]);
  };

  return {
    /**
     * What approving an enrolment adds. Hukou elsewhere: a claim to the hukou province, the
     * lines held `awaiting` until it answers. Hukou here: the register decides at once, and
     * the enrolment waits (`conflict`) while another province's claim holds the person.
     */
    async approval(approved: Enrollment): Promise<ClaimEffects> {
      const hukou = provinceOf(approved.hukouRegion);
      const crossesBorder = otherProvince(province, approved.hukouRegion, approved.residenceRegion);
      const { personRef } = approved;
      if (!personRef) {
        if (crossesBorder) {
          throw new ConflictError(
            'The beneficiary lives across a provincial border but has no person reference to check the other province with.',
          );
        }
        return { enrollment: approved, outbound: [] };
      }
      if (hukou !== province) {
        const enrollment: Enrollment = {
          ...approved,
          crossProvince: { province: hukou, status: 'awaiting' },
        };
        return { enrollment, outbound: [claimMessage(province, enrollment, hukou, clock.now())] };
      }
      const register = await registerOf(personRef, approved.scheme);
      const decision = decideClaim(
        register,
        {
          claimId: approved.enrollmentId,
          province,
          fromPeriod: approved.fromPeriod ?? '',
          region: approved.region,
        },
        await untrackedHolder(register, approved.enrollmentId),
        clock.now(),
      );
      if (decision.answer === 'refused')
        throw new Error(`enrolment id ${approved.enrollmentId} is another province's claim`);
      const at = clock.now().toISOString();
      const paidElsewhereThrough = decision.register.paidThrough;
      const enrollment: Enrollment =
        decision.answer === 'conflict'
          ? {
              ...approved,
              crossProvince: { province, status: 'conflict' },
              actions: [...approved.actions, { type: 'claim-conflict', by: 'system', at }],
            }
          : paidElsewhereThrough
            ? { ...approved, crossProvince: { province, status: 'clear', paidElsewhereThrough } }
            : approved;
      // Saved even unchanged: the new version makes a claim decided meanwhile retry and see us.
      return { enrollment, outbound: [], register: decision.register };
    },

    /**
     * What ending an enrolment adds: the withdrawal of our claim from the hukou province, and
     * here, as the hukou province, the release of our hold with the grant of the longest
     * waiting claim.
     */
    async ending(ended: Enrollment): Promise<ClaimEffects> {
      const outbound: OutboundMessage[] = [];
      const paidThrough = lastPeriodPaid(await deps.batches.linesOfEnrollment(ended.enrollmentId));
      const claimedOf = ended.crossProvince?.province;
      if (claimedOf && claimedOf !== province)
        outbound.push(withdrawalMessage(province, ended, claimedOf, paidThrough, clock.now()));
      // An enrolment older than person references on enrolments finds its person's in the facts.
      const personRef = ended.personRef ?? (await deps.projection.find(ended.personId))?.personRef;
      const register = personRef && (await deps.registers.find(personRef, ended.scheme));
      if (!register) return { enrollment: ended, outbound };
      // An enrolment older than the register is not in it: its end only records what it paid.
      const tracked = register.claims.some((c) => c.claimId === ended.enrollmentId);
      const release = releaseClaim(
        register,
        tracked ? ended.enrollmentId : undefined,
        await untrackedHolder(register, ended.enrollmentId),
        clock.now(),
        paidThrough,
      );
      if (!release.changed) return { enrollment: ended, outbound };
      const { granted } = release;
      // Our own waiting enrolment cannot be the one granted: one open enrolment per person and scheme.
      if (granted && granted.province !== province)
        outbound.push(grantMessage(province, release.register, granted));
      return { enrollment: ended, outbound, register: release.register };
    },

    /** Answers another province's claim from the register: conflict or clear, then the ack. */
    async answerClaim(
      event: DomainEvent<typeof BENEFIT_ENROLLMENT_CLAIMED>,
      sender: string,
    ): Promise<ClaimAnswerOutcome> {
      const { claimId, personRef, scheme, fromPeriod, claimingRegion } = event.data;
      const register = await registerOf(personRef, scheme);
      const decision = decideClaim(
        register,
        { claimId, province: sender, fromPeriod, region: claimingRegion },
        await untrackedHolder(register),
        clock.now(),
      );
      if (decision.answer === 'refused') {
        await deps.outbox.put([
          {
            key: `ack#${event.id}`,
            envelope: ackMessage(province, event, 'fatal-error', clock.now(), 'unknown-claim'),
          },
        ]);
        return 'unknown-claim';
      }
      const messages = claimAnswers(province, event, decision, clock.now());
      if (decision.changed) await deps.registers.save(decision.register, messages);
      else await deps.outbox.put(messages);
      return 'applied';
    },

    /**
     * Takes a conflict or clear: the answer to our claim from the province it was sent to, or
     * (a clear) the withdrawal of a claim the sender made here. Anything else changes nothing
     * and is answered `unknown-claim`, the same whether the claim exists or not.
     */
    async takeAnswer(
      event: DomainEvent<typeof BENEFIT_ENROLLMENT_CONFLICT | typeof BENEFIT_ENROLLMENT_CLEAR>,
      sender: string,
    ): Promise<ClaimAnswerOutcome> {
      const now = clock.now();
      const ack = (outcome: 'ok' | 'fatal-error') => ({
        key: `ack#${event.id}`,
        envelope: ackMessage(province, event, outcome, now, outcome === 'ok' ? undefined : 'unknown-claim'),
      });
      const paidThrough = 'paidThroughPeriod' in event.data ? event.data.paidThroughPeriod : undefined;
      const ours = await deps.enrollments.find(event.data.claimId);
      if (ours?.crossProvince?.province === sender && sender !== province) {
        const answer = event.type === BENEFIT_ENROLLMENT_CONFLICT ? 'conflict' : 'clear';
        const next = applyClaimAnswer(ours, answer, now, paidThrough);
        if (next) await deps.enrollments.save(next);
        await deps.outbox.put([ack('ok')]);
        return 'applied';
      }
      const registered =
        event.type === BENEFIT_ENROLLMENT_CLEAR && (await deps.registers.findClaim(event.data.claimId));
      const register =
        registered &&
        registered.province === sender &&
        (await deps.registers.find(registered.personRef, registered.scheme));
      if (!register) {
        await deps.outbox.put([ack('fatal-error')]);
        return 'unknown-claim';
      }
      const release = releaseClaim(
        register,
        event.data.claimId,
        await untrackedHolder(register),
        now,
        paidThrough,
      );
      if (release.changed) await saveGrant(release, [ack('ok')]);
      else await deps.outbox.put([ack('ok')]);
      return 'applied';
    },
  };
}

export type ClaimService = ReturnType<typeof claimService>;
