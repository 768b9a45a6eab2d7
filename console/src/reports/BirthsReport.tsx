import { useQuery } from '@tanstack/react-query';
import { Card, Col, Empty, Flex, Row, Spin, Statistic, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { unwrap } from '../api/problem';
import { useApi } from '../api/use-api';
import { useI18n } from '../i18n/i18n';
import { ProblemAlert } from '../shared/ProblemAlert';
import { useSearchUpdate } from '../shared/use-search-update';
import {
  BIRTH_COLUMNS,
  type BirthRow,
  birthRows,
  birthSeries,
  timelyShare,
  unusualSexRatio,
} from './births-report';
import { ChartGrid } from './ChartCard';
import { CsvButton } from './CsvButton';
import { sexRatioOption, stackedBarsOption } from './chart-options';
import { csvFileName } from './csv';
import { ReportFilters } from './ReportFilters';
import { birthsFiltersFrom, REGION_PREFIX } from './report-filters';

/**
 * Births by month for a region and period: by sex and sex ratio at birth, registration
 * timeliness and migrant births, as charts, as a table and as a CSV file. Counts only.
 */
export default function BirthsReport() {
  const { t } = useI18n();
  const api = useApi();
  const [search] = useSearchParams();
  const update = useSearchUpdate();
  const filters = birthsFiltersFrom(search, dayjs().format('YYYY-MM'));
  const query = useQuery({
    queryKey: ['report-births', filters],
    queryFn: async () => unwrap(await api.GET('/v1/reports/births', { params: { query: filters } })),
  });
  const report = query.data;
  const rows = useMemo(() => (report ? birthRows(report) : []), [report]);
  const charts = useMemo(() => {
    if (!report) return [];
    const s = birthSeries(report);
    return [
      {
        title: t('reports.chart.bySex'),
        option: stackedBarsOption(s.months, [
          { name: t('reports.births.male'), data: s.male },
          { name: t('reports.births.female'), data: s.female },
        ]),
      },
      {
        title: t('reports.chart.sexRatio'),
        option: sexRatioOption(
          s.months,
          { name: t('reports.births.sexRatio'), data: s.sexRatio },
          t('reports.usualRange'),
        ),
      },
      {
        title: t('reports.chart.timeliness'),
        option: stackedBarsOption(s.months, [
          { name: t('reports.births.within30Days'), data: s.within30Days },
          { name: t('reports.births.within1Year'), data: s.within1Year },
          { name: t('reports.births.later'), data: s.later },
        ]),
      },
      {
        title: t('reports.chart.migrant'),
        option: stackedBarsOption(s.months, [
          { name: t('reports.births.residentBirths'), data: s.residentBirths },
          { name: t('reports.births.migrantBirths'), data: s.migrantBirths },
        ]),
      },
    ];
  }, [report, t]);
  const heading = (column: (typeof BIRTH_COLUMNS)[number]) => t(`reports.births.${column}`);
  const month = (value: string) => (value === 'total' ? t('reports.total') : value);
  const empty = report !== undefined && report.total.births === 0;
  return (
    <Flex vertical gap="middle">
      <Typography.Title level={3}>{t('reports.birthsTitle')}</Typography.Title>
      <Flex wrap gap="small" justify="space-between" align="center">
        <ReportFilters
          picker="month"
          regionPattern={REGION_PREFIX}
          region={filters.region}
          from={filters.from}
          to={filters.to}
          onChange={update}
        />
        <CsvButton
          disabled={!report}
          fileName={csvFileName('births', report?.region, filters.from, filters.to)}
          header={BIRTH_COLUMNS.map(heading)}
          rows={rows.map((row) => BIRTH_COLUMNS.map((c) => (c === 'month' ? month(row.month) : row[c])))}
        />
      </Flex>
      <ProblemAlert error={query.error} />
      {query.isPending && <Spin />}
      {report && (
        <>
          <Row gutter={[16, 16]}>
            <Col xs={12} md={6}>
              <Statistic title={t('reports.births.births')} value={report.total.births} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic
                title={t('reports.births.sexRatio')}
                value={report.total.sexRatio ?? '—'}
                styles={
                  unusualSexRatio(report.total.sexRatio) ? { content: { color: '#d4380d' } } : undefined
                }
              />
            </Col>
            <Col xs={12} md={6}>
              <Statistic
                title={t('reports.timelyShare')}
                value={timelyShare(report.total) ?? '—'}
                suffix="%"
              />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('reports.births.migrantBirths')} value={report.total.migrantBirths} />
            </Col>
          </Row>
          {empty ? (
            <Card size="small">
              <Empty description={t('reports.noBirths')} />
            </Card>
          ) : (
            <ChartGrid charts={charts} />
          )}
          <Table<BirthRow>
            aria-label={t('reports.birthsTitle')}
            size="small"
            rowKey="month"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={rows}
            columns={BIRTH_COLUMNS.map((column) => ({
              title: heading(column),
              key: column,
              align: column === 'month' ? 'left' : 'right',
              fixed: column === 'month' ? 'left' : undefined,
              render: (_, row) =>
                column === 'month' ? (
                  <Typography.Text strong={row.month === 'total'}>{month(row.month)}</Typography.Text>
                ) : (
                  (row[column] ?? '—')
                ),
            }))}
          />
        </>
      )}
    </Flex>
  );
}
