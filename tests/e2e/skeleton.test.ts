import { readFileSync } from 'node:fs';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { localClientConfig } from '../../local/services/clients';
import { eventually } from '../support/in-process-runtime';
import { residentIdFor, residentIdsIn } from '../support/resident-ids';
import { http, province, token } from './support';

const usedResidentIds: string[] = [];
const person = (birth: string, sequence: string, overrides: Record<string, unknown> = {}) => {
  const id = residentIdFor('330106', birth, sequence);
  usedResidentIds.push(id);
  return {
    residentId: id,
    name: '张三',
    sex: Number(sequence) % 2 === 1 ? 'male' : 'female',
    birthDate: birth,
    hukouRegion: '510104',
    residenceRegion: '330106',
    ...overrides,
  };
};

const ddb = () => new DynamoDBClient(localClientConfig(inject('e2eDynamodbEndpoint')));
const itemCount = async (table: string) =>
  (await ddb().send(new ScanCommand({ TableName: table, Select: 'COUNT', ConsistentRead: true }))).Count ?? 0;

describe('walking skeleton over HTTP, two provinces on the local cloud', () => {
  const zj = province['33'];
  const sc = province['51'];
  let registrar: string;
  let officer: string;

  beforeAll(async () => {
    registrar = await token(zj(), 'registrar-e2e', ['registrar'], '330100');
    officer = await token(zj(), 'officer-e2e', ['payout-officer'], '330000');
  });

  it('reports both provinces healthy, with their dependencies', async () => {
    for (const base of [zj(), sc()]) {
      const health = await http(base, 'GET', '/health');
      expect(health.status).toBe(200);
      expect(health.body.status).toBe('ok');
      expect(health.body.dependencies.dynamodb.ok).toBe(true);
      expect(health.body.dependencies.sqs.ok).toBe(true);
      expect(health.body.dependencies.sqs.dlqDepth['payout-inbound-dlq']).toBe(0);
    }
  });

  it('records a person through the gateway; the event reaches payout in the same province', async () => {
    const created = await http(zj(), 'POST', '/v1/persons', {
      token: registrar,
      body: person('1961-06-01', '013'),
    });
    expect(created.status).toBe(201);
    const { personId } = created.body;
    const read = await http(zj(), 'GET', `/v1/persons/${personId}`, { token: registrar });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    const facts = await eventually(async () => {
      const reply = await http(zj(), 'GET', `/v1/person-facts/${personId}`, { token: officer });
      return reply.status === 200 ? reply.body : undefined;
    });
    expect(facts).toMatchObject({
      personId,
      version: 1,
      alive: true,
      hukouRegion: '510104',
      residenceRegion: '330106',
    });
    expect(facts).not.toHaveProperty('name');
  });

  it('keeps provinces apart: Sichuan has neither the record nor the facts', async () => {
    const created = await http(zj(), 'POST', '/v1/persons', {
      token: registrar,
      body: person('1962-07-02', '015'),
    });
    const scOfficer = await token(sc(), 'officer-sc', ['payout-officer'], '510000');
    const scRegistrar = await token(sc(), 'registrar-sc', ['registrar', 'auditor'], '510000');
    expect(
      (await http(sc(), 'GET', `/v1/persons/${created.body.personId}`, { token: scRegistrar })).status,
    ).toBe(404);
    expect(
      (await http(sc(), 'GET', `/v1/person-facts/${created.body.personId}`, { token: scOfficer })).status,
    ).toBe(404);
  });

  it('answers a bad body with a problem+json 422 naming the fields, and writes nothing', async () => {
    const before = await itemCount('p33-registry');
    const reply = await http(zj(), 'POST', '/v1/persons', {
      token: registrar,
      body: { ...person('1963-08-03', '017'), birthDate: '1963-02-30', sex: 'other' },
    });
    expect(reply.status).toBe(422);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
    expect(reply.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['body.birthDate', 'body.sex']),
    );
    expect(await itemCount('p33-registry')).toBe(before);
  });

  it('answers 401 without a token, with an expired one, or with one from another province', async () => {
    const path = '/v1/persons/01J00000000000000000000000';
    expect((await http(zj(), 'GET', path)).status).toBe(401);
    expect((await http(zj(), 'GET', path, { token: 'not-a-jwt' })).status).toBe(401);
    const foreign = await token(sc(), 'registrar-sc', ['registrar'], '330100');
    expect((await http(zj(), 'GET', path, { token: foreign })).status).toBe(401);
    const shortLived = await token(zj(), 'registrar-e2e', ['registrar'], '330100', 1);
    // Refused once its one second has passed: waits for the refusal, not for a guessed time.
    const expired = await eventually(async () => {
      const reply = await http(zj(), 'GET', path, { token: shortLived });
      return reply.status === 401 ? reply : undefined;
    });
    expect(expired.text).not.toContain('registrar');
  });

  it('answers 403 for a role the route does not admit, with no data', async () => {
    const created = await http(zj(), 'POST', '/v1/persons', {
      token: registrar,
      body: person('1964-09-04', '019'),
    });
    const denied = await http(zj(), 'GET', `/v1/persons/${created.body.personId}`, {
      token: officer,
    });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('content-type')).toBe('application/problem+json');
    expect(denied.text).not.toContain('张三');
    const officerPost = await http(zj(), 'POST', '/v1/persons', {
      token: officer,
      body: person('1965-10-05', '021'),
    });
    expect(officerPost.status).toBe(403);
  });

  it('answers like API Gateway for unknown routes, 405 for unserved methods, 415 and 413', async () => {
    expect((await http(zj(), 'GET', '/nowhere', { token: registrar })).status).toBe(404);
    const put = await http(zj(), 'PUT', '/v1/persons', { token: registrar, body: {} });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('POST, GET');
    const form = await http(zj(), 'POST', '/v1/persons', {
      token: registrar,
      body: 'a=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    const big = await http(zj(), 'POST', '/v1/persons', {
      token: registrar,
      body: { name: 'x'.repeat(100_000) },
    });
    expect(big.status).toBe(413);
  });

  it('replays a POST with the same Idempotency-Key instead of recording twice', async () => {
    const body = person('1966-11-06', '023');
    const headers = { 'idempotency-key': 'e2e-create-1' };
    const first = await http(zj(), 'POST', '/v1/persons', { token: registrar, body, headers });
    const before = await itemCount('p33-registry');
    const again = await http(zj(), 'POST', '/v1/persons', { token: registrar, body, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.personId).toBe(first.body.personId);
    expect(await itemCount('p33-registry')).toBe(before);
  });

  it('issues dev tokens only for known roles', async () => {
    const reply = await http(zj(), 'POST', '/dev/token', { body: { sub: 'x', roles: ['superuser'] } });
    expect(reply.status).toBe(422);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
  });

  it('never writes a resident ID or token to the logs', async () => {
    // A last refused request, marked: once its log line is in the file, every earlier line is too.
    const marker = `e2e-log-flush-${Date.now()}`;
    await http(zj(), 'GET', '/v1/persons/01J00000000000000000000000', {
      token: registrar,
      headers: { 'x-correlation-id': marker },
    });
    const logs = await eventually(async () => {
      const text = readFileSync(inject('e2eLogFile'), 'utf8');
      return text.includes(marker) ? text : undefined;
    });
    expect(logs.length).toBeGreaterThan(0);
    for (const id of usedResidentIds) expect(logs).not.toContain(id);
    expect(residentIdsIn(logs)).toEqual([]);
    expect(logs).not.toContain(registrar);
    expect(logs).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}\./);
  });
});
