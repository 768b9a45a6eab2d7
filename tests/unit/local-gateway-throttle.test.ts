import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests } from '../../functions/manifests';
import { type Gateway, startGateway } from '../../local/gateway/server';
import { routeThrottles } from '../../local/gateway/throttle';
import { createLocalIssuer } from '../../local/identity';
import { DEFAULT_THROTTLES, FALLBACK_THROTTLE } from '../../shared/manifest';
import { inProcessRuntime } from '../support/in-process-runtime';

describe('routeThrottles (token bucket per route key)', () => {
  it('admits a burst, refuses the next with the seconds until a token is back, refills at the rate', () => {
    let now = 0;
    const throttles = routeThrottles(() => now);
    const limit = { rate: 2, burst: 3 };
    for (let i = 0; i < 3; i++) expect(throttles.take('GET /a', limit)).toEqual({ admitted: true });
    expect(throttles.take('GET /a', limit)).toEqual({ admitted: false, retryAfterSeconds: 1 });
    now += 499;
    expect(throttles.take('GET /a', limit).admitted).toBe(false);
    now += 1;
    expect(throttles.take('GET /a', limit)).toEqual({ admitted: true });
    expect(throttles.take('GET /a', limit).admitted).toBe(false);
  });

  it('keeps one bucket per route: a flood on one leaves the others whole', () => {
    const throttles = routeThrottles(() => 0);
    const limit = { rate: 1, burst: 2 };
    throttles.take('GET /public', limit);
    throttles.take('GET /public', limit);
    expect(throttles.take('GET /public', limit).admitted).toBe(false);
    expect(throttles.take('GET /staff', limit)).toEqual({ admitted: true });
  });

  it('refills no further than the burst, however long the route was idle', () => {
    let now = 0;
    const throttles = routeThrottles(() => now);
    const limit = { rate: 10, burst: 2 };
    now = 3_600_000;
    expect(throttles.take('GET /a', limit).admitted).toBe(true);
    expect(throttles.take('GET /a', limit).admitted).toBe(true);
    expect(throttles.take('GET /a', limit).admitted).toBe(false);
  });

  it('rounds Retry-After up to whole seconds at slow rates', () => {
    const throttles = routeThrottles(() => 0);
    const limit = { rate: 0.25, burst: 1 };
    throttles.take('GET /a', limit);
    expect(throttles.take('GET /a', limit)).toEqual({ admitted: false, retryAfterSeconds: 4 });
  });
});

/**
 * The local gateway over real HTTP, on the project manifests, with the clock injected.
 * The functions behind it are stand-ins that answer 200: what is tested is the gateway.
 */
describe('local gateway throttles', () => {
  let gateway: Gateway;
  let now = 0;
  let staffToken: string;
  const calls = new Map<string, number>();

  beforeAll(async () => {
    const issuer = await createLocalIssuer('urn:jiahe:local-issuer:test-throttle');
    staffToken = await issuer.issue({ sub: 'registrar-1', roles: ['registrar'], region: '330000' });
    const runtimes = new Map(
      manifests
        .flatMap((m) => m.functions)
        .filter((spec) => spec.routes?.length)
        .map((spec) => [
          spec.name,
          inProcessRuntime(spec, async () => {
            calls.set(spec.name, (calls.get(spec.name) ?? 0) + 1);
            return { statusCode: 200, body: '{}' };
          }),
        ]),
    );
    gateway = await startGateway({
      province: '33',
      port: 0,
      manifests,
      runtimes,
      issuer,
      health: async () => ({ status: 'ok' }),
      log: () => {},
      throttles: routeThrottles(() => now),
    });
  });
  afterAll(() => gateway?.close());

  const verify = (language = 'en') =>
    fetch(`${gateway.url}/v1/public/certificates/verify?code=0000000000000000`, {
      headers: { 'accept-language': language },
    });
  const persons = () =>
    fetch(`${gateway.url}/v1/persons?name=x`, { headers: { authorization: `Bearer ${staffToken}` } });

  it('answers a flood on the public verify route 429 problem+json with Retry-After, and staff routes still serve', async () => {
    const verifyCalls = () => calls.get('registry-certificates-api') ?? 0;
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await verify()).status);
    // The route's own limit: 20 at once (docs/operations.md#throttles), then refused.
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429]);
    expect(verifyCalls()).toBe(20);

    const refused = await verify('zh-CN');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({
      type: 'urn:cn:gov:jiahe:problem:too-many-requests',
      title: '请求过多',
      status: 429,
    });

    // The staff bucket is untouched by the flood.
    for (let i = 0; i < 5; i++) expect((await persons()).status).toBe(200);

    // A second later the verify route has refilled at its rate (10 per second).
    now += 1000;
    const again: number[] = [];
    for (let i = 0; i < 11; i++) again.push((await verify()).status);
    expect(again.filter((s) => s === 200)).toHaveLength(10);
    expect(again.at(-1)).toBe(429);
  }, 60_000);

  it('gives staff routes their default burst, and the 405 fallback the lowest limit', async () => {
    now += 3_600_000;
    const statuses: number[] = [];
    for (let i = 0; i < DEFAULT_THROTTLES.staff.burst + 1; i++) statuses.push((await persons()).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(DEFAULT_THROTTLES.staff.burst);
    expect(statuses.at(-1)).toBe(429);

    const fallback: number[] = [];
    for (let i = 0; i < FALLBACK_THROTTLE.burst + 1; i++) {
      const reply = await fetch(`${gateway.url}/v1/public/certificates/verify`, { method: 'DELETE' });
      fallback.push(reply.status);
    }
    expect(fallback.slice(0, FALLBACK_THROTTLE.burst).every((s) => s !== 429)).toBe(true);
    expect(fallback.at(-1)).toBe(429);
    // Hundreds of sequential requests: a generous limit for a loaded machine, not a timing check.
  }, 60_000);
});
