import type { BatchReceipt } from './batch-receipt';
import type { InboxAnswer } from './delivery';
import type { ChainedEntry, LogEntry } from './message-log';
import type { Partner } from './partner';
import type {
  AttemptRecord,
  InboundRecord,
  MessageRecord,
  OutboundRecord,
  OutboundStreamHead,
  StreamDelivery,
} from './records';

/**
 * What the exchange's domain needs from the outside: its table (partners, messages, the
 * message log), its delivery queue and HTTP to partners. Adapters implement these.
 */

export interface PartnerRepository {
  find(code: string): Promise<Partner | undefined>;
  list(): Promise<Partner[]>;
  put(partner: Partner): Promise<void>;
  setStatus(
    code: string,
    change: { status: Partner['status']; pausedReason?: Partner['pausedReason']; at: string; by: string },
  ): Promise<void>;
}

/** A page of the operators' message list: newest first, optionally filtered. */
export interface MessageQuery {
  readonly partner?: string;
  readonly direction?: 'inbound' | 'outbound';
  readonly status?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly startKey?: Record<string, string | number>;
}

/** A page of the operators' message list, and where the next one starts while more follow. */
export interface MessagePage {
  readonly items: MessageRecord[];
  readonly lastKey?: Record<string, string | number>;
}

/** What recording a new outbound message came to. */
export type OutboundCreation = { created: true; record: OutboundRecord } | { created: false };
/** The same, for one entry of several numbered together: or the error its record could not be built with. */
export type OutboundCreationOutcome = OutboundCreation | { created: false; error: unknown };

/** Messages in both directions, their delivery attempts and the partner streams' counters. */
export interface MessageRepository {
  /**
   * Records a new outbound message with the partner stream's next sequence number, in one
   * transaction with the counter, so numbers are gapless and a repeated request (same
   * recipient and id) is recognised and changes nothing.
   */
  createOutbound(
    partner: string,
    messageId: string,
    build: (sequence: number) => OutboundRecord,
    pickUpAt: string,
  ): Promise<OutboundCreation>;
  /**
   * The same for several messages to one partner at once: numbered in the given order, the
   * counter moved once for all of them, in one transaction. Answers one outcome per entry, in
   * order: an id already numbered is `created: false`; an entry whose `build` throws takes no
   * number and answers its error.
   */
  createOutbounds(
    partner: string,
    entries: readonly { messageId: string; build: (sequence: number) => OutboundRecord }[],
    pickUpAt: string,
  ): Promise<OutboundCreationOutcome[]>;
  findOutbound(partner: string, messageId: string): Promise<OutboundRecord | undefined>;
  findInbound(partner: string, messageId: string): Promise<InboundRecord | undefined>;
  /** Both directions of an id, with the attempts of the outbound ones. */
  findById(messageId: string): Promise<{ messages: MessageRecord[]; attempts: AttemptRecord[] }>;
  /** Stores an accepted inbound message unless one with this (partner, id) exists; then answers that one. */
  putInbound(record: InboundRecord): Promise<{ stored: true } | { stored: false; existing: InboundRecord }>;
  /**
   * Takes attempt `attempt` of a pending message, so a duplicated or late delivery request
   * does not make a second attempt. The message stays in the sweeper's index until
   * `leaseUntil`, so a sender that dies mid-attempt is covered.
   */
  claimAttempt(partner: string, messageId: string, attempt: number, leaseUntil: string): Promise<boolean>;
  recordAttempt(attempt: AttemptRecord): Promise<void>;
  markDelivered(
    partner: string,
    messageId: string,
    fields: Pick<
      OutboundRecord,
      'deliveredAt' | 'receipt' | 'receiptKeyId' | 'receiptSha256' | 'signedReceipt' | 'headers'
    >,
  ): Promise<void>;
  /** Sets the next attempt; the sweeper picks the message up at `pickUpAt` if nothing else did. */
  scheduleRetry(
    partner: string,
    messageId: string,
    fields: { nextAttemptAt: string; pickUpAt: string; lastError: string; headers?: Record<string, string> },
  ): Promise<void>;
  markFailed(
    partner: string,
    messageId: string,
    fields: { failedAt: string; lastError: string },
  ): Promise<void>;
  /** Holds a message while its partner is paused; resuming releases it. */
  markWaiting(partner: string, messageId: string): Promise<void>;
  /** Starts a new round of attempts (resume, replay): pending, attempt 0, picked up at `pickUpAt`. */
  restart(partner: string, messageId: string, pickUpAt: string, replay: boolean): Promise<boolean>;
  /** Moves the sweeper's pick-up time of a pending message (it has just been queued). */
  postpone(partner: string, messageId: string, pickUpAt: string): Promise<void>;
  listWaiting(partner: string): Promise<OutboundRecord[]>;
  /** Unfinished messages whose pick-up time has come. */
  listDue(now: string, limit: number): Promise<OutboundRecord[]>;
  /** The shared list (an index): version 1 messages only; version 2 partners list theirs from their streams. */
  list(query: MessageQuery): Promise<MessagePage>;
  recordAck(partner: string, messageId: string, ack: NonNullable<OutboundRecord['ack']>): Promise<boolean>;
  /**
   * Records many answers from a partner, each on the message it answers (up to 100 to a
   * request); an answer naming no message sent to the partner is left out. Answers how many
   * were recorded.
   */
  recordAcks(
    partner: string,
    acks: readonly { messageId: string; ack: NonNullable<OutboundRecord['ack']> }[],
  ): Promise<number>;
  /** Records where an inbound message went, and how its sequence number compared. */
  markForwarded(
    partner: string,
    messageId: string,
    queues: readonly string[],
    sequenceCheck?: string,
  ): Promise<void>;
  /**
   * Raises the highest sequence number seen from a partner to `sequence`; answers the one
   * it replaced (undefined on the first), or `raised: false` when `sequence` is not higher.
   */
  noteSequence(
    partner: string,
    sequence: number,
  ): Promise<{ raised: true; previous?: number } | { raised: false }>;
}

/** What a stored batch message came to: stored now, stored before (same digest), or a conflict. */
export type InboundBatchOutcome = 'accepted' | 'duplicate' | 'id-conflict';

/**
 * Version 2 streams (§13): numbering whole batches on the partner's stream head, delivery by
 * cursor under a lease, and batches received in one transaction on the inbound head.
 */
export interface StreamRepository {
  /**
   * Numbers new messages to a partner in one transaction on its stream head: each message
   * gets the next sequence and is chained after the one before (`build` receives both), and
   * is written only if its id is new. One outcome per entry, as `createOutbounds` answers.
   */
  numberMessages(
    partner: string,
    entries: readonly {
      messageId: string;
      build: (sequence: number, previousHash: string | null) => OutboundRecord;
    }[],
  ): Promise<OutboundCreationOutcome[]>;
  findHead(partner: string): Promise<OutboundStreamHead | undefined>;
  /**
   * Takes the stream for delivery until `leaseUntil`, if no other sender holds it and its
   * next attempt is due at `now`; answers the head, or undefined when it could not be taken.
   */
  claim(
    partner: string,
    owner: string,
    now: string,
    leaseUntil: string,
  ): Promise<OutboundStreamHead | undefined>;
  /** Up to `limit` messages after `delivered`, in sequence order. */
  undelivered(partner: string, delivered: number, limit: number): Promise<OutboundRecord[]>;
  /**
   * Keeps the receipt of a delivered batch and moves the cursor to its end, in one
   * transaction, only while `owner` holds the lease and the cursor stands just before it.
   */
  recordDelivery(delivery: StreamDelivery, owner: string): Promise<void>;
  /** The delivery (batch and signed receipt) that carried the message at `sequence`, if delivered. */
  findDelivery(partner: string, sequence: number): Promise<StreamDelivery | undefined>;
  /** Marks a message the partner refused in its receipt as failed, with the reason. */
  markRefused(partner: string, messageId: string, reason: string, at: string): Promise<void>;
  /** Records a failed attempt and when to try again, and gives up the lease. */
  recordFailure(
    partner: string,
    owner: string,
    failure: { attempt: number; nextAttemptAt?: string; lastError: string },
  ): Promise<void>;
  /** Gives up the lease; answers the head as it is then (numbered meanwhile: `last` moved). */
  release(partner: string, owner: string): Promise<OutboundStreamHead>;
  /** Makes the next attempt due now, from attempt 0 (an operator's resume). */
  resetAttempts(partner: string): Promise<void>;
  /**
   * Moves the cursor back so the messages from `from` on are sent again (an operator's
   * replay); false when `from` is beyond the cursor or before the stream's first version 2 message.
   */
  rewind(partner: string, from: number): Promise<boolean>;
  /**
   * Stores a received batch in one transaction on the partner's inbound head: each message
   * whose (partner, id) is new is chained and stored; one with the same digest is a
   * duplicate, one with another digest a conflict. `receipt` makes the batch's receipt from
   * the outcomes, which is kept in the same transaction. A batch whose every message is a
   * duplicate writes nothing: the same batch again is answered its original receipt, marked
   * `duplicate`; another, its own receipt of duplicates.
   */
  storeBatch(
    partner: string,
    batchId: string,
    messages: readonly {
      messageId: string;
      sha256: string;
      build: (previousHash: string | null) => InboundRecord;
    }[],
    receipt: (outcomes: readonly InboundBatchOutcome[], highestSequence: number | undefined) => BatchReceipt,
  ): Promise<BatchReceipt>;
  /**
   * A page of the messages of a partner's version 2 streams for the operators' list, newest
   * first, read from the partner's own keys (its numberings and received batches; no index):
   * one stream when the query names a direction, else both merged by time. Each page reads
   * the next `limit` messages and applies the status and time filters to them, so a page may
   * hold fewer; an outbound message's state is derived from the stream's cursor. `lastKey`
   * (a place in each stream) is where the next page goes on, present while messages remain.
   */
  listMessages(partner: string, query: Omit<MessageQuery, 'partner'>): Promise<MessagePage>;
  /** A version 2 hash chain in order: the messages to the partner, or those received from it. */
  chain(partner: string, direction: 'outbound' | 'inbound'): Promise<ChainedEntry[]>;
  /** The newest hash of a version 2 chain (null before its first message). */
  chainHead(partner: string, direction: 'outbound' | 'inbound'): Promise<string | null>;
}

/** A log entry with its position in the partner's chain (1, 2, …). */
export interface StoredEntry extends ChainedEntry {
  readonly position: number;
}

/** The hash-chained message log, one chain per partner. */
export interface MessageLogRepository {
  /** Appends an entry to the partner's chain, once per (direction, message). */
  append(partner: string, entry: LogEntry): Promise<'appended' | 'already-logged'>;
  /** Appends several entries to the partner's chain in the given order; one answer per entry. */
  appendAll(partner: string, entries: readonly LogEntry[]): Promise<('appended' | 'already-logged')[]>;
  head(partner: string): Promise<{ position: number; hash: string } | undefined>;
  entries(partner: string): Promise<StoredEntry[]>;
}

/** A request to make one delivery attempt of an outbound message (version 1). */
export interface MessageDeliveryRequest {
  readonly partner: string;
  readonly messageId: string;
  /** The attempt this request is for; a stale request (attempt already made) is ignored. */
  readonly attempt: number;
}

/** A request to deliver a partner's version 2 stream from its cursor. */
export interface StreamDeliveryRequest {
  readonly partner: string;
  readonly stream: true;
}

export type DeliveryRequest = MessageDeliveryRequest | StreamDeliveryRequest;

/** Queues delivery attempts, now or after a delay of up to 15 minutes. */
export interface DeliveryQueue {
  enqueue(request: DeliveryRequest, delaySeconds?: number): Promise<void>;
}

/** POSTs a signed message to a partner's inbox; no answer is an answer without a status. */
export type InboxClient = (
  url: string,
  headers: Readonly<Record<string, string>>,
  body: string,
) => Promise<InboxAnswer>;
