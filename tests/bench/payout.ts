/**
 * Payout disbursement benchmark: a generated province of N beneficiaries of the rural
 * reward scheme (made-up people, each a rural parent of two daughters with an active
 * enrolment and an encrypted bank account) is planned, approved, disbursed through the
 * local bank simulator and reconciled, with the domain code and DynamoDB adapters the
 * functions run, against DynamoDB Local. Each stage is timed; the ceiling is raw
 * conditional PutItem against the same DynamoDB Local at the pipeline's concurrency (one
 * write at a time: the lines of a batch are written in order, many to a transaction, each
 * transaction moving the batch's ledger).
 */
import { dynamoBatchRepository } from '../../functions/payout/adapters/batch-repository';
import { dynamoEnrollmentRepository } from '../../functions/payout/adapters/enrollment-repository';
import { dynamoProjectionRepository } from '../../functions/payout/adapters/projection-repository';
import { EXAMPLE_SCHEMES } from '../../functions/payout/config/schemes.example';
import type { BankRail } from '../../functions/payout/domain/bank-rail';
import { applyBatchCommand, type Batch, ledgerBalances } from '../../functions/payout/domain/batch';
import { nextPartRequest } from '../../functions/payout/domain/batch-parts';
import { disburseBatch } from '../../functions/payout/domain/disburse';
import { planBatch } from '../../functions/payout/domain/plan-batch';
import { startBankSimulator } from '../../local/bank/simulator';
import { newUlid } from '../../shared/domain/ids';
import { type BankCustomer, bankCustomer } from '../support/bank';
import {
  accountFor,
  activeEnrollment,
  ruralParent,
  TEST_ACCOUNTS,
  twoDaughterHousehold,
} from '../support/payout-fixtures';
import { batchWriteAll, recordingClient } from './lib/bulk-seed';
import { conditionalPutCeiling, type Throughput } from './lib/ceilings';
import type { BenchServices } from './lib/local-services';
import { countReads, type ReadCount } from './lib/read-counter';
import { perSecond, ratio, timed } from './lib/stats';
import { countItemWrites } from './lib/write-counter';

/** The client's counts since the last call: item writes, and reads. */
interface Counters {
  take(): { writes: number; reads: ReadCount };
}
const NO_READS: ReadCount = { requests: 0, items: 0 };

const DEBTOR = {
  name: '浙江省奖励扶助资金专户',
  accountNumber: '1202000009000033001',
  bankCode: '999331000001',
};
const SEED_CONCURRENCY = 4;
/** A count per payment, to two decimals. */
const perPayment = (count: number, payments: number) => Math.round((count / payments) * 100) / 100;
/** Beneficiaries whose items are built before they are stored, to bound memory. */
const SEED_SLICE = 2_000;

export interface StageFigure {
  readonly stage: 'planned' | 'approved' | 'disbursed' | 'reconciled';
  readonly ms: number;
  readonly paymentsPerSecond: number;
  /** Payments/s of this stage over the conditional-write ceiling. */
  readonly ratioToCeiling: number;
  /** Table item writes the stage made, counted at the client, per payment. */
  readonly itemWritesPerPayment: number;
  /** Read calls (GetItem, BatchGetItem, Query) the stage made, and the items they answered with, per payment. */
  readonly readRequestsPerPayment: number;
  readonly itemsReadPerPayment: number;
}

export interface PayoutRun {
  readonly size: number;
  readonly seedMs: number;
  readonly stages: StageFigure[];
  /** Of the disbursed stage, time the bank simulator took to answer the file. */
  readonly bankMs: number;
  readonly totalMs: number;
  readonly paymentsPerSecond: number;
  readonly ratioToCeiling: number;
  /** The conditional-put ceiling measured again after seeding, on the table as the pipeline finds it. */
  readonly seededCeiling: Throughput;
  readonly ratioToSeededCeiling: number;
  /** Item writes of the whole pipeline per payment. */
  readonly itemWritesPerPayment: number;
  /** Batches the county was planned as (one unless it is above the batch line cap). */
  readonly parts: number;
  readonly paid: number;
  readonly ledgerBalances: boolean;
}

export interface PayoutResult {
  readonly ceiling: Throughput;
  readonly ceilingConcurrent: Throughput;
  readonly runs: PayoutRun[];
  /** Time of the larger run over time of the smaller, and the size ratio. */
  readonly growth: { readonly sizeRatio: number; readonly timeRatio: number };
}

/**
 * Seeds `size` beneficiaries in their own county (so runs never see each other's people):
 * the repositories build the items, which are then stored a slice at a time in bulk.
 */
async function seed(
  services: BenchServices,
  table: string,
  size: number,
  region: string,
  scheme: string,
): Promise<void> {
  const recorder = recordingClient(services.documents);
  const repos = reposOf({ ...services, documents: recorder.client }, table);
  for (let start = 0; start < size; start += SEED_SLICE) {
    for (let i = start; i < Math.min(size, start + SEED_SLICE); i++) {
      const personId = newUlid();
      await repos.projection.saveIfNewer(
        ruralParent(personId, { hukouRegion: region, residenceRegion: region }),
      );
      await repos.projection.saveHouseholdIfNewer(twoDaughterHousehold(personId));
      await repos.enrollments.create(
        await activeEnrollment({ personId, scheme, fromPeriod: '2026-01', account: accountFor(i), region }),
      );
    }
    await batchWriteAll(services.documents, recorder.take(), SEED_CONCURRENCY);
  }
}

function reposOf(services: Pick<BenchServices, 'documents'>, table: string) {
  return {
    projection: dynamoProjectionRepository(services.documents, table),
    enrollments: dynamoEnrollmentRepository(services.documents, table),
    batches: dynamoBatchRepository(services.documents, table),
  };
}

async function runOnce(
  services: BenchServices,
  table: string,
  size: number,
  region: string,
  ceiling: number,
  ceilingCount: number,
  bank: BankCustomer,
  counters: Counters,
  log: (line: string) => void,
): Promise<PayoutRun> {
  const repos = reposOf(services, table);
  // The bench runs outside vitest, without a deployment's configuration: the example scheme.
  const scheme = EXAMPLE_SCHEMES.find((s) => s.code === 'rural-reward') as (typeof EXAMPLE_SCHEMES)[number];
  log(`payout ${size}: seeding ${size} beneficiaries in ${region}`);
  const seeded = await timed(() => seed(services, table, size, region, scheme.code));
  // The emulator slows as its table fills: the ceiling again, on the table the pipeline meets.
  const seededCeiling = await conditionalPutCeiling(services.dynamodb, table, ceilingCount, 1);
  counters.take();
  // A county above the batch line cap is planned as parts (domain/batch-parts.ts): every
  // part is planned, approved, disbursed and reconciled here, one after another, and each
  // stage's figure is the sum over the parts.
  const written: Record<StageFigure['stage'], number> = {
    planned: 0,
    approved: 0,
    disbursed: 0,
    reconciled: 0,
  };
  const reads: Record<StageFigure['stage'], ReadCount> = {
    planned: NO_READS,
    approved: NO_READS,
    disbursed: NO_READS,
    reconciled: NO_READS,
  };
  const count = (stage: StageFigure['stage']) => {
    const taken = counters.take();
    written[stage] += taken.writes;
    reads[stage] = {
      requests: reads[stage].requests + taken.reads.requests,
      items: reads[stage].items + taken.reads.items,
    };
  };
  const ms: Record<StageFigure['stage'], number> = { planned: 0, approved: 0, disbursed: 0, reconciled: 0 };
  let bankMs = 0;
  let bankAnsweredAt = 0;
  const rail: BankRail = {
    ...bank.rail,
    async submit(id, xml) {
      const started = performance.now();
      const answer = await bank.rail.submit(id, xml);
      bankAnsweredAt = performance.now();
      count('disbursed');
      bankMs += bankAnsweredAt - started;
      return answer;
    },
  };

  const parts: Batch[] = [];
  for (let partNumber: number | undefined = 1; partNumber !== undefined; ) {
    log(`payout ${size}: planning part ${partNumber}`);
    const number: number = partNumber;
    const planned = await timed(() =>
      planBatch(repos, {
        scheme,
        period: '2026-11',
        region,
        partNumber: number,
        by: 'officer-1',
        at: new Date(),
        newId: newUlid,
      }),
    );
    ms.planned += planned.ms;
    count('planned');
    const approved = await timed(async () => {
      const submitted = applyBatchCommand(planned.value, 'submit', { by: 'officer-1', at: new Date() });
      await repos.batches.saveState(submitted, 'planned');
      const ok = applyBatchCommand(submitted, 'approve', { by: 'approver-2', at: new Date() });
      await repos.batches.saveState(ok, 'submitted');
      return ok;
    });
    ms.approved += approved.ms;
    count('approved');
    log(`payout ${size}: disbursing part ${partNumber}`);
    const started = performance.now();
    parts.push(
      (await disburseBatch(
        {
          batches: repos.batches,
          enrollments: repos.enrollments,
          accounts: TEST_ACCOUNTS,
          rail,
          debtor: DEBTOR,
          trust: bank.trust,
          now: () => new Date(),
        },
        approved.value.batchId,
      )) as Batch,
    );
    const ended = performance.now();
    count('reconciled');
    ms.disbursed += bankAnsweredAt - started;
    ms.reconciled += ended - bankAnsweredAt;
    partNumber = nextPartRequest(planned.value)?.part;
  }
  const stage = (s: StageFigure['stage'], ms: number): StageFigure => {
    const rate = perSecond(size, ms);
    return {
      stage: s,
      ms: Math.round(ms),
      paymentsPerSecond: rate,
      ratioToCeiling: ratio(rate, ceiling),
      itemWritesPerPayment: perPayment(written[s], size),
      readRequestsPerPayment: perPayment(reads[s].requests, size),
      itemsReadPerPayment: perPayment(reads[s].items, size),
    };
  };
  const stages = (['planned', 'approved', 'disbursed', 'reconciled'] as const).map((s) => stage(s, ms[s]));
  const totalMs = ms.planned + ms.approved + ms.disbursed + ms.reconciled;
  const rate = perSecond(size, totalMs);
  return {
    size,
    seedMs: Math.round(seeded.ms),
    stages,
    bankMs: Math.round(bankMs),
    totalMs: Math.round(totalMs),
    paymentsPerSecond: rate,
    ratioToCeiling: ratio(rate, ceiling),
    seededCeiling,
    ratioToSeededCeiling: ratio(rate, seededCeiling.perSecond),
    itemWritesPerPayment: perPayment(
      Object.values(written).reduce((sum, count) => sum + count, 0),
      size,
    ),
    parts: parts.length,
    paid: parts.reduce((sum, part) => sum + part.ledger.paid.count, 0),
    ledgerBalances: parts.every((part) => ledgerBalances(part.ledger) && part.state === 'reconciled'),
  };
}

/**
 * Runs the pipeline for `size / 10` and `size` beneficiaries, with the ceilings measured
 * just before on the same table.
 */
export async function benchPayout(
  services: BenchServices,
  options: { size: number; ceilingCount: number; log: (line: string) => void },
): Promise<PayoutResult> {
  const resources = await services.provision('21');
  const table = resources.tables.payout;
  // Schema validation is the bank's cost, not jiahe's: the simulator skips it here.
  const simulator = await startBankSimulator({ validate: false });
  const bank = await bankCustomer(simulator);
  try {
    options.log('payout: conditional PutItem ceiling');
    const ceiling = await conditionalPutCeiling(services.dynamodb, table, options.ceilingCount, 1);
    const ceilingConcurrent = await conditionalPutCeiling(services.dynamodb, table, options.ceilingCount, 8);
    const small = Math.max(10, Math.round(options.size / 10));
    const writes = countItemWrites(services.dynamodb);
    const readCounter = countReads(services.dynamodb);
    const counters: Counters = { take: () => ({ writes: writes.take(), reads: readCounter.take() }) };
    // Counties of Hangzhou: a region each, so each run's batch holds only its own people.
    const runs = [
      await runOnce(
        services,
        table,
        small,
        '330102',
        ceiling.perSecond,
        options.ceilingCount,
        bank,
        counters,
        options.log,
      ),
      await runOnce(
        services,
        table,
        options.size,
        '330105',
        ceiling.perSecond,
        options.ceilingCount,
        bank,
        counters,
        options.log,
      ),
    ];
    const [a, b] = runs as [PayoutRun, PayoutRun];
    return {
      ceiling,
      ceilingConcurrent,
      runs,
      growth: { sizeRatio: ratio(b.size, a.size), timeRatio: ratio(b.totalMs, a.totalMs) },
    };
  } finally {
    await simulator.stop();
  }
}
