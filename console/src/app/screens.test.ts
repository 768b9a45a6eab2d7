import { describe, expect, it } from 'vitest';
import { screensFor } from './screens';

const paths = (roles: string[], region?: string) => screensFor(roles, region).map((s) => s.path);

describe('screens by role', () => {
  it("shows each role only its own work, and the exchange to the whole province's staff only", () => {
    expect(paths(['registrar'], '330106')).toEqual(['/registrations', '/persons']);
    expect(paths(['exchange-operator'], '330000')).toEqual(['/exchange/partners', '/exchange/messages']);
    expect(paths(['exchange-operator'], '330100')).toEqual([]);
    expect(paths(['auditor'], '330000')).toHaveLength(9);
    expect(paths(['auditor'], '330106')).toEqual([
      '/registrations',
      '/persons',
      '/payout/enrollments',
      '/payout/batches',
      '/reports/births',
      '/reports/payouts',
      '/audit/access-log',
    ]);
    expect(paths(['payout-officer'], '330106')).toEqual(['/payout/enrollments', '/payout/batches']);
    expect(paths(['payout-approver'], '330106')).toEqual([
      '/payout/enrollments',
      '/payout/batches',
      '/payout/approvals',
    ]);
  });
});
