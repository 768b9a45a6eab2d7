import { Flex, Form, Input, Select, Space, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { unwrap } from '../api/problem';
import type { PayoutBatch } from '../api/types';
import { useApi } from '../api/use-api';
import { canPlanPayout } from '../app/screens';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import { useCursorPages } from '../shared/cursor-pages';
import { schemeName, useSchemes } from '../shared/schemes';
import { useSearchUpdate } from '../shared/use-search-update';
import { BatchTable } from './BatchTable';
import { BATCH_STATES, batchFiltersFrom, batchStateLabel, PERIOD, REGION } from './batch-rules';
import { PlanBatch } from './PlanBatch';

/** The payout batches of the caller's region, filtered by state, scheme, period and region; an officer plans one here. */
export default function Batches() {
  const { t, language } = useI18n();
  const api = useApi();
  const { claims } = useSession();
  const schemes = useSchemes();
  const [search] = useSearchParams();
  const filters = batchFiltersFrom(search);
  const pages = useCursorPages<PayoutBatch>(['payout-batches', filters, claims?.sub], async (cursor) =>
    unwrap(
      await api.GET('/v1/payout-batches', {
        params: { query: { ...filters, limit: 20, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
  const set = useSearchUpdate();
  const title = t('payout.batches.title');
  return (
    <Flex vertical gap="middle">
      <Space align="baseline" wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3}>{title}</Typography.Title>
        {canPlanPayout(claims?.roles ?? []) && <PlanBatch />}
      </Space>
      <Form layout="inline" aria-label={t('payout.filter')} style={{ rowGap: 8 }}>
        <Form.Item label={t('payout.batch.state')}>
          <Select
            allowClear
            aria-label={t('payout.batch.state')}
            style={{ width: 140 }}
            placeholder={t('payout.any')}
            value={filters.state}
            onChange={(v) => set({ state: v })}
            options={BATCH_STATES.map((s) => ({ value: s, label: t(batchStateLabel(s) ?? 'payout.any') }))}
          />
        </Form.Item>
        <Form.Item label={t('payout.scheme')}>
          <Select
            allowClear
            aria-label={t('payout.scheme')}
            style={{ width: 240 }}
            placeholder={t('payout.any')}
            value={filters.scheme}
            onChange={(v) => set({ scheme: v })}
            options={(schemes.data ?? []).map((s) => ({ value: s.code, label: schemeName(s, language) }))}
          />
        </Form.Item>
        <Form.Item label={t('payout.period')}>
          <Input.Search
            allowClear
            aria-label={t('payout.period')}
            placeholder="YYYY-MM"
            defaultValue={filters.period}
            maxLength={7}
            style={{ width: 140 }}
            onSearch={(value) => set({ period: PERIOD.test(value) ? value : undefined })}
          />
        </Form.Item>
        <Form.Item label={t('app.region')}>
          <Input.Search
            allowClear
            aria-label={t('app.region')}
            placeholder={claims?.region}
            defaultValue={filters.region}
            maxLength={6}
            style={{ width: 140 }}
            onSearch={(value) => set({ region: REGION.test(value) ? value : undefined })}
          />
        </Form.Item>
      </Form>
      <BatchTable pages={pages} label={title} />
    </Flex>
  );
}
