/** An answer of the fake API: a status and a JSON body (problem+json from 400 on). */
export interface FakeAnswer {
  readonly status: number;
  readonly body?: unknown;
}

/**
 * A fetch that answers by `METHOD /path` (the query aside), for screens that make several calls
 * side by side; it keeps every request it saw. An unknown route answers 404.
 */
export function fakeApi(routes: Record<string, FakeAnswer | ((request: Request) => FakeAnswer)>) {
  const requests: Request[] = [];
  const fn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push(request.clone());
    const route = routes[`${request.method} ${new URL(request.url).pathname}`];
    const answer = typeof route === 'function' ? route(request) : (route ?? { status: 404, body: {} });
    const type = answer.status >= 400 ? 'application/problem+json' : 'application/json';
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': type },
    });
  };
  /** The requests to `path` (any method), in order. */
  const to = (path: string) => requests.filter((r) => new URL(r.url).pathname === path);
  return { fn, requests, to };
}

export const SCHEMES = {
  status: 200,
  body: {
    items: [
      {
        code: 'rural-reward',
        name: { zh: '农村部分计划生育家庭奖励扶助', en: 'Rural family reward and assistance' },
        frequency: 'annual',
        versions: [],
      },
      {
        code: 'only-child-reward',
        name: { zh: '独生子女父母奖励费', en: "Only-child parents' reward" },
        frequency: 'monthly',
        versions: [],
      },
    ],
  },
} as const;
