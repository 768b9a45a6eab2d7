import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoAccessLog } from '../../functions/registry/adapters/access-log-repository';
import { dynamoBirthRegistrationRepository } from '../../functions/registry/adapters/birth-registration-repository';
import { dynamoBirthsElsewhere } from '../../functions/registry/adapters/exchange-records';
import { aesGcmFieldCipher } from '../../functions/registry/adapters/field-cipher';
import { dynamoHouseholdRepository } from '../../functions/registry/adapters/household-repository';
import { dynamoMandateRepository } from '../../functions/registry/adapters/mandate-repository';
import { dynamoPersonRepository } from '../../functions/registry/adapters/person-repository';
import { hmacResidentIdHasher } from '../../functions/registry/adapters/resident-id-hasher';
import { buildBirthRegistrationsApi } from '../../functions/registry/handlers/birth-registrations-api';
import { citizenClaims, staffClaims } from '../support/api-event';
import { familyBirth as details } from '../support/birth-details';
import { type CallOptions, callApi } from '../support/call-api';
import { quietObservability } from '../support/lambda';
import { countItems, provisionForTest } from '../support/local-aws';
import { testPersonRefOf } from '../support/person-refs';
import { residentIdFor } from '../support/resident-ids';

const registrar = staffClaims('registrar-1', ['registrar'], '330100');
const otherRegistrar = staffClaims('registrar-2', ['registrar'], '330100');
/** A parent signed in at the real-name platform: the mother of these birth details. */
const motherOf = (sub: string, body: { mother: { residentId: string } }) =>
  citizenClaims(sub, body.mother.residentId);
/** Someone of another family, recorded or not. */
const stranger = (sub: string) => citizenClaims(sub, residentIdFor('330106', '1980-08-08', '092'));

describe('birth registrations against DynamoDB Local', () => {
  let handler: ReturnType<typeof buildBirthRegistrationsApi>;
  let table: string;
  let aws: Awaited<ReturnType<typeof provisionForTest>>['aws'];

  beforeAll(async () => {
    const provisioned = await provisionForTest('65');
    aws = provisioned.aws;
    table = provisioned.resources.tables.registry;
    const cipher = aesGcmFieldCipher('e'.repeat(64));
    handler = buildBirthRegistrationsApi({
      accessLog: dynamoAccessLog(aws.documents, table),
      elsewhere: dynamoBirthsElsewhere(aws.documents, table),
      registrations: dynamoBirthRegistrationRepository(aws.documents, table, cipher),
      households: dynamoHouseholdRepository(aws.documents, table),
      persons: dynamoPersonRepository(aws.documents, table),
      mandates: dynamoMandateRepository(aws.documents, table),
      hasher: hmacResidentIdHasher('h'.repeat(64)),
      personRefOf: testPersonRefOf,
      observability: quietObservability(),
    });
  });

  const call = (method: string, route: string, options: CallOptions & { claims: Record<string, string> }) =>
    callApi(handler, method, route, options);
  const act = (
    registrationId: string,
    action: string,
    version: number,
    claims = registrar,
    body: unknown = {},
  ) =>
    call('POST', '/v1/birth-registrations/{registrationId}/actions/{action}', {
      path: { registrationId, action },
      body,
      headers: { 'if-match': `"${version}"` },
      claims,
    });

  it('takes a citizen submission through validation and registration to a household with the child', async () => {
    const mother = motherOf('citizen-1', details('2026-03-01', '022'));
    const father = citizenClaims('citizen-1f', details('2026-03-01', '022').father.residentId);
    // A family registers its own births only: someone else gets the one answer for "not yours".
    const notTheirs = await call('POST', '/v1/me/birth-registrations', {
      body: details('2026-03-01', '022'),
      claims: stranger('citizen-2'),
    });
    expect(notTheirs.status).toBe(404);
    expect(notTheirs.body.detail).toBe('您的家庭中没有这个人。');
    const submitted = await call('POST', '/v1/me/birth-registrations', {
      body: details('2026-03-01', '022'),
      claims: mother,
    });
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({
      status: 'submitted',
      channel: 'app',
      version: 1,
      availableActions: ['validate'],
    });
    expect(submitted.body.details.mother.residentId).toMatch(/^5101\*+/);
    const id = submitted.body.registrationId;

    const validated = await act(id, 'validate', 1);
    expect(validated.status).toBe(200);
    expect(validated.body.status).toBe('validated');
    const registered = await act(id, 'register', 2);
    expect(registered.status).toBe(200);
    expect(registered.body.status).toBe('registered');
    expect(registered.body.registrationNumber).toMatch(/^330106-\d{4}-000001$/);

    // The child now has a person record and sits in the mother's household, an only child.
    const hasher = hmacResidentIdHasher('h'.repeat(64));
    const body = details('2026-03-01', '022');
    const child = await dynamoPersonRepository(aws.documents, table).findByResidentIdHash(
      hasher.hash(body.child.residentId),
    );
    expect(child?.person).toMatchObject({
      name: '王小宝',
      birthDate: '2026-03-01',
      hukouRegion: '510104',
      residenceRegion: '330106',
    });
    const household = await dynamoHouseholdRepository(aws.documents, table).findByMother(
      hasher.hash(body.mother.residentId),
    );
    expect(household?.members.map((m) => m.role)).toEqual(['mother', 'father', 'child']);
    const shown = await call('GET', '/v1/households/{householdId}', {
      path: { householdId: household?.householdId ?? '' },
      claims: registrar,
    });
    expect(shown.status).toBe(200);
    expect(shown.body.familyType).toBe('only-child');
    expect(shown.body.members[2]).toMatchObject({ personId: child?.person.personId, registrationId: id });

    const mine = await call('GET', '/v1/me/birth-registrations', { claims: mother });
    expect(mine.body.items.map((r: { registrationId: string }) => r.registrationId)).toEqual([id]);
    // The father sees it too: matched by person reference, not by who signed in to file it.
    const his = await call('GET', '/v1/me/birth-registrations', { claims: father });
    expect(his.body.items.map((r: { registrationId: string }) => r.registrationId)).toEqual([id]);
    // The family sees what happened and why, not which staff account did it.
    expect(mine.body.items[0].history.map((a: { type: string }) => a.type)).toEqual([
      'submitted',
      'validated',
      'registered',
    ]);
    expect(JSON.stringify(mine.body)).not.toContain('registrar-1');
    expect(
      (await call('GET', '/v1/me/birth-registrations', { claims: stranger('citizen-2') })).body.items,
    ).toEqual([]);

    const listed = await call('GET', '/v1/birth-registrations', {
      query: { status: 'registered' },
      claims: registrar,
    });
    expect(listed.body.items.map((r: { registrationId: string }) => r.registrationId)).toContain(id);
  });

  it('shows a family the births registered for it at the counter, without naming a duplicate', async () => {
    const body = details('2026-02-01', '042');
    const counter = await call('POST', '/v1/birth-registrations', { body, claims: registrar });
    expect(counter.status).toBe(201);
    // A second filing of the same birth in the app is held for review; the family is not told
    // which registration it resembles.
    const again = await call('POST', '/v1/me/birth-registrations', {
      body,
      claims: motherOf('citizen-p', body),
    });
    expect(again.status).toBe(201);
    expect(again.body.status).toBe('flagged-duplicate');
    const seen = await call('GET', '/v1/me/birth-registrations', { claims: motherOf('citizen-p', body) });
    expect(seen.body.items.map((r: { registrationId: string }) => r.registrationId).sort()).toEqual(
      [counter.body.registrationId, again.body.registrationId].sort(),
    );
    const text = JSON.stringify(seen.body);
    expect(text).not.toContain(`registration ${counter.body.registrationId}`);
    expect(text).not.toContain('duplicateOf');
    expect(text).not.toContain('Potential duplicate');
    const hold = seen.body.items
      .find((r: { registrationId: string }) => r.registrationId === again.body.registrationId)
      .history.find((a: { type: string }) => a.type === 'flagged-duplicate');
    expect(hold).toEqual(
      expect.objectContaining({ reason: 'Held for a registrar to check against the records.' }),
    );
    // Another family sees neither.
    expect(
      (await call('GET', '/v1/me/birth-registrations', { claims: stranger('citizen-q') })).body.items,
    ).toEqual([]);
  });

  it('seals cursors to their query and caller: a replay elsewhere answers 400 invalid-cursor', async () => {
    // One mother, two births: her family's list spans two pages of one.
    const family = motherOf('citizen-sealed', details('2026-04-01', '052'));
    for (const [day, sequence] of [
      ['2026-04-01', '052'],
      ['2026-04-02', '052'],
    ] as const) {
      expect(
        (await call('POST', '/v1/me/birth-registrations', { body: details(day, sequence), claims: family }))
          .status,
      ).toBe(201);
    }
    const first = await call('GET', '/v1/me/birth-registrations', { query: { limit: '1' }, claims: family });
    const mine: string = first.body.nextCursor;
    expect(mine).toEqual(expect.any(String));
    // Opaque: neither the login nor a table key can be read out of it.
    const decoded = Buffer.from(mine, 'base64url').toString('latin1');
    expect(decoded).not.toContain('citizen-sealed');
    expect(decoded).not.toMatch(/BREG|SUBMITTER|gsi/);
    const second = await call('GET', '/v1/me/birth-registrations', {
      query: { limit: '1', cursor: mine },
      claims: family,
    });
    expect(second.status).toBe(200);
    // The two pages hold the family's two registrations, each once, and nothing follows.
    expect(second.body.nextCursor).toBeUndefined();
    const paged = [...first.body.items, ...second.body.items].map(
      (r: { registrationId: string }) => r.registrationId,
    );
    expect(new Set(paged).size).toBe(2);

    const replayed = await call('GET', '/v1/me/birth-registrations', {
      query: { limit: '1', cursor: mine },
      claims: stranger('citizen-stranger'),
    });
    expect(replayed.status).toBe(400);
    expect(replayed.body.type).toMatch(/invalid-cursor$/);

    const staffFirst = await call('GET', '/v1/birth-registrations', {
      query: { status: 'submitted', limit: '1' },
      claims: registrar,
    });
    const staffCursor: string = staffFirst.body.nextCursor;
    expect(staffCursor).toEqual(expect.any(String));
    const tampered = (c: string) => `${c.slice(0, 20)}${c[20] === 'A' ? 'B' : 'A'}${c.slice(21)}`;
    const replays: { query: Record<string, string>; claims: Record<string, string>; route?: string }[] = [
      { query: { status: 'validated', limit: '1', cursor: staffCursor }, claims: registrar },
      {
        query: { status: 'submitted', region: '330106', limit: '1', cursor: staffCursor },
        claims: registrar,
      },
      { query: { status: 'submitted', limit: '1', cursor: staffCursor }, claims: otherRegistrar },
      { query: { limit: '1', cursor: staffCursor }, claims: family, route: '/v1/me/birth-registrations' },
      { query: { status: 'submitted', limit: '1', cursor: tampered(staffCursor) }, claims: registrar },
    ];
    for (const { query, claims, route } of replays) {
      const replay = await call('GET', route ?? '/v1/birth-registrations', { query, claims });
      expect(replay.status).toBe(400);
      expect(replay.body.type).toMatch(/invalid-cursor$/);
    }
    // The same query by the same caller goes on.
    const next = await call('GET', '/v1/birth-registrations', {
      query: { status: 'submitted', limit: '1', cursor: staffCursor },
      claims: registrar,
    });
    expect(next.status).toBe(200);
  });

  it('stores resident IDs encrypted, never in clear', async () => {
    const body = details('2026-03-02', '024');
    await call('POST', '/v1/birth-registrations', { body, claims: registrar });
    const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
    const scan = await aws.dynamodb.send(new ScanCommand({ TableName: table }));
    const raw = JSON.stringify(scan.Items);
    expect(raw).not.toContain(body.mother.residentId);
    expect(raw).not.toContain(body.child.residentId);
    expect(raw).toContain('enc:v1:');
  });

  it('flags a second registration of the same birth for review instead of claiming it twice', async () => {
    const body = details('2026-03-03', '026');
    const first = await call('POST', '/v1/birth-registrations', { body, claims: registrar });
    const second = await call('POST', '/v1/birth-registrations', {
      body: { ...body, child: { ...body.child, name: '王大宝' } },
      claims: registrar,
    });
    expect(first.body.status).toBe('submitted');
    expect(second.status).toBe(201);
    expect(second.body.status).toBe('flagged-duplicate');
    expect(second.body.history[1]).toMatchObject({
      type: 'flagged-duplicate',
      duplicateOf: first.body.registrationId,
    });
  });

  it('refuses invalid resident IDs, unknown regions and impossible dates by field, writing nothing', async () => {
    const items = await countItems(aws.dynamodb, table);
    const bad = details('2026-03-04', '028');
    const badId = `${bad.mother.residentId.slice(0, 17)}${bad.mother.residentId.endsWith('0') ? '1' : '0'}`;
    const reply = await call('POST', '/v1/birth-registrations', {
      body: { ...bad, mother: { ...bad.mother, residentId: badId }, residenceRegion: '330199' },
      claims: registrar,
    });
    expect(reply.status).toBe(422);
    expect(reply.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['body.residenceRegion']),
    );
    const audit = await call('POST', '/v1/birth-registrations', {
      body: { ...bad, mother: { ...bad.mother, residentId: badId } },
      claims: registrar,
    });
    expect(audit.status).toBe(422);
    expect(audit.body.errors).toContainEqual(
      expect.objectContaining({ field: 'body.mother.residentId', code: 'RID_CHECKSUM' }),
    );
    const future = await call('POST', '/v1/birth-registrations', {
      body: details('2099-01-01', '030'),
      claims: registrar,
    });
    expect(future.status).toBe(422);
    expect(await countItems(aws.dynamodb, table)).toBe(items);
  });

  it('keeps registrars to their region and citizens to the app routes', async () => {
    const created = await call('POST', '/v1/birth-registrations', {
      body: details('2026-03-05', '032'),
      claims: registrar,
    });
    // Visible to staff of the birth, residence and mother's hukou regions (here 3301 and 5101), no one else.
    const ningbo = staffClaims('registrar-nb', ['registrar'], '330200');
    const read = await call('GET', '/v1/birth-registrations/{registrationId}', {
      path: { registrationId: created.body.registrationId },
      claims: ningbo,
    });
    expect(read.status).toBe(403);
    expect(JSON.stringify(read.body)).not.toContain('李芳');
    const outside = await call('POST', '/v1/birth-registrations', {
      body: details('2026-03-06', '034', {
        residenceRegion: '510104',
        child: { ...details('2026-03-06', '034').child, birthRegion: '510104' },
      }),
      claims: registrar,
    });
    expect(outside.status).toBe(403);
    expect(
      (
        await call('GET', '/v1/birth-registrations', {
          query: { status: 'submitted', region: '51' },
          claims: registrar,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('GET', '/v1/birth-registrations/{registrationId}', {
          path: { registrationId: created.body.registrationId },
          claims: stranger('c-9'),
        })
      ).status,
    ).toBe(403);
  });

  it('corrects a registered record only with a reason and a second registrar, keeping the old value', async () => {
    const created = await call('POST', '/v1/birth-registrations', {
      body: details('2026-03-07', '036'),
      claims: registrar,
    });
    const id = created.body.registrationId;
    await act(id, 'validate', 1);
    await act(id, 'register', 2);
    const noReason = await act(id, 'request-correction', 3, registrar, {
      changes: { 'child.name': '王晓宝' },
    });
    expect(noReason.status).toBe(422);
    const requested = await act(id, 'request-correction', 3, registrar, {
      reason: '姓名录入错误',
      changes: { 'child.name': '王晓宝' },
    });
    expect(requested.status).toBe(200);
    expect((await act(id, 'approve-correction', 4, registrar)).status).toBe(403);
    const approved = await act(id, 'approve-correction', 4, otherRegistrar);
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('registered');
    expect(approved.body.details.child.name).toBe('王晓宝');
    const change = approved.body.history.find((a: { type: string }) => a.type === 'correction-approved')
      .changes['child.name'];
    expect(change).toEqual({ from: '王小宝', to: '王晓宝' });
    expect((await act(id, 'register', 5)).status).toBe(409);
    expect((await act(id, 'validate', 4)).status).toBe(412);
  });

  it('registers a birth before it happens, and numbers it once the birth is recorded', async () => {
    const expected = {
      child: { expected: true, birthDate: '2026-12-20', birthRegion: '330106' },
      mother: {
        name: '林静',
        residentId: residentIdFor('330106', '1994-02-02', '104'),
        birthDate: '1994-02-02',
        hukouRegion: '330106',
      },
      residenceRegion: '330106',
      birthOrder: 1,
    };
    const withSex = await call('POST', '/v1/me/birth-registrations', {
      body: { ...expected, child: { ...expected.child, sex: 'male' } },
      claims: motherOf('citizen-5', expected),
    });
    expect(withSex.status).toBe(422);
    expect(withSex.body.errors.map((e: { field: string }) => e.field)).toContain('body.child.sex');
    const submitted = await call('POST', '/v1/me/birth-registrations', {
      body: expected,
      claims: motherOf('citizen-5', expected),
    });
    expect(submitted.status).toBe(201);
    const id = submitted.body.registrationId;
    expect(submitted.body.details.child).toEqual({
      expected: true,
      birthDate: '2026-12-20',
      birthRegion: '330106',
    });
    await act(id, 'validate', 1);
    expect((await act(id, 'register', 2)).status).toBe(409);
    const born = await act(id, 'record-birth', 2, registrar, {
      child: { sex: 'female', birthDate: '2026-11-02', name: '林小禾' },
    });
    expect(born.status, JSON.stringify(born.body)).toBe(200);
    expect(born.body.status).toBe('submitted');
    expect(born.body.details.child).toMatchObject({ sex: 'female', birthDate: '2026-11-02', name: '林小禾' });
    await act(id, 'validate', 3);
    const registered = await act(id, 'register', 4);
    expect(registered.status).toBe(200);
    expect(registered.body.registrationNumber).toMatch(/^330106-\d{4}-\d{6}$/);
  });

  it('answers 404 for unknown registrations and 422 for unknown actions', async () => {
    expect(
      (
        await call('GET', '/v1/birth-registrations/{registrationId}', {
          path: { registrationId: '01J00000000000000000000000' },
          claims: registrar,
        })
      ).status,
    ).toBe(404);
    expect((await act('01J00000000000000000000000', 'approve', 1)).status).toBe(422);
  });
});
