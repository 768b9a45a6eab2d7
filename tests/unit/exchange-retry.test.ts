import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  nextAttempt,
  parseRetryAfter,
  RETRY_SCHEDULE_MS,
  scheduledDelayMs,
} from '../../functions/exchange/domain/retry';
import { checkSequence, parseSequence } from '../../functions/exchange/domain/sequence';

const NOW = new Date('2026-11-22T09:00:00Z');
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const mid = () => 0.5;

const delayOf = (result: ReturnType<typeof nextAttempt>): number => {
  if (result.kind !== 'retry') throw new Error(`expected a retry, got ${JSON.stringify(result)}`);
  return result.at.getTime() - NOW.getTime();
};

describe('retry schedule', () => {
  it('is 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h', () => {
    expect(RETRY_SCHEDULE_MS).toEqual([
      0,
      5 * S,
      5 * M,
      30 * M,
      2 * H,
      5 * H,
      10 * H,
      14 * H,
      20 * H,
      24 * H,
    ]);
  });

  it('jitters each delay within ±20 % (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const base = RETRY_SCHEDULE_MS[attempt] ?? 0;
          const delay = scheduledDelayMs(attempt, () => r);
          return delay >= Math.floor(base * 0.8) && delay <= Math.ceil(base * 1.2);
        },
      ),
    );
    expect(scheduledDelayMs(2, () => 0)).toBe(4 * M);
    expect(scheduledDelayMs(2, mid)).toBe(5 * M);
    expect(scheduledDelayMs(0, () => 0.99)).toBe(0);
    expect(() => scheduledDelayMs(10, mid)).toThrow(RangeError);
  });

  it('schedules attempt n + 1 after attempt n fails', () => {
    for (let attempt = 0; attempt < 9; attempt++) {
      const result = nextAttempt({ attempt, now: NOW, random: mid });
      expect(result).toMatchObject({ kind: 'retry', attempt: attempt + 1 });
      expect(delayOf(result)).toBe(RETRY_SCHEDULE_MS[attempt + 1]);
    }
  });

  it('retries on network errors, timeouts, 408, 429 and 5xx', () => {
    for (const lastStatus of [undefined, 408, 429, 500, 502, 503, 504]) {
      expect(nextAttempt({ attempt: 1, lastStatus, now: NOW, random: mid }).kind).toBe('retry');
    }
  });

  it('gives up at once on other 4xx', () => {
    for (const lastStatus of [400, 401, 403, 404, 409, 413, 422]) {
      expect(nextAttempt({ attempt: 0, lastStatus, now: NOW, random: mid })).toEqual({
        kind: 'give-up',
        reason: 'permanent',
      });
    }
  });

  it('gives up after the last attempt', () => {
    expect(nextAttempt({ attempt: 8, lastStatus: 503, now: NOW, random: mid }).kind).toBe('retry');
    expect(nextAttempt({ attempt: 9, lastStatus: 503, now: NOW, random: mid })).toEqual({
      kind: 'give-up',
      reason: 'exhausted',
    });
    expect(nextAttempt({ attempt: 9, now: NOW, random: mid })).toEqual({
      kind: 'give-up',
      reason: 'exhausted',
    });
    expect(() => nextAttempt({ attempt: -1, now: NOW, random: mid })).toThrow(RangeError);
  });

  it('honours Retry-After on 429 and 503 but never retries earlier than the schedule', () => {
    // Attempt 2 failed; the schedule says 30 min before attempt 3.
    expect(
      delayOf(nextAttempt({ attempt: 2, lastStatus: 429, retryAfter: '3600', now: NOW, random: mid })),
    ).toBe(H);
    expect(
      delayOf(nextAttempt({ attempt: 2, lastStatus: 503, retryAfter: '60', now: NOW, random: mid })),
    ).toBe(30 * M);
    const date = 'Sun, 22 Nov 2026 11:00:00 GMT';
    expect(
      delayOf(nextAttempt({ attempt: 2, lastStatus: 429, retryAfter: date, now: NOW, random: mid })),
    ).toBe(2 * H);
    // Capped at 24 h.
    expect(
      delayOf(nextAttempt({ attempt: 1, lastStatus: 429, retryAfter: '999999', now: NOW, random: mid })),
    ).toBe(24 * H);
    // Ignored on other statuses, and when unreadable.
    expect(
      delayOf(nextAttempt({ attempt: 2, lastStatus: 500, retryAfter: '3600', now: NOW, random: mid })),
    ).toBe(30 * M);
    expect(
      delayOf(nextAttempt({ attempt: 2, lastStatus: 429, retryAfter: 'later', now: NOW, random: mid })),
    ).toBe(30 * M);
  });

  it('parses Retry-After as seconds or an HTTP-date', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120 * S);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:30 GMT', NOW)).toBe(30 * S);
    expect(parseRetryAfter('Sun, 22 Nov 2026 08:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('-5', NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });

  it('always retries later than now, within jitter of the schedule (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }),
        fc.constantFrom(undefined, 408, 429, 500, 503),
        fc.option(fc.integer({ min: 0, max: 200_000 }), { nil: undefined }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, lastStatus, retryAfter, r) => {
          const result = nextAttempt({
            attempt,
            lastStatus,
            retryAfter: retryAfter === undefined ? undefined : String(retryAfter),
            now: NOW,
            random: () => r,
          });
          const delay = delayOf(result);
          const base = RETRY_SCHEDULE_MS[attempt + 1] ?? 0;
          return delay >= Math.floor(base * 0.8) && delay <= Math.max(Math.ceil(base * 1.2), 24 * H);
        },
      ),
    );
  });
});

describe('sequence gaps', () => {
  it('classifies arrivals against the last number seen', () => {
    expect(checkSequence(undefined, 1)).toBe('next');
    expect(checkSequence(41, 42)).toBe('next');
    expect(checkSequence(42, 42)).toBe('duplicate-or-old');
    expect(checkSequence(42, 7)).toBe('duplicate-or-old');
    expect(checkSequence(42, 45)).toEqual({ gap: [43, 44] });
    expect(checkSequence(42, 44)).toEqual({ gap: [43, 43] });
    expect(checkSequence(undefined, 3)).toEqual({ gap: [1, 2] });
  });

  it('refuses numbers that are not positive integers', () => {
    expect(() => checkSequence(1, 0)).toThrow(RangeError);
    expect(() => checkSequence(1, 2.5)).toThrow(RangeError);
    expect(() => checkSequence(-1, 2)).toThrow(RangeError);
  });

  it('parses the envelope extension', () => {
    expect(parseSequence('42')).toBe(42);
    for (const bad of ['0', '042', '-1', '1.5', '', '99999999999999999']) {
      expect(() => parseSequence(bad)).toThrow(RangeError);
    }
  });
});
