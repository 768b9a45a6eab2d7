import { describe, expect, it } from 'vitest';
import { attemptsOf } from './attempts';
import { filtersFrom, toInstant } from './message-filters';

describe("the exchange operator's screens' rules", () => {
  it('keeps only well-formed filters from the address', () => {
    const search = new URLSearchParams({
      partner: '51',
      direction: 'outbound',
      status: 'nonsense',
      from: '2026-12-01T00:00:00Z',
      to: 'yesterday',
    });
    expect(filtersFrom(search)).toEqual({
      partner: '51',
      direction: 'outbound',
      from: '2026-12-01T00:00:00Z',
    });
    expect(toInstant(new Date('2026-12-04T10:11:12.345Z'))).toBe('2026-12-04T10:11:12Z');
  });

  it("lists a message's delivery attempts, and none for an odd record", () => {
    const attempts = attemptsOf({
      attempts: [
        {
          round: 0,
          attempt: 0,
          at: '2026-12-04T10:00:00Z',
          status: 503,
          outcome: 'failed',
          nextAttemptAt: 'x',
        },
      ],
    });
    expect(attempts).toEqual([
      expect.objectContaining({ round: 0, attempt: 0, status: 503, outcome: 'failed', nextAttemptAt: 'x' }),
    ]);
    expect(attemptsOf({ attempts: 'none' })).toEqual([]);
  });
});
