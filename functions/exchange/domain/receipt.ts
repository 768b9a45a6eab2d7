import * as z from 'zod';
import { ULID_PATTERN } from '../../../shared/domain/ids';
import type { BatchReceipt } from './batch-receipt';
import { canonicalJson, sha256Hex } from './digest';
import {
  type SignatureHeaders,
  type SigningKey,
  signatureHeaders,
  type VerificationKey,
  type VerifyFailure,
  verify,
} from './signing';

/**
 * The receipt a receiving province returns with its 2xx answer: proof that it stored the
 * exact bytes sent. It is signed like a message (its own `webhook-id`), so the sender can
 * verify it with the receiver's published keys. A repeated delivery of the same id gets
 * the original receipt back.
 */
export const Receipt = z.object({
  /** The `id` of the message received. */
  receiptFor: z.string().regex(ULID_PATTERN, 'must be a ULID'),
  /** Lower-case hex SHA-256 of the raw request body as received. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256'),
  receivedAt: z.iso.datetime({ offset: true }),
  status: z.enum(['accepted', 'duplicate']),
});
export type Receipt = z.infer<typeof Receipt>;

export function makeReceipt(input: {
  messageId: string;
  body: string | Uint8Array;
  receivedAt: Date;
  status: Receipt['status'];
}): Receipt {
  return {
    receiptFor: input.messageId,
    sha256: sha256Hex(input.body),
    receivedAt: input.receivedAt.toISOString(),
    status: input.status,
  };
}

/** A receipt's response body (canonical JSON) and the signature headers over it; of a message or of a batch. */
export function signedReceipt(
  receipt: Receipt | BatchReceipt,
  keys: readonly SigningKey[],
  receiptId: string,
  timestamp: number,
): { body: string; headers: SignatureHeaders & { 'content-type': 'application/json' } } {
  const body = canonicalJson(receipt);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      ...signatureHeaders({ id: receiptId, timestamp, body }, keys),
    },
  };
}

export type ReceiptCheck =
  | { ok: true; receipt: Receipt; keyId: string }
  | { ok: false; reason: VerifyFailure | 'malformed-receipt' | 'receipt-mismatch' };

/**
 * The sender's check of a receipt: signed by one of the recipient's keys, well-formed, and
 * about the message sent (same id, same body digest). Only then is the message delivered.
 */
export function verifyReceipt(
  response: { headers: Readonly<Record<string, string | undefined>>; body: string },
  sent: { messageId: string; body: string | Uint8Array },
  recipientKeys: readonly VerificationKey[],
  now: Date,
): ReceiptCheck {
  const receipt = readSignedReceipt(response, Receipt, recipientKeys, now);
  if (!receipt.ok) return receipt;
  if (receipt.receipt.receiptFor !== sent.messageId || receipt.receipt.sha256 !== sha256Hex(sent.body)) {
    return { ok: false, reason: 'receipt-mismatch' };
  }
  return receipt;
}

/**
 * The first two checks of any receipt, in this order: signed by one of the recipient's keys
 * (valid now, within the time window), then well-formed as `schema`. What it must be about
 * is the caller's check.
 */
export function readSignedReceipt<T>(
  response: { headers: Readonly<Record<string, string | undefined>>; body: string },
  schema: z.ZodType<T>,
  recipientKeys: readonly VerificationKey[],
  now: Date,
): { ok: true; receipt: T; keyId: string } | { ok: false; reason: VerifyFailure | 'malformed-receipt' } {
  const signature = verify(response.headers, response.body, recipientKeys, now);
  if (!signature.ok) return signature;
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    return { ok: false, reason: 'malformed-receipt' };
  }
  const receipt = schema.safeParse(parsed);
  if (!receipt.success) return { ok: false, reason: 'malformed-receipt' };
  return { ok: true, receipt: receipt.data, keyId: signature.keyId };
}

/** A receipt answer as it is kept: its body and signature headers, to be verified again later. */
export const keptReceipt = (answer: {
  body: string;
  headers: Readonly<Record<string, string | undefined>>;
}): { body: string; headers: Record<string, string> } => ({
  body: answer.body,
  headers: {
    'webhook-id': answer.headers['webhook-id'] ?? '',
    'webhook-timestamp': answer.headers['webhook-timestamp'] ?? '',
    'webhook-signature': answer.headers['webhook-signature'] ?? '',
  },
});
