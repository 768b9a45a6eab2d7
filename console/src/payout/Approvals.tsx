import { Flex, Typography } from 'antd';
import { unwrap } from '../api/problem';
import type { PayoutBatch } from '../api/types';
import { useApi } from '../api/use-api';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import { useCursorPages } from '../shared/cursor-pages';
import { BatchTable } from './BatchTable';

/** The approver's queue: batches submitted by someone else, which they may approve now (maker-checker). */
export default function Approvals() {
  const { t } = useI18n();
  const api = useApi();
  const { claims } = useSession();
  const pages = useCursorPages<PayoutBatch>(
    ['payout-batches', 'waiting-for-me', claims?.sub],
    async (cursor) =>
      unwrap(
        await api.GET('/v1/payout-batches', {
          params: { query: { waitingForMe: 'true', limit: 20, ...(cursor ? { cursor } : {}) } },
        }),
      ),
  );
  const title = t('payout.approvals.title');
  return (
    <Flex vertical gap="middle">
      <Typography.Title level={3}>{title}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('payout.approvals.hint')}</Typography.Paragraph>
      <BatchTable pages={pages} label={title} changedOnly />
    </Flex>
  );
}
