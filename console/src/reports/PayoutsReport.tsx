import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Flex, Form, Select, Spin, Table, type TableProps, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { unwrap } from '../api/problem';
import { useApi } from '../api/use-api';
import { useI18n } from '../i18n/i18n';
import { ProblemAlert } from '../shared/ProblemAlert';
import { schemeName, useSchemes } from '../shared/schemes';
import { useSearchUpdate } from '../shared/use-search-update';
import { ChartGrid } from './ChartCard';
import { CsvButton } from './CsvButton';
import { linesOption, stackedBarsOption } from './chart-options';
import { csvFileName } from './csv';
import {
  PAYOUT_STATES,
  type PayoutRow,
  paidByPeriod,
  payoutRows,
  schemeStateSeries,
  yuan,
} from './payouts-report';
import { ReportFilters } from './ReportFilters';
import { COUNTY, payoutsFiltersFrom } from './report-filters';

/**
 * Payout totals by scheme, period and state (paid, failed, held, pending) for a county or the
 * caller's whole region over a range of years: charts, a table and a CSV file. Aggregates only.
 */
export default function PayoutsReport() {
  const { t, language } = useI18n();
  const api = useApi();
  const [search] = useSearchParams();
  const update = useSearchUpdate();
  const filters = payoutsFiltersFrom(search, dayjs().format('YYYY'));
  const query = useQuery({
    queryKey: ['report-payouts', filters],
    queryFn: async () => unwrap(await api.GET('/v1/reports/payouts', { params: { query: filters } })),
  });
  // The published schemes, for the filter and to name each scheme in the console's language.
  const schemes = useSchemes();
  const names = useMemo(
    () => new Map((schemes.data ?? []).map((s) => [s.code, schemeName(s, language)] as const)),
    [schemes.data, language],
  );
  const rows = useMemo(() => payoutRows(query.data?.items ?? [], names), [query.data, names]);
  const charts = useMemo(() => {
    const byScheme = schemeStateSeries(rows);
    const byPeriod = paidByPeriod(rows);
    return [
      {
        title: t('reports.chart.byScheme'),
        option: stackedBarsOption(
          byScheme.schemes,
          PAYOUT_STATES.map((state) => ({
            name: t(`reports.state.${state}`),
            data: byScheme.yuanByState[state],
          })),
        ),
      },
      {
        title: t('reports.chart.paidByPeriod'),
        option: linesOption(
          byPeriod.periods,
          byPeriod.schemes.map((s) => ({ name: s.name, data: s.paidYuan })),
        ),
      },
    ];
  }, [rows, t]);
  const header = [
    t('reports.payouts.schemeCode'),
    t('reports.payouts.scheme'),
    t('reports.payouts.period'),
    t('reports.payouts.batches'),
    ...PAYOUT_STATES.flatMap((s) => [
      `${t(`reports.state.${s}`)} ${t('reports.payouts.count')}`,
      `${t(`reports.state.${s}`)} ${t('reports.payouts.amount')}`,
    ]),
  ];
  const columns: TableProps<PayoutRow>['columns'] = [
    { title: t('reports.payouts.scheme'), dataIndex: 'schemeName', fixed: 'left' },
    { title: t('reports.payouts.period'), dataIndex: 'period' },
    { title: t('reports.payouts.batches'), dataIndex: 'batches', align: 'right' },
    ...PAYOUT_STATES.map((state) => ({
      title: t(`reports.state.${state}`),
      key: state,
      children: [
        {
          title: t('reports.payouts.count'),
          key: `${state}-count`,
          align: 'right' as const,
          render: (_: unknown, row: PayoutRow) => row.counts[state],
        },
        {
          title: t('reports.payouts.amount'),
          key: `${state}-amount`,
          align: 'right' as const,
          render: (_: unknown, row: PayoutRow) => yuan(row.sumsFen[state]),
        },
      ],
    })),
  ];
  return (
    <Flex vertical gap="middle">
      <Typography.Title level={3}>{t('reports.payoutsTitle')}</Typography.Title>
      <Flex wrap gap="small" justify="space-between" align="center">
        <ReportFilters
          picker="year"
          regionPattern={COUNTY}
          region={filters.region}
          from={filters.from}
          to={filters.to}
          onChange={update}
        >
          <Form.Item label={t('reports.payouts.scheme')}>
            <Select
              allowClear
              aria-label={t('reports.payouts.scheme')}
              style={{ minWidth: 180 }}
              placeholder={t('reports.anyScheme')}
              loading={schemes.isPending}
              value={filters.scheme}
              onChange={(scheme?: string) => update({ scheme })}
              options={(schemes.data ?? []).map((s) => ({ value: s.code, label: schemeName(s, language) }))}
            />
          </Form.Item>
        </ReportFilters>
        <CsvButton
          disabled={!query.data}
          fileName={csvFileName('payouts', query.data?.region, filters.scheme, filters.from, filters.to)}
          header={header}
          rows={rows.map((r) => [
            r.scheme,
            r.schemeName,
            r.period,
            r.batches,
            ...PAYOUT_STATES.flatMap((s) => [r.counts[s], yuan(r.sumsFen[s])]),
          ])}
        />
      </Flex>
      <ProblemAlert error={query.error} />
      {query.isPending && <Spin />}
      {query.data &&
        (rows.length === 0 ? (
          <Card size="small">
            <Empty description={t('reports.noPayouts')} />
          </Card>
        ) : (
          <>
            <ChartGrid charts={charts} />
            <Table<PayoutRow>
              aria-label={t('reports.payoutsTitle')}
              size="small"
              bordered
              rowKey="key"
              pagination={false}
              scroll={{ x: 'max-content' }}
              dataSource={rows}
              columns={columns}
            />
          </>
        ))}
    </Flex>
  );
}
