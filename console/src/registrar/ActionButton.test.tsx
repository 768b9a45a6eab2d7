import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Registration } from '../api/types';
import { fakeFetch, fakeToken, renderSignedIn } from '../test-support';
import { ActionButton } from './ActionButton';

const registration: Registration = {
  registrationId: '01JZ0000000000000000000000',
  status: 'submitted',
  details: {},
  version: 3,
  availableActions: ['validate'],
};
const token = fakeToken({ sub: 'registrar-1', roles: ['registrar'], region: '330106' });

afterEach(() => vi.unstubAllGlobals());

describe('an action on a registration', () => {
  it('is sent with If-Match for the version shown, an idempotency key, the token and the language', async () => {
    const fetch = fakeFetch([{ status: 200, body: { ...registration, status: 'validated', version: 4 } }]);
    vi.stubGlobal('fetch', fetch.fn);
    renderSignedIn(<ActionButton registration={registration} action="validate" />, { token });
    fireEvent.click(screen.getByRole('button', { name: '审核通过' }));
    await waitFor(() => expect(fetch.requests).toHaveLength(1));
    const request = fetch.requests[0] as Request;
    expect(new URL(request.url).pathname).toBe(
      `/v1/birth-registrations/${registration.registrationId}/actions/validate`,
    );
    expect(request.headers.get('if-match')).toBe('"3"');
    expect(request.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}-3$/);
    expect(request.headers.get('authorization')).toBe(`Bearer ${token}`);
    expect(request.headers.get('accept-language')).toBe('zh-CN');
  });

  it("shows the API's title and detail when it refuses", async () => {
    const fetch = fakeFetch([
      {
        status: 412,
        body: {
          type: 'urn:cn:gov:jiahe:problem:stale-version',
          title: '版本已变化',
          detail: '记录已被他人修改，请刷新后重试。',
        },
      },
    ]);
    vi.stubGlobal('fetch', fetch.fn);
    renderSignedIn(<ActionButton registration={registration} action="validate" />, { token });
    fireEvent.click(screen.getByRole('button', { name: '审核通过' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('版本已变化');
    expect(alert.textContent).toContain('记录已被他人修改，请刷新后重试。');
  });

  it('asks for a reason before sending an action that needs one', async () => {
    const fetch = fakeFetch([{ status: 200, body: { ...registration, version: 4 } }]);
    vi.stubGlobal('fetch', fetch.fn);
    renderSignedIn(<ActionButton registration={registration} action="dismiss-duplicate" />, { token });
    fireEvent.click(screen.getByRole('button', { name: '排除重复' }));
    fireEvent.click(await screen.findByRole('button', { name: '确定' }));
    await screen.findByText('请填写理由');
    expect(fetch.requests).toHaveLength(0);
    fireEvent.change(screen.getByLabelText('理由'), { target: { value: '不同的孩子' } });
    fireEvent.click(screen.getByRole('button', { name: '确定' }));
    await waitFor(() => expect(fetch.requests).toHaveLength(1));
    expect(await (fetch.requests[0] as Request).json()).toEqual({ reason: '不同的孩子' });
  });

  it('records a birth: sex required, the expected date and region offered, the facts sent as the child', async () => {
    const expected: Registration = {
      ...registration,
      details: { child: { expected: true, birthDate: '2026-04-01', birthRegion: '330106' } },
      availableActions: ['validate', 'record-birth'],
    };
    const fetch = fakeFetch([{ status: 200, body: { ...expected, version: 4 } }]);
    vi.stubGlobal('fetch', fetch.fn);
    renderSignedIn(<ActionButton registration={expected} action="record-birth" />, { token });
    fireEvent.click(screen.getByRole('button', { name: '补录出生' }));
    const date = (await screen.findByLabelText('实际出生日期')) as HTMLInputElement;
    expect(date.value).toBe('2026-04-01');
    expect((screen.getByLabelText('出生地（县级代码）') as HTMLInputElement).value).toBe('330106');
    expect(screen.queryByLabelText('理由')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: '确定' }));
    await screen.findByText('请选择性别');
    expect(fetch.requests).toHaveLength(0);
    fireEvent.click(screen.getByRole('radio', { name: '女' }));
    fireEvent.change(date, { target: { value: '2026-03-28' } });
    fireEvent.change(screen.getByLabelText('子女姓名'), { target: { value: '王安' } });
    fireEvent.click(screen.getByRole('button', { name: '确定' }));
    await waitFor(() => expect(fetch.requests).toHaveLength(1));
    const request = fetch.requests[0] as Request;
    expect(new URL(request.url).pathname).toBe(
      `/v1/birth-registrations/${registration.registrationId}/actions/record-birth`,
    );
    expect(await request.json()).toEqual({
      child: { sex: 'female', birthDate: '2026-03-28', name: '王安', birthRegion: '330106' },
    });
  });
});
