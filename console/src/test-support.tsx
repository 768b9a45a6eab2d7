import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { type ReactNode, useEffect } from 'react';
import { MemoryRouter } from 'react-router';
import { AntConfig } from './app/AntConfig';
import { SessionProvider, useSession } from './auth/session';
import type { ConsoleSettings } from './auth/settings';
import { I18nProvider } from './i18n/i18n';

export const SETTINGS: ConsoleSettings = {
  province: '33',
  issuer: 'urn:test:staff',
  clientId: 'jiahe-test',
  authorizationEndpoint: '/dev/staff/authorize',
  tokenEndpoint: '/dev/staff/token',
};

const base64url = (value: unknown) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** An unsigned token with the given claims: the console reads claims, only the API checks signatures. */
export const fakeToken = (claims: Record<string, unknown>): string =>
  `${base64url({ alg: 'ES256' })}.${base64url({ exp: Math.floor(Date.now() / 1000) + 900, ...claims })}.c2ln`;

function SignedIn({ token, children }: { token: string; children: ReactNode }) {
  const session = useSession();
  useEffect(() => session.signIn(token), [session.signIn, token]);
  return session.token ? children : null;
}

/** Renders `ui` as a signed-in staff member would see it, with every provider the console has. */
export function renderSignedIn(ui: ReactNode, options: { token: string; path?: string }) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <SessionProvider settings={SETTINGS}>
          <AntConfig>
            <MemoryRouter initialEntries={[options.path ?? '/']}>
              <SignedIn token={options.token}>{ui}</SignedIn>
            </MemoryRouter>
          </AntConfig>
        </SessionProvider>
      </I18nProvider>
    </QueryClientProvider>,
  );
}

/** A fetch that answers each call from `answers` in turn, keeping the requests it saw. */
export function fakeFetch(
  answers: Array<{ status: number; body?: unknown; headers?: Record<string, string> }>,
) {
  const requests: Request[] = [];
  const fn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push(request);
    const answer = answers.shift() ?? { status: 500 };
    const type = answer.status >= 400 ? 'application/problem+json' : 'application/json';
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': type, ...answer.headers },
    });
  };
  return { fn, requests };
}

/**
 * A fetch that answers by path (`/v1/schemes`), for screens that make several calls at once
 * in no fixed order; a path given a list answers from it in turn. Unknown paths get a 404.
 */
export function routedFetch(routes: Record<string, Answer | Answer[]>): {
  fn: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  requests: Request[];
} {
  const queues = new Map(Object.entries(routes).map(([path, a]) => [path, Array.isArray(a) ? [...a] : a]));
  const requests: Request[] = [];
  const fn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push(request);
    const queued = queues.get(new URL(request.url).pathname);
    const answer = (Array.isArray(queued) ? queued.shift() : queued) ?? { status: 404 };
    const type = answer.status >= 400 ? 'application/problem+json' : 'application/json';
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': type, ...answer.headers },
    });
  };
  return { fn, requests };
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };
