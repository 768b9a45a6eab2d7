import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Flex, Space, Spin, Tag, Typography } from 'antd';
import { useParams } from 'react-router';
import { unwrap } from '../api/problem';
import { useApi } from '../api/use-api';
import { useI18n } from '../i18n/i18n';
import { HistoryTimeline } from '../shared/HistoryTimeline';
import { ProblemAlert } from '../shared/ProblemAlert';
import { schemeName, useSchemes } from '../shared/schemes';
import { AccountChange } from './AccountChange';
import { EligibilityReasons } from './EligibilityReasons';
import { EnrollmentActions } from './EnrollmentActions';
import { ENROLLMENT_STATUS_COLOUR, enrollmentStatusLabel, pendingChangeOf } from './enrollment-rules';

/** One enrolment: the account (masked), why the rules found it eligible or not, a pending account change, the actions and the history. */
export default function Enrollment() {
  const { t, language } = useI18n();
  const api = useApi();
  const schemes = useSchemes();
  const { enrollmentId = '' } = useParams();
  const query = useQuery({
    queryKey: ['enrollment', enrollmentId],
    queryFn: async () =>
      unwrap(await api.GET('/v1/enrollments/{enrollmentId}', { params: { path: { enrollmentId } } })),
  });
  if (query.isPending) return <Spin />;
  if (query.error) return <ProblemAlert error={query.error} />;
  const enrollment = query.data;
  const scheme = schemes.data?.find((s) => s.code === enrollment.scheme);
  const pending = pendingChangeOf(enrollment);
  const extra = enrollment as Record<string, unknown>;
  return (
    <Flex vertical gap="middle">
      <Space align="baseline" wrap>
        <Typography.Title level={3}>{t('payout.enrollment.title')}</Typography.Title>
        <Tag color={ENROLLMENT_STATUS_COLOUR[enrollment.status]} data-testid="enrollment-status">
          {t(enrollmentStatusLabel(enrollment.status))}
        </Tag>
      </Space>
      <EnrollmentActions enrollment={enrollment} />
      <Card size="small">
        <Descriptions column={{ xs: 1, md: 2 }} size="small">
          <Descriptions.Item label={t('payout.scheme')}>
            {scheme ? schemeName(scheme, language) : enrollment.scheme}
          </Descriptions.Item>
          <Descriptions.Item label={t('payout.enrollment.person')}>{enrollment.personId}</Descriptions.Item>
          <Descriptions.Item label={t('app.region')}>{enrollment.region}</Descriptions.Item>
          <Descriptions.Item label={t('payout.enrollment.channel')}>
            {t(`payout.enrollment.channel.${enrollment.channel}`)}
          </Descriptions.Item>
          <Descriptions.Item label={t('payout.enrollment.account')}>
            {enrollment.bankAccount.accountMasked} · {enrollment.bankAccount.holderMasked}
          </Descriptions.Item>
          <Descriptions.Item label={t('payout.enrollment.created')}>{enrollment.createdAt}</Descriptions.Item>
          {typeof extra.fromPeriod === 'string' && (
            <Descriptions.Item label={t('payout.enrollment.fromPeriod')}>
              {extra.fromPeriod}
            </Descriptions.Item>
          )}
          {typeof extra.suspensionReason === 'string' && (
            <Descriptions.Item label={t('payout.enrollment.suspension')}>
              {extra.suspensionReason}
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      {pending && <AccountChange enrollment={enrollment} change={pending} />}
      <Card title={t('payout.enrollment.eligibility')} size="small">
        <EligibilityReasons reasons={enrollment.eligibility.reasons} />
      </Card>
      <Card title={t('payout.history')} size="small">
        <HistoryTimeline history={extra.actions} />
      </Card>
    </Flex>
  );
}
