import type { Clock } from '../../../shared/domain/clock';
import { assessAttempt, MAX_QUEUE_DELAY_SECONDS, SWEEPER_GRACE_MS } from './delivery';
import { canonicalJson, sha256Hex } from './digest';
import { activeSigningKeys } from './key-set';
import { partnerKeys } from './partner';
import type {
  DeliveryQueue,
  InboxClient,
  MessageDeliveryRequest,
  MessageRepository,
  PartnerRepository,
} from './ports';
import { keptReceipt } from './receipt';
import type { Random } from './retry';
import { type SigningKey, signatureHeaders, unixSeconds } from './signing';

/** An attempt in progress holds the message this long; a sender that died is covered after it. */
const ATTEMPT_LEASE_MS = 5 * 60_000;

export interface DeliveryServiceDeps {
  readonly partners: PartnerRepository;
  readonly messages: MessageRepository;
  readonly delivery: DeliveryQueue;
  readonly signingKeys: readonly SigningKey[];
  readonly post: InboxClient;
  readonly clock: Clock;
  readonly random: Random;
  /** Retry delays instead of the protocol's schedule (tests shorten it). */
  readonly schedule?: readonly number[];
}

/** What one delivery request came to, for metrics and logs. */
export type AttemptReport =
  | { kind: 'stale' }
  | { kind: 'held' }
  | { kind: 'delivered' }
  | { kind: 'retry'; reason: string }
  | { kind: 'failed'; reason: string; partnerPaused: boolean };

/**
 * Makes one delivery attempt: signs the stored body with every key valid now, POSTs it,
 * and accepts only a receipt signed by the partner. A stale request (attempt already made,
 * message finished) changes nothing; a message for a paused partner is held. On failure
 * the next attempt follows the retry schedule: short waits as a delayed queue message, long
 * ones through the sweeper. After the last attempt the message is marked failed and the
 * partner's stream paused; nothing is dropped.
 */
export async function attemptDelivery(
  request: MessageDeliveryRequest,
  deps: DeliveryServiceDeps,
): Promise<AttemptReport> {
  const { messages, partners, clock } = deps;
  const later = (from: Date, ms: number) => new Date(from.getTime() + ms).toISOString();
  const message = await messages.findOutbound(request.partner, request.messageId);
  if (message?.status !== 'pending' || message.attempts !== request.attempt) return { kind: 'stale' };
  const partner = await partners.find(request.partner);
  if (!partner) throw new Error(`partner ${request.partner} is no longer registered`);
  if (partner.status === 'paused') {
    await messages.markWaiting(partner.code, message.messageId);
    return { kind: 'held' };
  }
  const start = clock.now();
  const claimed = await messages.claimAttempt(
    partner.code,
    message.messageId,
    request.attempt,
    later(start, ATTEMPT_LEASE_MS),
  );
  if (!claimed) return { kind: 'stale' };

  const headers = {
    'content-type': 'application/cloudevents+json',
    ...signatureHeaders(
      { id: message.messageId, timestamp: unixSeconds(start), body: message.body },
      activeSigningKeys(deps.signingKeys, start),
    ),
  };
  const answer = await deps.post(partner.inboxUrl, headers, message.body);
  const now = clock.now();
  const outcome = assessAttempt({
    answer,
    sent: { messageId: message.messageId, body: message.body },
    recipientKeys: partnerKeys(partner),
    attempt: request.attempt,
    now,
    random: deps.random,
    ...(deps.schedule ? { schedule: deps.schedule } : {}),
  });
  const attempt = {
    messageId: message.messageId,
    partner: partner.code,
    attempt: request.attempt,
    round: message.rounds ?? 0,
    at: start.toISOString(),
    ...(answer.status !== undefined ? { status: answer.status } : {}),
  };

  if (outcome.kind === 'delivered') {
    await messages.recordAttempt({ ...attempt, outcome: 'delivered' });
    await messages.markDelivered(partner.code, message.messageId, {
      deliveredAt: now.toISOString(),
      receipt: outcome.receipt.receipt,
      receiptKeyId: outcome.receipt.keyId,
      receiptSha256: sha256Hex(canonicalJson(outcome.receipt.receipt)),
      // Kept as answered, so the receipt can be verified again later.
      signedReceipt: keptReceipt(answer),
      headers,
    });
    return { kind: 'delivered' };
  }

  const next = outcome.next;
  if (next.kind === 'retry') {
    const nextAt = next.at.toISOString();
    await messages.recordAttempt({
      ...attempt,
      outcome: 'failed',
      reason: outcome.reason,
      nextAttemptAt: nextAt,
    });
    const delaySeconds = Math.max(0, (next.at.getTime() - now.getTime()) / 1000);
    const viaQueue = delaySeconds <= MAX_QUEUE_DELAY_SECONDS;
    await messages.scheduleRetry(partner.code, message.messageId, {
      nextAttemptAt: nextAt,
      pickUpAt: viaQueue ? later(next.at, SWEEPER_GRACE_MS) : nextAt,
      lastError: outcome.reason,
      headers,
    });
    if (viaQueue) {
      await deps.delivery.enqueue(
        { partner: partner.code, messageId: message.messageId, attempt: next.attempt },
        delaySeconds,
      );
    }
    return { kind: 'retry', reason: outcome.reason };
  }

  await messages.recordAttempt({ ...attempt, outcome: 'failed', reason: outcome.reason });
  await messages.markFailed(partner.code, message.messageId, {
    failedAt: now.toISOString(),
    lastError: `${next.reason}: ${outcome.reason}`,
  });
  // Exhausted: the partner is unreachable, so its stream is held until an operator resumes it.
  // A permanent refusal concerns this message only; the stream goes on.
  const pause = next.reason === 'exhausted';
  if (pause) {
    await partners.setStatus(partner.code, {
      status: 'paused',
      pausedReason: 'delivery-failed',
      at: now.toISOString(),
      by: 'exchange-sender',
    });
  }
  return { kind: 'failed', reason: outcome.reason, partnerPaused: pause };
}
