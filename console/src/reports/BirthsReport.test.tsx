import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BirthFigures, BirthsReport as Report } from '../api/types';
import { fakeFetch, fakeToken, renderSignedIn } from '../test-support';
import BirthsReport from './BirthsReport';

// ECharts draws in the browser; here the chart's placeholder stands in for it.
vi.mock('./EChart', () => ({
  default: ({ label }: { label: string }) => <div role="img" aria-label={label} />,
}));

const token = fakeToken({ sub: 'auditor-1', roles: ['auditor'], region: '330000' });
const figures = (births: number, male: number): BirthFigures => ({
  births,
  male,
  female: births - male,
  sexRatio: births - male > 0 ? Math.round((male * 1000) / (births - male)) / 10 : null,
  birthOrder: { first: births, second: 0, thirdOrLater: 0 },
  timeliness: { within30Days: births, within1Year: 0, later: 0 },
  migrantBirths: 1,
  movedIn: 0,
  movedOut: 0,
});
const report: Report = {
  region: '3301',
  from: '2026-01',
  to: '2026-02',
  months: [
    { month: '2026-01', ...figures(21, 11) },
    { month: '2026-02', ...figures(19, 10) },
  ],
  total: figures(40, 21),
};

afterEach(() => vi.unstubAllGlobals());

describe('the births report', () => {
  it('asks for the region and period in the address, and shows charts, a table and the figures', async () => {
    const fetch = fakeFetch([{ status: 200, body: report }]);
    vi.stubGlobal('fetch', fetch.fn);
    renderSignedIn(<BirthsReport />, { token, path: '/reports/births?region=3301&from=2026-01&to=2026-02' });
    const table = await screen.findByRole('table', { name: '出生统计' });
    const url = new URL((fetch.requests[0] as Request).url);
    expect(url.pathname).toBe('/v1/reports/births');
    expect(Object.fromEntries(url.searchParams)).toEqual({ region: '3301', from: '2026-01', to: '2026-02' });
    expect(within(table).getByText('合计')).toBeTruthy();
    expect(within(table).getByText('110')).toBeTruthy();
    for (const name of ['分月出生数（按性别）', '分月出生人口性别比', '登记及时性', '流动人口出生'])
      expect(await screen.findByRole('img', { name })).toBeTruthy();
  });

  it('downloads the table as CSV with a BOM and Chinese headings', async () => {
    vi.stubGlobal('fetch', fakeFetch([{ status: 200, body: report }]).fn);
    const blobs: Blob[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    // jsdom has no object URLs: the file's contents are caught on their way to one.
    URL.createObjectURL = (blob: Blob) => {
      blobs.push(blob);
      return 'blob:report';
    };
    URL.revokeObjectURL = () => {};
    renderSignedIn(<BirthsReport />, { token, path: '/reports/births?from=2026-01&to=2026-02' });
    await screen.findByRole('table', { name: '出生统计' });
    fireEvent.click(screen.getByRole('button', { name: /下载 CSV/ }));
    expect(click).toHaveBeenCalledOnce();
    const blob = blobs[0] as Blob;
    expect(blob.type).toBe('text/csv;charset=utf-8');
    // The UTF-8 BOM leads the file (reading it as text drops it again).
    expect([...new Uint8Array(await blob.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = (await blob.text()).split('\r\n');
    expect(lines[0]?.startsWith('月份,出生数,男,女,出生人口性别比')).toBe(true);
    expect(lines[1]?.startsWith('2026-01,21,11,10,110,')).toBe(true);
    expect(lines[3]?.startsWith('合计,40,21,19,110.5,')).toBe(true);
    click.mockRestore();
  });

  it("shows the API's problem in the console's language", async () => {
    const fetch = fakeFetch([
      { status: 403, body: { title: '无权查看该辖区', detail: '只能查看本辖区及下级辖区的统计。' } },
    ]);
    vi.stubGlobal('fetch', fetch.fn);
    renderSignedIn(<BirthsReport />, { token, path: '/reports/births?region=3401' });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('无权查看该辖区');
    expect(alert.textContent).toContain('只能查看本辖区及下级辖区的统计。');
    expect((fetch.requests[0] as Request).headers.get('accept-language')).toBe('zh-CN');
  });

  it('says so when no births were registered, and draws no charts', async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch([{ status: 200, body: { ...report, months: [], total: figures(0, 0) } }]).fn,
    );
    renderSignedIn(<BirthsReport />, { token, path: '/reports/births' });
    expect(await screen.findByText('该期间内没有出生登记')).toBeTruthy();
    await waitFor(() => expect(screen.queryAllByRole('img', { name: /出生/ })).toHaveLength(0));
  });
});
