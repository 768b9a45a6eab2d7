/**
 * `npm run exchange:verify-log -- [--table p33-exchange] [--partner 51]`: recomputes every
 * partner's hash chains in a province's exchange table (the version 1 log, and the version 2
 * streams each way) and compares each with its recorded head, so a changed, removed or
 * reordered entry is found. Reads DynamoDB directly (the
 * local cloud's DynamoDB Local by default, through AWS_ENDPOINT_URL_DYNAMODB; any account
 * with read access in the cloud). Exits 1 when a chain is broken.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../../../shared/aws/dynamodb';
import { dynamoMessageLogRepository } from '../adapters/message-log-repository';
import { dynamoStreamRepository } from '../adapters/stream-repository';
import { verifyChain } from '../domain/message-log';
import { checkStreamChain } from '../domain/stream';

const { values } = parseArgs({
  options: { table: { type: 'string', default: 'p33-exchange' }, partner: { type: 'string' } },
});
const table = values.table ?? 'p33-exchange';
process.env.AWS_REGION ??= 'us-east-1';
// DynamoDB Local accepts any credentials; the cloud needs real ones from the environment.
if (/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(process.env.AWS_ENDPOINT_URL_DYNAMODB ?? '')) {
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
}
const client = new DynamoDBClient({});
const log = dynamoMessageLogRepository(documentClient(client), table);
const streams = dynamoStreamRepository(documentClient(client), table);

let partners: string[] = values.partner ? [values.partner] : [];
if (partners.length === 0) {
  const found = new Set<string>();
  for await (const page of paginateScan(
    { client },
    {
      TableName: table,
      // The version 1 log's heads, and the version 2 streams' heads (both directions).
      FilterExpression: 'sk IN (:head, :seq, :inseq)',
      ExpressionAttributeValues: { ':head': { S: 'HEAD' }, ':seq': { S: 'SEQ' }, ':inseq': { S: 'INSEQ' } },
      ProjectionExpression: 'pk',
    },
  )) {
    for (const item of page.Items ?? []) found.add((item.pk?.S ?? '').replace(/^[A-Z]+#/, ''));
  }
  partners = [...found].sort();
}

let broken = 0;
for (const partner of partners) {
  const [entries, head] = await Promise.all([log.entries(partner), log.head(partner)]);
  const check = verifyChain(entries, head ? { head: head.hash } : {});
  const gap = entries.findIndex((e, i) => e.position !== i + 1);
  if (entries.length === 0 && !head) {
    // No version 1 log with this partner.
  } else if (check.ok && gap < 0) {
    console.log(`partner ${partner}: ${entries.length} entries, chain intact (head ${head?.hash ?? 'none'})`);
  } else {
    broken++;
    const at = check.ok ? gap : check.brokenAt;
    console.log(`partner ${partner}: CHAIN BROKEN at entry ${at + 1} of ${entries.length}`);
  }
  for (const direction of ['outbound', 'inbound'] as const) {
    const stream = await checkStreamChain(streams, partner, direction);
    if (stream.entries === 0) continue;
    if (stream.ok) {
      console.log(
        `partner ${partner}: ${direction} stream, ${stream.entries} messages, chain intact (head ${stream.head})`,
      );
    } else {
      broken++;
      console.log(
        `partner ${partner}: ${direction} stream CHAIN BROKEN at message ${(stream.brokenAt ?? 0) + 1} of ${stream.entries}`,
      );
    }
  }
}
if (partners.length === 0) console.log(`no message log in ${table}`);
process.exit(broken > 0 ? 1 : 0);
