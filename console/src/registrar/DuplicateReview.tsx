import { useQuery } from '@tanstack/react-query';
import { Card, Flex, Space, Spin, Table, Tabs, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { unwrap } from '../api/problem';
import type { Registration, RegistrationAction } from '../api/types';
import { useApi } from '../api/use-api';
import { useI18n } from '../i18n/i18n';
import { ProblemAlert } from '../shared/ProblemAlert';
import { ActionButton } from './ActionButton';
import { type ComparedField, compareDetails, duplicatesNamed, type FieldRow } from './duplicate-review';
import { STATUS_COLOUR, statusLabel } from './statuses';

/** A field's value as the registrar reads it: sexes and flags in words, the rest as the API gives it. */
function useShown() {
  const { t } = useI18n();
  return (field: ComparedField, value: string | undefined): string => {
    if (value === undefined) return '—';
    if (field === 'child.sex')
      return value === 'male' ? t('person.male') : value === 'female' ? t('person.female') : value;
    if (field === 'child.expected') return value === 'true' ? t('duplicate.expected') : t('duplicate.born');
    return value;
  };
}

/** The two registrations' details in two columns, each differing field marked in words and colour. */
function SideBySide({
  registration,
  otherId,
}: {
  readonly registration: Registration;
  readonly otherId: string;
}) {
  const { t } = useI18n();
  const api = useApi();
  const shown = useShown();
  const other = useQuery({
    queryKey: ['birth-registration', otherId],
    queryFn: async () =>
      unwrap(
        await api.GET('/v1/birth-registrations/{registrationId}', {
          params: { path: { registrationId: otherId } },
        }),
      ),
  });
  if (other.isPending) return <Spin />;
  if (other.error) return <ProblemAlert error={other.error} />;
  const rows = compareDetails(registration.details, other.data.details);
  const differences = rows.filter((r) => r.comparison === 'different').length;
  return (
    <Flex vertical gap="small">
      <Typography.Text>
        {differences === 0
          ? t('duplicate.noDifferences')
          : t('duplicate.differences', { count: differences })}
      </Typography.Text>
      <Table<FieldRow>
        aria-label={t('duplicate.table')}
        size="small"
        rowKey="field"
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={rows}
        rowClassName={(row) => `comparison-${row.comparison}`}
        onRow={(row) => ({ style: row.comparison === 'different' ? { background: '#fff7e6' } : undefined })}
        columns={[
          {
            title: t('duplicate.field'),
            key: 'field',
            render: (_, row) => (
              <Space size={4} wrap>
                {t(`duplicate.field.${row.field}`)}
                {row.comparison === 'different' && <Tag color="orange">{t('duplicate.different')}</Tag>}
                {row.comparison === 'masked-alike' && <Tag>{t('duplicate.maskedAlike')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('duplicate.this'),
            key: 'left',
            render: (_, row) => (
              <Typography.Text strong={row.comparison === 'different'}>
                {shown(row.field, row.left)}
              </Typography.Text>
            ),
          },
          {
            title: (
              <Space size={4} wrap>
                <Link to={`/registrations/${otherId}`}>{t('duplicate.other')}</Link>
                <Tag color={STATUS_COLOUR[other.data.status]}>{t(statusLabel(other.data.status))}</Tag>
                {other.data.registrationNumber}
              </Space>
            ),
            key: 'right',
            render: (_, row) => (
              <Typography.Text strong={row.comparison === 'different'}>
                {shown(row.field, row.right)}
              </Typography.Text>
            ),
          },
        ]}
      />
    </Flex>
  );
}

/**
 * The review of a registration flagged as a possible duplicate: its details beside those of
 * each registration its history names, differences highlighted, and the actions the API
 * allows now (dismissing the flag with a reason).
 */
export function DuplicateReview({
  registration,
  actions,
}: {
  readonly registration: Registration;
  readonly actions: readonly RegistrationAction[];
}) {
  const { t } = useI18n();
  const others = duplicatesNamed(registration.history);
  return (
    <Card title={t('duplicate.title')} size="small">
      <Flex vertical gap="middle">
        {others.length === 0 && (
          <Typography.Text type="secondary">{t('duplicate.noneNamed')}</Typography.Text>
        )}
        {others.length === 1 && others[0] && <SideBySide registration={registration} otherId={others[0]} />}
        {others.length > 1 && (
          <Tabs
            items={others.map((id, i) => ({
              key: id,
              label: t('duplicate.candidate', { n: i + 1 }),
              children: <SideBySide registration={registration} otherId={id} />,
            }))}
          />
        )}
        {actions.length > 0 && (
          <Space wrap>
            {actions.map((action) => (
              <ActionButton
                key={`${action}-${registration.version}`}
                registration={registration}
                action={action}
              />
            ))}
          </Space>
        )}
      </Flex>
    </Card>
  );
}
