import type { Clock } from '../../../shared/domain/clock';
import { batchBody, MAX_BATCH_BYTES, MAX_BATCH_MESSAGES } from './batch';
import { verifyBatchReceipt } from './batch-receipt';
import { MAX_QUEUE_DELAY_SECONDS } from './delivery';
import { canonicalJson, sha256Hex } from './digest';
import { activeSigningKeys } from './key-set';
import { type Partner, partnerKeys } from './partner';
import type { DeliveryQueue, InboxClient, PartnerRepository, StreamRepository } from './ports';
import { keptReceipt } from './receipt';
import type { OutboundStreamHead } from './records';
import { nextAttempt, type Random } from './retry';
import { type SigningKey, signatureHeaders, unixSeconds } from './signing';

/** A sender holds a stream this long; one that died is covered after it (the function's timeout is 30 s). */
export const STREAM_LEASE_MS = 60_000;

/** A sender stops taking new batches after this long and hands the rest to a fresh request. */
export const STREAM_BUDGET_MS = 15_000;

export interface StreamDeliveryDeps {
  readonly partners: PartnerRepository;
  readonly streams: StreamRepository;
  readonly delivery: DeliveryQueue;
  readonly signingKeys: readonly SigningKey[];
  readonly post: InboxClient;
  readonly clock: Clock;
  readonly random: Random;
  /** A new ULID at a time: batch ids. */
  readonly newId: (at: Date) => string;
  /** Who holds the lease: unique per invocation. */
  readonly owner: string;
  /** Retry delays instead of the protocol's schedule (tests shorten it). */
  readonly schedule?: readonly number[];
}

/** What one stream delivery request came to, for metrics and logs. */
export type StreamReport =
  | { kind: 'held' }
  | { kind: 'busy' }
  | ({ kind: 'delivered' } & Tally)
  | ({ kind: 'retry'; reason: string } & Tally)
  | ({ kind: 'failed'; reason: string; partnerPaused: true } & Tally);

/** What a stream delivery sent: batches, messages, and those the partner refused. */
interface Tally {
  readonly batches: number;
  readonly messages: number;
  readonly refused: readonly RefusedEntry[];
}

/**
 * Delivers a version 2 stream (§13) from its cursor: takes the stream's lease, then sends the
 * waiting messages in batches of up to 98, in sequence order, each signed and answered by one
 * signed receipt, which moves the cursor. Messages the partner refused in a receipt are
 * marked failed; the stream goes on. A batch that fails is retried on the protocol's
 * schedule, from the same cursor: short waits as a delayed queue message, long ones through
 * the sweeper. After the last attempt, or when the partner refuses a whole batch, the
 * partner is paused: nothing is dropped, and an operator resumes it.
 *
 * The lease makes one sender at a time per partner. Releasing it answers the head as it is
 * then, so messages numbered while a batch was on its way are sent before the sender stops.
 */
export async function deliverStream(partnerCode: string, deps: StreamDeliveryDeps): Promise<StreamReport> {
  const { streams, clock, owner } = deps;
  const partner = await deps.partners.find(partnerCode);
  if (!partner) throw new Error(`partner ${partnerCode} is no longer registered`);
  if (partner.status === 'paused' || !partner.batchInboxUrl) return { kind: 'held' };
  const started = clock.now();
  const lease = () => new Date(clock.now().getTime() + STREAM_LEASE_MS).toISOString();
  let head = await streams.claim(partnerCode, owner, started.toISOString(), lease());
  if (!head) return { kind: 'busy' };
  const tally = { batches: 0, messages: 0, refused: [] as RefusedEntry[] };
  try {
    for (;;) {
      if (head.delivered >= head.last) {
        head = await streams.release(partnerCode, owner);
        if (head.delivered >= head.last) return { kind: 'delivered', ...tally };
        // Numbered while the last batch was on its way: take the stream again.
        const again = await streams.claim(partnerCode, owner, clock.now().toISOString(), lease());
        if (!again) return { kind: 'delivered', ...tally };
        head = again;
        continue;
      }
      if (clock.now().getTime() - started.getTime() > STREAM_BUDGET_MS) {
        await streams.release(partnerCode, owner);
        await deps.delivery.enqueue({ partner: partnerCode, stream: true });
        return { kind: 'delivered', ...tally };
      }
      const sent = await sendBatch(partner, head, deps);
      if (sent.kind === 'failed') {
        const outcome = await afterFailure(partner, head, sent, deps);
        return { ...outcome, ...tally };
      }
      tally.batches++;
      tally.messages += sent.messages;
      tally.refused.push(...sent.refused);
      head = sent.head;
    }
  } catch (error) {
    // A fault of ours (a table error past the SDK's retries): the request is retried by its
    // queue, and the stream is given up at once rather than held until the lease runs out.
    await streams.release(partnerCode, owner).catch(() => undefined);
    throw error;
  }
}

type BatchOutcome =
  | { kind: 'delivered'; head: OutboundStreamHead; messages: number; refused: readonly RefusedEntry[] }
  | { kind: 'failed'; reason: string; status?: number; retryAfter?: string };

/** A message the partner refused in a receipt, and why: for the operators' log (ids only). */
export interface RefusedEntry {
  readonly messageId: string;
  readonly reason: string;
}

/** Sends the next batch after the cursor and, on a valid receipt, moves the cursor past it. */
async function sendBatch(
  partner: Partner,
  head: OutboundStreamHead,
  deps: StreamDeliveryDeps,
): Promise<BatchOutcome> {
  const { streams, clock } = deps;
  const messages = withinBytes(await streams.undelivered(partner.code, head.delivered, MAX_BATCH_MESSAGES));
  const first = messages[0];
  const last = messages.at(-1);
  if (!first || !last || first.sequence !== head.delivered + 1) {
    // The head says more were numbered than can be read: a defect, not a partner's fault.
    throw new Error(`stream to ${partner.code}: message ${head.delivered + 1} is missing`);
  }
  const start = clock.now();
  const batchId = deps.newId(start);
  const body = batchBody(messages.map((message) => message.body));
  const headers = {
    'content-type': 'application/cloudevents-batch+json',
    ...signatureHeaders(
      { id: batchId, timestamp: unixSeconds(start), body },
      activeSigningKeys(deps.signingKeys, start),
    ),
  };
  const answer = await deps.post(partner.batchInboxUrl ?? '', headers, body);
  const now = clock.now();
  if (answer.status === undefined || answer.status < 200 || answer.status >= 300) {
    return {
      kind: 'failed',
      reason:
        answer.status === undefined
          ? (answer.error ?? 'no-answer')
          : `http-${answer.status}${problemSlug(answer.body)}`,
      ...(answer.status !== undefined ? { status: answer.status } : {}),
      ...(answer.headers['retry-after'] !== undefined ? { retryAfter: answer.headers['retry-after'] } : {}),
    };
  }
  const check = verifyBatchReceipt(
    answer,
    {
      batchId,
      body,
      messages: messages.map((message) => ({
        id: message.messageId,
        sequence: message.sequence,
        body: message.body,
      })),
    },
    partnerKeys(partner),
    now,
  );
  // A 2xx without a valid receipt is retried like a 5xx: the partner may not have stored the batch.
  if (!check.ok) return { kind: 'failed', reason: `receipt-${check.reason}`, status: 502 };
  const refused: RefusedEntry[] = [];
  for (const [i, entry] of check.receipt.messages.entries()) {
    const message = messages[i];
    if (entry.status !== 'refused' || !message) continue;
    const reason = entry.reason ?? 'refused';
    await streams.markRefused(partner.code, message.messageId, reason, now.toISOString());
    refused.push({ messageId: message.messageId, reason });
  }
  await streams.recordDelivery(
    {
      partner: partner.code,
      batchId,
      from: first.sequence,
      to: last.sequence,
      deliveredAt: now.toISOString(),
      receiptKeyId: check.keyId,
      receiptSha256: sha256Hex(canonicalJson(check.receipt)),
      signedReceipt: keptReceipt(answer),
      headers,
    },
    deps.owner,
  );
  // Numbered meanwhile or not, releasing the lease answers the head as it is then.
  const moved = { ...head, delivered: last.sequence, attempt: 0 };
  return { kind: 'delivered', head: moved, messages: messages.length, refused };
}

/** The longest run of messages from the first whose batch body stays within MAX_BATCH_BYTES. */
function withinBytes<T extends { body: string }>(messages: readonly T[]): T[] {
  let bytes = 2;
  const taken: T[] = [];
  for (const message of messages) {
    bytes += Buffer.byteLength(message.body, 'utf8') + (taken.length > 0 ? 1 : 0);
    if (bytes > MAX_BATCH_BYTES && taken.length > 0) break;
    taken.push(message);
  }
  return taken;
}

/** ` <slug>` of a problem+json answer (the last segment of its `type`), for the failure reason. */
function problemSlug(body: string): string {
  try {
    const type = (JSON.parse(body) as { type?: unknown }).type;
    const slug = typeof type === 'string' ? type.split(/[/:#]/).at(-1) : undefined;
    return slug && /^[a-z][a-z0-9-]{1,63}$/.test(slug) ? ` ${slug}` : '';
  } catch {
    return '';
  }
}

/** After a failed batch: the next attempt on the schedule, or the partner paused. */
async function afterFailure(
  partner: Partner,
  head: OutboundStreamHead,
  failure: Extract<BatchOutcome, { kind: 'failed' }>,
  deps: StreamDeliveryDeps,
): Promise<{ kind: 'retry'; reason: string } | { kind: 'failed'; reason: string; partnerPaused: true }> {
  const now = deps.clock.now();
  const next = nextAttempt({
    attempt: head.attempt,
    ...(failure.status !== undefined ? { lastStatus: failure.status } : {}),
    ...(failure.retryAfter !== undefined ? { retryAfter: failure.retryAfter } : {}),
    now,
    random: deps.random,
    ...(deps.schedule ? { schedule: deps.schedule } : {}),
  });
  if (next.kind === 'retry') {
    await deps.streams.recordFailure(partner.code, deps.owner, {
      attempt: next.attempt,
      nextAttemptAt: next.at.toISOString(),
      lastError: failure.reason,
    });
    const delaySeconds = Math.max(0, (next.at.getTime() - now.getTime()) / 1000);
    // Longer waits are the sweeper's, which finds the stream due.
    if (delaySeconds <= MAX_QUEUE_DELAY_SECONDS) {
      await deps.delivery.enqueue({ partner: partner.code, stream: true }, delaySeconds);
    }
    return { kind: 'retry', reason: failure.reason };
  }
  // Exhausted, or the whole batch refused: the stream is held until an operator resumes it.
  await deps.streams.recordFailure(partner.code, deps.owner, {
    attempt: 0,
    lastError: `${next.reason}: ${failure.reason}`,
  });
  await deps.partners.setStatus(partner.code, {
    status: 'paused',
    pausedReason: 'delivery-failed',
    at: now.toISOString(),
    by: 'exchange-sender',
  });
  return { kind: 'failed', reason: failure.reason, partnerPaused: true };
}
