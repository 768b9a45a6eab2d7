import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PaymentLine, PayoutBatch } from '../api/types';
import { fakeToken, renderSignedIn } from '../test-support';
import Batch from './Batch';
import { fakeApi } from './fake-api';

const approver = fakeToken({ sub: 'approver-1', roles: ['payout-approver'], region: '330106' });
const officer = fakeToken({ sub: 'officer-1', roles: ['payout-officer'], region: '330106' });

const batch: PayoutBatch = {
  batchId: '01JZBATCH0000000000000000A',
  scheme: 'only-child-reward',
  period: '2026-11',
  region: '330106',
  state: 'submitted',
  control: { count: 2, sumFen: 123456 },
  ledger: { planned: { count: 3, sumFen: 131456 }, pending: { count: 2, sumFen: 123456 } },
  createdAt: '2026-11-01T02:00:00Z',
  updatedAt: '2026-11-02T02:00:00Z',
  version: 4,
  plannedBy: 'officer-1',
  submittedBy: 'approver-1',
};

const line = (over: Partial<PaymentLine> & Record<string, unknown>): PaymentLine => ({
  lineId: 'e1#2026-11',
  enrollmentId: 'e1',
  period: '2026-11',
  amountFen: 61728,
  endToEndId: 'E2E-1',
  state: 'pending',
  accountChanged: false,
  ...over,
});

const LINES = [
  line({ lineId: 'a', enrollmentId: 'e-a', accountChanged: true }),
  line({ lineId: 'b', enrollmentId: 'e-b' }),
  line({ lineId: 'c', enrollmentId: 'e-c', state: 'held', holdReason: 'deceased', amountFen: 8000 }),
];

const path = `/v1/payout-batches/${batch.batchId}`;
const render = (token: string, at = `/payout/batches/${batch.batchId}`) =>
  renderSignedIn(
    <Routes>
      <Route path="/payout/batches/:batchId" element={<Batch />} />
    </Routes>,
    { token, path: at },
  );

afterEach(() => vi.unstubAllGlobals());

describe("a batch's screen", () => {
  it('shows the control totals in yuan, the ledger and the lines whose account changed', async () => {
    const api = fakeApi({
      [`GET ${path}`]: { status: 200, body: batch },
      [`GET ${path}/payments`]: { status: 200, body: { items: LINES } },
    });
    vi.stubGlobal('fetch', api.fn);
    render(approver, `/payout/batches/${batch.batchId}?changed=1`);
    expect((await screen.findByTestId('control-sum')).textContent).toBe('¥1,234.56');
    expect(screen.getByTestId('control-count').textContent).toBe('2');
    const lines = screen.getByRole('table', { name: '发放明细' });
    await within(lines).findByText('e-a');
    expect(within(lines).queryByText('e-b')).toBeNull();
    expect(within(lines).getAllByTestId('account-changed')).toHaveLength(1);
    // The batch and its lines are read side by side, not one after the other.
    expect(api.requests).toHaveLength(2);
    fireEvent.click(screen.getByRole('checkbox', { name: '只看账户变更' }));
    await within(lines).findByText('e-b');
  });

  it('says which part of its county a batch is, when the county was split by the line cap', async () => {
    const api = fakeApi({
      [`GET ${path}`]: {
        status: 200,
        body: { ...batch, part: { number: 2, after: '330106#A', last: '330106#B' } },
      },
      [`GET ${path}/payments`]: { status: 200, body: { items: LINES } },
    });
    vi.stubGlobal('fetch', api.fn);
    render(approver);
    expect(await screen.findByText(/only-child-reward · 2026-11 · 330106 · 第 2 部分$/)).toBeTruthy();
  });

  it('asks the API for lines in a state and narrows held lines to one reason', async () => {
    const api = fakeApi({
      [`GET ${path}`]: { status: 200, body: { ...batch, state: 'disbursing' } },
      [`GET ${path}/payments`]: (request) => {
        const state = new URL(request.url).searchParams.get('state');
        return { status: 200, body: { items: LINES.filter((l) => !state || l.state === state) } };
      },
    });
    vi.stubGlobal('fetch', api.fn);
    render(officer, `/payout/batches/${batch.batchId}?lines=held&reason=deceased`);
    const lines = await screen.findByRole('table', { name: '发放明细' });
    await within(lines).findByText('e-c');
    expect(within(lines).getByText('已故')).toBeTruthy();
    expect(within(lines).getByText('¥80.00')).toBeTruthy();
    expect(new URL(api.to(`${path}/payments`)[0]?.url ?? '').searchParams.get('state')).toBe('held');
  });

  it('offers an approver approval and rejection of a submitted batch, and an officer neither', async () => {
    vi.stubGlobal(
      'fetch',
      fakeApi({
        [`GET ${path}`]: { status: 200, body: batch },
        [`GET ${path}/payments`]: { status: 200, body: { items: [] } },
      }).fn,
    );
    const first = render(approver);
    await screen.findByRole('button', { name: '审批通过' });
    expect(screen.getByRole('button', { name: '驳回' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: '提交审批' })).toBeNull();
    first.unmount();
    render(officer);
    await screen.findByRole('button', { name: '取消批次' });
    expect(screen.queryByRole('button', { name: '审批通过' })).toBeNull();
    expect(screen.queryByRole('button', { name: '导出支付文件' })).toBeNull();
  });

  it("shows the maker-checker refusal plainly, with the API's title and detail", async () => {
    const api = fakeApi({
      [`GET ${path}`]: { status: 200, body: batch },
      [`GET ${path}/payments`]: { status: 200, body: { items: [] } },
      [`POST ${path}/actions/approve`]: {
        status: 403,
        body: {
          type: 'urn:cn:gov:jiahe:problem:separation-of-duties',
          title: '须由另一人复核',
          detail: '批次的提交人不能审批该批次。',
        },
      },
    });
    vi.stubGlobal('fetch', api.fn);
    render(approver);
    fireEvent.click(await screen.findByRole('button', { name: '审批通过' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('2 笔，共 ¥1,234.56');
    fireEvent.click(within(dialog).getByRole('button', { name: '确定' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('须由另一人复核');
    expect(alert.textContent).toContain('批次的提交人不能审批该批次。');
    const sent = api.to(`${path}/actions/approve`)[0] as Request;
    expect(sent.headers.get('if-match')).toBe('"4"');
    expect(sent.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}-4$/);
    expect(sent.headers.get('accept-language')).toBe('zh-CN');
  });

  it('rejects a batch only with a reason, sent as a cancel', async () => {
    const api = fakeApi({
      [`GET ${path}`]: { status: 200, body: batch },
      [`GET ${path}/payments`]: { status: 200, body: { items: [] } },
      [`POST ${path}/actions/cancel`]: { status: 200, body: { ...batch, state: 'cancelled', version: 5 } },
    });
    vi.stubGlobal('fetch', api.fn);
    render(approver);
    fireEvent.click(await screen.findByRole('button', { name: '驳回' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: '确定' }));
    await within(dialog).findByText('请填写理由');
    expect(api.to(`${path}/actions/cancel`)).toHaveLength(0);
    fireEvent.change(within(dialog).getByLabelText('理由'), { target: { value: '金额与名单不符' } });
    fireEvent.click(within(dialog).getByRole('button', { name: '确定' }));
    await waitFor(() => expect(screen.getByTestId('batch-state').textContent).toBe('已取消'));
    expect(await (api.to(`${path}/actions/cancel`)[0] as Request).json()).toEqual({
      reason: '金额与名单不符',
    });
  });
});
