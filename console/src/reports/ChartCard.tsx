import { Card, Col, Row, Spin } from 'antd';
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

/** A report's charts, two to a row on a wide screen and one on a narrow one. */
export function ChartGrid({
  charts,
}: {
  readonly charts: readonly { readonly title: string; readonly option: EChartsCoreOption }[];
}) {
  return (
    <Row gutter={[16, 16]}>
      {charts.map((chart) => (
        <Col key={chart.title} xs={24} xl={12}>
          <ChartCard title={chart.title} option={chart.option} />
        </Col>
      ))}
    </Row>
  );
}
