import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ROLES } from '../../../shared/manifest';
import { type DecryptedRead, type DecryptedReadLog, READ_PURPOSES } from '../domain/decrypted-reads';

/** Subjects per item: about 120 bytes each keeps an item near 60 KB, far below DynamoDB's 400 KB. */
const SUBJECTS_PER_PART = 500;
/** Parts per transaction: well inside the 4 MB and 100-item limits of TransactWriteItems. */
const PARTS_PER_TRANSACTION = 25;

const partitionOf = (batchId: string) => `DECRYPTED-READS#${batchId}`;
const sortKeyOf = (read: Pick<DecryptedRead, 'at' | 'readId'>, part: number) =>
  `READ#${read.at}#${read.readId}#${String(part).padStart(4, '0')}`;

const ReadSubjectItem = z.object({ lineId: z.string(), enrollmentId: z.string(), personId: z.string() });
const ReadPartItem = z.object({
  readId: z.string(),
  part: z.number().int().min(0),
  parts: z.number().int().min(1),
  at: z.string(),
  by: z.string(),
  roles: z.array(z.enum(ROLES)),
  scopePrefix: z.string(),
  route: z.string(),
  purpose: z.enum(READ_PURPOSES),
  batchId: z.string(),
  subjects: z.array(ReadSubjectItem),
});

const alreadyWritten = (error: unknown): boolean =>
  error instanceof TransactionCanceledException &&
  (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');

/**
 * Reads of decrypted accounts in the payout table, one partition per batch. Entries are
 * only ever put on condition that they do not exist: nothing here updates or deletes them,
 * and no route writes them. A read with many subjects spans several items (parts); the
 * first part is written last, so a read is listed only once all its parts are stored.
 */
export function dynamoDecryptedReadLog(db: DynamoDBDocumentClient, table: string): DecryptedReadLog {
  return {
    async recordDecryptedRead(read) {
      const chunks: (typeof read.subjects)[] = [];
      for (let i = 0; i < read.subjects.length; i += SUBJECTS_PER_PART) {
        chunks.push(read.subjects.slice(i, i + SUBJECTS_PER_PART));
      }
      if (chunks.length === 0) chunks.push([]);
      const { subjects: _all, ...header } = read;
      const items = chunks.map((subjects, part) => ({
        pk: partitionOf(read.batchId),
        sk: sortKeyOf(read, part),
        entity: 'DecryptedRead',
        ...header,
        part,
        parts: chunks.length,
        subjects,
      }));
      // Later parts first, the first part in the last transaction: it is what lists the read.
      const order = [...items.slice(1), items[0] as (typeof items)[number]];
      for (let i = 0; i < order.length; i += PARTS_PER_TRANSACTION) {
        try {
          await db.send(
            new TransactWriteCommand({
              TransactItems: order.slice(i, i + PARTS_PER_TRANSACTION).map((Item) => ({
                Put: { TableName: table, Item, ConditionExpression: 'attribute_not_exists(pk)' },
              })),
            }),
          );
        } catch (error) {
          // The same read written again (a retry after a lost answer) finds its parts there.
          if (!alreadyWritten(error)) throw error;
        }
      }
    },
    async decryptedReadsOf(batchId) {
      const parts: z.infer<typeof ReadPartItem>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :read)',
            ExpressionAttributeValues: { ':pk': partitionOf(batchId), ':read': 'READ#' },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of out.Items ?? []) parts.push(ReadPartItem.parse(item));
        start = out.LastEvaluatedKey;
      } while (start);
      const reads: DecryptedRead[] = [];
      for (const first of parts.filter((p) => p.part === 0)) {
        const own = parts.filter((p) => p.readId === first.readId).sort((a, b) => a.part - b.part);
        const { part: _p, parts: _n, subjects: _s, ...header } = first;
        reads.push({ ...header, subjects: own.flatMap((p) => p.subjects) });
      }
      return reads;
    },
  };
}
