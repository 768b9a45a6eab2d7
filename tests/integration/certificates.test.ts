import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoAccessLog } from '../../functions/registry/adapters/access-log-repository';
import { dynamoBirthRegistrationRepository } from '../../functions/registry/adapters/birth-registration-repository';
import {
  dynamoCertificateHouseholds,
  dynamoCertificateRepository,
} from '../../functions/registry/adapters/certificate-repository';
import {
  dynamoBirthsElsewhere,
  dynamoRemoteVerifications,
} from '../../functions/registry/adapters/exchange-records';
import { aesGcmFieldCipher } from '../../functions/registry/adapters/field-cipher';
import { dynamoHouseholdRepository } from '../../functions/registry/adapters/household-repository';
import { dynamoMandateRepository } from '../../functions/registry/adapters/mandate-repository';
import { dynamoPersonRepository } from '../../functions/registry/adapters/person-repository';
import { hmacResidentIdHasher } from '../../functions/registry/adapters/resident-id-hasher';
import { issueCertificate } from '../../functions/registry/domain/certificate';
import { registryFamilyDirectory } from '../../functions/registry/domain/family-directory';
import { syncMember } from '../../functions/registry/domain/household';
import { buildBirthRegistrationsApi } from '../../functions/registry/handlers/birth-registrations-api';
import { buildCertificatesApi } from '../../functions/registry/handlers/certificates-api';
import { fixedClock } from '../../shared/domain/clock';
import { ConflictError } from '../../shared/domain/errors';
import { newUlid } from '../../shared/domain/ids';
import { apiEvent, citizenClaims, staffClaims } from '../support/api-event';
import { familyBirth } from '../support/birth-details';
import { type CallOptions, callApi } from '../support/call-api';
import { context, parsed, quietObservability } from '../support/lambda';
import { countItems, provisionForTest } from '../support/local-aws';
import { testPersonRefOf } from '../support/person-refs';
import { recordTestPerson } from '../support/registry-persons';
import { residentIdFor } from '../support/resident-ids';

/** A Hangzhou city registrar: the office that issues, 330100 浙江省杭州市. */
const registrar = staffClaims('registrar-1', ['registrar'], '330100');
/** A Ningbo registrar: none of the families here live, were born or hold hukou there. */
const ningbo = staffClaims('registrar-nb', ['registrar'], '330200');
const auditor = staffClaims('auditor-1', ['auditor'], '330000');
/** Resident IDs of the citizens who filed in the app (the mothers), by login. */
const residentIdOf = new Map<string, string>();
const citizen = (sub: string) =>
  citizenClaims(sub, residentIdOf.get(sub) ?? residentIdFor('330106', '1981-01-01', '082'));

const HASH_KEY = 'h'.repeat(64);
const CIPHER_KEY = 'e'.repeat(64);

interface Birth {
  readonly childBirth: string;
  readonly birthOrder?: number;
}

/** A birth of the family whose mother has this resident-ID sequence (even: female). */
const details = (motherSequence: string, { childBirth, birthOrder = 1 }: Birth) =>
  familyBirth(childBirth, motherSequence, { birthOrder });

type Claims = Record<string, string>;

describe('certificates against DynamoDB Local', () => {
  let births: ReturnType<typeof buildBirthRegistrationsApi>;
  let certificates: ReturnType<typeof buildCertificatesApi>;
  let table: string;
  let aws: Awaited<ReturnType<typeof provisionForTest>>['aws'];
  const hasher = hmacResidentIdHasher(HASH_KEY);

  beforeAll(async () => {
    const provisioned = await provisionForTest('76');
    aws = provisioned.aws;
    table = provisioned.resources.tables.registry;
    const cipher = aesGcmFieldCipher(CIPHER_KEY);
    births = buildBirthRegistrationsApi({
      accessLog: dynamoAccessLog(aws.documents, table),
      elsewhere: dynamoBirthsElsewhere(aws.documents, table),
      registrations: dynamoBirthRegistrationRepository(aws.documents, table, cipher),
      households: dynamoHouseholdRepository(aws.documents, table),
      persons: dynamoPersonRepository(aws.documents, table),
      mandates: dynamoMandateRepository(aws.documents, table),
      hasher,
      personRefOf: testPersonRefOf,
      observability: quietObservability(),
    });
    certificates = buildCertificatesApi({
      accessLog: dynamoAccessLog(aws.documents, table),
      certificates: dynamoCertificateRepository(aws.documents, table),
      households: dynamoCertificateHouseholds(aws.documents, table),
      remoteVerifications: dynamoRemoteVerifications(aws.documents, table),
      province: '76',
      family: registryFamilyDirectory({
        persons: dynamoPersonRepository(aws.documents, table),
        households: dynamoHouseholdRepository(aws.documents, table),
        mandates: dynamoMandateRepository(aws.documents, table),
      }),
      personRefOf: testPersonRefOf,
      idempotency: new DynamoDBPersistenceLayer({
        tableName: provisioned.resources.tables.idempotency,
        awsSdkV3Client: aws.dynamodb,
      }),
      observability: quietObservability(),
    });
  });

  const invoke =
    (api: () => typeof births | typeof certificates) =>
    (method: string, route: string, options: CallOptions = {}) =>
      callApi(api(), method, route, options);
  const birthsCall = invoke(() => births);
  const call = invoke(() => certificates);

  /**
   * Runs the real birth registration flow (submit, validate, register) for each birth of a
   * family, in the app as `submitter` or at the counter, and answers the mother's household id.
   */
  const registeredFamily = async (
    motherSequence: string,
    birthsOfFamily: readonly Birth[],
    submitter?: string,
  ): Promise<string> => {
    if (submitter && !residentIdOf.has(submitter)) {
      // The mother is in the register, so her family is found from her verified identity.
      const mother = details(motherSequence, birthsOfFamily[0] as Birth).mother;
      residentIdOf.set(submitter, mother.residentId);
      await recordTestPerson(dynamoPersonRepository(aws.documents, table), hasher, {
        residentId: mother.residentId,
        name: mother.name,
        hukouRegion: mother.hukouRegion,
        residenceRegion: '330106',
      });
    }
    for (const birth of birthsOfFamily) {
      const submitted = await birthsCall(
        'POST',
        submitter ? '/v1/me/birth-registrations' : '/v1/birth-registrations',
        { body: details(motherSequence, birth), claims: submitter ? citizen(submitter) : registrar },
      );
      expect(submitted.status).toBe(201);
      const registrationId = submitted.body.registrationId;
      for (const [action, version] of [
        ['validate', 1],
        ['register', 2],
      ] as const) {
        const done = await birthsCall('POST', '/v1/birth-registrations/{registrationId}/actions/{action}', {
          path: { registrationId, action },
          body: {},
          headers: { 'if-match': `"${version}"` },
          claims: registrar,
        });
        expect(done.status).toBe(200);
      }
    }
    const mother = details(motherSequence, birthsOfFamily[0] ?? { childBirth: '2025-01-01' }).mother;
    const household = await dynamoHouseholdRepository(aws.documents, table).findByMother(
      hasher.hash(mother.residentId),
    );
    if (!household) throw new Error('the registered birth left no household');
    return household.householdId;
  };

  const issue = (householdId: string, kind: string, claims: Claims = registrar, headers = {}) =>
    call('POST', '/v1/certificates', { body: { householdId, kind }, claims, headers });
  const revoke = (
    certificateId: string,
    body: unknown,
    headers: Record<string, string>,
    claims = registrar,
  ) =>
    call('POST', '/v1/certificates/{certificateId}/actions/revoke', {
      path: { certificateId },
      body,
      headers,
      claims,
    });
  const verify = (code: string) => call('GET', '/v1/public/certificates/verify', { query: { code } }); // no token at all
  const list = (householdId: string, claims: Claims = registrar) =>
    call('GET', '/v1/certificates', { query: { householdId }, claims });
  const mine = (sub: string) => call('GET', '/v1/me/certificates', { claims: citizen(sub) });

  it('issues, lists, verifies publicly, revokes with If-Match and issues again', async () => {
    const householdId = await registeredFamily('102', [{ childBirth: '2025-01-10' }], 'citizen-1');

    const issued = await issue(householdId, 'only-child-parents');
    expect(issued.status).toBe(201);
    expect(issued.headers.etag).toBe('"1"');
    expect(issued.headers.location).toBe(`/v1/certificates/${issued.body.certificateId}`);
    expect(issued.body).toMatchObject({
      kind: 'only-child-parents',
      householdId,
      holderName: '李芳',
      issuingRegion: '330100',
      issuingRegionName: '浙江省杭州市',
      issuedBy: 'registrar-1',
      status: 'valid',
      version: 1,
    });
    expect(issued.body.verificationCode).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){3}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(issued.body).not.toHaveProperty('eventId');
    expect(issued.body).not.toHaveProperty('citizenSubject');
    const code: string = issued.body.verificationCode;

    const listed = await list(householdId);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([issued.body]);
    expect((await list(householdId, auditor)).body.items).toHaveLength(1);

    // Anyone may verify, typed in lower case without dashes, and learns only these six facts.
    const verified = await verify(code.replaceAll('-', '').toLowerCase());
    expect(verified.status).toBe(200);
    expect(verified.headers['cache-control']).toBe('no-store');
    expect(verified.body).toEqual({
      valid: true,
      kind: 'only-child-parents',
      issuedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      issuingRegion: '330100',
      issuingRegionName: '浙江省杭州市',
      holderNameMasked: '李*',
    });
    const disclosed = JSON.stringify(verified.body);
    for (const secret of [householdId, issued.body.certificateId, '李芳', 'registrar-1']) {
      expect(disclosed).not.toContain(secret);
    }

    const certificateId: string = issued.body.certificateId;
    const before = await countItems(aws.dynamodb, table);
    expect((await revoke(certificateId, { reason: '信息有误' }, {})).status).toBe(428);
    expect((await revoke(certificateId, { reason: '信息有误' }, { 'if-match': '"7"' })).status).toBe(412);
    expect((await revoke(certificateId, {}, { 'if-match': '"1"' })).status).toBe(422);
    expect((await revoke(certificateId, { reason: '   ' }, { 'if-match': '"1"' })).status).toBe(422);
    expect(await countItems(aws.dynamodb, table)).toBe(before);
    expect((await verify(code)).body.valid).toBe(true);

    const revoked = await revoke(certificateId, { reason: '父母信息登记有误' }, { 'if-match': '"1"' });
    expect(revoked.status).toBe(200);
    expect(revoked.headers.etag).toBe('"2"');
    expect(revoked.body).toMatchObject({
      status: 'revoked',
      revokedBy: 'registrar-1',
      revocationReason: '父母信息登记有误',
      version: 2,
    });
    expect((await revoke(certificateId, { reason: '再次撤销' }, { 'if-match': '"2"' })).status).toBe(409);

    const after = await verify(code);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ valid: false, kind: 'only-child-parents', holderNameMasked: '李*' });

    // The claim was released with the revocation: a new certificate may be issued, with a new code.
    const again = await issue(householdId, 'only-child-parents');
    expect(again.status).toBe(201);
    expect(again.body.verificationCode).not.toBe(code);
    expect((await verify(again.body.verificationCode)).body.valid).toBe(true);
    expect((await verify(code)).body.valid).toBe(false);
    const both = (await list(householdId)).body.items;
    expect(both.map((c: { status: string }) => c.status)).toEqual(['revoked', 'valid']);
  });

  it('allows one valid certificate per household and kind, and derives eligibility from the family', async () => {
    const householdId = await registeredFamily('104', [{ childBirth: '2025-02-10' }]);
    const before = await countItems(aws.dynamodb, table);
    // An only child who lives and is not disabled: no special assistance.
    const refused = await issue(householdId, 'special-assistance');
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toBe('application/problem+json');
    expect(await countItems(aws.dynamodb, table)).toBe(before);

    expect((await issue(householdId, 'only-child-parents')).status).toBe(201);
    const afterFirst = await countItems(aws.dynamodb, table);
    expect((await issue(householdId, 'only-child-parents')).status).toBe(409);
    expect(await countItems(aws.dynamodb, table)).toBe(afterFirst);
    expect((await issue(householdId, 'honour')).status).toBe(422);
    expect((await issue('not-an-id', 'only-child-parents')).status).toBe(422);
    expect((await issue(newUlid(), 'only-child-parents')).status).toBe(404);
    expect(await countItems(aws.dynamodb, table)).toBe(afterFirst);
  });

  it('refuses a household with two children (409: the household, not the request, does not qualify)', async () => {
    const householdId = await registeredFamily('106', [
      { childBirth: '2022-03-10', birthOrder: 1 },
      { childBirth: '2025-03-10', birthOrder: 2 },
    ]);
    const before = await countItems(aws.dynamodb, table);
    for (const kind of ['only-child-parents', 'special-assistance']) {
      const refused = await issue(householdId, kind);
      expect(refused.status).toBe(409);
      expect(refused.body.detail).toContain('other');
    }
    expect(await countItems(aws.dynamodb, table)).toBe(before);
  });

  it('keeps a held certificate when the only child dies, and then offers special assistance', async () => {
    const householdId = await registeredFamily('108', [{ childBirth: '2025-04-10' }], 'citizen-4');
    const held = await issue(householdId, 'only-child-parents');
    expect(held.status).toBe(201);
    // The child's death, as the household updater records it when the person's death is
    // recorded: the member is no longer alive, so the family is bereaved.
    const households = dynamoHouseholdRepository(aws.documents, table);
    const household = await households.find(householdId);
    const child = household?.members.find((m) => m.role === 'child');
    if (!household || !child?.personId) throw new Error('the registered child has no person record');
    const bereaved = syncMember(
      household,
      { personId: child.personId, alive: false, disabled: false },
      new Date().toISOString(),
      newUlid(),
    );
    if (!bereaved) throw new Error('the death changed nothing');
    await households.save(bereaved, household.version);

    expect((await verify(held.body.verificationCode)).body.valid).toBe(true);
    const assistance = await issue(householdId, 'special-assistance');
    expect(assistance.status).toBe(201);
    expect(assistance.body.kind).toBe('special-assistance');
    expect((await revoke(held.body.certificateId, { reason: '补办' }, { 'if-match': '"1"' })).status).toBe(
      200,
    );
    // A new 独生子女父母光荣证 needs a living only child.
    expect((await issue(householdId, 'only-child-parents')).status).toBe(409);
    expect((await mine('citizen-4')).body.items.map((c: { kind: string }) => c.kind)).toEqual([
      'only-child-parents',
      'special-assistance',
    ]);
  });

  it('refuses a certificate decided on an outdated household, in the database', async () => {
    const householdId = await registeredFamily('110', [{ childBirth: '2025-05-10' }]);
    const households = dynamoCertificateHouseholds(aws.documents, table);
    const repository = dynamoCertificateRepository(aws.documents, table);
    const facts = await households.find(householdId);
    if (!facts) throw new Error('household not found');
    const certificate = issueCertificate(
      {
        kind: 'only-child-parents',
        household: facts,
        existing: [],
        issuingRegion: '330100',
        issuingRegionName: '浙江省杭州市',
        issuedBy: 'registrar-1',
      },
      { clock: fixedClock('2026-06-01T02:00:00.000Z'), newId: () => newUlid() },
    );
    const before = await countItems(aws.dynamodb, table);
    await expect(repository.add(certificate, facts.household.version - 1)).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(await countItems(aws.dynamodb, table)).toBe(before);
    expect(await repository.add(certificate, facts.household.version)).toBe('added');
    // A second valid one of the same kind is refused by the claim item even past the domain check.
    const twin = { ...certificate, certificateId: newUlid(), verificationCode: 'ABCDEFGHJKMNPQRS' };
    await expect(repository.add(twin, facts.household.version)).rejects.toBeInstanceOf(ConflictError);
    expect(await countItems(aws.dynamodb, table)).toBe(before + 3);
  });

  it('keeps staff to their region and shows nothing outside it', async () => {
    const householdId = await registeredFamily('112', [{ childBirth: '2025-06-10' }]);
    const before = await countItems(aws.dynamodb, table);
    const outside = await issue(householdId, 'only-child-parents', ningbo);
    expect(outside.status).toBe(403);
    expect(await countItems(aws.dynamodb, table)).toBe(before);

    const issued = await issue(householdId, 'only-child-parents');
    const afterIssue = await countItems(aws.dynamodb, table);
    const listed = await list(householdId, ningbo);
    expect(listed.status).toBe(403);
    const revoked = await revoke(
      issued.body.certificateId,
      { reason: '越权' },
      { 'if-match': '"1"' },
      ningbo,
    );
    expect(revoked.status).toBe(403);
    for (const reply of [outside, listed, revoked]) {
      // Only the problem itself: `instance` merely echoes the path the caller asked for.
      const { instance: _echo, ...problem } = reply.body;
      expect(problem).toMatchObject({ status: 403 });
      const raw = JSON.stringify(problem);
      expect(raw).not.toContain(householdId);
      expect(raw).not.toContain('李芳');
      expect(raw).not.toContain(issued.body.verificationCode);
      expect(raw).not.toContain(issued.body.certificateId);
    }
    expect(await countItems(aws.dynamodb, table)).toBe(afterIssue);
    expect((await verify(issued.body.verificationCode)).body.valid).toBe(true);

    // Roles: citizens and auditors issue nothing; a call without a token is refused.
    expect((await issue(householdId, 'only-child-parents', citizen('citizen-x'))).status).toBe(403);
    expect((await issue(householdId, 'only-child-parents', auditor)).status).toBe(403);
    expect((await call('GET', '/v1/certificates', { query: { householdId } })).status).toBe(401);
    expect((await call('GET', '/v1/me/certificates')).status).toBe(401);
    expect(await countItems(aws.dynamodb, table)).toBe(afterIssue);
  });

  it("shows a citizen only their own family's certificates", async () => {
    const first = await registeredFamily('114', [{ childBirth: '2025-07-10' }], 'citizen-2');
    const second = await registeredFamily('116', [{ childBirth: '2025-08-10' }], 'citizen-3');
    const counter = await registeredFamily('118', [{ childBirth: '2025-09-10' }]);
    const a = await issue(first, 'only-child-parents');
    const b = await issue(second, 'only-child-parents');
    expect((await issue(counter, 'only-child-parents')).status).toBe(201);

    const own = await mine('citizen-2');
    expect(own.status).toBe(200);
    expect(own.body.items.map((c: { certificateId: string }) => c.certificateId)).toEqual([
      a.body.certificateId,
    ]);
    // The family sees its code to show others, but not staff identities or record links.
    expect(own.body.items[0]).toMatchObject({
      householdId: first,
      holderName: '李芳',
      verificationCode: a.body.verificationCode,
      issuingRegionName: '浙江省杭州市',
      status: 'valid',
    });
    for (const hidden of ['issuedBy', 'holderPersonIds', 'citizenSubject', 'eventId']) {
      expect(own.body.items[0]).not.toHaveProperty(hidden);
    }
    expect(
      (await mine('citizen-3')).body.items.map((c: { certificateId: string }) => c.certificateId),
    ).toEqual([b.body.certificateId]);
    expect((await mine('citizen-nobody')).body.items).toEqual([]);
    // Staff tokens do not open the citizen route.
    expect((await call('GET', '/v1/me/certificates', { claims: registrar })).status).toBe(403);
  });

  it('answers the public verify route with 404 for an unknown code and 422 for garbage', async () => {
    const unknown = await verify('0000-0000-0000-0000');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toBe('application/problem+json');
    expect(unknown.body).toMatchObject({ status: 404 });
    for (const garbage of ['hello', 'ABCD-EFGH-JKMN-PQRU', 'ABCD-EFGH-JKMN-PQ', `${'A'.repeat(50)}`]) {
      const reply = await verify(garbage);
      expect(reply.status).toBe(422);
      expect(reply.body.errors[0].field).toBe('query.code');
    }
    expect((await call('GET', '/v1/public/certificates/verify')).status).toBe(422);
    expect(
      (await call('GET', '/v1/public/certificates/verify', { query: { code: '0000000000000000', x: '1' } }))
        .status,
    ).toBe(422);
  });

  it('replays a retried issue carrying the same Idempotency-Key instead of issuing twice', async () => {
    const householdId = await registeredFamily('120', [{ childBirth: '2025-10-10' }]);
    const key = { 'idempotency-key': `issue-${householdId}` };
    const first = await issue(householdId, 'only-child-parents', registrar, key);
    const retried = await issue(householdId, 'only-child-parents', registrar, key);
    expect(first.status).toBe(201);
    expect(retried.status).toBe(201);
    expect(retried.body.certificateId).toBe(first.body.certificateId);
    expect((await list(householdId)).body.items).toHaveLength(1);
  });

  it('draws a fresh verification code when a drawn one is already taken', async () => {
    const first = await registeredFamily('122', [{ childBirth: '2025-11-10' }]);
    const second = await registeredFamily('124', [{ childBirth: '2025-11-12' }]);
    // Random bytes that repeat the first draw once, then differ: the second issue collides.
    const draws = [new Uint8Array(16).fill(7), new Uint8Array(16).fill(7), new Uint8Array(16).fill(9)];
    const pinned = buildCertificatesApi({
      accessLog: dynamoAccessLog(aws.documents, table),
      certificates: dynamoCertificateRepository(aws.documents, table),
      households: dynamoCertificateHouseholds(aws.documents, table),
      remoteVerifications: dynamoRemoteVerifications(aws.documents, table),
      province: '76',
      family: registryFamilyDirectory({
        persons: dynamoPersonRepository(aws.documents, table),
        households: dynamoHouseholdRepository(aws.documents, table),
        mandates: dynamoMandateRepository(aws.documents, table),
      }),
      personRefOf: testPersonRefOf,
      random: () => draws.shift() ?? new Uint8Array(16).fill(11),
      observability: quietObservability(),
    });
    const issueWith = async (householdId: string) =>
      parsed(
        await pinned(
          apiEvent({
            method: 'POST',
            route: '/v1/certificates',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ householdId, kind: 'only-child-parents' }),
            claims: registrar,
          }),
          context(),
        ),
      );
    const a = await issueWith(first);
    const b = await issueWith(second);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.body.verificationCode).toBe('7777-7777-7777-7777');
    expect(b.body.verificationCode).toBe('9999-9999-9999-9999');
    expect((await list(second)).body.items).toHaveLength(1);
    expect((await verify('7777777777777777')).body.valid).toBe(true);
  });
});
