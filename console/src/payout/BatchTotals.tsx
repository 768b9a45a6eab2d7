import { Card, Descriptions, Table } from 'antd';
import type { PayoutBatch } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { formatYuan } from '../shared/money';
import { readLedger } from './batch-rules';

/** A batch's control totals (what the approver signs and the bank is asked to pay) and its ledger by payment state. */
export function BatchTotals({ batch }: { readonly batch: PayoutBatch }) {
  const { t } = useI18n();
  const extra = batch as Record<string, unknown>;
  const who = (value: unknown) => (typeof value === 'string' ? value : '—');
  return (
    <Card title={t('payout.batch.control')} size="small">
      <Descriptions column={{ xs: 1, sm: 2, lg: 3 }} size="small">
        <Descriptions.Item label={t('payout.batch.count')}>
          <span data-testid="control-count">{batch.control.count}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('payout.batch.sum')}>
          <strong data-testid="control-sum">{formatYuan(batch.control.sumFen)}</strong>
        </Descriptions.Item>
        <Descriptions.Item label={t('payout.batch.plannedBy')}>{who(extra.plannedBy)}</Descriptions.Item>
        <Descriptions.Item label={t('payout.batch.submittedBy')}>{who(extra.submittedBy)}</Descriptions.Item>
        <Descriptions.Item label={t('payout.batch.approvedBy')}>{who(extra.approvedBy)}</Descriptions.Item>
      </Descriptions>
      <Table
        aria-label={t('payout.batch.ledger')}
        size="small"
        rowKey="bucket"
        pagination={false}
        dataSource={readLedger(batch.ledger)}
        columns={[
          {
            title: t('payout.batch.ledger'),
            key: 'bucket',
            render: (_, r) => t(`payout.ledger.${r.bucket}`),
          },
          { title: t('payout.batch.count'), key: 'count', align: 'right', render: (_, r) => r.tally.count },
          {
            title: t('payout.batch.sum'),
            key: 'sum',
            align: 'right',
            render: (_, r) => formatYuan(r.tally.sumFen),
          },
        ]}
      />
    </Card>
  );
}
