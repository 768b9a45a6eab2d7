import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { batchGetAll } from '../../../shared/aws/batch-get';
import { conditionFailed, writtenIfCondition } from '../../../shared/aws/conditional-write';
import { queryItems } from '../../../shared/aws/query-pages';
import { StaleVersionError } from '../../../shared/domain/errors';
import { decodeCursor, encodeCursor } from '../../../shared/http/cursor';
import {
  type Batch,
  bucketOf,
  type Ledger,
  type LedgerBucket,
  type LineState,
  lineStateIn,
  type PaymentLine,
  storedStatesOf,
  waitsOnOpenList,
} from '../domain/batch';
import type {
  BatchKey,
  BatchRepository,
  LineMove,
  OpenItem,
  Payment,
  PaymentReservation,
} from '../domain/ports';
import { failedEntries, packChunks } from './transaction-chunks';

/** A payment record as stored, checked where it leaves the table. */
const StoredPayment = z.object({
  paymentKey: z.string(),
  batchId: z.string(),
  lineId: z.string(),
  attempt: z.number().int(),
  state: z.enum(['reserved', 'failed']),
  amountFen: z.number().int(),
});
const toPayment = (item: Record<string, unknown>): Payment => StoredPayment.parse(item);

const batchKey = (batchId: string) => ({ pk: `BATCH#${batchId}`, sk: 'BATCH' });
const lineKey = (batchId: string, lineId: string) => ({ pk: `BATCH#${batchId}`, sk: `LINE#${lineId}` });
const paymentKeyOf = (key: string) => ({ pk: `PAYMENT#${key}`, sk: 'PAYMENT' });
const openKey = (o: Pick<OpenItem, 'scheme' | 'region' | 'period' | 'enrollmentId'>) => ({
  pk: `OPEN#${o.scheme}`,
  sk: `${o.region}#${o.period}#${o.enrollmentId}`,
});
/** Part 1 keeps the key a batch had before counties were split, so earlier batches are found again. */
const slotKey = (b: BatchKey) => ({
  pk: `BATCHKEY#${b.scheme}#${b.period}#${b.region}${b.partNumber > 1 ? `#P${b.partNumber}` : ''}`,
  sk: 'KEY',
});
const keyOfBatch = (b: Batch): BatchKey => ({ ...b, partNumber: b.part?.number ?? 1 });

/** A line's entry in the keys-only lines-by-enrolment index. */
const IndexedLine = z
  .object({ pk: z.string(), sk: z.string(), gsi4sk: z.string() })
  .transform(({ pk, sk, gsi4sk }) => ({ pk, sk, order: gsi4sk }));

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
  const { pk: _a, sk: _b, entity: _c, gsi4pk: _d, gsi4sk: _e, ...rest } = item;
  return rest as unknown as PaymentLine;
}

/** A stored line as its batch reads it: its state follows the batch's milestones (`lineStateIn`). */
function lineIn(batch: Batch | undefined, item: Record<string, unknown>): PaymentLine {
  const line = toLine(item);
  return batch ? { ...line, state: lineStateIn(batch, line.state) } : line;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type LedgerDelta = Partial<Record<keyof Ledger, { count: number; sumFen: number }>>;

/**
 * What a line change needs of its batch's milestones to be read as the caller read it
 * (`lineStateIn`): a stored `pending` line is `pending` only before `sentAt`, and `sent`
 * only between `sentAt` and `settledAt`. Checked on the header in the same transaction.
 */
type HeaderCondition = 'unsent' | 'unsettled';
const HEADER_CONDITIONS: Record<HeaderCondition, string> = {
  unsent: 'attribute_not_exists(sentAt)',
  unsettled: 'attribute_exists(sentAt) AND attribute_not_exists(settledAt)',
};

/** The items one line change writes, what it adds to the batch's ledger, and what it needs of the header. */
interface LineWrite {
  readonly items: TransactItem[];
  readonly delta: LedgerDelta;
  readonly requires?: HeaderCondition;
}

function addTo(delta: LedgerDelta, bucket: keyof Ledger, sign: 1 | -1, amountFen: number): void {
  const tally = delta[bucket] ?? { count: 0, sumFen: 0 };
  delta[bucket] = { count: tally.count + sign, sumFen: tally.sumFen + sign * amountFen };
}

/**
 * The batch header's share of a transaction: one ADD of the summed ledger changes of all
 * its lines, so the ledger moves atomically with them; none when they cancel out.
 */
function withHeader(table: string, batchId: string, writes: readonly LineWrite[]): TransactItem[] {
  const sum: LedgerDelta = {};
  for (const w of writes)
    for (const [bucket, t] of Object.entries(w.delta) as [
      keyof Ledger,
      { count: number; sumFen: number },
    ][]) {
      const tally = sum[bucket] ?? { count: 0, sumFen: 0 };
      sum[bucket] = { count: tally.count + t.count, sumFen: tally.sumFen + t.sumFen };
    }
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const parts: string[] = [];
  for (const [bucket, t] of Object.entries(sum) as [keyof Ledger, { count: number; sumFen: number }][]) {
    if (t.count === 0 && t.sumFen === 0) continue;
    const i = parts.length;
    names[`#c${i}`] = `ledger_${bucket}_count`;
    names[`#s${i}`] = `ledger_${bucket}_sum`;
    values[`:c${i}`] = t.count;
    values[`:s${i}`] = t.sumFen;
    parts.push(`#c${i} :c${i}, #s${i} :s${i}`);
  }
  const items = writes.flatMap((w) => w.items);
  const required = [...new Set(writes.flatMap((w) => (w.requires ? [w.requires] : [])))];
  const expression = required.map((r) => `(${HEADER_CONDITIONS[r]})`).join(' AND ');
  const condition = expression ? { ConditionExpression: expression } : {};
  if (parts.length === 0) {
    if (!expression) return items;
    return [
      ...items,
      { ConditionCheck: { TableName: table, Key: batchKey(batchId), ConditionExpression: expression } },
    ];
  }
  return [
    ...items,
    {
      Update: {
        TableName: table,
        Key: batchKey(batchId),
        UpdateExpression: `ADD ${parts.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ...condition,
      },
    },
  ];
}

/** The item a transaction entry writes, as a string, to keep an item out of a transaction twice. */
function itemKeyOf(item: TransactItem): string {
  const key = (item.Put?.Item ?? item.Update?.Key ?? item.Delete?.Key ?? item.ConditionCheck?.Key) as
    | Record<string, unknown>
    | undefined;
  return `${String(key?.pk)}\u0000${String(key?.sk)}`;
}

/**
 * A new line (conditional on not existing), its open item when held, and, when it takes
 * over an earlier line's open item, that item's removal and the earlier line's mark.
 */
function addLineWrite(table: string, line: PaymentLine, closes?: OpenItem): LineWrite {
  const delta: LedgerDelta = {};
  addTo(delta, 'planned', 1, line.amountFen);
  addTo(delta, bucketOf(line.state), 1, line.amountFen);
  const items: TransactItem[] = [
    { Put: { TableName: table, Item: lineItem(line), ConditionExpression: 'attribute_not_exists(pk)' } },
  ];
  if (waitsOnOpenList(line))
    items.push({ Put: { TableName: table, Item: openItem({ ...line, reason: 'held' }) } });
  if (closes) {
    items.push(
      { Delete: { TableName: table, Key: openKey(closes) } },
      {
        Update: {
          TableName: table,
          Key: lineKey(closes.batchId, closes.lineId),
          UpdateExpression: 'SET carriedTo = :to',
          ExpressionAttributeValues: { ':to': line.batchId },
        },
      },
    );
  }
  return { items, delta };
}

/**
 * The stored states a line read as `from` may have, and what its header must still say
 * for that reading to hold (`lineStateIn`): a line read as sent or paid may be stored
 * `pending`, the batch's milestones making it so. Paid is final, so it needs no check.
 */
const STORED_AS: Record<LineState, { stored: LineState[]; requires?: HeaderCondition }> = {
  pending: { stored: ['pending'], requires: 'unsent' },
  sent: { stored: ['pending'], requires: 'unsettled' },
  paid: { stored: ['paid', 'pending'] },
  held: { stored: ['held'] },
  failed: { stored: ['failed'] },
};

/**
 * A line's state change (conditional on its current state), its payment's failure and
 * open item; the ledger moves between the two buckets.
 */
function moveLineWrite(table: string, move: LineMove): LineWrite {
  const from = bucketOf(move.from);
  const to = bucketOf(move.to);
  const delta: LedgerDelta = {};
  if (from !== to) {
    addTo(delta, from, -1, move.amountFen);
    addTo(delta, to, 1, move.amountFen);
  }
  const { stored, requires } = STORED_AS[move.from];
  const names: Record<string, string> = { '#state': 'state' };
  const values: Record<string, unknown> = { ':to': move.to };
  stored.forEach((state, i) => {
    values[`:from${i}`] = state;
  });
  const sets = ['#state = :to'];
  for (const [k, v] of Object.entries(move.patch ?? {})) {
    names[`#p_${k}`] = k;
    values[`:p_${k}`] = v;
    sets.push(`#p_${k} = :p_${k}`);
  }
  const items: TransactItem[] = [
    {
      Update: {
        TableName: table,
        Key: lineKey(move.batchId, move.lineId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: `#state IN (${stored.map((_, i) => `:from${i}`).join(', ')})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
  ];
  if (move.paymentFailed) {
    items.push({
      Update: {
        TableName: table,
        Key: paymentKeyOf(move.paymentFailed.paymentKey),
        UpdateExpression: 'SET #state = :s',
        ConditionExpression: 'batchId = :b AND lineId = :l',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':s': 'failed', ':b': move.batchId, ':l': move.lineId },
      },
    });
  }
  if (move.openItem) items.push({ Put: { TableName: table, Item: openItem(move.openItem) } });
  return { items, delta, ...(requires ? { requires } : {}) };
}

/**
 * A payment's reservation: the one conditional write that makes a payment unique. The key
 * is free, or its last attempt failed and this is a later one, or this very attempt
 * reserved it before (a step run again after a crash).
 */
function reservationWrite(table: string, r: PaymentReservation): LineWrite {
  return {
    delta: {},
    items: [
      {
        Put: {
          TableName: table,
          Item: {
            ...paymentKeyOf(r.paymentKey),
            entity: 'Payment',
            paymentKey: r.paymentKey,
            batchId: r.batchId,
            lineId: r.lineId,
            attempt: r.attempt,
            state: 'reserved',
            amountFen: r.amountFen,
          },
          ConditionExpression:
            'attribute_not_exists(pk) OR (#state = :failed AND attempt < :attempt) OR ' +
            '(#state = :reserved AND batchId = :b AND lineId = :l AND attempt = :attempt)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':reserved': 'reserved',
            ':attempt': r.attempt,
            ':b': r.batchId,
            ':l': r.lineId,
          },
        },
      },
    ],
  };
}

function lineItem(line: PaymentLine) {
  return {
    ...lineKey(line.batchId, line.lineId),
    entity: 'PaymentLine',
    ...line,
    gsi4pk: `ENROLLMENT-LINES#${line.enrollmentId}`,
    gsi4sk: `${line.period}#${line.batchId}`,
  };
}

/**
 * Batches, their lines and ledger, payment records and the open-items list in the payout
 * table. Every change to a line changes the ledger in the same transaction, so the
 * ledger balances after every write, whatever crashes in between.
 */
export function dynamoBatchRepository(db: DynamoDBDocumentClient, table: string): BatchRepository {
  const find = async (batchId: string): Promise<Batch | undefined> => {
    const { Item } = await db.send(
      new GetCommand({ TableName: table, Key: batchKey(batchId), ConsistentRead: true }),
    );
    return Item ? toBatch(Item) : undefined;
  };
  const claimedBy = async (key: BatchKey): Promise<string | undefined> => {
    const { Item } = await db.send(
      new GetCommand({ TableName: table, Key: slotKey(key), ConsistentRead: true }),
    );
    return Item?.batchId as string | undefined;
  };
  const addLine = async (line: PaymentLine, closes?: OpenItem): Promise<boolean> => {
    const write = addLineWrite(table, line, closes);
    try {
      await db.send(new TransactWriteCommand({ TransactItems: withHeader(table, line.batchId, [write]) }));
      return true;
    } catch (error) {
      if (conditionFailed(error)) {
        // The line exists from an earlier run: the open item it took over may still be there.
        if (closes) await db.send(new DeleteCommand({ TableName: table, Key: openKey(closes) }));
        return false;
      }
      throw error;
    }
  };

  /** Updates the header of a batch that is disbursing (and meets `condition`, when given). */
  const updateWhileDisbursing = (
    batchId: string,
    update: string,
    values: Record<string, unknown>,
    condition?: string,
  ) =>
    db.send(
      new UpdateCommand({
        TableName: table,
        Key: batchKey(batchId),
        UpdateExpression: update,
        ConditionExpression: `#state = :disbursing${condition ? ` AND ${condition}` : ''}`,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':disbursing': 'disbursing', ...values },
      }),
    );

  const moveLine = async (move: LineMove): Promise<boolean> => {
    try {
      await db.send(
        new TransactWriteCommand({
          TransactItems: withHeader(table, move.batchId, [moveLineWrite(table, move)]),
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  };

  /**
   * Writes the lines of one batch many to a transaction, with one ledger update for each
   * transaction, and answers per entry as the one-line operation would. A transaction
   * cancelled by a failed condition is split: the entries whose condition failed take the
   * one-line operation (which tells exactly why), the others are written again together.
   */
  const writeChunked = async (
    entries: ReadonlyArray<{ readonly batchId: string; readonly write: LineWrite }>,
    single: (index: number) => Promise<boolean>,
  ): Promise<boolean[]> => {
    const results: boolean[] = new Array(entries.length).fill(false);
    const batchIds = new Set(entries.map((e) => e.batchId));
    if (batchIds.size > 1) throw new Error('chunked line writes take the lines of one batch');
    const [batchId] = batchIds;
    const write = async (group: number[]): Promise<void> => {
      if (group.length === 0) return;
      if (group.length === 1) {
        results[group[0] as number] = await single(group[0] as number);
        return;
      }
      const writes = group.map((i) => (entries[i] as { write: LineWrite }).write);
      try {
        await db.send(
          new TransactWriteCommand({ TransactItems: withHeader(table, batchId as string, writes) }),
        );
        for (const i of group) results[i] = true;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const failed = failedEntries(
          error.CancellationReasons,
          writes.map((w) => w.items.length),
        );
        // Reasons that name no entry (a conflict, or none given): every entry on its own.
        const alone = failed && failed.size > 0 ? group.filter((_, k) => failed.has(k)) : group;
        for (const i of alone) results[i] = await single(i);
        if (alone.length < group.length) await write(group.filter((i) => !alone.includes(i)));
      }
    };
    const indexes = entries.map((_, i) => i);
    for (const group of packChunks(
      indexes,
      (i) => (entries[i] as { write: LineWrite }).write.items.map(itemKeyOf),
      1,
    ))
      await write(group);
    return results;
  };

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
        return (await claimedBy(batch)) ?? batch.batchId;
      }
    },
    async findByKey(key) {
      const batchId = await claimedBy(key);
      return batchId ? find(batchId) : undefined;
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
    async releaseLease(batchId, owner) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: batchKey(batchId),
            UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
            ConditionExpression: 'leaseOwner = :o',
            ExpressionAttributeValues: { ':o': owner },
          }),
        );
      } catch (error) {
        // Another worker took it after it expired: theirs now, nothing to give up.
        if (!conditionFailed(error)) throw error;
      }
    },
    async releaseKey(batch) {
      await db.send(
        new DeleteCommand({
          TableName: table,
          Key: slotKey(keyOfBatch(batch)),
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
    find,
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
    addLine,
    addLines(entries) {
      return writeChunked(
        entries.map((e) => ({ batchId: e.line.batchId, write: addLineWrite(table, e.line, e.closes) })),
        (i) => addLine(entries[i]?.line as PaymentLine, entries[i]?.closes),
      );
    },
    moveLine,
    moveLines(moves) {
      return writeChunked(
        moves.map((m) => ({ batchId: m.batchId, write: moveLineWrite(table, m) })),
        (i) => moveLine(moves[i] as LineMove),
      );
    },
    reservePayments(reservations) {
      return writeChunked(
        reservations.map((r) => ({ batchId: r.batchId, write: reservationWrite(table, r) })),
        (i) => {
          const [item] = reservationWrite(table, reservations[i] as PaymentReservation).items;
          return writtenIfCondition(db.send(new PutCommand(item?.Put as PutCommandInput)));
        },
      );
    },
    async saveReservedThrough(batchId, cursor) {
      await updateWhileDisbursing(batchId, 'SET reservedThrough = :c', { ':c': cursor });
    },
    async markSent(batchId, at) {
      await writtenIfCondition(
        updateWhileDisbursing(batchId, 'SET sentAt = :at', { ':at': at }, 'attribute_not_exists(sentAt)'),
      );
    },
    settle(batchId, paid, at) {
      // The ledger's pending bucket must be exactly what is settled: every sent line is paid by it.
      return writtenIfCondition(
        updateWhileDisbursing(
          batchId,
          'SET settledAt = :at ADD ledger_pending_count :minusCount, ledger_pending_sum :minusSum, ' +
            'ledger_paid_count :count, ledger_paid_sum :sum',
          {
            ':at': at,
            ':count': paid.count,
            ':sum': paid.sumFen,
            ':minusCount': -paid.count,
            ':minusSum': -paid.sumFen,
          },
          'attribute_exists(sentAt) AND attribute_not_exists(settledAt) ' +
            'AND ledger_pending_count = :count AND ledger_pending_sum = :sum',
        ),
      );
    },
    async lines(batchId, { cursor, limit, state }) {
      const batch = await find(batchId);
      const stored = batch && state ? storedStatesOf(batch, state) : state ? [state] : [];
      if (state && stored.length === 0) return { items: [] };
      const start = decodeCursor(cursor);
      const filter = Object.fromEntries(stored.map((s, i) => [`:s${i}`, s]));
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: { ':pk': `BATCH#${batchId}`, ':sk': 'LINE#', ...filter },
          ...(state
            ? {
                FilterExpression: `#state IN (${Object.keys(filter).join(', ')})`,
                ExpressionAttributeNames: { '#state': 'state' },
              }
            : {}),
          Limit: limit,
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      const next = encodeCursor(out.LastEvaluatedKey);
      const items = (out.Items ?? []).map((item) => lineIn(batch, item));
      return { items, ...(next ? { cursor: next } : {}) };
    },
    async findLine(batchId, lineId) {
      const [batch, { Item }] = await Promise.all([
        find(batchId),
        db.send(new GetCommand({ TableName: table, Key: lineKey(batchId, lineId), ConsistentRead: true })),
      ]);
      return Item ? lineIn(batch, Item) : undefined;
    },
    async linesOfEnrollment(enrollmentId) {
      // The index holds keys only (a line's state changes cost it nothing): the lines are read by key.
      const keys: { pk: string; sk: string; order: string }[] = [];
      for await (const item of queryItems(db, {
        TableName: table,
        IndexName: 'gsi4',
        KeyConditionExpression: 'gsi4pk = :pk',
        ExpressionAttributeValues: { ':pk': `ENROLLMENT-LINES#${enrollmentId}` },
      }))
        keys.push(IndexedLine.parse(item));
      const order = new Map(keys.map((k) => [`${k.pk}#${k.sk}`, k.order]));
      const items = await batchGetAll(
        db,
        table,
        keys.map(({ pk, sk }) => ({ pk, sk })),
      );
      // A line's state is read with its batch's milestones.
      const headers = await batchGetAll(
        db,
        table,
        [...new Set(items.map((item) => String(item.pk)))].map((pk) => ({ pk, sk: 'BATCH' })),
      );
      const batches = new Map(headers.map((h) => [String(h.pk), toBatch(h)]));
      // In the index's order: by period, then batch.
      return items
        .map((item) => ({
          order: order.get(`${item.pk}#${item.sk}`) ?? '',
          line: lineIn(batches.get(String(item.pk)), item),
        }))
        .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
        .map(({ line }) => line);
    },
    async findPayment(paymentKey) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: paymentKeyOf(paymentKey), ConsistentRead: true }),
      );
      return Item ? toPayment(Item) : undefined;
    },
    async findPayments(paymentKeys) {
      const items = await batchGetAll(db, table, paymentKeys.map(paymentKeyOf));
      return new Map(items.map((item) => [String(item.paymentKey), toPayment(item)]));
    },
    async openItems(scheme, regionPrefix) {
      const items: OpenItem[] = [];
      for await (const i of queryItems(db, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': `OPEN#${scheme}`, ':sk': regionPrefix },
        ConsistentRead: true,
      })) {
        const { pk: _a, sk: _b, entity: _c, ...rest } = i;
        items.push(rest as unknown as OpenItem);
      }
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
    async page({ scheme, period, cursor, limit }, keep) {
      const prefix = scheme ? `${scheme}#${period ? `${period}#` : ''}` : undefined;
      const items: Batch[] = [];
      let start = decodeCursor(cursor);
      do {
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            IndexName: 'gsi2',
            KeyConditionExpression: prefix ? 'gsi2pk = :pk AND begins_with(gsi2sk, :sk)' : 'gsi2pk = :pk',
            ExpressionAttributeValues: { ':pk': 'BATCHES', ...(prefix ? { ':sk': prefix } : {}) },
            ScanIndexForward: false,
            Limit: 100,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of out.Items ?? []) {
          const batch = toBatch(item);
          if (!keep(batch)) continue;
          items.push(batch);
          // A full page ends at this item: the next one starts after its index position.
          if (items.length === limit) {
            const { pk, sk, gsi2pk, gsi2sk } = item;
            return { items, cursor: encodeCursor({ pk, sk, gsi2pk, gsi2sk }) as string };
          }
        }
        start = out.LastEvaluatedKey;
      } while (start);
      return { items };
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
