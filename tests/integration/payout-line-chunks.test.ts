import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Batch,
  EMPTY_LEDGER,
  ledgerBalances,
  type PaymentLine,
} from '../../functions/payout/domain/batch';
import { endToEndIdOf } from '../../functions/payout/domain/planning';
import type {
  BatchRepository,
  LineMove,
  OpenItem,
  PaymentReservation,
} from '../../functions/payout/domain/ports';
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

  const newBatch = async (state: Batch['state'] = 'planning'): Promise<string> => {
    const batchId = newUlid();
    const at = new Date().toISOString();
    const batch: Batch = {
      batchId,
      scheme: 'rural-reward',
      period: '2026-11',
      region: '330106',
      state,
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

  const reservation = (l: PaymentLine): PaymentReservation => ({
    batchId: l.batchId,
    lineId: l.lineId,
    paymentKey: l.paymentKey,
    attempt: l.attempt,
    amountFen: l.amountFen,
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

  it('reserves payment keys without writing the lines; a taken key answers false, the same attempt again true', async () => {
    const batchId = await newBatch('disbursing');
    const lines = Array.from({ length: 120 }, (_, n) => line(batchId, n));
    await batches.addLines(lines.map((l) => ({ line: l })));
    // Another batch has reserved the keys of every tenth line already.
    const otherBatch = await newBatch('disbursing');
    const taken = lines.filter((_, k) => k % 10 === 3);
    const rivals = taken.map((l, k) => line(otherBatch, k, { paymentKey: l.paymentKey }));
    await batches.addLines(rivals.map((l) => ({ line: l })));
    expect(await batches.reservePayments(rivals.map(reservation))).toEqual(rivals.map(() => true));
    // And one line of this batch was reserved already, by a step that crashed after it.
    const early = lines[57] as PaymentLine;
    expect(await batches.reservePayments([reservation(early)])).toEqual([true]);

    const answers = await batches.reservePayments(lines.map(reservation));
    expect(answers).toEqual(lines.map((l) => !taken.includes(l)));
    for (const l of taken) expect((await batches.findPayment(l.paymentKey))?.batchId).toBe(otherBatch);
    const first = lines[0] as PaymentLine;
    expect(await batches.findPayment(first.paymentKey)).toMatchObject({ batchId, lineId: first.lineId });
    // Until every line is reserved the lines read pending; then the waiting ones read sent.
    expect((await batches.findLine(batchId, first.lineId))?.state).toBe('pending');
    await batches.markSent(batchId, new Date().toISOString());
    expect((await batches.findLine(batchId, first.lineId))?.state).toBe('sent');
    const sentPage = await batches.lines(batchId, { limit: 200, state: 'sent' });
    expect(sentPage.items).toHaveLength(120);
    expect(await batches.lines(batchId, { limit: 200, state: 'pending' })).toEqual({ items: [] });
    // Sent lines stay in the pending bucket until the bank answers.
    const ledger = await ledgerOf(batchId);
    expect(ledger.pending).toEqual({ count: 120, sumFen: sum(lines) });
    expect(ledgerBalances(ledger)).toBe(true);
  });

  it('two lines with one payment key in a call: the key is reserved once, for the first', async () => {
    const batchId = await newBatch('disbursing');
    const a = line(batchId, 1);
    const b = line(batchId, 2, { paymentKey: a.paymentKey });
    const c = line(batchId, 3);
    await batches.addLines([a, b, c].map((l) => ({ line: l })));
    expect(await batches.reservePayments([a, b, c].map(reservation))).toEqual([true, false, true]);
    expect(await batches.findPayment(a.paymentKey)).toMatchObject({ lineId: a.lineId });
  });

  it('settles: failures written per line, the paid ones by one header write; the same outcomes again change nothing', async () => {
    const batchId = await newBatch('disbursing');
    const lines = Array.from({ length: 90 }, (_, n) => line(batchId, n));
    await batches.addLines(lines.map((l) => ({ line: l })));
    await batches.reservePayments(lines.map(reservation));
    await batches.markSent(batchId, new Date().toISOString());
    const failure = (l: PaymentLine, from: 'sent' | 'paid'): LineMove => ({
      batchId,
      lineId: l.lineId,
      from,
      to: 'failed',
      amountFen: l.amountFen,
      patch: { failure: { code: 'AC04', returned: from === 'paid' } },
      paymentFailed: { paymentKey: l.paymentKey },
      openItem: {
        scheme: l.scheme,
        region: l.region,
        period: l.period,
        enrollmentId: l.enrollmentId,
        batchId,
        lineId: l.lineId,
        reason: 'failed',
      },
    });
    const failed = lines.filter((_, k) => k % 3 === 0);
    const paid = lines.filter((_, k) => k % 3 !== 0);
    const moves = failed.map((l) => failure(l, 'sent'));
    expect(await batches.moveLines(moves)).toEqual(failed.map(() => true));
    const tally = { count: paid.length, sumFen: sum(paid) };
    // The pending ledger must be exactly what is settled.
    expect(await batches.settle(batchId, { count: tally.count - 1, sumFen: tally.sumFen }, 'x')).toBe(false);
    expect(await batches.settle(batchId, tally, new Date().toISOString())).toBe(true);
    const ledger = await ledgerOf(batchId);
    expect(ledger.paid).toEqual(tally);
    expect(ledger.failed).toEqual({ count: failed.length, sumFen: sum(failed) });
    expect(ledger.pending).toEqual({ count: 0, sumFen: 0 });
    expect((await batches.findLine(batchId, (paid[0] as PaymentLine).lineId))?.state).toBe('paid');
    expect((await batches.findPayment((failed[0] as PaymentLine).paymentKey))?.state).toBe('failed');
    // A paid payment keeps its reservation: its key stays taken.
    expect((await batches.findPayment((paid[0] as PaymentLine).paymentKey))?.state).toBe('reserved');
    // The same report imported again: every move finds its line moved, the batch settled.
    expect(await batches.moveLines(moves)).toEqual(failed.map(() => false));
    expect(await batches.settle(batchId, tally, new Date().toISOString())).toBe(false);
    // A stale reading of a paid line as sent is refused; read as paid, it is returned.
    const returned = paid[0] as PaymentLine;
    expect(await batches.moveLine(failure(returned, 'sent'))).toBe(false);
    expect(await ledgerOf(batchId)).toEqual(ledger);
    expect(await batches.moveLine(failure(returned, 'paid'))).toBe(true);
    const after = await ledgerOf(batchId);
    expect(after.paid.count).toBe(tally.count - 1);
    expect(after.failed.count).toBe(failed.length + 1);
    expect(ledgerBalances(after)).toBe(true);
  });
});
