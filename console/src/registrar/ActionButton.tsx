import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Radio } from 'antd';
import { useState } from 'react';
import { idempotencyKey, ifMatch } from '../api/client';
import { unwrap } from '../api/problem';
import type { Registration, RegistrationAction } from '../api/types';
import { useApi } from '../api/use-api';
import { useI18n } from '../i18n/i18n';
import { whenValid } from '../shared/forms';
import { ProblemAlert } from '../shared/ProblemAlert';
import { ACTION_FORMS, type ActionInput, actionBody } from './registration-actions';
import { readDetails } from './registration-details';

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
  const [form] = Form.useForm<ActionInput>();
  const kind = ACTION_FORMS[action] ?? 'none';
  const [key] = useState(idempotencyKey);
  const mutation = useMutation({
    mutationFn: async (input: ActionInput) =>
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
        <Form
          form={form}
          layout="vertical"
          initialValues={kind === 'birth' ? birthDefaults(registration) : undefined}
        >
          {kind === 'correction' && (
            <Form.Item name="childName" label={t('registration.childName')}>
              <Input />
            </Form.Item>
          )}
          {kind === 'birth' ? (
            <BirthFields />
          ) : (
            <Form.Item
              name="reason"
              label={t('registration.reason')}
              rules={[{ required: true, message: t('registration.reasonRequired') }]}
            >
              <Input.TextArea rows={3} />
            </Form.Item>
          )}
        </Form>
        <ProblemAlert error={mutation.error} />
      </Modal>
    </>
  );
}

/** The expected facts a recorded birth starts from: the expected date, the birth region, a name if given. */
const birthDefaults = (registration: Registration): ActionInput => {
  const { child } = readDetails(registration.details);
  return { birthDate: child.birthDate, birthRegion: child.birthRegion, childName: child.name };
};

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const RESIDENT_ID = /^\s*\d{17}[\dXx]\s*$/;
const COUNTY = /^\s*[1-9]\d{5}\s*$/;

/** The facts of a birth that has happened: sex and date required, name, resident ID and region if known. */
function BirthFields() {
  const { t } = useI18n();
  return (
    <>
      <Form.Item
        name="sex"
        label={t('person.sex')}
        rules={[{ required: true, message: t('recordBirth.sexRequired') }]}
      >
        <Radio.Group
          options={[
            { value: 'male', label: t('person.male') },
            { value: 'female', label: t('person.female') },
          ]}
        />
      </Form.Item>
      <Form.Item
        name="birthDate"
        label={t('recordBirth.birthDate')}
        rules={[{ required: true, pattern: DATE, message: t('recordBirth.dateInvalid') }]}
      >
        <Input placeholder="YYYY-MM-DD" inputMode="numeric" maxLength={10} />
      </Form.Item>
      <Form.Item name="childName" label={t('recordBirth.childName')}>
        <Input maxLength={50} autoComplete="off" />
      </Form.Item>
      <Form.Item
        name="residentId"
        label={t('recordBirth.residentId')}
        rules={[{ pattern: RESIDENT_ID, message: t('person.residentIdInvalid') }]}
      >
        <Input maxLength={18} autoComplete="off" />
      </Form.Item>
      <Form.Item
        name="birthRegion"
        label={t('recordBirth.birthRegion')}
        rules={[{ pattern: COUNTY, message: t('recordBirth.regionInvalid') }]}
      >
        <Input maxLength={6} inputMode="numeric" />
      </Form.Item>
    </>
  );
}
