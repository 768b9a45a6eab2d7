import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  DatePicker,
  Empty,
  Flex,
  Form,
  Modal,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { unwrap } from '../api/problem';
import type { LogVerification, Partner } from '../api/types';
import { useApi } from '../api/use-api';
import { canOperateExchange } from '../app/screens';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import { whenValid } from '../shared/forms';
import { ProblemAlert } from '../shared/ProblemAlert';
import { toInstant } from './message-filters';

/** The partner provinces: state, pause and resume, replay a period, verify the message log. */
export default function Partners() {
  const { t } = useI18n();
  const api = useApi();
  const { message } = App.useApp();
  const { claims } = useSession();
  const operator = canOperateExchange(claims?.roles ?? []);
  const queryClient = useQueryClient();
  const partners = useQuery({
    queryKey: ['exchange-partners'],
    queryFn: async () => unwrap(await api.GET('/v1/exchange/partners')),
  });
  const toggle = useMutation({
    mutationFn: async ({ code, action }: { code: string; action: 'pause' | 'resume' }) =>
      unwrap(
        await api.POST('/v1/exchange/partners/{code}/actions/{action}', {
          params: { path: { code, action } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['exchange-partners'] }),
  });
  const [logs, setLogs] = useState<Record<string, LogVerification>>({});
  const verify = useMutation({
    mutationFn: async (code: string) =>
      unwrap(await api.GET('/v1/exchange/partners/{code}/log', { params: { path: { code } } })),
    onSuccess: (result) => setLogs((all) => ({ ...all, [result.partner]: result })),
  });
  const [replaying, setReplaying] = useState<string>();
  const [form] = Form.useForm<{ range: [{ toISOString(): string }, { toISOString(): string }] }>();
  const replay = useMutation({
    mutationFn: async ({ partner, from, to }: { partner: string; from: string; to: string }) =>
      unwrap(await api.POST('/v1/exchange/replay', { body: { partner, from, to } })),
    onSuccess: (result) => {
      setReplaying(undefined);
      void message.success(t('exchange.replayed', { count: result.replayed }));
    },
  });
  return (
    <Flex vertical gap="middle">
      <Typography.Title level={3}>{t('exchange.partnersTitle')}</Typography.Title>
      <ProblemAlert error={partners.error ?? toggle.error ?? verify.error} />
      <Table<Partner>
        aria-label={t('exchange.partnersTitle')}
        rowKey="code"
        loading={partners.isPending}
        dataSource={partners.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description={t('app.empty')} /> }}
        columns={[
          { title: t('exchange.partner'), key: 'code', render: (_, p) => `${p.code} · ${p.urn}` },
          {
            title: t('exchange.state'),
            key: 'status',
            render: (_, p) => (
              <Space>
                <Tag
                  color={p.status === 'active' ? 'green' : 'orange'}
                  data-testid={`partner-${p.code}-status`}
                >
                  {t(p.status === 'active' ? 'exchange.active' : 'exchange.paused')}
                </Tag>
                {p.pausedReason && t(`exchange.pausedBy.${p.pausedReason}`)}
              </Space>
            ),
          },
          {
            title: t('exchange.updated'),
            key: 'updated',
            render: (_, p) => `${p.updatedAt} · ${p.updatedBy}`,
          },
          {
            title: t('exchange.verifyLog'),
            key: 'log',
            render: (_, p) => {
              const log = logs[p.code];
              return log ? (
                <Alert
                  type={log.ok ? 'success' : 'error'}
                  showIcon
                  title={
                    log.ok
                      ? t('exchange.logOk', { entries: log.entries })
                      : t('exchange.logBroken', { at: log.brokenAt ?? '?' })
                  }
                />
              ) : (
                <Button
                  size="small"
                  onClick={() => verify.mutate(p.code)}
                  loading={verify.isPending && verify.variables === p.code}
                >
                  {t('exchange.verifyLog')}
                </Button>
              );
            },
          },
          ...(operator
            ? [
                {
                  title: '',
                  key: 'actions',
                  render: (_: unknown, p: Partner) => (
                    <Space>
                      <Button
                        size="small"
                        onClick={() =>
                          toggle.mutate({ code: p.code, action: p.status === 'active' ? 'pause' : 'resume' })
                        }
                      >
                        {t(p.status === 'active' ? 'exchange.pause' : 'exchange.resume')}
                      </Button>
                      <Button size="small" onClick={() => setReplaying(p.code)}>
                        {t('exchange.replay')}
                      </Button>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        title={`${t('exchange.replay')} · ${replaying ?? ''}`}
        open={replaying !== undefined}
        okText={t('app.confirm')}
        cancelText={t('app.cancel')}
        confirmLoading={replay.isPending}
        onCancel={() => setReplaying(undefined)}
        onOk={() =>
          whenValid(form, ({ range }) =>
            replay.mutate({
              partner: replaying ?? '',
              from: toInstant(new Date(range[0].toISOString())),
              to: toInstant(new Date(range[1].toISOString())),
            }),
          )
        }
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="range"
            label={`${t('exchange.from')} – ${t('exchange.to')}`}
            rules={[{ required: true }]}
          >
            <DatePicker.RangePicker showTime />
          </Form.Item>
        </Form>
        <ProblemAlert error={replay.error} />
      </Modal>
    </Flex>
  );
}
