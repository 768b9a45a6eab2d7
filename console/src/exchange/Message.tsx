import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Flex, Spin, Table, Tag, Typography } from 'antd';
import { useParams } from 'react-router';
import { unwrap } from '../api/problem';
import { useApi } from '../api/use-api';
import { useI18n } from '../i18n/i18n';
import { ProblemAlert } from '../shared/ProblemAlert';
import { type AttemptView, attemptsOf } from './attempts';

/** Fields of a log record shown as they come (attempts, receipt), beyond the common ones. */
const COMMON = new Set([
  'direction',
  'messageId',
  'partner',
  'type',
  'subject',
  'sequence',
  'sha256',
  'status',
]);
const shown = (value: unknown): string =>
  typeof value === 'string' ? value : JSON.stringify(value, null, 1);

/** One message: each record the log holds of it (sent and received), with attempts and receipt. */
export default function Message() {
  const { t } = useI18n();
  const api = useApi();
  const { messageId = '' } = useParams();
  const query = useQuery({
    queryKey: ['exchange-message', messageId],
    queryFn: async () =>
      unwrap(await api.GET('/v1/exchange/messages/{messageId}', { params: { path: { messageId } } })),
  });
  if (query.isPending) return <Spin />;
  if (query.error) return <ProblemAlert error={query.error} />;
  return (
    <Flex vertical gap="middle">
      <Typography.Title level={3}>
        {t('exchange.messageTitle')} {query.data.messageId}
      </Typography.Title>
      {query.data.messages.map((record) => (
        <Card
          key={`${record.direction}-${record.partner}`}
          size="small"
          title={`${t(`exchange.${record.direction}`)} · ${record.partner}`}
        >
          <Descriptions column={2} size="small" bordered>
            <Descriptions.Item label={t('exchange.type')}>{record.type}</Descriptions.Item>
            <Descriptions.Item label={t('exchange.status')}>
              <Tag>{t(`messageStatus.${record.status}`)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('exchange.sequence')}>{record.sequence}</Descriptions.Item>
            <Descriptions.Item label="subject">{record.subject}</Descriptions.Item>
            <Descriptions.Item label="sha256" span={2}>
              <code>{record.sha256}</code>
            </Descriptions.Item>
            {Object.entries(record)
              .filter(([name]) => !COMMON.has(name))
              .map(([name, value]) => (
                <Descriptions.Item key={name} label={name} span={2}>
                  <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{shown(value)}</pre>
                </Descriptions.Item>
              ))}
          </Descriptions>
          {record.direction === 'outbound' && (
            <Table<AttemptView>
              aria-label={t('exchange.attempts')}
              title={() => t('exchange.attempts')}
              size="small"
              rowKey="key"
              pagination={false}
              dataSource={attemptsOf(record)}
              locale={{ emptyText: t('app.empty') }}
              columns={[
                { title: t('exchange.round'), dataIndex: 'round' },
                { title: t('exchange.attempt'), dataIndex: 'attempt' },
                { title: t('exchange.at'), dataIndex: 'at' },
                { title: 'HTTP', dataIndex: 'status' },
                { title: t('exchange.outcome'), dataIndex: 'outcome' },
                { title: t('registration.reason'), dataIndex: 'reason' },
                { title: t('exchange.nextAttempt'), dataIndex: 'nextAttemptAt' },
              ]}
            />
          )}
        </Card>
      ))}
    </Flex>
  );
}
