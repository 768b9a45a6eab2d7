import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Enrollment as EnrollmentRecord } from '../api/types';
import { fakeToken, renderSignedIn } from '../test-support';
import Enrollment from './Enrollment';
import Enrollments from './Enrollments';
import { fakeApi, SCHEMES } from './fake-api';

const approver = fakeToken({ sub: 'approver-1', roles: ['payout-approver'], region: '330106' });
const officer = fakeToken({ sub: 'officer-1', roles: ['payout-officer'], region: '330106' });

const enrollment: EnrollmentRecord = {
  enrollmentId: '01JZENROL00000000000000000',
  personId: 'P-330106-0001',
  scheme: 'only-child-reward',
  region: '330106',
  status: 'pending-review',
  channel: 'counter',
  bankAccount: { accountMasked: '****6024', holderMasked: '李*' },
  eligibility: {
    ruleVersion: 1,
    reasons: [
      'pass: all (2 of 2 passed)',
      '  pass: alive = true (is true)',
      '  pass: childAgeYears < 18 (is 3)',
    ],
  },
  createdAt: '2026-11-01T08:00:00Z',
  updatedAt: '2026-11-01T08:00:00Z',
  version: 2,
  actions: [{ type: 'applied', by: 'officer-1', at: '2026-11-01T08:00:00Z' }],
};
const path = `/v1/enrollments/${enrollment.enrollmentId}`;

const render = (token: string) =>
  renderSignedIn(
    <Routes>
      <Route path="/payout/enrollments/:enrollmentId" element={<Enrollment />} />
    </Routes>,
    { token, path: `/payout/enrollments/${enrollment.enrollmentId}` },
  );

afterEach(() => vi.unstubAllGlobals());

describe('enrolment review', () => {
  it('lists one scheme’s enrolments pending review, the first scheme until one is chosen', async () => {
    const api = fakeApi({
      'GET /v1/schemes': SCHEMES,
      'GET /v1/enrollments': { status: 200, body: { items: [enrollment], nextCursor: 'c-2' } },
    });
    vi.stubGlobal('fetch', api.fn);
    renderSignedIn(<Enrollments />, { token: officer, path: '/payout/enrollments' });
    const table = await screen.findByRole('table', { name: '待遇申领审核' });
    await within(table).findByText('P-330106-0001');
    expect(within(table).getByText('全部通过')).toBeTruthy();
    const asked = new URL(api.to('/v1/enrollments')[0]?.url ?? '').searchParams;
    expect(asked.get('scheme')).toBe('rural-reward');
    expect(asked.get('status')).toBe('pending-review');
    fireEvent.click(screen.getByRole('button', { name: '加载更多' }));
    await waitFor(() => expect(api.to('/v1/enrollments')).toHaveLength(2));
    expect(new URL(api.to('/v1/enrollments')[1]?.url ?? '').searchParams.get('cursor')).toBe('c-2');
  });

  it('shows the eligibility trail, and approval only to an approver', async () => {
    vi.stubGlobal(
      'fetch',
      fakeApi({ 'GET /v1/schemes': SCHEMES, [`GET ${path}`]: { status: 200, body: enrollment } }).fn,
    );
    const first = render(approver);
    const trail = await screen.findByRole('list', { name: '资格核验' });
    expect(trail.textContent).toContain('childAgeYears < 18 (is 3)');
    expect(within(trail).getAllByText('通过')).toHaveLength(3);
    expect(screen.getByRole('button', { name: '审核通过' })).toBeTruthy();
    expect(screen.getByRole('button', { name: '不予通过' })).toBeTruthy();
    first.unmount();
    render(officer);
    await screen.findByRole('button', { name: '不予通过' });
    expect(screen.queryByRole('button', { name: '审核通过' })).toBeNull();
  });

  it('rejects with the reason given, sent with If-Match and an idempotency key', async () => {
    const api = fakeApi({
      'GET /v1/schemes': SCHEMES,
      [`GET ${path}`]: { status: 200, body: enrollment },
      [`POST ${path}/actions/reject`]: {
        status: 200,
        body: { ...enrollment, status: 'rejected', version: 3 },
      },
    });
    vi.stubGlobal('fetch', api.fn);
    render(officer);
    fireEvent.click(await screen.findByRole('button', { name: '不予通过' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('理由'), { target: { value: '子女已满 18 周岁' } });
    fireEvent.click(within(dialog).getByRole('button', { name: '确定' }));
    await waitFor(() => expect(screen.getByTestId('enrollment-status').textContent).toBe('未通过'));
    const sent = api.to(`${path}/actions/reject`)[0] as Request;
    expect(sent.headers.get('if-match')).toBe('"2"');
    expect(sent.headers.get('idempotency-key')).toMatch(/-2$/);
    expect(await sent.json()).toEqual({ reason: '子女已满 18 周岁' });
  });

  it('lets a second person confirm a pending account change asked for at the counter', async () => {
    const pending = {
      ...enrollment,
      status: 'active' as const,
      pendingAccountChange: {
        changeId: 'chg-1',
        channel: 'counter',
        requestedBy: 'officer-1',
        requestedAt: '2026-11-03T09:00:00Z',
        reason: '原账户已销户',
        account: { accountMasked: '****6025', holderMasked: '李*' },
      },
    };
    const api = fakeApi({
      'GET /v1/schemes': SCHEMES,
      [`GET ${path}`]: { status: 200, body: pending },
      [`POST ${path}/account-changes/chg-1/confirm`]: {
        status: 200,
        body: {
          ...enrollment,
          status: 'active',
          version: 3,
          bankAccount: pending.pendingAccountChange.account,
        },
      },
    });
    vi.stubGlobal('fetch', api.fn);
    render(approver);
    expect(await screen.findByText('待确认的账户变更')).toBeTruthy();
    expect(screen.getByText('原账户已销户')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '确认变更' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: '确定' }));
    await waitFor(() => expect(screen.queryByText('待确认的账户变更')).toBeNull());
    const sent = api.to(`${path}/account-changes/chg-1/confirm`)[0] as Request;
    expect(sent.headers.get('if-match')).toBe('"2"');
    expect(await sent.json()).toEqual({});
  });
});
