import { useMutation } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { idempotencyKey } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { whenValid } from '../shared/forms';
import { ProblemAlert } from '../shared/ProblemAlert';

/**
 * One command on a payout record: a button, then a dialog to confirm it (and give the reason
 * when it needs one), sent once with an idempotency key for the version shown. The API's
 * refusal stays in the dialog with its title and detail.
 */
export function CommandButton<T>(props: {
  readonly label: string;
  readonly version: number;
  readonly needsReason: boolean;
  readonly send: (input: { reason?: string; idempotencyKey: string }) => Promise<T>;
  readonly onDone: (result: T) => void;
  readonly description?: ReactNode;
  readonly primary?: boolean;
  readonly danger?: boolean;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ reason?: string }>();
  const [key] = useState(idempotencyKey);
  const mutation = useMutation({
    mutationFn: (reason: string | undefined) =>
      props.send({ ...(reason ? { reason } : {}), idempotencyKey: `${key}-${props.version}` }),
    onSuccess: (result) => {
      setOpen(false);
      void message.success(t('payout.done'));
      props.onDone(result);
    },
  });
  return (
    <>
      <Button
        type={props.primary ? 'primary' : 'default'}
        danger={props.danger}
        onClick={() => {
          mutation.reset();
          setOpen(true);
        }}
      >
        {props.label}
      </Button>
      <Modal
        title={props.label}
        open={open}
        okText={t('app.confirm')}
        cancelText={t('app.cancel')}
        confirmLoading={mutation.isPending}
        onOk={() =>
          props.needsReason
            ? whenValid(form, (values) => mutation.mutate(values.reason?.trim()))
            : mutation.mutate(undefined)
        }
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        {props.description && <Typography.Paragraph>{props.description}</Typography.Paragraph>}
        {props.needsReason && (
          <Form form={form} layout="vertical">
            <Form.Item
              name="reason"
              label={t('payout.reason')}
              rules={[{ required: true, whitespace: true, message: t('payout.reasonRequired') }]}
            >
              <Input.TextArea rows={3} maxLength={500} />
            </Form.Item>
          </Form>
        )}
        <ProblemAlert error={mutation.error} />
      </Modal>
    </>
  );
}
