import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Flex, Space, Spin, Tag, Typography } from 'antd';
import { Link, useParams } from 'react-router';
import { unwrap } from '../api/problem';
import { useApi } from '../api/use-api';
import { canRegister } from '../app/screens';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import { HistoryTimeline } from '../shared/HistoryTimeline';
import { ProblemAlert } from '../shared/ProblemAlert';
import { ActionButton } from './ActionButton';
import { DuplicateReview } from './DuplicateReview';
import { offeredActions } from './registration-actions';
import { readDetails } from './registration-details';
import { STATUS_COLOUR, statusLabel } from './statuses';

/** One birth registration: its details, its history, and what the registrar may do next. */
export default function Registration() {
  const { t } = useI18n();
  const api = useApi();
  const { claims } = useSession();
  const { registrationId = '' } = useParams();
  const query = useQuery({
    queryKey: ['birth-registration', registrationId],
    queryFn: async () =>
      unwrap(
        await api.GET('/v1/birth-registrations/{registrationId}', { params: { path: { registrationId } } }),
      ),
  });
  if (query.isPending) return <Spin />;
  if (query.error) return <ProblemAlert error={query.error} />;
  const registration = query.data;
  const details = readDetails(registration.details);
  const actions = canRegister(claims?.roles ?? []) ? offeredActions(registration.availableActions) : [];
  return (
    <Flex vertical gap="middle">
      <Space align="baseline">
        <Typography.Title level={3}>{t('registration.title')}</Typography.Title>
        <Tag color={STATUS_COLOUR[registration.status]} data-testid="registration-status">
          {t(statusLabel(registration.status))}
        </Tag>
        {registration.registrationNumber && (
          <Typography.Text copyable data-testid="registration-number">
            {registration.registrationNumber}
          </Typography.Text>
        )}
      </Space>
      {registration.status === 'flagged-duplicate' && (
        <DuplicateReview registration={registration} actions={actions} />
      )}
      {registration.status !== 'flagged-duplicate' && actions.length > 0 && (
        <Card title={t('registration.actions')} size="small">
          <Space wrap>
            {actions.map((action) => (
              <ActionButton
                key={`${action}-${registration.version}`}
                registration={registration}
                action={action}
              />
            ))}
          </Space>
        </Card>
      )}
      <Card title={t('registration.details')} size="small">
        <Descriptions column={2} size="small">
          <Descriptions.Item label={t('queue.child')}>{details.child.name ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('person.sex')}>
            {details.child.sex ? t(details.child.sex === 'male' ? 'person.male' : 'person.female') : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('queue.birthDate')}>{details.child.birthDate}</Descriptions.Item>
          <Descriptions.Item label={t('app.region')}>{details.child.birthRegion}</Descriptions.Item>
          <Descriptions.Item label={t('queue.mother')}>{details.mother.name}</Descriptions.Item>
          <Descriptions.Item label={t('person.residentId')}>{details.mother.residentId}</Descriptions.Item>
          <Descriptions.Item label={t('person.hukouRegion')}>{details.mother.hukouRegion}</Descriptions.Item>
          <Descriptions.Item label={t('person.residenceRegion')}>{details.residenceRegion}</Descriptions.Item>
        </Descriptions>
        {registration.status === 'registered' && details.child.name && details.child.birthDate && (
          // By navigation state, not the address: names stay out of browser history and server logs.
          <Link to="/persons" state={{ name: details.child.name, birthDate: details.child.birthDate }}>
            {t('registration.findChild')}
          </Link>
        )}
      </Card>
      <Card title={t('registration.history')} size="small">
        <HistoryTimeline history={registration.history} />
      </Card>
    </Flex>
  );
}
