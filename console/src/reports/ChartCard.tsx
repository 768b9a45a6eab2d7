import { Card, Spin } from 'antd';
import type { EChartsCoreOption } from 'echarts/core';
import { lazy, Suspense } from 'react';
import { useI18n } from '../i18n/i18n';

const EChart = lazy(() => import('./EChart'));

/** A titled chart that loads ECharts on first use; the title is also the chart's accessible name. */
export function ChartCard({ title, option }: { readonly title: string; readonly option: EChartsCoreOption }) {
  const { language } = useI18n();
  return (
    <Card title={title} size="small">
      <Suspense fallback={<Spin style={{ display: 'block', height: 300 }} />}>
        <EChart option={option} label={title} locale={language === 'en' ? 'EN' : 'ZH'} />
      </Suspense>
    </Card>
  );
}
