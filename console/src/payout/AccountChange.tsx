import { useQueryClient } from '@tanstack/react-query';
import { Card, Descriptions, Space } from 'antd';
import { ifMatch } from '../api/client';
import { unwrap } from '../api/problem';
import type { Enrollment } from '../api/types';
import { useApi } from '../api/use-api';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import { CommandButton } from './CommandButton';
import { accountDecisionsFor, type PendingChange } from './enrollment-rules';

/**
 * An account change waiting for its second step: the new account (masked), who asked and
 * why; an approver other than the requester confirms it, either payout role may reject it.
 */
export function AccountChange({
  enrollment,
  change,
}: {
  readonly enrollment: Enrollment;
  readonly change: PendingChange;
}) {
  const { t } = useI18n();
  const api = useApi();
  const { claims } = useSession();
  const queryClient = useQueryClient();
  const decisions = accountDecisionsFor(claims?.roles ?? [], change);
  return (
    <Card title={t('payout.enrollment.pendingChange')} size="small">
      <Descriptions column={{ xs: 1, md: 2 }} size="small">
        <Descriptions.Item label={t('payout.enrollment.newAccount')}>
          {change.accountMasked} · {change.holderMasked}
        </Descriptions.Item>
        <Descriptions.Item label={t('payout.enrollment.channel')}>
          {change.channel === 'app' || change.channel === 'counter'
            ? t(`payout.enrollment.channel.${change.channel}`)
            : change.channel}
        </Descriptions.Item>
        <Descriptions.Item label={t('payout.enrollment.requestedBy')}>{change.requestedBy}</Descriptions.Item>
        <Descriptions.Item label={t('payout.enrollment.requestedAt')}>{change.requestedAt}</Descriptions.Item>
        {change.reason && <Descriptions.Item label={t('payout.reason')}>{change.reason}</Descriptions.Item>}
      </Descriptions>
      {decisions.length > 0 && (
        <Space wrap>
          {decisions.map((decision) => (
            <CommandButton<Enrollment>
              key={`${decision}-${enrollment.version}`}
              label={t(`payout.accountChange.${decision}`)}
              version={enrollment.version}
              needsReason={decision === 'reject'}
              primary={decision === 'confirm'}
              danger={decision === 'reject'}
              onDone={(updated) => queryClient.setQueryData(['enrollment', enrollment.enrollmentId], updated)}
              send={async ({ reason, idempotencyKey }) =>
                unwrap(
                  await api.POST('/v1/enrollments/{enrollmentId}/account-changes/{changeId}/{decision}', {
                    params: {
                      path: { enrollmentId: enrollment.enrollmentId, changeId: change.changeId, decision },
                      header: { 'If-Match': ifMatch(enrollment.version), 'Idempotency-Key': idempotencyKey },
                    },
                    body: reason ? { reason } : {},
                  }),
                )
              }
            />
          ))}
        </Space>
      )}
    </Card>
  );
}
