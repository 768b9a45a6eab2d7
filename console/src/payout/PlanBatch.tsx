import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { idempotencyKey } from '../api/client';
import { unwrap } from '../api/problem';
import { useApi } from '../api/use-api';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import { whenValid } from '../shared/forms';
import { ProblemAlert } from '../shared/ProblemAlert';
import { schemeName, useSchemes } from '../shared/schemes';
import { PERIOD, REGION } from './batch-rules';

interface PlanForm {
  scheme: string;
  period: string;
  region: string;
}

/** Plans one batch (scheme, period, region) as the monthly schedule would, then opens it. */
export function PlanBatch() {
  const { t, language } = useI18n();
  const api = useApi();
  const { claims } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const schemes = useSchemes();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<PlanForm>();
  const [key, setKey] = useState(idempotencyKey);
  const plan = useMutation({
    mutationFn: async (body: PlanForm) =>
      unwrap(
        await api.POST('/v1/payout-batches', {
          params: { header: { 'Idempotency-Key': key } },
          body,
        }),
      ),
    onSuccess: (batch) => {
      setOpen(false);
      setKey(idempotencyKey());
      void queryClient.invalidateQueries({ queryKey: ['payout-batches'] });
      queryClient.setQueryData(['payout-batch', batch.batchId], batch);
      navigate(`/payout/batches/${batch.batchId}`);
    },
  });
  const title = t('payout.batches.plan');
  return (
    <>
      <Button type="primary" onClick={() => setOpen(true)}>
        {title}
      </Button>
      <Modal
        title={title}
        open={open}
        okText={t('app.confirm')}
        cancelText={t('app.cancel')}
        confirmLoading={plan.isPending}
        onOk={() => whenValid(form, (values) => plan.mutate(values))}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Form<PlanForm>
          form={form}
          layout="vertical"
          initialValues={{ region: claims?.region ?? '', period: new Date().toISOString().slice(0, 7) }}
        >
          <Form.Item
            name="scheme"
            label={t('payout.scheme')}
            rules={[{ required: true, message: t('payout.schemeRequired') }]}
          >
            <Select
              loading={schemes.isPending}
              options={(schemes.data ?? []).map((s) => ({ value: s.code, label: schemeName(s, language) }))}
            />
          </Form.Item>
          <Form.Item
            name="period"
            label={t('payout.period')}
            rules={[{ required: true, pattern: PERIOD, message: t('payout.periodInvalid') }]}
          >
            <Input maxLength={7} />
          </Form.Item>
          <Form.Item
            name="region"
            label={t('app.region')}
            rules={[{ required: true, pattern: REGION, message: t('payout.regionInvalid') }]}
          >
            <Input maxLength={6} />
          </Form.Item>
        </Form>
        <ProblemAlert error={plan.error ?? schemes.error} />
      </Modal>
    </>
  );
}
