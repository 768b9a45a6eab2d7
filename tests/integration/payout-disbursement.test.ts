import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getScheme } from '../../functions/payout/config/schemes';
import type { BankRail, SignedReport } from '../../functions/payout/domain/bank-rail';
import { applyBatchCommand, type Batch, ledgerBalances } from '../../functions/payout/domain/batch';
import { commandBatch } from '../../functions/payout/domain/batch-service';
import {
  type DisbursePorts,
  disburseBatch,
  importStatusReport,
  paymentFileOf,
} from '../../functions/payout/domain/disburse';
import { applyDeath } from '../../functions/payout/domain/enrollment';
import { planBatch } from '../../functions/payout/domain/plan-batch';
import type { BatchRepository } from '../../functions/payout/domain/ports';
import { buildBankReports } from '../../functions/payout/handlers/bank-reports';
import { writeStatusReport } from '../../local/bank/bank-xml';
import { type BankSimulator, startBankSimulator } from '../../local/bank/simulator';
import { ConflictError, NothingToPayError } from '../../shared/domain/errors';
import { newUlid } from '../../shared/domain/ids';
import { type BankCustomer, bankCustomer } from '../support/bank';
import { provisionForTest } from '../support/local-aws';
import {
  accountFor,
  activeEnrollment,
  payoutRepos,
  ruralParent,
  TEST_ACCOUNTS,
  twoDaughterHousehold,
} from '../support/payout-fixtures';

const DEBTOR = {
  name: '浙江省奖励扶助资金专户',
  accountNumber: '1202000009000033001',
  bankCode: '999331000001',
};
const scheme = getScheme('rural-reward');

/** A crash: thrown before or after the real call, as a process killed at that point would leave things. */
class InjectedCrash extends Error {}

/**
 * Wraps every method of an object so that each call may crash before it runs or after
 * it completed (its effect stored, its answer lost), with a seeded pseudo-random choice.
 */
function crashing<T extends object>(target: T, random: () => number, rate: number): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (random() < rate / 2) throw new InjectedCrash(`crash before ${String(prop)}`);
        const result = await value.apply(obj, args);
        if (random() < rate / 2) throw new InjectedCrash(`crash after ${String(prop)}`);
        return result;
      };
    },
  });
}

/** A small deterministic generator (mulberry32), so a failing seed can be replayed. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('payout batches: plan, approve, disburse through the bank simulator, reconcile', () => {
  let repos: ReturnType<typeof payoutRepos>;
  let bank: BankSimulator;
  const people: string[] = [];
  const enrollments: string[] = [];

  const customers = new Map<BankSimulator, BankCustomer>();
  const rail = (simulator: BankSimulator): BankRail => {
    const customer = customers.get(simulator);
    if (!customer) throw new Error('not a customer of this bank');
    return customer.rail;
  };

  const ports = (batches: BatchRepository, bankRail: BankRail): DisbursePorts => ({
    batches,
    enrollments: repos.enrollments,
    accounts: TEST_ACCOUNTS,
    rail: bankRail,
    debtor: DEBTOR,
    trust: (customers.get(bank) as BankCustomer).trust,
    now: () => new Date(),
  });

  const approve = async (batch: Batch): Promise<Batch> => {
    const submitted = applyBatchCommand(batch, 'submit', { by: 'officer-1', at: new Date() });
    await repos.batches.saveState(submitted, 'planned');
    const approved = applyBatchCommand(submitted, 'approve', { by: 'approver-2', at: new Date() });
    await repos.batches.saveState(approved, 'submitted');
    return approved;
  };

  const plan = (period: string, region = '330000') =>
    planBatch(repos, { scheme, period, region, by: 'officer-1', at: new Date(), newId: () => newUlid() });

  beforeAll(async () => {
    const { aws, resources } = await provisionForTest('41');
    repos = payoutRepos(aws, resources.tables.payout);
    bank = await startBankSimulator();
    customers.set(bank, await bankCustomer(bank));
    for (let i = 0; i < 12; i++) {
      const personId = newUlid();
      people.push(personId);
      await repos.projection.saveIfNewer(ruralParent(personId));
      await repos.projection.saveHouseholdIfNewer(twoDaughterHousehold(personId));
      const enrollment = await activeEnrollment({
        personId,
        scheme: scheme.code,
        fromPeriod: '2026-01',
        account: accountFor(i),
      });
      await repos.enrollments.create(enrollment);
      enrollments.push(enrollment.enrollmentId);
    }
  });

  afterAll(async () => {
    await bank.stop();
  });

  // Eight batches, each disbursed through hundreds of crashes against a schema-checking bank: slow on a busy machine.
  it('killed at random points and run again, disbursement pays each beneficiary exactly once and the ledger balances', {
    timeout: 180_000,
  }, async () => {
    // Each period is a fresh batch; crashes hit every repository call and the bank call.
    const periods = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08'];
    for (const [n, period] of periods.entries()) {
      const random = seeded(1000 + n);
      const batch = await approve(await plan(period));
      expect(batch.control).toEqual({ count: 12, sumFen: 12 * 12_000 });
      // Lines move many to a repository call, so a disbursement makes few calls: each crashes often.
      const flaky = ports(crashing(repos.batches, random, 0.3), crashing(rail(bank), random, 0.3));
      let crashes = 0;
      let result: Batch | undefined;
      for (let attempt = 0; attempt < 500 && result?.state !== 'reconciled'; attempt++) {
        try {
          result = await disburseBatch(flaky, batch.batchId);
        } catch (error) {
          if (!(error instanceof InjectedCrash)) throw error;
          crashes++;
        }
      }
      const final = (await repos.batches.find(batch.batchId)) as Batch;
      expect(final.state).toBe('reconciled');
      expect(crashes).toBeGreaterThan(0);
      expect(ledgerBalances(final.ledger)).toBe(true);
      expect(final.ledger.paid).toEqual({ count: 12, sumFen: 144_000 });
      // The bank credited each beneficiary once for this period, whatever was re-sent.
      const credited = bank.settlements.filter((s) => s.messageId === batch.batchId);
      expect(credited).toHaveLength(12);
      expect(new Set(credited.map((s) => s.account)).size).toBe(12);
    }
    expect(bank.settlements).toHaveLength(12 * periods.length);
  });

  it('a batch planned after the same people were paid holds them at planning: its totals leave them out, and it ends with nothing to pay', async () => {
    const first = await approve(await plan('2026-09'));
    await disburseBatch(ports(repos.batches, rail(bank)), first.batchId);
    // The county's own batch for the same month overlaps the province's.
    const planned = await plan('2026-09', '330106');
    expect(planned.control).toEqual({ count: 0, sumFen: 0 });
    expect(planned.ledger.held.count).toBe(12);
    const lines = await repos.batches.lines(planned.batchId, { limit: 100 });
    expect(new Set(lines.items.map((l) => l.holdReason))).toEqual(new Set(['already-paid']));
    const filesBefore = bank.files.size;
    const done = (await disburseBatch(
      ports(repos.batches, rail(bank)),
      (
        await approve(planned)
      ).batchId,
    )) as Batch;
    expect(done.state).toBe('nothing-to-pay');
    expect(done.ledger.paid.count).toBe(0);
    expect(ledgerBalances(done.ledger)).toBe(true);
    // No file without a transfer goes to the bank, and none can be made.
    expect(bank.files.size).toBe(filesBefore);
    expect(() => paymentFileOf(ports(repos.batches, rail(bank)), done)).toThrow(NothingToPayError);
  });

  it('a batch planned before an overlapping one paid holds those lines when it disburses', async () => {
    const province = await approve(await plan('2027-04'));
    const county = await approve(await plan('2027-04', '330106'));
    expect(county.control.count).toBe(12);
    await disburseBatch(ports(repos.batches, rail(bank)), province.batchId);
    const done = (await disburseBatch(ports(repos.batches, rail(bank)), county.batchId)) as Batch;
    expect(done.state).toBe('nothing-to-pay');
    expect(done.ledger.held.count).toBe(12);
    expect(ledgerBalances(done.ledger)).toBe(true);
    expect(bank.settlements.filter((s) => s.messageId === county.batchId)).toHaveLength(0);
  });

  it('a duplicate disbursement command waits while another worker holds the batch', async () => {
    const batch = await approve(await plan('2027-06'));
    const [first, second] = await Promise.all([
      disburseBatch(ports(repos.batches, rail(bank)), batch.batchId, 'message-1'),
      disburseBatch(ports(repos.batches, rail(bank)), batch.batchId, 'message-2'),
    ]);
    const states = [first?.state, second?.state].sort();
    // One worker reconciled the batch; the other found it held and left it alone.
    expect(states).toContain('reconciled');
    const final = (await repos.batches.find(batch.batchId)) as Batch;
    expect(final.ledger.paid.count).toBe(final.control.count);
    expect(bank.settlements.filter((s) => s.messageId === batch.batchId)).toHaveLength(final.control.count);
  });

  it('planning again finds the same batch; control totals equal the payment file', async () => {
    const a = await plan('2026-10');
    const b = await plan('2026-10');
    expect(b.batchId).toBe(a.batchId);
    const approved = await approve(a);
    await disburseBatch(ports(repos.batches, rail(bank)), approved.batchId);
    const file = bank.files.get(approved.batchId) ?? '';
    expect(file).toContain(`<NbOfTxs>${a.control.count}</NbOfTxs>`);
    expect(file).toContain(`<CtrlSum>${(a.control.sumFen / 100).toFixed(2)}</CtrlSum>`);
  });

  it('a batch whose lines are still being reserved has no complete file; once sent, the file read again is the one the bank got', async () => {
    const approved = await approve(await plan('2027-07'));
    const early = paymentFileOf(ports(repos.batches, rail(bank)), approved);
    const read = async (text: AsyncIterable<string>) => {
      let xml = '';
      for await (const chunk of text) xml += chunk;
      return xml;
    };
    // Nothing is sent yet: the lines read fall short of the ledger, and the text fails before it closes.
    await expect(read(early.text())).rejects.toBeInstanceOf(ConflictError);
    const done = (await disburseBatch(ports(repos.batches, rail(bank)), approved.batchId)) as Batch;
    const file = paymentFileOf(ports(repos.batches, rail(bank)), done);
    const pages: number[] = [];
    expect(await read(file.text((lines) => pages.push(lines.length)))).toBe(bank.files.get(approved.batchId));
    expect(pages.reduce((a, b) => a + b, 0)).toBe(file.count);
  });

  it('rejected and returned payments fail, go on the retry list and are paid once in the next batch', async () => {
    const rejecting = await startBankSimulator({
      rejectionRate: 0.4,
      returnRate: 0.3,
      seed: 'retry',
      pki: bank.pki,
    });
    customers.set(rejecting, await bankCustomer(rejecting));
    try {
      const first = await approve(await plan('2026-11'));
      const afterFirst = (await disburseBatch(ports(repos.batches, rail(rejecting)), first.batchId)) as Batch;
      const rejected = afterFirst.ledger.failed.count;
      expect(rejected).toBeGreaterThan(0);
      // Returns come later: the scheduled import reads them from the bank and moves its cursor.
      let cursor = 0;
      const importer = buildBankReports({
        rail: rail(rejecting),
        trust: (customers.get(rejecting) as BankCustomer).trust,
        batches: repos.batches,
        cursor: {
          get: async () => cursor,
          set: async (seq) => {
            cursor = seq;
          },
        },
        now: () => new Date(),
      });
      expect((await importer()).imported).toBe(1);
      expect((await importer()).imported).toBe(0);
      const settled = (await repos.batches.find(first.batchId)) as Batch;
      expect(settled.ledger.failed.count).toBeGreaterThan(rejected);
      expect(ledgerBalances(settled.ledger)).toBe(true);
      const lines = (await repos.batches.lines(first.batchId, { limit: 100 })).items;
      expect(lines.some((l) => l.failure?.returned)).toBe(true);
      expect(lines.filter((l) => l.state === 'failed').every((l) => l.failure?.code)).toBe(true);
      // A cancelled batch gives back what it carried: planned again, December carries the same lines.
      const cancelled = await plan('2026-12');
      expect(cancelled.ledger.planned.count).toBeGreaterThan(12);
      await commandBatch(repos.batches, cancelled, 'cancel', {
        by: 'officer-1',
        at: new Date(),
        reason: '重新编制',
      });
      // The next month's batch carries every failed November line, on its second attempt, to a bank that pays.
      const next = await approve(await plan('2026-12'));
      expect(next.batchId).not.toBe(cancelled.batchId);
      const carried = (await repos.batches.lines(next.batchId, { limit: 100 })).items.filter(
        (l) => l.period === '2026-11',
      );
      expect(carried).toHaveLength(settled.ledger.failed.count);
      expect(carried.every((l) => l.attempt === 2 && l.carriedFrom === first.batchId)).toBe(true);
      const done = (await disburseBatch(ports(repos.batches, rail(bank)), next.batchId)) as Batch;
      expect(done.state).toBe('reconciled');
      expect(done.ledger.paid.count).toBe(12 + carried.length);
      // Exactly one successful payment per person for November, across both banks.
      const novemberKeys = [...lines.map((l) => l.paymentKey)];
      for (const key of novemberKeys) {
        const payment = await repos.batches.findPayment(key);
        // Reserved by the attempt that was paid, whose line reads paid.
        expect(payment?.state).toBe('reserved');
        const line = await repos.batches.findLine(payment?.batchId ?? '', payment?.lineId ?? '');
        expect(line?.state).toBe('paid');
      }
    } finally {
      await rejecting.stop();
    }
  });

  it('a deceased beneficiary is paid for the month of death and held for every month after', async () => {
    const personId = people[0] as string;
    const enrollment = await repos.enrollments.find(enrollments[0] as string);
    if (!enrollment) throw new Error('enrolment missing');
    await repos.projection.saveIfNewer(
      ruralParent(personId, { version: 2, alive: false, deathDate: '2027-01-20' }),
    );
    const suspended = applyDeath(enrollment, '2027-01-20', new Date());
    expect(suspended).toBeDefined();
    if (suspended) await repos.enrollments.save(suspended);
    const january = await approve(await plan('2027-01'));
    const february = await approve(await plan('2027-02'));
    const jan = (await repos.batches.lines(january.batchId, { limit: 100 })).items.find(
      (l) => l.personId === personId,
    );
    const feb = (await repos.batches.lines(february.batchId, { limit: 100 })).items.find(
      (l) => l.personId === personId,
    );
    expect(jan).toMatchObject({ state: 'pending' });
    expect(feb).toMatchObject({ state: 'held', holdReason: 'deceased' });
    const done = (await disburseBatch(ports(repos.batches, rail(bank)), february.batchId)) as Batch;
    expect(done.ledger.held.count).toBe(1);
    expect(done.ledger.paid.count).toBe(11);
    expect(ledgerBalances(done.ledger)).toBe(true);
    // A later batch leaves the hold on the list: the death does not clear.
    const march = await plan('2027-03');
    const lines = (await repos.batches.lines(march.batchId, { limit: 100 })).items.filter(
      (l) => l.personId === personId,
    );
    expect(lines.every((l) => l.state === 'held')).toBe(true);
  });

  it('a report answering part of the file writes its paid lines; the report answering the rest settles the batch in one write', async () => {
    const batch = await approve(await plan('2027-08'));
    // The beneficiary who died in January is held; the others are in the file.
    const lines = (await repos.batches.lines(batch.batchId, { limit: 100, state: 'pending' })).items;
    const ids = lines.map((l) => l.endToEndId);
    const report = (statuses: (id: string, k: number) => 'ACSC' | 'ACSP'): SignedReport => {
      const document = writeStatusReport({
        messageId: `STS-${newUlid()}`,
        createdAt: '2026-09-01T10:00:00',
        originalMessageId: batch.batchId,
        bankCode: '999000000001',
        transactions: ids.map((endToEndId, k) => ({ endToEndId, status: statuses(endToEndId, k) })),
      });
      return { document, signature: bank.signReport(document) };
    };
    // The bank takes the file, and at first settles only its first five transfers.
    const first = report((_, k) => (k < 5 ? 'ACSC' : 'ACSP'));
    const partial: BankRail = {
      ...rail(bank),
      submit: async (messageId, text) => {
        await rail(bank).submit(messageId, text);
        return first;
      },
    };
    const open = (await disburseBatch(ports(repos.batches, partial), batch.batchId)) as Batch;
    expect(open.state).toBe('disbursing');
    expect(open.settledAt).toBeUndefined();
    expect(open.ledger.paid.count).toBe(5);
    expect(open.ledger.pending.count).toBe(lines.length - 5);
    const states = async () =>
      (await repos.batches.lines(batch.batchId, { limit: 100 })).items
        .filter((l) => l.state !== 'held')
        .map((l) => l.state);
    expect(await states()).toEqual(ids.map((_, k) => (k < 5 ? 'paid' : 'sent')));

    // The next report answers every transfer: the rest are settled together.
    const whole = report(() => 'ACSC');
    const summary = await importStatusReport(ports(repos.batches, rail(bank)), whole, batch.batchId);
    expect(summary).toMatchObject({ paid: lines.length - 5, unchanged: 5, rejected: 0 });
    const done = (await repos.batches.find(batch.batchId)) as Batch;
    expect(done.state).toBe('reconciled');
    expect(done.settledAt).toBeDefined();
    expect(done.ledger.paid.count).toBe(lines.length);
    expect(ledgerBalances(done.ledger)).toBe(true);
    expect(await states()).toEqual(ids.map(() => 'paid'));
    // Imported again, it changes nothing.
    const again = await importStatusReport(ports(repos.batches, rail(bank)), whole, batch.batchId);
    expect(again).toMatchObject({ paid: 0, unchanged: lines.length });
    expect(await repos.batches.find(batch.batchId)).toEqual(done);
  });
});
