import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSOLE_CSP, consoleAnswer } from '../../shared/console/assets';

const dir = mkdtempSync(join(tmpdir(), 'console-dist-'));
mkdirSync(join(dir, 'assets'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
const answer = (path: string, at = dir) =>
  consoleAnswer('GET', path, { dir: at, settings: () => ({ province: '33' }) });

describe('the console served by the local gateway', () => {
  it('serves files with a strict CSP: scripts from its own origin only, no third party anywhere', async () => {
    const script = await answer('/console/assets/index-abc.js');
    expect(script?.status).toBe(200);
    expect(script?.headers?.['content-type']).toContain('text/javascript');
    expect(script?.headers?.['cache-control']).toContain('immutable');
    expect(script?.headers?.['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toMatch(/https?:|\*|unsafe-eval/);
    expect(CONSOLE_CSP).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it("answers the app's page for its routes, and its settings as config.json", async () => {
    for (const path of ['/console/', '/console/registrations/01ABC', '/console/callback']) {
      const page = await answer(path);
      expect(page?.status, path).toBe(200);
      expect(String(page?.body)).toContain('<title>console</title>');
    }
    expect((await answer('/console'))?.status).toBe(308);
    const config = await answer('/console/config.json');
    expect(JSON.parse(String(config?.body))).toEqual({ province: '33' });
  });

  it('refuses paths outside the build and leaves other paths to the gateway', async () => {
    expect((await answer('/console/assets/missing.js'))?.status).toBe(404);
    expect((await answer('/console/..%2F..%2Fetc%2Fpasswd.js'))?.status).toBe(404);
    expect(await answer('/v1/persons')).toBeUndefined();
    expect(await consoleAnswer('POST', '/console/', { dir, settings: () => ({}) })).toBeUndefined();
  });

  it('says how to build the console when it is missing', async () => {
    const missing = await answer('/console/', join(dir, 'nothing-here'));
    expect(missing?.status).toBe(503);
    expect(String(missing?.body)).toContain('npm run -w console build');
  });
});
