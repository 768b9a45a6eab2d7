import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { batchGetAll } from '../../../shared/aws/batch-get';
import { conditionFailed, writtenIfCondition } from '../../../shared/aws/conditional-write';
import { untilUncontended } from '../../../shared/aws/contended-transaction';
import { BatchReceipt } from '../domain/batch-receipt';
import { entryHash, type LogEntry } from '../domain/message-log';
import type { InboundBatchOutcome, OutboundCreationOutcome, StreamRepository } from '../domain/ports';
import type { InboundRecord, OutboundRecord, OutboundStreamHead } from '../domain/records';

export type { StreamRepository } from '../domain/ports';

/*
 * Version 2 items of the exchange table (§13, ADR 0013):
 *   SEQ#<partner> / SEQ             the outbound stream head: counter (shared with v1), chain
 *                                   hash, delivery cursor, attempt state and lease
 *   OUTB#<partner> / <first>        the ids of one numbering, in sequence order: what the
 *                                   sender reads from its cursor (no index)
 *   OUTR#<partner> / <from>         the signed receipt of a delivered batch
 *   MSG#<id> / OUT#<partner>        the message, which is also its chain entry
 *   INSEQ#<partner> / INSEQ         the inbound head: highest sequence, chain hash and position
 *   INB#<partner> / <first>         a received batch: its id, the ids it stored in chain order
 *                                   (from chain position <first>) and its receipt
 *   MSG#<id> / IN#<partner>         a received message, also its chain entry
 * No version 2 item carries an index key: nothing is written to a shared partition per
 * message, and every write of a batch lands on the partner's own keys.
 */
const headKey = (partner: string) => ({ pk: `SEQ#${partner}`, sk: 'SEQ' });
const inboundHeadKey = (partner: string) => ({ pk: `INSEQ#${partner}`, sk: 'INSEQ' });
const outKey = (id: string, partner: string) => ({ pk: `MSG#${id}`, sk: `OUT#${partner}` });
const inKey = (id: string, partner: string) => ({ pk: `MSG#${id}`, sk: `IN#${partner}` });
const position = (sequence: number) => String(sequence).padStart(15, '0');
/** A transaction holds at most 100 items: the head, the numbering's id list and 98 messages. */
const MAX_PER_TRANSACTION = 98;

const Sequence = z.number().int().nonnegative();
const HeadItem = z.object({
  last: Sequence,
  streamStart: Sequence.optional(),
  hash: z.string().nullish(),
  delivered: Sequence.optional(),
  attempt: z.number().int().nonnegative().optional(),
  nextAttemptAt: z.string().optional(),
  lastError: z.string().optional(),
  leaseUntil: z.string().optional(),
  leaseOwner: z.string().optional(),
});
const InboundHeadItem = z.object({
  last: Sequence.optional(),
  hash: z.string().nullish(),
  position: Sequence.optional(),
});
const NumberingItem = z.object({ first: Sequence, ids: z.array(z.string()) });
const ReceivedBatchItem = z.object({ receipt: BatchReceipt });
const StoredDigest = z.object({ messageId: z.string(), sha256: z.string() });
const StoredInbound = StoredDigest.extend({
  batchId: z.string().optional(),
  batchPosition: Sequence.optional(),
});
/** What a chain check reads of a message: its entry fields and its links. */
const ChainedItem = z.looseObject({
  direction: z.enum(['outbound', 'inbound']),
  messageId: z.string(),
  type: z.string(),
  sha256: z.string(),
  sequence: Sequence,
  createdAt: z.string().optional(),
  receivedAt: z.string().optional(),
  previousHash: z.string().nullable(),
  hash: z.string(),
});
const batchKey = (partner: string, first: number) => ({ pk: `INB#${partner}`, sk: position(first) });

const headOf = (partner: string, item: Record<string, unknown>): OutboundStreamHead => {
  const head = HeadItem.parse(item);
  return {
    partner,
    last: head.last,
    hash: head.hash ?? null,
    // A stream that began in version 1 is delivered by it up to where version 2 took over.
    delivered: head.delivered ?? head.last,
    ...(head.streamStart !== undefined ? { streamStart: head.streamStart } : {}),
    attempt: head.attempt ?? 0,
    ...(head.nextAttemptAt ? { nextAttemptAt: head.nextAttemptAt } : {}),
    ...(head.lastError ? { lastError: head.lastError } : {}),
    ...(head.leaseUntil ? { leaseUntil: head.leaseUntil } : {}),
    ...(head.leaseOwner ? { leaseOwner: head.leaseOwner } : {}),
  };
};

const STRIP = ['pk', 'sk', 'entity'];
const recordOf = <T>(item: Record<string, unknown>): T => {
  const copy = { ...item };
  for (const key of STRIP) delete copy[key];
  return copy as T;
};

/** The chain entry a version 2 message is: what its `hash` covers. */
const streamEntryOf = (record: {
  direction: 'outbound' | 'inbound';
  messageId: string;
  type: string;
  sha256: string;
  sequence: number;
  createdAt?: string | undefined;
  receivedAt?: string | undefined;
}): LogEntry => ({
  direction: record.direction,
  messageId: record.messageId,
  type: record.type,
  sha256: record.sha256,
  at: (record.direction === 'outbound' ? record.createdAt : record.receivedAt) ?? '',
  sequence: record.sequence,
});

/** Version 2 streams in the exchange table. Reads are consistent. */
export function dynamoStreamRepository(db: DynamoDBDocumentClient, table: string): StreamRepository {
  const get = async (key: { pk: string; sk: string }) =>
    (await db.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;

  const update = async (
    partner: string,
    input: {
      set: string;
      condition?: string;
      names?: Record<string, string>;
      values?: Record<string, unknown>;
    },
  ) => {
    const out = await db.send(
      new UpdateCommand({
        TableName: table,
        Key: headKey(partner),
        UpdateExpression: input.set,
        ConditionExpression: input.condition
          ? `attribute_exists(pk) AND ${input.condition}`
          : 'attribute_exists(pk)',
        ...(input.names ? { ExpressionAttributeNames: input.names } : {}),
        ...(input.values ? { ExpressionAttributeValues: input.values } : {}),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return headOf(partner, out.Attributes ?? {});
  };

  /** Which of these ids a partner's messages already have, with their digests. */
  const storedDigests = async (keys: readonly { pk: string; sk: string }[]) =>
    new Map(
      (await batchGetAll(db, table, keys, 'messageId, sha256')).map((item) => {
        const stored = StoredDigest.parse(item);
        return [stored.messageId, stored.sha256];
      }),
    );

  const numberMessages: StreamRepository['numberMessages'] = async (partner, entries) => {
    const outcomes = new Map<number, OutboundCreationOutcome>();
    for (let from = 0; from < entries.length; from += MAX_PER_TRANSACTION) {
      const chunk = entries
        .slice(from, from + MAX_PER_TRANSACTION)
        .map((entry, i) => ({ ...entry, index: from + i }));
      await untilUncontended(`numbering messages to ${partner}`, async () => {
        for (const { index } of chunk) outcomes.delete(index);
        const [existing, item] = await Promise.all([
          storedDigests(chunk.map((entry) => outKey(entry.messageId, partner))),
          get(headKey(partner)),
        ]);
        const head = item ? headOf(partner, item) : undefined;
        const last = head?.last ?? 0;
        let hash = head?.hash ?? null;
        const fresh: { index: number; record: OutboundRecord }[] = [];
        const seen = new Set<string>();
        for (const entry of chunk) {
          // An id numbered before, or twice in this batch, is one message.
          if (existing.has(entry.messageId) || seen.has(entry.messageId)) {
            outcomes.set(entry.index, { created: false });
            continue;
          }
          try {
            const built = entry.build(last + fresh.length + 1, hash);
            const record = { ...built, hash: entryHash(hash, streamEntryOf(built)) };
            hash = record.hash;
            fresh.push({ index: entry.index, record });
            seen.add(entry.messageId);
          } catch (error) {
            outcomes.set(entry.index, { created: false, error });
          }
        }
        const firstFresh = fresh[0];
        if (!firstFresh) return;
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: table,
                  Key: headKey(partner),
                  // A stream that began in version 1 goes on in version 2 after its last number.
                  UpdateExpression:
                    'SET #last = :next, #hash = :hash, delivered = if_not_exists(delivered, :was), ' +
                    'streamStart = if_not_exists(streamStart, :start)',
                  ConditionExpression: head ? '#last = :was' : 'attribute_not_exists(pk)',
                  ExpressionAttributeNames: { '#last': 'last', '#hash': 'hash' },
                  ExpressionAttributeValues: {
                    ':next': last + fresh.length,
                    ':hash': hash,
                    ':was': last,
                    ':start': last + 1,
                  },
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: {
                    pk: `OUTB#${partner}`,
                    sk: position(firstFresh.record.sequence),
                    entity: 'StreamNumbering',
                    first: firstFresh.record.sequence,
                    ids: fresh.map(({ record }) => record.messageId),
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              ...fresh.map(({ record }) => ({
                Put: {
                  TableName: table,
                  Item: { ...outKey(record.messageId, partner), entity: 'OutboundMessage', ...record },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              })),
            ],
          }),
        );
        for (const { index, record } of fresh) outcomes.set(index, { created: true, record });
      });
    }
    return entries.map((_, i) => outcomes.get(i) ?? { created: false });
  };

  return {
    numberMessages,

    async findHead(partner) {
      const item = await get(headKey(partner));
      return item ? headOf(partner, item) : undefined;
    },

    async claim(partner, owner, now, leaseUntil) {
      try {
        return await update(partner, {
          set: 'SET leaseUntil = :until, leaseOwner = :owner',
          condition:
            '(attribute_not_exists(leaseUntil) OR leaseUntil < :now) AND ' +
            '(attribute_not_exists(nextAttemptAt) OR nextAttemptAt <= :now)',
          values: { ':until': leaseUntil, ':owner': owner, ':now': now },
        });
      } catch (error) {
        if (!conditionFailed(error)) throw error;
        return undefined;
      }
    },

    async undelivered(partner, delivered, limit) {
      // The numbering holding `delivered + 1` began at most 97 places before it.
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND sk > :from',
          ExpressionAttributeValues: {
            ':pk': `OUTB#${partner}`,
            ':from': position(Math.max(0, delivered - MAX_PER_TRANSACTION)),
          },
          ConsistentRead: true,
          // Every numbering holds at least one message.
          Limit: limit + 1,
        }),
      );
      const ids: string[] = [];
      for (const item of out.Items ?? []) {
        const numbering = NumberingItem.parse(item);
        numbering.ids.forEach((id, i) => {
          if (numbering.first + i > delivered && ids.length < limit) ids.push(id);
        });
      }
      const records = (
        await batchGetAll(
          db,
          table,
          ids.map((id) => outKey(id, partner)),
        )
      ).map((item) => recordOf<OutboundRecord>(item));
      return records.sort((a, b) => a.sequence - b.sequence);
    },

    async recordDelivery(delivery, owner) {
      // The receipt and the cursor together, only for the lease's holder at the cursor's place.
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: table,
                Key: headKey(delivery.partner),
                UpdateExpression: 'SET delivered = :to, attempt = :zero REMOVE nextAttemptAt, lastError',
                ConditionExpression: 'leaseOwner = :owner AND delivered = :before',
                ExpressionAttributeValues: {
                  ':to': delivery.to,
                  ':zero': 0,
                  ':owner': owner,
                  ':before': delivery.from - 1,
                },
              },
            },
            {
              Put: {
                TableName: table,
                Item: {
                  pk: `OUTR#${delivery.partner}`,
                  sk: position(delivery.from),
                  entity: 'StreamDelivery',
                  ...delivery,
                },
              },
            },
          ],
        }),
      );
    },

    async markRefused(partner, messageId, reason, at) {
      await writtenIfCondition(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: outKey(messageId, partner),
            UpdateExpression:
              'SET #status = :failed, failedAt = :at, refusedReason = :reason, lastError = :error',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':failed': 'failed',
              ':at': at,
              ':reason': reason,
              ':error': `refused: ${reason}`,
            },
          }),
        ),
      );
    },

    async recordFailure(partner, owner, failure) {
      await update(partner, {
        set:
          'SET attempt = :attempt, lastError = :error' +
          (failure.nextAttemptAt ? ', nextAttemptAt = :next' : '') +
          ' REMOVE leaseUntil, leaseOwner' +
          (failure.nextAttemptAt ? '' : ', nextAttemptAt'),
        condition: 'leaseOwner = :owner',
        values: {
          ':attempt': failure.attempt,
          ':error': failure.lastError,
          ':owner': owner,
          ...(failure.nextAttemptAt ? { ':next': failure.nextAttemptAt } : {}),
        },
      });
    },

    release: (partner, owner) =>
      update(partner, {
        set: 'REMOVE leaseUntil, leaseOwner',
        condition: 'leaseOwner = :owner',
        values: { ':owner': owner },
      }),

    async resetAttempts(partner) {
      await writtenIfCondition(
        update(partner, { set: 'SET attempt = :zero REMOVE nextAttemptAt', values: { ':zero': 0 } }),
      );
    },

    rewind: (partner, from) =>
      writtenIfCondition(
        update(partner, {
          set: 'SET delivered = :to, attempt = :zero REMOVE nextAttemptAt',
          // Only what version 2 sent and the partner receipted: earlier numbers are version 1's.
          condition: 'delivered >= :from AND streamStart <= :from',
          values: { ':to': from - 1, ':from': from, ':zero': 0 },
        }),
      ),

    async storeBatch(partner, batchId, messages, receiptOf) {
      return untilUncontended(`storing a batch from ${partner}`, async () => {
        const [existing, item] = await Promise.all([
          batchGetAll(
            db,
            table,
            messages.map((message) => inKey(message.messageId, partner)),
            'messageId, sha256, batchId, batchPosition',
          ),
          get(inboundHeadKey(partner)),
        ]);
        const stored = new Map(
          existing.map((found) => {
            const message = StoredInbound.parse(found);
            return [message.messageId, message];
          }),
        );
        const head = item ? InboundHeadItem.parse(item) : undefined;
        let hash = head?.hash ?? null;
        let highest = head?.last;
        const first = (head?.position ?? 0) + 1;
        const outcomes: InboundBatchOutcome[] = [];
        const fresh: InboundRecord[] = [];
        for (const message of messages) {
          const before = stored.get(message.messageId);
          if (before) {
            outcomes.push(before.sha256 === message.sha256 ? 'duplicate' : 'id-conflict');
            continue;
          }
          const built = message.build(hash);
          const record = {
            ...built,
            position: first + fresh.length,
            batchPosition: first,
            hash: entryHash(hash, streamEntryOf(built)),
          };
          hash = record.hash;
          highest = Math.max(highest ?? 0, record.sequence);
          fresh.push(record);
          outcomes.push('accepted');
        }
        if (fresh.length === 0) {
          // Nothing new. The same batch again gets its original receipt back.
          const original = [...stored.values()][0];
          const same =
            original &&
            stored.size === messages.length &&
            [...stored.values()].every((m) => m.batchId === batchId);
          if (same && original.batchPosition !== undefined) {
            const kept = await get(batchKey(partner, original.batchPosition));
            if (kept) return { ...ReceivedBatchItem.parse(kept).receipt, status: 'duplicate' as const };
          }
          return receiptOf(outcomes, head?.last);
        }
        const receipt = receiptOf(outcomes, highest);
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: table,
                  Key: inboundHeadKey(partner),
                  UpdateExpression: 'SET #last = :last, #hash = :hash, #position = :position',
                  ConditionExpression: head?.hash ? '#hash = :was' : 'attribute_not_exists(#hash)',
                  ExpressionAttributeNames: { '#last': 'last', '#hash': 'hash', '#position': 'position' },
                  ExpressionAttributeValues: {
                    ':last': highest,
                    ':hash': hash,
                    ':position': first + fresh.length - 1,
                    ...(head?.hash ? { ':was': head.hash } : {}),
                  },
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: {
                    ...batchKey(partner, first),
                    entity: 'ReceivedBatch',
                    batchId,
                    first,
                    ids: fresh.map((record) => record.messageId),
                    receipt,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              ...fresh.map((record) => ({
                Put: {
                  TableName: table,
                  Item: { ...inKey(record.messageId, partner), entity: 'InboundMessage', ...record },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              })),
            ],
          }),
        );
        return receipt;
      });
    },

    async chain(partner, direction) {
      const prefix = direction === 'outbound' ? 'OUTB' : 'INB';
      const ids: string[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `${prefix}#${partner}` },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const found of out.Items ?? []) ids.push(...NumberingItem.parse(found).ids);
        start = out.LastEvaluatedKey;
      } while (start);
      const key = direction === 'outbound' ? outKey : inKey;
      const records = (
        await batchGetAll(
          db,
          table,
          ids.map((id) => key(id, partner)),
        )
      ).map((found) => ChainedItem.parse(found));
      const order = new Map(ids.map((id, i) => [id, i]));
      return records
        .sort((a, b) => (order.get(a.messageId) ?? 0) - (order.get(b.messageId) ?? 0))
        .map((record) => ({
          ...streamEntryOf(record),
          previousHash: record.previousHash,
          hash: record.hash,
        }));
    },

    async chainHead(partner, direction) {
      const found = await get(direction === 'outbound' ? headKey(partner) : inboundHeadKey(partner));
      return (found?.hash as string | null | undefined) ?? null;
    },
  };
}
