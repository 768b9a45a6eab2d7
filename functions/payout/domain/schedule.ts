import { scopePrefixOf } from '../../../shared/domain/region-code';
import { periodContaining } from './enrollment';
import { periodFor, type Scheme } from './schemes';

/**
 * Whether a scheme pays on `day` (Beijing date): monthly schemes every month, annual ones
 * in their pay month, one-time rewards in January.
 */
export function paysOn(scheme: Scheme, day: string): boolean {
  const month = Number(day.slice(5, 7));
  if (scheme.frequency === 'monthly') return true;
  if (scheme.frequency === 'annual') return month === scheme.payMonth;
  return month === 1;
}

/** What a run of the schedule may narrow: one frequency, or one period instead of today's. */
export interface ScheduleFilter {
  readonly frequency?: Scheme['frequency'];
  readonly period?: string;
}

/** The (scheme, period) pairs a run of the schedule on `day` plans. */
export function duePeriods(
  schemes: readonly Scheme[],
  day: string,
  filter: ScheduleFilter,
): { scheme: Scheme; period: string }[] {
  const due: { scheme: Scheme; period: string }[] = [];
  for (const scheme of schemes) {
    if (filter.frequency && scheme.frequency !== filter.frequency) continue;
    if (filter.period ? !periodFor(scheme, filter.period) : !paysOn(scheme, day)) continue;
    due.push({ scheme, period: filter.period ?? periodContaining(scheme, day) });
  }
  return due;
}

/**
 * The regions the schedule plans one batch each for, given the regions where a scheme has
 * beneficiaries: each county on its own, so the batches of a province are planned, approved
 * and paid side by side by the counties' own officers. A beneficiary held directly under a
 * prefecture or province code is planned with the whole of that area instead (that batch
 * covers its counties), so no two batches of one run cover the same beneficiary.
 */
export function planningRegions(regions: Iterable<string>): string[] {
  const byBreadth = [...new Set(regions)].sort(
    (a, b) => scopePrefixOf(a).length - scopePrefixOf(b).length || (a < b ? -1 : 1),
  );
  const chosen: string[] = [];
  for (const region of byBreadth) {
    if (chosen.some((c) => region.startsWith(scopePrefixOf(c)))) continue;
    chosen.push(region);
  }
  return chosen.sort();
}
