import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newUlid, ULID_PATTERN } from '../../shared/domain/ids';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const MAX_TIME = 2 ** 48 - 1;

/** Reads the millisecond time back from a ULID's first ten characters. */
const timeOf = (ulid: string): number =>
  [...ulid.slice(0, 10)].reduce((t, ch) => t * 32 + ALPHABET.indexOf(ch), 0);

describe('newUlid', () => {
  it('has the ULID shape', () => {
    for (let i = 0; i < 100; i++) expect(newUlid()).toMatch(ULID_PATTERN);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_TIME }), (t) => {
        const id = newUlid(t);
        expect(id).toHaveLength(26);
        expect(id).toMatch(ULID_PATTERN);
      }),
    );
  });

  it('encodes the time in its first ten characters', () => {
    expect(newUlid(0).slice(0, 10)).toBe('0000000000');
    expect(newUlid(1_469_918_176_385).slice(0, 10)).toBe('01ARYZ6S41');
    expect(newUlid(MAX_TIME).slice(0, 10)).toBe('7ZZZZZZZZZ');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_TIME }), (t) => {
        expect(timeOf(newUlid(t))).toBe(t);
      }),
    );
  });

  it('uses the current time by default', () => {
    const before = Date.now();
    const id = newUlid();
    const after = Date.now();
    expect(timeOf(id)).toBeGreaterThanOrEqual(before);
    expect(timeOf(id)).toBeLessThanOrEqual(after);
  });

  it('sorts by time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_TIME }), fc.integer({ min: 0, max: MAX_TIME }), (a, b) => {
        fc.pre(a !== b);
        const [early, late] = a < b ? [a, b] : [b, a];
        expect(newUlid(early) < newUlid(late)).toBe(true);
      }),
    );
  });

  it('sorts ids made at increasing times in that order', () => {
    const start = Date.UTC(2026, 0, 1);
    const ids = Array.from({ length: 200 }, (_, i) => newUlid(start + i * 7));
    expect([...ids].sort()).toEqual(ids);
  });

  it('gives 10,000 unique ids, even within one millisecond', () => {
    const now = Date.now();
    const sameMs = new Set(Array.from({ length: 10_000 }, () => newUlid(now)));
    expect(sameMs.size).toBe(10_000);
    const unpinned = new Set(Array.from({ length: 10_000 }, () => newUlid()));
    expect(unpinned.size).toBe(10_000);
  });

  it('spreads the random part over the whole alphabet', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i++) for (const ch of newUlid(0).slice(10)) seen.add(ch);
    expect(seen.size).toBe(32);
  });
});
