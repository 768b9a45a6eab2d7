/**
 * Exchange benchmark on the local cloud (provinces 22 and 23, every function in its own
 * worker, pollers, gateways, the real signed inbox): requests to notify 23 of a residence
 * change are put on 22's `exchange-outbound` queue, as the registry's publisher puts them,
 * and each counts as done when 22 has stored 23's verified, signed receipt (the outbound
 * message `delivered`). Latency is from the send to `deliveredAt`.
 *
 * Two phases: a burst of N requests at once (throughput, and latency when queued), then a
 * paced phase at half the burst throughput (latency when the system keeps up). The ceilings
 * are the same SQS emulator with send + receive + delete, and loopback HTTP POSTs.
 */
import { GetQueueUrlCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { physicalName } from '../../local/services/provision';
import { residenceNoticeRequest } from '../support/exchange-messages';
import { httpPostCeiling, sqsCeiling, type Throughput } from './lib/ceilings';
import { latencyOf, perSecond, ratio } from './lib/stats';

export const FROM = '22';
export const TO = '23';

export interface ExchangeResult {
  readonly endToEnd: Throughput;
  readonly paced: Throughput & { readonly offeredPerSecond: number };
  readonly sqsCeiling: Throughput;
  readonly httpCeiling: Throughput;
  readonly ratios: { readonly toSqs: number; readonly toHttp: number };
  readonly note: string;
}

interface Clients {
  readonly sqs: SQSClient;
  readonly documents: DynamoDBDocumentClient;
}

/** Sends the requests in batches of ten, recording when each was handed to SQS. */
async function send(clients: Clients, queueUrl: string, ids: string[], sentAt: Map<string, number>) {
  for (let i = 0; i < ids.length; i += 10) {
    const chunk = ids.slice(i, i + 10);
    const entries = chunk.map((id, j) => ({
      Id: String(j),
      MessageBody: JSON.stringify(residenceNoticeRequest(FROM, TO, id)),
    }));
    const at = Date.now();
    await clients.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    for (const id of chunk) sentAt.set(id, at);
  }
}

/**
 * Waits until every message is delivered, reading 22's outbound records 100 at a time
 * (consistent reads), and answers each one's `deliveredAt` in epoch ms. Gives up after
 * `timeoutMs`, answering what was delivered by then.
 */
async function deliveries(clients: Clients, ids: string[], timeoutMs: number): Promise<Map<string, number>> {
  const table = physicalName(FROM, 'exchange');
  const done = new Map<string, number>();
  const deadline = Date.now() + timeoutMs;
  while (done.size < ids.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const pending = ids.filter((id) => !done.has(id));
    for (let i = 0; i < pending.length; i += 100) {
      const keys = pending.slice(i, i + 100).map((id) => ({ pk: `MSG#${id}`, sk: `OUT#${TO}` }));
      const out = await clients.documents.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: keys,
              ConsistentRead: true,
              ProjectionExpression: 'messageId, #s, deliveredAt',
              ExpressionAttributeNames: { '#s': 'status' },
            },
          },
        }),
      );
      for (const item of out.Responses?.[table] ?? []) {
        if (item.status === 'delivered' && typeof item.deliveredAt === 'string') {
          done.set(item.messageId as string, Date.parse(item.deliveredAt));
        }
      }
    }
  }
  return done;
}

async function phase(
  clients: Clients,
  queueUrl: string,
  ids: string[],
  pacePerSecond: number | undefined,
  timeoutMs: number,
): Promise<Throughput & { delivered: number }> {
  const sentAt = new Map<string, number>();
  const started = Date.now();
  const waiting = (async () => {
    if (!pacePerSecond) return send(clients, queueUrl, ids, sentAt);
    // Ten messages every 10/pace seconds.
    const interval = 10_000 / pacePerSecond;
    for (let i = 0; i < ids.length; i += 10) {
      const due = started + (i / 10) * interval;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await send(clients, queueUrl, ids.slice(i, i + 10), sentAt);
    }
  })();
  const [, delivered] = await Promise.all([waiting, deliveries(clients, ids, timeoutMs)]);
  const latencies = [...delivered].map(([id, at]) => at - (sentAt.get(id) ?? at));
  const last = Math.max(...delivered.values());
  return {
    count: ids.length,
    concurrency: 0,
    perSecond: perSecond(delivered.size, last - started),
    latency: latencyOf(latencies),
    delivered: delivered.size,
  };
}

export async function benchExchange(
  clients: Clients,
  options: { count: number; log: (line: string) => void; newId: () => string },
): Promise<ExchangeResult> {
  const { QueueUrl } = await clients.sqs.send(
    new GetQueueUrlCommand({ QueueName: physicalName(FROM, 'exchange-outbound') }),
  );
  const queueUrl = QueueUrl as string;
  options.log('exchange: SQS and HTTP ceilings');
  const sqs = await sqsCeiling(clients.sqs, options.count, 2);
  const http = await httpPostCeiling(options.count, 10);
  const ids = (n: number) => Array.from({ length: n }, () => options.newId());
  // Messages first, so every instance of the path (up to 10 senders) is started before timing.
  options.log('exchange: warming the path');
  await phase(clients, queueUrl, ids(100), undefined, 120_000);
  options.log(`exchange: burst of ${options.count}`);
  const burst = await phase(
    clients,
    queueUrl,
    ids(options.count),
    undefined,
    Math.max(120_000, options.count * 100),
  );
  const offered = Math.max(5, Math.round(burst.perSecond / 2));
  const pacedCount = Math.min(options.count, Math.max(50, offered * 10));
  options.log(`exchange: ${pacedCount} paced at ${offered}/s`);
  const paced = await phase(clients, queueUrl, ids(pacedCount), offered, Math.max(120_000, pacedCount * 100));
  const lost = burst.count - burst.delivered + (paced.count - paced.delivered);
  return {
    endToEnd: { ...burst, concurrency: 0 },
    paced: { ...paced, offeredPerSecond: offered },
    sqsCeiling: sqs,
    httpCeiling: http,
    ratios: { toSqs: ratio(burst.perSecond, sqs.perSecond), toHttp: ratio(burst.perSecond, http.perSecond) },
    note:
      (lost > 0 ? `${lost} messages were not delivered within the time limit. ` : '') +
      'Local concurrency as the manifest sets it (outbox 5 instances, sender 10), 2 instances of the inbox; every instance shares the 2 cores with DynamoDB Local.',
  };
}
