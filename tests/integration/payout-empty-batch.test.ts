import { beforeAll, describe, expect, it } from 'vitest';
import type { BankRail } from '../../functions/payout/domain/bank-rail';
import { disburseBatch } from '../../functions/payout/domain/disburse';
import { fixedClock } from '../../shared/domain/clock';
import { staffClaims } from '../support/api-event';
import { callApi } from '../support/call-api';
import { provisionForTest } from '../support/local-aws';
import { payoutApis, TEST_DEBTOR } from '../support/payout-apis';
import { TEST_ACCOUNTS } from '../support/payout-fixtures';

const officer = staffClaims('officer-1', ['payout-officer'], '330000');
const approver = staffClaims('approver-2', ['payout-approver'], '330000');

describe('a batch with nothing to pay', () => {
  let api: ReturnType<typeof payoutApis>;
  /** A rail that records what it is asked: an empty batch must not ask it anything. */
  const calls: string[] = [];
  const rail: BankRail = {
    submit: async (messageId) => {
      calls.push(messageId);
      throw new Error('no file may go to the bank for a batch without a transfer');
    },
    laterReports: async () => [],
    report: async () => {
      throw new Error('not used');
    },
  };

  beforeAll(async () => {
    const { aws, resources } = await provisionForTest('94');
    api = payoutApis(aws, resources, fixedClock('2026-11-10T02:00:00.000Z'));
  });

  it('sends no file, ends nothing-to-pay, and its payment file is refused with a clear problem', async () => {
    // Nobody is enrolled here: the batch plans no line.
    const planned = await callApi(api.batches, 'POST', '/v1/payout-batches', {
      claims: officer,
      body: { scheme: 'rural-reward', period: '2026-05', region: '330106' },
    });
    expect(planned.body.control).toEqual({ count: 0, sumFen: 0 });
    const batchId = planned.body.batchId as string;
    for (const [action, claims] of [
      ['submit', officer],
      ['approve', approver],
    ] as const) {
      const reply = await callApi(api.batches, 'POST', '/v1/payout-batches/{batchId}/actions/{action}', {
        claims,
        path: { batchId, action },
        body: {},
      });
      expect(reply.status).toBe(200);
    }
    const ports = {
      batches: api.repos.batches,
      enrollments: api.repos.enrollments,
      accounts: TEST_ACCOUNTS,
      rail,
      debtor: TEST_DEBTOR,
      trust: { bankCa: [] },
      now: () => new Date('2026-11-10T03:00:00.000Z'),
    };
    expect((await disburseBatch(ports, batchId))?.state).toBe('nothing-to-pay');
    // Run again (a redelivered command): nothing changes, still nothing sent.
    expect((await disburseBatch(ports, batchId))?.state).toBe('nothing-to-pay');
    expect(calls).toEqual([]);

    const shown = await callApi(api.batches, 'GET', '/v1/payout-batches/{batchId}', {
      claims: officer,
      path: { batchId },
    });
    expect(shown.body.state).toBe('nothing-to-pay');
    const file = await callApi(api.batches, 'GET', '/v1/payout-batches/{batchId}/payment-file', {
      claims: officer,
      path: { batchId },
    });
    expect(file.status).toBe(409);
    expect(file.body.type).toMatch(/nothing-to-pay$/);
    expect(file.body.detail).toMatch(/暂缓|held/);
  });
});
