import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoAccessLog } from '../../functions/registry/adapters/access-log-repository';
import { dynamoBirthRegistrationRepository } from '../../functions/registry/adapters/birth-registration-repository';
import { dynamoBirthsElsewhere } from '../../functions/registry/adapters/exchange-records';
import { aesGcmFieldCipher } from '../../functions/registry/adapters/field-cipher';
import { dynamoHouseholdRepository } from '../../functions/registry/adapters/household-repository';
import { dynamoMandateRepository } from '../../functions/registry/adapters/mandate-repository';
import { dynamoPersonRepository } from '../../functions/registry/adapters/person-repository';
import { hmacResidentIdHasher } from '../../functions/registry/adapters/resident-id-hasher';
import { deriveFamilyType, type FamilyType } from '../../functions/registry/domain/household';
import { buildBirthRegistrationsApi } from '../../functions/registry/handlers/birth-registrations-api';
import { buildHouseholdUpdater } from '../../functions/registry/handlers/household-updater';
import { buildPersonsApi } from '../../functions/registry/handlers/persons-api';
import { registryManifest } from '../../functions/registry/manifest';
import type { Poller } from '../../local/pollers/sqs-poller';
import { startStreamPoller } from '../../local/pollers/stream-poller';
import { functionSpec } from '../../shared/manifest';
import { apiEvent, staffClaims } from '../support/api-event';
import { eventually, inProcessRuntime } from '../support/in-process-runtime';
import { context, parsed, quietObservability } from '../support/lambda';
import { provisionForTest } from '../support/local-aws';
import { testPersonRefOf } from '../support/person-refs';
import { residentIdFor } from '../support/resident-ids';

const registrar = staffClaims('registrar-1', ['registrar'], '330100');
const hasher = hmacResidentIdHasher('h'.repeat(64));
type Handler = (event: ReturnType<typeof apiEvent>, ctx: ReturnType<typeof context>) => Promise<unknown>;

describe('households follow their members’ records', () => {
  let aws: Awaited<ReturnType<typeof provisionForTest>>['aws'];
  let table: string;
  let poller: Poller;
  let registrations: Handler;
  let personsApi: Handler;

  beforeAll(async () => {
    const provisioned = await provisionForTest('68');
    aws = provisioned.aws;
    const { resources } = provisioned;
    table = resources.tables.registry;
    const persons = dynamoPersonRepository(aws.documents, table);
    const households = dynamoHouseholdRepository(aws.documents, table);
    registrations = buildBirthRegistrationsApi({
      accessLog: dynamoAccessLog(aws.documents, table),
      elsewhere: dynamoBirthsElsewhere(aws.documents, table),
      registrations: dynamoBirthRegistrationRepository(
        aws.documents,
        table,
        aesGcmFieldCipher('e'.repeat(64)),
      ),
      households,
      persons,
      mandates: dynamoMandateRepository(aws.documents, table),
      hasher,
      personRefOf: testPersonRefOf,
      observability: quietObservability(),
    }) as Handler;
    personsApi = buildPersonsApi({
      accessLog: dynamoAccessLog(aws.documents, table),
      persons,
      hasher,
      personRefOf: testPersonRefOf,
      observability: quietObservability(),
    }) as Handler;
    poller = startStreamPoller({
      streams: aws.streams,
      streamArn: resources.streams.registry ?? '',
      batchSize: 100,
      retryAttempts: 3,
      runtime: inProcessRuntime(
        functionSpec(registryManifest, 'registry-projections'),
        buildHouseholdUpdater({ households, observability: quietObservability() }),
      ),
      checkpoints: new Map<string, string>(),
      onFailure: { sqs: aws.sqs, queueUrl: resources.streamDlqs.registry?.url ?? '' },
      log: () => undefined,
      idleMs: 50,
    });
  });

  afterAll(async () => {
    await poller.stop();
  });

  const post = async (
    handler: Handler,
    route: string,
    path: Record<string, string>,
    body: unknown,
    version?: number,
  ) => {
    let concrete = route;
    for (const [k, v] of Object.entries(path)) concrete = concrete.replace(`{${k}}`, v);
    const event = apiEvent({
      method: 'POST',
      route,
      path: concrete,
      pathParameters: path,
      headers: { 'content-type': 'application/json', ...(version ? { 'if-match': `"${version}"` } : {}) },
      body: JSON.stringify(body),
      claims: registrar,
    });
    return parsed(await handler(event, context()));
  };

  /** Registers an only child and returns the child's person id and the mother's ID. */
  const registerOnlyChild = async (childBirth: string, childSequence: string, motherBirth: string) => {
    const childId = residentIdFor('330106', childBirth, childSequence);
    const motherId = residentIdFor('330106', motherBirth, '084');
    const submitted = await post(
      registrations,
      '/v1/birth-registrations',
      {},
      {
        child: {
          name: '孔乐',
          sex: Number(childSequence) % 2 ? 'male' : 'female',
          birthDate: childBirth,
          birthRegion: '330106',
          residentId: childId,
        },
        mother: { name: '孔母', residentId: motherId, birthDate: motherBirth, hukouRegion: '330106' },
        residenceRegion: '330106',
        birthOrder: 1,
      },
    );
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const act = '/v1/birth-registrations/{registrationId}/actions/{action}';
    const { registrationId } = submitted.body;
    expect((await post(registrations, act, { registrationId, action: 'validate' }, {}, 1)).status).toBe(200);
    expect((await post(registrations, act, { registrationId, action: 'register' }, {}, 2)).status).toBe(200);
    const child = await dynamoPersonRepository(aws.documents, table).findByResidentIdHash(
      hasher.hash(childId),
    );
    return { personId: child?.person.personId ?? '', motherHash: hasher.hash(motherId) };
  };

  const familyTypeBecomes = (motherHash: string, type: FamilyType) =>
    eventually(async () => {
      const h = await dynamoHouseholdRepository(aws.documents, table).findByMother(motherHash);
      return h && deriveFamilyType(h.members) === type ? h : undefined;
    });

  it('an only child’s recorded death makes the family bereaved', async () => {
    const { personId, motherHash } = await registerOnlyChild('2010-05-05', '071', '1980-02-02');
    const before = await familyTypeBecomes(motherHash, 'only-child');
    const path = { personId, action: 'record-death' };
    const died = await post(
      personsApi,
      '/v1/persons/{personId}/actions/{action}',
      path,
      { deathDate: '2024-08-01' },
      1,
    );
    expect(died.status).toBe(200);
    const after = await familyTypeBecomes(motherHash, 'bereaved');
    expect(after.version).toBe(before.version + 1);
    expect(after.eventId).not.toBe(before.eventId);
  });

  it('two registered daughters make a two-daughters family (双女户), a son after them does not', async () => {
    const { motherHash } = await registerOnlyChild('2015-03-03', '062', '1985-04-04');
    await familyTypeBecomes(motherHash, 'only-child');
    await registerOnlyChild('2017-05-05', '064', '1985-04-04');
    const two = await familyTypeBecomes(motherHash, 'two-daughters');
    expect(two.members.filter((m) => m.role === 'child').map((m) => m.sex)).toEqual(['female', 'female']);
    await registerOnlyChild('2019-07-07', '065', '1985-04-04');
    await familyTypeBecomes(motherHash, 'other');
  });

  it('a certified disability of the only child makes the family a disabled-only-child family', async () => {
    const { personId, motherHash } = await registerOnlyChild('2012-06-06', '073', '1982-03-03');
    const path = { personId, action: 'record-disability' };
    const body = { certified: true, reason: '残疾人证' };
    const recorded = await post(personsApi, '/v1/persons/{personId}/actions/{action}', path, body, 1);
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(200);
    expect(recorded.body.disabilityCertified).toBe(true);
    expect((await post(personsApi, '/v1/persons/{personId}/actions/{action}', path, body, 2)).status).toBe(
      409,
    );
    await familyTypeBecomes(motherHash, 'disabled-only-child');
  });
});
