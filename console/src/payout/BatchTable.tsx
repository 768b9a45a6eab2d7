import { Tag } from 'antd';
import { Link } from 'react-router';
import type { PayoutBatch } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { CursorTable } from '../shared/CursorTable';
import type { useCursorPages } from '../shared/cursor-pages';
import { formatYuan } from '../shared/money';
import { BATCH_STATE_COLOUR, batchPartLabel, batchStateLabel } from './batch-rules';

/** Batches page by page: scheme, period, region, control totals and state, each opening the batch. */
export function BatchTable(props: {
  readonly pages: ReturnType<typeof useCursorPages<PayoutBatch>>;
  readonly label: string;
  /** Opens the batch with only the lines whose account changed (the approver's view). */
  readonly changedOnly?: boolean;
}) {
  const { t } = useI18n();
  return (
    <CursorTable<PayoutBatch>
      label={props.label}
      pages={props.pages}
      rowKey="batchId"
      columns={[
        {
          title: t('payout.batch.title'),
          key: 'batch',
          render: (_, b) => (
            <Link to={`/payout/batches/${b.batchId}${props.changedOnly ? '?changed=1' : ''}`}>
              {b.batchId}
            </Link>
          ),
        },
        { title: t('payout.scheme'), dataIndex: 'scheme' },
        { title: t('payout.period'), dataIndex: 'period' },
        {
          title: t('app.region'),
          key: 'region',
          render: (_, b) => {
            const part = batchPartLabel(b);
            return part ? `${b.region} · ${t(part.key, part.values)}` : b.region;
          },
        },
        { title: t('payout.batch.count'), key: 'count', align: 'right', render: (_, b) => b.control.count },
        {
          title: t('payout.batch.sum'),
          key: 'sum',
          align: 'right',
          render: (_, b) => formatYuan(b.control.sumFen),
        },
        {
          title: t('payout.batch.state'),
          key: 'state',
          render: (_, b) => {
            const label = batchStateLabel(b.state);
            return <Tag color={BATCH_STATE_COLOUR[b.state]}>{label ? t(label) : b.state}</Tag>;
          },
        },
      ]}
    />
  );
}
