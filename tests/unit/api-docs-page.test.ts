import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiText } from '../../functions/openapi';
import { type Gateway, startGateway } from '../../local/gateway/server';
import type { LocalIssuer } from '../../local/identity';

// The gateway alone: no functions run, so no issuer or runtime is needed.
let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({
    province: '24',
    port: 0,
    manifests: [],
    runtimes: new Map(),
    issuer: {} as LocalIssuer,
    health: async () => ({ status: 'ok' }),
    log: () => {},
  });
});
afterAll(() => gateway.close());

describe('local API documentation', () => {
  it('serves the viewer on loopback, with every asset from the gateway itself', async () => {
    expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await fetch(`${gateway.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref, ref).toMatch(/^\/docs\//);
      const asset = await fetch(`${gateway.url}${ref}`);
      expect(asset.status, ref).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, ref).toBeGreaterThan(0);
    }
    expect(html).toContain("url: '/docs/openapi.json'");
  });

  it('serves the same document as docs/openapi.json', async () => {
    const res = await fetch(`${gateway.url}/docs/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.text()).toBe(openApiText());
  });

  it('serves nothing else from the package folder', async () => {
    for (const path of [
      '/docs/assets/package.json',
      '/docs/assets/../package.json',
      '/docs/assets/index.html',
    ]) {
      expect((await fetch(`${gateway.url}${path}`)).status, path).toBe(404);
    }
    expect((await fetch(`${gateway.url}/docs`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
