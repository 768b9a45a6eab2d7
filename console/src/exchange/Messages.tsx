import { Alert, DatePicker, Flex, Form, Input, Select, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link, useSearchParams } from 'react-router';
import { unwrap } from '../api/problem';
import type { ExchangeMessage } from '../api/types';
import { useApi } from '../api/use-api';
import { useI18n } from '../i18n/i18n';
import { CursorTable } from '../shared/CursorTable';
import { useCursorPages } from '../shared/cursor-pages';
import { useSearchUpdate } from '../shared/use-search-update';
import { DIRECTIONS, filtersFrom, MESSAGE_STATUSES, toInstant } from './message-filters';

const STATUS_COLOUR: Readonly<Record<string, string>> = {
  delivered: 'green',
  accepted: 'green',
  pending: 'blue',
  waiting: 'orange',
  failed: 'red',
};

/** The exchange's message log, filtered by partner, direction and status, page by page. */
export default function Messages() {
  const { t } = useI18n();
  const api = useApi();
  const [search] = useSearchParams();
  const filters = filtersFrom(search);
  const pages = useCursorPages<ExchangeMessage>(['exchange-messages', filters], async (cursor) =>
    unwrap(
      await api.GET('/v1/exchange/messages', {
        params: { query: { ...filters, limit: 50, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
  const set = useSearchUpdate();
  return (
    <Flex vertical gap="middle">
      <Typography.Title level={3}>{t('exchange.messagesTitle')}</Typography.Title>
      <Form layout="inline" aria-label={t('exchange.filter')}>
        <Form.Item label={t('exchange.partner')}>
          <Input
            aria-label={t('exchange.partner')}
            allowClear
            maxLength={2}
            style={{ width: 80 }}
            defaultValue={filters.partner}
            onChange={(e) =>
              (e.target.value === '' || /^\d{2}$/.test(e.target.value)) && set({ partner: e.target.value })
            }
          />
        </Form.Item>
        <Form.Item label={t('exchange.direction')}>
          <Select
            allowClear
            style={{ width: 120 }}
            placeholder={t('exchange.any')}
            value={filters.direction}
            onChange={(v) => set({ direction: v })}
            options={DIRECTIONS.map((d) => ({ value: d, label: t(`exchange.${d}`) }))}
          />
        </Form.Item>
        <Form.Item label={t('exchange.status')}>
          <Select
            allowClear
            style={{ width: 140 }}
            placeholder={t('exchange.any')}
            value={filters.status}
            onChange={(v) => set({ status: v })}
            options={MESSAGE_STATUSES.map((s) => ({ value: s, label: t(`messageStatus.${s}`) }))}
          />
        </Form.Item>
        <Form.Item label={`${t('exchange.from')} – ${t('exchange.to')}`}>
          <DatePicker.RangePicker
            showTime
            allowEmpty={[true, true]}
            value={[filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to) : null]}
            onChange={(range) =>
              set({
                from: range?.[0] ? toInstant(range[0].toDate()) : undefined,
                to: range?.[1] ? toInstant(range[1].toDate()) : undefined,
              })
            }
          />
        </Form.Item>
      </Form>
      {filters.partner ? null : <Alert type="info" showIcon message={t('exchange.perPartnerHint')} />}
      <CursorTable<ExchangeMessage>
        label={t('exchange.messagesTitle')}
        pages={pages}
        rowKey="messageId"
        columns={[
          {
            title: 'ID',
            key: 'id',
            render: (_, m) => <Link to={`/exchange/messages/${m.messageId}`}>{m.messageId}</Link>,
          },
          {
            title: t('exchange.direction'),
            key: 'direction',
            render: (_, m) => t(`exchange.${m.direction}`),
          },
          { title: t('exchange.partner'), dataIndex: 'partner' },
          { title: t('exchange.type'), dataIndex: 'type' },
          { title: t('exchange.sequence'), dataIndex: 'sequence' },
          {
            title: t('exchange.status'),
            key: 'status',
            render: (_, m) => <Tag color={STATUS_COLOUR[m.status]}>{t(`messageStatus.${m.status}`)}</Tag>,
          },
        ]}
      />
    </Flex>
  );
}
