import { describe, expect, it } from 'vitest';
import { openApiText } from '../../functions/openapi';
import { http, province, token } from './support';

describe('API documentation and answer languages on the running province', () => {
  it('serves the reference at /docs and the document at /docs/openapi.json', async () => {
    const base = province['33']();
    const page = await http(base, 'GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('/docs/assets/swagger-ui-bundle.js');
    const doc = await http(base, 'GET', '/docs/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.text).toBe(openApiText());
    expect(doc.body.openapi).toBe('3.1.1');
  });

  it('names each bad field in Chinese by default and in English on request', async () => {
    const base = province['33']();
    const registrar = await token(base, 'registrar-docs', ['registrar'], '330106');
    const bad = { residentId: '330106199003070022', name: '李芳', sex: 'female', birthDate: '1990-03-07' };
    const zh = await http(base, 'POST', '/v1/persons', {
      token: registrar,
      body: { ...bad, hukouRegion: '339999' },
    });
    expect(zh.status).toBe(422);
    expect(zh.headers.get('content-language')).toBe('zh-CN');
    expect(zh.body.title).toBe('数据校验未通过');
    expect(zh.body.errors).toEqual(
      expect.arrayContaining([{ field: 'body.hukouRegion', message: '不是现行的行政区划代码' }]),
    );
    const en = await http(base, 'POST', '/v1/persons', {
      token: registrar,
      body: { ...bad, hukouRegion: '339999' },
      headers: { 'accept-language': 'en-US,en;q=0.9' },
    });
    expect(en.body.type).toBe(zh.body.type);
    expect(en.body.title).toBe('Validation Failed');
    expect(en.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'body.hukouRegion', message: 'is not a known administrative division code' },
      ]),
    );
  });
});
