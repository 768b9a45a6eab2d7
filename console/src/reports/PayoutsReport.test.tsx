import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PayoutsReport as Report } from '../api/types';
import { fakeToken, renderSignedIn, routedFetch } from '../test-support';
import PayoutsReport from './PayoutsReport';

vi.mock('./EChart', () => ({
  default: ({ label }: { label: string }) => <div role="img" aria-label={label} />,
}));

const token = fakeToken({ sub: 'auditor-1', roles: ['auditor'], region: '330000' });
const tally = (count: number, sumFen: number) => ({ count, sumFen });
const report: Report = {
  region: '330106',
  items: [
    {
      scheme: 'only-child-reward',
      period: '2026',
      batches: 2,
      paid: tally(120, 12_000_00),
      failed: tally(1, 100_00),
      held: tally(2, 200_00),
      pending: tally(0, 0),
    },
  ],
};
const schemes = {
  items: [
    {
      code: 'only-child-reward',
      name: { zh: '独生子女父母奖励', en: "Only-child parents' reward" },
      frequency: 'annual',
      versions: [],
    },
  ],
};

afterEach(() => vi.unstubAllGlobals());

describe('the payouts report', () => {
  it('filters by county, scheme and years, names schemes in the console language, and shows amounts in yuan', async () => {
    const fetch = routedFetch({
      '/v1/reports/payouts': { status: 200, body: report },
      '/v1/schemes': { status: 200, body: schemes },
    });
    vi.stubGlobal('fetch', fetch.fn);
    renderSignedIn(<PayoutsReport />, {
      token,
      path: '/reports/payouts?region=330106&scheme=only-child-reward&from=2025&to=2026',
    });
    const table = await screen.findByRole('table', { name: '奖励扶助金发放统计' });
    const call = fetch.requests.find((r) => r.url.includes('/v1/reports/payouts')) as Request;
    expect(Object.fromEntries(new URL(call.url).searchParams)).toEqual({
      region: '330106',
      scheme: 'only-child-reward',
      from: '2025',
      to: '2026',
    });
    const row = within(table).getByText('独生子女父母奖励').closest('tr') as HTMLElement;
    expect(within(row).getByText('12000.00')).toBeTruthy();
    expect(within(row).getByText('120')).toBeTruthy();
    expect(within(row).getByText('200.00')).toBeTruthy();
    expect(await screen.findByRole('img', { name: '各项目发放金额（按状态，元）' })).toBeTruthy();
    expect(await screen.findByRole('img', { name: '各期已发放金额（元）' })).toBeTruthy();
  });

  it('says so when there were no batches, and still lets the filters change', async () => {
    vi.stubGlobal(
      'fetch',
      routedFetch({
        '/v1/reports/payouts': [
          { status: 200, body: { region: '330000', items: [] } },
          { status: 200, body: report },
        ],
        '/v1/schemes': { status: 200, body: schemes },
      }).fn,
    );
    renderSignedIn(<PayoutsReport />, { token, path: '/reports/payouts?from=2024&to=2024' });
    expect(await screen.findByText('该期间内没有发放批次')).toBeTruthy();
    const region = screen.getByRole('searchbox', { name: '辖区' });
    fireEvent.change(region, { target: { value: '330106' } });
    fireEvent.keyDown(region, { key: 'Enter' });
    expect(await screen.findByRole('table', { name: '奖励扶助金发放统计' })).toBeTruthy();
  });
});
