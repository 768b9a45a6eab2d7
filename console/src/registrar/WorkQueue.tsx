import { Flex, Input, Tabs, Tag, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { unwrap } from '../api/problem';
import type { Registration } from '../api/types';
import { useApi } from '../api/use-api';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import { CursorTable } from '../shared/CursorTable';
import { useCursorPages } from '../shared/cursor-pages';
import { useSearchUpdate } from '../shared/use-search-update';
import { readDetails } from './registration-details';
import { QUEUE_STATUSES, type RegistrationStatus, STATUS_COLOUR, statusLabel } from './statuses';

const REGION_PREFIX = /^[1-9]\d(\d{2}){0,2}$/;

/** The registrar's work queue: birth registrations of their region, one tab per status. */
export default function WorkQueue() {
  const { t } = useI18n();
  const api = useApi();
  const { claims } = useSession();
  const [search] = useSearchParams();
  const status = (QUEUE_STATUSES as readonly string[]).includes(search.get('status') ?? '')
    ? (search.get('status') as RegistrationStatus)
    : 'submitted';
  // A narrower region than the caller's own (a prefecture, a county); the API refuses a wider one.
  const region = REGION_PREFIX.test(search.get('region') ?? '')
    ? (search.get('region') ?? undefined)
    : undefined;
  const pages = useCursorPages<Registration>(
    ['birth-registrations', status, region, claims?.sub],
    async (cursor) =>
      unwrap(
        await api.GET('/v1/birth-registrations', {
          params: {
            query: { status, limit: 20, ...(region ? { region } : {}), ...(cursor ? { cursor } : {}) },
          },
        }),
      ),
  );
  const choose = useSearchUpdate();
  return (
    <Flex vertical gap="middle">
      <Typography.Title level={3}>{t('queue.title')}</Typography.Title>
      <Tabs
        activeKey={status}
        onChange={(key) => choose({ status: key })}
        tabBarExtraContent={
          <Input.Search
            allowClear
            aria-label={t('app.region')}
            placeholder={`${t('app.region')} ${claims?.region ?? ''}`}
            defaultValue={region}
            maxLength={6}
            style={{ width: 200 }}
            onSearch={(value) => choose({ region: REGION_PREFIX.test(value) ? value : undefined })}
          />
        }
        items={QUEUE_STATUSES.map((s) => ({ key: s, label: t(statusLabel(s)) }))}
      />
      <CursorTable<Registration>
        label={t('queue.title')}
        pages={pages}
        rowKey="registrationId"
        columns={[
          {
            title: t('queue.child'),
            key: 'child',
            render: (_, r) => (
              <Link to={`/registrations/${r.registrationId}`}>
                {readDetails(r.details).child.name ?? r.registrationId}
              </Link>
            ),
          },
          {
            title: t('queue.birthDate'),
            key: 'birthDate',
            render: (_, r) => readDetails(r.details).child.birthDate,
          },
          { title: t('queue.mother'), key: 'mother', render: (_, r) => readDetails(r.details).mother.name },
          { title: t('queue.registrationNumber'), dataIndex: 'registrationNumber' },
          { title: t('queue.channel'), dataIndex: 'channel' },
          {
            title: t('queue.status'),
            key: 'status',
            render: (_, r) => <Tag color={STATUS_COLOUR[r.status]}>{t(statusLabel(r.status))}</Tag>,
          },
        ]}
      />
    </Flex>
  );
}
