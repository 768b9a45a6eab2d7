import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/domain/clock';
import { staffClaims } from '../support/api-event';
import { callApi } from '../support/call-api';
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
    api = payoutApis(aws, provisioned.resources, fixedClock('2026-11-10T02:00:00.000Z'), undefined, 3);
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
