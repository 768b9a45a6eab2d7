import { beforeAll, describe, expect, it } from 'vitest';
import { apiAt } from '../../local/client/http';
import { newStoryState, type StoryContext, steps } from '../../local/demo/story';
import { province } from './support';

/**
 * The guided demo's story on the e2e local cloud, step by step: the cross-province proof
 * for the registry, the exchange and payout together. Hangzhou (3301) is left to the other
 * e2e files, whose batches must not take in this family.
 */
describe('the guided demo story across provinces 33 and 51', { timeout: 120_000 }, () => {
  const state = newStoryState();
  const said: string[] = [];
  let context: StoryContext;
  beforeAll(() => {
    context = {
      zhejiang: apiAt(province['33']()),
      sichuan: apiAt(province['51']()),
      say: (line) => said.push(line),
      avoidCounties: ['3301', '5101'],
      waitMs: 90_000,
      state,
    };
  });
  const step = (id: string) => {
    const found = steps.find((s) => s.id === id);
    if (!found) throw new Error(`no step ${id}`);
    return () => found.run(context);
  };

  it('casts a family with hukou in Sichuan living in Zhejiang', async () => {
    await step('cast')();
    expect(state.hukou.slice(0, 2)).toBe('51');
    expect(state.residence.slice(0, 2)).toBe('33');
    expect(state.family.mother.residentId.slice(0, 6)).toBe(state.hukou);
  });

  it('Zhejiang records her as living there and Sichuan learns it', async () => {
    await step('records')();
    expect(state.residence51).toBe(state.residence);
  });

  it('the birth registered in 33 appears in 51 as registered elsewhere; both exchange logs show the message', async () => {
    await step('birth')();
    expect(state.registration?.number).toMatch(new RegExp(`^${state.residence}-\\d{4}-\\d{6}$`));
    await step('notified')();
    expect(state.elsewhere51).toMatchObject({
      status: 'registered-elsewhere',
      origin: { province: '33', registrationNumber: state.registration?.number },
      motherPersonId: state.mother51,
    });
    // Version 2 between the local provinces: delivered in a batch, answered.
    expect(state.outbound33).toMatchObject({
      direction: 'outbound',
      partner: '51',
      status: 'delivered',
      protocol: 'v2',
      delivery: { batchId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/) },
      ack: { outcome: 'ok' },
    });
    expect(state.inbound51).toMatchObject({
      direction: 'inbound',
      partner: '33',
      status: 'accepted',
      sha256: state.outbound33.sha256,
      verification: { ok: true },
      batchId: state.outbound33.delivery.batchId,
    });
  });

  it('the family gets its only-child certificate in 33', async () => {
    await step('certificate')();
    expect(state.certificate?.familyType).toBe('only-child');
  });

  it('the enrolment in 33 is cleared by 51, and its batch is paid and reconciled', async () => {
    await step('enrol-zhejiang')();
    expect(state.enrollment33).toMatchObject({
      status: 'active',
      crossProvince: { province: '51', status: 'clear' },
    });
    await step('batch-zhejiang')();
    expect(state.batch33.state).toBe('reconciled');
    expect(state.batch33.ledger.paid).toEqual({ count: 1, sumFen: 6_000 });
    expect(state.batch33.ledger.held.count).toBe(0);
    expect(state.paymentFile33).toEqual({
      messageId: state.batch33.batchId,
      numberOfTransactions: 1,
      controlSumFen: 6_000,
    });
    expect(state.payments33).toEqual([
      expect.objectContaining({
        enrollmentId: state.enrollment33.enrollmentId,
        state: 'paid',
        amountFen: 6_000,
      }),
    ]);
  });

  it('the same person enrolled for the same scheme in 51 is held there as a cross-province conflict, not paid', async () => {
    await step('duplicate-sichuan')();
    expect(state.enrollment51).toMatchObject({ crossProvince: { province: '51', status: 'conflict' } });
    await step('batch-sichuan')();
    expect(state.payments51).toEqual([
      expect.objectContaining({
        enrollmentId: state.enrollment51?.enrollmentId,
        state: 'held',
        holdReason: 'cross-province-conflict',
      }),
    ]);
    expect(state.batch51.control).toEqual({ count: 0, sumFen: 0 });
    expect(state.batch51.ledger.paid).toEqual({ count: 0, sumFen: 0 });
    expect(state.batch51.ledger.held).toEqual({ count: 1, sumFen: 6_000 });
  });

  it('the certificate verifies publicly, and nothing the story printed carries a resident ID', async () => {
    await step('verify')();
    expect(state.verified).toMatchObject({ valid: true, kind: 'only-child-parents' });
    const printed = said.join('\n');
    expect(printed).not.toContain(state.family.mother.residentId);
    expect(printed).not.toContain(state.family.child.residentId);
    expect(printed).not.toContain(state.family.bankAccount.accountNumber);
  });
});
