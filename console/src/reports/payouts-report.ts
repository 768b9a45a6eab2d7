import type { PayoutReportItem } from '../api/types';

/** The states a payout's amount is counted in, in the report's order. */
export const PAYOUT_STATES = ['paid', 'failed', 'held', 'pending'] as const;
export type PayoutState = (typeof PAYOUT_STATES)[number];

/** An amount in fen (分) as yuan with two decimals, exactly (no floating-point rounding): 123456 → "1234.56". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** One row of the payouts table and CSV: a scheme's period, with each state's count and amount. */
export interface PayoutRow {
  readonly key: string;
  readonly scheme: string;
  /** The scheme's published name in the console's language, or its code when unknown. */
  readonly schemeName: string;
  readonly period: string;
  readonly batches: number;
  readonly counts: Readonly<Record<PayoutState, number>>;
  readonly sumsFen: Readonly<Record<PayoutState, number>>;
}

const byState = (pick: (state: PayoutState) => number) =>
  Object.fromEntries(PAYOUT_STATES.map((s) => [s, pick(s)])) as Record<PayoutState, number>;

/** The report's items as rows, by scheme then period, each scheme named when its name is known. */
export function payoutRows(
  items: readonly PayoutReportItem[],
  schemeNames: ReadonlyMap<string, string> = new Map(),
): PayoutRow[] {
  return [...items]
    .sort((a, b) => a.scheme.localeCompare(b.scheme) || a.period.localeCompare(b.period))
    .map((item) => ({
      key: `${item.scheme}#${item.period}`,
      scheme: item.scheme,
      schemeName: schemeNames.get(item.scheme) ?? item.scheme,
      period: item.period,
      batches: item.batches,
      counts: byState((s) => item[s].count),
      sumsFen: byState((s) => item[s].sumFen),
    }));
}

/** Amounts by scheme and state for a stacked chart: the schemes in order, and per state one yuan figure per scheme. */
export interface SchemeStateSeries {
  readonly schemes: string[];
  readonly yuanByState: Readonly<Record<PayoutState, number[]>>;
}

/** Sums every period of each scheme, per state, in yuan (for charting; tables keep exact fen). */
export function schemeStateSeries(rows: readonly PayoutRow[]): SchemeStateSeries {
  const schemes = [...new Set(rows.map((r) => r.schemeName))];
  const total = (name: string, state: PayoutState) =>
    rows.filter((r) => r.schemeName === name).reduce((sum, r) => sum + r.sumsFen[state], 0) / 100;
  return {
    schemes,
    yuanByState: byStateArrays((state) => schemes.map((name) => total(name, state))),
  };
}

const byStateArrays = (pick: (state: PayoutState) => number[]) =>
  Object.fromEntries(PAYOUT_STATES.map((s) => [s, pick(s)])) as Record<PayoutState, number[]>;

/** Paid amounts by period for a line per scheme: the periods in order, and per scheme one yuan figure (or null) per period. */
export interface PaidByPeriodSeries {
  readonly periods: string[];
  readonly schemes: ReadonlyArray<{ readonly name: string; readonly paidYuan: (number | null)[] }>;
}

/** The paid amount of each scheme in each period; null where the scheme paid nothing that period (annual schemes). */
export function paidByPeriod(rows: readonly PayoutRow[]): PaidByPeriodSeries {
  const periods = [...new Set(rows.map((r) => r.period))].sort();
  const names = [...new Set(rows.map((r) => r.schemeName))];
  return {
    periods,
    schemes: names.map((name) => ({
      name,
      paidYuan: periods.map((period) => {
        const row = rows.find((r) => r.schemeName === name && r.period === period);
        return row ? row.sumsFen.paid / 100 : null;
      }),
    })),
  };
}
