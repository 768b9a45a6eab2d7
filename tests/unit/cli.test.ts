import { describe, expect, it } from 'vitest';
import { EXIT, parseInvocation, UsageError, usage } from '../../local/cli/args';
import { syntheticPerson } from '../../local/cli/commands';
import {
  batchesTable,
  batchSummary,
  messagesTable,
  paymentsTable,
  progressBar,
  table,
  yuan,
} from '../../local/cli/format';
import { checkResidentId } from '../../shared/domain/resident-id';

describe('CLI command line', () => {
  it('reads command words, positional arguments and options', () => {
    const parsed = parseInvocation(['batch', 'approve', '01M82NNJ9VNMR6FSGW65FR4ETF', '--wait', '--json']);
    expect(parsed.command).toEqual(['batch', 'approve']);
    expect(parsed.args).toEqual(['01M82NNJ9VNMR6FSGW65FR4ETF']);
    expect(parsed.options).toMatchObject({
      wait: true,
      json: true,
      url: 'http://127.0.0.1:3033',
      concurrency: 8,
    });
  });

  it('takes the URL and token from flags before the environment', () => {
    const env = { JIAHE_URL: 'http://127.0.0.1:3051', JIAHE_TOKEN: 'from-env' };
    expect(parseInvocation(['partner', 'list'], env).options).toMatchObject({
      url: 'http://127.0.0.1:3051',
      token: 'from-env',
    });
    expect(
      parseInvocation(['partner', 'list', '--url', 'http://127.0.0.1:4000', '--token', 'flag'], env).options,
    ).toMatchObject({ url: 'http://127.0.0.1:4000', token: 'flag' });
  });

  it('parses numbers and the message direction', () => {
    const parsed = parseInvocation([
      'seed',
      '--persons',
      '100000',
      '--concurrency',
      '16',
      '--region',
      '330106',
    ]);
    expect(parsed.options).toMatchObject({ persons: 100_000, concurrency: 16, region: '330106' });
    expect(parseInvocation(['exchange', 'list', '--direction', 'inbound']).options.direction).toBe('inbound');
  });

  it.each([
    [['batch', 'fly']],
    [['batch', 'show']],
    [['batch', 'show', 'a', 'b']],
    [['seed', '--persons', '0']],
    [['seed', '--persons', 'many']],
    [['exchange', 'list', '--direction', 'sideways']],
    [['partner', 'list', '--colour']],
  ])('refuses %j with a usage error', (argv) => {
    expect(() => parseInvocation(argv)).toThrow(UsageError);
  });

  it('takes a sequence to replay a version 2 stream from, a positive whole number', () => {
    expect(
      parseInvocation(['exchange', 'replay', '--partner', '51', '--from-sequence', '120']).options,
    ).toMatchObject({ partner: '51', fromSequence: 120 });
    expect(() => parseInvocation(['exchange', 'replay', '--partner', '51', '--from-sequence', '0'])).toThrow(
      UsageError,
    );
  });

  it('documents every command and the exit codes', () => {
    const text = usage();
    for (const command of [
      'batch plan',
      'batch export',
      'batch import',
      'exchange replay',
      'partner pause',
      'seed',
    ]) {
      expect(text).toContain(command);
    }
    for (const code of Object.values(EXIT)) expect(text).toContain(String(code));
  });
});

describe('CLI output', () => {
  it('shows money in yuan from fen', () => {
    expect(yuan(12_000)).toBe('120.00');
    expect(yuan(1)).toBe('0.01');
    expect(yuan(undefined)).toBe('-');
  });

  it('aligns tables and says when a list is empty', () => {
    expect(table([], ['a'])).toBe('(none)');
    expect(
      table(
        [
          { a: 'x', b: 1 },
          { a: 'longer', b: 22 },
        ],
        ['a', 'b'],
      ),
    ).toBe(['a       b', '------  --', 'x       1', 'longer  22'].join('\n'));
  });

  it('summarises a batch with its ledger', () => {
    const text = batchSummary({
      batchId: 'B1',
      scheme: 'only-child-reward',
      period: '2026',
      region: '330106',
      state: 'reconciled',
      control: { count: 1, sumFen: 6_000 },
      ledger: { planned: { count: 1, sumFen: 6_000 }, paid: { count: 1, sumFen: 6_000 } },
    });
    expect(text).toContain('state     reconciled');
    expect(text).toContain('paid 1 (60.00)');
  });

  it('reads the approval queue flag of batch list, and shows batches with their totals in yuan', () => {
    const parsed = parseInvocation(['batch', 'list', '--waiting', '--region', '330106']);
    expect(parsed.command).toEqual(['batch', 'list']);
    expect(parsed.options).toMatchObject({ waiting: true, region: '330106' });
    expect(parseInvocation(['batch', 'list']).options.waiting).toBe(false);
    const shown = batchesTable([
      {
        batchId: 'B1',
        scheme: 'rural-reward',
        period: '2026-11',
        region: '330106',
        state: 'submitted',
        control: { count: 3, sumFen: 36_000 },
        submittedBy: 'officer-1',
      },
      {
        batchId: 'B2',
        scheme: 'rural-reward',
        period: '2026-11',
        region: '330106',
        part: { number: 2, after: '330106#A' },
        state: 'planned',
        control: { count: 1, sumFen: 12_000 },
      },
    ]);
    expect(shown).toContain('360.00');
    expect(shown).toContain('officer-1');
    // The second part of a county split by the line cap, and the last.
    expect(shown.split('\n').find((l) => l.startsWith('B2'))).toContain('2 (last)');
  });

  it('shows a held line with its reason and a message with its answer', () => {
    expect(
      paymentsTable([
        {
          enrollmentId: 'E1',
          period: '2026',
          amountFen: 6_000,
          state: 'held',
          holdReason: 'cross-province-conflict',
        },
      ]),
    ).toContain('cross-province-conflict');
    const messages = messagesTable([
      {
        messageId: 'M1',
        direction: 'outbound',
        partner: '51',
        type: 'cn.gov.jiahe.birth.registered.v1',
        status: 'delivered',
        sequence: 3,
        ack: { outcome: 'ok' },
      },
    ]);
    expect(messages).toContain('birth.registered.v1');
    expect(messages).not.toContain('cn.gov.jiahe.');
  });

  it('draws a progress bar', () => {
    expect(progressBar(0, 10, 10)).toBe('[..........]   0%  0/10');
    expect(progressBar(5, 10, 10)).toBe('[#####.....]  50%  5/10');
    expect(progressBar(10, 10, 10)).toBe('[##########] 100%  10/10');
  });

  it('makes synthetic persons with valid resident IDs that agree with their facts', () => {
    for (let i = 0; i < 50; i++) {
      const person = syntheticPerson('330106');
      const check = checkResidentId(person.residentId);
      expect(check.ok).toBe(true);
      expect(person.residentId.slice(0, 6)).toBe('330106');
      expect(person.residentId.slice(6, 14)).toBe(person.birthDate.replaceAll('-', ''));
    }
  });
});
