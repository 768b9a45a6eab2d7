/**
 * Ceilings: what the emulators and loopback HTTP manage on this machine, in this run, with
 * nothing of jiahe in the way. Benchmarks are reported as ratios to them.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type Latency, latencyOf, perSecond, pool, timed } from './stats';

export interface Throughput {
  readonly count: number;
  readonly concurrency: number;
  readonly perSecond: number;
  readonly latency: Latency;
}

/**
 * Conditional PutItem (`attribute_not_exists(pk)`) of fresh ~300-byte items, `concurrency`
 * in flight: the cheapest write that still refuses a duplicate, as a payment reservation must.
 */
export async function conditionalPutCeiling(
  dynamodb: DynamoDBClient,
  table: string,
  count: number,
  concurrency: number,
): Promise<Throughput> {
  const run = `${Date.now().toString(36)}-${concurrency}`;
  const padding = 'x'.repeat(240);
  const { ms, value } = await timed(() =>
    pool(count, concurrency, (i) =>
      dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: `CEILING#${run}#${i}` }, sk: { S: 'CEILING' }, padding: { S: padding } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    ),
  );
  return { count, concurrency, perSecond: perSecond(count, ms), latency: latencyOf(value) };
}

/**
 * One message through the SQS emulator and back: sent in batches of 10, received in
 * batches of 10 (long polling) and deleted, by `concurrency` receivers. Latency is from the
 * send call to the delete of the message.
 */
export async function sqsCeiling(sqs: SQSClient, count: number, concurrency: number): Promise<Throughput> {
  const name = `bench-ceiling-${Date.now().toString(36)}`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const url = QueueUrl as string;
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  try {
    const { ms } = await timed(async () => {
      const sending = (async () => {
        for (let i = 0; i < count; i += 10) {
          const entries = Array.from({ length: Math.min(10, count - i) }, (_, j) => ({
            Id: String(j),
            MessageBody: JSON.stringify({ n: i + j, pad: 'y'.repeat(400) }),
          }));
          for (const e of entries) sentAt.set(JSON.parse(e.MessageBody).n, performance.now());
          await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
        }
      })();
      const receiving = Array.from({ length: concurrency }, async () => {
        while (latencies.length < count) {
          const out = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
          );
          const messages = out.Messages ?? [];
          if (messages.length === 0) continue;
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: url,
              Entries: messages.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle as string })),
            }),
          );
          const now = performance.now();
          for (const m of messages) {
            const started = sentAt.get(JSON.parse(m.Body as string).n);
            if (started !== undefined) latencies.push(now - started);
          }
        }
      });
      await Promise.all([sending, ...receiving]);
    });
    return { count, concurrency, perSecond: perSecond(count, ms), latency: latencyOf(latencies) };
  } finally {
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
  }
}

/**
 * JSON POSTs of ~1 KB to a loopback server that reads the body and answers 200, with
 * `concurrency` requests in flight over fetch's keep-alive pool.
 */
export async function httpPostCeiling(count: number, concurrency: number): Promise<Throughput> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"received":${Buffer.concat(chunks).length}}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const body = JSON.stringify({ pad: 'z'.repeat(1000) });
  try {
    const { ms, value } = await timed(() =>
      pool(count, concurrency, async () => {
        const res = await fetch(url, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
        });
        await res.text();
      }),
    );
    return { count, concurrency, perSecond: perSecond(count, ms), latency: latencyOf(value) };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
