import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoAccessLog } from '../../functions/registry/adapters/access-log-repository';
import {
  dynamoHouseholdRepository,
  householdItem,
  memberKey,
} from '../../functions/registry/adapters/household-repository';
import { dynamoMandateRepository } from '../../functions/registry/adapters/mandate-repository';
import { dynamoPersonRepository } from '../../functions/registry/adapters/person-repository';
import { hmacResidentIdHasher } from '../../functions/registry/adapters/resident-id-hasher';
import { mandateAccessEntries } from '../../functions/registry/domain/access-log';
import { registryFamilyDirectory } from '../../functions/registry/domain/family-directory';
import type { Household } from '../../functions/registry/domain/household';
import { revokeMandate } from '../../functions/registry/domain/mandate';
import { buildAccessLogApi } from '../../functions/registry/handlers/access-log-api';
import { buildFamilyApi } from '../../functions/registry/handlers/family-api';
import { buildPersonsApi } from '../../functions/registry/handlers/persons-api';
import type { Clock } from '../../shared/domain/clock';
import { StaleVersionError } from '../../shared/domain/errors';
import { newUlid } from '../../shared/domain/ids';
import { cursorSealer } from '../../shared/http/cursor';
import { citizenClaims, staffClaims } from '../support/api-event';
import { callApi } from '../support/call-api';
import { quietObservability } from '../support/lambda';
import { countItems, provisionForTest } from '../support/local-aws';
import { testPersonRefOf } from '../support/person-refs';
import { residentIdFor } from '../support/resident-ids';

const registrar = staffClaims('registrar-mu', ['registrar'], '330100');
const auditor = staffClaims('auditor-mu', ['auditor'], '330000');
const elderId = residentIdFor('330106', '1950-06-01', '042');
const childId = residentIdFor('330106', '1978-03-09', '013');
const wardId = residentIdFor('330106', '1941-02-03', '024');
const strangerId = residentIdFor('330106', '1985-07-07', '035');
const elder = citizenClaims('citizen-elder', elderId);
const child = citizenClaims('citizen-child', childId);
const ward = citizenClaims('citizen-ward', wardId);
const stranger = citizenClaims('citizen-stranger', strangerId);
const CURSOR_SECRET = 'c'.repeat(64);

/** A clock a second on at each reading, from a fixed day: entries keep their order, whatever today is. */
function steppingClock(start: string): Clock {
  let n = 0;
  return { now: () => new Date(Date.parse(start) + 1000 * n++) };
}

interface Entry {
  personId: string;
  action: string;
  actor: string;
  record: string;
  staff?: string;
  channel?: string;
}

describe('mandate changes in the access log, and the paged family lists, against DynamoDB Local', () => {
  let aws: Awaited<ReturnType<typeof provisionForTest>>['aws'];
  let table: string;
  let family: ReturnType<typeof buildFamilyApi>;
  let log: ReturnType<typeof buildAccessLogApi>;
  const ids = { elder: '', child: '', ward: '', stranger: '' };
  let householdId: string;

  beforeAll(async () => {
    const provisioned = await provisionForTest('54');
    aws = provisioned.aws;
    table = provisioned.resources.tables.registry;
    const clock = steppingClock('2026-11-20T02:00:00.000Z');
    const persons = dynamoPersonRepository(aws.documents, table);
    const households = dynamoHouseholdRepository(aws.documents, table);
    const mandates = dynamoMandateRepository(aws.documents, table);
    const accessLog = dynamoAccessLog(aws.documents, table);
    const personsApi = buildPersonsApi({
      accessLog,
      persons,
      hasher: hmacResidentIdHasher('k'.repeat(64)),
      personRefOf: testPersonRefOf,
      observability: quietObservability(),
    });
    family = buildFamilyApi({
      persons,
      households,
      mandates,
      accessLog,
      personRefOf: testPersonRefOf,
      clock,
      cursorSecret: CURSOR_SECRET,
      observability: quietObservability(),
    });
    log = buildAccessLogApi({
      accessLog,
      persons,
      family: registryFamilyDirectory({ persons, households, mandates }),
      personRefOf: testPersonRefOf,
      observability: quietObservability(),
    });
    const record = async (residentId: string, name: string, sex: string, birthDate: string) => {
      const recorded = await callApi(personsApi, 'POST', '/v1/persons', {
        claims: registrar,
        body: { residentId, name, sex, birthDate, hukouRegion: '330106', residenceRegion: '330106' },
      });
      expect(recorded.status).toBe(201);
      return recorded.body.personId as string;
    };
    ids.elder = await record(elderId, '王秀英', 'female', '1950-06-01');
    ids.child = await record(childId, '王明', 'male', '1978-03-09');
    ids.ward = await record(wardId, '赵老', 'female', '1941-02-03');
    ids.stranger = await record(strangerId, '钱某', 'male', '1985-07-07');
    // The elder is a mother in a household with her son, as registering his birth left it.
    householdId = newUlid();
    const household: Household = {
      householdId,
      members: [
        { role: 'mother', personId: ids.elder, birthDate: '1950-06-01', alive: true, disabled: false },
        {
          role: 'child',
          personId: ids.child,
          birthDate: '1978-03-09',
          sex: 'male',
          alive: true,
          disabled: false,
        },
      ],
      version: 1,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      eventId: newUlid(),
    };
    await aws.documents.send(new PutCommand({ TableName: table, Item: householdItem(household) }));
    for (const personId of [ids.elder, ids.child]) {
      await aws.documents.send(
        new PutCommand({
          TableName: table,
          Item: { ...memberKey(personId), entity: 'HouseholdIndex', householdId },
        }),
      );
    }
  });

  /** The entries of a citizen's log (one large page) about one mandate. */
  const entriesOf = async (claims: Record<string, string>, mandateId: string): Promise<Entry[]> => {
    const page = await callApi(log, 'GET', '/v1/me/access-log', { claims, query: { limit: '100' } });
    expect(page.status).toBe(200);
    return page.body.items.filter((e: Entry) => e.record === `mandate/${mandateId}`);
  };
  const byStaff = async (staff: string): Promise<Entry[]> => {
    const page = await callApi(log, 'GET', '/v1/access-log', {
      claims: auditor,
      query: { staff, limit: '100' },
    });
    expect(page.status).toBe(200);
    return page.body.items;
  };

  it('lists a guardianship recorded and revoked at the counter in the ward’s and the guardian’s logs, and by the registrar', async () => {
    const recorded = await callApi(family, 'POST', '/v1/persons/{personId}/mandates', {
      claims: registrar,
      path: { personId: ids.ward },
      body: { kind: 'guardian', holderResidentId: childId, reason: '居委会指定监护决定书' },
    });
    expect(recorded.status).toBe(201);
    const mandateId: string = recorded.body.mandateId;
    const revoked = await callApi(
      family,
      'POST',
      '/v1/persons/{personId}/mandates/{mandateId}/actions/revoke',
      {
        claims: registrar,
        path: { personId: ids.ward, mandateId },
        body: { reason: '监护关系终止' },
      },
    );
    expect(revoked.status).toBe(200);

    const byRegistrar = {
      actor: 'staff',
      staff: 'registrar-mu',
      role: 'registrar',
      region: '3301',
      purpose: 'counter-service',
      channel: 'counter',
      record: `mandate/${mandateId}`,
    };
    const expected = (personId: string) => [
      expect.objectContaining({
        ...byRegistrar,
        personId,
        action: 'mandate-revoked',
        route: 'POST /v1/persons/{personId}/mandates/{mandateId}/actions/revoke',
      }),
      expect.objectContaining({
        ...byRegistrar,
        personId,
        action: 'mandate-recorded',
        route: 'POST /v1/persons/{personId}/mandates',
      }),
    ];
    expect(await entriesOf(ward, mandateId)).toEqual(expected(ids.ward));
    // The guardian's log holds his own entries (the ward's left it with the revocation).
    expect(await entriesOf(child, mandateId)).toEqual(expected(ids.child));

    const registrarEntries = (await byStaff('registrar-mu')).filter(
      (e) => e.record === `mandate/${mandateId}`,
    );
    expect(registrarEntries.map((e) => `${e.action} ${e.personId}`).sort()).toEqual(
      [
        `mandate-recorded ${ids.child}`,
        `mandate-recorded ${ids.ward}`,
        `mandate-revoked ${ids.child}`,
        `mandate-revoked ${ids.ward}`,
      ].sort(),
    );
    expect(registrarEntries[0]).toMatchObject({ readId: expect.any(String), regions: ['330106'] });
    // What was shown at the counter stays with staff: the families' logs carry no reason.
    expect(JSON.stringify(await entriesOf(ward, mandateId))).not.toContain('监护');
  });

  it('lists an authorisation given in the app and revoked by its holder, naming which of the two acted and no login', async () => {
    const given = await callApi(family, 'POST', '/v1/me/mandates', {
      claims: elder,
      body: { holderResidentId: childId },
    });
    expect(given.status).toBe(201);
    const mandateId: string = given.body.mandateId;
    const revoked = await callApi(family, 'POST', '/v1/me/mandates/{mandateId}/actions/revoke', {
      claims: child,
      path: { mandateId },
      body: {},
    });
    expect(revoked.status).toBe(200);

    const inApp = (personId: string) => [
      {
        at: expect.any(String),
        personId,
        action: 'mandate-revoked',
        actor: 'holder',
        channel: 'app',
        route: 'POST /v1/me/mandates/{mandateId}/actions/revoke',
        record: `mandate/${mandateId}`,
      },
      {
        at: expect.any(String),
        personId,
        action: 'mandate-recorded',
        actor: 'person',
        channel: 'app',
        route: 'POST /v1/me/mandates',
        record: `mandate/${mandateId}`,
      },
    ];
    const elderLog = await entriesOf(elder, mandateId);
    const childLog = await entriesOf(child, mandateId);
    expect(elderLog).toEqual(inApp(ids.elder));
    expect(childLog).toEqual(inApp(ids.child));
    // Neither login nor resident ID of either person is in anyone's view of it.
    const shown = JSON.stringify([elderLog, childLog]);
    for (const secret of ['citizen-elder', 'citizen-child', elderId, childId])
      expect(shown).not.toContain(secret);

    // The auditor finds the app's entries by person, and under no staff member.
    const aboutElder = await callApi(log, 'GET', '/v1/access-log', {
      claims: auditor,
      query: { personId: ids.elder, limit: '100' },
    });
    expect(
      aboutElder.body.items
        .filter((e: Entry) => e.record === `mandate/${mandateId}`)
        .map((e: Entry) => e.actor),
    ).toEqual(['holder', 'person']);
    for (const subject of ['citizen-elder', 'citizen-child']) expect(await byStaff(subject)).toEqual([]);
  });

  it('shows a stranger, and a ward, nothing of another family’s mandates', async () => {
    const strangers = await callApi(log, 'GET', '/v1/me/access-log', {
      claims: stranger,
      query: { limit: '100' },
    });
    expect(strangers.status).toBe(200);
    const text = JSON.stringify(strangers.body);
    for (const personId of [ids.elder, ids.child, ids.ward]) expect(text).not.toContain(personId);
    expect(strangers.body.items.every((e: Entry) => e.action === 'read')).toBe(true);
    const wards = await callApi(log, 'GET', '/v1/me/access-log', { claims: ward, query: { limit: '100' } });
    expect(wards.body.items.every((e: Entry) => e.personId === ids.ward)).toBe(true);
  });

  it('writes a change and its entries together: a stale revocation writes neither, a repeated append adds nothing', async () => {
    const mandates = dynamoMandateRepository(aws.documents, table);
    const accessLog = dynamoAccessLog(aws.documents, table);
    const given = await callApi(family, 'POST', '/v1/me/mandates', {
      claims: elder,
      body: { holderResidentId: childId },
    });
    expect(given.status).toBe(201);
    const mandate = await mandates.find(given.body.mandateId);
    if (!mandate) throw new Error('the mandate was not stored');
    const next = revokeMandate(mandate, 'citizen-elder', '2026-11-20T05:00:00.000Z', newUlid());
    const entries = mandateAccessEntries(
      next,
      { actor: 'person', route: 'POST /v1/me/mandates/{mandateId}/actions/revoke' },
      { person: ['330106'], holder: ['330106'] },
    );
    const before = await countItems(aws.dynamodb, table);
    await expect(mandates.save(next, mandate.version + 1, entries)).rejects.toThrow(StaleVersionError);
    expect(await countItems(aws.dynamodb, table)).toBe(before);

    // The mandate's item is replaced; the two entries are new.
    await mandates.save(next, mandate.version, entries);
    expect(await countItems(aws.dynamodb, table)).toBe(before + 2);
    // A retry that appends the same change again (same keys) leaves the log as it was.
    await accessLog.append(entries);
    await accessLog.append(
      mandateAccessEntries(next, { actor: 'holder', route: 'forged' }, { person: [], holder: [] }),
    );
    expect(await countItems(aws.dynamodb, table)).toBe(before + 2);
    expect(await entriesOf(elder, mandate.mandateId)).toEqual([
      expect.objectContaining({ action: 'mandate-revoked', actor: 'person' }),
      expect.objectContaining({ action: 'mandate-recorded', actor: 'person' }),
    ]);
  });

  it('reads an entry stored before mandate changes were logged as a staff read', async () => {
    const readId = newUlid();
    const at = '2026-11-19T08:00:00.000Z';
    await aws.documents.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: `ACCESS#${ids.stranger}`,
          sk: `${at}#${readId}`,
          entity: 'AccessEntry',
          gsi1pk: 'ACCESSBY#registrar-old',
          gsi1sk: `${at}#${readId}#${ids.stranger}`,
          readId,
          at,
          subject: 'registrar-old',
          role: 'registrar',
          region: '3301',
          route: 'GET /v1/persons/{personId}',
          purpose: 'counter-service',
          personId: ids.stranger,
          record: `person/${ids.stranger}`,
          regions: ['330106'],
        },
      }),
    );
    expect(await byStaff('registrar-old')).toEqual([
      expect.objectContaining({ action: 'read', actor: 'staff', staff: 'registrar-old', readId }),
    ]);
    const mine = await callApi(log, 'GET', '/v1/me/access-log', { claims: stranger });
    expect(mine.body.items).toContainEqual(
      expect.objectContaining({ action: 'read', record: `person/${ids.stranger}` }),
    );
  });

  it('pages /v1/me/mandates in record order, given and held together, with cursors bound to the citizen and the route', async () => {
    const all = await callApi(family, 'GET', '/v1/me/mandates', { claims: child, query: { limit: '100' } });
    expect(all.status).toBe(200);
    expect(all.body.nextCursor).toBeUndefined();
    // The son holds the guardianship and the two authorisations of the tests above.
    expect(all.body.items.length).toBeGreaterThanOrEqual(3);
    expect(all.body.items.every((m: { side: string }) => m.side === 'held')).toBe(true);
    const elders = await callApi(family, 'GET', '/v1/me/mandates', { claims: elder });
    expect(elders.body.items.every((m: { side: string; personId: string }) => m.side === 'given')).toBe(true);

    const seen: string[] = [];
    let cursor: string | undefined;
    let first: string | undefined;
    do {
      const page = await callApi(family, 'GET', '/v1/me/mandates', {
        claims: child,
        query: { limit: '1', ...(cursor ? { cursor } : {}) },
      });
      expect(page.status).toBe(200);
      expect(page.body.items).toHaveLength(1);
      seen.push(...page.body.items.map((m: { mandateId: string }) => m.mandateId));
      cursor = page.body.nextCursor;
      first ??= cursor;
    } while (cursor && seen.length < 20);
    expect(seen).toEqual(all.body.items.map((m: { mandateId: string }) => m.mandateId));
    expect([...seen].sort()).toEqual(seen);
    if (!first) throw new Error('a page of one left no cursor');

    const replays = [
      await callApi(family, 'GET', '/v1/me/mandates', { claims: elder, query: { cursor: first } }),
      await callApi(family, 'GET', '/v1/me/household', { claims: child, query: { cursor: first } }),
      await callApi(family, 'GET', '/v1/me/mandates', { claims: child, query: { cursor: `${first}x` } }),
    ];
    for (const replay of replays) {
      expect(replay.status).toBe(400);
      expect(replay.body.type).toMatch(/invalid-cursor$/);
    }
    // The list takes no filter: an unknown query parameter is refused, not ignored.
    expect(
      (await callApi(family, 'GET', '/v1/me/mandates', { claims: child, query: { side: 'held' } })).status,
    ).toBe(422);
  });

  it('pages /v1/me/household as a list of households, each with its members, with cursors bound to the citizen', async () => {
    const page = await callApi(family, 'GET', '/v1/me/household', { claims: elder, query: { limit: '1' } });
    expect(page.status).toBe(200);
    expect(page.body).toEqual({
      items: [
        expect.objectContaining({
          householdId,
          members: [
            expect.objectContaining({ role: 'mother', personId: ids.elder }),
            expect.objectContaining({ role: 'child', personId: ids.child }),
          ],
        }),
      ],
    });
    expect((await callApi(family, 'GET', '/v1/me/household', { claims: stranger })).body).toEqual({
      items: [],
    });

    // One household makes no second page, so a cursor is sealed here as the API seals one
    // for the elder (position: before every household id).
    const sealed = cursorSealer(CURSOR_SECRET).seal('0', {
      route: 'GET /v1/me/household',
      caller: JSON.stringify(['citizen-elder', ['citizen'], null]),
      filters: {},
    });
    const own = await callApi(family, 'GET', '/v1/me/household', {
      claims: elder,
      query: { cursor: sealed ?? '' },
    });
    expect(own.status).toBe(200);
    expect(own.body.items.map((h: { householdId: string }) => h.householdId)).toEqual([householdId]);
    for (const claims of [child, stranger]) {
      const replay = await callApi(family, 'GET', '/v1/me/household', {
        claims,
        query: { cursor: sealed ?? '' },
      });
      expect(replay.status).toBe(400);
      expect(replay.body.type).toMatch(/invalid-cursor$/);
    }
    const onMandates = await callApi(family, 'GET', '/v1/me/mandates', {
      claims: elder,
      query: { cursor: sealed ?? '' },
    });
    expect(onMandates.status).toBe(400);
  });
});
