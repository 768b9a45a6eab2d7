import { checkInbound, claimedPartner, type InboundRejection } from './inbound';
import type { MessageRepository, PartnerRepository } from './ports';
import { makeReceipt, type Receipt } from './receipt';
import type { InboundRecord } from './records';

/** Headers kept with a received message: what the signature and the log rest on. */
const KEPT_HEADERS = ['content-type', 'webhook-id', 'webhook-timestamp', 'webhook-signature'];

export type ReceiveResult =
  | { kind: 'accepted'; receipt: Receipt }
  /** The same id and body again: the original receipt, marked duplicate. */
  | { kind: 'duplicate'; receipt: Receipt }
  /** The same id with a different body: refused, the original stands. */
  | { kind: 'conflict'; partner: string; messageId: string }
  | { kind: 'rejected'; rejection: InboundRejection };

/**
 * Receives one partner message: checks it (domain/inbound.ts), stores it with its headers,
 * digest, verification result and receipt unless the partner sent this id before, and
 * answers what the receipt should say. Stored before answered: an accepted message is
 * never lost between the answer and its forwarding.
 */
export async function receiveMessage(
  input: { body: string; headers: Readonly<Record<string, string | undefined>>; now: Date },
  deps: { partners: PartnerRepository; messages: MessageRepository; ownUrn: string },
): Promise<ReceiveResult> {
  const { body, headers, now } = input;
  const claimed = claimedPartner(body);
  if ('status' in claimed) return { kind: 'rejected', rejection: claimed };
  const check = checkInbound({
    body,
    headers,
    partner: await deps.partners.find(claimed.code),
    ownUrn: deps.ownUrn,
    now,
  });
  if (!check.ok) return { kind: 'rejected', rejection: check.rejection };

  const { message } = check;
  const receipt = makeReceipt({ messageId: message.id, body, receivedAt: now, status: 'accepted' });
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers[name];
    if (value !== undefined) kept[name] = value;
  }
  const record: InboundRecord = {
    direction: 'inbound',
    messageId: message.id,
    partner: claimed.code,
    type: message.type,
    subject: message.subject,
    ...(message.correlationid ? { correlationid: message.correlationid } : {}),
    sequence: Number(message.sequence),
    body,
    sha256: check.sha256,
    headers: kept,
    verification: { ok: true, keyId: check.keyId },
    receipt,
    receivedAt: now.toISOString(),
    status: 'accepted',
  };
  const stored = await deps.messages.putInbound(record);
  if (stored.stored) return { kind: 'accepted', receipt };
  if (stored.existing.sha256 === check.sha256) {
    return { kind: 'duplicate', receipt: { ...stored.existing.receipt, status: 'duplicate' } };
  }
  return { kind: 'conflict', partner: claimed.code, messageId: message.id };
}
