import { useQueryClient } from '@tanstack/react-query';
import { Space } from 'antd';
import { ifMatch } from '../api/client';
import { unwrap } from '../api/problem';
import type { Enrollment } from '../api/types';
import { useApi } from '../api/use-api';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import { CommandButton } from './CommandButton';
import { enrollmentActionsFor, NEEDS_REASON } from './enrollment-rules';

/** What the signed-in staff member may do to an enrolment now, each sent with `If-Match`. */
export function EnrollmentActions({ enrollment }: { readonly enrollment: Enrollment }) {
  const { t } = useI18n();
  const api = useApi();
  const { claims } = useSession();
  const queryClient = useQueryClient();
  const actions = enrollmentActionsFor(claims?.roles ?? [], enrollment);
  if (actions.length === 0) return null;
  const done = (updated: Enrollment) => {
    queryClient.setQueryData(['enrollment', enrollment.enrollmentId], updated);
    void queryClient.invalidateQueries({ queryKey: ['enrollments'] });
  };
  return (
    <Space wrap>
      {actions.map((action) => (
        <CommandButton<Enrollment>
          key={`${action}-${enrollment.version}`}
          label={t(`payout.enrollmentAction.${action}`)}
          version={enrollment.version}
          needsReason={NEEDS_REASON.has(action)}
          primary={action === 'approve'}
          danger={action === 'reject' || action === 'end'}
          onDone={done}
          send={async ({ reason, idempotencyKey }) =>
            unwrap(
              await api.POST('/v1/enrollments/{enrollmentId}/actions/{action}', {
                params: {
                  path: { enrollmentId: enrollment.enrollmentId, action },
                  header: { 'If-Match': ifMatch(enrollment.version), 'Idempotency-Key': idempotencyKey },
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
