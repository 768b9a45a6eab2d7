import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
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
import { fixedClock } from '../../shared/domain/clock';
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
  TEST_ACCOUNTS,
  TEST_FINGERPRINT_KEY,
  twoDaughterHousehold,
} from '../support/payout-fixtures';

const scheme = getScheme('rural-reward');
/** The day the test runs in, whatever the machine's date: approvals, answers and plans use it. */
const CLOCK = fixedClock('2026-11-20T02:00:00.000Z');
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
    clock: CLOCK,
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

/** The message the province sent towards the exchange in answer to `messageId` (others are set aside). */
async function answerTo(p: Province, messageId: string): Promise<EventEnvelope | undefined> {
  const seen: EventEnvelope[] = [];
  return eventually(async () => {
    seen.push(...(await outbound(p, 1)));
    return seen.find((m) => m.correlationid === messageId);
  });
}

/** The exchange's part: a message from one province arrives in the other's payout-inbound. */
async function deliver(from: Province | string, to: Province, envelope: EventEnvelope): Promise<void> {
  expect(envelope.recipient).toBe(provinceUrn(to.code));
  const source = provinceUrn(typeof from === 'string' ? from : from.code);
  await to.aws.sqs.send(
    new SendMessageCommand({
      QueueUrl: to.queues['payout-inbound']?.url,
      MessageBody: JSON.stringify({ ...envelope, source }),
    }),
  );
}

/** Waits until the province's inbound queue holds nothing, waiting or in flight: all was handled. */
async function drained(p: Province): Promise<void> {
  await eventually(async () => {
    const { Attributes } = await p.aws.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: p.queues['payout-inbound']?.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const left =
      Number(Attributes?.ApproximateNumberOfMessages ?? 1) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 1);
    return left === 0 ? true : undefined;
  });
}

/** A death notice about the test person, as a province would send it. */
const deathNotice = (from: string, deathDate: string): EventEnvelope => ({
  specversion: '1.0',
  id: newUlid(),
  source: provinceUrn(from),
  type: PERSON_DECEASED,
  time: CLOCK.now().toISOString(),
  subject: newUlid(),
  datacontenttype: 'application/json',
  recipient: provinceUrn('33'),
  data: {
    personId: newUlid(),
    version: 3,
    sex: 'female',
    birthDate: '1958-03-01',
    alive: false,
    deathDate,
    // What the sender claims; payout decides on the regions it has recorded itself.
    hukouRegion: `${from}0106`,
    residenceRegion: `${from}0104`,
    personRef: PERSON_REF,
  },
});

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
        const active = await activeEnrollment({
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
          accounts: TEST_ACCOUNTS,
          fingerprintKey: TEST_FINGERPRINT_KEY,
          personRefKey: 'test-person-ref-key-0123456789abcdef0123',
          clock: CLOCK,
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
        // A second person, with the checker's role, approves the counter enrolment.
        const approved = await callApi(api, 'POST', '/v1/enrollments/{enrollmentId}/actions/{action}', {
          claims: staffClaims('approver-sc', ['payout-approver'], '510100'),
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
        at: CLOCK.now(),
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
      accounts: TEST_ACCOUNTS,
      fingerprintKey: TEST_FINGERPRINT_KEY,
      personRefKey: 'test-person-ref-key-0123456789abcdef0123',
      clock: CLOCK,
      observability: quietObservability(),
    });
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

  it('refuses an answer to our claim from a province the claim was not sent to, with a fatal-error ack', async () => {
    // The attack: partner 44 answers "conflict" to Sichuan's claim, which was asked of Zhejiang (33),
    // to stop Sichuan paying. The answer is refused, and the enrolment stays as Zhejiang left it.
    const before = await sc.repos.enrollments.find(residenceEnrollment);
    expect(before?.crossProvince).toEqual({ province: '33', status: 'clear' });
    const forged: EventEnvelope = {
      specversion: '1.0',
      id: newUlid(),
      source: provinceUrn('44'),
      type: 'cn.gov.jiahe.benefit.enrollment-conflict.v1',
      time: CLOCK.now().toISOString(),
      subject: residenceEnrollment,
      datacontenttype: 'application/json',
      recipient: provinceUrn('51'),
      data: {
        claimId: residenceEnrollment,
        scheme: 'rural-reward',
        activeSincePeriod: '2026-01',
        region: '440106',
      },
    };
    await deliver('44', sc, forged);
    const ack = await answerTo(sc, forged.id);
    expect(ack).toMatchObject({
      type: 'cn.gov.jiahe.ack.v1',
      recipient: 'urn:cn:gov:440000:jiahe',
      correlationid: forged.id,
      // The same answer as for a claim that does not exist: it tells 44 nothing about Sichuan's claims.
      data: { outcome: 'fatal-error', reason: 'unknown-claim' },
    });
    const after = await sc.repos.enrollments.find(residenceEnrollment);
    expect(after?.version).toBe(before?.version);
    expect(after?.crossProvince).toEqual({ province: '33', status: 'clear' });
  });

  it('a death notice stops payments only from the hukou or residence province; an officer reverses it with a reason', async () => {
    // The enrolment of the first test has ended; the person enrols again.
    const again = await activeEnrollment({
      personId: zjPersonId,
      scheme: scheme.code,
      fromPeriod: '2026-12',
      account: accountFor(2),
    });
    await zj.repos.enrollments.create(again);
    hukouEnrollment = again.enrollmentId;

    // The attack: partner 44, neither hukou (33) nor residence (51) province, says the person died.
    await deliver('44', zj, deathNotice('44', '2026-11-05'));
    await drained(zj);
    expect(await zj.repos.enrollments.find(hukouEnrollment)).toMatchObject({
      status: 'active',
      version: again.version,
    });

    // Sichuan, where the person lives, may say so: payments stop from the month after.
    const deceased = deathNotice('51', '2026-12-05');
    await deliver(sc, zj, deceased);
    const suspended = await eventually(async () => {
      const e = await zj.repos.enrollments.find(hukouEnrollment);
      return e?.status === 'suspended' ? e : undefined;
    });
    expect(suspended).toMatchObject({
      suspensionReason: 'death-notice',
      suspendedFromPeriod: '2027-01',
      deathNotice: { noticeId: deceased.id, province: '51', deathDate: '2026-12-05' },
    });
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

    // The notice was wrong: an officer of the person's region reverses the suspension, with a reason.
    const zjApi = buildEnrollmentsApi({
      accessReads: payoutAccessEvents(zj.repos.outbox, '33'),
      province: '33',
      enrollments: zj.repos.enrollments,
      projection: zj.repos.projection,
      batches: zj.repos.batches,
      accounts: TEST_ACCOUNTS,
      fingerprintKey: TEST_FINGERPRINT_KEY,
      personRefKey: 'test-person-ref-key-0123456789abcdef0123',
      clock: CLOCK,
      observability: quietObservability(),
    });
    const reverse = (claims: ReturnType<typeof staffClaims>, body: unknown) =>
      callApi(zjApi, 'POST', '/v1/enrollments/{enrollmentId}/death-notice-reversal', {
        claims,
        path: { enrollmentId: hukouEnrollment },
        body,
      });
    const officer = staffClaims('officer-hz', ['payout-officer'], '330100');
    expect((await reverse(officer, {})).status).toBe(422);
    expect(
      (await reverse(staffClaims('officer-cd', ['payout-officer'], '510100'), { reason: '核验' })).status,
    ).toBe(403);
    expect(
      (await reverse(staffClaims('approver-hz', ['payout-approver'], '330100'), { reason: '核验' })).status,
    ).toBe(403);
    const reversed = await reverse(officer, { reason: '本人到窗口核验，确认健在' });
    expect(reversed.status).toBe(200);
    expect(reversed.body).toMatchObject({ status: 'active', reversedDeathDate: '2026-12-05' });
    expect(reversed.body.actions.at(-1)).toMatchObject({
      type: 'death-notice-reversed',
      by: 'officer-hz',
      reason: '本人到窗口核验，确认健在',
    });
    // Reversed once; the same notice delivered again does not suspend again.
    expect((await reverse(officer, { reason: '再次' })).status).toBe(409);
    await deliver(sc, zj, deceased);
    await drained(zj);
    expect(await zj.repos.enrollments.find(hukouEnrollment)).toMatchObject({ status: 'active' });
  });
});
