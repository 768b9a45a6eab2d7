/** A month as the births report takes it. */
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
/** A year as the payouts report is filtered here (annual schemes pay per year, monthly ones per month). */
const YEAR = /^\d{4}$/;
/** A region code prefix: a province (2 digits), a prefecture (4) or a county (6). */
export const REGION_PREFIX = /^[1-9]\d(\d{2}){0,2}$/;
/** A county's full six-digit code: the only region the payouts report takes. */
export const COUNTY = /^[1-9]\d{5}$/;
const SCHEME = /^[a-z][a-z0-9-]{1,62}$/;

/** The births report's filters: a region inside the caller's own (or theirs) and a month range. */
export interface BirthsFilters {
  readonly region?: string;
  readonly from: string;
  readonly to: string;
}

/** The payouts report's filters: scheme, county and a year range. */
export interface PayoutsFilters {
  readonly region?: string;
  readonly scheme?: string;
  readonly from: string;
  readonly to: string;
}

/** The month `count` months before `month` (`YYYY-MM`), across year ends. */
export function monthsBefore(month: string, count: number): string {
  const [year = 0, m = 1] = month.split('-').map(Number);
  const index = year * 12 + (m - 1) - count;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * The births filters the address holds, or the twelve months up to `thisMonth` when the
 * range is missing, malformed or backwards. A malformed region is dropped (the caller's own).
 */
export function birthsFiltersFrom(search: URLSearchParams, thisMonth: string): BirthsFilters {
  const region = search.get('region') ?? '';
  const from = search.get('from') ?? '';
  const to = search.get('to') ?? '';
  const range =
    MONTH.test(from) && MONTH.test(to) && from <= to
      ? { from, to }
      : { from: monthsBefore(thisMonth, 11), to: thisMonth };
  return { ...(REGION_PREFIX.test(region) ? { region } : {}), ...range };
}

/**
 * The payouts filters the address holds, or last year and `thisYear` when the range is
 * missing, malformed or backwards. Only a county's code is kept as the region.
 */
export function payoutsFiltersFrom(search: URLSearchParams, thisYear: string): PayoutsFilters {
  const region = search.get('region') ?? '';
  const scheme = search.get('scheme') ?? '';
  const from = search.get('from') ?? '';
  const to = search.get('to') ?? '';
  const range =
    YEAR.test(from) && YEAR.test(to) && from <= to
      ? { from, to }
      : { from: String(Number(thisYear) - 1), to: thisYear };
  return {
    ...(COUNTY.test(region) ? { region } : {}),
    ...(SCHEME.test(scheme) ? { scheme } : {}),
    ...range,
  };
}
