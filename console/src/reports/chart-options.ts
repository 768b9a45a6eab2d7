import type { EChartsCoreOption } from 'echarts/core';

/** A named series of values along the categories (null for a gap). */
export interface NamedSeries {
  readonly name: string;
  readonly data: readonly (number | null)[];
}

const base = (categories: readonly string[]) => ({
  // Patterns on bars as well as colours (for colour-blind readers); the chart's accessible
  // name is its title, and the table beside it gives every figure.
  aria: { enabled: true, label: { enabled: false }, decal: { show: true } },
  tooltip: { trigger: 'axis' },
  legend: { top: 0, type: 'scroll' },
  grid: { left: 8, right: 16, top: 40, bottom: 8 },
  xAxis: { type: 'category', data: [...categories] },
  yAxis: { type: 'value' },
});

/** Bars stacked per category (e.g. boys and girls per month), one colour per series. */
export function stackedBarsOption(
  categories: readonly string[],
  series: readonly NamedSeries[],
): EChartsCoreOption {
  return {
    ...base(categories),
    series: series.map((s) => ({
      type: 'bar',
      stack: 'all',
      name: s.name,
      data: [...s.data],
      emphasis: { focus: 'series' },
    })),
  };
}

/** A line per series along the categories; gaps where a value is null. */
export function linesOption(
  categories: readonly string[],
  series: readonly NamedSeries[],
): EChartsCoreOption {
  return {
    ...base(categories),
    series: series.map((s) => ({ type: 'line', name: s.name, data: [...s.data], connectNulls: false })),
  };
}

/**
 * The sex ratio at birth by month as a line, over a shaded band of the usual range
 * (103–107 boys per 100 girls) so a month outside it stands out.
 */
export function sexRatioOption(
  months: readonly string[],
  ratio: NamedSeries,
  usualRange: string,
): EChartsCoreOption {
  return {
    ...base(months),
    yAxis: { type: 'value', scale: true },
    series: [
      {
        type: 'line',
        name: ratio.name,
        data: [...ratio.data],
        connectNulls: false,
        markArea: {
          silent: true,
          itemStyle: { opacity: 0.15 },
          data: [[{ name: usualRange, yAxis: 103 }, { yAxis: 107 }]],
        },
      },
    ],
  };
}
