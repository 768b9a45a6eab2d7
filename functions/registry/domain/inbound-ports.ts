import type { BirthRegistrationElsewhere } from './birth-elsewhere';
import type { Certificate } from './certificate';
import type { HeldDeathNotice } from './held-death-notice';
import type { OutboxMessage } from './outbox';
import type { Person, PersonAction } from './person';
import type { StoredPerson } from './ports';
import type { RemoteVerification } from './remote-verification';

/** The business outcome of a message from another province, answered with an ack. */
export interface InboundOutcome {
  readonly outcome: 'ok' | 'fatal-error' | 'transient-error';
  /** A short, non-personal reason code, e.g. `unknown-person`. */
  readonly reason?: string;
}

/** One change a message makes to this province's records. */
export type InboundEffect =
  | {
      readonly kind: 'person';
      readonly next: Person;
      readonly expectedVersion: number;
      readonly residentIdHash: string;
      readonly action: PersonAction;
    }
  | { readonly kind: 'birth-elsewhere'; readonly record: BirthRegistrationElsewhere }
  | { readonly kind: 'verification'; readonly next: RemoteVerification }
  /** A death notice from a province not competent to give it, kept for a registrar. */
  | { readonly kind: 'held-death-notice'; readonly notice: HeldDeathNotice };

/** Everything handling one message writes: its marker, its effects and its answers. */
export interface InboundCommit {
  readonly messageId: string;
  readonly sourceProvince: string;
  readonly type: string;
  readonly receivedAt: string;
  readonly outcome: InboundOutcome;
  readonly effects: readonly InboundEffect[];
  /** The ack and any answer, sent through the table stream and the publisher. */
  readonly outbox: readonly OutboxMessage[];
}

/** Where handled messages are recorded, with their effects, in one transaction. */
export interface InboundStore {
  /** Whether a message with this id was handled already. */
  seen(messageId: string): Promise<boolean>;
  /**
   * Writes the marker, effects and outbox together: `duplicate` when the message was handled
   * meanwhile; StaleVersionError when a record changed under it (the queue retries).
   */
  commit(commit: InboundCommit): Promise<'committed' | 'duplicate'>;
}

export interface InboundLookups {
  findPersonByRef(personRef: string): Promise<StoredPerson | undefined>;
  findCertificateByCode(code: string): Promise<Certificate | undefined>;
  findVerification(requestId: string): Promise<RemoteVerification | undefined>;
}

/** Death notices held for a registrar's confirmation, listed by the person's region here. */
export interface HeldDeathNotices {
  find(noticeId: string): Promise<HeldDeathNotice | undefined>;
  /** Notices still held in a region (prefix), oldest first within each region. */
  listHeld(
    regionPrefix: string,
    limit: number,
    start?: Record<string, string | number>,
  ): Promise<{ items: HeldDeathNotice[]; next?: Record<string, unknown> }>;
  /**
   * Records a decision, with the recorded death when there is one, in one transaction:
   * ConflictError when the notice was decided meanwhile, StaleVersionError when the
   * person changed under it.
   */
  decide(
    notice: HeldDeathNotice,
    death?: {
      readonly next: Person;
      readonly expectedVersion: number;
      readonly residentIdHash: string;
      readonly action: PersonAction;
    },
  ): Promise<void>;
}
