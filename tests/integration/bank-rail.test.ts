import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BankRailError, httpBankRail } from '../../functions/payout/adapters/http-bank-rail';
import type { FileText } from '../../functions/payout/domain/bank-rail';
import { verifiedReport } from '../../functions/payout/domain/disburse';
import { buildPain001, type CreditTransferFile } from '../../functions/payout/domain/iso20022';
import { endToEndIdOf } from '../../functions/payout/domain/planning';
import { type BankSimulator, startBankSimulator } from '../../local/bank/simulator';
import { newUlid } from '../../shared/domain/ids';
import { type BankCustomer, bankCustomer } from '../support/bank';

/** A small, valid payment file under a fresh message id, and its text as the rail takes it. */
const file = async (): Promise<{ id: string; xml: string; text: FileText }> => {
  const id = newUlid();
  const transfers: CreditTransferFile['transfers'] = [0, 1, 2].map((i) => ({
    endToEndId: endToEndIdOf(`rural-reward#2026-11#${id}-${i}`, 1),
    amountFen: 12_000,
    creditorName: '王秀英',
    creditorAccount: `62284800${String(i).padStart(11, '0')}`,
    creditorBankCode: '999331000002',
    remittance: 'rural-reward 2026-11',
  }));
  const xml = await buildPain001({
    messageId: id,
    createdAt: '2026-11-22T10:00:00',
    executionDate: '2026-11-22',
    debtor: {
      name: '浙江省奖励扶助资金专户',
      accountNumber: '1202000009000033001',
      bankCode: '999331000001',
    },
    transfers,
  });
  return { id, xml, text: () => [xml] };
};

describe('the bank channel: mutual TLS, timeouts, bounded retries, no redirects', () => {
  let bank: BankSimulator;
  let customer: BankCustomer;
  const posts = () => bank.requests.get('POST /pain001') ?? 0;
  const settledOf = (id: string) => bank.settlements.filter((s) => s.messageId === id).length;

  beforeAll(async () => {
    bank = await startBankSimulator();
    customer = await bankCustomer(bank, 'jiahe-33');
  });

  afterAll(async () => {
    await bank.stop();
  });

  it('sends a file over mutual TLS and gets a report the bank signed', async () => {
    const { id, text } = await file();
    const answer = await customer.rail.submit(id, text);
    const report = await verifiedReport(customer.trust, answer, new Date());
    expect(report.originalMessageId).toBe(id);
    expect(report.transactions.map((t) => t.outcome)).toEqual(['paid', 'paid', 'paid']);
    expect(settledOf(id)).toBe(3);
  });

  it('sends a file as it is written, a piece at a time, and the bank reads the same file', async () => {
    const { id, xml } = await file();
    // Pieces of 7 characters: many small writes, none of them on an element boundary.
    const pieces = xml.match(/[\s\S]{1,7}/g) ?? [];
    async function* written() {
      for (const piece of pieces) yield piece;
    }
    const answer = await customer.rail.submit(id, written);
    expect((await verifiedReport(customer.trust, answer, new Date())).transactions).toHaveLength(3);
    expect(bank.files.get(id)).toBe(xml);
  });

  it('ends the upload when the file fails while being written: the writer error, not retried, nothing settled', async () => {
    const { id, xml } = await file();
    const before = posts();
    const broken = new Error('the lines could not be read');
    async function* halfWritten() {
      yield xml.slice(0, 600);
      throw broken;
    }
    const error = await customer.rail.submit(id, halfWritten).catch((e: unknown) => e);
    expect(error).toBe(broken);
    expect(posts() - before).toBeLessThanOrEqual(1);
    expect(settledOf(id)).toBe(0);
    expect(bank.files.has(id)).toBe(false);
  });

  it('retries a bank that is briefly unavailable, and the file is settled once', async () => {
    const { id, text } = await file();
    const before = posts();
    bank.faults.unavailable = 2;
    await customer.rail.submit(id, text);
    expect(posts() - before).toBe(3);
    expect(settledOf(id)).toBe(3);
  });

  it('gives up after a bounded number of attempts', async () => {
    const { id, text } = await file();
    const before = posts();
    bank.faults.unavailable = 10;
    const rail = httpBankRail({ url: bank.url, channel: customer.channel, attempts: 3, backoffMs: 1 });
    const error = await rail.submit(id, text).catch((e: unknown) => e);
    bank.faults.unavailable = 0;
    expect(error).toBeInstanceOf(BankRailError);
    expect((error as BankRailError).retryable).toBe(true);
    expect(posts() - before).toBe(3);
    expect(settledOf(id)).toBe(0);
  });

  it('times out a bank that accepts and never answers, then retries the same file id', async () => {
    // A bank of the same CA that skips the schema check answers at once, so only the stalled attempt times out.
    const quick = await startBankSimulator({ pki: bank.pki, validate: false });
    try {
      const { id, text } = await file();
      quick.faults.stall = 1;
      const rail = httpBankRail({
        url: quick.url,
        channel: customer.channel,
        idleTimeoutMs: 500,
        backoffMs: 1,
      });
      await rail.submit(id, text);
      expect(quick.requests.get('POST /pain001')).toBe(2);
      expect(quick.settlements.filter((s) => s.messageId === id)).toHaveLength(3);
    } finally {
      await quick.stop();
    }
  });

  it('refuses a redirect: not followed, not retried', async () => {
    const { id, text } = await file();
    const before = posts();
    bank.faults.redirect = 1;
    const error = await customer.rail.submit(id, text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BankRailError);
    expect((error as BankRailError).message).toMatch(/redirect \(HTTP 307\): refused/);
    expect((error as BankRailError).retryable).toBe(false);
    expect(posts() - before).toBe(1);
    expect(settledOf(id)).toBe(0);
  });

  it('the simulator catches a file whose control totals do not add up, with its own reading; a 4xx is not retried', async () => {
    const { id, xml } = await file();
    const before = posts();
    const wrong = xml.replace(/<CtrlSum>360\.00<\/CtrlSum>/, '<CtrlSum>360.01</CtrlSum>');
    const error = await customer.rail.submit(id, () => [wrong]).catch((e: unknown) => e);
    expect((error as BankRailError).status).toBe(400);
    expect(posts() - before).toBe(1);
    expect(settledOf(id)).toBe(0);
  });

  it('refuses a server whose certificate the bank CA did not issue (an impostor bank), without retrying', async () => {
    const impostor = await startBankSimulator();
    try {
      const rail = httpBankRail({ url: impostor.url, channel: customer.channel, backoffMs: 1 });
      const { id, text } = await file();
      const error = await rail.submit(id, text).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BankRailError);
      expect((error as BankRailError).retryable).toBe(false);
      expect(impostor.files.size).toBe(0);
      expect(impostor.requests.size).toBe(0);
    } finally {
      await impostor.stop();
    }
  });

  it('accepts only an https bank URL', () => {
    expect(() =>
      httpBankRail({ url: bank.url.replace('https:', 'http:'), channel: customer.channel }),
    ).toThrow(/must be https/);
  });
});
