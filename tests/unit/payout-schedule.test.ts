import { describe, expect, it } from 'vitest';
import { configuredSchemes } from '../../functions/payout/config/schemes';
import { duePeriods, paysOn, planningRegions } from '../../functions/payout/domain/schedule';

const due = (day: string, filter = {}) =>
  duePeriods(configuredSchemes(), day, filter).map(({ scheme, period }) => `${scheme.code} ${period}`);

describe('the payout schedule', () => {
  it('plans monthly schemes every month, the annual one in its pay month, one-time rewards in January', () => {
    expect(due('2026-11-01')).toEqual(['rural-reward 2026-11', 'special-assistance 2026-11']);
    expect(due('2026-12-01')).toEqual([
      'rural-reward 2026-12',
      'special-assistance 2026-12',
      'only-child-reward 2026',
    ]);
    expect(due('2027-01-01')).toEqual([
      'rural-reward 2027-01',
      'special-assistance 2027-01',
      'one-time-reward 2027',
    ]);
    const annual = configuredSchemes().find((s) => s.code === 'only-child-reward');
    expect(annual && paysOn(annual, '2026-11-30')).toBe(false);
  });

  it('narrows a run to one frequency, or plans a named period of the schemes that have it', () => {
    expect(due('2026-11-01', { frequency: 'annual' })).toEqual([]);
    expect(due('2026-11-01', { frequency: 'annual', period: '2025' })).toEqual(['only-child-reward 2025']);
    expect(due('2026-11-01', { period: '2026-10' })).toEqual([
      'rural-reward 2026-10',
      'special-assistance 2026-10',
    ]);
  });

  it('plans each county on its own, and an area held under a prefecture or province code as one', () => {
    expect(planningRegions(['330108', '330106', '330106'])).toEqual(['330106', '330108']);
    // 330200 covers its counties; 330106 lies outside it.
    expect(planningRegions(['330203', '330106', '330200', '330281'])).toEqual(['330106', '330200']);
    // A province code covers everything.
    expect(planningRegions(['330106', '330000', '330203'])).toEqual(['330000']);
    expect(planningRegions([])).toEqual([]);
  });
});
