import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBeneficiaryFacts } from '../../functions/payout/domain/beneficiary';
import { projectionFamilyDirectory } from '../../functions/payout/domain/family-directory';
import { buildInboundConsumer } from '../../functions/payout/handlers/inbound-consumer';
import { newUlid } from '../../shared/domain/ids';
import {
  CERTIFICATE_ISSUED,
  CERTIFICATE_REVOKED,
  HOUSEHOLD_CHANGED,
  MANDATE_CHANGED,
  PERSON_CORRECTED,
  PERSON_RECORDED,
} from '../../shared/events/catalog';
import { eventSource } from '../../shared/events/envelope';
import { context, quietObservability, sqsRecord } from '../support/lambda';
import { type localAws, provisionForTest } from '../support/local-aws';
import { payoutRepos } from '../support/payout-fixtures';

const envelope = (type: string, subject: string, data: unknown) => ({
  specversion: '1.0',
  id: newUlid(),
  source: eventSource('33', 'registry'),
  type,
  time: new Date().toISOString(),
  subject,
  datacontenttype: 'application/json',
  data,
});

const sqsEvent = (bodies: unknown[]): SQSEvent => ({
  Records: bodies.map((body, i) => sqsRecord(`m-${i}-${newUlid()}`, JSON.stringify(body), 'payout-inbound')),
});

/** One family's registry events: the mother recorded then corrected, the household twice, a certificate issued and revoked, another issued. */
function familyEvents() {
  const mother = newUlid();
  const child = newUlid();
  const household = newUlid();
  const person = (id: string, version: number, birthDate: string, hukouType?: 'rural' | 'urban') => ({
    personId: id,
    version,
    sex: 'female',
    birthDate,
    alive: true,
    hukouRegion: '330106',
    residenceRegion: '330106',
    ...(hukouType ? { hukouType } : {}),
  });
  const members = (children: number) => [
    { role: 'mother', personId: mother, alive: true },
    ...Array.from({ length: children }, (_, i) => ({
      role: 'child',
      ...(i === 0 ? { personId: child } : {}),
      alive: true,
    })),
  ];
  const cert = (certificateId: string) => ({
    certificateId,
    kind: 'only-child-parents',
    householdId: household,
    issuingRegion: '330100',
    at: '2026-05-01T00:00:00.000Z',
  });
  const first = newUlid();
  const second = newUlid();
  const events = [
    envelope(PERSON_RECORDED, mother, person(mother, 1, '1964-02-02')),
    envelope(PERSON_CORRECTED, mother, person(mother, 2, '1964-02-02', 'rural')),
    envelope(PERSON_RECORDED, child, person(child, 1, '2020-06-01')),
    envelope(HOUSEHOLD_CHANGED, household, {
      householdId: household,
      version: 1,
      familyType: 'other',
      members: members(0),
    }),
    envelope(HOUSEHOLD_CHANGED, household, {
      householdId: household,
      version: 2,
      familyType: 'only-child',
      members: members(1),
    }),
    envelope(CERTIFICATE_ISSUED, first, cert(first)),
    envelope(CERTIFICATE_REVOKED, first, cert(first)),
    envelope(CERTIFICATE_ISSUED, second, cert(second)),
  ];
  return { mother, events };
}

describe('payout projection from registry events', () => {
  let aws: ReturnType<typeof localAws>;
  let table: string;
  let repos: ReturnType<typeof payoutRepos>;
  let consumer: ReturnType<typeof buildInboundConsumer>;

  beforeAll(async () => {
    const provisioned = await provisionForTest('45');
    aws = provisioned.aws;
    table = provisioned.resources.tables.payout;
    repos = payoutRepos(aws, table);
    consumer = buildInboundConsumer({ province: '33', ...repos, observability: quietObservability() });
  });

  const itemsOf = async (ids: string[]) => {
    const out = await aws.documents.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    return (out.Items ?? [])
      .filter((i) => ids.some((id) => JSON.stringify(i).includes(id)))
      .map(({ sourceEventId: _s, updatedAt: _u, ...rest }) => rest)
      .sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`));
  };

  it('keeps the standing mandates from mandate events: a revocation wins over a replay of the grant', async () => {
    const holder = newUlid();
    const parent = newUlid();
    const mandateId = newUlid();
    const granted = {
      mandateId,
      version: 1,
      kind: 'authorised-relative',
      personId: parent,
      holderPersonId: holder,
      active: true,
    };
    const revoked = { ...granted, version: 2, active: false };
    const directory = projectionFamilyDirectory(repos.projection);
    const run = async (data: unknown) =>
      consumer(sqsEvent([envelope(MANDATE_CHANGED, mandateId, data)]) as never, context());
    await run(granted);
    expect(await directory.mandatesHeldBy(holder)).toEqual([expect.objectContaining({ personId: parent })]);
    await run(revoked);
    await run(granted);
    expect(await directory.mandatesHeldBy(holder)).toEqual([]);
  });

  it('any order and any repetition of the same events gives the same view', async () => {
    const { mother, events } = familyEvents();
    await consumer(sqsEvent(events) as never, context());
    const expected = await loadBeneficiaryFacts(repos.projection, mother);
    expect(expected).toMatchObject({
      familyType: 'only-child',
      hukouType: 'rural',
      certificates: ['only-child-certificate'],
      childBirthDate: '2020-06-01',
    });
    const householdId = String((events[3]?.data as { householdId?: string } | undefined)?.householdId);
    const reference = await itemsOf([mother, householdId]);
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(events, { minLength: 1 }),
        fc.array(fc.nat(events.length - 1)),
        async (order, repeats) => {
          const replay = [...order, ...repeats.map((i) => events[i])];
          for (const body of replay) await consumer(sqsEvent([body]) as never, context());
          expect(await loadBeneficiaryFacts(repos.projection, mother)).toEqual(expected);
          expect(await itemsOf([mother, householdId])).toEqual(reference);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('a new family whose events arrive in any order ends with the same facts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.infiniteStream(fc.nat()), async (stream) => {
        const { mother, events } = familyEvents();
        const keys = [...stream.take(events.length)];
        const shuffled = events
          .map((e, i) => ({ e, k: keys[i] ?? 0 }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.e);
        for (const body of shuffled) await consumer(sqsEvent([body]) as never, context());
        expect(await loadBeneficiaryFacts(repos.projection, mother)).toEqual({
          sex: 'female',
          birthDate: '1964-02-02',
          alive: true,
          hukouRegion: '330106',
          residenceRegion: '330106',
          hukouType: 'rural',
          familyType: 'only-child',
          certificates: ['only-child-certificate'],
          childBirthDate: '2020-06-01',
        });
      }),
      { numRuns: 10 },
    );
  });
});
