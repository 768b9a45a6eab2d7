import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Empty, Flex, Spin, Table, Tag, Typography } from 'antd';
import { useParams } from 'react-router';
import { unwrap } from '../api/problem';
import type { PersonHistoryEntry } from '../api/types';
import { useApi } from '../api/use-api';
import { canRegister } from '../app/screens';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { ProblemAlert } from '../shared/ProblemAlert';
import { HouseholdCertificates } from './HouseholdCertificates';

const familyLabel = (type: string): MessageKey =>
  (['only-child', 'bereaved', 'disabled-only-child', 'two-daughters'].includes(type)
    ? `family.${type}`
    : 'family.other') as MessageKey;

/** A person's record with its history, their households and the households' certificates. */
export default function Person() {
  const { t } = useI18n();
  const api = useApi();
  const { claims } = useSession();
  const { personId = '' } = useParams();
  const path = { params: { path: { personId } } };
  // Three independent reads, in parallel: no screen waits on a chain of round trips.
  const person = useQuery({
    queryKey: ['person', personId],
    queryFn: async () => unwrap(await api.GET('/v1/persons/{personId}', path)),
  });
  const history = useQuery({
    queryKey: ['person-history', personId],
    queryFn: async () => unwrap(await api.GET('/v1/persons/{personId}/history', path)),
  });
  const households = useQuery({
    queryKey: ['households', personId],
    queryFn: async () => unwrap(await api.GET('/v1/households', { params: { query: { personId } } })),
  });
  if (person.isPending) return <Spin />;
  if (person.error) return <ProblemAlert error={person.error} />;
  const p = person.data;
  return (
    <Flex vertical gap="middle">
      <Typography.Title level={3}>{p.name}</Typography.Title>
      <Card size="small">
        <Descriptions column={3} size="small">
          <Descriptions.Item label={t('person.residentId')}>{p.residentIdMasked}</Descriptions.Item>
          <Descriptions.Item label={t('person.sex')}>
            {t(p.sex === 'male' ? 'person.male' : 'person.female')}
          </Descriptions.Item>
          <Descriptions.Item label={t('person.birthDate')}>{p.birthDate}</Descriptions.Item>
          <Descriptions.Item label={t('person.hukouRegion')}>{p.hukouRegion}</Descriptions.Item>
          <Descriptions.Item label={t('person.residenceRegion')}>{p.residenceRegion}</Descriptions.Item>
          <Descriptions.Item label={t('person.alive')}>
            <Tag color={p.alive ? 'green' : 'default'}>
              {t(p.alive ? 'person.living' : 'person.deceased')}
            </Tag>
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card size="small" title={t('person.household')}>
        <ProblemAlert error={households.error} />
        {households.isPending && <Spin />}
        {households.data?.items.length === 0 && <Empty description={t('app.empty')} />}
        {households.data?.items.map((household) => (
          <Flex key={household.householdId} vertical gap="small">
            <Typography.Text>
              {t('person.familyType')}：
              <Tag data-testid="family-type">{t(familyLabel(household.familyType))}</Tag>
              {t('person.members')}：{household.members.length}
            </Typography.Text>
            <HouseholdCertificates household={household} mayAct={canRegister(claims?.roles ?? [])} />
          </Flex>
        ))}
      </Card>
      <Card size="small" title={t('person.history')}>
        <ProblemAlert error={history.error} />
        <Table<PersonHistoryEntry>
          size="small"
          rowKey="actionId"
          loading={history.isPending}
          dataSource={history.data?.items ?? []}
          pagination={false}
          columns={[
            { title: 'type', dataIndex: 'type' },
            { title: 'at', dataIndex: 'at' },
            { title: 'by', dataIndex: 'by' },
            { title: t('registration.reason'), dataIndex: 'reason' },
            {
              title: 'changes',
              key: 'changes',
              render: (_, e) => Object.keys(e.changes).join(', '),
            },
          ]}
        />
      </Card>
    </Flex>
  );
}
