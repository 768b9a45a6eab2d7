import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sqsDeliveryQueue } from '../../functions/exchange/adapters/delivery-queue';
import { dynamoMessageRepository } from '../../functions/exchange/adapters/message-repository';
import { dynamoPartnerRepository } from '../../functions/exchange/adapters/partner-repository';
import { dynamoStreamRepository } from '../../functions/exchange/adapters/stream-repository';
import { PROTOCOL_TYPES } from '../../functions/exchange/domain/partner';
import { generateSigningKey, jwks } from '../../functions/exchange/domain/signing';
import { buildOutbox } from '../../functions/exchange/handlers/outbox';
import { exchangeManifest } from '../../functions/exchange/manifest';
import { type Poller, startSqsPoller } from '../../local/pollers/sqs-poller';
import { documentClient } from '../../shared/aws/dynamodb';
import type { EventEnvelope } from '../../shared/events/envelope';
import { provinceUrn } from '../../shared/events/envelope';
import { functionSpec } from '../../shared/manifest';
import { residenceNoticeRequest } from '../support/exchange-messages';
import { eventually, inProcessRuntime } from '../support/in-process-runtime';
import { quietObservability } from '../support/lambda';
import { provisionForTest } from '../support/local-aws';
import { faultyDynamoDb } from './support/faulty-dynamodb';
import { recordFigures } from './support/figures';

const PROVINCE = '14';
const PARTNER = '72';

/**
 * The exchange outbox (areas' requests on `exchange-outbound` → one numbered outbound
 * message per id, queued for delivery) under faults, with the real SQS emulator and
 * DynamoDB Local: throttling and server errors injected into its DynamoDB client,
 * redelivery of requests it already handled, and poison requests that go to the DLQ and
 * are replayed after the fix. Each scenario counts sent, delivered (a stored message and
 * exactly one delivery job), duplicates and lost.
 */
describe('the outbox under faults loses nothing and duplicates nothing', () => {
  let env: Awaited<ReturnType<typeof provisionForTest>>;
  let faults: ReturnType<typeof faultyDynamoDb>;
  let poller: Poller;
  const deliveryJobs = new Map<string, number>();
  const queue = (name: string) => {
    const q = env.resources.queues[name];
    if (!q) throw new Error(`no queue ${name}`);
    return q;
  };

  const messages = () => dynamoMessageRepository(env.aws.documents, env.resources.tables.exchange);
  const send = async (requests: readonly EventEnvelope[]) => {
    for (const r of requests) {
      await env.aws.sqs.send(
        new SendMessageCommand({ QueueUrl: queue('exchange-outbound').url, MessageBody: JSON.stringify(r) }),
      );
    }
  };
  /** Drains the delivery queue (nothing consumes it here) into the per-id job count. */
  const collectJobs = async () => {
    for (;;) {
      const out = await env.aws.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queue('exchange-delivery').url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
        }),
      );
      if (!out.Messages?.length) return;
      for (const m of out.Messages) {
        const id = (JSON.parse(m.Body ?? '{}') as { messageId: string }).messageId;
        deliveryJobs.set(id, (deliveryJobs.get(id) ?? 0) + 1);
        await env.aws.sqs.send(
          new DeleteMessageCommand({
            QueueUrl: queue('exchange-delivery').url,
            ReceiptHandle: m.ReceiptHandle,
          }),
        );
      }
    }
  };
  const depth = async (url: string) => {
    const a = await env.aws.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(a.Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(a.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  };
  /** Sent, delivered, duplicates, lost for a set of request ids. */
  const tally = async (ids: readonly string[]) => {
    await collectJobs();
    const stored = await Promise.all(ids.map((id) => messages().findOutbound(PARTNER, id)));
    const sequences = stored.map((m) => m?.sequence);
    const delivered = ids.filter((id, i) => stored[i] && (deliveryJobs.get(id) ?? 0) >= 1).length;
    const duplicates =
      ids.reduce((n, id) => n + Math.max(0, (deliveryJobs.get(id) ?? 0) - 1), 0) +
      (sequences.length - new Set(sequences).size);
    return { sent: ids.length, delivered, duplicates, lost: ids.length - delivered };
  };

  beforeAll(async () => {
    env = await provisionForTest(PROVINCE);
    // Failed requests come back after 2 s instead of the deployed 180 s, so the test is short.
    await env.aws.sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: queue('exchange-outbound').url,
        Attributes: { VisibilityTimeout: '2' },
      }),
    );
    await dynamoPartnerRepository(env.aws.documents, env.resources.tables.exchange).put({
      code: PARTNER,
      urn: provinceUrn(PARTNER),
      inboxUrl: 'http://127.0.0.1:9/exchange/v1/inbox',
      jwks: jwks([generateSigningKey('p72-k1').verification]),
      inboundTypes: [...PROTOCOL_TYPES],
      outboundTypes: [...PROTOCOL_TYPES],
      status: 'active',
      updatedAt: new Date().toISOString(),
      updatedBy: 'test',
    });
    faults = faultyDynamoDb(inject('dynamodbEndpoint'), 0.3);
    const db = documentClient(faults.client);
    const outbox = buildOutbox({
      province: PROVINCE,
      partners: dynamoPartnerRepository(db, env.resources.tables.exchange),
      messages: dynamoMessageRepository(db, env.resources.tables.exchange),
      streams: dynamoStreamRepository(db, env.resources.tables.exchange),
      delivery: sqsDeliveryQueue(env.aws.sqs, queue('exchange-delivery').url),
      observability: quietObservability(),
    });
    poller = startSqsPoller({
      sqs: env.aws.sqs,
      queueUrl: queue('exchange-outbound').url,
      queueArn: queue('exchange-outbound').arn,
      batchSize: 10,
      concurrency: 2,
      runtime: inProcessRuntime(functionSpec(exchangeManifest, 'exchange-outbox'), outbox),
      log: () => undefined,
    });
  });

  afterAll(async () => {
    await poller?.stop();
  });

  const requests = Array.from({ length: 40 }, () => residenceNoticeRequest(PROVINCE, PARTNER));
  const ids = requests.map((r) => r.id);

  it('DynamoDB throttling and server errors (30% of calls) under SDK retries and SQS redelivery', async () => {
    await send(requests);
    await eventually(async () => {
      const stored = await Promise.all(ids.map((id) => messages().findOutbound(PARTNER, id)));
      return stored.every(Boolean) && (await depth(queue('exchange-outbound').url)) === 0 ? true : undefined;
    }, 90_000);
    const counts = await tally(ids);
    const injected = faults.injected.throttled + faults.injected.serverErrors;
    recordFigures('3-faults', [
      {
        suite: 'faults',
        item: `DynamoDB throttling/5xx injected (${injected} of ${faults.injected.calls} calls)`,
        counts,
        mustBeZero: ['duplicates', 'lost'],
      },
    ]);
    expect(injected).toBeGreaterThan(0);
    expect(counts).toEqual({ sent: 40, delivered: 40, duplicates: 0, lost: 0 });
  });

  it('SQS redelivers requests already handled: nothing happens twice', async () => {
    await send(requests);
    await eventually(
      async () => ((await depth(queue('exchange-outbound').url)) === 0 ? true : undefined),
      90_000,
    );
    const counts = await tally(ids);
    recordFigures('3-faults', [
      {
        suite: 'faults',
        item: 'SQS redelivery of 40 processed requests',
        counts,
        mustBeZero: ['duplicates', 'lost'],
      },
    ]);
    expect(counts).toEqual({ sent: 40, delivered: 40, duplicates: 0, lost: 0 });
  });

  it('poison requests go to the DLQ, and after the fix a replay delivers each once', async () => {
    faults.calm();
    const poisoned = Array.from({ length: 5 }, () => residenceNoticeRequest(PROVINCE, PARTNER));
    for (const r of poisoned) faults.poison.add(r.id);
    await send(poisoned);
    const dlq = queue('exchange-outbound').dlqUrl;
    await eventually(async () => ((await depth(dlq)) === poisoned.length ? true : undefined), 90_000);
    const before = await tally(poisoned.map((r) => r.id));
    expect(before.delivered).toBe(0);

    // The fix, then the operator's replay: move every DLQ message back to its queue.
    faults.poison.clear();
    let replayed = 0;
    for (;;) {
      const out = await env.aws.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: dlq, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (!out.Messages?.length) break;
      for (const m of out.Messages) {
        await env.aws.sqs.send(
          new SendMessageCommand({ QueueUrl: queue('exchange-outbound').url, MessageBody: m.Body ?? '' }),
        );
        await env.aws.sqs.send(new DeleteMessageCommand({ QueueUrl: dlq, ReceiptHandle: m.ReceiptHandle }));
        replayed++;
      }
    }
    const poisonIds = poisoned.map((r) => r.id);
    await eventually(async () => {
      const stored = await Promise.all(poisonIds.map((id) => messages().findOutbound(PARTNER, id)));
      return stored.every(Boolean) && (await depth(queue('exchange-outbound').url)) === 0 ? true : undefined;
    }, 60_000);
    const counts = await tally(poisonIds);
    recordFigures('3-faults', [
      {
        suite: 'faults',
        item: `poison requests to the DLQ (${before.lost} held), replayed after the fix`,
        counts: { ...counts, deadLettered: replayed },
        mustBeZero: ['duplicates', 'lost'],
      },
    ]);
    expect(replayed).toBe(poisoned.length);
    expect(counts).toEqual({ sent: 5, delivered: 5, duplicates: 0, lost: 0 });
  });
});
