import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sqsPlanningQueue } from '../../functions/payout/adapters/planning-queue';
import { dynamoPlanningScope } from '../../functions/payout/adapters/planning-scope';
import { configuredSchemes } from '../../functions/payout/config/schemes';
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
    const regionPlanner = buildRegionPlanner({ ...repos, observability: quietObservability() });
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
});
