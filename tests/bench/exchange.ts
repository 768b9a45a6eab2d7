/**
 * Exchange benchmark on the local cloud (provinces 22 and 23, every function in its own
 * worker, pollers, gateways, the real signed inboxes): requests to notify 23 of a residence
 * change are put on 22's `exchange-outbound` queue, as the registry's publisher puts them.
 * 23's registry acts on each and answers it (`ack.v1`), and a notification is **done when
 * its answer is recorded at 22**. Latency is from the send to the answer's arrival.
 *
 * Version 1 (one message per POST) and version 2 (batches) run one after the other in the
 * same local cloud, the partners registered for each in turn through the operations API.
 * Each runs a burst; version 2 then runs a paced phase at half its burst rate, of at least
 * 1,000 notifications. A notification not done by the end of its phase counts in the
 * percentiles with the time until then, and the number of such is reported (censored).
 *
 * Every DynamoDB request of the local cloud goes through a counter in front of DynamoDB
 * Local (lib/dynamodb-counter.ts), so requests and item writes per notification are counted
 * at the emulator's endpoint, for the exchange tables and for all tables. The ceilings are
 * the same SQS emulator (send + receive + delete: one queue pass) and loopback HTTP POSTs.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../../local/cloud';
import { registerExchangePartners } from '../../local/exchange-partners';
import { physicalName } from '../../local/services/provision';
import { residenceNoticeRequest } from '../support/exchange-messages';
import { httpPostCeiling, sqsCeiling, type Throughput } from './lib/ceilings';
import type { DynamoDbCounter, TableCounts } from './lib/dynamodb-counter';
import { latencyOf, perSecond, ratio } from './lib/stats';

export const FROM = '22';
export const TO = '23';

/**
 * Queue passes of a notification with its answer: 22's exchange-outbound and
 * exchange-delivery, 23's registry-inbound, then 23's exchange-outbound and exchange-delivery
 * for the answer (the areas' publishers and the routers read table streams, not queues).
 */
const QUEUE_PASSES = 5;

export interface PhaseResult extends Throughput {
  readonly done: number;
  /** Not done by the end of the phase: in the percentiles with the time until then. */
  readonly censored: number;
}

export interface PathResult {
  readonly protocol: 'v1' | 'v2';
  readonly burst: PhaseResult;
  readonly paced?: PhaseResult & { readonly offeredPerSecond: number };
  /** HTTP POSTs to an inbox per notification with its answer. */
  readonly postsPerNotification: number;
  /** Counted at the emulator's endpoint during the burst, per notification with its answer. */
  readonly perNotification: {
    readonly exchangeRequests: number;
    readonly exchangeItemWrites: number;
    readonly allRequests: number;
    readonly allItemWrites: number;
    readonly streamReads: number;
  };
}

export interface ExchangeResult {
  readonly v1: PathResult;
  readonly v2: PathResult;
  readonly sqsCeiling: Throughput;
  readonly httpCeiling: Throughput;
  readonly ratios: {
    readonly v2ToV1: number;
    /** Burst rate × queue passes ÷ the one-pass SQS ceiling. */
    readonly v2ToSqsPerPass: number;
    /** Burst rate × POSTs per notification ÷ the HTTP ceiling. */
    readonly v2ToHttpPerPost: number;
  };
  readonly note: string;
}

interface Clients {
  readonly sqs: SQSClient;
  /** Straight to DynamoDB Local: the benchmark's own reads are not counted. */
  readonly documents: DynamoDBDocumentClient;
  readonly raw: DynamoDBClient;
}

/** Sends the requests in batches of ten, recording when each was handed to SQS. */
async function send(clients: Clients, queueUrl: string, ids: string[], sentAt: Map<string, number>) {
  for (let i = 0; i < ids.length; i += 10) {
    const chunk = ids.slice(i, i + 10);
    const at = Date.now();
    await clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((id, j) => ({
          Id: String(j),
          MessageBody: JSON.stringify(residenceNoticeRequest(FROM, TO, id)),
        })),
      }),
    );
    for (const id of chunk) sentAt.set(id, at);
  }
}

/**
 * Waits until every notification's answer is recorded at 22, reading its outbound records
 * 100 at a time (consistent reads), and answers when each answer arrived (epoch ms). Gives
 * up at `deadline`, answering what was done by then.
 */
async function answers(clients: Clients, ids: string[], deadline: number): Promise<Map<string, number>> {
  const table = physicalName(FROM, 'exchange');
  const done = new Map<string, number>();
  while (done.size < ids.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const open = ids.filter((id) => !done.has(id));
    for (let i = 0; i < open.length; i += 100) {
      const out = await clients.documents.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: open.slice(i, i + 100).map((id) => ({ pk: `MSG#${id}`, sk: `OUT#${TO}` })),
              ConsistentRead: true,
              ProjectionExpression: 'messageId, ack',
            },
          },
        }),
      );
      for (const item of out.Responses?.[table] ?? []) {
        const at = (item.ack as { at?: string } | undefined)?.at;
        if (at) done.set(item.messageId as string, Date.parse(at));
      }
    }
  }
  return done;
}

/** Runs one phase: sends (at once, or paced), waits for the answers, and measures. */
async function phase(
  clients: Clients,
  queueUrl: string,
  ids: string[],
  pacePerSecond: number | undefined,
  timeoutMs: number,
): Promise<PhaseResult> {
  const sentAt = new Map<string, number>();
  const started = Date.now();
  const deadline = started + timeoutMs;
  const sending = (async () => {
    if (!pacePerSecond) return send(clients, queueUrl, ids, sentAt);
    // Ten requests every 10/pace seconds.
    const interval = 10_000 / pacePerSecond;
    for (let i = 0; i < ids.length; i += 10) {
      const wait = started + (i / 10) * interval - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await send(clients, queueUrl, ids.slice(i, i + 10), sentAt);
    }
  })();
  const [, done] = await Promise.all([sending, answers(clients, ids, deadline)]);
  const ended = done.size === ids.length ? Math.max(...done.values()) : deadline;
  const latencies = ids.map((id) => (done.get(id) ?? ended) - (sentAt.get(id) ?? started));
  return {
    count: ids.length,
    concurrency: 0,
    perSecond: perSecond(done.size, ended - started),
    latency: latencyOf(latencies),
    done: done.size,
    censored: ids.length - done.size,
  };
}

/** Signed receipts of version 2 batches kept at both ends: one per POST. */
async function batchPosts(clients: Clients): Promise<number> {
  let posts = 0;
  for (const [province, partner] of [
    [FROM, TO],
    [TO, FROM],
  ] as const) {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await clients.documents.send(
        new QueryCommand({
          TableName: physicalName(province, 'exchange'),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `OUTR#${partner}` },
          Select: 'COUNT',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      posts += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
  }
  return posts;
}

/**
 * Waits until the local cloud is quiet: no item written anywhere for two seconds in a row
 * (stream readers and publishers finish what the answers started). The counts so far are kept.
 */
async function settle(counter: DynamoDbCounter, kept: Map<string, TableCounts>): Promise<void> {
  let quiet = 0;
  for (let i = 0; i < 60 && quiet < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const taken = counter.take();
    let writes = 0;
    for (const [table, c] of taken) {
      const into = kept.get(table) ?? { requests: 0, itemWrites: 0 };
      into.requests += c.requests;
      into.itemWrites += c.itemWrites;
      kept.set(table, into);
      writes += c.itemWrites;
    }
    quiet = writes === 0 ? quiet + 1 : 0;
  }
}

const per = (value: number, n: number) => Math.round((value / n) * 1000) / 1000;

/** One protocol's burst (and, for version 2, its paced phase), counted. */
async function runPath(
  protocol: 'v1' | 'v2',
  setup: { cloud: LocalCloud; clients: Clients; counter: DynamoDbCounter; queueUrl: string },
  options: { count: number; paced: boolean; log: (line: string) => void; newId: () => string },
): Promise<PathResult> {
  const { cloud, clients, counter, queueUrl } = setup;
  const ids = (n: number) => Array.from({ length: n }, () => options.newId());
  await registerExchangePartners(cloud.provinces, () => undefined, protocol);
  options.log(`exchange ${protocol}: warming the path`);
  await phase(clients, queueUrl, ids(100), undefined, 120_000);
  const kept = new Map<string, TableCounts>();
  await settle(counter, new Map());
  const postsBefore = await batchPosts(clients);
  options.log(`exchange ${protocol}: burst of ${options.count}`);
  counter.take();
  const burst = await phase(
    clients,
    queueUrl,
    ids(options.count),
    undefined,
    Math.max(120_000, options.count * 200),
  );
  await settle(counter, kept);
  const posts = protocol === 'v2' ? (await batchPosts(clients)) - postsBefore : 2 * options.count;
  const sum = (pick: (table: string) => boolean, field: keyof TableCounts) =>
    [...kept].filter(([table]) => pick(table)).reduce((total, [, c]) => total + c[field], 0);
  const exchange = (table: string) => table.endsWith('-exchange');
  const tables = (table: string) => table !== '(streams)';
  const result: PathResult = {
    protocol,
    burst,
    postsPerNotification: per(posts, options.count),
    perNotification: {
      exchangeRequests: per(sum(exchange, 'requests'), options.count),
      exchangeItemWrites: per(sum(exchange, 'itemWrites'), options.count),
      allRequests: per(sum(tables, 'requests'), options.count),
      allItemWrites: per(sum(tables, 'itemWrites'), options.count),
      streamReads: per(
        sum((t) => t === '(streams)', 'requests'),
        options.count,
      ),
    },
  };
  if (!options.paced) return result;
  const offered = Math.max(5, Math.round(burst.perSecond / 2));
  const pacedCount = Math.max(1_000, offered * 10);
  options.log(`exchange ${protocol}: ${pacedCount} paced at ${offered}/s`);
  const paced = await phase(
    clients,
    queueUrl,
    ids(pacedCount),
    offered,
    Math.max(120_000, (pacedCount / offered) * 2_000),
  );
  return { ...result, paced: { ...paced, offeredPerSecond: offered } };
}

export async function benchExchange(
  setup: { cloud: LocalCloud; clients: Clients; counter: DynamoDbCounter },
  options: { count: number; v1Count: number; log: (line: string) => void; newId: () => string },
): Promise<ExchangeResult> {
  const { QueueUrl } = await setup.clients.sqs.send(
    new GetQueueUrlCommand({ QueueName: physicalName(FROM, 'exchange-outbound') }),
  );
  const queueUrl = QueueUrl as string;
  options.log('exchange: SQS and HTTP ceilings');
  const sqs = await sqsCeiling(setup.clients.sqs, options.count, 2);
  const http = await httpPostCeiling(options.count, 10);
  const path = { ...setup, queueUrl };
  const v1 = await runPath('v1', path, { ...options, count: options.v1Count, paced: false });
  const v2 = await runPath('v2', path, { ...options, paced: true });
  const censored = v1.burst.censored + v2.burst.censored + (v2.paced?.censored ?? 0);
  return {
    v1,
    v2,
    sqsCeiling: sqs,
    httpCeiling: http,
    ratios: {
      v2ToV1: ratio(v2.burst.perSecond, v1.burst.perSecond),
      v2ToSqsPerPass: ratio(v2.burst.perSecond * QUEUE_PASSES, sqs.perSecond),
      v2ToHttpPerPost:
        Math.round(((v2.burst.perSecond * v2.postsPerNotification) / http.perSecond) * 10_000) / 10_000,
    },
    note:
      (censored > 0
        ? `${censored} notifications were not answered by the end of their phase (censored). `
        : '') +
      'Local concurrency as the manifests set it (outbox 5 instances taking up to 100 requests, sender 10), every ' +
      'DynamoDB request through the counting endpoint; every process shares the 2 cores with DynamoDB Local.',
  };
}
