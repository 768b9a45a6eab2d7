import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BankChannelConfigurationError,
  parseBankChannel,
} from '../../functions/payout/adapters/bank-channel';
import { PayoutConfigurationError, parsePayoutConfiguration } from '../../functions/payout/config/deployment';
import { parsePain002 } from '../../functions/payout/domain/iso20022';
import { writeStatusReport } from '../../local/bank/bank-xml';
import { createLocalBankPki, issueClientCertificate } from '../../local/bank/certificates';
import { examplePayoutConfiguration } from '../../local/examples/payout-configuration';

describe('payout configuration (debtor account and schemes)', () => {
  it('the committed example files are the examples the local cloud uses, and valid', () => {
    for (const province of ['33', '51']) {
      const text = readFileSync(
        new URL(`../../docs/examples/payout-configuration.${province}.json`, import.meta.url),
        'utf8',
      );
      expect(JSON.parse(text)).toEqual(examplePayoutConfiguration(province));
      expect(parsePayoutConfiguration(text, province).debtor.accountNumber).toMatch(/^\d+$/);
    }
  });

  it('names every problem: shape, scheme rules, repeated codes, another province', () => {
    const example = examplePayoutConfiguration('33');
    const broken = {
      ...example,
      province: '51',
      debtor: { ...example.debtor, bankCode: '9993' },
      schemes: [...example.schemes, example.schemes[0]],
    };
    expect(() => parsePayoutConfiguration(JSON.stringify(broken), '33')).toThrow(/debtor\.bankCode/);
    const misplaced = { ...example, province: '51', schemes: [...example.schemes, example.schemes[0]] };
    const error = (() => {
      try {
        parsePayoutConfiguration(JSON.stringify(misplaced), '33');
      } catch (e) {
        return e as PayoutConfigurationError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(PayoutConfigurationError);
    expect(error?.problems).toEqual([
      'province: the configuration is for 51, this deployment is 33',
      'schemes: code rural-reward appears twice',
    ]);
    expect(() => parsePayoutConfiguration('{', '33')).toThrow(/not JSON/);
    expect(() => parsePayoutConfiguration(JSON.stringify({ ...example, schemes: [] }), '33')).toThrow(
      /schemes/,
    );
  });
});

describe('bank channel secrets, checked at start', () => {
  it('accepts a client certificate with its own key and the bank CA', async () => {
    const pki = await createLocalBankPki();
    const client = await issueClientCertificate(pki.ca, 'jiahe-33');
    const channel = parseBankChannel(
      JSON.stringify({ certificate: client.certificate, privateKey: client.privateKey }),
      pki.ca.certificate,
      new Date(),
    );
    expect(channel.bankCa).toContain('BEGIN CERTIFICATE');
  });

  it('refuses a key of another certificate, an expired certificate, a missing CA, without showing the key', async () => {
    const pki = await createLocalBankPki();
    const client = await issueClientCertificate(pki.ca, 'jiahe-33');
    const other = await issueClientCertificate(pki.ca, 'jiahe-51');
    const secret = (key: string) => JSON.stringify({ certificate: client.certificate, privateKey: key });
    const attempts: [() => unknown, RegExp][] = [
      [() => parseBankChannel('{}', pki.ca.certificate, new Date()), /payout-bank-client is incomplete/],
      [() => parseBankChannel(secret(other.privateKey), pki.ca.certificate, new Date()), /does not belong/],
      [
        () =>
          parseBankChannel(
            secret(client.privateKey),
            pki.ca.certificate,
            new Date(Date.now() + 3_000 * 86_400_000),
          ),
        /the certificate is valid/,
      ],
      [() => parseBankChannel(secret(client.privateKey), 'none', new Date()), /payout-bank-ca holds no PEM/],
    ];
    for (const [attempt, message] of attempts) {
      const error = (() => {
        try {
          attempt();
        } catch (e) {
          return e as Error;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(BankChannelConfigurationError);
      expect(error?.message).toMatch(message);
      expect(error?.message).not.toContain('PRIVATE KEY');
    }
  });
});

describe('the streaming pain.002 reader agrees with the bank simulator’s own writer', () => {
  it('reads statuses, reasons and escaped ids; refuses a DOCTYPE and a foreign namespace', () => {
    const document = writeStatusReport({
      messageId: 'STS-1',
      createdAt: '2026-12-01T10:00:00',
      originalMessageId: 'A&B',
      bankCode: '999000000001',
      transactions: [
        { endToEndId: 'E1', status: 'ACSC' },
        { endToEndId: 'E2', status: 'RJCT', reasonCode: 'AC04' },
        { endToEndId: 'E3', status: 'ACSP' },
      ],
    });
    const report = parsePain002(document);
    expect(report.originalMessageId).toBe('A&B');
    expect(report.transactions.map((t) => [t.endToEndId, t.outcome, t.reasonCode])).toEqual([
      ['E1', 'paid', undefined],
      ['E2', 'rejected', 'AC04'],
      ['E3', 'pending', undefined],
    ]);
    expect(() =>
      parsePain002(
        document.replace('<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE d [<!ENTITY x "y">]>'),
      ),
    ).toThrow(/DOCTYPE/);
    expect(() => parsePain002(document.replaceAll('pain.002.001.10', 'pain.002.001.03'))).toThrow(
      /pain\.002/,
    );
  });
});
