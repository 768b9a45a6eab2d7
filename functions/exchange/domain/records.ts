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
  /**
   * `v2` when the message travels in batches (§13): it is then its own entry of the stream's
   * hash chain (`previousHash`, `hash`), and its state follows its stream's cursor.
   */
  readonly protocol?: 'v2';
  readonly previousHash?: string | null;
  readonly hash?: string;
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
  /** Version 2, in a message's detail: the batch it was delivered in, with that batch's signed receipt. */
  readonly delivery?: Omit<StreamDelivery, 'partner' | 'headers'>;
  /** Version 2: why the receiver refused it in its batch receipt (the message is then `failed`). */
  readonly refusedReason?: string;
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
  /** Version 2: the batch it came in (its `webhook-id`). */
  readonly batchId?: string;
  /** Version 2: its place in the chain of messages received from the partner, and its batch's first. */
  readonly position?: number;
  readonly batchPosition?: number;
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

/**
 * The head of a version 2 stream to one partner: its numbering counter, the hash of its
 * newest message, and the delivery cursor with the state of the current attempt. Every
 * message with `sequence <= delivered` is receipted by the partner.
 */
export interface OutboundStreamHead {
  readonly partner: string;
  /** The last sequence number given (in either version). */
  readonly last: number;
  /** The hash of the newest version 2 message (null before the first). */
  readonly hash: string | null;
  /** The highest sequence the partner has receipted; messages above it wait for delivery. */
  readonly delivered: number;
  /** The first sequence numbered in version 2 (a stream may have begun in version 1). */
  readonly streamStart?: number;
  /** Failed attempts in a row (0 while deliveries succeed), as the retry schedule counts. */
  readonly attempt: number;
  readonly nextAttemptAt?: string;
  readonly lastError?: string;
  /** A sender is delivering the stream until this time (a sender that died is covered after it). */
  readonly leaseUntil?: string;
  readonly leaseOwner?: string;
}

/** What a version 2 batch delivery came to, kept with the signed receipt as proof. */
export interface StreamDelivery {
  readonly partner: string;
  readonly batchId: string;
  readonly from: number;
  readonly to: number;
  readonly deliveredAt: string;
  readonly receiptKeyId: string;
  readonly receiptSha256: string;
  readonly signedReceipt: { readonly body: string; readonly headers: Readonly<Record<string, string>> };
  /** The headers the batch was sent with. */
  readonly headers: Readonly<Record<string, string>>;
}
