import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { startSqsPoller } from '../../local/pollers/sqs-poller';
import { startStreamPoller } from '../../local/pollers/stream-poller';
import type { FunctionSpec } from '../../shared/manifest';
import { eventually, inProcessRuntime } from '../support/in-process-runtime';
import { provisionForTest } from '../support/local-aws';

const spec = (name: string): FunctionSpec => ({
  name,
  description: 'test',
  entry: 'none',
  memoryMb: 128,
  timeoutSeconds: 5,
  tables: [],
  sends: [],
});

describe('local event source pollers', () => {
  let aws: Awaited<ReturnType<typeof provisionForTest>>['aws'];
  let resources: Awaited<ReturnType<typeof provisionForTest>>['resources'];

  beforeAll(async () => {
    ({ aws, resources } = await provisionForTest('63'));
  });

  it('SQS: deletes what succeeded and redelivers only the reported failures', async () => {
    // A queue of its own with a 1 s visibility timeout, so the failed message is back soon.
    const created = await aws.sqs.send(
      new CreateQueueCommand({ QueueName: 'p63-poller-test', Attributes: { VisibilityTimeout: '1' } }),
    );
    const queueUrl = created.QueueUrl ?? '';
    const queue = { url: queueUrl, arn: 'arn:aws:sqs:us-east-1:000000000000:p63-poller-test' };
    const seen: string[] = [];
    let failOnce = true;
    const runtime = inProcessRuntime(
      spec('sqs-consumer'),
      async (event: SQSEvent): Promise<SQSBatchResponse> => {
        const failures: { itemIdentifier: string }[] = [];
        for (const record of event.Records) {
          seen.push(record.body);
          if (record.body === 'flaky' && failOnce) {
            failOnce = false;
            failures.push({ itemIdentifier: record.messageId });
          }
        }
        return { batchItemFailures: failures };
      },
    );
    await aws.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: ['a', 'flaky', 'b'].map((body, i) => ({ Id: String(i), MessageBody: body })),
      }),
    );
    const poller = startSqsPoller({
      sqs: aws.sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      batchSize: 10,
      concurrency: 1,
      runtime,
      log: () => undefined,
    });
    try {
      await eventually(
        async () => (seen.filter((b) => b === 'flaky').length === 2 ? true : undefined),
        15_000,
      );
    } finally {
      await poller.stop();
    }
    expect(seen.filter((b) => b === 'a')).toHaveLength(1);
    expect(seen.filter((b) => b === 'b')).toHaveLength(1);
    const left = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, WaitTimeSeconds: 0 }));
    expect(left.Messages ?? []).toHaveLength(0);
  });

  it('stream: retries a failing record, then parks the batch in the stream DLQ and moves on', async () => {
    const table = resources.tables.registry;
    const dlq = resources.streamDlqs.registry;
    if (!dlq) throw new Error('stream DLQ missing');
    const delivered: string[] = [];
    const runtime = inProcessRuntime(
      spec('stream-consumer'),
      async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
        const failures: { itemIdentifier: string }[] = [];
        for (const record of event.Records) {
          const pk = record.dynamodb?.Keys?.pk?.S ?? '';
          if (pk === 'poison' || failures.length > 0) {
            failures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
          } else delivered.push(pk);
        }
        return { batchItemFailures: failures.slice(0, 1) };
      },
    );
    const checkpoints = new Map<string, string>();
    const poller = startStreamPoller({
      streams: aws.streams,
      streamArn: resources.streams.registry ?? '',
      batchSize: 10,
      retryAttempts: 2,
      runtime,
      checkpoints,
      onFailure: { sqs: aws.sqs, queueUrl: dlq.url },
      log: () => undefined,
      idleMs: 50,
    });
    try {
      const put = (pk: string) =>
        aws.dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, sk: { S: 'x' } } }));
      await put('one');
      await eventually(async () => (delivered.includes('one') ? true : undefined), 15_000);
      await put('poison');
      // Lambda gives up on the rest of the batch with the failed record; a later write flows again.
      await eventually(async () => (runtime.invocations >= 4 ? true : undefined), 15_000);
      await put('two');
      await eventually(async () => (delivered.includes('two') ? true : undefined), 15_000);
    } finally {
      await poller.stop();
    }
    expect(delivered.filter((pk) => pk === 'one')).toHaveLength(1);
    expect(delivered).not.toContain('poison');
    // 1 first try + 2 retries of the poison record before giving up.
    expect(runtime.invocations).toBeGreaterThanOrEqual(3);
    const attrs = await aws.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlq.url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(Number(attrs.Attributes?.ApproximateNumberOfMessages)).toBe(1);
    const parked = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url }));
    const body = JSON.parse(parked.Messages?.[0]?.Body ?? '{}');
    expect(body.requestContext.condition).toBe('RetryAttemptsExhausted');
    expect(body.DDBStreamBatchInfo.batchSize).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
