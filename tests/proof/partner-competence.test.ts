import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInboundConsumer as buildPayoutConsumer } from '../../functions/payout/handlers/inbound-consumer';
import { dynamoAccessLog } from '../../functions/registry/adapters/access-log-repository';
import { dynamoCertificateRepository } from '../../functions/registry/adapters/certificate-repository';
import {
  dynamoInboundStore,
  dynamoRemoteVerifications,
} from '../../functions/registry/adapters/exchange-records';
import { dynamoPersonRepository } from '../../functions/registry/adapters/person-repository';
import { hmacResidentIdHasher } from '../../functions/registry/adapters/resident-id-hasher';
import { buildInboundConsumer as buildRegistryConsumer } from '../../functions/registry/handlers/inbound-consumer';
import { buildPersonsApi } from '../../functions/registry/handlers/persons-api';
import { fixedClock } from '../../shared/domain/clock';
import { newUlid } from '../../shared/domain/ids';
import {
  BENEFIT_ENROLLMENT_CLAIMED,
  BENEFIT_ENROLLMENT_CLEAR,
  BENEFIT_ENROLLMENT_CONFLICT,
  PERSON_DECEASED,
  PERSON_RESIDENCE_ENDED,
  PERSON_RESIDENCE_REGISTERED,
} from '../../shared/events/catalog';
import { type EventEnvelope, provinceUrn } from '../../shared/events/envelope';
import type { Observability } from '../../shared/observability';
import { tracing } from '../../shared/observability/tracing';
import { staffClaims } from '../support/api-event';
import { callApi } from '../support/call-api';
import { context, sqsRecord } from '../support/lambda';
import { provisionForTest } from '../support/local-aws';
import { accountFor, activeEnrollment, payoutRepos, ruralParent } from '../support/payout-fixtures';
import { testPersonRefOf } from '../support/person-refs';
import { residentIdFor } from '../support/resident-ids';
import { recordFigures } from './support/figures';
import { captureProcessOutput } from './support/leaks';

const OWN = '33';
/** A claim of Guizhou (52) the register here has granted. */
const GUIZHOU_CLAIM = newUlid();
const CLOCK = fixedClock('2026-11-20T02:00:00.000Z');
/** A Zhejiang hukou living in Sichuan, and a Sichuan hukou living in Zhejiang. */
const RESIDENT = residentIdFor('330106', '1958-03-01', '022');
const MIGRANT = residentIdFor('510104', '1960-04-02', '042');

const logging = (service: string): Observability => ({
  logger: new Logger({ serviceName: service, logLevel: 'INFO' }),
  metrics: new Metrics({ serviceName: service, namespace: 'proof' }),
  tracing: tracing(service, false),
});

const envelope = (from: string, type: string, data: unknown): EventEnvelope => ({
  specversion: '1.0',
  id: newUlid(),
  source: provinceUrn(from),
  type,
  time: CLOCK.now().toISOString(),
  subject: newUlid(),
  datacontenttype: 'application/json',
  recipient: provinceUrn(OWN),
  data,
});

const death = (from: string, residentId: string) =>
  envelope(from, PERSON_DECEASED, {
    personId: newUlid(),
    version: 9,
    sex: 'female',
    birthDate: residentId.slice(6, 10) === '1958' ? '1958-03-01' : '1960-04-02',
    alive: false,
    deathDate: '2026-11-02',
    // The sender claims competence; the records here decide.
    hukouRegion: `${from}0106`,
    residenceRegion: `${from}0106`,
    personRef: testPersonRefOf(residentId),
  });

const residence = (from: string, type: string, residentId: string, residenceRegion: string) =>
  envelope(from, type, {
    personRef: testPersonRefOf(residentId),
    hukouRegion: '330106',
    residenceRegion,
    on: '2026-11-01',
  });

/**
 * Partner provinces saying what they are not competent to say, to a province's registry
 * and payout through their real inbound consumers on DynamoDB Local: residence notices
 * from a province the residence does not lie in or about a person whose hukou is not
 * here, death notices from a province that is neither residence nor hukou province, and
 * answers to claims the sender was not asked. None may change a record or stop a payment;
 * each is refused with a fatal-error ack or held for a registrar, and logged.
 */
describe('partner provinces out of competence', () => {
  let capture: ReturnType<typeof captureProcessOutput>;
  let aws: Awaited<ReturnType<typeof provisionForTest>>['aws'];
  let tables: { registry: string; payout: string };
  let registry: ReturnType<typeof buildRegistryConsumer>;
  let payout: ReturnType<typeof buildPayoutConsumer>;
  let repos: ReturnType<typeof payoutRepos>;
  const personIds: Record<string, string> = {};
  let enrollmentId = '';
  const figures = { tried: 0, accepted: 0, unanswered: 0, unlogged: 0 };

  beforeAll(async () => {
    capture = captureProcessOutput();
    const provisioned = await provisionForTest('17');
    aws = provisioned.aws;
    tables = { registry: provisioned.resources.tables.registry, payout: provisioned.resources.tables.payout };
    const db = aws.documents;
    const persons = dynamoPersonRepository(db, tables.registry);
    const certificates = dynamoCertificateRepository(db, tables.registry);
    const verifications = dynamoRemoteVerifications(db, tables.registry);
    registry = buildRegistryConsumer({
      province: OWN,
      lookups: {
        findPersonByRef: (ref) => persons.findByPersonRef(ref),
        findCertificateByCode: (code) => certificates.findByCode(code),
        findVerification: (id) => verifications.find(id),
      },
      store: dynamoInboundStore(db, tables.registry),
      accessLog: dynamoAccessLog(db, tables.registry),
      clock: CLOCK,
      observability: logging('registry-inbound-consumer'),
    });
    repos = payoutRepos(aws, tables.payout);
    payout = buildPayoutConsumer({
      province: OWN,
      projection: repos.projection,
      enrollments: repos.enrollments,
      registers: repos.registers,
      batches: repos.batches,
      outbox: repos.outbox,
      clock: CLOCK,
      observability: logging('payout-inbound-consumer'),
    });
    const api = buildPersonsApi({
      persons,
      accessLog: dynamoAccessLog(db, tables.registry),
      hasher: hmacResidentIdHasher('7'.repeat(64)),
      personRefOf: testPersonRefOf,
      clock: CLOCK,
    });
    for (const [key, residentId, birthDate, hukouRegion, residenceRegion] of [
      ['resident', RESIDENT, '1958-03-01', '330106', '510104'],
      ['migrant', MIGRANT, '1960-04-02', '510104', '330106'],
    ] as const) {
      const recorded = await callApi(api, 'POST', '/v1/persons', {
        claims: staffClaims('registrar-33', ['registrar'], '330000'),
        body: { residentId, name: '王秀英', sex: 'female', birthDate, hukouRegion, residenceRegion },
      });
      expect(recorded.status, JSON.stringify(recorded.body)).toBe(201);
      personIds[key] = recorded.body.personId;
    }
    // Payout pays the resident, and has asked Sichuan (51) whether it pays her too.
    const facts = ruralParent(personIds.resident ?? '', {
      hukouRegion: '330106',
      residenceRegion: '510104',
      personRef: testPersonRefOf(RESIDENT),
    });
    await repos.projection.saveIfNewer(facts);
    const enrollment = {
      ...(await activeEnrollment({
        personId: personIds.resident ?? '',
        scheme: 'rural-reward',
        fromPeriod: '2026-01',
        account: accountFor(7),
      })),
      personRef: testPersonRefOf(RESIDENT),
      residenceRegion: '510104',
      crossProvince: { province: '51', status: 'awaiting' as const },
    };
    await repos.enrollments.create(enrollment);
    enrollmentId = enrollment.enrollmentId;
    // As her hukou province, Zhejiang has granted a claim of Guizhou (52) to pay her.
    const at = CLOCK.now().toISOString();
    await repos.registers.save(
      {
        personRef: testPersonRefOf(RESIDENT),
        scheme: 'rural-reward',
        claims: [
          {
            claimId: GUIZHOU_CLAIM,
            province: '52',
            fromPeriod: '2026-01',
            region: '520102',
            state: 'granted',
            registeredAt: at,
            changedAt: at,
          },
        ],
        version: 0,
      },
      [],
    );
  });

  afterAll(() => {
    capture?.stop();
    recordFigures('4-attacks-competence', [
      {
        suite: 'exchange attacks',
        item: 'partner out of competence (residence, death, claim answers, another’s claim)',
        counts: figures,
        mustBeZero: ['accepted', 'unanswered', 'unlogged'],
      },
    ]);
  });

  /** What both areas hold of the people and the enrolment: any change is an accepted attack. */
  const state = async () => {
    const persons = dynamoPersonRepository(aws.documents, tables.registry);
    const [resident, migrant, enrollment, register] = await Promise.all([
      persons.find(personIds.resident ?? ''),
      persons.find(personIds.migrant ?? ''),
      repos.enrollments.find(enrollmentId),
      repos.registers.find(testPersonRefOf(RESIDENT), 'rural-reward'),
    ]);
    return JSON.stringify([resident?.person, migrant?.person, enrollment, register]);
  };

  /** The answers the areas stored to a message: registry outbox items and payout outbound envelopes. */
  const answersTo = async (messageId: string) => {
    const scan = async (table: string) =>
      (await aws.documents.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [];
    const registryAcks = (await scan(tables.registry)).filter(
      (i) => i.entity === 'Outbox' && i.correlationid === messageId,
    );
    const payoutAcks = (await scan(tables.payout)).filter(
      (i) => i.entity === 'Outbound' && i.envelope?.correlationid === messageId,
    );
    return [...registryAcks.map((i) => i.data), ...payoutAcks.map((i) => i.envelope.data)] as {
      outcome: string;
      reason?: string;
    }[];
  };

  /** Hands a message to the areas the exchange inbox forwards its type to. */
  const deliver = async (message: EventEnvelope, areas: readonly ('registry' | 'payout')[]) => {
    for (const area of areas) {
      const consumer = area === 'registry' ? registry : payout;
      const event: SQSEvent = { Records: [sqsRecord(newUlid(), JSON.stringify(message), `${area}-inbound`)] };
      const result = (await consumer(event as never, context())) as SQSBatchResponse;
      expect(result.batchItemFailures).toEqual([]);
    }
  };

  const attacks: [string, () => EventEnvelope, readonly ('registry' | 'payout')[]][] = [
    [
      '44 registers a residence in Sichuan',
      () => residence('44', PERSON_RESIDENCE_REGISTERED, RESIDENT, '510105'),
      ['registry'],
    ],
    [
      '44 ends a residence in Sichuan',
      () => residence('44', PERSON_RESIDENCE_ENDED, RESIDENT, '510104'),
      ['registry'],
    ],
    [
      '51 moves a person whose hukou is in Sichuan, not here',
      () => residence('51', PERSON_RESIDENCE_REGISTERED, MIGRANT, '510105'),
      ['registry'],
    ],
    [
      '44 reports the death of a Zhejiang resident living in Sichuan',
      () => death('44', RESIDENT),
      ['registry', 'payout'],
    ],
    [
      '44 reports the death of a Sichuan hukou living in Zhejiang',
      () => death('44', MIGRANT),
      ['registry', 'payout'],
    ],
    [
      '44 answers conflict to a claim asked of 51',
      () =>
        envelope('44', BENEFIT_ENROLLMENT_CONFLICT, {
          claimId: enrollmentId,
          scheme: 'rural-reward',
          activeSincePeriod: '2026-01',
          region: '440106',
        }),
      ['payout'],
    ],
    [
      '44 answers clear to a claim asked of 51',
      () => envelope('44', BENEFIT_ENROLLMENT_CLEAR, { claimId: enrollmentId, scheme: 'rural-reward' }),
      ['payout'],
    ],
    [
      '44 withdraws the claim 52 holds here, to free the person for itself',
      () => envelope('44', BENEFIT_ENROLLMENT_CLEAR, { claimId: GUIZHOU_CLAIM, scheme: 'rural-reward' }),
      ['payout'],
    ],
    [
      '44 claims under the id of 52’s claim, to take over its grant',
      () =>
        envelope('44', BENEFIT_ENROLLMENT_CLAIMED, {
          claimId: GUIZHOU_CLAIM,
          personRef: testPersonRefOf(RESIDENT),
          scheme: 'rural-reward',
          fromPeriod: '2026-01',
          claimingRegion: '440106',
        }),
      ['payout'],
    ],
  ];

  it.each(attacks)('refuses: %s', async (_name, build, areas) => {
    const message = build();
    const before = await state();
    const logged = capture.lines.filter((l) => l.includes(message.id)).length;
    await deliver(message, areas);
    figures.tried++;
    const after = await state();
    if (after !== before) figures.accepted++;
    const answers = await answersTo(message.id);
    const refusedOrHeld = answers.some(
      (a) => a.outcome === 'fatal-error' || (a.outcome === 'ok' && a.reason === 'held-for-confirmation'),
    );
    if (!refusedOrHeld || answers.some((a) => a.outcome === 'ok' && a.reason !== 'held-for-confirmation')) {
      figures.unanswered++;
    }
    const logLines = capture.lines.filter((l) => l.includes(message.id)).slice(logged);
    if (!logLines.some((l) => /message refused|message handled/.test(l))) figures.unlogged++;
    expect(after).toBe(before);
    expect(refusedOrHeld).toBe(true);
  });

  it('accepts the same death from the residence province (the baseline, so refusals mean something)', async () => {
    const before = await state();
    const message = death('51', RESIDENT);
    await deliver(message, ['registry', 'payout']);
    expect(await state()).not.toBe(before);
    expect(await answersTo(message.id)).toEqual([{ outcome: 'ok' }]);
    expect(await repos.enrollments.find(enrollmentId)).toMatchObject({
      status: 'suspended',
      suspensionReason: 'death-notice',
    });
  });
});
