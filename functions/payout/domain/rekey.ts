import type { BankAccount, Enrollment } from './enrollment';
import type { BankAccountVault, EnrollmentRepository } from './ports';

/** The former format: AES-256-GCM under a key derived from a secret, before envelope encryption. */
export const FORMER_FORMAT_PREFIX = 'enc:v1:';
/** How the former format is named among key ids in a rekey run's counts. */
export const FORMER_KEY_ID = 'former:payout-encryption-key';

/**
 * One re-sealing pass over every enrolment towards one target key, as stored between
 * invocations. A pass that finds every account already under the target key, with nothing
 * changed meanwhile and nothing failed, marks the run done: then no account needs any
 * other key, and the keys being retired can go.
 */
export interface RekeyRun {
  readonly targetKeyId: string;
  /** Where the pass goes on; absent at the start of a pass. */
  readonly cursor?: string;
  readonly pass: number;
  /** Enrolments examined in this pass, by the key their account was sealed under. */
  readonly byKey: Readonly<Record<string, number>>;
  readonly resealed: number;
  /** Enrolments that changed between read and re-seal: looked at again in the next pass. */
  readonly changedMeanwhile: number;
  /** Enrolments whose account would not open (at most 100 ids kept): an operator looks at them. */
  readonly failed: readonly string[];
  readonly failedCount: number;
  readonly done: boolean;
  readonly startedAt: string;
  readonly updatedAt: string;
}

export interface RekeyProgressStore {
  find(targetKeyId: string): Promise<RekeyRun | undefined>;
  save(run: RekeyRun): Promise<void>;
}

export interface RekeyPorts {
  readonly enrollments: Pick<EnrollmentRepository, 'scanAll' | 'resealAccount'>;
  readonly accounts: BankAccountVault;
  /** Opens an account in the former format, when the former key is at hand. */
  readonly openFormer?: (encrypted: string) => BankAccount;
  readonly progress: RekeyProgressStore;
  readonly now: () => Date;
}

export interface RekeyOptions {
  /** Enrolments read per page. */
  readonly pageSize: number;
  /** Whether another page fits in the time left (the function's timeout less a margin). */
  readonly mayContinue: () => boolean;
}

const MAX_FAILED_IDS = 100;

const freshPass = (targetKeyId: string, pass: number, at: string, startedAt = at): RekeyRun => ({
  targetKeyId,
  pass,
  byKey: {},
  resealed: 0,
  changedMeanwhile: 0,
  failed: [],
  failedCount: 0,
  done: false,
  startedAt,
  updatedAt: at,
});

/**
 * Re-seals every enrolment's bank account under the vault's current key, page by page,
 * saving its place after each page, until `mayContinue` says stop: invoked again, it goes
 * on where it stopped. Each re-seal is conditional on the account and version read, so
 * running twice, or beside staff editing enrolments, never loses or reverts an account.
 * Accounts still in the former format are opened with the former key and re-sealed too.
 */
export async function rekeyBankAccounts(ports: RekeyPorts, options: RekeyOptions): Promise<RekeyRun> {
  const target = ports.accounts.currentKeyId;
  const at = () => ports.now().toISOString();
  let run = (await ports.progress.find(target)) ?? freshPass(target, 1, at());
  // A pass that ended with failures is tried again from the start once someone has looked.
  if (!run.done && !run.cursor && run.failedCount > 0)
    run = freshPass(target, run.pass + 1, at(), run.startedAt);
  while (!run.done && options.mayContinue()) {
    const page = await ports.enrollments.scanAll({
      limit: options.pageSize,
      ...(run.cursor ? { cursor: run.cursor } : {}),
    });
    const byKey = { ...run.byKey };
    let { resealed, changedMeanwhile, failedCount } = run;
    const failed = [...run.failed];
    for (const enrollment of page.items) {
      const outcomes = await resealEnrollment(ports, enrollment, target);
      for (const outcome of outcomes) {
        byKey[outcome.keyId] = (byKey[outcome.keyId] ?? 0) + 1;
        if (outcome.result === 'resealed') resealed += 1;
        if (outcome.result === 'changed') changedMeanwhile += 1;
      }
      if (outcomes.some((o) => o.result === 'failed')) {
        failedCount += 1;
        if (failed.length < MAX_FAILED_IDS) failed.push(enrollment.enrollmentId);
      }
    }
    const { cursor: _previous, ...rest } = run;
    run = {
      ...rest,
      byKey,
      resealed,
      changedMeanwhile,
      failed,
      failedCount,
      updatedAt: at(),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    };
    if (!page.cursor) {
      // End of a pass: clean means every account was under the target key already.
      const clean = resealed === 0 && changedMeanwhile === 0 && failedCount === 0;
      run = clean
        ? { ...run, done: true }
        : failedCount > 0
          ? run
          : freshPass(target, run.pass + 1, at(), run.startedAt);
      await ports.progress.save(run);
      // A pass with failures stops: re-running it would fail the same way until someone looks.
      if (failedCount > 0) return run;
      continue;
    }
    await ports.progress.save(run);
  }
  return run;
}

type ResealOutcome = { keyId: string; result: 'current' | 'resealed' | 'changed' | 'failed' };

/**
 * Every sealed account an enrolment holds, with its place in the item: the account in force,
 * the earlier accounts that still pay periods planned before a change, and a change waiting
 * for its second person.
 */
function sealedAccountsOf(enrollment: Enrollment): { path: string; encrypted: string }[] {
  return [
    { path: 'bankAccount', encrypted: enrollment.bankAccount.encrypted },
    ...(enrollment.earlierAccounts ?? []).map((earlier, i) => ({
      path: `earlierAccounts[${i}].account`,
      encrypted: earlier.account.encrypted,
    })),
    ...(enrollment.pendingAccountChange
      ? [
          {
            path: 'pendingAccountChange.account',
            encrypted: enrollment.pendingAccountChange.account.encrypted,
          },
        ]
      : []),
  ];
}

/**
 * Re-seals each sealed account of one enrolment in turn, each write moving the version on;
 * stops at the first that changed meanwhile (the next pass reads it again).
 */
async function resealEnrollment(
  ports: RekeyPorts,
  enrollment: Enrollment,
  target: string,
): Promise<ResealOutcome[]> {
  const outcomes: ResealOutcome[] = [];
  let version = enrollment.version;
  for (const sealed of sealedAccountsOf(enrollment)) {
    const outcome = await resealOne(ports, enrollment.enrollmentId, version, sealed, target);
    outcomes.push(outcome);
    if (outcome.result === 'resealed') version += 1;
    if (outcome.result === 'changed') break;
  }
  return outcomes;
}

async function resealOne(
  ports: RekeyPorts,
  enrollmentId: string,
  version: number,
  sealed: { path: string; encrypted: string },
  target: string,
): Promise<ResealOutcome> {
  const from = sealed.encrypted;
  const former = from.startsWith(FORMER_FORMAT_PREFIX);
  const holder = { enrollmentId, bankAccount: { encrypted: from } };
  let keyId: string;
  try {
    keyId = former ? FORMER_KEY_ID : ports.accounts.keyIdOf(holder);
  } catch {
    return { keyId: 'unreadable', result: 'failed' };
  }
  if (keyId === target) return { keyId, result: 'current' };
  let account: BankAccount;
  try {
    if (former) {
      if (!ports.openFormer) return { keyId, result: 'failed' };
      account = ports.openFormer(from);
    } else {
      account = await ports.accounts.open(holder);
    }
  } catch {
    return { keyId, result: 'failed' };
  }
  const to = await ports.accounts.seal(account, enrollmentId);
  const ok = await ports.enrollments.resealAccount({ enrollmentId, version, path: sealed.path, from, to });
  return { keyId, result: ok ? 'resealed' : 'changed' };
}
