import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sqsPlanningQueue } from '../../functions/payout/adapters/planning-queue';
import { buildRegionPlanner } from '../../functions/payout/handlers/region-planner';
import { fixedClock } from '../../shared/domain/clock';
import { staffClaims } from '../support/api-event';
import { callApi } from '../support/call-api';
import { context, quietObservability, sqsRecord } from '../support/lambda';
import { type localAws, provisionForTest } from '../support/local-aws';
import { payoutApis } from '../support/payout-apis';
import { enrolRuralParents, payoutRepos } from '../support/payout-fixtures';

const officer = staffClaims('officer-1', ['payout-officer'], '330000');

describe('an officer plans a county over the batch line cap', () => {
  let aws: ReturnType<typeof localAws>;
  let api: ReturnType<typeof payoutApis>;
  let queueUrl: string;

  beforeAll(async () => {
    const provisioned = await provisionForTest('95');
    aws = provisioned.aws;
    queueUrl = (provisioned.resources.queues['payout-planning'] as { url: string }).url;
    // A cap of 3 and 7 enrolled parents in Xihu: three batches of 3, 3 and 1.
    api = payoutApis(aws, provisioned.resources, fixedClock('2026-11-10T02:00:00.000Z'), undefined, {
      lineCap: 3,
    });
    await enrolRuralParents(payoutRepos(aws, provisioned.resources.tables.payout), 7, 'rural-reward');
  });

  it('gets part 1 at once, with the cap of lines, and part 2 is asked for on the planning queue', async () => {
    const reply = await callApi(api.batches, 'POST', '/v1/payout-batches', {
      claims: officer,
      body: { scheme: 'rural-reward', period: '2026-11', region: '330106' },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(reply.body.part.number).toBe(1);
    expect(reply.body.control.count).toBe(3);
    const out = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect((out.Messages ?? []).map((m) => JSON.parse(m.Body ?? ''))).toEqual([
      { scheme: 'rural-reward', period: '2026-11', region: '330106', part: 2 },
    ]);

    // Asked again, planning answers the same part 1 and changes nothing.
    const again = await callApi(api.batches, 'POST', '/v1/payout-batches', {
      claims: officer,
      body: { scheme: 'rural-reward', period: '2026-11', region: '330106' },
    });
    expect(again.body.batchId).toBe(reply.body.batchId);
    expect(again.body.ledger.planned.count).toBe(3);
  });
});

describe('an officer plans a county larger than one request may plan', () => {
  it('answers 202 with the batch still planning; the planning queue finishes the same batch', async () => {
    const { aws, resources } = await provisionForTest('96');
    const queueUrl = (resources.queues['payout-planning'] as { url: string }).url;
    const clock = fixedClock('2026-11-10T02:00:00.000Z');
    // No time to plan at all: the request stops after deciding its first block of lines.
    const api = payoutApis(aws, resources, clock, undefined, { planningBudgetMs: 0 });
    const repos = payoutRepos(aws, resources.tables.payout);
    await enrolRuralParents(repos, 4, 'rural-reward');

    const reply = await callApi(api.batches, 'POST', '/v1/payout-batches', {
      claims: officer,
      body: { scheme: 'rural-reward', period: '2026-11', region: '330106' },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    expect(reply.body.state).toBe('planning');
    expect(reply.headers.location).toBe(`/v1/payout-batches/${reply.body.batchId}`);
    // Nothing may be submitted while it plans.
    const early = await callApi(api.batches, 'POST', '/v1/payout-batches/{batchId}/actions/{action}', {
      claims: officer,
      path: { batchId: reply.body.batchId, action: 'submit' },
      body: {},
    });
    expect(early.status).toBe(409);

    const out = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const bodies = (out.Messages ?? []).map((m) => m.Body ?? '');
    expect(bodies.map((b) => JSON.parse(b))).toEqual([
      { scheme: 'rural-reward', period: '2026-11', region: '330106' },
    ]);
    const regionPlanner = buildRegionPlanner({
      ...repos,
      queue: sqsPlanningQueue(aws.sqs, queueUrl),
      clock,
      observability: quietObservability(),
    });
    const records = bodies.map((b, i) => sqsRecord(`m-${i}`, b, 'payout-planning'));
    expect(await regionPlanner({ Records: records } as never, context())).toEqual({ batchItemFailures: [] });

    const planned = await callApi(api.batches, 'GET', '/v1/payout-batches/{batchId}', {
      claims: officer,
      path: { batchId: reply.body.batchId },
    });
    expect(planned.body.state).toBe('planned');
    expect(planned.body.control.count).toBe(4);
    expect(planned.body.ledger.planned.count).toBe(4);
  });
});
