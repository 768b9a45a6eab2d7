import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoAccessLog } from '../../functions/registry/adapters/access-log-repository';
import { dynamoPersonRepository } from '../../functions/registry/adapters/person-repository';
import { hmacResidentIdHasher } from '../../functions/registry/adapters/resident-id-hasher';
import { buildPersonsApi } from '../../functions/registry/handlers/persons-api';
import { staffClaims } from '../support/api-event';
import { type CallOptions, callApi } from '../support/call-api';
import { quietObservability } from '../support/lambda';
import { countItems, provisionForTest } from '../support/local-aws';
import { testPersonRefOf } from '../support/person-refs';
import { residentIdFor } from '../support/resident-ids';

const registrar = staffClaims('registrar-1', ['registrar'], '330100');
const auditor = staffClaims('auditor-1', ['auditor'], '330000');

describe('correcting, searching and recording actions on persons', () => {
  let handler: ReturnType<typeof buildPersonsApi>;
  let table: string;
  let aws: Awaited<ReturnType<typeof provisionForTest>>['aws'];

  beforeAll(async () => {
    const provisioned = await provisionForTest('64');
    aws = provisioned.aws;
    table = provisioned.resources.tables.registry;
    handler = buildPersonsApi({
      accessLog: dynamoAccessLog(aws.documents, table),
      persons: dynamoPersonRepository(aws.documents, table),
      hasher: hmacResidentIdHasher('h'.repeat(64)),
      personRefOf: testPersonRefOf,
      observability: quietObservability(),
    });
  });

  const call = (method: string, route: string, options: CallOptions = {}) =>
    callApi(handler, method, route, { ...options, claims: options.claims ?? registrar });

  const record = async (birth: string, sequence: string, overrides: Record<string, unknown> = {}) => {
    const residentId = residentIdFor('330106', birth, sequence);
    const reply = await call('POST', '/v1/persons', {
      body: {
        residentId,
        name: '陈静',
        sex: Number(sequence) % 2 ? 'male' : 'female',
        birthDate: birth,
        hukouRegion: '330106',
        residenceRegion: '330106',
        ...overrides,
      },
    });
    expect(reply.status).toBe(201);
    return { residentId, person: reply.body };
  };

  it('corrects a name with If-Match and keeps the old value in the history', async () => {
    const { person } = await record('1980-01-02', '002');
    const withoutIfMatch = await call('PATCH', '/v1/persons/{personId}', {
      path: { personId: person.personId },
      body: { reason: 'typo', name: '陈晶' },
    });
    expect(withoutIfMatch.status).toBe(428);
    const corrected = await call('PATCH', '/v1/persons/{personId}', {
      path: { personId: person.personId },
      body: { reason: '登记时笔误', name: '陈晶' },
      headers: { 'if-match': '"1"' },
    });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ name: '陈晶', version: 2 });
    expect(corrected.headers.etag).toBe('"2"');
    const stale = await call('PATCH', '/v1/persons/{personId}', {
      path: { personId: person.personId },
      body: { reason: 'again', name: '陈京' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    const history = await call('GET', '/v1/persons/{personId}/history', {
      path: { personId: person.personId },
      claims: auditor,
    });
    expect(history.status).toBe(200);
    expect(history.body.items.map((a: { type: string }) => a.type)).toEqual(['recorded', 'corrected']);
    expect(history.body.items[1]).toMatchObject({
      by: 'registrar-1',
      reason: '登记时笔误',
      changes: { name: { from: '陈静', to: '陈晶' } },
    });
  });

  it('refuses a correction without a reason, or of sex without a matching resident ID, writing nothing', async () => {
    const { person } = await record('1981-03-04', '004');
    const items = await countItems(aws.dynamodb, table);
    const noReason = await call('PATCH', '/v1/persons/{personId}', {
      path: { personId: person.personId },
      body: { name: '陈晶' },
      headers: { 'if-match': '"1"' },
    });
    expect(noReason.status).toBe(422);
    expect(noReason.body.errors[0].field).toBe('body.reason');
    const sexOnly = await call('PATCH', '/v1/persons/{personId}', {
      path: { personId: person.personId },
      body: { reason: 'wrong sex', sex: 'male' },
      headers: { 'if-match': '"1"' },
    });
    expect(sexOnly.status).toBe(422);
    expect(sexOnly.body.errors.map((e: { field: string }) => e.field)).toContain('body.residentId');
    expect(await countItems(aws.dynamodb, table)).toBe(items);
  });

  it('corrects a mistyped resident ID together with the birth date and moves the lookup to the new ID', async () => {
    const { residentId: oldId, person } = await record('1982-05-06', '006');
    const newId = residentIdFor('330106', '1982-05-07', '006');
    const corrected = await call('PATCH', '/v1/persons/{personId}', {
      path: { personId: person.personId },
      body: { reason: '身份证号录入错误', residentId: newId, birthDate: '1982-05-07' },
      headers: { 'if-match': '"1"' },
    });
    expect(corrected.status).toBe(200);
    expect(corrected.body.birthDate).toBe('1982-05-07');
    const byNew = await call('GET', '/v1/persons', { query: { residentId: newId } });
    expect(byNew.body.items.map((p: { personId: string }) => p.personId)).toEqual([person.personId]);
    const byOld = await call('GET', '/v1/persons', { query: { residentId: oldId } });
    expect(byOld.body.items).toEqual([]);
    const history = await call('GET', '/v1/persons/{personId}/history', {
      path: { personId: person.personId },
    });
    expect(JSON.stringify(history.body)).not.toContain(newId);
    expect(JSON.stringify(history.body)).not.toContain(oldId);
  });

  it('searches by resident ID or by name and birth date, only inside the caller region', async () => {
    const { residentId, person } = await record('1983-07-08', '008', { name: '周敏' });
    const found = await call('GET', '/v1/persons', { query: { residentId: residentId.toLowerCase() } });
    expect(found.status).toBe(200);
    expect(found.body.items).toHaveLength(1);
    const byName = await call('GET', '/v1/persons', {
      query: { name: '周敏', birthDate: '1983-07-08' },
      claims: auditor,
    });
    expect(byName.body.items.map((p: { personId: string }) => p.personId)).toContain(person.personId);
    const elsewhere = staffClaims('registrar-cd', ['registrar'], '510100');
    expect(
      (await call('GET', '/v1/persons', { query: { residentId }, claims: elsewhere })).body.items,
    ).toEqual([]);
    const bad = await call('GET', '/v1/persons', { query: { residentId: '123' } });
    expect(bad.status).toBe(422);
    const none = await call('GET', '/v1/persons', { query: {} });
    expect(none.status).toBe(422);
  });

  it('records a change of residence and a death as actions, once', async () => {
    const { person } = await record('1950-09-10', '010');
    const path = { personId: person.personId, action: 'change-residence' };
    const moved = await call('POST', '/v1/persons/{personId}/actions/{action}', {
      path,
      body: { residenceRegion: '330108', since: '2020-01-01' },
      headers: { 'if-match': '"1"' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ residenceRegion: '330108', version: 2 });
    const died = await call('POST', '/v1/persons/{personId}/actions/{action}', {
      path: { personId: person.personId, action: 'record-death' },
      body: { deathDate: '2025-12-01' },
      headers: { 'if-match': '"2"' },
    });
    expect(died.status).toBe(200);
    expect(died.body).toMatchObject({ alive: false, deathDate: '2025-12-01', version: 3 });
    const again = await call('POST', '/v1/persons/{personId}/actions/{action}', {
      path: { personId: person.personId, action: 'record-death' },
      body: { deathDate: '2025-12-01' },
      headers: { 'if-match': '"3"' },
    });
    expect(again.status).toBe(409);
    const unknown = await call('POST', '/v1/persons/{personId}/actions/{action}', {
      path: { personId: person.personId, action: 'resurrect' },
      body: {},
      headers: { 'if-match': '"3"' },
    });
    expect(unknown.status).toBe(422);
  });

  it('refuses changes from another region and from auditors', async () => {
    const { person } = await record('1984-11-12', '012');
    const elsewhere = staffClaims('registrar-cd', ['registrar'], '510100');
    const patch = await call('PATCH', '/v1/persons/{personId}', {
      path: { personId: person.personId },
      body: { reason: 'x', name: '王五' },
      headers: { 'if-match': '"1"' },
      claims: elsewhere,
    });
    expect(patch.status).toBe(403);
    expect(JSON.stringify(patch.body)).not.toContain('陈静');
    const byAuditor = await call('PATCH', '/v1/persons/{personId}', {
      path: { personId: person.personId },
      body: { reason: 'x', name: '王五' },
      headers: { 'if-match': '"1"' },
      claims: auditor,
    });
    expect(byAuditor.status).toBe(403);
  });
});
