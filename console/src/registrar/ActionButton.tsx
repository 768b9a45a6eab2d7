import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { idempotencyKey, ifMatch } from '../api/client';
import { unwrap } from '../api/problem';
import type { Registration, RegistrationAction } from '../api/types';
import { useApi } from '../api/use-api';
import { useI18n } from '../i18n/i18n';
import { whenValid } from '../shared/forms';
import { ProblemAlert } from '../shared/ProblemAlert';
import { ACTION_FORMS, actionBody } from './registration-actions';

/**
 * One action on a registration, sent with `If-Match` (the version shown) and an
 * idempotency key; a form first when the action needs a reason or a correction.
 */
export function ActionButton({
  registration,
  action,
}: {
  registration: Registration;
  action: RegistrationAction;
}) {
  const { t } = useI18n();
  const api = useApi();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ reason?: string; childName?: string }>();
  const kind = ACTION_FORMS[action] ?? 'none';
  const [key] = useState(idempotencyKey);
  const mutation = useMutation({
    mutationFn: async (input: { reason?: string; childName?: string }) =>
      unwrap(
        await api.POST('/v1/birth-registrations/{registrationId}/actions/{action}', {
          params: {
            path: { registrationId: registration.registrationId, action },
            header: {
              'If-Match': ifMatch(registration.version),
              'Idempotency-Key': `${key}-${registration.version}`,
            },
          },
          body: actionBody(action, input),
        }),
      ),
    onSuccess: (updated) => {
      queryClient.setQueryData(['birth-registration', registration.registrationId], updated);
      void queryClient.invalidateQueries({ queryKey: ['birth-registrations'] });
      setOpen(false);
      form.resetFields();
      void message.success(t('registration.done'));
    },
  });
  const label = t(`action.${action}`);
  return (
    <>
      <Button
        type={action === 'register' || action === 'validate' ? 'primary' : 'default'}
        loading={mutation.isPending && kind === 'none'}
        onClick={() => (kind === 'none' ? mutation.mutate({}) : setOpen(true))}
      >
        {label}
      </Button>
      {kind === 'none' && !open && mutation.error && <ProblemAlert error={mutation.error} />}
      <Modal
        title={label}
        open={open}
        okText={t('app.confirm')}
        cancelText={t('app.cancel')}
        confirmLoading={mutation.isPending}
        onOk={() => whenValid(form, (values) => mutation.mutate(values))}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          {kind === 'correction' && (
            <Form.Item name="childName" label={t('registration.childName')}>
              <Input />
            </Form.Item>
          )}
          <Form.Item
            name="reason"
            label={t('registration.reason')}
            rules={[{ required: true, message: t('registration.reasonRequired') }]}
          >
            <Input.TextArea rows={3} />
          </Form.Item>
        </Form>
        <ProblemAlert error={mutation.error} />
      </Modal>
    </>
  );
}
