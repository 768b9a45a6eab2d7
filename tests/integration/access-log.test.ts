import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { payoutAccessEvents } from '../../functions/payout/adapters/access-events';
import { dynamoOutboxRepository } from '../../functions/payout/adapters/outbox-repository';
import { dynamoAccessLog } from '../../functions/registry/adapters/access-log-repository';
import { dynamoCertificateRepository } from '../../functions/registry/adapters/certificate-repository';
import {
  dynamoInboundStore,
  dynamoRemoteVerifications,
} from '../../functions/registry/adapters/exchange-records';
import { dynamoHouseholdRepository } from '../../functions/registry/adapters/household-repository';
import { dynamoMandateRepository } from '../../functions/registry/adapters/mandate-repository';
import { dynamoPersonRepository } from '../../functions/registry/adapters/person-repository';
import { hmacResidentIdHasher } from '../../functions/registry/adapters/resident-id-hasher';
import { registryFamilyDirectory } from '../../functions/registry/domain/family-directory';
import { recordMandate, revokeMandate } from '../../functions/registry/domain/mandate';
import { buildAccessLogApi } from '../../functions/registry/handlers/access-log-api';
import { buildFamilyApi } from '../../functions/registry/handlers/family-api';
import { buildInboundConsumer } from '../../functions/registry/handlers/inbound-consumer';
import { buildPersonsApi } from '../../functions/registry/handlers/persons-api';
import { newUlid } from '../../shared/domain/ids';
import { eventSource } from '../../shared/events/envelope';
import type { StaffRead } from '../../shared/events/person-data-read';
import { citizenClaims, staffClaims } from '../support/api-event';
import { callApi } from '../support/call-api';
import { context, quietObservability, sqsRecord } from '../support/lambda';
import { countItems, provisionForTest } from '../support/local-aws';
import { testPersonRefOf } from '../support/person-refs';
import { residentIdFor } from '../support/resident-ids';

const registrar = staffClaims('registrar-al', ['registrar'], '330100');
const farRegistrar = staffClaims('registrar-nb', ['registrar'], '330200');
const auditor = staffClaims('auditor-al', ['auditor'], '330000');
const farAuditor = staffClaims('auditor-nb', ['auditor'], '330200');
const motherId = residentIdFor('330106', '1988-04-12', '022');
/** A citizen signed in through the real-name platform: the token carries the verified resident ID. */
const citizenOf = (sub: string, residentId: string) => citizenClaims(sub, residentId);

describe('access log ("who read my record") against DynamoDB Local', () => {
  let aws: Awaited<ReturnType<typeof provisionForTest>>['aws'];
  let table: string;
  let persons: ReturnType<typeof buildPersonsApi>;
  let log: ReturnType<typeof buildAccessLogApi>;
  let consumer: ReturnType<typeof buildInboundConsumer>;
  let personId: string;

  beforeAll(async () => {
    const provisioned = await provisionForTest('58');
    aws = provisioned.aws;
    table = provisioned.resources.tables.registry;
    const personRepository = dynamoPersonRepository(aws.documents, table);
    const accessLog = dynamoAccessLog(aws.documents, table);
    persons = buildPersonsApi({
      accessLog,
      persons: personRepository,
      hasher: hmacResidentIdHasher('k'.repeat(64)),
      personRefOf: testPersonRefOf,
      observability: quietObservability(),
    });
    log = buildAccessLogApi({
      accessLog,
      persons: personRepository,
      family: registryFamilyDirectory({
        persons: personRepository,
        households: dynamoHouseholdRepository(aws.documents, table),
        mandates: dynamoMandateRepository(aws.documents, table),
      }),
      personRefOf: testPersonRefOf,
      observability: quietObservability(),
    });
    consumer = buildInboundConsumer({
      province: '58',
      lookups: {
        findPersonByRef: (ref) => personRepository.findByPersonRef(ref),
        findCertificateByCode: (code) => dynamoCertificateRepository(aws.documents, table).findByCode(code),
        findVerification: (id) => dynamoRemoteVerifications(aws.documents, table).find(id),
      },
      store: dynamoInboundStore(aws.documents, table),
      accessLog,
      observability: quietObservability(),
    });
    const recorded = await callApi(persons, 'POST', '/v1/persons', {
      claims: registrar,
      body: {
        residentId: motherId,
        name: '林晓',
        sex: 'female',
        birthDate: '1988-04-12',
        hukouRegion: '330106',
        residenceRegion: '330106',
      },
    });
    expect(recorded.status).toBe(201);
    personId = recorded.body.personId;
  });

  const myLog = (claims: Record<string, string>, query: Record<string, string> = {}) =>
    callApi(log, 'GET', '/v1/me/access-log', { claims, query });

  it('records every staff read of a person, and the family sees who read, why and when', async () => {
    expect((await myLog(citizenOf('citizen-lin', motherId))).body.items).toEqual([]);
    const read = await callApi(persons, 'GET', '/v1/persons/{personId}', {
      claims: registrar,
      path: { personId },
    });
    expect(read.status).toBe(200);
    const history = await callApi(persons, 'GET', '/v1/persons/{personId}/history', {
      claims: registrar,
      path: { personId },
      headers: { 'access-purpose': 'data-quality' },
    });
    expect(history.status).toBe(200);
    const search = await callApi(persons, 'GET', '/v1/persons', {
      claims: registrar,
      query: { residentId: motherId },
    });
    expect(search.body.items).toHaveLength(1);

    const mine = await myLog(citizenOf('citizen-lin', motherId));
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(3);
    expect(mine.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          personId,
          staff: 'registrar-al',
          role: 'registrar',
          region: '3301',
          route: 'GET /v1/persons/{personId}',
          record: `person/${personId}`,
          purpose: 'counter-service',
          at: expect.any(String),
        }),
        expect.objectContaining({ route: 'GET /v1/persons/{personId}/history', purpose: 'data-quality' }),
        expect.objectContaining({ route: 'GET /v1/persons', record: `person/${personId}` }),
      ]),
    );
    // The log names persons by id only: never the resident ID.
    expect(JSON.stringify(mine.body)).not.toContain(motherId);
  });

  it('records nothing for a refused read or a purpose that is not one of the documented values', async () => {
    const before = await countItems(aws.dynamodb, table);
    const far = await callApi(persons, 'GET', '/v1/persons/{personId}', {
      claims: farRegistrar,
      path: { personId },
    });
    expect(far.status).toBe(403);
    const badPurpose = await callApi(persons, 'GET', '/v1/persons/{personId}', {
      claims: registrar,
      path: { personId },
      headers: { 'access-purpose': 'curiosity' },
    });
    expect(badPurpose.status).toBe(422);
    expect(badPurpose.body.errors[0].field).toBe('header.access-purpose');
    expect(await countItems(aws.dynamodb, table)).toBe(before);
  });

  it("shows another citizen, or a login without a verified resident ID, nothing of this family's log", async () => {
    const stranger = await myLog(citizenOf('citizen-x', residentIdFor('330106', '1990-02-02', '031')));
    expect(stranger.body.items).toEqual([]);
    // The claim mapping refuses a citizen token without a valid resident ID before any read.
    const { resident_id: _id, ...withoutId } = citizenOf('citizen-y', motherId);
    expect((await myLog(withoutId)).status).toBe(401);
    expect((await myLog(citizenOf('citizen-z', '330106198804120221'))).status).toBe(401);
    expect((await callApi(log, 'GET', '/v1/me/access-log', { claims: registrar })).status).toBe(403);
  });

  it('pages the family log newest first with sealed cursors bound to the citizen', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await myLog(citizenOf('citizen-lin', motherId), {
        limit: '1',
        ...(cursor ? { cursor } : {}),
      });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((e: { at: string; route: string }) => `${e.at} ${e.route}`));
      cursor = page.body.nextCursor;
      pages += 1;
      if (cursor && pages === 1) {
        const other = await myLog(citizenOf('citizen-x', residentIdFor('330106', '1990-02-02', '031')), {
          cursor,
        });
        expect(other.status).toBe(400);
      }
    } while (cursor && pages < 10);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort().reverse()).toEqual(seen);
  });

  it('lets an auditor query by person and by staff member inside their region, and records that look', async () => {
    const byPerson = await callApi(log, 'GET', '/v1/access-log', { claims: auditor, query: { personId } });
    expect(byPerson.status).toBe(200);
    expect(byPerson.body.items.length).toBeGreaterThanOrEqual(3);
    expect(byPerson.body.items[0]).toMatchObject({
      personId,
      regions: ['330106'],
      readId: expect.any(String),
    });
    const byStaff = await callApi(log, 'GET', '/v1/access-log', {
      claims: auditor,
      query: { staff: 'registrar-al' },
    });
    expect(byStaff.body.items.every((e: { staff: string }) => e.staff === 'registrar-al')).toBe(true);
    expect(byStaff.body.items.length).toBeGreaterThanOrEqual(3);

    // Outside the auditor's region: refused for a person, nothing shown for a staff member.
    const far = await callApi(log, 'GET', '/v1/access-log', { claims: farAuditor, query: { personId } });
    expect(far.status).toBe(403);
    const farStaff = await callApi(log, 'GET', '/v1/access-log', {
      claims: farAuditor,
      query: { staff: 'registrar-al' },
    });
    expect(farStaff.body.items).toEqual([]);
    const unknown = await callApi(log, 'GET', '/v1/access-log', {
      claims: auditor,
      query: { personId: newUlid() },
    });
    expect(unknown.status).toBe(404);
    const badQueries: Record<string, string>[] = [
      {},
      { personId, staff: 'registrar-al' },
      { personId: 'not-an-id' },
    ];
    for (const query of badQueries) {
      expect((await callApi(log, 'GET', '/v1/access-log', { claims: auditor, query })).status).toBe(422);
    }
    expect(
      (await callApi(log, 'GET', '/v1/access-log', { claims: registrar, query: { personId } })).status,
    ).toBe(403);

    const mine = await myLog(citizenOf('citizen-lin', motherId));
    expect(mine.body.items[0]).toMatchObject({ staff: 'auditor-al', role: 'auditor', purpose: 'audit' });
  });

  it("appends payout's reads from its events once, and refuses the same event from any other source", async () => {
    const outbox: { envelope: unknown }[] = [];
    const read: StaffRead = {
      readId: newUlid(),
      at: '2026-11-20T03:00:00.000Z',
      subject: 'officer-al',
      role: 'payout-officer',
      region: '3301',
      route: 'GET /v1/payout-batches/{batchId}/payment-file',
      purpose: 'payout-review',
    };
    // The payout adapter writes to a real outbox table in the payout area; here its messages
    // are taken as the payout publisher would take them from that table's stream.
    const sink = payoutAccessEvents({ put: async (messages) => void outbox.push(...messages) }, '58');
    await sink.record(read, [{ personId, record: 'payout-batch/B1/payment-file', regions: ['330106'] }]);
    expect(outbox).toHaveLength(1);
    const body = JSON.stringify(outbox[0]?.envelope);
    const deliver = async (raw: string, id: string) =>
      ((await consumer({ Records: [sqsRecord(id, raw)] } as SQSEvent, context())) as SQSBatchResponse)
        .batchItemFailures;
    expect(await deliver(body, 'm1')).toEqual([]);
    expect(await deliver(body, 'm2')).toEqual([]);
    const forged = JSON.stringify({
      ...(outbox[0]?.envelope as object),
      source: eventSource('51', 'payout'),
    });
    // It fails (and would rest in the DLQ after the queue's retries); nothing is appended.
    await expect(deliver(forged, 'm3')).rejects.toThrow();

    const byStaff = await callApi(log, 'GET', '/v1/access-log', {
      claims: auditor,
      query: { staff: 'officer-al' },
    });
    expect(byStaff.body.items).toEqual([
      expect.objectContaining({ personId, purpose: 'payout-review', record: 'payout-batch/B1/payment-file' }),
    ]);
  });

  it("lists a ward's reads in the guardian's log, through the one family check, while the mandate stands", async () => {
    const wardResidentId = residentIdFor('330106', '1950-06-01', '044');
    const ward = await callApi(persons, 'POST', '/v1/persons', {
      claims: registrar,
      body: {
        residentId: wardResidentId,
        name: '林老',
        sex: 'female',
        birthDate: '1950-06-01',
        hukouRegion: '330106',
        residenceRegion: '330106',
      },
    });
    expect(ward.status).toBe(201);
    const wardId: string = ward.body.personId;
    const mandates = dynamoMandateRepository(aws.documents, table);
    const guardianship = recordMandate({
      mandateId: newUlid(),
      kind: 'guardian',
      personId: wardId,
      holderPersonId: personId,
      channel: 'counter',
      recordedBy: 'registrar-al',
      recordedAt: '2026-11-20T02:30:00.000Z',
      reason: 'Decision of the residents committee',
      eventId: newUlid(),
    });
    // Seeded as the counter would leave it; the entries of mandate changes are tested below.
    await mandates.add(guardianship, []);
    const read = await callApi(persons, 'GET', '/v1/persons/{personId}', {
      claims: registrar,
      path: { personId: wardId },
    });
    expect(read.status).toBe(200);

    const wardEntries = async () =>
      (await myLog(citizenOf('citizen-lin', motherId), { limit: '100' })).body.items.filter(
        (e: { personId: string }) => e.personId === wardId,
      );
    expect(await wardEntries()).toEqual([
      expect.objectContaining({
        personId: wardId,
        route: 'GET /v1/persons/{personId}',
        staff: 'registrar-al',
      }),
    ]);
    // A registrar's look at the ward's mandates names both people: both logs show it.
    const family = buildFamilyApi({
      persons: dynamoPersonRepository(aws.documents, table),
      households: dynamoHouseholdRepository(aws.documents, table),
      mandates,
      accessLog: dynamoAccessLog(aws.documents, table),
      personRefOf: testPersonRefOf,
      observability: quietObservability(),
    });
    const looked = await callApi(family, 'GET', '/v1/persons/{personId}/mandates', {
      claims: registrar,
      path: { personId: wardId },
    });
    expect(looked.status).toBe(200);
    expect(looked.body.given).toEqual([expect.objectContaining({ holderPersonId: personId })]);
    const mandateReads = (
      await myLog(citizenOf('citizen-lin', motherId), { limit: '100' })
    ).body.items.filter((e: { route: string }) => e.route === 'GET /v1/persons/{personId}/mandates');
    expect(mandateReads.map((e: { personId: string }) => e.personId).sort()).toEqual(
      [personId, wardId].sort(),
    );
    expect(mandateReads.every((e: { record: string }) => e.record === `person/${wardId}/mandates`)).toBe(
      true,
    );
    // The ward herself sees it; a stranger does not.
    const own = await myLog(citizenOf('citizen-ward', wardResidentId));
    expect(own.body.items.length).toBeGreaterThanOrEqual(2);
    expect(own.body.items.every((e: { personId: string }) => e.personId === wardId)).toBe(true);
    const stranger = await myLog(citizenOf('citizen-x', residentIdFor('330106', '1990-02-02', '031')));
    expect(JSON.stringify(stranger.body)).not.toContain(wardId);

    // Revoked, the guardian no longer acts for her, and her reads leave the guardian's log.
    await mandates.save(
      revokeMandate(
        guardianship,
        'registrar-al',
        '2026-11-20T02:40:00.000Z',
        newUlid(),
        'Guardianship ended',
      ),
      guardianship.version,
      [],
    );
    expect(await wardEntries()).toEqual([]);
  });

  it('keeps an entry exactly as first written: appending its key again changes nothing', async () => {
    const accessLog = dynamoAccessLog(aws.documents, table);
    const entry = {
      actor: 'staff' as const,
      action: 'read' as const,
      readId: newUlid(),
      at: '2026-11-20T04:00:00.000Z',
      subject: 'registrar-al',
      role: 'registrar' as const,
      route: 'GET /v1/persons/{personId}',
      purpose: 'counter-service' as const,
      personId,
      record: `person/${personId}`,
      regions: ['330106'],
    };
    await accessLog.append([entry]);
    await accessLog.append([{ ...entry, purpose: 'audit', subject: 'someone-else' }]);
    const page = await accessLog.ofPersons([personId], 100);
    const stored = page.items.filter((e) => e.readId === entry.readId);
    expect(stored).toEqual([entry]);
  });
});

describe('the payout outbox adapter', () => {
  it('stores one event per hundred persons of a bulk read', async () => {
    const provisioned = await provisionForTest('59');
    const payoutTable = provisioned.resources.tables.payout;
    const sink = payoutAccessEvents(dynamoOutboxRepository(provisioned.aws.documents, payoutTable), '59');
    const reads = Array.from({ length: 250 }, () => ({
      personId: newUlid(),
      record: 'payout-batch/B2/payment-file',
      regions: ['590101'],
    }));
    await sink.record(
      {
        readId: newUlid(),
        at: '2026-11-20T05:00:00.000Z',
        subject: 'officer-x',
        role: 'payout-officer',
        route: 'GET /v1/payout-batches/{batchId}/payment-file',
        purpose: 'payout-review',
      },
      reads,
    );
    expect(await countItems(provisioned.aws.dynamodb, payoutTable)).toBe(3);
  });
});
