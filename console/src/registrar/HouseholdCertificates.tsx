import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Form, Input, Modal, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { idempotencyKey, ifMatch } from '../api/client';
import { unwrap } from '../api/problem';
import type { Certificate, Household } from '../api/types';
import { useApi } from '../api/use-api';
import { useI18n } from '../i18n/i18n';
import { whenValid } from '../shared/forms';
import { ProblemAlert } from '../shared/ProblemAlert';
import { eligibleKind } from './certificate-kinds';

/** A household's certificates: issue the one its family type allows, revoke with a reason, print. */
export function HouseholdCertificates({ household, mayAct }: { household: Household; mayAct: boolean }) {
  const { t } = useI18n();
  const api = useApi();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const key = ['certificates', household.householdId];
  const query = useQuery({
    queryKey: key,
    queryFn: async () =>
      unwrap(
        await api.GET('/v1/certificates', { params: { query: { householdId: household.householdId } } }),
      ),
  });
  const kind = eligibleKind(household.familyType);
  const [issueKey] = useState(idempotencyKey);
  const issue = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/v1/certificates', {
          params: { header: { 'Idempotency-Key': issueKey } },
          body: { householdId: household.householdId, kind: kind ?? 'only-child-parents' },
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: key });
      void message.success(t('registration.done'));
    },
  });
  const [revoking, setRevoking] = useState<Certificate>();
  const [form] = Form.useForm<{ reason: string }>();
  const revoke = useMutation({
    mutationFn: async ({ certificate, reason }: { certificate: Certificate; reason: string }) =>
      unwrap(
        await api.POST('/v1/certificates/{certificateId}/actions/revoke', {
          params: {
            path: { certificateId: certificate.certificateId },
            header: { 'If-Match': ifMatch(certificate.version), 'Idempotency-Key': idempotencyKey() },
          },
          body: { reason },
        }),
      ),
    onSuccess: () => {
      setRevoking(undefined);
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const held = query.data?.items ?? [];
  const holdsValid = held.some((c) => c.kind === kind && c.status === 'valid');
  return (
    <Flex vertical gap="small">
      <ProblemAlert error={query.error ?? issue.error} />
      <Table<Certificate>
        size="small"
        rowKey="certificateId"
        loading={query.isPending}
        dataSource={held}
        pagination={false}
        locale={{ emptyText: t('certificate.none') }}
        columns={[
          { title: t('certificate.title'), key: 'kind', render: (_, c) => t(`certificate.kind.${c.kind}`) },
          { title: t('certificate.issuedAt'), dataIndex: 'issuedAt' },
          {
            title: t('exchange.state'),
            key: 'status',
            render: (_, c) => (
              <Tag color={c.status === 'valid' ? 'green' : 'default'}>
                {t(`certificate.status.${c.status}`)}
              </Tag>
            ),
          },
          {
            title: '',
            key: 'actions',
            render: (_, c) => (
              <Space>
                {c.status === 'valid' && (
                  <Link to={`/households/${household.householdId}/certificates/${c.certificateId}/print`}>
                    {t('certificate.print')}
                  </Link>
                )}
                {mayAct && c.status === 'valid' && (
                  <Button size="small" danger onClick={() => setRevoking(c)}>
                    {t('certificate.revoke')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      {mayAct && kind && !holdsValid && (
        <Button
          type="primary"
          onClick={() => issue.mutate()}
          loading={issue.isPending}
          style={{ alignSelf: 'start' }}
        >
          {t('certificate.issue')}：{t(`certificate.kind.${kind}`)}
        </Button>
      )}
      <Modal
        title={t('certificate.revoke')}
        open={revoking !== undefined}
        okText={t('app.confirm')}
        cancelText={t('app.cancel')}
        okButtonProps={{ danger: true }}
        confirmLoading={revoke.isPending}
        onCancel={() => setRevoking(undefined)}
        onOk={() =>
          whenValid(form, ({ reason }) => revoking && revoke.mutate({ certificate: revoking, reason }))
        }
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="reason"
            label={t('registration.reason')}
            rules={[{ required: true, message: t('registration.reasonRequired') }]}
          >
            <Input.TextArea rows={3} />
          </Form.Item>
        </Form>
        <ProblemAlert error={revoke.error} />
      </Modal>
    </Flex>
  );
}
