import * as z from 'zod';
import { Receipt } from '../domain/receipt';

const Sequence = z.number().int().nonnegative();

/** The fields every message record has, sent or received. */
const RecordFields = {
  messageId: z.string(),
  partner: z.string(),
  type: z.string(),
  subject: z.string(),
  sequence: Sequence,
  body: z.string(),
  sha256: z.string(),
};
/**
 * A message item as read back from the exchange table: the fields every record of its
 * direction has, other fields kept. For readers of items outside the repository's own
 * queries (the operators' list, the router's stream images).
 */
export const StoredMessage = z.discriminatedUnion('direction', [
  z.looseObject({
    ...RecordFields,
    direction: z.literal('outbound'),
    status: z.enum(['pending', 'waiting', 'delivered', 'failed']),
    attempts: z.number().int().nonnegative(),
    createdAt: z.string(),
  }),
  z.looseObject({
    ...RecordFields,
    direction: z.literal('inbound'),
    status: z.literal('accepted'),
    receivedAt: z.string(),
    headers: z.record(z.string(), z.string()),
    verification: z.object({ ok: z.literal(true), keyId: z.string() }),
    receipt: Receipt,
  }),
]);
