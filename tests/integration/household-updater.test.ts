import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoBirthRegistrationRepository } from '../../functions/registry/adapters/birth-registration-repository';
import { aesGcmFieldCipher } from '../../functions/registry/adapters/field-cipher';
import { dynamoHouseholdRepository } from '../../functions/registry/adapters/household-repository';
import { dynamoPersonRepository } from '../../functions/registry/adapters/person-repository';
import { hmacResidentIdHasher } from '../../functions/registry/adapters/resident-id-hasher';
import { deriveFamilyType } from '../../functions/registry/domain/household';
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
import { residentIdFor } from '../support/resident-ids';

const registrar = staffClaims('registrar-1', ['registrar'], '330100');
const hasher = hmacResidentIdHasher('h'.repeat(64));

describe('households follow their members: an only child’s death makes the family bereaved', () => {
  let aws: Awaited<ReturnType<typeof provisionForTest>>['aws'];
  let resources: Awaited<ReturnType<typeof provisionForTest>>['resources'];
  let poller: Poller;

  beforeAll(async () => {
    ({ aws, resources } = await provisionForTest('68'));
    const table = resources.tables.registry;
    const updater = buildHouseholdUpdater({
      households: dynamoHouseholdRepository(aws.documents, table),
      observability: quietObservability(),
    });
    poller = startStreamPoller({
      streams: aws.streams,
      streamArn: resources.streams.registry ?? '',
      batchSize: 100,
      retryAttempts: 3,
      runtime: inProcessRuntime(functionSpec(registryManifest, 'registry-household-updater'), updater),
      checkpoints: new Map<string, string>(),
      onFailure: { sqs: aws.sqs, queueUrl: resources.streamDlqs.registry?.url ?? '' },
      log: () => undefined,
      idleMs: 50,
    });
  });

  afterAll(async () => {
    await poller.stop();
  });

  it('registers an only child, records the child’s death, and derives bereaved', async () => {
    const table = resources.tables.registry;
    const persons = dynamoPersonRepository(aws.documents, table);
    const registrations = buildBirthRegistrationsApi({
      registrations: dynamoBirthRegistrationRepository(
        aws.documents,
        table,
        aesGcmFieldCipher('e'.repeat(64)),
      ),
      households: dynamoHouseholdRepository(aws.documents, table),
      persons,
      hasher,
      observability: quietObservability(),
    });
    const personsApi = buildPersonsApi({ persons, hasher, observability: quietObservability() });
    const childId = residentIdFor('330106', '2010-05-05', '071');
    const motherId = residentIdFor('330106', '1980-02-02', '082');
    const post = async (
      handler: typeof registrations,
      route: string,
      path: Record<string, string>,
      body: unknown,
      version?: number,
    ) => {
      let concrete = route;
      for (const [k, v] of Object.entries(path)) concrete = concrete.replace(`{${k}}`, v);
      return parsed(
        await handler(
          apiEvent({
            method: 'POST',
            route,
            path: concrete,
            pathParameters: path,
            headers: {
              'content-type': 'application/json',
              ...(version ? { 'if-match': `"${version}"` } : {}),
            },
            body: JSON.stringify(body),
            claims: registrar,
          }),
          context(),
        ),
      );
    };
    const submitted = await post(
      registrations,
      '/v1/birth-registrations',
      {},
      {
        child: {
          name: '钱多',
          sex: 'male',
          birthDate: '2010-05-05',
          birthRegion: '330106',
          residentId: childId,
        },
        mother: { name: '钱母', residentId: motherId, birthDate: '1980-02-02', hukouRegion: '330106' },
        residenceRegion: '330106',
        birthOrder: 1,
      },
    );
    const registrationId = submitted.body.registrationId;
    const act = '/v1/birth-registrations/{registrationId}/actions/{action}';
    await post(registrations, act, { registrationId, action: 'validate' }, {}, 1);
    expect((await post(registrations, act, { registrationId, action: 'register' }, {}, 2)).status).toBe(200);

    const households = dynamoHouseholdRepository(aws.documents, table);
    const before = await households.findByMother(hasher.hash(motherId));
    expect(before && deriveFamilyType(before.members)).toBe('only-child');

    const child = await persons.findByResidentIdHash(hasher.hash(childId));
    const died = await post(
      personsApi as unknown as typeof registrations,
      '/v1/persons/{personId}/actions/{action}',
      { personId: child?.person.personId ?? '', action: 'record-death' },
      { deathDate: '2024-08-01' },
      1,
    );
    expect(died.status).toBe(200);
    const after = await eventually(async () => {
      const h = await households.findByMother(hasher.hash(motherId));
      return h && deriveFamilyType(h.members) === 'bereaved' ? h : undefined;
    });
    expect(after.version).toBe((before?.version ?? 0) + 1);
    expect(after.eventId).not.toBe(before?.eventId);
  });
});
