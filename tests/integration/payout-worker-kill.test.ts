import { fork } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getScheme } from '../../functions/payout/config/schemes';
import { applyBatchCommand, type Batch, ledgerBalances } from '../../functions/payout/domain/batch';
import { planBatch } from '../../functions/payout/domain/plan-batch';
import { type BankSimulator, startBankSimulator } from '../../local/bank/simulator';
import { newUlid } from '../../shared/domain/ids';
import { recordFigures } from '../proof/support/figures';
import { provisionForTest } from '../support/local-aws';
import { enrolRuralParents, payoutRepos } from '../support/payout-fixtures';

const WORKER = new URL('../support/disburse-process.ts', import.meta.url).pathname;
const scheme = getScheme('rural-reward');
const PEOPLE = 25;

describe('disbursing workers killed with SIGKILL at arbitrary points', () => {
  let repos: ReturnType<typeof payoutRepos>;
  let table: string;
  let bank: BankSimulator;
  let channel: string;

  beforeAll(async () => {
    const { aws, resources } = await provisionForTest('46');
    table = resources.tables.payout;
    repos = payoutRepos(aws, table);
    bank = await startBankSimulator({ validate: false });
    channel = JSON.stringify(await bank.issueClient('jiahe-46'));
    await enrolRuralParents(repos, PEOPLE, scheme.code);
  });

  afterAll(async () => {
    await bank.stop();
  });

  /** Runs the worker process; kills it after `killAfterMs` unless it finished. Resolves whether it finished. */
  const runWorker = (batchId: string, killAfterMs: number) =>
    new Promise<boolean>((resolve) => {
      const child = fork(WORKER, [], {
        execArgv: ['--import', 'tsx'],
        env: {
          ...process.env,
          TEST_DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
          TEST_PAYOUT_TABLE: table,
          TEST_BANK_URL: bank.url,
          TEST_BANK_CHANNEL: channel,
          TEST_BATCH_ID: batchId,
        },
        stdio: 'ignore',
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code === 0);
      });
    });

  it('leaves exactly one payment per beneficiary and a balanced ledger, batch after batch', {
    timeout: 240_000,
  }, async () => {
    let kills = 0;
    let midway = 0;
    const totals = { sent: 0, delivered: 0, duplicates: 0, lost: 0 };
    for (const period of ['2026-03', '2026-04', '2026-05']) {
      const planned = await planBatch(repos, {
        scheme,
        period,
        region: '330000',
        by: 'officer-1',
        at: new Date(),
        newId: () => newUlid(),
      });
      const submitted = applyBatchCommand(planned, 'submit', { by: 'officer-1', at: new Date() });
      await repos.batches.saveState(submitted, 'planned');
      await repos.batches.saveState(
        applyBatchCommand(submitted, 'approve', { by: 'approver-2', at: new Date() }),
        'submitted',
      );
      // Kill windows grow from "during start-up" to "well into the batch", so kills land everywhere.
      let finished = false;
      for (let round = 0; !finished && round < 40; round++) {
        finished = await runWorker(planned.batchId, 300 + Math.floor(Math.random() * 250 * (round + 1)));
        if (!finished) {
          kills++;
          const lines = (await repos.batches.lines(planned.batchId, { limit: 100 })).items;
          const payments = await repos.batches.findPayments(lines.map((l) => l.paymentKey));
          const reserved = [...payments.values()].filter((p) => p.batchId === planned.batchId).length;
          const now = (await repos.batches.find(planned.batchId)) as Batch;
          // A kill that left the batch part-way: some payments reserved, the batch not yet reconciled.
          if (now.state !== 'reconciled' && reserved > 0) midway++;
          expect(ledgerBalances(now.ledger)).toBe(true);
        }
      }
      expect(finished).toBe(true);
      const batch = (await repos.batches.find(planned.batchId)) as Batch;
      expect(batch.state).toBe('reconciled');
      expect(ledgerBalances(batch.ledger)).toBe(true);
      expect(batch.ledger.paid).toEqual({ count: PEOPLE, sumFen: PEOPLE * 12_000 });
      const credited = bank.settlements.filter((s) => s.messageId === planned.batchId);
      expect(new Set(credited.map((s) => s.account)).size).toBe(PEOPLE);
      expect(credited).toHaveLength(PEOPLE);
      const accounts = new Set(credited.map((s) => s.account));
      totals.sent += PEOPLE;
      totals.delivered += accounts.size;
      totals.duplicates += credited.length - accounts.size;
      totals.lost += PEOPLE - accounts.size;
    }
    recordFigures('3-faults', [
      {
        suite: 'faults',
        item: `payout workers SIGKILLed (${kills} kills, ${midway} mid-batch)`,
        counts: { ...totals, kills },
        mustBeZero: ['duplicates', 'lost'],
      },
    ]);
    expect(kills).toBeGreaterThan(0);
    expect(midway).toBeGreaterThan(0);
  });
});
