/**
 * When the sender tries a message again. Pure: the caller passes the clock and the random
 * source, so the schedule is testable.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Delay before attempt n (n = index), counted from the failure of attempt n − 1:
 * immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h. Ten attempts in all,
 * about three days.
 */
export const RETRY_SCHEDULE_MS: readonly number[] = [
  0,
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
];

/** Each delay varies by up to ±20 %, so a recovering partner is not hit by every sender at once. */
export const JITTER = 0.2;

/** The longest `Retry-After` honoured. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR;

export type Random = () => number;

export type NextAttempt =
  | { kind: 'retry'; attempt: number; at: Date }
  /** `permanent`: the partner refused the message (4xx); `exhausted`: no attempts left. */
  | { kind: 'give-up'; reason: 'permanent' | 'exhausted' };

/** The jittered delay before attempt `attempt`: schedule × (1 ± 20 %), `random()` in [0, 1). */
export function scheduledDelayMs(
  attempt: number,
  random: Random,
  schedule: readonly number[] = RETRY_SCHEDULE_MS,
): number {
  const base = schedule[attempt];
  if (base === undefined) throw new RangeError(`no attempt ${attempt} in the schedule`);
  return Math.round(base * (1 + (2 * random() - 1) * JITTER));
}

/** Whether a failed attempt is worth repeating: no answer (network error, timeout), 408, 429, 5xx. */
export function isRetryable(status: number | undefined): boolean {
  if (status === undefined) return true;
  if (status === 408 || status === 429) return true;
  // 2xx without a valid receipt, 3xx (redirects are not followed) and 5xx: try again.
  return status < 400 || status >= 500;
}

/**
 * `Retry-After` in milliseconds from `now`: delta seconds or an HTTP-date. Undefined when
 * absent or unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * SECOND;
  // An HTTP-date starts with the day name: `Sun, 06 Nov 1994 08:49:37 GMT` (or an obsolete form).
  const date = /^[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}

/**
 * What to do after attempt `attempt` (0-based) failed. Retries on network errors and
 * timeouts (`lastStatus` undefined), 408, 429 and 5xx after the jittered schedule delay;
 * on 429 and 503 a `Retry-After` may push the next attempt later (never earlier), capped at
 * 24 h. Gives up at once on other 4xx, and after the last attempt of the schedule: the
 * caller then marks the message failed and pauses the partner's stream; it is never dropped.
 */
export function nextAttempt(input: {
  attempt: number;
  lastStatus?: number;
  retryAfter?: string;
  now: Date;
  random: Random;
  /** The delays to use instead of `RETRY_SCHEDULE_MS` (a shortened one in tests). */
  schedule?: readonly number[];
}): NextAttempt {
  const { attempt, lastStatus, now, random } = input;
  const schedule = input.schedule ?? RETRY_SCHEDULE_MS;
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`bad attempt number ${attempt}`);
  if (!isRetryable(lastStatus)) return { kind: 'give-up', reason: 'permanent' };
  const next = attempt + 1;
  if (next >= schedule.length) return { kind: 'give-up', reason: 'exhausted' };

  let delay = scheduledDelayMs(next, random, schedule);
  if (lastStatus === 429 || lastStatus === 503) {
    const asked = parseRetryAfter(input.retryAfter, now);
    if (asked !== undefined) delay = Math.max(delay, Math.min(asked, MAX_RETRY_AFTER_MS));
  }
  return { kind: 'retry', attempt: next, at: new Date(now.getTime() + delay) };
}
