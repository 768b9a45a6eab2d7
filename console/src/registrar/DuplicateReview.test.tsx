import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Registration as RegistrationView } from '../api/types';
import { fakeToken, renderSignedIn, routedFetch } from '../test-support';
import Registration from './Registration';

const THIS = '01JZ0000000000000000000001';
const OTHER = '01JZ0000000000000000000002';
const mother = {
  name: '李梅',
  residentId: '3301**********1234',
  birthDate: '1995-05-05',
  hukouRegion: '330106',
};
const flagged: RegistrationView = {
  registrationId: THIS,
  status: 'flagged-duplicate',
  details: {
    child: { name: '王安', sex: 'male', birthDate: '2026-01-02', birthRegion: '330106' },
    mother,
    residenceRegion: '330106',
    birthOrder: 1,
  },
  version: 2,
  availableActions: ['dismiss-duplicate'],
  history: [
    { type: 'submitted', by: 'family', at: '2026-01-05T02:00:00Z' },
    {
      type: 'flagged-duplicate',
      by: 'system',
      at: '2026-01-05T02:00:00Z',
      reason: `Potential duplicate of registration ${OTHER}.`,
      duplicateOf: OTHER,
    },
  ],
};
const other: RegistrationView = {
  registrationId: OTHER,
  status: 'registered',
  registrationNumber: '330106-2026-000123',
  details: {
    child: { name: '王小安', sex: 'male', birthDate: '2026-01-02', birthRegion: '330106' },
    mother,
    residenceRegion: '330106',
    birthOrder: 1,
  },
  version: 3,
  availableActions: [],
};

const screenAt = (token: string) =>
  renderSignedIn(
    <Routes>
      <Route path="/registrations/:registrationId" element={<Registration />} />
    </Routes>,
    { token, path: `/registrations/${THIS}` },
  );

afterEach(() => vi.unstubAllGlobals());

describe('the duplicate review', () => {
  it('shows both registrations side by side with the differences marked, and dismisses the flag with a reason', async () => {
    const fetch = routedFetch({
      [`/v1/birth-registrations/${THIS}`]: { status: 200, body: flagged },
      [`/v1/birth-registrations/${OTHER}`]: { status: 200, body: other },
      [`/v1/birth-registrations/${THIS}/actions/dismiss-duplicate`]: {
        status: 200,
        body: { ...flagged, status: 'submitted', version: 3, availableActions: ['validate'] },
      },
    });
    vi.stubGlobal('fetch', fetch.fn);
    screenAt(fakeToken({ sub: 'registrar-1', roles: ['registrar'], region: '330106' }));
    const table = await screen.findByRole('table', { name: '两份登记逐项对照' });
    expect(screen.getByText('有 1 项不同')).toBeTruthy();
    const name = within(table).getByText('子女姓名').closest('tr') as HTMLElement;
    expect(name.className).toContain('comparison-different');
    expect(within(name).getByText('不同')).toBeTruthy();
    expect(within(name).getByText('王安')).toBeTruthy();
    expect(within(name).getByText('王小安')).toBeTruthy();
    const id = within(table).getByText('母亲身份号码').closest('tr') as HTMLElement;
    expect(id.className).toContain('comparison-masked-alike');
    expect(within(table).getByRole('link', { name: '疑似重复的登记' }).getAttribute('href')).toBe(
      `/registrations/${OTHER}`,
    );
    expect(within(table).getAllByText('330106-2026-000123').length).toBeGreaterThan(0);

    fireEvent.click(screen.getByRole('button', { name: '排除重复' }));
    fireEvent.change(await screen.findByLabelText('理由'), { target: { value: '双胞胎，不是重复登记' } });
    fireEvent.click(screen.getByRole('button', { name: '确定' }));
    expect(await screen.findByTestId('registration-status')).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('registration-status').textContent).toBe('已提交'));
    const action = fetch.requests.find((r) => r.method === 'POST') as Request;
    expect(new URL(action.url).pathname).toBe(`/v1/birth-registrations/${THIS}/actions/dismiss-duplicate`);
    expect(action.headers.get('if-match')).toBe('"2"');
    expect(await action.json()).toEqual({ reason: '双胞胎，不是重复登记' });
    await waitFor(() => expect(screen.queryByRole('table', { name: '两份登记逐项对照' })).toBeNull());
  });

  it('lets an auditor compare, but offers no action', async () => {
    vi.stubGlobal(
      'fetch',
      routedFetch({
        [`/v1/birth-registrations/${THIS}`]: { status: 200, body: flagged },
        [`/v1/birth-registrations/${OTHER}`]: { status: 200, body: other },
      }).fn,
    );
    screenAt(fakeToken({ sub: 'auditor-1', roles: ['auditor'], region: '330000' }));
    await screen.findByRole('table', { name: '两份登记逐项对照' });
    expect(screen.queryByRole('button', { name: '排除重复' })).toBeNull();
  });

  it("shows the API's problem when the other registration cannot be read", async () => {
    vi.stubGlobal(
      'fetch',
      routedFetch({
        [`/v1/birth-registrations/${THIS}`]: { status: 200, body: flagged },
        [`/v1/birth-registrations/${OTHER}`]: {
          status: 403,
          body: { title: '无权查看', detail: '该登记不在您的辖区内。' },
        },
      }).fn,
    );
    screenAt(fakeToken({ sub: 'registrar-1', roles: ['registrar'], region: '330106' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('无权查看');
    expect(alert.textContent).toContain('该登记不在您的辖区内。');
    // The flag can still be dismissed from here.
    expect(screen.getByRole('button', { name: '排除重复' })).toBeTruthy();
  });
});
