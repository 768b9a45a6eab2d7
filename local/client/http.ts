/**
 * A small client for a province's local or deployed API, shared by the guided demo and the
 * operator CLI: one request, one parsed answer, never a thrown HTTP status.
 */

export interface Reply {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: callers read answer bodies field by field
  readonly body: any;
  readonly text: string;
}

export interface RequestOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export type Api = (method: string, path: string, options?: RequestOptions) => Promise<Reply>;

/** An API bound to one base URL (e.g. `http://127.0.0.1:3033`). */
export function apiAt(baseUrl: string): Api {
  const base = baseUrl.replace(/\/+$/, '');
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    } catch (cause) {
      throw new UnreachableError(base, cause);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, text };
  };
}

/** The API could not be reached at all (nothing listening, wrong URL). */
export class UnreachableError extends Error {
  constructor(
    readonly baseUrl: string,
    cause: unknown,
  ) {
    super(`Cannot reach ${baseUrl}: is \`npm start\` running?`, { cause });
    this.name = 'UnreachableError';
  }
}

/** An answer that was not the one expected, with the problem's title and detail when there is one. */
export class UnexpectedReplyError extends Error {
  constructor(
    readonly what: string,
    readonly reply: Reply,
  ) {
    const problem = reply.body as { title?: string; detail?: string } | undefined;
    const why = problem?.detail ?? problem?.title ?? reply.text.slice(0, 300);
    super(`${what}: HTTP ${reply.status}${why ? ` — ${why}` : ''}`);
    this.name = 'UnexpectedReplyError';
  }
}

/** The reply when its status is one of `expected`; otherwise an UnexpectedReplyError. */
export function expectStatus(what: string, reply: Reply, ...expected: number[]): Reply {
  if (!expected.includes(reply.status)) throw new UnexpectedReplyError(what, reply);
  return reply;
}

/**
 * A token from the local identity platforms (`POST /dev/token`; local clouds only): a staff
 * token for staff roles, a citizen token (which needs the verified `residentId`) otherwise.
 */
export async function devToken(
  api: Api,
  request: { sub: string; roles: readonly string[]; region?: string; residentId?: string },
): Promise<string> {
  const reply = expectStatus('POST /dev/token', await api('POST', '/dev/token', { body: request }), 200);
  return reply.body.token as string;
}

/**
 * Calls `probe` until it answers something other than undefined, or throws after `timeoutMs`
 * with `what` (and `lastSeen()`, what the probe saw last) in the message. For effects that
 * arrive through queues and streams.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  lastSeen?: () => string | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const seen = lastSeen?.();
      throw new Error(
        `Timed out after ${timeoutMs / 1000}s waiting for ${what}${seen ? ` (last answer: ${seen})` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
