import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyBatchCommand,
  type Batch,
  bucketOf,
  EMPTY_LEDGER,
  lineStateIn,
  type PaymentLine,
} from '../../functions/payout/domain/batch';
import type { BatchRepository, LineMove } from '../../functions/payout/domain/ports';
import { buildBankReports } from '../../functions/payout/handlers/bank-reports';
import { writeStatusReport } from '../../local/bank/bank-xml';
import { type BankSimulator, startBankSimulator } from '../../local/bank/simulator';
import { type BankCustomer, bankCustomer } from '../support/bank';
import { quietObservability } from '../support/lambda';

const SIZE = 100_000;
const REJECTED = 1_000;
const BATCH = '01JF00000000000000000000AA';

/**
 * The batch repository in memory. A stand-in on purpose: DynamoDB Local writes a few
 * thousand items a second on this machine, so 100,000 lines would turn this test about the
 * streamed report into minutes of seeding. The DynamoDB repository's moves are covered by
 * the disbursement tests; the conditional semantics (a move applies only from its `from`
 * state, the ledger moves with it) are kept here.
 */
function memoryBatches(batch: Batch, lines: PaymentLine[]) {
  let header = batch;
  const byId = new Map(lines.map((l) => [l.lineId, l]));
  const ordered = [...byId.keys()].sort();
  // A line as its batch reads it, as the DynamoDB repository reads it.
  const read = (line: PaymentLine): PaymentLine => ({ ...line, state: lineStateIn(header, line.state) });
  const unused = (name: string) => () => {
    throw new Error(`${name} is not used by a status report import`);
  };
  const repo: BatchRepository = {
    find: async (id) => (id === header.batchId ? header : undefined),
    saveState: async (next, expected) => {
      if (header.state !== expected) throw new Error('stale');
      header = { ...next, ledger: header.ledger };
    },
    lines: async (_id, query) => {
      const start = query.cursor ? Number(query.cursor) : 0;
      const items: PaymentLine[] = [];
      let i = start;
      for (; i < ordered.length && items.length < query.limit; i++) {
        const line = read(byId.get(ordered[i] as string) as PaymentLine);
        if (!query.state || line.state === query.state) items.push(line);
      }
      return { items, ...(i < ordered.length ? { cursor: String(i) } : {}) };
    },
    moveLines: async (moves: readonly LineMove[]) =>
      moves.map((move) => {
        const line = byId.get(move.lineId);
        if (!line || read(line).state !== move.from) return false;
        byId.set(move.lineId, { ...line, ...move.patch, state: move.to });
        const from = bucketOf(move.from);
        const to = bucketOf(move.to);
        header = {
          ...header,
          ledger: {
            ...header.ledger,
            [from]: {
              count: header.ledger[from].count - 1,
              sumFen: header.ledger[from].sumFen - move.amountFen,
            },
            [to]: { count: header.ledger[to].count + 1, sumFen: header.ledger[to].sumFen + move.amountFen },
          },
        };
        return true;
      }),
    settle: async (_id, paid, at) => {
      const { pending } = header.ledger;
      if (header.settledAt || pending.count !== paid.count || pending.sumFen !== paid.sumFen) return false;
      const { ledger } = header;
      header = {
        ...header,
        settledAt: at,
        ledger: {
          ...ledger,
          pending: EMPTY_LEDGER.pending,
          paid: { count: ledger.paid.count + paid.count, sumFen: ledger.paid.sumFen + paid.sumFen },
        },
      };
      return true;
    },
    reservePayments: unused('reservePayments'),
    saveReservedThrough: unused('saveReservedThrough'),
    markSent: unused('markSent'),
    claimKey: unused('claimKey'),
    findByKey: unused('findByKey'),
    createHeader: unused('createHeader'),
    acquireLease: unused('acquireLease'),
    releaseLease: unused('releaseLease'),
    releaseKey: unused('releaseKey'),
    addLine: unused('addLine'),
    addLines: unused('addLines'),
    moveLine: unused('moveLine'),
    findLine: unused('findLine'),
    linesOfEnrollment: unused('linesOfEnrollment'),
    findPayment: unused('findPayment'),
    openItems: unused('openItems'),
    list: unused('list'),
    page: unused('page'),
    findPayments: unused('findPayments'),
  };
  return { repo, states: () => [...byId.values()].map((l) => read(l).state) };
}

describe('a status report of 100,000 transactions, streamed over the bank channel', () => {
  let bank: BankSimulator;
  let customer: BankCustomer;

  beforeAll(async () => {
    bank = await startBankSimulator({ validate: false });
    customer = await bankCustomer(bank, 'jiahe-33');
  });

  afterAll(async () => {
    await bank.stop();
  });

  it('imports, every line settled, the batch reconciled', { timeout: 300_000 }, async () => {
    const at = '2026-12-01T02:00:00.000Z';
    const lines: PaymentLine[] = Array.from({ length: SIZE }, (_, i) => {
      const n = String(i).padStart(6, '0');
      return {
        batchId: BATCH,
        lineId: `E${n}#2026-11`,
        enrollmentId: `E${n}`,
        personId: `P${n}`,
        scheme: 'rural-reward',
        period: '2026-11',
        region: '330106',
        amountFen: 12_000,
        // Reserved and sent: a stored line stays pending, the batch's `sentAt` makes it sent.
        state: 'pending',
        paymentKey: `rural-reward#2026-11#P${n}`,
        attempt: 1,
        endToEndId: `JH${n}`,
        reasons: [],
        updatedAt: at,
      };
    });
    const total = { count: SIZE, sumFen: SIZE * 12_000 };
    const planned: Batch = {
      batchId: BATCH,
      scheme: 'rural-reward',
      period: '2026-11',
      region: '330000',
      state: 'planned',
      ruleVersion: 2,
      control: total,
      ledger: { ...EMPTY_LEDGER, planned: total, pending: total },
      plannedBy: 'officer-1',
      version: 1,
      createdAt: at,
      updatedAt: at,
      actions: [],
    };
    const submitted = applyBatchCommand(planned, 'submit', { by: 'officer-1', at: new Date(at) });
    const approved = applyBatchCommand(submitted, 'approve', { by: 'approver-2', at: new Date(at) });
    const { repo, states } = memoryBatches({ ...approved, state: 'disbursing', sentAt: at }, lines);

    // The bank's report, written by the simulator's own XML library: every 100th transfer rejected.
    const document = writeStatusReport({
      messageId: `STS-${BATCH}`,
      createdAt: '2026-12-01T10:00:00',
      originalMessageId: BATCH,
      bankCode: '999000000001',
      transactions: lines.map((l, i) =>
        i % (SIZE / REJECTED) === 0
          ? { endToEndId: l.endToEndId, status: 'RJCT', reasonCode: 'AC04' }
          : { endToEndId: l.endToEndId, status: 'ACSC' },
      ),
    });
    expect(document.length).toBeGreaterThan(60_000 * 50);
    bank.publishReport('jiahe-33', document);
    let cursor = 0;
    const importer = buildBankReports({
      rail: customer.rail,
      trust: customer.trust,
      batches: repo,
      cursor: {
        get: async () => cursor,
        set: async (seq) => {
          cursor = seq;
        },
      },
      // The signer's certificate was made just now, valid a day either side: the clock it is checked at.
      now: () => new Date(),
      observability: quietObservability(),
    });
    expect(await importer()).toEqual({ imported: 1, refused: 0 });
    const batch = (await repo.find(BATCH)) as Batch;
    expect(batch.state).toBe('reconciled');
    expect(batch.ledger.paid).toEqual({ count: SIZE - REJECTED, sumFen: (SIZE - REJECTED) * 12_000 });
    expect(batch.ledger.failed).toEqual({ count: REJECTED, sumFen: REJECTED * 12_000 });
    expect(batch.ledger.pending.count).toBe(0);
    const counted = states();
    expect(counted.filter((s) => s === 'paid')).toHaveLength(SIZE - REJECTED);
    expect(counted.filter((s) => s === 'failed')).toHaveLength(REJECTED);
    // Imported again, the same report changes nothing.
    bank.publishReport('jiahe-33', document);
    expect(await importer()).toEqual({ imported: 1, refused: 0 });
    expect(((await repo.find(BATCH)) as Batch).ledger).toEqual(batch.ledger);
  });
});
