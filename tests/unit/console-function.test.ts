import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleAnswer, consoleCsp } from '../../shared/console/assets';
import { toProxyResult } from '../../shared/console/handler';
import { discoverConsoleSignIn, SignInDiscoveryError } from '../../shared/console/sign-in-settings';

/**
 * The console's function in the cloud: its sign-in settings from the staff issuer's
 * discovery document (served over real HTTP on loopback), and its answers as API Gateway
 * takes them.
 */
describe("the staff console's function", () => {
  let server: Server;
  let issuer: string;
  let metadata: Record<string, unknown> = {};
  let status = 200;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url !== '/realms/staff/.well-known/openid-configuration') {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(metadata));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/staff`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const discover = () => discoverConsoleSignIn({ province: '33', issuer, clientId: 'jiahe-p33-staff' });

  it("reads the sign-in endpoints from the issuer's discovery document", async () => {
    status = 200;
    metadata = {
      issuer,
      authorization_endpoint: 'https://staff-id.example.gov.cn/authorize',
      token_endpoint: 'https://staff-id.example.gov.cn/token',
      jwks_uri: 'https://staff-id.example.gov.cn/jwks',
    };
    expect(await discover()).toEqual({
      province: '33',
      issuer,
      clientId: 'jiahe-p33-staff',
      authorizationEndpoint: 'https://staff-id.example.gov.cn/authorize',
      tokenEndpoint: 'https://staff-id.example.gov.cn/token',
    });
  });

  it("refuses a document that names another issuer, lacks https endpoints, or isn't there", async () => {
    status = 200;
    metadata = {
      issuer: 'https://elsewhere.example',
      authorization_endpoint: 'https://staff-id.example.gov.cn/authorize',
      token_endpoint: 'https://staff-id.example.gov.cn/token',
    };
    await expect(discover()).rejects.toThrow(/names the issuer https:\/\/elsewhere\.example/);
    metadata = {
      issuer,
      authorization_endpoint: 'http://staff-id.example.gov.cn/authorize',
      token_endpoint: 'x',
    };
    await expect(discover()).rejects.toBeInstanceOf(SignInDiscoveryError);
    status = 503;
    await expect(discover()).rejects.toThrow(/answered 503/);
  });

  it('lets the app call the token endpoint and nothing else beyond its own origin', () => {
    const csp = consoleCsp(['https://staff-id.example.gov.cn']);
    expect(csp).toContain("connect-src 'self' https://staff-id.example.gov.cn;");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('answers API Gateway with base64 bodies, gzipped text when the browser accepts it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-function-'));
    mkdirSync(join(dir, 'assets'));
    const script = 'console.log("审批");'.repeat(50);
    writeFileSync(join(dir, 'assets', 'index-abc.js'), script);
    writeFileSync(join(dir, 'assets', 'logo-abc.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const answer = (path: string) => consoleAnswer('GET', path, { dir, settings: () => ({}), csp: 'x' });

    const gzipped = toProxyResult(
      (await answer('/console/assets/index-abc.js')) ?? { status: 404 },
      'gzip, br',
    );
    expect(gzipped.isBase64Encoded).toBe(true);
    expect(gzipped.headers?.['content-encoding']).toBe('gzip');
    expect(gzipped.headers?.['content-security-policy']).toBe('x');
    expect(gunzipSync(Buffer.from(String(gzipped.body), 'base64')).toString()).toBe(script);

    const plain = toProxyResult((await answer('/console/assets/index-abc.js')) ?? { status: 404 });
    expect(plain.headers?.['content-encoding']).toBeUndefined();
    expect(Buffer.from(String(plain.body), 'base64').toString()).toBe(script);

    const image = toProxyResult((await answer('/console/assets/logo-abc.png')) ?? { status: 404 }, 'gzip');
    expect(image.headers?.['content-encoding']).toBeUndefined();
    expect(Buffer.from(String(image.body), 'base64')).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  });
});
