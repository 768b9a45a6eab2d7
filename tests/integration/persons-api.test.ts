import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoAccessLog } from '../../functions/registry/adapters/access-log-repository';
import { dynamoPersonRepository } from '../../functions/registry/adapters/person-repository';
import { hmacResidentIdHasher } from '../../functions/registry/adapters/resident-id-hasher';
import { buildPersonsApi } from '../../functions/registry/handlers/persons-api';
import { apiEvent, staffClaims } from '../support/api-event';
import { context, parsed, quietObservability } from '../support/lambda';
import { countItems, provisionForTest } from '../support/local-aws';
import { testPersonRefOf } from '../support/person-refs';
import { residentIdFor } from '../support/resident-ids';

/** A checksum-valid resident ID for a person born on `birth` (YYYYMMDD) in Xihu, Hangzhou. */
const residentId = (birth: string, sequence: string) => residentIdFor('330106', birth, sequence);

const person = (overrides: Record<string, unknown> = {}) => ({
  residentId: residentId('19900101', '123'),
  name: '王小明',
  sex: 'male',
  birthDate: '1990-01-01',
  hukouRegion: '330106',
  residenceRegion: '330106',
  ...overrides,
});

const registrar = staffClaims('registrar-1', ['registrar'], '330100');

describe('persons API against DynamoDB Local', () => {
  let handler: ReturnType<typeof buildPersonsApi>;
  let tables: { registry: string; idempotency: string };
  let aws: Awaited<ReturnType<typeof provisionForTest>>['aws'];

  beforeAll(async () => {
    const provisioned = await provisionForTest('61');
    aws = provisioned.aws;
    tables = {
      registry: provisioned.resources.tables.registry,
      idempotency: provisioned.resources.tables.idempotency,
    };
    handler = buildPersonsApi({
      accessLog: dynamoAccessLog(aws.documents, tables.registry),
      persons: dynamoPersonRepository(aws.documents, tables.registry),
      hasher: hmacResidentIdHasher('k'.repeat(64)),
      personRefOf: testPersonRefOf,
      idempotency: new DynamoDBPersistenceLayer({
        tableName: tables.idempotency,
        awsSdkV3Client: aws.dynamodb,
      }),
      observability: quietObservability(),
    });
  });

  const post = async (body: unknown, headers: Record<string, string> = {}, claims = registrar) =>
    parsed(
      await handler(
        apiEvent({
          method: 'POST',
          route: '/v1/persons',
          body: typeof body === 'string' ? body : JSON.stringify(body),
          headers: { 'content-type': 'application/json', ...headers },
          claims,
        }),
        context(),
      ),
    );
  const get = async (personId: string, claims = registrar) =>
    parsed(
      await handler(
        apiEvent({
          method: 'GET',
          route: '/v1/persons/{personId}',
          path: `/v1/persons/${personId}`,
          pathParameters: { personId },
          claims,
        }),
        context(),
      ),
    );

  it('records a person, masks the resident ID and reads it back with its ETag', async () => {
    const created = await post(
      person({ residentId: residentId('19850315', '246'), sex: 'female', birthDate: '1985-03-15' }),
    );
    expect(created.status).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    expect(created.headers.location).toBe(`/v1/persons/${created.body.personId}`);
    expect(created.body.residentIdMasked).toMatch(/^3301\*{10}\d{3}[\dX]$/);
    expect(JSON.stringify(created.body)).not.toContain(residentId('19850315', '246'));
    const read = await get(created.body.personId);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    expect(read.headers.etag).toBe('"1"');
  });

  it('keeps one person per resident ID: a second record is a 409 and writes nothing', async () => {
    const id = residentId('19700707', '111');
    const first = await post(person({ residentId: id, birthDate: '1970-07-07' }));
    expect(first.status).toBe(201);
    const items = await countItems(aws.dynamodb, tables.registry);
    const again = await post(
      person({ residentId: id.toLowerCase(), birthDate: '1970-07-07', name: '王大明' }),
    );
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toBe('application/problem+json');
    expect(JSON.stringify(again.body)).not.toContain(id);
    expect(await countItems(aws.dynamodb, tables.registry)).toBe(items);
  });

  it('refuses a record whose fields disagree with the resident ID, naming the fields, and writes nothing', async () => {
    const items = await countItems(aws.dynamodb, tables.registry);
    const res = await post(
      person({ residentId: residentId('19900102', '124'), birthDate: '1990-01-01', sex: 'male' }),
    );
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.birthDate',
      'body.sex',
    ]);
    expect(await countItems(aws.dynamodb, tables.registry)).toBe(items);
  });

  it('refuses a schema-invalid body with every bad field named, and writes nothing', async () => {
    const items = await countItems(aws.dynamodb, tables.registry);
    const res = await post({
      residentId: '123',
      name: 'A1',
      sex: 'unknown',
      birthDate: '1990-13-01',
      hukouRegion: '33',
      residenceRegion: 330106,
    });
    expect(res.status).toBe(422);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'body.residentId',
        'body.name',
        'body.sex',
        'body.birthDate',
        'body.hukouRegion',
        'body.residenceRegion',
      ]),
    );
    expect(await countItems(aws.dynamodb, tables.registry)).toBe(items);
  });

  it('keeps registrars inside their region', async () => {
    const outside = await post(
      person({
        residentId: residentId('19920202', '135'),
        birthDate: '1992-02-02',
        hukouRegion: '510104',
        residenceRegion: '510104',
      }),
    );
    expect(outside.status).toBe(403);
    const created = await post(
      person({ residentId: residentId('19930303', '157'), birthDate: '1993-03-03' }),
    );
    const otherRegion = staffClaims('registrar-2', ['registrar'], '330200');
    expect((await get(created.body.personId, otherRegion)).status).toBe(403);
    expect((await get(created.body.personId, staffClaims('auditor-1', ['auditor'], '330000'))).status).toBe(
      200,
    );
  });

  it('answers 404 for an unknown person and 422 for a malformed id', async () => {
    expect((await get('01HZZZZZZZZZZZZZZZZZZZZZZZ')).status).toBe(404);
    const bad = await get('../../etc/passwd');
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe('path.personId');
  });

  it('replays the first response for a repeated Idempotency-Key and records the person once', async () => {
    const body = person({ residentId: residentId('19880808', '179'), birthDate: '1988-08-08' });
    const key = { 'idempotency-key': 'create-19880808-1' };
    const first = await post(body, key);
    expect(first.status).toBe(201);
    const items = await countItems(aws.dynamodb, tables.registry);
    const replay = await post(body, key);
    expect(replay.status).toBe(201);
    expect(replay.body.personId).toBe(first.body.personId);
    expect(await countItems(aws.dynamodb, tables.registry)).toBe(items);
  });

  it('refuses the same Idempotency-Key with a different body', async () => {
    const key = { 'idempotency-key': 'create-reused-1' };
    expect(
      (await post(person({ residentId: residentId('19950505', '191'), birthDate: '1995-05-05' }), key))
        .status,
    ).toBe(201);
    const reused = await post(
      person({ residentId: residentId('19960606', '193'), birthDate: '1996-06-06' }),
      key,
    );
    expect(reused.status).toBe(422);
    expect(reused.body.type).toBe('urn:cn:gov:jiahe:problem:idempotency-key-reused');
  });

  it('scopes Idempotency-Key to the caller: another registrar with the same key is not replayed', async () => {
    const key = { 'idempotency-key': 'shared-key' };
    const a = await post(person({ residentId: residentId('19971010', '213'), birthDate: '1997-10-10' }), key);
    const b = await post(
      person({ residentId: residentId('19981111', '215'), birthDate: '1998-11-11' }),
      key,
      staffClaims('registrar-9', ['registrar'], '330000'),
    );
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.personId).not.toBe(a.body.personId);
  });
});
