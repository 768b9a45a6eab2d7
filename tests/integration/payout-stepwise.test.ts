import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsDisburseQueue } from '../../functions/payout/adapters/disburse-queue';
import { getScheme } from '../../functions/payout/config/schemes';
import { applyBatchCommand, type Batch, ledgerBalances } from '../../functions/payout/domain/batch';
import { planBatch } from '../../functions/payout/domain/plan-batch';
import { buildDisburser } from '../../functions/payout/handlers/disburser';
import { type BankSimulator, startBankSimulator } from '../../local/bank/simulator';
import { newUlid } from '../../shared/domain/ids';
import { type BankCustomer, bankCustomer } from '../support/bank';
import { context, quietObservability, sqsRecord } from '../support/lambda';
import { provisionForTest } from '../support/local-aws';
import { enrolRuralParents, payoutRepos, TEST_ACCOUNTS } from '../support/payout-fixtures';

const scheme = getScheme('rural-reward');
/** Three pages of pending lines (100 a page): enough for a step to stop between pages. */
const BENEFICIARIES = 210;

/**
 * The disburser as the cloud runs it, fed from the real `payout-payments` queue of the SQS
 * emulator: a step whose invocation runs short hands the batch on as a new command there.
 * The invocation's remaining time is injected (a context whose clock the test sets), so
 * which step stops where does not depend on this machine's speed.
 */
describe('stepwise disbursing: a batch too large for one invocation goes on in steps', () => {
  let repos: ReturnType<typeof payoutRepos>;
  let aws: Awaited<ReturnType<typeof provisionForTest>>['aws'];
  let queueUrl: string;
  let bank: BankSimulator;
  let customer: BankCustomer;

  beforeAll(async () => {
    const provisioned = await provisionForTest('47');
    aws = provisioned.aws;
    repos = payoutRepos(aws, provisioned.resources.tables.payout);
    queueUrl = provisioned.resources.queues['payout-payments']?.url ?? '';
    bank = await startBankSimulator();
    customer = await bankCustomer(bank);
    await enrolRuralParents(repos, BENEFICIARIES, scheme.code);
  }, 120_000);

  afterAll(async () => {
    await bank.stop();
  });

  const approved = async (period: string): Promise<Batch> => {
    const planned = await planBatch(repos, {
      scheme,
      period,
      region: '330106',
      by: 'officer-1',
      at: new Date(),
      newId: () => newUlid(),
    });
    const submitted = applyBatchCommand(planned, 'submit', { by: 'officer-1', at: new Date() });
    await repos.batches.saveState(submitted, 'planned');
    const approval = applyBatchCommand(submitted, 'approve', { by: 'approver-2', at: new Date() });
    await repos.batches.saveState(approval, 'submitted');
    return approval;
  };

  /**
   * The disburser as deployed (240 s an invocation), where each page of reservations takes
   * `pageCostMs` of the invocation's time: the context's remaining time follows a clock the
   * repository advances on each page, so where a step stops does not depend on this
   * machine's speed (the only stand-in in this file).
   */
  function slowInvocation(pageCostMs: number) {
    let elapsedMs = 0;
    const batches = {
      ...repos.batches,
      reservePayments: (reservations: Parameters<typeof repos.batches.reservePayments>[0]) => {
        elapsedMs += pageCostMs;
        return repos.batches.reservePayments(reservations);
      },
    };
    const handler = buildDisburser({
      batches,
      enrollments: repos.enrollments,
      accounts: TEST_ACCOUNTS,
      rail: customer.rail,
      debtor: {
        name: '浙江省奖励扶助资金专户',
        accountNumber: '1202000009000033001',
        bankCode: '999331000001',
      },
      trust: customer.trust,
      now: () => new Date(),
      continueLater: sqsDisburseQueue(aws.sqs, queueUrl),
      observability: quietObservability(),
    });
    const invocation: Context = { ...context(), getRemainingTimeInMillis: () => 240_000 - elapsedMs };
    return (event: SQSEvent) => handler(event, invocation) as Promise<SQSBatchResponse | undefined>;
  }

  /**
   * Takes the next command off the queue and runs a fresh invocation on it; deletes it once
   * handled, as Lambda does on success. False when the queue is empty.
   */
  async function invokeNext(pageCostMs: number): Promise<boolean> {
    const { Messages: [message] = [] } = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
    );
    if (!message) return false;
    const event = { Records: [sqsRecord(message.MessageId ?? '', message.Body ?? '')] } as SQSEvent;
    const answer = await slowInvocation(pageCostMs)(event);
    expect(answer?.batchItemFailures ?? []).toEqual([]);
    await aws.sqs.send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
    );
    return true;
  }

  /** Runs commands until the queue is empty, calling `afterEach` after each; answers how many ran. */
  async function drain(pageCostMs: number, afterEach: () => Promise<void> = async () => undefined) {
    let invocations = 0;
    while (await invokeNext(pageCostMs)) {
      invocations++;
      await afterEach();
    }
    return invocations;
  }

  /** How many of the batch's payments are reserved: disbursing writes nothing else per line. */
  const reservedPayments = async (batchId: string) => {
    const lines = (await repos.batches.lines(batchId, { limit: 1000 })).items;
    const payments = await repos.batches.findPayments(lines.map((l) => l.paymentKey));
    return [...payments.values()].filter((p) => p.batchId === batchId).length;
  };
  const linesIn = async (batchId: string, state: 'pending' | 'sent') =>
    (await repos.batches.lines(batchId, { state, limit: 1000 })).items.length;

  /** The batch reconciled with every beneficiary paid once, in one file. */
  async function paidOnce(batchId: string) {
    const final = (await repos.batches.find(batchId)) as Batch;
    expect(final.state).toBe('reconciled');
    expect(ledgerBalances(final.ledger)).toBe(true);
    expect(final.ledger.paid).toEqual({ count: BENEFICIARIES, sumFen: BENEFICIARIES * 12_000 });
    const credited = bank.settlements.filter((s) => s.messageId === batchId);
    expect(credited).toHaveLength(BENEFICIARIES);
    expect(new Set(credited.map((s) => s.account)).size).toBe(BENEFICIARIES);
    expect(bank.files.has(batchId)).toBe(true);
  }

  it('with time to spare, one invocation pays the whole batch and sends no further command', async () => {
    const batch = await approved('2026-01');
    await sqsDisburseQueue(aws.sqs, queueUrl)(batch.batchId);
    expect(await drain(1_000)).toBe(1);
    await paidOnce(batch.batchId);
  });

  it('each step short of time reserves one page and hands the batch on; the last one sends the file', async () => {
    const batch = await approved('2026-02');
    const filesBefore = bank.files.size;
    await sqsDisburseQueue(aws.sqs, queueUrl)(batch.batchId);
    // A page takes 215 of the 240 s: each step reserves one page (then less than the 30 s
    // margin is left), three steps for three pages, then the file in a fresh one.
    const reservedAfterEachStep: number[] = [];
    await drain(215_000, async () => {
      reservedAfterEachStep.push(await reservedPayments(batch.batchId));
    });
    expect(reservedAfterEachStep).toEqual([100, 200, 210, 210]);
    expect(bank.files.size).toBe(filesBefore + 1);
    await paidOnce(batch.batchId);
  });

  it('a step with time for its reservations but not for the file leaves the file to the next', async () => {
    const batch = await approved('2026-03');
    await sqsDisburseQueue(aws.sqs, queueUrl)(batch.batchId);
    // 40 s a page: 120 s left after three, more than the 30 s margin between pages but less
    // than the 150 s the file needs.
    expect(await invokeNext(40_000)).toBe(true);
    // Everything reserved, the lines read sent, no file yet: the lease is given up for the next command.
    expect(await reservedPayments(batch.batchId)).toBe(BENEFICIARIES);
    expect(await linesIn(batch.batchId, 'pending')).toBe(0);
    expect(await linesIn(batch.batchId, 'sent')).toBe(BENEFICIARIES);
    expect(bank.files.has(batch.batchId)).toBe(false);
    expect(((await repos.batches.find(batch.batchId)) as Batch).state).toBe('disbursing');
    expect(
      await repos.batches.acquireLease(
        batch.batchId,
        'probe',
        new Date().toISOString(),
        new Date().toISOString(),
      ),
    ).toBe(true);
    await repos.batches.releaseLease(batch.batchId, 'probe');
    // The next step has nothing to reserve: it sends the file.
    expect(await drain(40_000)).toBe(1);
    await paidOnce(batch.batchId);
  });
});
