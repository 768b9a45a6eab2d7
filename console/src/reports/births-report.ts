import type { BirthFigures, BirthsReport } from '../api/types';

/** One row of the births table and CSV: a month's figures, or the period's total (`month` = 'total'). */
export interface BirthRow {
  readonly month: string;
  readonly births: number;
  readonly male: number;
  readonly female: number;
  readonly sexRatio: number | null;
  readonly first: number;
  readonly second: number;
  readonly thirdOrLater: number;
  readonly within30Days: number;
  readonly within1Year: number;
  readonly later: number;
  readonly migrantBirths: number;
  readonly movedIn: number;
  readonly movedOut: number;
}

/** The births table's columns, in order: each a field of `BirthRow` and, as `reports.births.<column>`, its heading. */
export const BIRTH_COLUMNS = [
  'month',
  'births',
  'male',
  'female',
  'sexRatio',
  'first',
  'second',
  'thirdOrLater',
  'within30Days',
  'within1Year',
  'later',
  'migrantBirths',
  'movedIn',
  'movedOut',
] as const satisfies readonly (keyof BirthRow)[];

const rowOf = (month: string, f: BirthFigures): BirthRow => ({
  month,
  births: f.births,
  male: f.male,
  female: f.female,
  sexRatio: f.sexRatio,
  first: f.birthOrder.first,
  second: f.birthOrder.second,
  thirdOrLater: f.birthOrder.thirdOrLater,
  within30Days: f.timeliness.within30Days,
  within1Year: f.timeliness.within1Year,
  later: f.timeliness.later,
  migrantBirths: f.migrantBirths,
  movedIn: f.movedIn,
  movedOut: f.movedOut,
});

/** The report flattened into rows, one per month in order, then the period's total. */
export function birthRows(report: BirthsReport): BirthRow[] {
  const months = [...report.months].sort((a, b) => a.month.localeCompare(b.month));
  return [...months.map((m) => rowOf(m.month, m)), rowOf('total', report.total)];
}

/** The report as chart series: one value per month, in month order, for each figure charted. */
export interface BirthSeries {
  readonly months: string[];
  readonly births: number[];
  readonly male: number[];
  readonly female: number[];
  /** Boys per 100 girls as the API gives it; null (a gap in the line) for a month without girls. */
  readonly sexRatio: (number | null)[];
  readonly within30Days: number[];
  readonly within1Year: number[];
  readonly later: number[];
  readonly migrantBirths: number[];
  /** Births to families whose mother's hukou is in the province they live in: births less migrant births. */
  readonly residentBirths: number[];
}

/** Shapes the report's months into the series the charts draw. */
export function birthSeries(report: BirthsReport): BirthSeries {
  const rows = birthRows(report).slice(0, -1);
  return {
    months: rows.map((r) => r.month),
    births: rows.map((r) => r.births),
    male: rows.map((r) => r.male),
    female: rows.map((r) => r.female),
    sexRatio: rows.map((r) => r.sexRatio),
    within30Days: rows.map((r) => r.within30Days),
    within1Year: rows.map((r) => r.within1Year),
    later: rows.map((r) => r.later),
    migrantBirths: rows.map((r) => r.migrantBirths),
    residentBirths: rows.map((r) => Math.max(0, r.births - r.migrantBirths)),
  };
}

/**
 * The share of births registered within 30 days, in percent to one decimal place, or null
 * when none were registered (no share to speak of).
 */
export function timelyShare(figures: BirthFigures): number | null {
  const { within30Days, within1Year, later } = figures.timeliness;
  const all = within30Days + within1Year + later;
  return all === 0 ? null : Math.round((within30Days * 1000) / all) / 10;
}

/**
 * Whether a sex ratio at birth lies outside the usual range of 103 to 107 boys per 100 girls
 * (a figure worth a second look, not a finding); false when there is no ratio.
 */
export const unusualSexRatio = (ratio: number | null): boolean =>
  ratio !== null && (ratio < 103 || ratio > 107);
