import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Modal } from 'antd';
import { useState } from 'react';
import { idempotencyKey } from '../api/client';
import { unwrap } from '../api/problem';
import type { StatusReportResult } from '../api/types';
import { useApi } from '../api/use-api';
import { useI18n } from '../i18n/i18n';
import { whenValid } from '../shared/forms';
import { ProblemAlert } from '../shared/ProblemAlert';
import { readFileText, readSignature } from './files';

interface ImportForm {
  document?: File;
  signature?: File;
}

/** A file chooser a form field can hold: its value is the chosen file. */
function FileField(props: { id?: string; accept: string; onChange?: (file: File | undefined) => void }) {
  return (
    <input
      id={props.id}
      type="file"
      accept={props.accept}
      onChange={(e) => props.onChange?.(e.target.files?.[0])}
    />
  );
}

const count = (summary: Record<string, unknown>, name: string) =>
  typeof summary[name] === 'number' ? (summary[name] as number) : 0;

/**
 * Imports a pain.002 status report the bank delivered out of band: the XML and the bank's
 * detached signature file (JSON `{signature, certificate}`), sent as the API takes them; then
 * shows what changed (paid, rejected, returned, unchanged).
 */
export function StatusReportImport({ batchId }: { readonly batchId: string }) {
  const { t } = useI18n();
  const api = useApi();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<ImportForm>();
  const [key, setKey] = useState(idempotencyKey);
  const [result, setResult] = useState<StatusReportResult>();
  const upload = useMutation({
    mutationFn: async (files: Required<ImportForm>) => {
      const [document, signatureText] = await Promise.all([
        readFileText(files.document),
        readFileText(files.signature),
      ]);
      const signature = readSignature(signatureText);
      if (!signature) throw new Error(t('payout.report.signatureInvalid'));
      return unwrap(
        await api.POST('/v1/payout-batches/{batchId}/status-reports', {
          params: { path: { batchId }, header: { 'Idempotency-Key': key } },
          body: { document, signature },
        }),
      );
    },
    onSuccess: (answer) => {
      setResult(answer);
      setOpen(false);
      setKey(idempotencyKey());
      if (answer.batch) queryClient.setQueryData(['payout-batch', batchId], answer.batch);
      void queryClient.invalidateQueries({ queryKey: ['payout-lines', batchId] });
    },
  });
  const label = t('payout.report.import');
  return (
    <>
      <Button
        onClick={() => {
          upload.reset();
          setOpen(true);
        }}
      >
        {label}
      </Button>
      {result && (
        <Alert
          type="success"
          showIcon
          role="status"
          closable
          onClose={() => setResult(undefined)}
          title={t('payout.report.result')}
          description={t('payout.report.summary', {
            paid: count(result.summary, 'paid'),
            rejected: count(result.summary, 'rejected'),
            returned: count(result.summary, 'returned'),
            unchanged: count(result.summary, 'unchanged'),
          })}
        />
      )}
      <Modal
        title={label}
        open={open}
        okText={t('app.confirm')}
        cancelText={t('app.cancel')}
        confirmLoading={upload.isPending}
        onOk={() =>
          whenValid(form, (values) => {
            if (values.document && values.signature)
              upload.mutate({ document: values.document, signature: values.signature });
          })
        }
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Form<ImportForm> form={form} layout="vertical">
          <Form.Item
            name="document"
            label={t('payout.report.document')}
            rules={[{ required: true, message: t('payout.report.fileRequired') }]}
          >
            <FileField accept=".xml,application/xml,text/xml" />
          </Form.Item>
          <Form.Item
            name="signature"
            label={t('payout.report.signature')}
            rules={[{ required: true, message: t('payout.report.fileRequired') }]}
          >
            <FileField accept=".json,application/json" />
          </Form.Item>
        </Form>
        <ProblemAlert error={upload.error} />
      </Modal>
    </>
  );
}
