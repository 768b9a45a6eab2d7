import { describe, expect, it } from 'vitest';
import type { BirthFigures, BirthsReport, PayoutReportItem } from '../api/types';
import { birthRows, birthSeries, timelyShare, unusualSexRatio } from './births-report';
import { sexRatioOption, stackedBarsOption } from './chart-options';
import { BOM, csvFileName, csvText } from './csv';
import { paidByPeriod, payoutRows, schemeStateSeries, yuan } from './payouts-report';
import { birthsFiltersFrom, monthsBefore, payoutsFiltersFrom } from './report-filters';

const figures = (births: number, male: number, over: Partial<BirthFigures> = {}): BirthFigures => ({
  births,
  male,
  female: births - male,
  sexRatio: births - male > 0 ? Math.round((male * 1000) / (births - male)) / 10 : null,
  birthOrder: { first: births, second: 0, thirdOrLater: 0 },
  timeliness: { within30Days: births, within1Year: 0, later: 0 },
  migrantBirths: 0,
  movedIn: 0,
  movedOut: 0,
  ...over,
});

const report: BirthsReport = {
  region: '3301',
  from: '2026-01',
  to: '2026-03',
  // Out of order on purpose: the rows come in month order.
  months: [
    { month: '2026-02', ...figures(0, 0) },
    { month: '2026-01', ...figures(21, 11, { migrantBirths: 4 }) },
    {
      month: '2026-03',
      ...figures(10, 6, { timeliness: { within30Days: 7, within1Year: 2, later: 1 }, migrantBirths: 3 }),
    },
  ],
  total: figures(31, 17, { timeliness: { within30Days: 28, within1Year: 2, later: 1 }, migrantBirths: 7 }),
};

const payout = (scheme: string, period: string, paidFen: number, heldFen = 0): PayoutReportItem => ({
  scheme,
  period,
  batches: 1,
  paid: { count: paidFen > 0 ? 2 : 0, sumFen: paidFen },
  failed: { count: 0, sumFen: 0 },
  held: { count: heldFen > 0 ? 1 : 0, sumFen: heldFen },
  pending: { count: 0, sumFen: 0 },
});

describe("the reports' rules", () => {
  it('reads the period from the address, or the last twelve months (years) when it is missing or wrong', () => {
    expect(monthsBefore('2026-03', 11)).toBe('2025-04');
    expect(monthsBefore('2026-01', 1)).toBe('2025-12');
    expect(birthsFiltersFrom(new URLSearchParams(''), '2026-03')).toEqual({ from: '2025-04', to: '2026-03' });
    expect(birthsFiltersFrom(new URLSearchParams('region=3301&from=2026-01&to=2026-06'), '2026-12')).toEqual({
      region: '3301',
      from: '2026-01',
      to: '2026-06',
    });
    // Backwards, malformed and out-of-pattern values fall back.
    expect(birthsFiltersFrom(new URLSearchParams('region=33010&from=2026-06&to=2026-01'), '2026-12')).toEqual(
      {
        from: '2026-01',
        to: '2026-12',
      },
    );
    expect(payoutsFiltersFrom(new URLSearchParams('region=3301&scheme=Bad!'), '2026')).toEqual({
      from: '2025',
      to: '2026',
    });
    expect(
      payoutsFiltersFrom(new URLSearchParams('region=330106&scheme=only-child&from=2024&to=2024'), '2026'),
    ).toEqual({ region: '330106', scheme: 'only-child', from: '2024', to: '2024' });
  });

  it('shapes the births report into rows with a total, and into series by month', () => {
    const rows = birthRows(report);
    expect(rows.map((r) => r.month)).toEqual(['2026-01', '2026-02', '2026-03', 'total']);
    expect(rows[2]).toMatchObject({
      births: 10,
      within30Days: 7,
      within1Year: 2,
      later: 1,
      migrantBirths: 3,
    });
    const series = birthSeries(report);
    expect(series.months).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(series.male).toEqual([11, 0, 6]);
    expect(series.female).toEqual([10, 0, 4]);
    // A month without girls has no ratio: a gap, not a zero.
    expect(series.sexRatio).toEqual([110, null, 150]);
    expect(series.migrantBirths).toEqual([4, 0, 3]);
    expect(series.residentBirths).toEqual([17, 0, 7]);
  });

  it('gives the share registered in time and flags a sex ratio outside 103–107', () => {
    expect(timelyShare(report.total)).toBe(90.3);
    expect(timelyShare(figures(0, 0))).toBeNull();
    expect(unusualSexRatio(105.3)).toBe(false);
    expect(unusualSexRatio(110)).toBe(true);
    expect(unusualSexRatio(101.9)).toBe(true);
    expect(unusualSexRatio(null)).toBe(false);
  });

  it('writes amounts in fen as exact yuan', () => {
    expect(yuan(123456)).toBe('1234.56');
    expect(yuan(5)).toBe('0.05');
    expect(yuan(0)).toBe('0.00');
    expect(yuan(-250)).toBe('-2.50');
    expect(yuan(900719925474099)).toBe('9007199254740.99');
  });

  it('shapes the payouts report by scheme, period and state', () => {
    const names = new Map([['only-child', '独生子女父母奖励']]);
    const rows = payoutRows(
      [
        payout('special', '2026', 500_00),
        payout('only-child', '2026-02', 200_00),
        payout('only-child', '2026-01', 100_00, 40_00),
      ],
      names,
    );
    expect(rows.map((r) => [r.schemeName, r.period])).toEqual([
      ['独生子女父母奖励', '2026-01'],
      ['独生子女父母奖励', '2026-02'],
      ['special', '2026'],
    ]);
    expect(rows[0]?.counts).toEqual({ paid: 2, failed: 0, held: 1, pending: 0 });
    const byScheme = schemeStateSeries(rows);
    expect(byScheme.schemes).toEqual(['独生子女父母奖励', 'special']);
    expect(byScheme.yuanByState.paid).toEqual([300, 500]);
    expect(byScheme.yuanByState.held).toEqual([40, 0]);
    const byPeriod = paidByPeriod(rows);
    expect(byPeriod.periods).toEqual(['2026', '2026-01', '2026-02']);
    expect(byPeriod.schemes).toEqual([
      { name: '独生子女父母奖励', paidYuan: [null, 100, 200] },
      { name: 'special', paidYuan: [500, null, null] },
    ]);
  });

  it('writes CSV with a BOM for Excel, quoted where needed, formulas defused, numbers as numbers', () => {
    const text = csvText(
      ['月份', '出生数', '备注'],
      [
        ['2026-01', 21, '男, 女'],
        ['合计', -3, '=HYPERLINK("x")'],
        ['2026-02', null, undefined],
      ],
    );
    expect(text.startsWith(BOM)).toBe(true);
    expect(text.slice(1).split('\r\n')).toEqual([
      '月份,出生数,备注',
      '2026-01,21,"男, 女"',
      `合计,-3,"'=HYPERLINK(""x"")"`,
      '2026-02,,',
    ]);
    expect(csvFileName('births', '3301', undefined, '2026-01', '2026-03')).toBe(
      'births-3301-2026-01-2026-03.csv',
    );
  });

  it('builds chart options: stacked bars per series, the sex ratio over its usual band', () => {
    const bars = stackedBarsOption(
      ['2026-01'],
      [
        { name: '男', data: [11] },
        { name: '女', data: [10] },
      ],
    ) as { series: Array<{ type: string; stack: string; name: string }>; xAxis: { data: string[] } };
    expect(bars.xAxis.data).toEqual(['2026-01']);
    expect(bars.series.map((s) => [s.type, s.stack, s.name])).toEqual([
      ['bar', 'all', '男'],
      ['bar', 'all', '女'],
    ]);
    const ratio = sexRatioOption(
      ['2026-01', '2026-02'],
      { name: '性别比', data: [110, null] },
      '正常范围',
    ) as {
      series: Array<{ data: unknown[]; markArea: { data: unknown } }>;
    };
    expect(ratio.series[0]?.data).toEqual([110, null]);
    expect(ratio.series[0]?.markArea.data).toEqual([[{ name: '正常范围', yAxis: 103 }, { yAxis: 107 }]]);
  });
});
