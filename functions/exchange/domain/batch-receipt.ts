import * as z from 'zod';
import { ULID_PATTERN } from '../../../shared/domain/ids';
import { messageDigest } from './batch';
import { sha256Hex } from './digest';
import { SEQUENCE_PATTERN } from './envelope';
import { readSignedReceipt } from './receipt';
import type { VerificationKey, VerifyFailure } from './signing';

const Digest = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256');
const Sequence = z.string().regex(SEQUENCE_PATTERN);

/** What became of one message of a batch. */
export const BatchReceiptEntry = z.object({
  /** The message's `id` (absent when the message had none that could be read). */
  id: z.string().max(64).optional(),
  /** Its `sequence`, as sent. */
  sequence: Sequence.optional(),
  /** SHA-256 of its canonical JSON (§11.1), lower-case hex. */
  sha256: Digest,
  /**
   * `accepted`: stored now; `duplicate`: stored before with the same digest; `refused`: not
   * stored, `reason` says why (a problem slug of §6, or `id-conflict`: stored before with
   * another digest).
   */
  status: z.enum(['accepted', 'duplicate', 'refused']),
  reason: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,63}$/)
    .optional(),
});
export type BatchReceiptEntry = z.infer<typeof BatchReceiptEntry>;

/**
 * The receipt of a batch: one signed answer for every message in it. `highestSequence` is
 * the highest sequence the receiver holds from this sender after the batch: cumulative, so
 * a sender that lost an answer learns where the receiver stands from the next one.
 */
export const BatchReceipt = z.object({
  /** The batch's id (its `webhook-id`). */
  receiptFor: z.string().regex(ULID_PATTERN, 'must be a ULID'),
  /** SHA-256 of the raw batch body as received, lower-case hex. */
  sha256: Digest,
  receivedAt: z.iso.datetime({ offset: true }),
  /** `duplicate` when this batch id was received before: the original receipt, as it was. */
  status: z.enum(['accepted', 'duplicate']),
  highestSequence: Sequence.optional(),
  messages: z.array(BatchReceiptEntry).min(1),
});
export type BatchReceipt = z.infer<typeof BatchReceipt>;

export type BatchReceiptCheck =
  | { ok: true; receipt: BatchReceipt; keyId: string }
  | { ok: false; reason: VerifyFailure | 'malformed-receipt' | 'receipt-mismatch' };

/**
 * The sender's check of a batch receipt, in this order: signed by one of the recipient's
 * keys; well-formed; about the batch sent (its id and body digest); and one entry for each
 * message sent, in order, with the same id, sequence and digest. Only then does anything of
 * the batch count as delivered.
 */
export function verifyBatchReceipt(
  response: { headers: Readonly<Record<string, string | undefined>>; body: string },
  sent: {
    batchId: string;
    body: string;
    messages: readonly { id: string; sequence: number; body: string }[];
  },
  recipientKeys: readonly VerificationKey[],
  now: Date,
): BatchReceiptCheck {
  const read = readSignedReceipt(response, BatchReceipt, recipientKeys, now);
  if (!read.ok) return read;
  const data = read.receipt;
  const matches =
    data.receiptFor === sent.batchId &&
    data.sha256 === sha256Hex(sent.body) &&
    data.messages.length === sent.messages.length &&
    sent.messages.every((message, i) => {
      const entry = data.messages[i];
      return (
        entry?.id === message.id &&
        entry.sequence === String(message.sequence) &&
        entry.sha256 === messageDigest(JSON.parse(message.body))
      );
    });
  if (!matches) return { ok: false, reason: 'receipt-mismatch' };
  return read;
}
