import { Empty, Flex, Input, Radio, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { unwrap } from '../api/problem';
import type { AccessLogEntry } from '../api/types';
import { useApi } from '../api/use-api';
import { useI18n } from '../i18n/i18n';
import { CursorTable } from '../shared/CursorTable';
import { useCursorPages } from '../shared/cursor-pages';
import {
  type AccessLogQuery,
  type AccessLogSubject,
  accessLogQuery,
  accessLogQueryFrom,
  entryKey,
} from './access-log';

type Row = AccessLogEntry & { readonly key: string };

const ACTION_COLOUR: Readonly<Record<AccessLogEntry['action'], string>> = {
  read: 'blue',
  'mandate-recorded': 'green',
  'mandate-revoked': 'orange',
};

/** The access log's entries for one query, page by page with the API's cursors. */
function Entries({ query }: { readonly query: AccessLogQuery }) {
  const { t } = useI18n();
  const api = useApi();
  const pages = useCursorPages<Row>(['access-log', query], async (cursor) => {
    const page = unwrap(
      await api.GET('/v1/access-log', {
        params: { query: { ...query, limit: 50, ...(cursor ? { cursor } : {}) } },
      }),
    );
    return { ...page, items: page.items.map((entry) => ({ ...entry, key: entryKey(entry) })) };
  });
  return (
    <CursorTable<Row>
      label={t('audit.title')}
      pages={pages}
      rowKey="key"
      columns={[
        { title: t('audit.at'), key: 'at', render: (_, e) => dayjs(e.at).format('YYYY-MM-DD HH:mm:ss') },
        {
          title: t('audit.action'),
          key: 'action',
          render: (_, e) => <Tag color={ACTION_COLOUR[e.action]}>{t(`audit.action.${e.action}`)}</Tag>,
        },
        { title: t('audit.actor'), key: 'actor', render: (_, e) => t(`audit.actor.${e.actor}`) },
        {
          title: t('audit.staff'),
          key: 'staff',
          render: (_, e) =>
            e.staff && 'personId' in query ? (
              <Link to={`?staff=${encodeURIComponent(e.staff)}`}>{e.staff}</Link>
            ) : (
              e.staff
            ),
        },
        { title: t('audit.role'), dataIndex: 'role' },
        {
          title: t('audit.person'),
          key: 'personId',
          render: (_, e) =>
            'staff' in query ? <Link to={`?personId=${e.personId}`}>{e.personId}</Link> : e.personId,
        },
        { title: t('audit.record'), dataIndex: 'record' },
        { title: t('audit.purpose'), dataIndex: 'purpose' },
        { title: t('audit.route'), dataIndex: 'route' },
        { title: t('app.region'), dataIndex: 'region' },
        { title: t('audit.regions'), key: 'regions', render: (_, e) => e.regions.join(', ') },
        {
          title: t('audit.channel'),
          key: 'channel',
          render: (_, e) => (e.channel ? t(`audit.channel.${e.channel}`) : undefined),
        },
        { title: t('audit.readId'), dataIndex: 'readId' },
      ]}
    />
  );
}

/**
 * The auditor's view of the access log: one staff member's reads and mandate actions, or
 * every entry about one person, newest first as the API lists them. It shows what the API
 * returns, and the auditor's own look is recorded in turn.
 */
export default function AccessLog() {
  const { t } = useI18n();
  const [search, setSearch] = useSearchParams();
  const query = accessLogQueryFrom(search);
  const [by, setBy] = useState<AccessLogSubject>(query && 'personId' in query ? 'personId' : 'staff');
  const [invalid, setInvalid] = useState(false);
  const current = query ? ('staff' in query ? query.staff : query.personId) : '';
  return (
    <Flex vertical gap="middle">
      <Typography.Title level={3}>{t('audit.title')}</Typography.Title>
      <Flex wrap gap="small" align="center">
        <Radio.Group
          aria-label={t('audit.by')}
          optionType="button"
          value={by}
          onChange={(e) => {
            setBy(e.target.value);
            setInvalid(false);
          }}
          options={[
            { value: 'staff', label: t('audit.byStaff') },
            { value: 'personId', label: t('audit.byPerson') },
          ]}
        />
        <Input.Search
          key={`${by}-${current}`}
          aria-label={by === 'staff' ? t('audit.staff') : t('audit.person')}
          placeholder={by === 'staff' ? t('audit.staffHint') : t('audit.personHint')}
          defaultValue={query && by in query ? current : undefined}
          enterButton={t('audit.search')}
          maxLength={by === 'staff' ? 128 : 26}
          status={invalid ? 'error' : undefined}
          style={{ maxWidth: 420 }}
          onSearch={(value) => {
            const next = accessLogQuery(by, value);
            setInvalid(!next);
            if (next) setSearch(new URLSearchParams(next));
          }}
        />
      </Flex>
      {invalid && (
        <Typography.Text type="danger" role="alert">
          {by === 'staff' ? t('audit.staffInvalid') : t('audit.personInvalid')}
        </Typography.Text>
      )}
      {query ? <Entries query={query} /> : <Empty description={t('audit.choose')} />}
    </Flex>
  );
}
