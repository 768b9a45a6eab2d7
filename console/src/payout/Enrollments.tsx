import { Flex, Input, Select, Space, Tabs, Tag, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { unwrap } from '../api/problem';
import type { Enrollment } from '../api/types';
import { useApi } from '../api/use-api';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import { CursorTable } from '../shared/CursorTable';
import { useCursorPages } from '../shared/cursor-pages';
import { ProblemAlert } from '../shared/ProblemAlert';
import { schemeName, useSchemes } from '../shared/schemes';
import { useSearchUpdate } from '../shared/use-search-update';
import { REGION } from './batch-rules';
import {
  ENROLLMENT_STATUS_COLOUR,
  ENROLLMENT_STATUSES,
  enrollmentStatusLabel,
  failedTests,
  readReasons,
  statusFrom,
} from './enrollment-rules';

/** The enrolment review queue: one scheme's enrolments in a status, with what the eligibility rules found. */
export default function Enrollments() {
  const { t, language } = useI18n();
  const api = useApi();
  const { claims } = useSession();
  const [search] = useSearchParams();
  const schemes = useSchemes();
  const status = statusFrom(search.get('status'));
  const region = REGION.test(search.get('region') ?? '') ? (search.get('region') ?? undefined) : undefined;
  // The API lists one scheme at a time: the one chosen, else the first configured.
  const scheme = search.get('scheme') || schemes.data?.[0]?.code;
  const pages = useCursorPages<Enrollment>(
    ['enrollments', scheme, status, region, claims?.sub],
    async (cursor) =>
      unwrap(
        await api.GET('/v1/enrollments', {
          params: {
            query: {
              scheme: scheme ?? '',
              status,
              limit: 20,
              ...(region ? { region } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
    scheme !== undefined,
  );
  const choose = useSearchUpdate();
  const title = t('payout.enrollments.title');
  return (
    <Flex vertical gap="middle">
      <Typography.Title level={3}>{title}</Typography.Title>
      <ProblemAlert error={schemes.error} />
      <Space wrap>
        <Select
          aria-label={t('payout.scheme')}
          style={{ minWidth: 260 }}
          loading={schemes.isPending}
          value={scheme}
          onChange={(value) => choose({ scheme: value })}
          options={(schemes.data ?? []).map((s) => ({ value: s.code, label: schemeName(s, language) }))}
        />
        <Input.Search
          allowClear
          aria-label={t('app.region')}
          placeholder={`${t('app.region')} ${claims?.region ?? ''}`}
          defaultValue={region}
          maxLength={6}
          style={{ width: 200 }}
          onSearch={(value) => choose({ region: REGION.test(value) ? value : undefined })}
        />
      </Space>
      <Tabs
        activeKey={status}
        onChange={(key) => choose({ status: key })}
        items={ENROLLMENT_STATUSES.map((s) => ({ key: s, label: t(enrollmentStatusLabel(s)) }))}
      />
      <CursorTable<Enrollment>
        label={title}
        pages={pages}
        rowKey="enrollmentId"
        columns={[
          {
            title: t('payout.enrollment.person'),
            key: 'person',
            render: (_, e) => <Link to={`/payout/enrollments/${e.enrollmentId}`}>{e.personId}</Link>,
          },
          { title: t('app.region'), dataIndex: 'region' },
          {
            title: t('payout.enrollment.channel'),
            key: 'channel',
            render: (_, e) => t(`payout.enrollment.channel.${e.channel}`),
          },
          {
            title: t('payout.enrollment.account'),
            key: 'account',
            render: (_, e) => `${e.bankAccount.accountMasked} · ${e.bankAccount.holderMasked}`,
          },
          {
            title: t('payout.enrollment.eligibility'),
            key: 'eligibility',
            render: (_, e) => {
              const failed = failedTests(readReasons(e.eligibility.reasons));
              return failed === 0 ? (
                <Tag color="green">{t('payout.enrollment.allPassed')}</Tag>
              ) : (
                <Tag color="red">{t('payout.enrollment.failedTests', { count: failed })}</Tag>
              );
            },
          },
          { title: t('payout.enrollment.created'), dataIndex: 'createdAt' },
          {
            title: t('payout.status'),
            key: 'status',
            render: (_, e) => (
              <Tag color={ENROLLMENT_STATUS_COLOUR[e.status]}>{t(enrollmentStatusLabel(e.status))}</Tag>
            ),
          },
        ]}
      />
    </Flex>
  );
}
