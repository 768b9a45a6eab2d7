import type { ReceiptCheck } from './receipt';
import { verifyReceipt } from './receipt';
import { type NextAttempt, nextAttempt, type Random } from './retry';
import type { VerificationKey } from './signing';

/** How long after its due time a queued attempt is left to the queue before the sweeper re-queues it. */
export const SWEEPER_GRACE_MS = 2 * 60_000;

/** SQS caps a message's delay at 15 minutes; longer waits are the sweeper's. */
export const MAX_QUEUE_DELAY_SECONDS = 900;

/** What came back from one POST to a partner's inbox; `status` undefined: no answer (network, timeout). */
export interface InboxAnswer {
  readonly status?: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
  /** Why there was no answer, for the attempt record. */
  readonly error?: string;
}

export type AttemptOutcome =
  | { kind: 'delivered'; receipt: Extract<ReceiptCheck, { ok: true }>; receiptBody: string }
  | { kind: 'failed'; reason: string; next: NextAttempt };

/**
 * Judges one delivery attempt. Delivered only on a 2xx whose receipt is signed by one of the
 * recipient's keys and names this message and the digest of the bytes sent; anything else
 * fails, and the retry schedule decides when (or whether) to try again. A 2xx without a
 * valid receipt is retried like a 5xx: the partner may not have stored the message.
 */
export function assessAttempt(input: {
  answer: InboxAnswer;
  sent: { messageId: string; body: string };
  recipientKeys: readonly VerificationKey[];
  attempt: number;
  now: Date;
  random: Random;
  schedule?: readonly number[];
}): AttemptOutcome {
  const { answer, now } = input;
  const status = answer.status;
  if (status !== undefined && status >= 200 && status < 300) {
    const check = verifyReceipt(answer, input.sent, input.recipientKeys, now);
    if (check.ok) return { kind: 'delivered', receipt: check, receiptBody: answer.body };
    return {
      kind: 'failed',
      reason: `receipt-${check.reason}`,
      next: nextAttempt({
        attempt: input.attempt,
        lastStatus: 502,
        now,
        random: input.random,
        ...schedule(input),
      }),
    };
  }
  const retryAfter = answer.headers['retry-after'];
  return {
    kind: 'failed',
    reason: status === undefined ? (answer.error ?? 'no-answer') : `http-${status}`,
    next: nextAttempt({
      attempt: input.attempt,
      ...(status !== undefined ? { lastStatus: status } : {}),
      ...(retryAfter !== undefined ? { retryAfter } : {}),
      now,
      random: input.random,
      ...schedule(input),
    }),
  };
}

const schedule = (input: { schedule?: readonly number[] }) =>
  input.schedule ? { schedule: input.schedule } : {};
