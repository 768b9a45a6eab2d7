import { BarChart, LineChart } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  TooltipComponent,
} from 'echarts/components';
import { type EChartsCoreOption, init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// Only what the reports draw: bars and lines, on SVG (crisp on tablets, no canvas needed).
use([
  BarChart,
  LineChart,
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  TooltipComponent,
  SVGRenderer,
]);

/**
 * One ECharts chart, sized to its container. Its own chunk, loaded with the first chart a
 * report draws, so ECharts is never in the console's first load. The table beside each
 * chart carries the same figures for screen readers and keyboards.
 */
export default function EChart({
  option,
  label,
  locale,
}: {
  readonly option: EChartsCoreOption;
  readonly label: string;
  readonly locale: 'ZH' | 'EN';
}) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof init>>(undefined);
  const latest = useRef(option);
  latest.current = option;
  useEffect(() => {
    if (!element.current) return;
    const created = init(element.current, undefined, { renderer: 'svg', locale });
    created.setOption(latest.current);
    chart.current = created;
    const observer = new ResizeObserver(() => created.resize());
    observer.observe(element.current);
    return () => {
      observer.disconnect();
      created.dispose();
      chart.current = undefined;
    };
  }, [locale]);
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  return <div ref={element} role="img" aria-label={label} style={{ width: '100%', height: 300 }} />;
}
