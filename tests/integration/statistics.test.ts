import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoAccessLog } from '../../functions/registry/adapters/access-log-repository';
import { dynamoBirthRegistrationRepository } from '../../functions/registry/adapters/birth-registration-repository';
import { dynamoBirthsElsewhere } from '../../functions/registry/adapters/exchange-records';
import { aesGcmFieldCipher } from '../../functions/registry/adapters/field-cipher';
import { dynamoHouseholdRepository } from '../../functions/registry/adapters/household-repository';
import { dynamoMandateRepository } from '../../functions/registry/adapters/mandate-repository';
import { dynamoPersonRepository } from '../../functions/registry/adapters/person-repository';
import { hmacResidentIdHasher } from '../../functions/registry/adapters/resident-id-hasher';
import { dynamoStatisticsStore } from '../../functions/registry/adapters/statistics-repository';
import { buildBirthRegistrationsApi } from '../../functions/registry/handlers/birth-registrations-api';
import { buildPersonsApi } from '../../functions/registry/handlers/persons-api';
import { buildReportsApi } from '../../functions/registry/handlers/reports-api';
import { buildStatisticsProjector } from '../../functions/registry/handlers/statistics-projector';
import { registryManifest } from '../../functions/registry/manifest';
import { BirthsReportView } from '../../functions/registry/schemas';
import type { Poller } from '../../local/pollers/sqs-poller';
import { startStreamPoller } from '../../local/pollers/stream-poller';
import type { Clock } from '../../shared/domain/clock';
import { functionSpec } from '../../shared/manifest';
import { staffClaims } from '../support/api-event';
import { type CallOptions, callApi } from '../support/call-api';
import { eventually, inProcessRuntime } from '../support/in-process-runtime';
import { context, quietObservability } from '../support/lambda';
import { provisionForTest } from '../support/local-aws';
import { testPersonRefOf } from '../support/person-refs';
import { residentIdFor } from '../support/resident-ids';

const PROVINCE = '67';
const registrar = staffClaims('registrar-1', ['registrar'], '330000');
const secondRegistrar = staffClaims('registrar-2', ['registrar'], '330000');
const hangzhouRegistrar = staffClaims('registrar-3', ['registrar'], '330100');
const hangzhouAuditor = staffClaims('auditor-1', ['auditor'], '330100');
const citizen = staffClaims('citizen-1', ['citizen']);

/** A clock the test moves, so registrations land at chosen distances from the births. */
const movableClock = () => {
  let now = new Date('2026-01-01T02:00:00.000Z');
  const clock: Clock & { set(iso: string): void } = {
    now: () => now,
    set: (iso) => {
      now = new Date(iso);
    },
  };
  return clock;
};

interface Birth {
  readonly sex: 'male' | 'female';
  readonly birthDate: string;
  readonly birthRegion: string;
  readonly motherHukou: string;
  readonly residence: string;
  readonly birthOrder: number;
  readonly motherSequence: string;
}

const registrationBody = (birth: Birth) => ({
  child: { name: '张小雨', sex: birth.sex, birthDate: birth.birthDate, birthRegion: birth.birthRegion },
  mother: {
    name: '刘梅',
    residentId: residentIdFor(birth.motherHukou, '1992-04-05', birth.motherSequence),
    birthDate: '1992-04-05',
    hukouRegion: birth.motherHukou,
  },
  residenceRegion: birth.residence,
  birthOrder: birth.birthOrder,
});

describe('birth statistics from the registry table stream', () => {
  let aws: Awaited<ReturnType<typeof provisionForTest>>['aws'];
  let resources: Awaited<ReturnType<typeof provisionForTest>>['resources'];
  let births: ReturnType<typeof buildBirthRegistrationsApi>;
  let persons: ReturnType<typeof buildPersonsApi>;
  let reports: ReturnType<typeof buildReportsApi>;
  let projector: ReturnType<typeof buildStatisticsProjector>;
  const clock = movableClock();
  const pollers: Poller[] = [];
  /** Every event the stream delivered to the projector, for the replay test. */
  const delivered: DynamoDBStreamEvent[] = [];
  const personIds: string[] = [];

  beforeAll(async () => {
    ({ aws, resources } = await provisionForTest(PROVINCE));
    const table = resources.tables.registry;
    const cipher = aesGcmFieldCipher('e'.repeat(64));
    const hasher = hmacResidentIdHasher('h'.repeat(64));
    births = buildBirthRegistrationsApi({
      accessLog: dynamoAccessLog(aws.documents, table),
      elsewhere: dynamoBirthsElsewhere(aws.documents, table),
      registrations: dynamoBirthRegistrationRepository(aws.documents, table, cipher),
      households: dynamoHouseholdRepository(aws.documents, table),
      persons: dynamoPersonRepository(aws.documents, table),
      mandates: dynamoMandateRepository(aws.documents, table),
      hasher,
      personRefOf: testPersonRefOf,
      clock,
      observability: quietObservability(),
    });
    persons = buildPersonsApi({
      accessLog: dynamoAccessLog(aws.documents, table),
      persons: dynamoPersonRepository(aws.documents, table),
      hasher,
      personRefOf: testPersonRefOf,
      clock,
      observability: quietObservability(),
    });
    const statistics = dynamoStatisticsStore(aws.documents, table);
    reports = buildReportsApi({ statistics, observability: quietObservability() });
    projector = buildStatisticsProjector({ statistics, observability: quietObservability() });
    const spec = functionSpec(registryManifest, 'registry-projections');
    pollers.push(
      startStreamPoller({
        streams: aws.streams,
        streamArn: resources.streams.registry ?? '',
        batchSize: spec.stream?.batchSize ?? 100,
        retryAttempts: 3,
        runtime: inProcessRuntime(spec, async (event: DynamoDBStreamEvent, ctx: Context) => {
          delivered.push(event);
          return projector(event, ctx);
        }),
        checkpoints: new Map<string, string>(),
        onFailure: { sqs: aws.sqs, queueUrl: resources.streamDlqs.registry?.url ?? '' },
        log: () => undefined,
        idleMs: 50,
      }),
    );
  });

  afterAll(async () => {
    await Promise.all(pollers.map((p) => p.stop()));
  });

  const call = (
    handler: (event: never, context: Context) => Promise<unknown>,
    method: string,
    route: string,
    options: CallOptions & { claims: Record<string, string> },
  ) => callApi(handler, method, route, options);

  const report = (query: Record<string, string>, claims = registrar) =>
    call(reports, 'GET', '/v1/reports/births', { query, claims });

  const act = async (
    registrationId: string,
    action: string,
    version: number,
    claims = registrar,
    body = {},
  ) => {
    const reply = await call(births, 'POST', '/v1/birth-registrations/{registrationId}/actions/{action}', {
      path: { registrationId, action },
      body,
      headers: { 'if-match': `"${version}"` },
      claims,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body;
  };

  /** Submits a birth at the counter, then validates and registers it at `registeredAt`. */
  const register = async (birth: Birth, registeredAt: string) => {
    clock.set(registeredAt);
    const submitted = await call(births, 'POST', '/v1/birth-registrations', {
      body: registrationBody(birth),
      claims: registrar,
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const id = submitted.body.registrationId as string;
    await act(id, 'validate', 1);
    await act(id, 'register', 2);
    return id;
  };

  /** Records a person and moves their residence at `at`. */
  const move = async (sequence: string, birthDate: string, from: string, to: string, at: string) => {
    clock.set(at);
    const recorded = await call(persons, 'POST', '/v1/persons', {
      body: {
        residentId: residentIdFor('330106', birthDate, sequence),
        name: '赵敏',
        sex: Number(sequence) % 2 ? 'male' : 'female',
        birthDate,
        hukouRegion: '330106',
        residenceRegion: from,
      },
      claims: registrar,
    });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(201);
    personIds.push(recorded.body.personId);
    const moved = await call(persons, 'POST', '/v1/persons/{personId}/actions/{action}', {
      path: { personId: recorded.body.personId, action: 'change-residence' },
      body: { residenceRegion: to, since: at.slice(0, 10) },
      headers: { 'if-match': '"1"' },
      claims: registrar,
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
  };

  let correctable = '';

  it('counts registered births and moves of residence by region and month', async () => {
    // A migrant family's first child, registered 15 days after the birth.
    await register(
      {
        sex: 'female',
        birthDate: '2026-01-05',
        birthRegion: '330106',
        motherHukou: '510104',
        residence: '330106',
        birthOrder: 1,
        motherSequence: '002',
      },
      '2026-01-20T02:00:00.000Z',
    );
    // A second child registered after 48 days.
    await register(
      {
        sex: 'male',
        birthDate: '2026-01-12',
        birthRegion: '330106',
        motherHukou: '330106',
        residence: '330106',
        birthOrder: 2,
        motherSequence: '004',
      },
      '2026-03-01T02:00:00.000Z',
    );
    // A third child in another county, registered after 7 days.
    correctable = await register(
      {
        sex: 'male',
        birthDate: '2026-02-03',
        birthRegion: '330108',
        motherHukou: '330102',
        residence: '330108',
        birthOrder: 3,
        motherSequence: '006',
      },
      '2026-02-10T02:00:00.000Z',
    );
    // Registered more than a year after the birth.
    await register(
      {
        sex: 'female',
        birthDate: '2023-12-20',
        birthRegion: '330106',
        motherHukou: '330106',
        residence: '330106',
        birthOrder: 1,
        motherSequence: '008',
      },
      '2026-03-05T02:00:00.000Z',
    );
    // Submitted but never registered: not a counted birth.
    clock.set('2026-01-25T02:00:00.000Z');
    const pending = await call(births, 'POST', '/v1/birth-registrations', {
      body: registrationBody({
        sex: 'male',
        birthDate: '2026-01-20',
        birthRegion: '330106',
        motherHukou: '330106',
        residence: '330106',
        birthOrder: 1,
        motherSequence: '010',
      }),
      claims: registrar,
    });
    expect(pending.status).toBe(201);
    // Back from Sichuan into Xihu, and from Xihu to Binjiang in the same city, in February; then
    // Binjiang to Shangcheng at 2026-02-28T17:00Z, already 1 March in Beijing, so March's.
    await move('013', '1988-05-06', '510104', '330106', '2026-02-15T03:00:00.000Z');
    await move('024', '1990-07-08', '330106', '330108', '2026-02-15T04:00:00.000Z');
    await move('035', '1985-09-10', '330108', '330102', '2026-02-28T17:00:00.000Z');

    // The last move is the latest write: wait until it and the births are counted.
    await eventually(async () => {
      const march = await report({ region: '330102', from: '2026-03', to: '2026-03' });
      const city = await report({ region: '3301', from: '2026-01', to: '2026-03' });
      return march.body.total.movedIn === 1 && city.body.total.births === 3 ? true : undefined;
    });
    const settled = await report({ region: '3301', from: '2026-01', to: '2026-03' });
    expect(settled.status).toBe(200);
    expect(BirthsReportView.parse(settled.body)).toEqual(settled.body);
    expect(settled.body).toEqual({
      region: '3301',
      from: '2026-01',
      to: '2026-03',
      months: [
        {
          month: '2026-01',
          births: 2,
          male: 1,
          female: 1,
          sexRatio: 100,
          birthOrder: { first: 1, second: 1, thirdOrLater: 0 },
          timeliness: { within30Days: 1, within1Year: 1, later: 0 },
          migrantBirths: 1,
          movedIn: 0,
          movedOut: 0,
        },
        {
          month: '2026-02',
          births: 1,
          male: 1,
          female: 0,
          sexRatio: null,
          birthOrder: { first: 0, second: 0, thirdOrLater: 1 },
          timeliness: { within30Days: 1, within1Year: 0, later: 0 },
          migrantBirths: 0,
          // Into the city from Sichuan; the Xihu → Binjiang move stays inside it.
          movedIn: 1,
          movedOut: 0,
        },
        {
          month: '2026-03',
          births: 0,
          male: 0,
          female: 0,
          sexRatio: null,
          birthOrder: { first: 0, second: 0, thirdOrLater: 0 },
          timeliness: { within30Days: 0, within1Year: 0, later: 0 },
          migrantBirths: 0,
          movedIn: 0,
          movedOut: 0,
        },
      ],
      total: {
        births: 3,
        male: 2,
        female: 1,
        sexRatio: 200,
        birthOrder: { first: 1, second: 1, thirdOrLater: 1 },
        timeliness: { within30Days: 2, within1Year: 1, later: 0 },
        migrantBirths: 1,
        movedIn: 1,
        movedOut: 0,
      },
    });

    // One county: every move across its border counts.
    const xihu = await report({ region: '330106', from: '2026-01', to: '2026-03' });
    expect(xihu.body.total).toMatchObject({ births: 2, male: 1, female: 1, movedIn: 1, movedOut: 1 });
    const binjiang = await report({ region: '330108', from: '2026-02', to: '2026-03' });
    expect(
      binjiang.body.months.map((m: { movedIn: number; movedOut: number }) => [m.movedIn, m.movedOut]),
    ).toEqual([
      [1, 0],
      [0, 1],
    ]);
    // A six-digit prefecture code means the whole prefecture.
    expect((await report({ region: '330100', from: '2026-01', to: '2026-03' })).body).toEqual({
      ...settled.body,
    });
    // The province over 36 months, across year ends, includes the late registration of 2023.
    const province = await report({ region: '33', from: '2023-12', to: '2026-11' });
    expect(province.body.months).toHaveLength(36);
    expect(province.body.months[0]).toMatchObject({ month: '2023-12', births: 1, female: 1 });
    expect(province.body.total).toMatchObject({
      births: 4,
      timeliness: { within30Days: 2, within1Year: 1, later: 1 },
      movedIn: 1,
      movedOut: 0,
    });
  });

  it('moves a counted birth when a correction of it is approved', async () => {
    await act(correctable, 'request-correction', 3, registrar, {
      reason: '出生医学证明上的性别为女',
      changes: { 'child.sex': 'female' },
    });
    await act(correctable, 'approve-correction', 4, secondRegistrar);
    const corrected = await eventually(async () => {
      const reply = await report({ region: '330108', from: '2026-02', to: '2026-02' });
      return reply.body.total.female === 1 ? reply : undefined;
    });
    expect(corrected.body.total).toMatchObject({ births: 1, male: 0, female: 1, sexRatio: 0 });
    const city = await report({ region: '3301', from: '2026-01', to: '2026-03' });
    expect(city.body.total).toMatchObject({ births: 3, male: 1, female: 2, sexRatio: 50 });
  });

  it('counts a redelivered stream event once', async () => {
    const before = await report({ region: '33', from: '2023-12', to: '2026-11' });
    const records = delivered.flatMap((e) => e.Records);
    const registered = records.find((r) => r.dynamodb?.NewImage?.lastActionType?.S === 'registered');
    const moved = records.find((r) => r.dynamodb?.NewImage?.lastChange?.S === 'residence-changed');
    const approved = records.find((r) => r.dynamodb?.NewImage?.lastActionType?.S === 'correction-approved');
    expect(registered && moved && approved).toBeTruthy();
    const event = { Records: [registered, moved, approved] } as DynamoDBStreamEvent;
    for (const _ of [1, 2]) {
      const response = (await projector(event, context())) as DynamoDBBatchResponse;
      expect(response.batchItemFailures).toEqual([]);
    }
    expect((await report({ region: '33', from: '2023-12', to: '2026-11' })).body).toEqual(before.body);
    // One marker per counted event: four registrations, three moves, one correction.
    const scan = await aws.dynamodb.send(new ScanCommand({ TableName: resources.tables.registry }));
    const markers = (scan.Items ?? []).filter((item) => item.pk?.S?.startsWith('STATSDONE#'));
    expect(markers).toHaveLength(8);
  });

  it('leaves out a correction of a birth that was never counted, so a later delivery can count it', async () => {
    const statistics = dynamoStatisticsStore(aws.documents, resources.tables.registry);
    const change = {
      eventId: 'correction-of-an-uncounted-birth',
      requires: 'registration-never-counted',
      updates: [{ set: 'BIRTHS' as const, region: '650102', month: '2026-01', add: { male: -1, female: 1 } }],
    };
    expect(await statistics.apply(change)).toBe('missing-prerequisite');
    expect((await statistics.read('650102', ['2026-01'])).size).toBe(0);
    const { requires: _requires, ...unconditional } = change;
    expect(await statistics.apply(unconditional)).toBe('applied');
    expect(await statistics.apply(unconditional)).toBe('duplicate');
  });

  it('stores counts only: no person ids, names or resident IDs', async () => {
    const scan = await aws.dynamodb.send(new ScanCommand({ TableName: resources.tables.registry }));
    const items = (scan.Items ?? []).map((item) => unmarshall(item));
    const stats = items.filter((item) => String(item.pk).startsWith('STATS'));
    expect(stats.length).toBeGreaterThan(0);
    const raw = JSON.stringify(stats);
    for (const id of personIds) expect(raw).not.toContain(id);
    expect(raw).not.toMatch(/张小雨|刘梅|赵敏|\d{17}[\dX]|residentId|personId|registrationId/);
  });

  it('keeps staff inside their own region', async () => {
    const outside = await report({ region: '51', from: '2026-01', to: '2026-03' }, hangzhouRegistrar);
    expect(outside.status).toBe(403);
    expect(outside.headers['content-type']).toContain('application/problem+json');
    expect((await report({ region: '33', from: '2026-01', to: '2026-03' }, hangzhouRegistrar)).status).toBe(
      403,
    );
    expect((await report({ region: '3302', from: '2026-01', to: '2026-03' }, hangzhouRegistrar)).status).toBe(
      403,
    );
    const own = await report({ from: '2026-01', to: '2026-03' }, hangzhouAuditor);
    expect(own.status).toBe(200);
    expect(own.body.region).toBe('3301');
    expect((await report({ region: '330106', from: '2026-01', to: '2026-01' }, hangzhouAuditor)).status).toBe(
      200,
    );
    expect((await report({ region: '33', from: '2026-01', to: '2026-01' }, citizen)).status).toBe(403);
  });

  it('refuses backwards, too long and malformed periods with 422 naming the field', async () => {
    const backwards = await report({ region: '3301', from: '2026-03', to: '2026-01' });
    expect(backwards.status).toBe(422);
    expect(JSON.stringify(backwards.body)).toContain('query.to');
    const tooLong = await report({ region: '3301', from: '2023-01', to: '2026-01' });
    expect(tooLong.status).toBe(422);
    expect(JSON.stringify(tooLong.body)).toContain('query.to');
    expect((await report({ region: '3301', from: '2026-1', to: '2026-02' })).status).toBe(422);
    expect((await report({ region: '3301', to: '2026-02' })).status).toBe(422);
    expect((await report({ region: '33010', from: '2026-01', to: '2026-02' })).status).toBe(422);
  });
});
