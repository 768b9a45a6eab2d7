import type { Receipt } from './receipt';

/**
 * What the exchange keeps about each message, in its own table. Pure types: the adapters
 * map them to items.
 */

export type OutboundStatus = 'pending' | 'waiting' | 'delivered' | 'failed';

/** What every message record holds, sent or received. */
interface MessageRecordBase {
  readonly messageId: string;
  /** The other province's two-digit code: the recipient of an outbound message, the sender of an inbound one. */
  readonly partner: string;
  readonly type: string;
  readonly subject: string;
  readonly correlationid?: string;
  readonly sequence: number;
  /** The exact bytes: sent on every attempt, or received. */
  readonly body: string;
  readonly sha256: string;
}

/** A message this province sends to one partner. */
export interface OutboundRecord extends MessageRecordBase {
  readonly direction: 'outbound';
  readonly status: OutboundStatus;
  /**
   * Attempts started in the current round (a resume or a replay starts a new one): 0 before
   * the first, then the number of the latest, 1–10 as in the retry schedule.
   */
  readonly attempts: number;
  readonly createdAt: string;
  readonly nextAttemptAt?: string;
  readonly deliveredAt?: string;
  readonly failedAt?: string;
  readonly lastError?: string;
  readonly receipt?: Receipt;
  /** The key of the recipient that signed the receipt. */
  readonly receiptKeyId?: string;
  readonly receiptSha256?: string;
  /** The receipt exactly as answered (body and signature headers), so it can be checked again later. */
  readonly signedReceipt?: { readonly body: string; readonly headers: Readonly<Record<string, string>> };
  /** Headers of the last attempt (signature headers change with every attempt's timestamp). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Rounds of attempts started after the first (a resume or a replay starts one). */
  readonly rounds?: number;
  readonly replays?: number;
  /** The recipient's business answer (`ack.v1`), once it came. */
  readonly ack?: {
    readonly outcome: string;
    readonly reason?: string;
    readonly messageId: string;
    readonly at: string;
  };
}

/** A message a partner sent us and we accepted. */
export interface InboundRecord extends MessageRecordBase {
  readonly direction: 'inbound';
  readonly headers: Readonly<Record<string, string>>;
  readonly verification: { readonly ok: true; readonly keyId: string };
  readonly receipt: Receipt;
  readonly receivedAt: string;
  readonly status: 'accepted';
  /** Queues the message was forwarded to, and how many times forwarding ran. */
  readonly forwardedTo?: readonly string[];
  readonly forwardCount?: number;
  /** How its `sequence` compared with the partner's stream: `next`, `late`, or `gap:<from>-<to>`. */
  readonly sequenceCheck?: string;
}

export type MessageRecord = OutboundRecord | InboundRecord;

/** One try at delivering an outbound message. */
export interface AttemptRecord {
  readonly messageId: string;
  readonly partner: string;
  /** 0-based within its round (the operations API shows it 1-based, as the retry schedule counts). */
  readonly attempt: number;
  /** 0, then one more for each resume or replay that released the message (its `rounds`). */
  readonly round: number;
  readonly at: string;
  readonly status?: number;
  readonly outcome: 'delivered' | 'failed';
  readonly reason?: string;
  readonly nextAttemptAt?: string;
}
