import type { Clock } from '../../../shared/domain/clock';
import { ValidationError } from '../../../shared/domain/errors';
import {
  ACK,
  BIRTH_REGISTERED,
  CERTIFICATE_VERIFY_ANSWERED,
  CERTIFICATE_VERIFY_REQUESTED,
  type DomainEvent,
  PERSON_DECEASED,
  PERSON_RESIDENCE_ENDED,
  PERSON_RESIDENCE_REGISTERED,
} from '../../../shared/events/catalog';
import { provinceOfUrn } from '../../../shared/events/envelope';
import { birthElsewhereOf } from './birth-elsewhere';
import { hasHukouHere, isResidenceProvince, mayNotifyDeath } from './competence';
import { holdDeathNotice } from './held-death-notice';
import type { InboundEffect, InboundLookups, InboundOutcome, InboundStore } from './inbound-ports';
import type { OutboxMessage } from './outbox';
import { changePerson, type PersonChange } from './person-changes';
import type { StoredPerson } from './ports';
import { answerVerification, verifyAnswerOf } from './remote-verification';

export interface InboundServiceDeps {
  readonly province: string;
  readonly lookups: InboundLookups;
  readonly store: InboundStore;
  readonly clock: Clock;
  readonly newId: () => string;
}

/** A message the registry does not take from another province: it fails, and rests in the DLQ. */
export class UnhandledInboundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnhandledInboundError';
  }
}

interface Decision {
  readonly outcome: InboundOutcome;
  readonly effects?: readonly InboundEffect[];
  readonly answers?: readonly Omit<OutboxMessage, 'messageId' | 'recipient' | 'createdAt'>[];
}

const OK: InboundOutcome = { outcome: 'ok' };
const fatal = (reason: string): InboundOutcome => ({ outcome: 'fatal-error', reason });
/** The sender is not the province entitled to say this: refused, nothing changes. */
const OUT_OF_COMPETENCE = fatal('out-of-competence');

/**
 * Handles a message from another province (registry-inbound): records what it tells (a
 * birth registered there, a residence begun or ended there, a death), answers certificate
 * verification, and answers every message with an ack of its business outcome. Changes
 * made because province NN said so carry origin NN, so they are never sent back to it.
 * Every message is held to its sender's competence (docs/exchange-protocol.md): residence
 * notices come from the residence's province about a person whose hukou is here; a death
 * notice from a province that is neither the person's residence nor hukou province, as
 * recorded here, is held for a registrar instead of being applied.
 * Idempotent by message id: a redelivered message changes nothing and is not answered twice.
 */
export function inboundService(deps: InboundServiceDeps) {
  const { clock, newId, lookups } = deps;

  /** A person change notified by another province, or the outcome that refuses it. */
  const personChange = (stored: StoredPerson, change: PersonChange, source: string): Decision => {
    try {
      const { person, action } = changePerson(
        stored.person,
        change,
        { actor: `province:${source}`, clock, newId, origin: source },
        () => true,
      );
      return {
        outcome: OK,
        effects: [
          {
            kind: 'person',
            next: person,
            expectedVersion: stored.person.version,
            residentIdHash: stored.residentIdHash,
            action,
          },
        ],
      };
    } catch (error) {
      if (error instanceof ValidationError) return { outcome: fatal('invalid-notice') };
      throw error;
    }
  };

  /**
   * The person a residence notice may concern: one whose hukou is here. Anyone else is
   * answered as unknown, so the answer does not tell whether this registry holds them.
   */
  const residentHere = async (personRef: string): Promise<StoredPerson | undefined> => {
    const stored = await lookups.findPersonByRef(personRef);
    return stored && hasHukouHere(stored.person, deps.province) ? stored : undefined;
  };

  const decide = async (event: DomainEvent, source: string): Promise<Decision> => {
    const reason = `notified by province ${source}`;
    switch (event.type) {
      case BIRTH_REGISTERED: {
        const [mother, father] = await Promise.all([
          event.data.motherRef ? lookups.findPersonByRef(event.data.motherRef) : undefined,
          event.data.fatherRef ? lookups.findPersonByRef(event.data.fatherRef) : undefined,
        ]);
        const record = birthElsewhereOf({
          messageId: event.id,
          originProvince: source,
          ownProvince: deps.province,
          facts: event.data,
          receivedAt: clock.now().toISOString(),
          ...(mother ? { motherPersonId: mother.person.personId } : {}),
          ...(father ? { fatherPersonId: father.person.personId } : {}),
        });
        if (!record) return { outcome: fatal('not-hukou-province') };
        return { outcome: OK, effects: [{ kind: 'birth-elsewhere', record }] };
      }
      case PERSON_RESIDENCE_REGISTERED: {
        if (!isResidenceProvince(source, event.data.residenceRegion)) return { outcome: OUT_OF_COMPETENCE };
        const stored = await residentHere(event.data.personRef);
        if (!stored) return { outcome: fatal('unknown-person') };
        if (!stored.person.alive) return { outcome: fatal('person-deceased') };
        if (stored.person.residenceRegion === event.data.residenceRegion) return { outcome: OK };
        return personChange(
          stored,
          {
            type: 'change-residence',
            residenceRegion: event.data.residenceRegion,
            since: event.data.on,
            reason,
          },
          source,
        );
      }
      case PERSON_RESIDENCE_ENDED: {
        if (!isResidenceProvince(source, event.data.residenceRegion)) return { outcome: OUT_OF_COMPETENCE };
        const stored = await residentHere(event.data.personRef);
        if (!stored) return { outcome: fatal('unknown-person') };
        // Already recorded elsewhere (a later move was notified first), or back home: nothing to end.
        const { person } = stored;
        if (
          !person.alive ||
          person.residenceRegion !== event.data.residenceRegion ||
          person.residenceRegion === person.hukouRegion
        ) {
          return { outcome: OK };
        }
        // Where they went is not told; until someone notifies a new residence, the hukou
        // place stands as their residence.
        return personChange(
          stored,
          { type: 'change-residence', residenceRegion: person.hukouRegion, since: event.data.on, reason },
          source,
        );
      }
      case PERSON_DECEASED: {
        const { personRef, deathDate, alive } = event.data;
        const stored = personRef ? await lookups.findPersonByRef(personRef) : undefined;
        if (!stored) return { outcome: fatal('unknown-person') };
        if (alive || !deathDate) return { outcome: fatal('invalid-notice') };
        if (!stored.person.alive) return { outcome: OK };
        const recorded = personChange(stored, { type: 'record-death', deathDate, reason }, source);
        // An impossible notice is refused as such, whoever sent it; a possible one from a
        // province without competence waits for a registrar.
        if (recorded.outcome.outcome !== 'ok' || mayNotifyDeath(source, stored.person)) return recorded;
        const notice = holdDeathNotice({
          noticeId: event.id,
          person: stored.person,
          senderProvince: source,
          deathDate,
          province: deps.province,
          receivedAt: clock.now().toISOString(),
        });
        return {
          outcome: { outcome: 'ok', reason: 'held-for-confirmation' },
          effects: [{ kind: 'held-death-notice', notice }],
        };
      }
      case CERTIFICATE_VERIFY_REQUESTED: {
        const certificate = await lookups.findCertificateByCode(event.data.verificationCode);
        return {
          outcome: OK,
          answers: [
            {
              type: CERTIFICATE_VERIFY_ANSWERED,
              subject: event.data.requestId,
              data: verifyAnswerOf(event.data.requestId, certificate),
              correlationid: event.id,
            },
          ],
        };
      }
      case CERTIFICATE_VERIFY_ANSWERED: {
        const request = await lookups.findVerification(event.data.requestId);
        if (!request || request.province !== source) return { outcome: fatal('unknown-request') };
        const next = answerVerification(request, event.data, clock.now().toISOString());
        return { outcome: OK, effects: next ? [{ kind: 'verification', next }] : [] };
      }
      default:
        throw new UnhandledInboundError(`the registry does not take ${event.type} from other provinces`);
    }
  };

  return {
    /** Handles one message; throws (so the queue retries, then keeps it in the DLQ) on what it cannot take. */
    async handle(event: DomainEvent): Promise<InboundOutcome | 'duplicate'> {
      const source = provinceOfUrn(event.source);
      if (!source || source === deps.province) {
        throw new UnhandledInboundError('registry-inbound takes messages from other provinces only');
      }
      if (await deps.store.seen(event.id)) return 'duplicate';
      const decision = await decide(event, source);
      const at = clock.now().toISOString();
      const ack: OutboxMessage = {
        messageId: newId(),
        recipient: source,
        type: ACK,
        subject: event.id,
        data: {
          outcome: decision.outcome.outcome,
          ...(decision.outcome.reason ? { reason: decision.outcome.reason } : {}),
        },
        correlationid: event.id,
        createdAt: at,
      };
      const answers = (decision.answers ?? []).map(
        (answer): OutboxMessage => ({ ...answer, messageId: newId(), recipient: source, createdAt: at }),
      );
      const result = await deps.store.commit({
        messageId: event.id,
        sourceProvince: source,
        type: event.type,
        receivedAt: at,
        outcome: decision.outcome,
        effects: decision.effects ?? [],
        outbox: [...answers, ack],
      });
      return result === 'duplicate' ? 'duplicate' : decision.outcome;
    },
  };
}
