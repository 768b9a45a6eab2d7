import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPersonRecorded, type PersonFacts } from '../../functions/payout/domain/person-facts';
import { newUlid } from '../../shared/domain/ids';
import type { PersonRecorded } from '../../shared/events/catalog';

const PERSON_ID = newUlid(Date.UTC(2026, 0, 1));
const AT = new Date('2026-06-01T02:00:00.000Z');

/** The event for one version; its content depends only on the version, as replays would. */
const recorded = (version: number): PersonRecorded => ({
  personId: PERSON_ID,
  version,
  sex: 'female',
  birthDate: '1960-03-08',
  alive: version % 3 !== 0,
  hukouRegion: '510104',
  residenceRegion: version % 2 === 0 ? '330106' : '510104',
});

describe('applyPersonRecorded', () => {
  it('applies the first event for a person', () => {
    expect(applyPersonRecorded(undefined, recorded(1), 'evt-1', AT)).toEqual({
      ...recorded(1),
      sourceEventId: 'evt-1',
      updatedAt: AT.toISOString(),
    });
  });

  it('applies a first event that is not version 1 (earlier ones may still be on their way)', () => {
    expect(applyPersonRecorded(undefined, recorded(4), 'evt-4', AT)?.version).toBe(4);
  });

  it('ignores the same version delivered again', () => {
    const current = applyPersonRecorded(undefined, recorded(2), 'evt-2', AT);
    expect(applyPersonRecorded(current, recorded(2), 'evt-2-again', AT)).toBeUndefined();
  });

  it('ignores an older version arriving late', () => {
    expect(applyPersonRecorded({ version: 5 }, recorded(4), 'evt-4', AT)).toBeUndefined();
    expect(applyPersonRecorded({ version: 5 }, recorded(1), 'evt-1', AT)).toBeUndefined();
  });

  it('applies a newer version whole', () => {
    const current = applyPersonRecorded(undefined, recorded(2), 'evt-2', AT);
    const later = new Date('2026-06-02T00:00:00.000Z');
    expect(applyPersonRecorded(current, recorded(3), 'evt-3', later)).toEqual({
      ...recorded(3),
      sourceEventId: 'evt-3',
      updatedAt: later.toISOString(),
    });
    expect(applyPersonRecorded({ version: 2 }, recorded(10), 'evt-10', AT)?.version).toBe(10);
  });

  it('ends at the highest version whatever the order and duplication of deliveries', () => {
    const deliveries = fc
      .array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 30 })
      .chain((versions) =>
        fc.tuple(
          fc.constant(versions),
          fc.shuffledSubarray(versions, { minLength: versions.length, maxLength: versions.length }),
        ),
      );
    const replay = (versions: readonly number[]): PersonFacts | undefined => {
      let facts: PersonFacts | undefined;
      for (const v of versions) facts = applyPersonRecorded(facts, recorded(v), `evt-${v}`, AT) ?? facts;
      return facts;
    };
    fc.assert(
      fc.property(deliveries, ([versions, shuffled]) => {
        const highest = Math.max(...versions);
        const expected = applyPersonRecorded(undefined, recorded(highest), `evt-${highest}`, AT);
        const once = replay(versions);
        expect(once).toEqual(expected);
        expect(replay(shuffled)).toEqual(expected);
        expect(replay([...versions, ...shuffled])).toEqual(expected);
      }),
    );
  });
});
