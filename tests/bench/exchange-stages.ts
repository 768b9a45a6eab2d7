/**
 * `npx tsx tests/bench/exchange-stages.ts [--messages N]`: where a version 1 exchange burst
 * spends its time (version 1 keeps a record per step; version 2's figures are in exchange.ts). Starts the local cloud (provinces 22 and 23) as the benchmark does, sends a burst of N
 * requests on 22's `exchange-outbound`, waits until each is delivered, then reads every
 * message's records and prints, per stage, the spread of the time it took:
 *   queued    send → outbound message stored at 22 (`createdAt`: outbox poll, numbering)
 *   to sender stored → first delivery attempt started (delivery queue, sender poll)
 *   to inbox  attempt started → message stored at 23 (`receivedAt`: signing, POST, verification)
 *   receipt   stored at 23 → receipt stored at 22 (`deliveredAt`: answer, receipt check, writes)
 * and the CPU seconds each process of the local cloud used during the burst (from /proc).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoMessageLogRepository } from '../../functions/exchange/adapters/message-log-repository';
import { verifyChain } from '../../functions/exchange/domain/message-log';
import { startLocalCloud } from '../../local/cloud';
import { registerExchangePartners } from '../../local/exchange-partners';
import { localClientConfig } from '../../local/services/clients';
import { physicalName } from '../../local/services/provision';
import { documentClient } from '../../shared/aws/dynamodb';
import { newUlid } from '../../shared/domain/ids';
import { residenceNoticeRequest } from '../support/exchange-messages';
import { FROM, TO } from './exchange';
import { quantile } from './lib/stats';

const { values } = parseArgs({ options: { messages: { type: 'string' }, warm: { type: 'string' } } });
const count = Number(values.messages ?? 200);
const log = (line: string) => process.stderr.write(`[stages] ${line}\n`);

/** CPU seconds (user + system) per process of this process tree, named by function entry. */
function cpuByProcess(): Map<string, number> {
  const tick = 100;
  const out = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppidOk = Number(fields[1]) === process.pid || Number(pid) === process.pid;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8');
      const entry = /LOCAL_FUNCTION_ENTRY=[^\0]*\/([^/\0]+\/handlers\/[^\0]+)/.exec(env)?.[1];
      const province = /JIAHE_PROVINCE=(\d+)/.exec(env)?.[1];
      let name: string | undefined;
      if (Number(pid) === process.pid) name = 'bench process (fauxqs, gateways, pollers)';
      else if (ppidOk && entry) name = `p${province} ${entry}`;
      else if (ppidOk && cmd.startsWith('java')) name = 'DynamoDB Local';
      if (!name) continue;
      const seconds = (Number(fields[11]) + Number(fields[12])) / tick;
      out.set(name, (out.get(name) ?? 0) + seconds);
    } catch {
      // a process that ended meanwhile
    }
  }
  return out;
}

process.env.JIAHE_LOG_LEVEL = 'WARN';
const cloud = await startLocalCloud({
  provinces: { [FROM]: 0, [TO]: 0 },
  log: () => {},
  // Pushes thousands of messages through the inbox at once; the limits are tested on their own.
  throttled: false,
});
// The stages are version 1's, one record per step: the partners speak version 1 here.
await registerExchangePartners(cloud.provinces, () => undefined, 'v1');
const dynamodb = new DynamoDBClient(localClientConfig(cloud.endpoints.dynamodb));
const db = documentClient(dynamodb);
const sqs = new SQSClient(localClientConfig(cloud.endpoints.sqs));
try {
  const { QueueUrl } = await sqs.send(
    new GetQueueUrlCommand({ QueueName: physicalName(FROM, 'exchange-outbound') }),
  );
  const send = async (ids: string[], sentAt: Map<string, number>) => {
    for (let i = 0; i < ids.length; i += 10) {
      const chunk = ids.slice(i, i + 10);
      const at = Date.now();
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: chunk.map((id, j) => ({
            Id: String(j),
            MessageBody: JSON.stringify(residenceNoticeRequest(FROM, TO, id)),
          })),
        }),
      );
      for (const id of chunk) sentAt.set(id, at);
    }
  };
  const items = async (province: string, keys: { pk: string; sk: string }[]) => {
    const table = physicalName(province, 'exchange');
    const found: Record<string, unknown>[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      const out = await db.send(
        new BatchGetCommand({
          RequestItems: { [table]: { Keys: keys.slice(i, i + 100), ConsistentRead: true } },
        }),
      );
      found.push(...(out.Responses?.[table] ?? []));
    }
    return found;
  };
  const waitDelivered = async (ids: string[]) => {
    const deadline = Date.now() + Math.max(120_000, ids.length * 200);
    for (;;) {
      const out = await items(
        FROM,
        ids.map((id) => ({ pk: `MSG#${id}`, sk: `OUT#${TO}` })),
      );
      const done = out.filter((i) => i.status === 'delivered').length;
      if (done === ids.length || Date.now() > deadline) return done;
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  log('warming the path');
  const warm = Array.from({ length: Number(values.warm ?? 100) }, () => newUlid());
  await send(warm, new Map());
  await waitDelivered(warm);

  // What the idle cloud costs (stream pollers, queue polls, schedules), to set beside the burst.
  const idleBefore = cpuByProcess();
  await new Promise((r) => setTimeout(r, 10_000));
  const idleAfter = cpuByProcess();
  const idle = new Map(
    [...idleAfter].map(([name, after]) => [name, (after - (idleBefore.get(name) ?? 0)) / 10]),
  );

  const ids = Array.from({ length: count }, () => newUlid());
  const sentAt = new Map<string, number>();
  const cpuBefore = cpuByProcess();
  const started = Date.now();
  log(`burst of ${count}`);
  await send(ids, sentAt);
  const delivered = await waitDelivered(ids);
  const cpuAfter = cpuByProcess();

  const out = await items(
    FROM,
    ids.map((id) => ({ pk: `MSG#${id}`, sk: `OUT#${TO}` })),
  );
  const inbound = new Map(
    (
      await items(
        TO,
        ids.map((id) => ({ pk: `MSG#${id}`, sk: `IN#${FROM}` })),
      )
    ).map((i) => [i.messageId as string, Date.parse(i.receivedAt as string)]),
  );
  const stages: Record<string, number[]> = {
    queued: [],
    'to sender': [],
    'to inbox': [],
    receipt: [],
    total: [],
  };
  let attempts = 0;
  let lastDelivered = 0;
  for (const record of out) {
    const id = record.messageId as string;
    const sent = sentAt.get(id) ?? 0;
    const created = Date.parse(record.createdAt as string);
    const { Items } = await db.send(
      new QueryCommand({
        TableName: physicalName(FROM, 'exchange'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :att)',
        ExpressionAttributeValues: { ':pk': `MSG#${id}`, ':att': `OUT#${TO}#ATT#` },
      }),
    );
    attempts += Items?.length ?? 0;
    const firstAttempt = Math.min(...(Items ?? []).map((i) => Date.parse(i.at as string)));
    const received = inbound.get(id) ?? Number.NaN;
    const done = Date.parse(record.deliveredAt as string);
    lastDelivered = Math.max(lastDelivered, done);
    stages.queued?.push(created - sent);
    stages['to sender']?.push(firstAttempt - created);
    stages['to inbox']?.push(received - firstAttempt);
    stages.receipt?.push(done - received);
    stages.total?.push(done - sent);
  }
  const seconds = (lastDelivered - started) / 1000;
  process.stdout.write(
    `burst of ${count}: ${delivered} delivered in ${seconds.toFixed(1)} s ` +
      `(${(delivered / seconds).toFixed(1)}/s), ${attempts} delivery attempts\n\n`,
  );
  process.stdout.write('| Stage | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |\n|---|---:|---:|---:|---:|\n');
  for (const [stage, samples] of Object.entries(stages)) {
    const q = (p: number) => Math.round(quantile(samples, p));
    process.stdout.write(`| ${stage} | ${q(0.5)} | ${q(0.95)} | ${q(0.99)} | ${q(1)} |\n`);
  }
  process.stdout.write(
    '\n| Process | CPU s during the burst | share of wall time | idle share |\n|---|---:|---:|---:|\n',
  );
  const rows = [...cpuAfter]
    .map(([name, after]) => [name, after - (cpuBefore.get(name) ?? 0)] as const)
    .filter(([, used]) => used > 0.05)
    .sort((a, b) => b[1] - a[1]);
  for (const [name, used] of rows) {
    process.stdout.write(
      `| ${name} | ${used.toFixed(1)} | ${((used / seconds) * 100).toFixed(0)} % | ${((idle.get(name) ?? 0) * 100).toFixed(0)} % |\n`,
    );
  }
  // What must hold after a burst: 22's stream to 23 numbered 1..n once each, both logs chained.
  const numbered = await items(
    FROM,
    [...warm, ...ids].map((id) => ({ pk: `MSG#${id}`, sk: `OUT#${TO}` })),
  );
  const sequences = numbered.map((r) => r.sequence as number).sort((a, b) => a - b);
  const gapless = sequences.every((n, i) => n === i + 1);
  process.stdout.write(
    `\nsequences to ${TO}: ${sequences.length} messages, ${gapless ? 'gapless 1..n, each once' : 'NOT GAPLESS'}\n`,
  );
  await new Promise((r) => setTimeout(r, 5_000));
  for (const [province, partner] of [
    [FROM, TO],
    [TO, FROM],
  ] as const) {
    const log = dynamoMessageLogRepository(db, physicalName(province, 'exchange'));
    // The routers may still be logging the answers: read the chain between two equal heads.
    let entries: Awaited<ReturnType<typeof log.entries>> = [];
    let check: ReturnType<typeof verifyChain> = { ok: false, brokenAt: 0 };
    for (let tries = 0; tries < 30; tries++) {
      const before = (await log.head(partner))?.hash ?? '';
      entries = await log.entries(partner);
      const after = (await log.head(partner))?.hash ?? '';
      check = verifyChain(entries, { head: after });
      if (before === after) break;
      await new Promise((r) => setTimeout(r, 2_000));
    }
    process.stdout.write(
      `log of ${province} for ${partner}: ${entries.length} entries, ${JSON.stringify(check)}\n`,
    );
  }
} finally {
  sqs.destroy();
  dynamodb.destroy();
  await cloud.stop();
}
