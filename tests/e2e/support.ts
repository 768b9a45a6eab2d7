import { inject } from 'vitest';

export const province = {
  '33': () => inject('province33'),
  '51': () => inject('province51'),
  '44': () => inject('province44'),
};

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: assertions read response bodies field by field
  readonly body: any;
  readonly text: string;
}

/** One real HTTP request to a local gateway. */
export async function http(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** A citizen's token from a province's local real-name platform, carrying the verified resident ID. */
export async function citizenToken(base: string, sub: string, residentId: string): Promise<string> {
  const reply = await http(base, 'POST', '/dev/token', { body: { sub, roles: ['citizen'], residentId } });
  if (reply.status !== 200) throw new Error(`token request failed: ${reply.text}`);
  return reply.body.token as string;
}

/** A staff member's token from a province's local staff identity provider. */
export async function token(
  base: string,
  sub: string,
  roles: string[],
  region?: string,
  expiresInSeconds?: number,
): Promise<string> {
  const reply = await http(base, 'POST', '/dev/token', {
    body: { sub, roles, ...(region ? { region } : {}), ...(expiresInSeconds ? { expiresInSeconds } : {}) },
  });
  if (reply.status !== 200) throw new Error(`token request failed: ${reply.text}`);
  return reply.body.token as string;
}
