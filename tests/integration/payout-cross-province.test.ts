import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getScheme } from '../../functions/payout/config/schemes';
import { planBatch } from '../../functions/payout/domain/plan-batch';
import type { Poller } from '../../local/pollers/sqs-poller';
import { fixedClock } from '../../shared/domain/clock';
import { newUlid } from '../../shared/domain/ids';
import { PERSON_DECEASED } from '../../shared/events/catalog';
import { type EventEnvelope, provinceUrn } from '../../shared/events/envelope';
import { staffClaims } from '../support/api-event';
import { callApi } from '../support/call-api';
import { eventually } from '../support/in-process-runtime';
import { accountFor, activeEnrollment, ruralParent, twoDaughterHousehold } from '../support/payout-fixtures';
import {
  answerTo,
  deliver,
  drained,
  outbound,
  type Province,
  startProvince,
} from '../support/payout-provinces';

const scheme = getScheme('rural-reward');
/** The day the test runs in, whatever the machine's date: approvals, answers and plans use it. */
const CLOCK = fixedClock('2026-11-20T02:00:00.000Z');
/** The same person in both provinces' projections: hukou in Hangzhou, living in Chengdu. */
const PERSON_REF = 'Qm9vZ3VzUmVmZXJlbmNlRm9yVGVzdHNPbmx5MDEyMzQ';

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
      const started = await startProvince(test, code, CLOCK);
      pollers.push(...started.pollers);
      if (code === '33') zj = started.province;
      else sc = started.province;
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
        const officer = staffClaims('officer-sc', ['payout-officer'], '510100');
        const created = await callApi(sc.api, 'POST', '/v1/enrollments', {
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
        const approved = await callApi(sc.api, 'POST', '/v1/enrollments/{enrollmentId}/actions/{action}', {
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

    // Zhejiang's enrolment ends: it grants the claim, after November, which Zhejiang pays.
    const ended = await callApi(zj.api, 'POST', '/v1/enrollments/{enrollmentId}/actions/{action}', {
      claims: staffClaims('officer-hz', ['payout-officer'], '330100'),
      path: { enrollmentId: hukouEnrollment, action: 'end' },
      body: { reason: '户籍迁出' },
    });
    expect(ended.status).toBe(200);
    const [clear] = await outbound(zj, 1);
    expect(clear).toMatchObject({
      type: 'cn.gov.jiahe.benefit.enrollment-clear.v1',
      recipient: 'urn:cn:gov:510000:jiahe',
      data: { claimId: residenceEnrollment, scheme: 'rural-reward', paidThroughPeriod: '2026-11' },
    });
    await deliver(zj, sc, clear as EventEnvelope);
    await eventually(async () => {
      const e = await sc.repos.enrollments.find(residenceEnrollment);
      return e?.crossProvince?.status === 'clear' ? e : undefined;
    });
    const december = await plan(sc, '2026-12');
    const lines = (await sc.repos.batches.lines(december.batchId, { limit: 10 })).items;
    // The held November is not carried to be paid a second time: it is held for good.
    expect(lines.map((l) => [l.period, l.state, l.holdReason]).sort()).toEqual([
      ['2026-11', 'held', 'paid-by-other-province'],
      ['2026-12', 'pending', undefined],
    ]);
    expect(hukouEnrollment).toBeDefined();
  });

  it('refuses an answer to our claim from a province the claim was not sent to, with a fatal-error ack', async () => {
    // The attack: partner 44 answers "conflict" to Sichuan's claim, which was asked of Zhejiang (33),
    // to stop Sichuan paying. The answer is refused, and the enrolment stays as Zhejiang left it.
    const before = await sc.repos.enrollments.find(residenceEnrollment);
    const cleared = { province: '33', status: 'clear', paidElsewhereThrough: '2026-11' };
    expect(before?.crossProvince).toEqual(cleared);
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
    expect(after?.crossProvince).toEqual(cleared);
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
    const reverse = (claims: ReturnType<typeof staffClaims>, body: unknown) =>
      callApi(zj.api, 'POST', '/v1/enrollments/{enrollmentId}/death-notice-reversal', {
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
