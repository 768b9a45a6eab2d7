import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../../../shared/aws/batch-get';
import { conditionFailed, writtenIfCondition } from '../../../shared/aws/conditional-write';
import type { MessageRepository, OutboundCreationOutcome } from '../domain/ports';
import type { AttemptRecord, InboundRecord, MessageRecord, OutboundRecord } from '../domain/records';
import { streamMessageState } from '../domain/stream';
import { dynamoStreamRepository } from './stream-repository';

export type { MessageQuery, MessageRepository } from '../domain/ports';

/*
 * Items of the exchange table:
 *   MSG#<id> / OUT#<partner>                     a message sent to a partner
 *   MSG#<id> / OUT#<partner>#ATT#<round>#<n>     one delivery attempt of it
 *   MSG#<id> / IN#<partner>                      a message a partner sent us
 *   SEQ#<partner> / SEQ                          the last sequence number sent to a partner
 * gsi1 (MSGS / <time>#<direction>#<partner>#<id>) lists messages by time for operators.
 * gsi2 holds an outbound message while it is not finished: under DUE, sorted by the time
 * the sweeper should pick it up; under WAIT#<partner> while its partner is paused.
 * Keying messages by id first lets one read show a message in both directions with its attempts.
 */
const outKey = (id: string, partner: string) => ({ pk: `MSG#${id}`, sk: `OUT#${partner}` });
const inKey = (id: string, partner: string) => ({ pk: `MSG#${id}`, sk: `IN#${partner}` });
/** A transaction holds at most 100 items: the counter and 99 messages. */
const MAX_PER_TRANSACTION = 99;
const seqKey = (partner: string) => ({ pk: `SEQ#${partner}`, sk: 'SEQ' });
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const listKey = (at: string, direction: string, partner: string, id: string) => ({
  gsi1pk: 'MSGS',
  gsi1sk: `${at}#${direction}#${partner}#${id}`,
});
const dueKey = (dueAt: string, partner: string, id: string) => ({
  gsi2pk: 'DUE',
  gsi2sk: `${dueAt}#${partner}#${id}`,
});

const STRIP = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'entity'];
function fromItem<T>(item: Record<string, unknown>): T {
  const copy = { ...item };
  for (const key of STRIP) delete copy[key];
  return copy as T;
}

/** The exchange's messages in its DynamoDB table. */
export function dynamoMessageRepository(db: DynamoDBDocumentClient, table: string): MessageRepository {
  const get = async <T>(key: Record<string, string>) => {
    const { Item } = await db.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    return Item ? fromItem<T>(Item) : undefined;
  };
  const queryAll = async (input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>) => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await db.send(
        new QueryCommand({ TableName: table, ...input, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  };
  const conditional = (run: () => Promise<unknown>): Promise<boolean> => writtenIfCondition(run());
  const recordAck: MessageRepository['recordAck'] = (partner, messageId, ack) =>
    conditional(() =>
      db.send(
        new UpdateCommand({
          TableName: table,
          Key: outKey(messageId, partner),
          UpdateExpression: 'SET ack = :ack',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':ack': ack },
        }),
      ),
    );
  const streams = dynamoStreamRepository(db, table);
  /** A delivered version 2 message with the batch that carried it and that batch's signed receipt. */
  const withDelivery = async <T extends MessageRecord>(record: T): Promise<T> => {
    if (record.direction !== 'outbound' || record.protocol !== 'v2' || record.status !== 'delivered')
      return record;
    const found = await streams.findDelivery(record.partner, record.sequence);
    if (!found) return record;
    const { partner: _partner, headers: _headers, ...delivery } = found;
    return { ...record, deliveredAt: delivery.deliveredAt, delivery };
  };
  /** A version 2 outbound message with its state as its stream's cursor says. */
  const withStreamState = async <T extends MessageRecord>(record: T): Promise<T> =>
    record.direction === 'outbound' && record.protocol === 'v2' && record.status === 'pending'
      ? (streamMessageState(record, await streams.findHead(record.partner)) as T)
      : record;

  /** Which of these ids already have a message to the partner (consistent reads). */
  const existingIds = async (partner: string, ids: readonly string[]): Promise<Set<string>> => {
    const found = await batchGetAll(
      db,
      table,
      [...new Set(ids)].map((id) => outKey(id, partner)),
      'messageId',
    );
    return new Set(found.map((item) => item.messageId as string));
  };

  /*
   * Numbering takes one read of the counter and one transaction for a whole batch (the
   * counter and every new message), instead of one of each per message: the counter item,
   * which serialises all numbering for a partner, is written once per batch. A transaction
   * cancelled by another writer (the counter moved, or the same id was numbered meanwhile)
   * is read again and redone; what was numbered meanwhile is then recognised as existing.
   */
  const createOutbounds: MessageRepository['createOutbounds'] = async (partner, entries, pickUpAt) => {
    const outcomes = new Map<number, OutboundCreationOutcome>();
    for (let from = 0; from < entries.length; from += MAX_PER_TRANSACTION) {
      const chunk = entries
        .slice(from, from + MAX_PER_TRANSACTION)
        .map((entry, i) => ({ ...entry, index: from + i }));
      for (let tries = 0; ; tries++) {
        if (tries >= 50) {
          // The queue retries the requests later; by then the contention has passed.
          throw new Error(`could not number messages for partner ${partner}: too much contention`);
        }
        const open = chunk.filter((entry) => !outcomes.has(entry.index));
        if (open.length === 0) break;
        const [existing, counter] = await Promise.all([
          existingIds(
            partner,
            open.map((entry) => entry.messageId),
          ),
          get<{ last: number }>(seqKey(partner)),
        ]);
        const last = counter?.last ?? 0;
        const fresh: { index: number; messageId: string; record: OutboundRecord }[] = [];
        const seen = new Set<string>();
        for (const entry of open) {
          // The same id twice in one batch is one message.
          if (existing.has(entry.messageId) || seen.has(entry.messageId)) {
            outcomes.set(entry.index, { created: false });
            continue;
          }
          try {
            const record = entry.build(last + fresh.length + 1);
            fresh.push({ index: entry.index, messageId: entry.messageId, record });
            seen.add(entry.messageId);
          } catch (error) {
            outcomes.set(entry.index, { created: false, error });
          }
        }
        if (fresh.length === 0) break;
        try {
          await db.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: table,
                    Key: seqKey(partner),
                    UpdateExpression: 'SET #last = :next',
                    ConditionExpression: counter ? '#last = :last' : 'attribute_not_exists(pk)',
                    ExpressionAttributeNames: { '#last': 'last' },
                    ExpressionAttributeValues: {
                      ':next': last + fresh.length,
                      ...(counter ? { ':last': last } : {}),
                    },
                  },
                },
                ...fresh.map(({ messageId, record }) => ({
                  Put: {
                    TableName: table,
                    Item: {
                      ...outKey(messageId, partner),
                      entity: 'OutboundMessage',
                      ...listKey(record.createdAt, 'outbound', partner, messageId),
                      ...dueKey(pickUpAt, partner, messageId),
                      ...record,
                    },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                })),
              ],
            }),
          );
          for (const { index, record } of fresh) outcomes.set(index, { created: true, record });
          break;
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          // Another writer took these numbers or one of these ids first: wait a little (less
          // likely to meet it again), read again and decide.
          for (const { index } of fresh) outcomes.delete(index);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * Math.min(tries + 1, 5)));
        }
      }
    }
    return entries.map((_, i) => outcomes.get(i) ?? { created: false });
  };

  return {
    async createOutbound(partner, messageId, build, pickUpAt) {
      const [outcome] = await createOutbounds(partner, [{ messageId, build }], pickUpAt);
      if (outcome && 'error' in outcome) throw outcome.error;
      return outcome ?? { created: false };
    },

    createOutbounds,

    async findOutbound(partner, messageId) {
      const record = await get<OutboundRecord>(outKey(messageId, partner));
      return record ? withStreamState(record) : undefined;
    },
    findInbound: (partner, messageId) => get<InboundRecord>(inKey(messageId, partner)),

    async findById(messageId) {
      const items = await queryAll({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `MSG#${messageId}` },
        ConsistentRead: true,
      });
      const messages: MessageRecord[] = [];
      const attempts: AttemptRecord[] = [];
      for (const item of items) {
        if (String(item.sk).includes('#ATT#')) attempts.push(fromItem<AttemptRecord>(item));
        else messages.push(fromItem<MessageRecord>(item));
      }
      return {
        messages: await Promise.all(messages.map(async (m) => withDelivery(await withStreamState(m)))),
        attempts,
      };
    },

    async putInbound(record) {
      const stored = await conditional(() =>
        db.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...inKey(record.messageId, record.partner),
              entity: 'InboundMessage',
              ...listKey(record.receivedAt, 'inbound', record.partner, record.messageId),
              ...record,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      if (stored) return { stored: true };
      const existing = await get<InboundRecord>(inKey(record.messageId, record.partner));
      if (!existing) throw new Error('inbound message vanished after a conflicting write');
      return { stored: false, existing };
    },

    claimAttempt: (partner, messageId, attempt, leaseUntil) =>
      conditional(() =>
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: outKey(messageId, partner),
            UpdateExpression: 'SET attempts = :next, gsi2pk = :due, gsi2sk = :lease',
            ConditionExpression: '#status = :pending AND attempts = :attempt',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':next': attempt + 1,
              ':attempt': attempt,
              ':pending': 'pending',
              ':due': 'DUE',
              ':lease': `${leaseUntil}#${partner}#${messageId}`,
            },
          }),
        ),
      ),

    async recordAttempt(attempt) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: `MSG#${attempt.messageId}`,
            sk: `OUT#${attempt.partner}#ATT#${pad(attempt.round, 3)}#${pad(attempt.attempt, 3)}`,
            entity: 'DeliveryAttempt',
            ...attempt,
          },
        }),
      );
    },

    async markDelivered(partner, messageId, fields) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: outKey(messageId, partner),
          UpdateExpression:
            'SET #status = :delivered, deliveredAt = :at, receipt = :receipt, receiptKeyId = :kid, ' +
            'receiptSha256 = :rsha, signedReceipt = :signed, headers = :headers REMOVE gsi2pk, gsi2sk, nextAttemptAt, lastError',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':delivered': 'delivered',
            ':at': fields.deliveredAt,
            ':receipt': fields.receipt,
            ':kid': fields.receiptKeyId,
            ':rsha': fields.receiptSha256,
            ':signed': fields.signedReceipt,
            ':headers': fields.headers ?? {},
          },
        }),
      );
    },

    async scheduleRetry(partner, messageId, fields) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: outKey(messageId, partner),
          UpdateExpression:
            'SET nextAttemptAt = :next, lastError = :error, gsi2pk = :due, gsi2sk = :pick' +
            (fields.headers ? ', headers = :headers' : ''),
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pending': 'pending',
            ':next': fields.nextAttemptAt,
            ':error': fields.lastError,
            ':due': 'DUE',
            ':pick': `${fields.pickUpAt}#${partner}#${messageId}`,
            ...(fields.headers ? { ':headers': fields.headers } : {}),
          },
        }),
      );
    },

    async markFailed(partner, messageId, fields) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: outKey(messageId, partner),
          UpdateExpression:
            'SET #status = :failed, failedAt = :at, lastError = :error REMOVE gsi2pk, gsi2sk, nextAttemptAt',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':at': fields.failedAt,
            ':error': fields.lastError,
          },
        }),
      );
    },

    async markWaiting(partner, messageId) {
      const record = await get<OutboundRecord>(outKey(messageId, partner));
      if (!record) return;
      await db
        .send(
          new UpdateCommand({
            TableName: table,
            Key: outKey(messageId, partner),
            UpdateExpression: 'SET #status = :waiting, gsi2pk = :wait, gsi2sk = :sk REMOVE nextAttemptAt',
            ConditionExpression: '#status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':waiting': 'waiting',
              ':pending': 'pending',
              ':wait': `WAIT#${partner}`,
              ':sk': `${record.createdAt}#${messageId}`,
            },
          }),
        )
        .catch((error: unknown) => {
          if (!conditionFailed(error)) throw error;
        });
    },

    restart: (partner, messageId, pickUpAt, replay) =>
      conditional(() =>
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: outKey(messageId, partner),
            UpdateExpression:
              'SET #status = :pending, attempts = :zero, gsi2pk = :due, gsi2sk = :pick, ' +
              'rounds = if_not_exists(rounds, :zero) + :one' +
              (replay ? ', replays = if_not_exists(replays, :zero) + :one' : '') +
              ' REMOVE failedAt, nextAttemptAt',
            // A message being attempted right now is left to finish its round.
            ConditionExpression: replay ? '#status <> :pending' : '#status = :waiting',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':pending': 'pending',
              ':zero': 0,
              ':due': 'DUE',
              ':pick': `${pickUpAt}#${partner}#${messageId}`,
              ':one': 1,
              ...(replay ? {} : { ':waiting': 'waiting' }),
            },
          }),
        ),
      ),

    async postpone(partner, messageId, pickUpAt) {
      await conditional(() =>
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: outKey(messageId, partner),
            UpdateExpression: 'SET gsi2sk = :pick',
            ConditionExpression: '#status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':pending': 'pending',
              ':pick': `${pickUpAt}#${partner}#${messageId}`,
            },
          }),
        ),
      );
    },

    async listWaiting(partner) {
      const items = await queryAll({
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :wait',
        ExpressionAttributeValues: { ':wait': `WAIT#${partner}` },
      });
      return items.map((item) => fromItem<OutboundRecord>(item));
    },

    async listDue(now, limit) {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :due AND gsi2sk <= :now',
          ExpressionAttributeValues: { ':due': 'DUE', ':now': `${now}#~` },
          Limit: limit,
        }),
      );
      return (out.Items ?? []).map((item) => fromItem<OutboundRecord>(item));
    },

    async list(query) {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':pk': 'MSGS' };
      let key = 'gsi1pk = :pk';
      if (query.from && query.to) {
        key += ' AND gsi1sk BETWEEN :from AND :to';
        values[':from'] = query.from;
        values[':to'] = `${query.to}#~`;
      } else if (query.from) {
        key += ' AND gsi1sk >= :from';
        values[':from'] = query.from;
      } else if (query.to) {
        key += ' AND gsi1sk <= :to';
        values[':to'] = `${query.to}#~`;
      }
      const filters: string[] = [];
      for (const field of ['partner', 'direction', 'status'] as const) {
        const value = query[field];
        if (value === undefined) continue;
        names[`#${field}`] = field;
        values[`:${field}`] = value;
        filters.push(`#${field} = :${field}`);
      }
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi1',
          KeyConditionExpression: key,
          ...(filters.length > 0
            ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names }
            : {}),
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: query.limit,
          ...(query.startKey ? { ExclusiveStartKey: query.startKey } : {}),
        }),
      );
      return {
        items: (out.Items ?? []).map((item) => fromItem<MessageRecord>(item)),
        ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}),
      };
    },

    recordAck,

    async recordAcks(partner, acks) {
      let recorded = 0;
      for (let i = 0; i < acks.length; i += 100) {
        const chunk = acks.slice(i, i + 100);
        try {
          await db.send(
            new TransactWriteCommand({
              TransactItems: chunk.map(({ messageId, ack }) => ({
                Update: {
                  TableName: table,
                  Key: outKey(messageId, partner),
                  UpdateExpression: 'SET ack = :ack',
                  ConditionExpression: 'attribute_exists(pk)',
                  ExpressionAttributeValues: { ':ack': ack },
                },
              })),
            }),
          );
          recorded += chunk.length;
        } catch (error) {
          if (!conditionFailed(error)) throw error;
          // One of them names no message of ours: each on its own, that one left out.
          for (const { messageId, ack } of chunk) if (await recordAck(partner, messageId, ack)) recorded++;
        }
      }
      return recorded;
    },

    async markForwarded(partner, messageId, queues, sequenceCheck) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: inKey(messageId, partner),
          UpdateExpression:
            'SET forwardedTo = :queues' +
            (sequenceCheck ? ', sequenceCheck = :check' : '') +
            ' ADD forwardCount :one',
          ExpressionAttributeValues: {
            ':queues': queues,
            ':one': 1,
            ...(sequenceCheck ? { ':check': sequenceCheck } : {}),
          },
        }),
      );
    },

    async noteSequence(partner, sequence) {
      try {
        const out = await db.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: `INSEQ#${partner}`, sk: 'INSEQ' },
            UpdateExpression: 'SET #last = :n',
            ConditionExpression: 'attribute_not_exists(#last) OR #last < :n',
            ExpressionAttributeNames: { '#last': 'last' },
            ExpressionAttributeValues: { ':n': sequence },
            ReturnValues: 'UPDATED_OLD',
          }),
        );
        const previous = out.Attributes?.last as number | undefined;
        return previous === undefined ? { raised: true } : { raised: true, previous };
      } catch (error) {
        if (conditionFailed(error)) return { raised: false };
        throw error;
      }
    },
  };
}
