import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeToken, SETTINGS } from '../test-support';
import { SessionProvider, useSession } from './session';

function Probe({ token }: { token: string }) {
  const session = useSession();
  return (
    <>
      <button type="button" onClick={() => session.signIn(token)}>
        sign in
      </button>
      <output>{session.token ? `in:${session.claims?.sub}` : `out:${session.signedOutReason ?? ''}`}</output>
    </>
  );
}

const renderSession = (token: string, idleMs = 60_000) => {
  const queryClient = new QueryClient();
  queryClient.setQueryData(['person', '1'], { name: '王小明' });
  render(
    <QueryClientProvider client={queryClient}>
      <SessionProvider settings={SETTINGS} idleMs={idleMs}>
        <Probe token={token} />
      </SessionProvider>
    </QueryClientProvider>,
  );
  fireEvent.click(screen.getByText('sign in'));
  return queryClient;
};

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('the session, in memory only', () => {
  it('ends shortly before the token expires, and drops every cached answer', () => {
    const exp = Math.floor(Date.now() / 1000) + 900;
    const queryClient = renderSession(fakeToken({ sub: 'registrar-1', exp }), 3_600_000);
    expect(screen.getByRole('status').textContent).toBe('in:registrar-1');
    act(() => vi.advanceTimersByTime(885_000));
    expect(screen.getByRole('status').textContent).toBe('in:registrar-1');
    act(() => vi.advanceTimersByTime(10_000));
    expect(screen.getByRole('status').textContent).toBe('out:expired');
    expect(queryClient.getQueryData(['person', '1'])).toBeUndefined();
  });

  it('ends after the idle time without activity; activity keeps it', () => {
    renderSession(fakeToken({ sub: 'registrar-1' }), 60_000);
    act(() => vi.advanceTimersByTime(50_000));
    fireEvent.keyDown(window, { key: 'a' });
    act(() => vi.advanceTimersByTime(50_000));
    expect(screen.getByRole('status').textContent).toBe('in:registrar-1');
    act(() => vi.advanceTimersByTime(10_000));
    expect(screen.getByRole('status').textContent).toBe('out:idle');
  });

  it('never writes the token to web storage', () => {
    renderSession(fakeToken({ sub: 'registrar-1' }));
    expect(localStorage.length + sessionStorage.length).toBe(0);
  });
});
