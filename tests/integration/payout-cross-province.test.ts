import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payoutAccessEvents } from '../../functions/payout/adapters/access-events';
import { getScheme } from '../../functions/payout/config/schemes';
import { planBatch } from '../../functions/payout/domain/plan-batch';
import { buildEnrollmentsApi } from '../../functions/payout/handlers/enrollments-api';
import { buildInboundConsumer } from '../../functions/payout/handlers/inbound-consumer';
import { buildPayoutPublisher, sqsSender } from '../../functions/payout/handlers/publisher';
import { payoutManifest } from '../../functions/payout/manifest';
import { type Poller, startSqsPoller } from '../../local/pollers/sqs-poller';
import { startStreamPoller } from '../../local/pollers/stream-poller';
import type { Clock } from '../../shared/domain/clock';
import { newUlid } from '../../shared/domain/ids';
import { PERSON_DECEASED } from '../../shared/events/catalog';
import { type EventEnvelope, provinceUrn } from '../../shared/events/envelope';
import { functionSpec } from '../../shared/manifest';
import { staffClaims } from '../support/api-event';
import { callApi } from '../support/call-api';
import { eventually, inProcessRuntime } from '../support/in-process-runtime';
import { quietObservability } from '../support/lambda';
import { type localAws, provisionForTest } from '../support/local-aws';
import {
  accountFor,
  activeEnrollment,
  payoutRepos,
  ruralParent,
  TEST_CIPHER,
  twoDaughterHousehold,
} from '../support/payout-fixtures';

const scheme = getScheme('rural-reward');
/**
 * The provinces' clock: the story happens in November and December 2026 whatever the date of
 * the run. Each step sets the instant it happens at.
 */
let today = new Date('2026-11-10T02:00:00Z');
const clock: Clock = { now: () => today };
/** The same person in both provinces' projections: hukou in Hangzhou, living in Chengdu. */
const PERSON_REF = 'Qm9vZ3VzUmVmZXJlbmNlRm9yVGVzdHNPbmx5MDEyMzQ';

interface Province {
  code: string;
  table: string;
  aws: ReturnType<typeof localAws>;
  repos: ReturnType<typeof payoutRepos>;
  queues: Record<string, { url: string; arn: string }>;
}

/** Pollers standing in for the province's Lambda triggers: its publisher and its inbound consumer. */
function wire(p: Province, streamArn: string, streamDlq: string): Poller[] {
  const publisher = buildPayoutPublisher({
    send: sqsSender(p.aws.sqs, {
      'exchange-outbound': p.queues['exchange-outbound']?.url ?? '',
      'payout-payments': p.queues['payout-payments']?.url ?? '',
      'registry-inbound': p.queues['registry-inbound']?.url ?? '',
    }),
    observability: quietObservability(),
  });
  const consumer = buildInboundConsumer({
    province: p.code,
    projection: p.repos.projection,
    enrollments: p.repos.enrollments,
    outbox: p.repos.outbox,
    clock,
    observability: quietObservability(),
  });
  return [
    startStreamPoller({
      streams: p.aws.streams,
      streamArn,
      batchSize: 100,
      retryAttempts: 3,
      runtime: inProcessRuntime(functionSpec(payoutManifest, 'payout-publisher'), publisher),
      checkpoints: new Map<string, string>(),
      onFailure: { sqs: p.aws.sqs, queueUrl: streamDlq },
      log: () => undefined,
      idleMs: 50,
    }),
    startSqsPoller({
      sqs: p.aws.sqs,
      queueUrl: p.queues['payout-inbound']?.url ?? '',
      queueArn: p.queues['payout-inbound']?.arn ?? '',
      batchSize: 10,
      concurrency: 1,
      runtime: inProcessRuntime(functionSpec(payoutManifest, 'payout-inbound-consumer'), consumer),
      log: () => undefined,
    }),
  ];
}

/** What the province's publisher sent towards the exchange: received and removed, oldest first. */
async function outbound(p: Province, count: number): Promise<EventEnvelope[]> {
  const got: EventEnvelope[] = [];
  await eventually(async () => {
    const out = await p.aws.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: p.queues['exchange-outbound']?.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    for (const m of out.Messages ?? []) {
      got.push(JSON.parse(m.Body ?? '{}') as EventEnvelope);
      await p.aws.sqs.send(
        new DeleteMessageCommand({
          QueueUrl: p.queues['exchange-outbound']?.url,
          ReceiptHandle: m.ReceiptHandle,
        }),
      );
    }
    return got.length >= count ? got : undefined;
  });
  return got;
}

/** The exchange's part: a message from one province arrives in the other's payout-inbound. */
async function deliver(from: Province, to: Province, envelope: EventEnvelope): Promise<void> {
  expect(envelope.recipient).toBe(provinceUrn(to.code));
  await to.aws.sqs.send(
    new SendMessageCommand({
      QueueUrl: to.queues['payout-inbound']?.url,
      MessageBody: JSON.stringify({ ...envelope, source: provinceUrn(from.code) }),
    }),
  );
}

describe('payout across provinces: claims, conflicts and clears through payout-inbound and exchange-outbound', () => {
  const pollers: Poller[] = [];
  let zj: Province;
  let sc: Province;
  let hukouEnrollment: string;
  let residenceEnrollment: string;
  let zjPersonId: string;

  beforeAll(async () => {
    // Tables of test provinces 42 and 43 stand in for Zhejiang (33) and Sichuan (51).
    for (const [test, code] of [
      ['42', '33'],
      ['43', '51'],
    ] as const) {
      const { aws, resources } = await provisionForTest(test);
      const p: Province = {
        code,
        table: resources.tables.payout,
        aws,
        repos: payoutRepos(aws, resources.tables.payout),
        queues: resources.queues as Province['queues'],
      };
      pollers.push(...wire(p, resources.streams.payout ?? '', resources.streamDlqs.payout?.url ?? ''));
      if (code === '33') zj = p;
      else sc = p;
    }
    // Each province knows the person under its own record id, with the same reference.
    for (const p of [zj, sc]) {
      const personId = newUlid();
      await p.repos.projection.saveIfNewer(
        ruralParent(personId, { hukouRegion: '330106', residenceRegion: '510104', personRef: PERSON_REF }),
      );
      await p.repos.projection.saveHouseholdIfNewer(twoDaughterHousehold(personId));
      if (p === zj) {
        zjPersonId = personId;
        const active = activeEnrollment({
          personId,
          scheme: scheme.code,
          fromPeriod: '2026-01',
          account: accountFor(1),
        });
        await zj.repos.enrollments.create(active);
        hukouEnrollment = active.enrollmentId;
      } else {
        const api = buildEnrollmentsApi({
          accessReads: payoutAccessEvents(sc.repos.outbox, '51'),
          province: '51',
          enrollments: sc.repos.enrollments,
          projection: sc.repos.projection,
          batches: sc.repos.batches,
          cipher: TEST_CIPHER,
          personRefKey: 'test-person-ref-key-0123456789abcdef0123',
          clock,
          observability: quietObservability(),
        });
        const officer = staffClaims('officer-sc', ['payout-officer'], '510100');
        const created = await callApi(api, 'POST', '/v1/enrollments', {
          claims: officer,
          body: {
            scheme: scheme.code,
            personId,
            bankAccount: {
              accountNumber: '6228480000510104001',
              holderName: '王秀英',
              bankCode: '999651000002',
            },
          },
        });
        expect(created.status).toBe(201);
        residenceEnrollment = created.body.enrollmentId;
        const approved = await callApi(api, 'POST', '/v1/enrollments/{enrollmentId}/actions/{action}', {
          claims: officer,
          path: { enrollmentId: residenceEnrollment, action: 'approve' },
          body: {},
        });
        expect(approved.status).toBe(200);
        expect(approved.body.crossProvince).toEqual({ province: '33', status: 'awaiting' });
      }
    }
  });

  afterAll(async () => {
    await Promise.all(pollers.map((p) => p.stop()));
  });

  it('the second province is held, not paid twice: claim → conflict → held line; the first province pays', async () => {
    const [claim] = await outbound(sc, 1);
    expect(claim).toMatchObject({
      type: 'cn.gov.jiahe.benefit.enrollment-claimed.v1',
      recipient: 'urn:cn:gov:330000:jiahe',
      subject: residenceEnrollment,
      data: {
        claimId: residenceEnrollment,
        personRef: PERSON_REF,
        scheme: 'rural-reward',
        claimingRegion: '510104',
      },
    });
    expect(JSON.stringify(claim)).not.toMatch(/\d{17}[\dX]|6228480000/);

    // Zhejiang pays the person already: it answers conflict, and acknowledges the claim.
    await deliver(sc, zj, claim as EventEnvelope);
    const answers = await outbound(zj, 2);
    const conflict = answers.find((m) => m.type === 'cn.gov.jiahe.benefit.enrollment-conflict.v1');
    expect(conflict).toMatchObject({
      recipient: 'urn:cn:gov:510000:jiahe',
      correlationid: claim?.id,
      data: {
        claimId: residenceEnrollment,
        scheme: 'rural-reward',
        activeSincePeriod: '2026-01',
        region: '330106',
      },
    });
    expect(answers.find((m) => m.type === 'cn.gov.jiahe.ack.v1')).toMatchObject({
      correlationid: claim?.id,
      data: { outcome: 'ok' },
    });

    // The same claim delivered again is answered once only (the answers are keyed by its id).
    await deliver(sc, zj, claim as EventEnvelope);
    await deliver(sc, zj, { ...(claim as EventEnvelope), id: newUlid() });
    const repeat = await outbound(zj, 2);
    expect(repeat.every((m) => m.correlationid !== claim?.id)).toBe(true);
    const stored = await zj.aws.documents.send(
      new ScanCommand({
        TableName: zj.table,
        FilterExpression: 'entity = :e',
        ExpressionAttributeValues: { ':e': 'Outbound' },
        ConsistentRead: true,
      }),
    );
    expect(stored.Items).toHaveLength(4);

    await deliver(zj, sc, conflict as EventEnvelope);
    await eventually(async () => {
      const e = await sc.repos.enrollments.find(residenceEnrollment);
      return e?.crossProvince?.status === 'conflict' ? e : undefined;
    });
    const [ackOfConflict] = await outbound(sc, 1);
    expect(ackOfConflict).toMatchObject({ type: 'cn.gov.jiahe.ack.v1', correlationid: conflict?.id });

    const plan = (p: Province, period: string) =>
      planBatch(p.repos, {
        scheme,
        period,
        region: `${p.code}0000`,
        by: 'officer',
        at: clock.now(),
        newId: () => newUlid(),
      });
    const zjBatch = await plan(zj, '2026-11');
    const scBatch = await plan(sc, '2026-11');
    expect(zjBatch.ledger.pending.count).toBe(1);
    expect(scBatch.ledger.held.count).toBe(1);
    expect(scBatch.control.count).toBe(0);
    const [held] = (await sc.repos.batches.lines(scBatch.batchId, { limit: 10 })).items;
    expect(held).toMatchObject({ state: 'held', holdReason: 'cross-province-conflict', amountFen: 12_000 });

    // Zhejiang's enrolment ends: it releases the claim, and Sichuan's next batch carries the held month.
    const zjApi = buildEnrollmentsApi({
      accessReads: payoutAccessEvents(zj.repos.outbox, '33'),
      province: '33',
      enrollments: zj.repos.enrollments,
      projection: zj.repos.projection,
      batches: zj.repos.batches,
      cipher: TEST_CIPHER,
      personRefKey: 'test-person-ref-key-0123456789abcdef0123',
      clock,
      observability: quietObservability(),
    });
    // December: Zhejiang's enrolment ends before Sichuan plans the month.
    today = new Date('2026-12-01T02:00:00Z');
    const ended = await callApi(zjApi, 'POST', '/v1/enrollments/{enrollmentId}/actions/{action}', {
      claims: staffClaims('officer-hz', ['payout-officer'], '330100'),
      path: { enrollmentId: hukouEnrollment, action: 'end' },
      body: { reason: '户籍迁出' },
    });
    expect(ended.status).toBe(200);
    const [clear] = await outbound(zj, 1);
    expect(clear).toMatchObject({
      type: 'cn.gov.jiahe.benefit.enrollment-clear.v1',
      recipient: 'urn:cn:gov:510000:jiahe',
      data: { claimId: residenceEnrollment, scheme: 'rural-reward' },
    });
    await deliver(zj, sc, clear as EventEnvelope);
    await eventually(async () => {
      const e = await sc.repos.enrollments.find(residenceEnrollment);
      return e?.crossProvince?.status === 'clear' ? e : undefined;
    });
    const december = await plan(sc, '2026-12');
    const lines = (await sc.repos.batches.lines(december.batchId, { limit: 10 })).items;
    expect(lines.map((l) => [l.period, l.state]).sort()).toEqual([
      ['2026-11', 'pending'],
      ['2026-12', 'pending'],
    ]);
    expect(hukouEnrollment).toBeDefined();
  });

  it('a death recorded in another province suspends the enrolment here from the month after', async () => {
    // The enrolment of the first test has ended; the person enrols again.
    const again = activeEnrollment({
      personId: zjPersonId,
      scheme: scheme.code,
      fromPeriod: '2026-12',
      account: accountFor(2),
    });
    await zj.repos.enrollments.create(again);
    hukouEnrollment = again.enrollmentId;
    // The notice of a death on 5 December arrives a few days later.
    today = new Date('2026-12-09T02:00:00Z');
    const deceased: EventEnvelope = {
      specversion: '1.0',
      id: newUlid(),
      source: provinceUrn('51'),
      type: PERSON_DECEASED,
      time: clock.now().toISOString(),
      subject: newUlid(),
      datacontenttype: 'application/json',
      recipient: provinceUrn('33'),
      data: {
        personId: newUlid(),
        version: 3,
        sex: 'female',
        birthDate: '1958-03-01',
        alive: false,
        deathDate: '2026-12-05',
        hukouRegion: '330106',
        residenceRegion: '510104',
        personRef: PERSON_REF,
      },
    };
    await deliver(sc, zj, deceased);
    const suspended = await eventually(async () => {
      const e = await zj.repos.enrollments.find(hukouEnrollment);
      return e?.status === 'suspended' ? e : undefined;
    });
    expect(suspended).toMatchObject({ suspensionReason: 'deceased', suspendedFromPeriod: '2027-01' });
    // The registry answers death notices; payout adds no second answer to the same message.
    const after = await zj.aws.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: zj.queues['exchange-outbound']?.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 2,
      }),
    );
    const bodies = (after.Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}') as EventEnvelope);
    expect(bodies.filter((m) => m.correlationid === deceased.id)).toEqual([]);
  });
});
