import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getScheme } from '../../functions/payout/config/schemes';
import {
  applyBatchCommand,
  type Batch,
  bucketOf,
  EMPTY_LEDGER,
  type Ledger,
  type LineState,
  ledgerBalances,
  lineStateIn,
  matchesBatchFilter,
  type PaymentLine,
  storedStatesOf,
  waitsOnOpenList,
} from '../../functions/payout/domain/batch';
import type { Enrollment } from '../../functions/payout/domain/enrollment';
import { payoutReport } from '../../functions/payout/domain/payout-report';
import { decideLine, holdIfAlreadyPaid, paymentKeyTaken } from '../../functions/payout/domain/planning';
import { type BeneficiaryFacts, periodFor } from '../../functions/payout/domain/schemes';
import { AccessDeniedError, ConflictError } from '../../shared/domain/errors';

const batch = (overrides: Partial<Batch> = {}): Batch => ({
  batchId: '01JD0000000000000000000000',
  scheme: 'rural-reward',
  period: '2026-11',
  region: '330000',
  state: 'planned',
  ruleVersion: 2,
  control: { count: 1, sumFen: 12_000 },
  ledger: EMPTY_LEDGER,
  plannedBy: 'schedule',
  version: 2,
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
  actions: [],
  ...overrides,
});

describe('batch lifecycle: maker and checker', () => {
  const at = new Date('2026-11-02T01:00:00Z');

  it('planned → submitted → approved by someone else', () => {
    const submitted = applyBatchCommand(batch(), 'submit', { by: 'officer-1', at });
    expect(submitted).toMatchObject({ state: 'submitted', submittedBy: 'officer-1', version: 3 });
    const approved = applyBatchCommand(submitted, 'approve', { by: 'approver-2', at });
    expect(approved).toMatchObject({
      state: 'approved',
      approvedBy: 'approver-2',
      approvedAt: at.toISOString(),
    });
    expect(approved.actions.map((a) => a.type)).toEqual(['submitted', 'approved']);
  });

  it('the submitter cannot approve their own batch', () => {
    const submitted = applyBatchCommand(batch(), 'submit', { by: 'officer-1', at });
    expect(() => applyBatchCommand(submitted, 'approve', { by: 'officer-1', at })).toThrow(AccessDeniedError);
  });

  it('cancel is possible until disbursing starts, never after', () => {
    for (const state of ['planned', 'submitted', 'approved'] as const) {
      expect(applyBatchCommand(batch({ state }), 'cancel', { by: 'officer-1', at }).state).toBe('cancelled');
    }
    for (const state of ['disbursing', 'reconciled', 'cancelled', 'planning'] as const) {
      expect(() => applyBatchCommand(batch({ state }), 'cancel', { by: 'officer-1', at })).toThrow(
        ConflictError,
      );
    }
    expect(() => applyBatchCommand(batch(), 'approve', { by: 'approver-2', at })).toThrow(ConflictError);
  });
});

describe('lines already paid are held at planning', () => {
  const line = (overrides: Partial<PaymentLine> = {}): PaymentLine => ({
    batchId: 'B2',
    lineId: 'E1#2026-11',
    enrollmentId: 'E1',
    personId: 'P1',
    scheme: 'rural-reward',
    period: '2026-11',
    region: '330106',
    amountFen: 12_000,
    state: 'pending',
    paymentKey: 'rural-reward#2026-11#P1',
    attempt: 1,
    endToEndId: 'X-1',
    reasons: [],
    updatedAt: '2026-11-01T00:00:00.000Z',
    ...overrides,
  });
  const payment = (state: 'reserved' | 'failed', attempt = 1) => ({
    paymentKey: 'rural-reward#2026-11#P1',
    batchId: 'B1',
    lineId: 'E1#2026-11',
    attempt,
    state,
    amountFen: 12_000,
  });

  it('takes a key with any payment but an earlier attempt that failed', () => {
    expect(paymentKeyTaken(undefined, 1)).toBe(false);
    expect(paymentKeyTaken(payment('reserved'), 1)).toBe(true);
    expect(paymentKeyTaken(payment('reserved'), 2)).toBe(true);
    expect(paymentKeyTaken(payment('failed', 1), 1)).toBe(true);
    expect(paymentKeyTaken(payment('failed', 1), 2)).toBe(false);
  });

  it('holds a pending line whose key is taken, and leaves every other line as it is', () => {
    expect(holdIfAlreadyPaid(line(), payment('reserved'))).toMatchObject({
      state: 'held',
      holdReason: 'already-paid',
    });
    expect(holdIfAlreadyPaid(line(), undefined)).toEqual(line());
    expect(holdIfAlreadyPaid(line({ attempt: 2 }), payment('failed', 1)).state).toBe('pending');
    const suspended = line({ state: 'held', holdReason: 'suspended' });
    expect(holdIfAlreadyPaid(suspended, payment('reserved'))).toEqual(suspended);
  });

  it('keeps a held line on the open list unless it was already paid elsewhere', () => {
    expect(waitsOnOpenList({ state: 'held', holdReason: 'suspended' })).toBe(true);
    expect(waitsOnOpenList({ state: 'held', holdReason: 'already-paid' })).toBe(false);
    expect(waitsOnOpenList({ state: 'held', holdReason: 'paid-by-other-province' })).toBe(false);
    expect(waitsOnOpenList({ state: 'pending' })).toBe(false);
  });
});

describe('the payouts report', () => {
  it('sums the ledgers per scheme and period, ordered, leaving cancelled batches out', () => {
    const ledger = (paidCount: number): Ledger => ({
      ...EMPTY_LEDGER,
      planned: { count: paidCount + 1, sumFen: (paidCount + 1) * 100 },
      paid: { count: paidCount, sumFen: paidCount * 100 },
      held: { count: 1, sumFen: 100 },
    });
    const rows = payoutReport([
      batch({ period: '2026-12', region: '330106', ledger: ledger(2) }),
      batch({ period: '2026-11', region: '330106', ledger: ledger(1) }),
      batch({ period: '2026-11', region: '330102', ledger: ledger(3) }),
      batch({ period: '2026-11', region: '330110', state: 'cancelled', ledger: ledger(9) }),
    ]);
    expect(rows.map((r) => [r.period, r.batches, r.paid.count, r.held.count])).toEqual([
      ['2026-11', 2, 4, 2],
      ['2026-12', 1, 2, 1],
    ]);
    expect(rows[0]?.paid.sumFen).toBe(400);
  });
});

describe('the batch list filter', () => {
  const county = batch({ region: '330106', period: '2026-11', state: 'submitted', submittedBy: 'officer-1' });

  it('keeps batches inside the region prefix and matching each filter given', () => {
    expect(matchesBatchFilter(county, { regionPrefix: '3301' })).toBe(true);
    expect(matchesBatchFilter(county, { regionPrefix: '3302' })).toBe(false);
    expect(
      matchesBatchFilter(county, { regionPrefix: '33', state: 'submitted', scheme: 'rural-reward' }),
    ).toBe(true);
    expect(matchesBatchFilter(county, { regionPrefix: '33', state: 'planned' })).toBe(false);
    expect(matchesBatchFilter(county, { regionPrefix: '33', period: '2026-12' })).toBe(false);
    expect(matchesBatchFilter(county, { regionPrefix: '33', scheme: 'special-assistance' })).toBe(false);
  });

  it('shows an approver the submitted batches of others, never their own or any other state', () => {
    expect(matchesBatchFilter(county, { regionPrefix: '33', awaitingApprovalBy: 'approver-2' })).toBe(true);
    expect(matchesBatchFilter(county, { regionPrefix: '33', awaitingApprovalBy: 'officer-1' })).toBe(false);
    for (const state of ['planned', 'approved', 'disbursing', 'reconciled', 'cancelled'] as const) {
      expect(
        matchesBatchFilter({ ...county, state }, { regionPrefix: '33', awaitingApprovalBy: 'approver-2' }),
      ).toBe(false);
    }
  });
});

describe("a line's state follows its batch's milestones", () => {
  const STATES: LineState[] = ['pending', 'sent', 'held', 'paid', 'failed'];
  const planned = {};
  const sent = { sentAt: '2026-12-01T02:10:00.000Z' };
  const settled = { ...sent, settledAt: '2026-12-01T02:20:00.000Z' };

  it('reads a line stored pending as pending, then sent, then paid; every written state as written', () => {
    expect([planned, sent, settled].map((b) => lineStateIn(b, 'pending'))).toEqual([
      'pending',
      'sent',
      'paid',
    ]);
    for (const batch of [planned, sent, settled])
      for (const stored of STATES.filter((s) => s !== 'pending'))
        expect(lineStateIn(batch, stored)).toBe(stored);
  });

  it('filters on exactly the stored states that read as the state asked for', () => {
    for (const batch of [planned, sent, settled])
      for (const state of STATES)
        expect(new Set(storedStatesOf(batch, state))).toEqual(
          new Set(STATES.filter((stored) => lineStateIn(batch, stored) === state)),
        );
  });
});

describe('ledger invariant: planned = paid + failed + held + pending', () => {
  it('holds through any sequence of line moves made as the repository makes them', () => {
    const states: LineState[] = ['pending', 'sent', 'held', 'paid', 'failed'];
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 500_000 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...states)), { maxLength: 60 }),
        (amounts, moves) => {
          let ledger: Ledger = EMPTY_LEDGER;
          const add = (l: Ledger, bucket: keyof Ledger, sign: number, fen: number): Ledger => ({
            ...l,
            [bucket]: { count: l[bucket].count + sign, sumFen: l[bucket].sumFen + sign * fen },
          });
          const lines = amounts.map((amountFen) => ({ amountFen, state: 'pending' as LineState }));
          for (const line of lines)
            ledger = add(add(ledger, 'planned', 1, line.amountFen), 'pending', 1, line.amountFen);
          for (const [index, to] of moves) {
            const line = lines[index % lines.length];
            if (!line) continue;
            ledger = add(
              add(ledger, bucketOf(line.state), -1, line.amountFen),
              bucketOf(to),
              1,
              line.amountFen,
            );
            line.state = to;
            expect(ledgerBalances(ledger)).toBe(true);
          }
        },
      ),
    );
  });

  it('detects an unbalanced ledger', () => {
    expect(ledgerBalances({ ...EMPTY_LEDGER, planned: { count: 1, sumFen: 100 } })).toBe(false);
    expect(
      ledgerBalances({ ...EMPTY_LEDGER, planned: { count: 1, sumFen: 100 }, paid: { count: 1, sumFen: 99 } }),
    ).toBe(false);
  });
});

describe('planning decides each enrolment line', () => {
  const scheme = getScheme('rural-reward');
  const period = (id: string) => periodFor(scheme, id) ?? { id, start: `${id}-01` };
  const facts: BeneficiaryFacts = {
    sex: 'female',
    birthDate: '1958-03-01',
    alive: true,
    hukouRegion: '330106',
    residenceRegion: '330106',
    hukouType: 'rural',
    familyType: 'two-daughters',
    certificates: [],
  };
  const enrollment = (overrides: Partial<Enrollment> = {}): Enrollment => ({
    enrollmentId: '01JD0000000000000000000001',
    scheme: 'rural-reward',
    personId: '01JD0000000000000000000002',
    region: '330106',
    hukouRegion: '330106',
    residenceRegion: '330106',
    status: 'active',
    fromPeriod: '2026-03',
    bankAccount: { encrypted: 'enc:v1:x', accountMasked: '****0001', holderMasked: '王**' },
    channel: 'counter',
    eligibility: { reasons: [] },
    version: 2,
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
    actions: [],
    ...overrides,
  });

  it('pays an eligible active enrolment the amount of its hukou region under the rule in force', () => {
    expect(decideLine(scheme, period('2026-11'), enrollment(), facts)).toMatchObject({
      include: true,
      state: 'pending',
      amountFen: 12_000,
      ruleVersion: 2,
    });
    expect(decideLine(scheme, period('2025-11'), enrollment({ fromPeriod: '2025-01' }), facts)).toMatchObject(
      {
        amountFen: 10_000,
        ruleVersion: 1,
      },
    );
  });

  it('leaves out periods before the enrolment, and enrolments not active or suspended', () => {
    expect(decideLine(scheme, period('2026-02'), enrollment(), facts).include).toBe(false);
    for (const status of ['pending-review', 'ended', 'rejected'] as const) {
      expect(decideLine(scheme, period('2026-11'), enrollment({ status }), facts).include).toBe(false);
    }
  });

  it('holds a deceased beneficiary from the month after death, and pays the month of death', () => {
    const dead = { ...facts, alive: false, deathDate: '2026-06-15' };
    const suspended = enrollment({
      status: 'suspended',
      suspendedFromPeriod: '2026-07',
      suspensionReason: 'deceased',
    });
    expect(decideLine(scheme, period('2026-06'), suspended, dead)).toMatchObject({ state: 'pending' });
    expect(decideLine(scheme, period('2026-07'), suspended, dead)).toMatchObject({
      state: 'held',
      holdReason: 'deceased',
    });
    // A death known to the facts before the enrolment was suspended is held all the same.
    expect(decideLine(scheme, period('2026-08'), enrollment(), dead)).toMatchObject({
      state: 'held',
      holdReason: 'deceased',
    });
  });

  it('holds open and conflicting cross-province checks, suspensions and missing facts', () => {
    const cross = (status: 'awaiting' | 'conflict' | 'clear') =>
      decideLine(scheme, period('2026-11'), enrollment({ crossProvince: { province: '51', status } }), facts);
    expect(cross('awaiting')).toMatchObject({ state: 'held', holdReason: 'cross-province-awaiting' });
    expect(cross('conflict')).toMatchObject({ state: 'held', holdReason: 'cross-province-conflict' });
    expect(cross('clear')).toMatchObject({ state: 'pending' });
    // Cleared after another province held the person: the periods it paid are held for good.
    const clearedAfterOther = (p: string) =>
      decideLine(
        scheme,
        period(p),
        enrollment({ crossProvince: { province: '33', status: 'clear', paidElsewhereThrough: '2026-11' } }),
        facts,
      );
    expect(clearedAfterOther('2026-10')).toMatchObject({
      state: 'held',
      holdReason: 'paid-by-other-province',
    });
    expect(clearedAfterOther('2026-11')).toMatchObject({
      state: 'held',
      holdReason: 'paid-by-other-province',
    });
    expect(clearedAfterOther('2026-12')).toMatchObject({ state: 'pending' });
    expect(
      decideLine(
        scheme,
        period('2026-11'),
        enrollment({ status: 'suspended', suspendedFromPeriod: '2026-10' }),
        facts,
      ),
    ).toMatchObject({ state: 'held', holdReason: 'suspended' });
    expect(decideLine(scheme, period('2026-11'), enrollment(), undefined)).toMatchObject({
      state: 'held',
      holdReason: 'facts-missing',
    });
  });

  it('leaves out someone the rules find ineligible, with the reasons', () => {
    const decision = decideLine(scheme, period('2026-11'), enrollment(), { ...facts, hukouType: 'urban' });
    expect(decision.include).toBe(false);
    expect(decision.reasons).toContain('  fail: hukouType eq rural (is urban)');
  });
});
