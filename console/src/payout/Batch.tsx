import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Card, Flex, Space, Spin, Tag, Typography } from 'antd';
import { useEffect, useRef } from 'react';
import { useParams } from 'react-router';
import { unwrap } from '../api/problem';
import { useApi } from '../api/use-api';
import { canActOnPayout } from '../app/screens';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import { HistoryTimeline } from '../shared/HistoryTimeline';
import { ProblemAlert } from '../shared/ProblemAlert';
import { BatchActions } from './BatchActions';
import { BatchLines } from './BatchLines';
import { BatchTotals } from './BatchTotals';
import {
  BATCH_STATE_COLOUR,
  batchInFlight,
  batchPartLabel,
  batchStateLabel,
  canImportReport,
  hasPaymentFile,
  IN_FLIGHT_REFRESH_MS,
} from './batch-rules';
import { PaymentFileExport } from './PaymentFileExport';
import { StatusReportImport } from './StatusReportImport';

/**
 * One batch: state, control totals and ledger, the actions the staff member's roles allow,
 * the payment file and status reports once it went to the bank, and its lines. The batch and
 * its first page of lines are read side by side; while the system moves the batch on its
 * own (disbursing, reconciling) both are read again until it settles.
 */
export default function Batch() {
  const { t } = useI18n();
  const api = useApi();
  const { claims } = useSession();
  const roles = claims?.roles ?? [];
  const { batchId = '' } = useParams();
  const query = useQuery({
    queryKey: ['payout-batch', batchId],
    queryFn: async () =>
      unwrap(await api.GET('/v1/payout-batches/{batchId}', { params: { path: { batchId } } })),
    refetchInterval: (q) => (batchInFlight(q.state.data) ? IN_FLIGHT_REFRESH_MS : false),
  });
  const batch = query.data;
  // A state the batch moved to while shown means its lines moved too: read them again.
  const queryClient = useQueryClient();
  const shownState = useRef(batch?.state);
  useEffect(() => {
    if (shownState.current && batch?.state !== shownState.current)
      void queryClient.invalidateQueries({ queryKey: ['payout-lines', batchId] });
    shownState.current = batch?.state;
  }, [batch?.state, batchId, queryClient]);
  const label = batch ? batchStateLabel(batch.state) : undefined;
  const part = batch ? batchPartLabel(batch) : undefined;
  return (
    <Flex vertical gap="middle">
      <Space align="baseline" wrap>
        <Typography.Title level={3}>{t('payout.batch.title')}</Typography.Title>
        {batch && (
          <>
            <Typography.Text>
              {batch.scheme} · {batch.period} · {batch.region}
              {part && ` · ${t(part.key, part.values)}`}
            </Typography.Text>
            <Tag color={BATCH_STATE_COLOUR[batch.state]} data-testid="batch-state">
              {label ? t(label) : batch.state}
            </Tag>
          </>
        )}
      </Space>
      {query.isPending && <Spin />}
      <ProblemAlert error={query.error} />
      {batch && (
        <>
          <Space wrap align="start">
            <BatchActions batch={batch} />
            {canActOnPayout(roles) && hasPaymentFile(batch) && <PaymentFileExport batchId={batch.batchId} />}
            {canImportReport(roles, batch) && <StatusReportImport batchId={batch.batchId} />}
          </Space>
          <BatchTotals batch={batch} />
        </>
      )}
      <Card title={t('payout.batch.lines')} size="small">
        <Flex vertical gap="middle">
          <BatchLines batchId={batchId} />
        </Flex>
      </Card>
      {batch && (
        <Card title={t('payout.history')} size="small">
          <HistoryTimeline history={(batch as Record<string, unknown>).actions} />
        </Card>
      )}
    </Flex>
  );
}
