import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Batch,
  EMPTY_LEDGER,
  ledgerBalances,
  type PaymentLine,
} from '../../functions/payout/domain/batch';
import { endToEndIdOf } from '../../functions/payout/domain/planning';
import type { BatchRepository, LineMove, OpenItem } from '../../functions/payout/domain/ports';
import { newUlid } from '../../shared/domain/ids';
import { provisionForTest } from '../support/local-aws';
import { payoutRepos } from '../support/payout-fixtures';

/**
 * The chunked line writes (many lines to a transaction, one ledger update each) against
 * DynamoDB Local: the answers per line must be those of the one-line operations, including
 * when a transaction is cancelled by a line that exists or a payment key that is taken.
 */
describe('payout line writes in chunks', () => {
  let batches: BatchRepository;

  beforeAll(async () => {
    const { aws, resources } = await provisionForTest('31');
    batches = payoutRepos(aws, resources.tables.payout).batches;
  });

  const newBatch = async (): Promise<string> => {
    const batchId = newUlid();
    const at = new Date().toISOString();
    const batch: Batch = {
      batchId,
      scheme: 'rural-reward',
      period: '2026-11',
      region: '330106',
      state: 'planning',
      ruleVersion: 1,
      control: { count: 0, sumFen: 0 },
      ledger: EMPTY_LEDGER,
      plannedBy: 'officer-1',
      version: 1,
      createdAt: at,
      updatedAt: at,
      actions: [],
    };
    await batches.createHeader(batch);
    return batchId;
  };

  /** A line of its own beneficiary (or of `paymentKey`'s, when given); amounts differ per line. */
  const line = (batchId: string, n: number, over: Partial<PaymentLine> = {}): PaymentLine => {
    const enrollmentId = newUlid();
    const paymentKey = over.paymentKey ?? `rural-reward#2026-11#${newUlid()}`;
    return {
      batchId,
      lineId: `${enrollmentId}#2026-11`,
      enrollmentId,
      personId: newUlid(),
      scheme: 'rural-reward',
      period: '2026-11',
      region: '330106',
      amountFen: 10_000 + n,
      state: 'pending',
      paymentKey,
      attempt: 1,
      endToEndId: endToEndIdOf(paymentKey, 1),
      reasons: [],
      updatedAt: new Date().toISOString(),
      ...over,
    };
  };

  const send = (l: PaymentLine): LineMove => ({
    batchId: l.batchId,
    lineId: l.lineId,
    from: 'pending',
    to: 'sent',
    amountFen: l.amountFen,
    reservePayment: { paymentKey: l.paymentKey, attempt: l.attempt },
  });

  const ledgerOf = async (batchId: string) => ((await batches.find(batchId)) as Batch).ledger;
  const sum = (ls: readonly PaymentLine[]) => ls.reduce((n, l) => n + l.amountFen, 0);

  it('adds more lines than one transaction holds, each counted once in the ledger', async () => {
    const batchId = await newBatch();
    const lines = Array.from({ length: 230 }, (_, n) => line(batchId, n));
    const held = lines
      .slice(200)
      .map((l) => ({ ...l, state: 'held' as const, holdReason: 'deceased' as const }));
    const all = [...lines.slice(0, 200), ...held];
    expect(await batches.addLines(all.map((l) => ({ line: l })))).toEqual(all.map(() => true));
    const ledger = await ledgerOf(batchId);
    expect(ledger.planned).toEqual({ count: 230, sumFen: sum(all) });
    expect(ledger.pending).toEqual({ count: 200, sumFen: sum(all.slice(0, 200)) });
    expect(ledger.held).toEqual({ count: 30, sumFen: sum(held) });
    // Held lines wait on the open list, as with one line at a time.
    const open = (await batches.openItems('rural-reward', '330106')).filter((o) => o.batchId === batchId);
    expect(open).toHaveLength(30);
  });

  it('planning again: existing lines answer false, new ones in the same chunk are written and counted', async () => {
    const batchId = await newBatch();
    const first = Array.from({ length: 40 }, (_, n) => line(batchId, n));
    await batches.addLines(first.map((l) => ({ line: l })));
    const fresh = Array.from({ length: 20 }, (_, n) => line(batchId, 100 + n));
    // Interleaved, so every transaction of the second call meets an existing line.
    const mixed = first.flatMap((l, k) => (k < 20 ? [l, fresh[k] as PaymentLine] : [l]));
    const answers = await batches.addLines(mixed.map((l) => ({ line: l })));
    expect(answers).toEqual(mixed.map((l) => fresh.includes(l)));
    const ledger = await ledgerOf(batchId);
    expect(ledger.planned).toEqual({ count: 60, sumFen: sum(first) + sum(fresh) });
    expect(ledgerBalances(ledger)).toBe(true);
  });

  it('a carried line that exists already answers false and still closes the open item it took over', async () => {
    const earlierBatch = await newBatch();
    const earlier = line(earlierBatch, 1, { state: 'held', holdReason: 'deceased' });
    await batches.addLines([{ line: earlier }]);
    const closes: OpenItem = {
      scheme: earlier.scheme,
      region: earlier.region,
      period: earlier.period,
      enrollmentId: earlier.enrollmentId,
      batchId: earlierBatch,
      lineId: earlier.lineId,
      reason: 'held',
    };
    const batchId = await newBatch();
    const carried = { ...earlier, batchId, state: 'pending' as const, carriedFrom: earlierBatch };
    delete (carried as { holdReason?: unknown }).holdReason;
    // The line was written by an earlier run, whose open item removal was lost.
    await batches.addLine(carried);
    const others = [line(batchId, 2), line(batchId, 3)];
    const answers = await batches.addLines([
      { line: others[0] as PaymentLine },
      { line: carried, closes },
      { line: others[1] as PaymentLine },
    ]);
    expect(answers).toEqual([true, false, true]);
    const open = (await batches.openItems('rural-reward', '330106')).filter(
      (o) => o.lineId === earlier.lineId,
    );
    expect(open).toEqual([]);
    expect((await ledgerOf(batchId)).planned.count).toBe(3);
  });

  it('moves lines to sent with their payment keys; a taken key or a moved line answers false and changes nothing', async () => {
    const batchId = await newBatch();
    const lines = Array.from({ length: 120 }, (_, n) => line(batchId, n));
    await batches.addLines(lines.map((l) => ({ line: l })));
    // Another batch has reserved the keys of every tenth line already.
    const otherBatch = await newBatch();
    const taken = lines.filter((_, k) => k % 10 === 3);
    const rivals = taken.map((l, k) => line(otherBatch, k, { paymentKey: l.paymentKey }));
    await batches.addLines(rivals.map((l) => ({ line: l })));
    expect(await batches.moveLines(rivals.map(send))).toEqual(rivals.map(() => true));
    // And one line of this batch was sent already by an earlier run.
    const early = lines[57] as PaymentLine;
    expect(await batches.moveLine(send(early))).toBe(true);

    const answers = await batches.moveLines(lines.map(send));
    expect(answers).toEqual(lines.map((l) => !taken.includes(l) && l !== early));
    for (const l of taken) {
      expect((await batches.findLine(batchId, l.lineId))?.state).toBe('pending');
      expect((await batches.findPayment(l.paymentKey))?.batchId).toBe(otherBatch);
    }
    const sentLine = lines[0] as PaymentLine;
    expect((await batches.findLine(batchId, sentLine.lineId))?.state).toBe('sent');
    expect(await batches.findPayment(sentLine.paymentKey)).toMatchObject({
      batchId,
      lineId: sentLine.lineId,
    });
    // Sent lines stay in the pending bucket until the bank answers.
    const ledger = await ledgerOf(batchId);
    expect(ledger.pending).toEqual({ count: 120, sumFen: sum(lines) });
    expect(ledgerBalances(ledger)).toBe(true);
  });

  it('two lines with one payment key in a call: the key is reserved once, for the first', async () => {
    const batchId = await newBatch();
    const a = line(batchId, 1);
    const b = line(batchId, 2, { paymentKey: a.paymentKey });
    const c = line(batchId, 3);
    await batches.addLines([a, b, c].map((l) => ({ line: l })));
    expect(await batches.moveLines([a, b, c].map(send))).toEqual([true, false, true]);
    expect(await batches.findPayment(a.paymentKey)).toMatchObject({ lineId: a.lineId });
  });

  it('settles many lines with one ledger update per transaction; the same outcomes again change nothing', async () => {
    const batchId = await newBatch();
    const lines = Array.from({ length: 90 }, (_, n) => line(batchId, n));
    await batches.addLines(lines.map((l) => ({ line: l })));
    await batches.moveLines(lines.map(send));
    const outcome = (l: PaymentLine, k: number): LineMove =>
      k % 3 === 0
        ? {
            batchId,
            lineId: l.lineId,
            from: 'sent',
            to: 'failed',
            amountFen: l.amountFen,
            patch: { failure: { code: 'AC04', returned: false } },
            paymentState: { paymentKey: l.paymentKey, state: 'failed' },
            openItem: {
              scheme: l.scheme,
              region: l.region,
              period: l.period,
              enrollmentId: l.enrollmentId,
              batchId,
              lineId: l.lineId,
              reason: 'failed',
            },
          }
        : {
            batchId,
            lineId: l.lineId,
            from: 'sent',
            to: 'paid',
            amountFen: l.amountFen,
            paymentState: { paymentKey: l.paymentKey, state: 'paid' },
          };
    const moves = lines.map(outcome);
    expect(await batches.moveLines(moves)).toEqual(lines.map(() => true));
    const failed = lines.filter((_, k) => k % 3 === 0);
    const paid = lines.filter((_, k) => k % 3 !== 0);
    const ledger = await ledgerOf(batchId);
    expect(ledger.paid).toEqual({ count: paid.length, sumFen: sum(paid) });
    expect(ledger.failed).toEqual({ count: failed.length, sumFen: sum(failed) });
    expect(ledger.pending).toEqual({ count: 0, sumFen: 0 });
    expect((await batches.findPayment((failed[0] as PaymentLine).paymentKey))?.state).toBe('failed');
    expect((await batches.findPayment((paid[0] as PaymentLine).paymentKey))?.state).toBe('paid');
    // The same report imported again: every move finds its line moved already.
    expect(await batches.moveLines(moves)).toEqual(lines.map(() => false));
    expect(await ledgerOf(batchId)).toEqual(ledger);
  });
});
