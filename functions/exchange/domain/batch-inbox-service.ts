import { checkBatch, parseBatch } from './batch';
import type { BatchReceipt, BatchReceiptEntry } from './batch-receipt';
import type { InboundRejection } from './inbound';
import type { PartnerRepository, StreamRepository } from './ports';
import { makeReceipt } from './receipt';

/** Headers kept with each message of a received batch: what its signature rests on. */
const KEPT_HEADERS = ['content-type', 'webhook-id', 'webhook-timestamp', 'webhook-signature'];

export type BatchReceiveResult =
  /** `conflicts`: messages refused because their id came before with another body (alarmed). */
  | { kind: 'receipt'; receipt: BatchReceipt; accepted: number; conflicts: number }
  | { kind: 'rejected'; rejection: InboundRejection };

/**
 * Receives one batch (§13): checks it (domain/batch.ts), then stores its acceptable messages
 * in one transaction with the partner's inbound head and the batch's receipt, and answers
 * that receipt. The same batch again is answered with its original receipt, marked
 * `duplicate`, and changes nothing. Stored before answered, as in version 1.
 */
export async function receiveBatch(
  input: { body: string; headers: Readonly<Record<string, string | undefined>>; now: Date },
  deps: { partners: PartnerRepository; streams: StreamRepository; ownUrn: string },
): Promise<BatchReceiveResult> {
  const { body, headers, now } = input;
  const parsed = parseBatch(body);
  if (!parsed.ok) return { kind: 'rejected', rejection: parsed.rejection };
  const check = checkBatch({
    events: parsed.events,
    body,
    headers,
    partner: await deps.partners.find(parsed.partnerCode),
    ownUrn: deps.ownUrn,
    now,
  });
  if (!check.ok) return { kind: 'rejected', rejection: check.rejection };
  const partner = check.partner.code;

  const receivedAt = now.toISOString();
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers[name];
    if (value !== undefined) kept[name] = value;
  }
  // The receipt lists the messages in the order sent, accepted and refused alike.
  const order = parsed.events.map((event) => event.id);
  let accepted = 0;
  let conflicts = 0;
  const receipt = await deps.streams.storeBatch(
    partner,
    check.batchId,
    check.accepted.map(({ message, sequence, body: text, sha256 }) => ({
      messageId: message.id,
      sha256,
      build: (previousHash) => ({
        direction: 'inbound',
        protocol: 'v2',
        messageId: message.id,
        partner,
        type: message.type,
        subject: message.subject,
        ...(message.correlationid ? { correlationid: message.correlationid } : {}),
        sequence,
        body: text,
        sha256,
        headers: kept,
        verification: { ok: true, keyId: check.keyId },
        receipt: makeReceipt({ messageId: message.id, body: text, receivedAt: now, status: 'accepted' }),
        receivedAt,
        status: 'accepted',
        batchId: check.batchId,
        previousHash,
      }),
    })),
    (outcomes, highestSequence) => {
      const entries = new Map<unknown, BatchReceiptEntry>();
      check.accepted.forEach(({ message, sequence, sha256 }, i) => {
        const outcome = outcomes[i] ?? 'id-conflict';
        if (outcome === 'accepted') accepted++;
        if (outcome === 'id-conflict') conflicts++;
        entries.set(message.id, {
          id: message.id,
          sequence: String(sequence),
          sha256,
          ...(outcome === 'id-conflict' ? { status: 'refused', reason: 'id-conflict' } : { status: outcome }),
        });
      });
      const refused = check.refused.map(
        (message): BatchReceiptEntry => ({
          ...(message.id !== undefined && message.id.length <= 64 ? { id: message.id } : {}),
          ...(message.sequence ? { sequence: message.sequence } : {}),
          sha256: message.sha256,
          status: 'refused',
          reason: message.rejection.slug,
        }),
      );
      let next = 0;
      return {
        receiptFor: check.batchId,
        sha256: check.sha256,
        receivedAt,
        status: 'accepted',
        ...(highestSequence !== undefined ? { highestSequence: String(highestSequence) } : {}),
        // Accepted messages by id; refused ones fill the other places, in the order sent.
        messages: order.map((id) => entries.get(id) ?? (refused[next++] as BatchReceiptEntry)),
      };
    },
  );
  return { kind: 'receipt', receipt, accepted, conflicts };
}
