import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeToken, renderSignedIn } from '../test-support';
import { fakeApi } from './fake-api';
import { PaymentFileExport } from './PaymentFileExport';
import { StatusReportImport } from './StatusReportImport';

const officer = fakeToken({ sub: 'officer-1', roles: ['payout-officer'], region: '330106' });
const batchId = '01JZBATCH0000000000000000A';
const path = `/v1/payout-batches/${batchId}`;
const PAIN001 = '<?xml version="1.0" encoding="UTF-8"?><Document>pain.001</Document>';

/** The API's encoding of a document: gzip, then base64. */
async function gzipBase64(text: string): Promise<string> {
  const plain = new Response(text).body;
  if (!plain) throw new TypeError('no body');
  const compressed = new Uint8Array(
    await new Response(plain.pipeThrough(new CompressionStream('gzip'))).arrayBuffer(),
  );
  return btoa(String.fromCharCode(...compressed));
}

// jsdom has no object URLs: the download test lends them and gives the originals back.
const objectUrls = { create: URL.createObjectURL, revoke: URL.revokeObjectURL };

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  URL.createObjectURL = objectUrls.create;
  URL.revokeObjectURL = objectUrls.revoke;
});

describe('the payment file and status reports', () => {
  it('asks for the purpose, then downloads the pain.001 XML as a file named after the message', async () => {
    const api = fakeApi({
      [`GET ${path}/payment-file`]: {
        status: 200,
        body: {
          messageId: batchId,
          numberOfTransactions: 2,
          controlSumFen: 123456,
          contentType: 'application/xml',
          contentEncoding: 'gzip',
          documentGzipBase64: await gzipBase64(PAIN001),
        },
      },
    });
    vi.stubGlobal('fetch', api.fn);
    const blobs: Blob[] = [];
    URL.createObjectURL = (blob: Blob) => {
      blobs.push(blob);
      return 'blob:payment-file';
    };
    URL.revokeObjectURL = () => {};
    const downloads: Array<{ href: string; download: string }> = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      downloads.push({ href: this.href, download: this.download });
    });
    renderSignedIn(<PaymentFileExport batchId={batchId} />, { token: officer });
    fireEvent.click(await screen.findByRole('button', { name: '导出支付文件' }));
    const dialog = await screen.findByRole('dialog');
    expect(api.requests).toHaveLength(0);
    fireEvent.click(within(dialog).getByRole('radio', { name: '审计' }));
    fireEvent.click(within(dialog).getByRole('button', { name: '确定' }));
    await waitFor(() => expect(downloads).toHaveLength(1));
    expect(new URL(api.requests[0]?.url ?? '').searchParams.get('purpose')).toBe('audit');
    expect(downloads[0]).toEqual({ href: 'blob:payment-file', download: `pain.001-${batchId}.xml` });
    expect(blobs[0]?.type).toBe('application/xml');
    expect(await blobs[0]?.text()).toBe(PAIN001);
  });

  it("shows the API's refusal of the file (nothing to pay) in the dialog", async () => {
    vi.stubGlobal(
      'fetch',
      fakeApi({
        [`GET ${path}/payment-file`]: {
          status: 409,
          body: { title: '本批次无应付款项', detail: '所有明细均暂缓，未向银行发送文件。' },
        },
      }).fn,
    );
    renderSignedIn(<PaymentFileExport batchId={batchId} />, { token: officer });
    fireEvent.click(await screen.findByRole('button', { name: '导出支付文件' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: '确定' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('本批次无应付款项');
    expect(alert.textContent).toContain('所有明细均暂缓，未向银行发送文件。');
  });

  it('uploads a pain.002 report with its signature as JSON and shows what it changed', async () => {
    const api = fakeApi({
      [`POST ${path}/status-reports`]: {
        status: 200,
        body: { summary: { paid: 2, rejected: 1, returned: 0, unchanged: 0, batchId } },
      },
    });
    vi.stubGlobal('fetch', api.fn);
    renderSignedIn(<StatusReportImport batchId={batchId} />, { token: officer });
    fireEvent.click(await screen.findByRole('button', { name: '导入状态报告' }));
    const dialog = await screen.findByRole('dialog');
    const report = '<Document>pain.002</Document>';
    fireEvent.change(within(dialog).getByLabelText('状态报告（pain.002 XML）'), {
      target: { files: [new File([report], 'report.xml', { type: 'application/xml' })] },
    });
    fireEvent.change(within(dialog).getByLabelText('银行签名（JSON）'), {
      target: {
        files: [new File(['{"signature":"TUVV","certificate":"-----BEGIN CERT"}'], 'report.sig.json')],
      },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: '确定' }));
    const result = await screen.findByRole('status');
    expect(result.textContent).toContain('已付 2，拒绝 1，退汇 0，未变 0');
    const sent = api.requests[0] as Request;
    expect(sent.headers.get('content-type')).toContain('application/json');
    expect(sent.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await sent.json()).toEqual({
      document: report,
      signature: { signature: 'TUVV', certificate: '-----BEGIN CERT' },
    });
  });

  it('sends nothing without both files, or with a signature file that is not the bank’s JSON', async () => {
    const api = fakeApi({});
    vi.stubGlobal('fetch', api.fn);
    renderSignedIn(<StatusReportImport batchId={batchId} />, { token: officer });
    fireEvent.click(await screen.findByRole('button', { name: '导入状态报告' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: '确定' }));
    expect(await within(dialog).findAllByText('请选择文件')).toHaveLength(2);
    fireEvent.change(within(dialog).getByLabelText('状态报告（pain.002 XML）'), {
      target: { files: [new File(['<Document/>'], 'report.xml')] },
    });
    fireEvent.change(within(dialog).getByLabelText('银行签名（JSON）'), {
      target: { files: [new File(['not json'], 'report.sig')] },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: '确定' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('签名文件须为');
    expect(api.requests).toHaveLength(0);
  });
});
