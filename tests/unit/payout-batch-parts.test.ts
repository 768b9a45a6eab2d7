import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BatchPart,
  inPart,
  lastKeyOfPart,
  nextPartRequest,
  orderKeyOf,
  partOf,
} from '../../functions/payout/domain/batch-parts';

const key = (region: string, n: number) =>
  orderKeyOf({ region, enrollmentId: `01JE${String(n).padStart(22, '0')}` });

/** Splits keys of two statuses as planning does: each part takes up to `cap` keys after the last. */
function split(active: string[], suspended: string[], cap: number): BatchPart[] {
  const parts: BatchPart[] = [];
  let after: string | undefined;
  for (let number = 1; ; number++) {
    const later = (keys: string[]) => keys.filter((k) => after === undefined || k > after).slice(0, cap + 1);
    const last = lastKeyOfPart([later(active), later(suspended)], cap);
    parts.push(partOf(number, after, last) ?? { number });
    if (last === undefined) return parts;
    after = last;
  }
}

describe('splitting a region into batches of at most the cap', () => {
  it('puts every enrolment in exactly one part, none over the cap, whatever the statuses', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.constantFrom('330106', '330108'), fc.nat(10_000), fc.boolean()), {
          selector: ([r, n]) => `${r}${n}`,
          maxLength: 80,
        }),
        fc.integer({ min: 1, max: 12 }),
        (enrolments, cap) => {
          const keys = enrolments.map(([r, n, active]) => ({ k: key(r, n), active }));
          const active = keys
            .filter((e) => e.active)
            .map((e) => e.k)
            .sort();
          const suspended = keys
            .filter((e) => !e.active)
            .map((e) => e.k)
            .sort();
          const parts = split(active, suspended, cap);
          for (const { k } of keys) expect(parts.filter((p) => inPart(p, k))).toHaveLength(1);
          for (const p of parts) expect(keys.filter(({ k }) => inPart(p, k)).length).toBeLessThanOrEqual(cap);
          expect(parts.length).toBe(Math.max(1, Math.ceil(keys.length / cap)));
        },
      ),
    );
  });

  it('keeps a region within the cap a single batch without parts', () => {
    expect(lastKeyOfPart([[key('330106', 1)], [key('330106', 2)]], 2)).toBeUndefined();
    expect(partOf(1, undefined, undefined)).toBeUndefined();
    expect(inPart(undefined, key('330106', 1))).toBe(true);
  });

  it('asks for the next part only while one follows', () => {
    const batch = { scheme: 'rural-reward', period: '2026-12', region: '330106' };
    expect(nextPartRequest({ ...batch, part: { number: 1, last: key('330106', 5) } })).toEqual({
      ...batch,
      part: 2,
    });
    expect(nextPartRequest({ ...batch, part: { number: 3, after: key('330106', 5) } })).toBeUndefined();
    expect(nextPartRequest(batch)).toBeUndefined();
  });
});
