import { useMutation } from '@tanstack/react-query';
import { App, Button, Form, Modal, Radio } from 'antd';
import { useState } from 'react';
import { unwrap } from '../api/problem';
import type { PaymentFile } from '../api/types';
import { useApi } from '../api/use-api';
import { useI18n } from '../i18n/i18n';
import { formatYuan } from '../shared/money';
import { ProblemAlert } from '../shared/ProblemAlert';
import { gunzippedFile, paymentFileName, saveFile } from './files';

const PURPOSES = ['bank-file', 'bank-query', 'audit'] as const;
type Purpose = (typeof PURPOSES)[number];

/**
 * Downloads a batch's pain.001 payment file. It holds decrypted accounts, so the API records
 * every read with its purpose: the staff member says why before anything is fetched.
 */
export function PaymentFileExport({ batchId }: { readonly batchId: string }) {
  const { t } = useI18n();
  const api = useApi();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [purpose, setPurpose] = useState<Purpose>('bank-file');
  const fetchFile = useMutation({
    mutationFn: async (asked: Purpose): Promise<{ file: PaymentFile; xml: Blob }> => {
      const file = unwrap(
        await api.GET('/v1/payout-batches/{batchId}/payment-file', {
          params: { path: { batchId }, query: { purpose: asked } },
        }),
      );
      return { file, xml: await gunzippedFile(file.documentGzipBase64, file.contentType) };
    },
    onSuccess: ({ file, xml }) => {
      const name = paymentFileName(file.messageId);
      saveFile(name, xml);
      setOpen(false);
      void message.success(
        t('payout.file.saved', {
          name,
          count: file.numberOfTransactions,
          sum: formatYuan(file.controlSumFen),
        }),
      );
    },
  });
  const label = t('payout.file.export');
  return (
    <>
      <Button
        onClick={() => {
          fetchFile.reset();
          setOpen(true);
        }}
      >
        {label}
      </Button>
      <Modal
        title={label}
        open={open}
        okText={t('app.confirm')}
        cancelText={t('app.cancel')}
        confirmLoading={fetchFile.isPending}
        onOk={() => fetchFile.mutate(purpose)}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Form layout="vertical">
          <Form.Item label={t('payout.file.purpose')}>
            <Radio.Group
              aria-label={t('payout.file.purpose')}
              value={purpose}
              onChange={(e) => setPurpose(e.target.value)}
              options={PURPOSES.map((p) => ({ value: p, label: t(`payout.file.purpose.${p}`) }))}
            />
          </Form.Item>
        </Form>
        <ProblemAlert error={fetchFile.error} />
      </Modal>
    </>
  );
}
