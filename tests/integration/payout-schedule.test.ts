import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sqsPlanningQueue } from '../../functions/payout/adapters/planning-queue';
import { dynamoPlanningScope } from '../../functions/payout/adapters/planning-scope';
import { configuredSchemes } from '../../functions/payout/config/schemes';
import { commandBatch } from '../../functions/payout/domain/batch-service';
import { planBatch } from '../../functions/payout/domain/plan-batch';
import { buildPlanner } from '../../functions/payout/handlers/planner';
import { buildRegionPlanner } from '../../functions/payout/handlers/region-planner';
import { fixedClock } from '../../shared/domain/clock';
import { newUlid } from '../../shared/domain/ids';
import { context, quietObservability, sqsRecord } from '../support/lambda';
import { type localAws, provisionForTest } from '../support/local-aws';
import {
  accountFor,
  activeEnrollment,
  payoutRepos,
  ruralParent,
  twoDaughterHousehold,
} from '../support/payout-fixtures';

const SCHEME = 'rural-reward';
const scheme = configuredSchemes().find((s) => s.code === SCHEME);
if (!scheme) throw new Error(`${SCHEME} is not configured`);

describe('the scheduled planner: one batch per county with beneficiaries', () => {
  let aws: ReturnType<typeof localAws>;
  let table: string;
  let queueUrl: string;
  let repos: ReturnType<typeof payoutRepos>;

  /** An enrolled rural parent in `region`, with the facts planning reads. */
  const enrol = async (region: string, i: number) => {
    const personId = newUlid();
    await repos.projection.saveIfNewer(
      ruralParent(personId, { hukouRegion: region, residenceRegion: region }),
    );
    await repos.projection.saveHouseholdIfNewer(twoDaughterHousehold(personId));
    const enrollment = await activeEnrollment({
      personId,
      scheme: SCHEME,
      fromPeriod: '2026-01',
      account: accountFor(i),
      region,
    });
    await repos.enrollments.create(enrollment);
    return enrollment;
  };

  const receiveAll = async () => {
    const bodies: string[] = [];
    for (;;) {
      const out = await aws.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (!out.Messages?.length) return bodies;
      bodies.push(...out.Messages.map((m) => m.Body ?? ''));
    }
  };

  beforeAll(async () => {
    const provisioned = await provisionForTest('36');
    aws = provisioned.aws;
    table = provisioned.resources.tables.payout as string;
    queueUrl = (provisioned.resources.queues['payout-planning'] as { url: string }).url;
    repos = payoutRepos(aws, table);

    await enrol('330106', 1);
    await enrol('330106', 2);
    await enrol('330108', 3);
    // Suspended enrolments are planned too (their lines are held).
    const suspended = await enrol('330110', 4);
    await repos.enrollments.save({ ...suspended, status: 'suspended', version: 2 });
    // A beneficiary held directly under a prefecture code: that prefecture is one batch.
    await enrol('330200', 5);
    await enrol('330203', 6);
    // Another province's beneficiary in the same table is never asked for.
    await enrol('510104', 7);
    // An ended enrolment whose held line still waits for a later batch: its county is asked for.
    const waiting = await activeEnrollment({
      personId: newUlid(),
      scheme: SCHEME,
      fromPeriod: '2026-01',
      account: accountFor(8),
      region: '331002',
    });
    await repos.enrollments.create(waiting);
    const earlier = await planBatch(repos, {
      scheme,
      period: '2026-10',
      region: '331002',
      by: 'officer-a',
      at: new Date('2026-10-01T00:00:00Z'),
      newId: newUlid,
    });
    expect(earlier.ledger.held.count).toBe(1);
    await repos.enrollments.save({ ...waiting, status: 'ended', version: 2 });
  });

  it('asks for one batch per county of the province, a prefecture as one, never twice', async () => {
    const planner = buildPlanner({
      province: '33',
      scope: dynamoPlanningScope(aws.documents, table),
      queue: sqsPlanningQueue(aws.sqs, queueUrl),
      clock: fixedClock('2026-11-01T02:00:00+08:00'),
      schemes: [scheme],
    });
    expect(await planner({})).toEqual({ requested: 5 });
    const requests = (await receiveAll())
      .map((b) => JSON.parse(b))
      .sort((a, b) => (a.region < b.region ? -1 : 1));
    expect(requests).toEqual(
      ['330106', '330108', '330110', '330200', '331002'].map((region) => ({
        scheme: SCHEME,
        period: '2026-11',
        region,
      })),
    );

    // The region planner plans each request; asked again, it finds the same batch.
    const regionPlanner = buildRegionPlanner({
      ...repos,
      queue: sqsPlanningQueue(aws.sqs, queueUrl),
      clock: fixedClock('2026-11-01T02:01:00+08:00'),
      observability: quietObservability(),
    });
    const records = requests.map((r, i) => sqsRecord(`m-${i}`, JSON.stringify(r), 'payout-planning'));
    const first = await regionPlanner({ Records: records } as never, context());
    expect(first).toEqual({ batchItemFailures: [] });
    await regionPlanner({ Records: records } as never, context());

    const batches = (await repos.batches.list({ scheme: SCHEME, regionPrefix: '33', fromPeriod: '2026-11' }))
      .map((b) => ({ region: b.region, state: b.state, lines: b.ledger.planned.count }))
      .sort((a, b) => (a.region < b.region ? -1 : 1));
    expect(batches).toEqual([
      { region: '330106', state: 'planned', lines: 2 },
      { region: '330108', state: 'planned', lines: 1 },
      { region: '330110', state: 'planned', lines: 1 },
      { region: '330200', state: 'planned', lines: 2 },
      // The held line of October cannot be paid yet (its facts are still missing): it waits.
      { region: '331002', state: 'planned', lines: 0 },
    ]);
  });

  it('refuses a request naming an unknown scheme or a malformed region, and plans the good one beside them', async () => {
    const regionPlanner = buildRegionPlanner({
      ...repos,
      queue: sqsPlanningQueue(aws.sqs, queueUrl),
      observability: quietObservability(),
    });
    const out = await regionPlanner(
      {
        Records: [
          sqsRecord(
            'good',
            JSON.stringify({ scheme: SCHEME, period: '2026-11', region: '330108' }),
            'payout-planning',
          ),
          sqsRecord(
            'bad-scheme',
            JSON.stringify({ scheme: 'no-such-scheme', period: '2026-11', region: '330106' }),
            'payout-planning',
          ),
          sqsRecord(
            'bad-region',
            JSON.stringify({ scheme: SCHEME, period: '2026-11', region: '33' }),
            'payout-planning',
          ),
        ],
      } as never,
      context(),
    );
    expect(out).toEqual({
      batchItemFailures: [{ itemIdentifier: 'bad-scheme' }, { itemIdentifier: 'bad-region' }],
    });
  });

  it('splits a county with more enrolments than the cap into parts planned one after another, each enrolment in one part', async () => {
    const enrolled = [];
    for (let i = 0; i < 5; i++) enrolled.push(await enrol('330122', 20 + i));
    // Suspended enrolments are counted and split with the active ones.
    const suspended = enrolled[1] as (typeof enrolled)[number];
    await repos.enrollments.save({ ...suspended, status: 'suspended', version: 2 });
    const regionPlanner = buildRegionPlanner({
      ...repos,
      queue: sqsPlanningQueue(aws.sqs, queueUrl),
      lineCap: 2,
      clock: fixedClock('2026-12-01T02:01:00+08:00'),
      observability: quietObservability(),
    });
    const plan = (bodies: string[]) =>
      regionPlanner(
        { Records: bodies.map((b, i) => sqsRecord(`p-${i}`, b, 'payout-planning')) } as never,
        context(),
      );
    await receiveAll();
    await plan([JSON.stringify({ scheme: SCHEME, period: '2026-12', region: '330122' })]);
    // Each planned part asks for the next on the real queue, until the region's end.
    const asked: unknown[] = [];
    for (let bodies = await receiveAll(); bodies.length > 0; bodies = await receiveAll()) {
      asked.push(...bodies.map((b) => JSON.parse(b)));
      expect(await plan(bodies)).toEqual({ batchItemFailures: [] });
    }
    expect(asked).toEqual(
      [2, 3].map((part) => ({ scheme: SCHEME, period: '2026-12', region: '330122', part })),
    );

    const parts = (
      await repos.batches.list({ scheme: SCHEME, regionPrefix: '330122', fromPeriod: '2026-12' })
    ).sort((a, b) => (a.part?.number ?? 0) - (b.part?.number ?? 0));
    expect(parts.map((b) => [b.part?.number, b.state, b.ledger.planned.count])).toEqual([
      [1, 'planned', 2],
      [2, 'planned', 2],
      [3, 'planned', 1],
    ]);
    expect(parts[2]?.part?.last).toBeUndefined();
    const linesOf = async (batchId: string) =>
      (await repos.batches.lines(batchId, { limit: 100 })).items.map((l) => l.enrollmentId);
    const covered = (await Promise.all(parts.map((b) => linesOf(b.batchId)))).flat();
    expect(covered.sort()).toEqual(enrolled.map((e) => e.enrollmentId).sort());

    // Asked again, a part finds itself; a part whose predecessor is missing is refused.
    await plan([JSON.stringify({ scheme: SCHEME, period: '2026-12', region: '330122', part: 2 })]);
    expect(await receiveAll()).toHaveLength(1);
    expect(await linesOf(parts[1]?.batchId as string)).toHaveLength(2);
    // A cancelled part planned again covers the same enrolments: it ends where the next part starts.
    const second = parts[1] as (typeof parts)[number];
    await commandBatch(repos.batches, second, 'cancel', {
      by: 'officer-a',
      at: new Date(),
      reason: 'wrong period',
    });
    await plan([JSON.stringify({ scheme: SCHEME, period: '2026-12', region: '330122', part: 2 })]);
    const again = await repos.batches.findByKey({
      scheme: SCHEME,
      period: '2026-12',
      region: '330122',
      partNumber: 2,
    });
    expect(again?.batchId).not.toBe(second.batchId);
    expect(again?.part).toEqual(second.part);
    expect((await linesOf(again?.batchId as string)).sort()).toEqual((await linesOf(second.batchId)).sort());
    await receiveAll();

    // Every record of the delivery failed, so the whole delivery is handed back to the queue.
    await expect(
      plan([JSON.stringify({ scheme: SCHEME, period: '2026-12', region: '330122', part: 5 })]),
    ).rejects.toThrow(/All records failed/);
    expect(
      await repos.batches.findByKey({ scheme: SCHEME, period: '2026-12', region: '330122', partNumber: 5 }),
    ).toBeUndefined();
  });
});
