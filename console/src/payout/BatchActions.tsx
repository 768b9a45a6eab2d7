import { useQueryClient } from '@tanstack/react-query';
import { Space } from 'antd';
import { ifMatch } from '../api/client';
import { unwrap } from '../api/problem';
import type { PayoutBatch } from '../api/types';
import { useApi } from '../api/use-api';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import { formatYuan } from '../shared/money';
import { batchActionLabel, batchActionNeedsReason, batchActionsFor } from './batch-rules';
import { CommandButton } from './CommandButton';

/**
 * Submit, approve, reject or cancel a batch, as the staff member's roles allow, each sent with
 * `If-Match` for the version shown. Approval restates the control totals being signed.
 */
export function BatchActions({ batch }: { readonly batch: PayoutBatch }) {
  const { t } = useI18n();
  const api = useApi();
  const { claims } = useSession();
  const queryClient = useQueryClient();
  const roles = claims?.roles ?? [];
  const actions = batchActionsFor(roles, batch);
  if (actions.length === 0) return null;
  const done = (updated: PayoutBatch) => {
    queryClient.setQueryData(['payout-batch', batch.batchId], updated);
    void queryClient.invalidateQueries({ queryKey: ['payout-batches'] });
  };
  return (
    <Space wrap>
      {actions.map((action) => (
        <CommandButton<PayoutBatch>
          key={`${action}-${batch.version}`}
          label={t(batchActionLabel(action, roles, batch))}
          version={batch.version}
          needsReason={batchActionNeedsReason(action)}
          primary={action !== 'cancel'}
          danger={action === 'cancel'}
          description={
            action === 'approve'
              ? t('payout.batch.approveConfirm', {
                  count: batch.control.count,
                  sum: formatYuan(batch.control.sumFen),
                })
              : undefined
          }
          onDone={done}
          send={async ({ reason, idempotencyKey }) =>
            unwrap(
              await api.POST('/v1/payout-batches/{batchId}/actions/{action}', {
                params: {
                  path: { batchId: batch.batchId, action },
                  header: { 'If-Match': ifMatch(batch.version), 'Idempotency-Key': idempotencyKey },
                },
                body: reason ? { reason } : {},
              }),
            )
          }
        />
      ))}
    </Space>
  );
}
