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
import type {
  InboundBatchOutcome,
  MessageQuery,
  OutboundCreationOutcome,
  StreamRepository,
} from '../domain/ports';
import type { InboundRecord, MessageRecord, OutboundRecord, OutboundStreamHead } from '../domain/records';
import { streamMessageState } from '../domain/stream';
import { StoredMessage } from './message-items';

export type { StreamRepository } from '../domain/ports';

/*
 * Version 2 items of the exchange table (§13, ADR 0013):
 *   SEQ#<partner> / SEQ             the outbound stream head: counter (shared with v1), chain
 *                                   hash, delivery cursor, attempt state and lease
 *   OUTB#<partner> / <first>        the ids of one numbering, in sequence order: what the
 *                                   sender reads from its cursor, and the operators' list
 *                                   from the newest (no index)
 *   OUTR#<partner> / <from>         the signed receipt of a delivered batch
 *   MSG#<id> / OUT#<partner>        the message, which is also its chain entry
 *   INSEQ#<partner> / INSEQ         the inbound head: highest sequence, chain hash and position
 *   INB#<partner> / <first>         a received batch: its id, the ids it stored in chain order
 *                                   (from chain position <first>) and its receipt; the
 *                                   operators' list reads its ids from the newest
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
const StreamDeliveryItem = z.object({
  partner: z.string(),
  batchId: z.string(),
  from: Sequence,
  to: Sequence,
  deliveredAt: z.string(),
  receiptKeyId: z.string(),
  receiptSha256: z.string(),
  signedReceipt: z.object({ body: z.string(), headers: z.record(z.string(), z.string()) }),
  headers: z.record(z.string(), z.string()),
});
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

/**
 * Where a partner's message list goes on in each stream: below this place (a sequence
 * outbound, a chain position inbound); 0 once the stream is read to its start.
 */
const ListPosition = z.object({ outbound: Sequence.optional(), inbound: Sequence.optional() });
type Direction = 'outbound' | 'inbound';
/** A message id and its place in its stream. */
type Place = { readonly id: string; readonly at: number };
/** What one page read of one stream: up to `limit` messages newest first, and whether older ones remain. */
type StreamRead = {
  readonly direction: Direction;
  readonly listed: readonly { readonly at: number; readonly record: MessageRecord }[];
  readonly more: boolean;
};

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
const withoutKeys = (item: Record<string, unknown>): Record<string, unknown> => {
  const copy = { ...item };
  for (const key of STRIP) delete copy[key];
  return copy;
};
const recordOf = <T>(item: Record<string, unknown>): T => withoutKeys(item) as T;

/** When a message was sent (numbered) or received: what the operators' list orders by. */
const timeOf = (record: MessageRecord) =>
  record.direction === 'outbound' ? record.createdAt : record.receivedAt;

/** The streams a list query can find messages in: every inbound message is `accepted`, no outbound one is. */
const streamsFor = (query: Omit<MessageQuery, 'partner'>): Direction[] => {
  if (query.direction) return [query.direction];
  if (query.status === undefined) return ['outbound', 'inbound'];
  return query.status === 'accepted' ? ['inbound'] : ['outbound'];
};

/**
 * Up to `limit` messages of several streams, newest first: each time the newest of the
 * streams' next messages. What is taken of each stream is always a run from its newest on,
 * so a position per stream says where the next page goes on.
 */
function mergeNewestFirst(reads: readonly StreamRead[], limit: number) {
  const taken = reads.map(() => 0);
  const items: MessageRecord[] = [];
  while (items.length < limit) {
    let newest: { stream: number; record: MessageRecord } | undefined;
    for (const [stream, read] of reads.entries()) {
      const next = read.listed[taken[stream] ?? 0];
      if (next && (!newest || timeOf(next.record) > timeOf(newest.record))) {
        newest = { stream, record: next.record };
      }
    }
    if (!newest) break;
    items.push(newest.record);
    taken[newest.stream] = (taken[newest.stream] ?? 0) + 1;
  }
  return { items, taken };
}

/** Where the next page goes on in a stream of which `taken` messages were shown. */
const placeAfter = (read: StreamRead, taken: number): number => {
  const next = read.listed[taken];
  if (next) return next.at + 1;
  const last = read.listed[taken - 1];
  return read.more && last ? last.at : 0;
};

/** Whether a message passes a list query's filters (its state already derived). */
const matches = (record: MessageRecord, query: Omit<MessageQuery, 'partner'>) =>
  (query.status === undefined || record.status === query.status) &&
  (query.from === undefined || timeOf(record) >= query.from) &&
  (query.to === undefined || timeOf(record) <= query.to);

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

  const findHead = async (partner: string) => {
    const item = await get(headKey(partner));
    return item ? headOf(partner, item) : undefined;
  };

  /** Which of these ids a partner's messages already have, with their digests. */
  const storedDigests = async (keys: readonly { pk: string; sk: string }[]) =>
    new Map(
      (await batchGetAll(db, table, keys, 'messageId, sha256')).map((item) => {
        const stored = StoredDigest.parse(item);
        return [stored.messageId, stored.sha256];
      }),
    );

  /**
   * Up to `count` ids of a stream, newest first, below place `below` (from its newest when
   * undefined). Only the numbering items' ids and first place are read, not their receipts.
   */
  const newestPlaces = async (pk: string, below: number | undefined, count: number) => {
    const places: Place[] = [];
    if (below !== undefined && below <= 1) return places;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          // The item holding place `below - 1` is the newest one that begins at or before it.
          KeyConditionExpression: below === undefined ? 'pk = :pk' : 'pk = :pk AND sk <= :last',
          ExpressionAttributeNames: { '#first': 'first' },
          ExpressionAttributeValues: {
            ':pk': pk,
            ...(below === undefined ? {} : { ':last': position(below - 1) }),
          },
          ProjectionExpression: '#first, ids',
          ScanIndexForward: false,
          ConsistentRead: true,
          // Every item holds at least one id.
          Limit: count,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) {
        const { first, ids } = NumberingItem.parse(item);
        const newest = ids.map((id, i) => ({ id, at: first + i })).reverse();
        const wanted = newest.filter(({ at }) => below === undefined || at < below);
        places.push(...wanted.slice(0, count - places.length));
      }
      start = out.LastEvaluatedKey;
    } while (start && places.length < count);
    return places;
  };

  /** The next `limit` messages of one of a partner's streams, newest first, their states derived from `head`. */
  const readStream = async (
    partner: string,
    direction: Direction,
    below: number | undefined,
    limit: number,
    head: OutboundStreamHead | undefined,
  ): Promise<StreamRead> => {
    const prefix = direction === 'outbound' ? 'OUTB' : 'INB';
    const key = direction === 'outbound' ? outKey : inKey;
    // One more id than shown says whether older messages remain.
    const places = await newestPlaces(`${prefix}#${partner}`, below, limit + 1);
    const shown = places.slice(0, limit);
    const found = new Map(
      (
        await batchGetAll(
          db,
          table,
          shown.map(({ id }) => key(id, partner)),
        )
      ).map((item) => {
        const record = StoredMessage.parse(withoutKeys(item));
        return [record.messageId, record];
      }),
    );
    const listed = shown.flatMap(({ id, at }) => {
      const record = found.get(id);
      if (!record) return [];
      return [{ at, record: record.direction === 'outbound' ? streamMessageState(record, head) : record }];
    });
    return { direction, listed, more: places.length > limit };
  };

  const listMessages: StreamRepository['listMessages'] = async (partner, query) => {
    const directions = streamsFor(query);
    const start = query.startKey ? ListPosition.parse(query.startKey) : undefined;
    // One read of the head derives the state of every outbound message on the page.
    const head = directions.includes('outbound') ? await findHead(partner) : undefined;
    const reads = await Promise.all(
      directions.map((direction) =>
        readStream(partner, direction, start ? (start[direction] ?? 0) : undefined, query.limit, head),
      ),
    );
    const page = mergeNewestFirst(reads, query.limit);
    const next = Object.fromEntries(
      reads.map((read, i) => [read.direction, placeAfter(read, page.taken[i] ?? 0)]),
    );
    return {
      items: page.items.filter((record) => matches(record, query)),
      ...(Object.values(next).some((place) => place > 0) ? { lastKey: next } : {}),
    };
  };

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
    findHead,
    listMessages,

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

    async findDelivery(partner, sequence) {
      // Deliveries are keyed by their first sequence: the one holding `sequence` is the last that starts at or before it.
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND sk <= :at',
          ExpressionAttributeValues: { ':pk': `OUTR#${partner}`, ':at': position(sequence) },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      const found = out.Items?.[0];
      const delivery = found ? StreamDeliveryItem.parse(found) : undefined;
      return delivery && delivery.to >= sequence ? delivery : undefined;
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
