import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AccessLogEntry } from '../api/types';
import { fakeFetch, fakeToken, renderSignedIn } from '../test-support';
import AccessLog from './AccessLog';

const token = fakeToken({ sub: 'auditor-1', roles: ['auditor'], region: '330000' });
const entry = (personId: string, at: string): AccessLogEntry => ({
  at,
  personId,
  action: 'read',
  actor: 'staff',
  staff: 'registrar-1',
  role: 'registrar',
  region: '330106',
  route: 'GET /v1/persons/{personId}',
  record: `person/${personId}`,
  purpose: 'registration',
  readId: 'read-1',
  regions: ['330106'],
});
const A = '01JZ0000000000000000000000';
const B = '01JZ0000000000000000000001';

afterEach(() => vi.unstubAllGlobals());

describe('the access log', () => {
  it("lists one staff member's reads page by page with the API's cursors", async () => {
    const fetch = fakeFetch([
      // One read of two persons: the same readId, two entries.
      {
        status: 200,
        body: {
          items: [entry(A, '2026-03-01T08:00:00Z'), entry(B, '2026-03-01T08:00:00Z')],
          nextCursor: 'c2',
        },
      },
      { status: 200, body: { items: [entry(A, '2026-02-01T08:00:00Z')] } },
    ]);
    vi.stubGlobal('fetch', fetch.fn);
    renderSignedIn(<AccessLog />, { token, path: '/audit/access-log' });
    expect(screen.getByText('输入工作人员账号或人员编号以查看访问记录')).toBeTruthy();
    const staff = screen.getByRole('searchbox', { name: '工作人员' });
    fireEvent.change(staff, { target: { value: 'registrar-1' } });
    fireEvent.click(screen.getByRole('button', { name: /查\s*询/ }));
    const table = await screen.findByRole('table', { name: '访问日志' });
    await waitFor(() => expect(within(table).getAllByText('查阅')).toHaveLength(2));
    const first = new URL((fetch.requests[0] as Request).url);
    expect(Object.fromEntries(first.searchParams)).toEqual({ staff: 'registrar-1', limit: '50' });
    fireEvent.click(screen.getByRole('button', { name: '加载更多' }));
    await waitFor(() => expect(within(table).getAllByText('查阅')).toHaveLength(3));
    expect(new URL((fetch.requests[1] as Request).url).searchParams.get('cursor')).toBe('c2');
    expect(screen.queryByRole('button', { name: '加载更多' })).toBeNull();
    // Each person is a link to the entries about them.
    expect(within(table).getAllByRole('link', { name: A })[0]?.getAttribute('href')).toContain(
      `personId=${A}`,
    );
  });

  it('refuses a malformed person ID before asking, and reads a person from the address', async () => {
    const fetch = fakeFetch([{ status: 200, body: { items: [] } }]);
    vi.stubGlobal('fetch', fetch.fn);
    renderSignedIn(<AccessLog />, { token, path: '/audit/access-log' });
    fireEvent.click(screen.getByRole('radio', { name: '按人员编号' }));
    const person = screen.getByRole('searchbox', { name: '人员编号' });
    fireEvent.change(person, { target: { value: '12345' } });
    fireEvent.keyDown(person, { key: 'Enter' });
    fireEvent.keyUp(person, { key: 'Enter' });
    expect((await screen.findByRole('alert')).textContent).toBe('请输入 26 位人员编号');
    expect(fetch.requests).toHaveLength(0);
    fireEvent.change(person, { target: { value: A.toLowerCase() } });
    fireEvent.keyDown(person, { key: 'Enter' });
    await waitFor(() => expect(fetch.requests).toHaveLength(1));
    expect(new URL((fetch.requests[0] as Request).url).searchParams.get('personId')).toBe(A);
  });

  it("shows the API's problem", async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch([{ status: 403, body: { title: '无权访问', detail: '仅审计人员可查看访问日志。' } }]).fn,
    );
    renderSignedIn(<AccessLog />, { token, path: `/audit/access-log?personId=${A}` });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('无权访问');
    expect(alert.textContent).toContain('仅审计人员可查看访问日志。');
  });
});
