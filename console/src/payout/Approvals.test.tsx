import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeToken, renderSignedIn } from '../test-support';
import Approvals from './Approvals';
import Batches from './Batches';
import { fakeApi, SCHEMES } from './fake-api';

const approver = fakeToken({ sub: 'approver-1', roles: ['payout-approver'], region: '330106' });
const officer = fakeToken({ sub: 'officer-1', roles: ['payout-officer'], region: '330106' });
const batch = {
  batchId: '01JZBATCH0000000000000000A',
  scheme: 'only-child-reward',
  period: '2026-11',
  region: '330106',
  state: 'submitted',
  control: { count: 2, sumFen: 123456 },
  ledger: {},
  createdAt: '2026-11-01T02:00:00Z',
  updatedAt: '2026-11-02T02:00:00Z',
  version: 4,
};

afterEach(() => vi.unstubAllGlobals());

describe('lists of batches', () => {
  it("asks for the approver's own queue and opens a batch on its changed accounts", async () => {
    const api = fakeApi({ 'GET /v1/payout-batches': { status: 200, body: { items: [batch] } } });
    vi.stubGlobal('fetch', api.fn);
    renderSignedIn(<Approvals />, { token: approver, path: '/payout/approvals' });
    const table = await screen.findByRole('table', { name: '待我审批的批次' });
    const link = await within(table).findByRole('link', { name: batch.batchId });
    expect(link.getAttribute('href')).toBe(`/payout/batches/${batch.batchId}?changed=1`);
    expect(within(table).getByText('¥1,234.56')).toBeTruthy();
    expect(within(table).getByText('待审批')).toBeTruthy();
    expect(new URL(api.requests[0]?.url ?? '').searchParams.get('waitingForMe')).toBe('true');
  });

  it('filters batches by the address, and offers planning to an officer only', async () => {
    const api = fakeApi({
      'GET /v1/schemes': SCHEMES,
      'GET /v1/payout-batches': { status: 200, body: { items: [] } },
    });
    vi.stubGlobal('fetch', api.fn);
    const first = renderSignedIn(<Batches />, {
      token: officer,
      path: '/payout/batches?state=planned&period=2026-11&region=bogus',
    });
    await screen.findAllByText('暂无数据');
    expect(screen.getByRole('button', { name: '编制批次' })).toBeTruthy();
    const asked = new URL(api.to('/v1/payout-batches')[0]?.url ?? '').searchParams;
    expect(Object.fromEntries(asked)).toEqual({ state: 'planned', period: '2026-11', limit: '20' });
    first.unmount();
    renderSignedIn(<Batches />, { token: approver, path: '/payout/batches' });
    await screen.findAllByText('暂无数据');
    expect(screen.queryByRole('button', { name: '编制批次' })).toBeNull();
  });
});
