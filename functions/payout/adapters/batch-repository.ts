import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { StaleVersionError } from '../../../shared/domain/errors';
import { decodeCursor, encodeCursor } from '../../../shared/http/cursor';
import { type Batch, bucketOf, type Ledger, type LedgerBucket, type PaymentLine } from '../domain/batch';
import type { BatchRepository, OpenItem, Payment } from '../domain/ports';

const batchKey = (batchId: string) => ({ pk: `BATCH#${batchId}`, sk: 'BATCH' });
const lineKey = (batchId: string, lineId: string) => ({ pk: `BATCH#${batchId}`, sk: `LINE#${lineId}` });
const paymentKeyOf = (key: string) => ({ pk: `PAYMENT#${key}`, sk: 'PAYMENT' });
const openKey = (o: Pick<OpenItem, 'scheme' | 'region' | 'period' | 'enrollmentId'>) => ({
  pk: `OPEN#${o.scheme}`,
  sk: `${o.region}#${o.period}#${o.enrollmentId}`,
});
const slotKey = (b: Pick<Batch, 'scheme' | 'period' | 'region'>) => ({
  pk: `BATCHKEY#${b.scheme}#${b.period}#${b.region}`,
  sk: 'KEY',
});

const BUCKETS: readonly (keyof Ledger)[] = ['planned', 'pending', 'held', 'paid', 'failed'];
const STATE_FIELDS = [
  'state',
  'control',
  'submittedBy',
  'approvedBy',
  'approvedAt',
  'version',
  'updatedAt',
  'actions',
] as const;

/** The ledger is kept as flat counters so one transaction can add to several of them. */
function ledgerOf(item: Record<string, unknown>): Ledger {
  return Object.fromEntries(
    BUCKETS.map((b) => [
      b,
      { count: Number(item[`ledger_${b}_count`] ?? 0), sumFen: Number(item[`ledger_${b}_sum`] ?? 0) },
    ]),
  ) as unknown as Ledger;
}

function toBatch(item: Record<string, unknown>): Batch {
  const rest = Object.fromEntries(
    Object.entries(item).filter(
      ([k]) =>
        !k.startsWith('ledger_') &&
        !['pk', 'sk', 'entity', 'gsi2pk', 'gsi2sk', 'leaseOwner', 'leaseUntil'].includes(k),
    ),
  );
  return { ...(rest as unknown as Batch), ledger: ledgerOf(item) };
}

function toLine(item: Record<string, unknown>): PaymentLine {
  const { pk: _a, sk: _b, entity: _c, gsi3pk: _d, gsi3sk: _e, ...rest } = item;
  return rest as unknown as PaymentLine;
}

/** ADD expressions moving `amount` fen and one line between ledger buckets. */
function ledgerUpdate(changes: ReadonlyArray<[keyof Ledger, 1 | -1]>, amountFen: number) {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const parts = changes.map(([bucket, sign], i) => {
    names[`#c${i}`] = `ledger_${bucket}_count`;
    names[`#s${i}`] = `ledger_${bucket}_sum`;
    values[`:c${i}`] = sign;
    values[`:s${i}`] = sign * amountFen;
    return `#c${i} :c${i}, #s${i} :s${i}`;
  });
  return {
    UpdateExpression: `ADD ${parts.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

function lineItem(line: PaymentLine) {
  return {
    ...lineKey(line.batchId, line.lineId),
    entity: 'PaymentLine',
    ...line,
    gsi3pk: `ENROLLMENT-LINES#${line.enrollmentId}`,
    gsi3sk: `${line.period}#${line.batchId}`,
  };
}

const conditionFailed = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed'));

/**
 * Batches, their lines and ledger, payment records and the open-items list in the payout
 * table. Every change to a line changes the ledger in the same transaction, so the
 * ledger balances after every write, whatever crashes in between.
 */
export function dynamoBatchRepository(db: DynamoDBDocumentClient, table: string): BatchRepository {
  return {
    async claimKey(batch) {
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: { ...slotKey(batch), entity: 'BatchKey', batchId: batch.batchId },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return batch.batchId;
      } catch (error) {
        if (!conditionFailed(error)) throw error;
        const { Item } = await db.send(
          new GetCommand({ TableName: table, Key: slotKey(batch), ConsistentRead: true }),
        );
        return (Item?.batchId as string | undefined) ?? batch.batchId;
      }
    },
    async acquireLease(batchId, owner, until, now) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: batchKey(batchId),
            UpdateExpression: 'SET leaseOwner = :o, leaseUntil = :u',
            ConditionExpression:
              'attribute_exists(pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :o)',
            ExpressionAttributeValues: { ':o': owner, ':u': until, ':now': now },
          }),
        );
        return true;
      } catch (error) {
        if (conditionFailed(error)) return false;
        throw error;
      }
    },
    async releaseKey(batch) {
      await db.send(
        new DeleteCommand({
          TableName: table,
          Key: slotKey(batch),
          ConditionExpression: 'attribute_not_exists(pk) OR batchId = :id',
          ExpressionAttributeValues: { ':id': batch.batchId },
        }),
      );
    },
    async createHeader(batch) {
      const { ledger: _ledger, ...fields } = batch;
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...batchKey(batch.batchId),
              entity: 'Batch',
              ...fields,
              gsi2pk: 'BATCHES',
              gsi2sk: `${batch.scheme}#${batch.period}#${batch.region}#${batch.batchId}`,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!conditionFailed(error)) throw error;
      }
    },
    async find(batchId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: batchKey(batchId), ConsistentRead: true }),
      );
      return Item ? toBatch(Item) : undefined;
    },
    async saveState(batch, expectedState) {
      const names: Record<string, string> = { '#state': 'state' };
      const values: Record<string, unknown> = { ':previous': batch.version - 1, ':expected': expectedState };
      const sets = STATE_FIELDS.filter((f) => batch[f] !== undefined).map((f) => {
        names[`#${f}`] = f;
        values[`:${f}`] = batch[f];
        return `#${f} = :${f}`;
      });
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: batchKey(batch.batchId),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: 'version = :previous AND #state = :expected',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
      } catch (error) {
        if (conditionFailed(error))
          throw new StaleVersionError('The batch changed meanwhile; read it again.');
        throw error;
      }
    },
    async addLine(line, closes) {
      const bucket = bucketOf(line.state);
      const carry = closes
        ? [
            { Delete: { TableName: table, Key: openKey(closes) } },
            {
              Update: {
                TableName: table,
                Key: lineKey(closes.batchId, closes.lineId),
                UpdateExpression: 'SET carriedTo = :to',
                ExpressionAttributeValues: { ':to': line.batchId },
              },
            },
          ]
        : [];
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: lineItem(line),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Update: {
                  TableName: table,
                  Key: batchKey(line.batchId),
                  ...ledgerUpdate(
                    [
                      ['planned', 1],
                      [bucket, 1],
                    ],
                    line.amountFen,
                  ),
                },
              },
              ...(line.state === 'held'
                ? [{ Put: { TableName: table, Item: openItem({ ...line, reason: 'held' }) } }]
                : []),
              ...carry,
            ],
          }),
        );
        return true;
      } catch (error) {
        if (conditionFailed(error)) {
          // The line exists from an earlier run: the open item it took over may still be there.
          if (closes) await db.send(new DeleteCommand({ TableName: table, Key: openKey(closes) }));
          return false;
        }
        throw error;
      }
    },
    async moveLine(move) {
      const from = bucketOf(move.from);
      const to = bucketOf(move.to);
      const names: Record<string, string> = { '#state': 'state' };
      const values: Record<string, unknown> = { ':from': move.from, ':to': move.to };
      const sets = ['#state = :to'];
      for (const [k, v] of Object.entries(move.patch ?? {})) {
        names[`#p_${k}`] = k;
        values[`:p_${k}`] = v;
        sets.push(`#p_${k} = :p_${k}`);
      }
      const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
        {
          Update: {
            TableName: table,
            Key: lineKey(move.batchId, move.lineId),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: '#state = :from',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        },
      ];
      if (from !== to) {
        items.push({
          Update: {
            TableName: table,
            Key: batchKey(move.batchId),
            ...ledgerUpdate(
              [
                [from, -1],
                [to, 1],
              ],
              move.amountFen,
            ),
          },
        });
      }
      if (move.reservePayment) {
        const { paymentKey, attempt } = move.reservePayment;
        // The one conditional write that makes a payment unique: the key is free, or its
        // last attempt failed and this is a later attempt.
        items.push({
          Put: {
            TableName: table,
            Item: {
              ...paymentKeyOf(paymentKey),
              entity: 'Payment',
              paymentKey,
              batchId: move.batchId,
              lineId: move.lineId,
              attempt,
              state: 'sent',
              amountFen: move.amountFen,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR (#state = :failed AND attempt < :attempt)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':failed': 'failed', ':attempt': attempt },
          },
        });
      }
      if (move.paymentState) {
        items.push({
          Update: {
            TableName: table,
            Key: paymentKeyOf(move.paymentState.paymentKey),
            UpdateExpression: 'SET #state = :s',
            ConditionExpression: 'batchId = :b AND lineId = :l',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':s': move.paymentState.state,
              ':b': move.batchId,
              ':l': move.lineId,
            },
          },
        });
      }
      if (move.openItem) items.push({ Put: { TableName: table, Item: openItem(move.openItem) } });
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
        return true;
      } catch (error) {
        if (conditionFailed(error)) return false;
        throw error;
      }
    },
    async lines(batchId, { cursor, limit, state }) {
      const start = decodeCursor(cursor);
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: {
            ':pk': `BATCH#${batchId}`,
            ':sk': 'LINE#',
            ...(state ? { ':state': state } : {}),
          },
          ...(state
            ? { FilterExpression: '#state = :state', ExpressionAttributeNames: { '#state': 'state' } }
            : {}),
          Limit: limit,
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      const next = encodeCursor(out.LastEvaluatedKey);
      return { items: (out.Items ?? []).map(toLine), ...(next ? { cursor: next } : {}) };
    },
    async findLine(batchId, lineId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: lineKey(batchId, lineId), ConsistentRead: true }),
      );
      return Item ? toLine(Item) : undefined;
    },
    async linesOfEnrollment(enrollmentId) {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi3',
          KeyConditionExpression: 'gsi3pk = :pk',
          ExpressionAttributeValues: { ':pk': `ENROLLMENT-LINES#${enrollmentId}` },
        }),
      );
      return (out.Items ?? []).map(toLine);
    },
    async findPayment(paymentKey) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: paymentKeyOf(paymentKey), ConsistentRead: true }),
      );
      if (!Item) return undefined;
      const { pk: _a, sk: _b, entity: _c, ...rest } = Item;
      return rest as unknown as Payment;
    },
    async openItems(scheme, regionPrefix) {
      const items: OpenItem[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
            ExpressionAttributeValues: { ':pk': `OPEN#${scheme}`, ':sk': regionPrefix },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const i of out.Items ?? []) {
          const { pk: _a, sk: _b, entity: _c, ...rest } = i;
          items.push(rest as unknown as OpenItem);
        }
        start = out.LastEvaluatedKey;
      } while (start);
      return items;
    },
    async list({ scheme, regionPrefix, fromPeriod, toPeriod }) {
      const batches: Batch[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            IndexName: 'gsi2',
            KeyConditionExpression: scheme ? 'gsi2pk = :pk AND begins_with(gsi2sk, :sk)' : 'gsi2pk = :pk',
            ExpressionAttributeValues: { ':pk': 'BATCHES', ...(scheme ? { ':sk': `${scheme}#` } : {}) },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const i of out.Items ?? []) {
          const b = toBatch(i);
          if (!b.region.startsWith(regionPrefix)) continue;
          if (fromPeriod && b.period < fromPeriod) continue;
          if (toPeriod && b.period.slice(0, toPeriod.length) > toPeriod) continue;
          batches.push(b);
        }
        start = out.LastEvaluatedKey;
      } while (start);
      return batches;
    },
  };
}

function openItem(o: OpenItem | (PaymentLine & { reason: OpenItem['reason'] })) {
  const item: OpenItem = {
    scheme: o.scheme,
    region: o.region,
    period: o.period,
    enrollmentId: o.enrollmentId,
    batchId: o.batchId,
    lineId: o.lineId,
    reason: o.reason,
  };
  return { ...openKey(item), entity: 'OpenItem', ...item };
}

export type { LedgerBucket };
