/**
 * Payment-file memory benchmark: `tsx tests/bench/payment-file.ts --lines N --mode streamed|whole|answer`
 * prints one JSON result; `run.ts` runs each mode in a fresh process, side by side.
 *
 * What it measures: the peak resident memory of a process that builds the pain.001 file of
 * a batch of N sent lines and hands it on, against the disburser's 512 MB. `streamed` is
 * the deployed `paymentFileOf(...).text()`; `whole` is the design it replaced (kept here
 * for comparison): every line, enrolment and opened account read into memory, then the
 * document built as one string. Both digests are printed: the two designs must give the
 * same bytes. `answer` is the streamed file as the payment-file route answers it, gzip-compressed
 * and base64-encoded (shared/http/gzip-text.ts), and prints that answer's size, against the
 * 6 MB a function may answer.
 *
 * Stand-ins, and why: the lines and enrolments come from generators that make each page
 * when it is asked for (as DynamoDB hands out a page), so the process holds no table and
 * the figure is the builder's own. Enrolments are sealed as they are made; accounts are
 * opened by the real vault (AES-GCM field envelope, local keys). The file goes to a sink
 * that hashes and counts it, where the bank rail writes it to a socket.
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { accountInForce, sealBankAccount } from '../../functions/payout/domain/bank-account';
import type { Batch, PaymentLine } from '../../functions/payout/domain/batch';
import { type PaymentFilePorts, paymentFileOf } from '../../functions/payout/domain/disburse';
import type { Enrollment } from '../../functions/payout/domain/enrollment';
import { buildPain001, type CreditTransfer } from '../../functions/payout/domain/iso20022';
import { endToEndIdOf } from '../../functions/payout/domain/planning';
import { decodeCursor, encodeCursor } from '../../shared/http/cursor';
import { gzipBase64 } from '../../shared/http/gzip-text';
import { accountFor, ruralParent, TEST_ACCOUNTS, TEST_FINGERPRINT_KEY } from '../support/payout-fixtures';

const { values } = parseArgs({
  options: { lines: { type: 'string', default: '100000' }, mode: { type: 'string', default: 'streamed' } },
});
const count = Number(values.lines);
const mode = values.mode;
if (!Number.isInteger(count) || count < 1)
  throw new Error(`--lines must be a positive integer, got ${values.lines}`);
if (mode !== 'streamed' && mode !== 'whole' && mode !== 'answer')
  throw new Error(`--mode must be streamed, whole or answer, got ${mode}`);

const AMOUNT_FEN = 12_000;
const PERIOD = '2026-11';
const batchId = '01JD0000000000000000000000';
const enrollmentIdOf = (i: number) => `01JE${String(i).padStart(22, '0')}`;
const personIdOf = (i: number) => `01JP${String(i).padStart(22, '0')}`;

/** Line i of the batch, as planning writes it (facts included) and disbursing leaves it: sent. */
function lineOf(i: number): PaymentLine {
  const enrollmentId = enrollmentIdOf(i);
  const paymentKey = `rural-reward#${PERIOD}#${personIdOf(i)}`;
  return {
    batchId,
    lineId: `${enrollmentId}#${PERIOD}`,
    enrollmentId,
    personId: personIdOf(i),
    scheme: 'rural-reward',
    period: PERIOD,
    region: '330106',
    amountFen: AMOUNT_FEN,
    ruleVersion: 1,
    state: 'sent',
    paymentKey,
    attempt: 1,
    endToEndId: endToEndIdOf(paymentKey, 1),
    accountFingerprint: 'f'.repeat(64),
    accountChanged: false,
    facts: ruralParent(personIdOf(i)),
    reasons: ['age 62 ≥ 60', 'rural hukou', 'two daughters'],
    updatedAt: '2026-11-20T08:00:00.000Z',
  };
}

async function enrollmentOf(i: number): Promise<Enrollment> {
  const enrollmentId = enrollmentIdOf(i);
  const at = '2026-01-01T00:00:00.000Z';
  return {
    enrollmentId,
    scheme: 'rural-reward',
    personId: personIdOf(i),
    region: '330106',
    hukouRegion: '330106',
    residenceRegion: '330106',
    status: 'active',
    fromPeriod: '2026-01',
    bankAccount: await sealBankAccount(
      { accounts: TEST_ACCOUNTS, fingerprintKey: TEST_FINGERPRINT_KEY },
      accountFor(i),
      enrollmentId,
    ),
    channel: 'counter',
    eligibility: { reasons: [] },
    version: 1,
    createdAt: at,
    updatedAt: at,
    actions: [{ type: 'approved', by: 'officer', at }],
  };
}

const ports: PaymentFilePorts = {
  batches: {
    async lines(_batchId, { cursor, limit }) {
      const from = Number(decodeCursor(cursor)?.next ?? 0);
      const to = Math.min(count, from + (limit ?? 100));
      const items = Array.from({ length: to - from }, (_, k) => lineOf(from + k));
      const next = to < count ? encodeCursor({ next: to }) : undefined;
      return { items, ...(next ? { cursor: next } : {}) };
    },
  },
  enrollments: {
    async findMany(ids) {
      const found = await Promise.all(ids.map((id) => enrollmentOf(Number(id.slice(4)))));
      return new Map(found.map((e) => [e.enrollmentId, e]));
    },
  },
  accounts: TEST_ACCOUNTS,
  debtor: { name: '浙江省奖励扶助资金专户', accountNumber: '1202000009000033001', bankCode: '999331000001' },
};

const at = '2026-11-20T08:00:00.000Z';
const sent = { count, sumFen: count * AMOUNT_FEN };
const none = { count: 0, sumFen: 0 };
const batch: Batch = {
  batchId,
  scheme: 'rural-reward',
  period: PERIOD,
  region: '330106',
  state: 'disbursing',
  ruleVersion: 1,
  control: sent,
  ledger: { planned: sent, pending: sent, held: none, paid: none, failed: none },
  plannedBy: 'officer',
  submittedBy: 'officer',
  approvedBy: 'approver',
  approvedAt: at,
  version: 4,
  createdAt: at,
  updatedAt: at,
  actions: [],
};

/** The design before: the whole batch in memory, then the document as one string. */
async function* wholeFile(): AsyncGenerator<string> {
  const lines: PaymentLine[] = [];
  let cursor: string | undefined;
  do {
    const page = await ports.batches.lines(batchId, { limit: 100, ...(cursor ? { cursor } : {}) });
    lines.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  const enrollments: Enrollment[] = [];
  for (let i = 0; i < lines.length; i += 500) {
    const group = lines.slice(i, i + 500);
    const found = await ports.enrollments.findMany(group.map((l) => l.enrollmentId));
    for (const line of group) enrollments.push(found.get(line.enrollmentId) as Enrollment);
  }
  const accounts = await ports.accounts.openMany(
    enrollments.map((e) => ({ enrollmentId: e.enrollmentId, bankAccount: accountInForce(e, PERIOD) })),
  );
  const transfers: CreditTransfer[] = lines.map((line, k) => ({
    endToEndId: line.endToEndId,
    amountFen: line.amountFen,
    creditorName: accounts[k]?.holderName ?? '',
    creditorAccount: accounts[k]?.accountNumber ?? '',
    creditorBankCode: accounts[k]?.bankCode ?? '',
    remittance: `${line.scheme} ${line.period}`,
  }));
  yield await buildPain001({
    messageId: batchId,
    createdAt: at.slice(0, 19),
    executionDate: at.slice(0, 10),
    debtor: ports.debtor,
    transfers,
  });
}

const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
const started = performance.now();
const digest = createHash('sha256');
let bytes = 0;
const text = mode === 'whole' ? wholeFile() : paymentFileOf(ports, batch).text();
async function* counted(): AsyncGenerator<string> {
  for await (const chunk of text) {
    digest.update(chunk);
    bytes += Buffer.byteLength(chunk);
    yield chunk;
  }
}
let answerBytes: number | undefined;
if (mode === 'answer') answerBytes = (await gzipBase64(counted())).length;
else for await (const _ of counted());
const ms = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({
    mode,
    lines: count,
    bytes,
    ...(answerBytes === undefined ? {} : { answerBytes, answerCeilingBytes: 6 * 2 ** 20 }),
    sha256: digest.digest('hex'),
    ms: Math.round(ms),
    baselineRssMb: Math.round(baselineRssMb),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    ceilingMb: 512,
  })}\n`,
);
