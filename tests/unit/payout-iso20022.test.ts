import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  buildPain001,
  ControlTotalsError,
  type CreditTransferFile,
  decimalToFen,
  fenToDecimal,
  parsePain002,
  writePain001,
} from '../../functions/payout/domain/iso20022';

import { endToEndIdOf } from '../../functions/payout/domain/planning';
import { writeStatusReport } from '../../local/bank/bank-xml';
import { xsdErrors } from '../../local/bank/xsd';

const sample = (name: string) =>
  readFileSync(new URL(`../../local/bank/iso20022/samples/${name}`, import.meta.url), 'utf8');

const file = (amounts: number[]): CreditTransferFile => ({
  messageId: '01JD0000000000000000000000',
  createdAt: '2026-11-22T10:00:00',
  executionDate: '2026-11-22',
  debtor: { name: '浙江省奖励扶助资金专户', accountNumber: '1202000009000033001', bankCode: '999331000001' },
  transfers: amounts.map((amountFen, i) => ({
    endToEndId: endToEndIdOf(`rural-reward#2026-11#person-${i}`, 1),
    amountFen,
    creditorName: i % 2 ? '王秀英' : "O'Brien & <Sons>",
    creditorAccount: `62284800${String(i).padStart(11, '0')}`,
    creditorBankCode: '999331000002',
    remittance: 'rural-reward 2026-11',
  })),
});

describe('amounts: integer fen to ISO decimal and back', () => {
  it('round-trips every amount exactly, without floating point', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 15 }), (fen) => {
        expect(decimalToFen(fenToDecimal(fen))).toBe(fen);
      }),
    );
    expect(fenToDecimal(12_345)).toBe('123.45');
    expect(fenToDecimal(5)).toBe('0.05');
    expect(decimalToFen('120')).toBe(12_000);
    expect(decimalToFen('0.5')).toBe(50);
  });

  it('refuses fractions of fen and negative or fractional input', () => {
    expect(() => decimalToFen('1.005')).toThrow();
    expect(() => fenToDecimal(1.5)).toThrow();
    expect(() => fenToDecimal(-1)).toThrow();
  });
});

describe('pain.001.001.09 credit transfer files', () => {
  it('are valid against the published schema, CNY with Othr/Id accounts, escaping names', async () => {
    const xml = await buildPain001(file([12_000, 8_000, 1]));
    expect(await xsdErrors('pain.001.001.09', xml)).toEqual([]);
    expect(xml).toContain('<InstdAmt Ccy="CNY">120.00</InstdAmt>');
    expect(xml).toContain('<Othr><Id>6228480000000000001</Id></Othr>');
    expect(xml).toContain('O&apos;Brien &amp; &lt;Sons&gt;');
  });

  it('carry a control sum equal to the sum of their amounts, for any amounts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 10 ** 9 }), { minLength: 1, maxLength: 30 }),
        async (amounts) => {
          const read = new XMLParser({ parseTagValue: false }).parse(await buildPain001(file(amounts)));
          const ctrl = String(read.Document.CstmrCdtTrfInitn.GrpHdr.CtrlSum);
          expect(decimalToFen(ctrl)).toBe(amounts.reduce((a, b) => a + b, 0));
        },
      ),
    );
  });

  it('are never written without a transfer: the schema wants at least one', async () => {
    await expect(buildPain001(file([]))).rejects.toThrow(/at least one transfer/);
  });

  it('are written a group of transfers at a time, into the same bytes as the whole file', async () => {
    const whole = file([12_000, 8_000, 1, 500, 7]);
    const { transfers, ...rest } = whole;
    const header = { ...rest, count: 5, sumFen: 20_508 };
    let streamed = '';
    for await (const chunk of writePain001(header, [transfers.slice(0, 2), [], transfers.slice(2)]))
      streamed += chunk;
    expect(streamed).toBe(await buildPain001(whole));
    expect(await xsdErrors('pain.001.001.09', streamed)).toEqual([]);
  });

  it('fail at the end when the transfers do not add up to the header, before the document is closed', async () => {
    const { transfers, ...rest } = file([12_000, 8_000]);
    const written: string[] = [];
    const writing = (async () => {
      for await (const chunk of writePain001({ ...rest, count: 3, sumFen: 20_000 }, [transfers]))
        written.push(chunk);
    })();
    await expect(writing).rejects.toBeInstanceOf(ControlTotalsError);
    expect(written.join('')).not.toContain('</Document>');
  });

  it('the schema check is real: a wrong currency code and an over-long account are refused', async () => {
    const xml = await buildPain001(file([100]));
    expect(await xsdErrors('pain.001.001.09', xml.replace('Ccy="CNY"', 'Ccy="CN"'))).not.toEqual([]);
    expect(
      await xsdErrors('pain.001.001.09', xml.replace('6228480000000000000', '6'.repeat(35))),
    ).not.toEqual([]);
  });

  it('end-to-end ids are at most 35 characters, stable, and differ by attempt', () => {
    const a = endToEndIdOf('rural-reward#2026-11#01JD0000000000000000000000', 1);
    expect(a.length).toBeLessThanOrEqual(35);
    expect(endToEndIdOf('rural-reward#2026-11#01JD0000000000000000000000', 1)).toBe(a);
    expect(endToEndIdOf('rural-reward#2026-11#01JD0000000000000000000000', 2)).not.toBe(a);
  });
});

describe('pain.002.001.10 status reports', () => {
  it('reads a bank rejection with its reason code', async () => {
    const xml = sample('pain.002.001.10-CNY-othr.xml');
    expect(await xsdErrors('pain.002.001.10', xml)).toEqual([]);
    expect(parsePain002(xml)).toEqual({
      messageId: 'STS-20240115-0001',
      originalMessageId: 'MSG-20240115-0001',
      transactions: [
        { endToEndId: 'E2E-20240115-0001', status: 'RJCT', outcome: 'rejected', reasonCode: 'AC01' },
      ],
    });
  });

  it('the reports the simulator writes are valid and read back', async () => {
    const xml = writeStatusReport({
      messageId: 'STS-1',
      createdAt: '2026-11-22T10:00:01',
      originalMessageId: '01JD0000000000000000000000',
      bankCode: '999000000001',
      transactions: [
        { endToEndId: 'A-1', status: 'ACSC' },
        { endToEndId: 'B-1', status: 'RJCT', reasonCode: 'AC04' },
        { endToEndId: 'C-1', status: 'ACSP' },
      ],
    });
    expect(await xsdErrors('pain.002.001.10', xml)).toEqual([]);
    expect(parsePain002(xml).transactions.map((t) => t.outcome)).toEqual(['paid', 'rejected', 'pending']);
  });

  it('refuses other documents, DOCTYPEs and malformed XML', () => {
    expect(() => parsePain002(sample('pain.001.001.09-CNY-othr.xml'))).toThrow(/not a pain.002/);
    expect(() => parsePain002('<!DOCTYPE x [<!ENTITY a "b">]><Document/>')).toThrow(/DOCTYPE/);
    expect(() => parsePain002('<Document><a></Document>')).toThrow();
  });
});
