import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { NotFoundError, ValidationError } from '../../shared/domain/errors';
import { apiHandler } from '../../shared/http/api-handler';
import { negotiateLanguage } from '../../shared/http/language';
import { HttpError, problemResponse } from '../../shared/http/problem';
import { PROBLEM_TITLES } from '../../shared/http/problem-text';
import { json, parseJsonBody } from '../../shared/http/request';
import type { RouteSpec } from '../../shared/manifest';
import { apiEvent, staffClaims } from '../support/api-event';
import { context, parsed, quietObservability } from '../support/lambda';

const routes: RouteSpec[] = [
  { method: 'POST', path: '/things', roles: ['registrar'] },
  { method: 'GET', path: '/things/{id}', roles: ['registrar'] },
];

const Thing = z.strictObject({
  name: z.string().min(1),
  personId: z.string().regex(/^[0-9A-Z]{26}$/, 'must be a person id (ULID)'),
  note: z.string().regex(/^x$/, 'an untranslated rule'),
});

const handler = apiHandler({
  service: 'test',
  routes,
  observability: quietObservability(),
  handlers: {
    'POST /things': async ({ event }) => json(201, parseJsonBody(event, Thing)),
    'GET /things/{id}': async ({ pathParameters }) => {
      if (pathParameters.id === 'audit') {
        throw new ValidationError({ en: 'Fix the fields.', zh: '请更正字段。' }, [
          {
            field: 'body.mother.residentId',
            message: 'The check digit is wrong.',
            zh: '校验码错误。',
            code: 'RID_CHECKSUM',
          },
        ]);
      }
      throw new NotFoundError('No such thing.');
    },
  },
});

const registrar = staffClaims('r-1', ['registrar'], '330100');
const call = async (input: Parameters<typeof apiEvent>[0]) =>
  parsed(await handler(apiEvent(input), context()));
const badThing = (language?: string) =>
  call({
    method: 'POST',
    route: '/things',
    body: JSON.stringify({ name: '', personId: 'nope', note: 'y' }),
    headers: { 'content-type': 'application/json', ...(language ? { 'accept-language': language } : {}) },
    claims: registrar,
  });
const messages = (body: { errors: { field: string; message: string }[] }) =>
  Object.fromEntries(body.errors.map((e) => [e.field, e.message]));

describe('negotiateLanguage', () => {
  it('prefers Chinese unless English ranks higher', () => {
    expect(negotiateLanguage(undefined)).toBe('zh');
    expect(negotiateLanguage('')).toBe('zh');
    expect(negotiateLanguage('fr-FR')).toBe('zh');
    expect(negotiateLanguage('en')).toBe('en');
    expect(negotiateLanguage('en-US,en;q=0.9')).toBe('en');
    expect(negotiateLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(negotiateLanguage('zh;q=0.5, en;q=0.8')).toBe('en');
    expect(negotiateLanguage('en;q=0, zh-TW')).toBe('zh');
    expect(negotiateLanguage('de, en-GB;q=0.3')).toBe('en');
    expect(negotiateLanguage(';;;q=abc,,')).toBe('zh');
  });
});

describe('problem+json languages', () => {
  it('answers in Chinese by default: title, detail and every field message', async () => {
    const res = await badThing();
    expect(res.status).toBe(422);
    expect(res.headers['content-language']).toBe('zh-CN');
    expect(res.headers.vary).toBe('accept-language');
    expect(res.body.type).toBe('urn:cn:gov:jiahe:problem:validation');
    expect(res.body.title).toBe('数据校验未通过');
    expect(res.body.detail).toBe('请求体中有 3 个字段无效。');
    const byField = messages(res.body);
    expect(byField['body.personId']).toBe('须为人员编号（ULID）');
    // zod's own wording comes from its Chinese locale.
    expect(byField['body.name']).toMatch(/[\u4e00-\u9fff]/);
    // A rule with no Chinese wording anywhere stays readable rather than disappearing.
    expect(byField['body.note']).toBe('an untranslated rule');
  });

  it('answers in English when Accept-Language prefers it; type and fields are the same', async () => {
    const [zh, en] = [await badThing('zh-CN'), await badThing('en-US,en;q=0.9,zh;q=0.5')];
    expect(en.headers['content-language']).toBe('en');
    expect(en.body.title).toBe('Validation Failed');
    expect(en.body.detail).toBe('The body has 3 invalid field(s).');
    expect(messages(en.body)['body.personId']).toBe('must be a person id (ULID)');
    expect(messages(en.body)['body.name']).toMatch(/^Too small/);
    expect(en.body.type).toBe(zh.body.type);
    expect(en.body.errors.map((e: { field: string }) => e.field)).toEqual(
      zh.body.errors.map((e: { field: string }) => e.field),
    );
  });

  it('carries a domain error raised in both languages, codes kept, no internal key leaked', async () => {
    const zh = await call({
      method: 'GET',
      route: '/things/{id}',
      pathParameters: { id: 'audit' },
      claims: registrar,
    });
    expect(zh.body.detail).toBe('请更正字段。');
    expect(zh.body.errors).toEqual([
      { field: 'body.mother.residentId', message: '校验码错误。', code: 'RID_CHECKSUM' },
    ]);
    const en = await call({
      method: 'GET',
      route: '/things/{id}',
      pathParameters: { id: 'audit' },
      headers: { 'accept-language': 'en' },
      claims: registrar,
    });
    expect(en.body.errors).toEqual([
      { field: 'body.mother.residentId', message: 'The check digit is wrong.', code: 'RID_CHECKSUM' },
    ]);
  });

  it('gives an English-only detail as written, under a Chinese title', async () => {
    const res = await call({
      method: 'GET',
      route: '/things/{id}',
      pathParameters: { id: 'x' },
      claims: registrar,
    });
    expect(res.status).toBe(404);
    expect(res.body.title).toBe('未找到');
    expect(res.body.detail).toBe('No such thing.');
  });

  it('has a title in both languages for every problem type the HTTP layer raises', () => {
    const slugs = [
      'malformed-json',
      'unauthorized',
      'forbidden',
      'not-found',
      'method-not-allowed',
      'payload-too-large',
      'unsupported-media-type',
      'precondition-required',
      'invalid-idempotency-key',
      'idempotency-key-reused',
      'idempotency-in-progress',
      'invalid-cursor',
      'validation',
      'conflict',
      'stale-version',
      'access-denied',
      'internal',
    ];
    for (const slug of slugs) {
      expect(PROBLEM_TITLES[slug]?.zh, slug).toMatch(/[\u4e00-\u9fff]/);
      expect(PROBLEM_TITLES[slug]?.en, slug).toMatch(/^[A-Z]/);
    }
    const unknown = JSON.parse(
      problemResponse(new HttpError(400, 'made-up', 'Made Up', 'Something.'), undefined, 'zh').body as string,
    );
    expect(unknown.title).toBe('Made Up');
  });
});
