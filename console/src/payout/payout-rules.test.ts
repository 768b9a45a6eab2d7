import { describe, expect, it } from 'vitest';
import type { PaymentLine } from '../api/types';
import { canActOnPayout, canApprovePayout, canPlanPayout } from '../app/screens';
import { schemeName } from '../shared/schemes';
import {
  BATCH_STATES,
  batchActionLabel,
  batchActionsFor,
  batchFiltersFrom,
  batchInFlight,
  canImportReport,
  filterLines,
  hasPaymentFile,
  lineReasonOf,
  readLedger,
  reasonsFor,
} from './batch-rules';
import {
  accountDecisionsFor,
  enrollmentActionsFor,
  failedTests,
  pendingChangeOf,
  readReasons,
  statusFrom,
} from './enrollment-rules';
import { paymentFileName, readSignature } from './files';

const OFFICER = ['payout-officer'];
const APPROVER = ['payout-approver'];
const AUDITOR = ['auditor'];

const line = (over: Partial<PaymentLine> & Record<string, unknown>): PaymentLine => ({
  lineId: 'e1#2026-11',
  enrollmentId: 'e1',
  period: '2026-11',
  amountFen: 8000,
  endToEndId: 'B1-1',
  state: 'pending',
  accountChanged: false,
  ...over,
});

describe("the payout screens' rules", () => {
  it('tells the maker from the checker', () => {
    expect([canPlanPayout(OFFICER), canApprovePayout(OFFICER), canActOnPayout(OFFICER)]).toEqual([
      true,
      false,
      true,
    ]);
    expect([canPlanPayout(APPROVER), canApprovePayout(APPROVER), canActOnPayout(APPROVER)]).toEqual([
      false,
      true,
      true,
    ]);
    expect(canActOnPayout(AUDITOR)).toBe(false);
  });

  it('reads a batch again only while the system moves it on its own', () => {
    const moving = BATCH_STATES.filter((state) => batchInFlight({ state }));
    expect(new Set(moving)).toEqual(new Set(['planning', 'approved', 'disbursing']));
    expect(batchInFlight(undefined)).toBe(false);
  });

  it('offers enrolment approval to an approver only, the other actions by status, nothing to a reader', () => {
    expect(enrollmentActionsFor(OFFICER, { status: 'pending-review' })).toEqual(['reject', 'end']);
    expect(enrollmentActionsFor(APPROVER, { status: 'pending-review' })).toEqual([
      'approve',
      'reject',
      'end',
    ]);
    expect(enrollmentActionsFor(OFFICER, { status: 'active' })).toEqual(['suspend', 'end']);
    expect(enrollmentActionsFor(OFFICER, { status: 'suspended', suspensionReason: 'staff' })).toEqual([
      'resume',
      'end',
    ]);
    expect(enrollmentActionsFor(OFFICER, { status: 'suspended', suspensionReason: 'deceased' })).toEqual([
      'end',
    ]);
    expect(enrollmentActionsFor(APPROVER, { status: 'ended' })).toEqual([]);
    expect(enrollmentActionsFor(AUDITOR, { status: 'pending-review' })).toEqual([]);
    expect(statusFrom('active')).toBe('active');
    expect(statusFrom('odd')).toBe('pending-review');
  });

  it('reads the eligibility trail with its nesting and counts the tests that failed', () => {
    const lines = readReasons([
      'fail: all (1 of 2 passed)',
      '  pass: ageYears >= 49 (is 52)',
      '  fail: hukouType = "rural" (is unknown)',
      'amount: 8000 fen for region prefix 33',
    ]);
    expect(lines).toEqual([
      { depth: 0, passed: false, text: 'all (1 of 2 passed)' },
      { depth: 1, passed: true, text: 'ageYears >= 49 (is 52)' },
      { depth: 1, passed: false, text: 'hukouType = "rural" (is unknown)' },
      { depth: 0, passed: undefined, text: 'amount: 8000 fen for region prefix 33' },
    ]);
    expect(failedTests(lines)).toBe(1);
    expect(failedTests(readReasons(['pass: all (1 of 1 passed)', '  pass: alive = true (is true)']))).toBe(0);
  });

  it('reads a pending account change; staff confirm only a counter change, and only as approver', () => {
    const change = pendingChangeOf({
      pendingAccountChange: {
        changeId: 'c1',
        channel: 'counter',
        requestedBy: 'officer-1',
        requestedAt: '2026-11-02T08:00:00Z',
        reason: '原账户已销户',
        account: { accountMasked: '****6025', holderMasked: '李*' },
      },
    });
    expect(change).toMatchObject({ changeId: 'c1', accountMasked: '****6025', reason: '原账户已销户' });
    expect(pendingChangeOf({})).toBeUndefined();
    expect(pendingChangeOf({ pendingAccountChange: { channel: 'app' } })).toBeUndefined();
    if (!change) throw new Error('no change');
    expect(accountDecisionsFor(APPROVER, change)).toEqual(['confirm', 'reject']);
    expect(accountDecisionsFor(OFFICER, change)).toEqual(['reject']);
    expect(accountDecisionsFor(APPROVER, { ...change, channel: 'app' })).toEqual(['reject']);
    expect(accountDecisionsFor(AUDITOR, change)).toEqual([]);
  });

  it('offers batch commands by maker-checker role and state, and calls an approver’s cancel a rejection', () => {
    expect(batchActionsFor(OFFICER, { state: 'planned' })).toEqual(['submit', 'cancel']);
    expect(batchActionsFor(APPROVER, { state: 'planned' })).toEqual(['cancel']);
    expect(batchActionsFor(APPROVER, { state: 'submitted' })).toEqual(['approve', 'cancel']);
    expect(batchActionsFor(OFFICER, { state: 'submitted' })).toEqual(['cancel']);
    expect(batchActionsFor(APPROVER, { state: 'disbursing' })).toEqual([]);
    expect(batchActionsFor(AUDITOR, { state: 'submitted' })).toEqual([]);
    expect(batchActionLabel('cancel', APPROVER, { state: 'submitted' })).toBe('payout.batchAction.reject');
    expect(batchActionLabel('cancel', OFFICER, { state: 'submitted' })).toBe('payout.batchAction.cancel');
    expect(batchActionLabel('approve', APPROVER, { state: 'submitted' })).toBe('payout.batchAction.approve');
  });

  it('has a payment file and takes reports once the batch went to the bank', () => {
    expect(hasPaymentFile({ state: 'approved' })).toBe(false);
    expect(hasPaymentFile({ state: 'disbursing' })).toBe(true);
    expect(canImportReport(OFFICER, { state: 'reconciled' })).toBe(true);
    expect(canImportReport(APPROVER, { state: 'reconciled' })).toBe(false);
    expect(paymentFileName('01JZ/batch')).toBe('pain.001-01JZ_batch.xml');
  });

  it('keeps only known batch filters from the address', () => {
    const search = new URLSearchParams('state=submitted&scheme=rural-reward&period=2026-13&region=330106');
    expect(batchFiltersFrom(search)).toEqual({
      state: 'submitted',
      scheme: 'rural-reward',
      region: '330106',
    });
    expect(batchFiltersFrom(new URLSearchParams('state=odd&period=2026'))).toEqual({ period: '2026' });
  });

  it('reads the ledger in a fixed order, missing buckets as zero', () => {
    const ledger = readLedger({ planned: { count: 3, sumFen: 24000 }, paid: { count: 2, sumFen: 16000 } });
    expect(ledger.map((r) => r.bucket)).toEqual(['planned', 'pending', 'held', 'paid', 'failed']);
    expect(ledger[0]?.tally).toEqual({ count: 3, sumFen: 24000 });
    expect(ledger[1]?.tally).toEqual({ count: 0, sumFen: 0 });
  });

  it("names a line's hold or failure and filters lines by reason and changed account", () => {
    const held = line({ lineId: 'h', state: 'held', holdReason: 'deceased' });
    const returned = line({ lineId: 'r', state: 'failed', failure: { code: 'AC04', returned: true } });
    const rejected = line({ lineId: 'j', state: 'failed', failure: { code: 'AC01', returned: false } });
    const changed = line({ lineId: 'c', accountChanged: true });
    expect(lineReasonOf(held)).toEqual({ kind: 'held', reason: 'deceased' });
    expect(lineReasonOf(returned)).toEqual({ kind: 'returned', code: 'AC04' });
    expect(lineReasonOf(rejected)).toEqual({ kind: 'rejected', code: 'AC01' });
    expect(lineReasonOf(changed)).toBeUndefined();
    const all = [held, returned, rejected, changed];
    expect(filterLines(all, { reason: 'returned' }).map((l) => l.lineId)).toEqual(['r']);
    expect(filterLines(all, { onlyChanged: true }).map((l) => l.lineId)).toEqual(['c']);
    expect(filterLines(all, {})).toHaveLength(4);
    expect(reasonsFor('failed')).toEqual(['rejected', 'returned']);
    expect(reasonsFor('paid')).toEqual([]);
  });

  it("reads the bank's signature file and a scheme's name in either shape", () => {
    expect(readSignature('{"signature":"TUVV\\n","certificate":"-----BEGIN"}')).toEqual({
      signature: 'TUVV',
      certificate: '-----BEGIN',
    });
    expect(readSignature('{"signature":"x"}')).toBeUndefined();
    expect(readSignature('<xml/>')).toBeUndefined();
    const scheme = { code: 'rural-reward', name: { zh: '奖励扶助', en: 'Rural reward' } };
    expect(schemeName(scheme, 'zh-CN')).toBe('奖励扶助');
    expect(schemeName(scheme, 'en')).toBe('Rural reward');
  });
});
