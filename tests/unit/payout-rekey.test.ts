import { describe, expect, it } from 'vitest';
import type { BankAccount, Enrollment } from '../../functions/payout/domain/enrollment';
import type { BankAccountVault, Page } from '../../functions/payout/domain/ports';
import { type RekeyPorts, type RekeyRun, rekeyBankAccounts } from '../../functions/payout/domain/rekey';

/**
 * In-memory stand-ins for the table and the vault: the vault "seals" as `<key>:<record>:<value>`,
 * so the rules of the procedure (pages, places, conditions, passes) are tested apart from
 * cryptography, which tests/unit/field-envelope.test.ts covers, and DynamoDB, which
 * tests/integration/payout-field-keys.test.ts covers.
 */
function world(stored: { id: string; sealed: string }[], current = 'B') {
  const rows = new Map(stored.map(({ id, sealed }) => [id, { sealed, version: 1 }]));
  const runs = new Map<string, RekeyRun>();
  const hooks: { beforeReseal?: (id: string) => void } = {};
  const enrollmentOf = (id: string): Enrollment =>
    ({
      enrollmentId: id,
      version: rows.get(id)?.version,
      bankAccount: { encrypted: rows.get(id)?.sealed, accountMasked: '', holderMasked: '' },
    }) as unknown as Enrollment;
  const accounts: BankAccountVault = {
    currentKeyId: current,
    async seal(account, id) {
      return `${current}:${id}:${account.accountNumber}`;
    },
    async open(e) {
      const [key, record, number] = e.bankAccount.encrypted.split(':');
      if (record !== e.enrollmentId || !['A', 'B'].includes(key ?? '')) throw new Error('does not open');
      return { accountNumber: number, holderName: '王芳', bankCode: '999331000002' } as BankAccount;
    },
    async openMany(es) {
      return Promise.all(es.map((e) => this.open(e)));
    },
    keyIdOf: (e) => e.bankAccount.encrypted.split(':')[0] as string,
  };
  const ports: RekeyPorts = {
    accounts,
    enrollments: {
      async scanAll({ cursor, limit }): Promise<Page<Enrollment>> {
        const ids = [...rows.keys()].sort();
        const start = cursor ? ids.indexOf(cursor) + 1 : 0;
        const page = ids.slice(start, start + limit);
        const next = start + limit < ids.length ? page[page.length - 1] : undefined;
        return { items: page.map(enrollmentOf), ...(next ? { cursor: next } : {}) };
      },
      async resealAccount({ enrollmentId, version, from, to }) {
        hooks.beforeReseal?.(enrollmentId);
        const row = rows.get(enrollmentId);
        if (!row || row.version !== version || row.sealed !== from) return false;
        rows.set(enrollmentId, { sealed: to, version: version + 1 });
        return true;
      },
    },
    progress: {
      find: async (target) => runs.get(target),
      save: async (run) => {
        runs.set(run.targetKeyId, run);
      },
    },
    now: () => new Date('2026-03-10T02:00:00.000Z'),
  };
  return { rows, ports, hooks };
}

const pages = (n: number) => {
  let left = n;
  return () => left-- > 0;
};

describe('re-sealing bank accounts', () => {
  it('moves every account to the current key, page by page across invocations, then is done', async () => {
    const w = world(Array.from({ length: 7 }, (_, i) => ({ id: `e${i}`, sealed: `A:e${i}:62220000${i}` })));
    const first = await rekeyBankAccounts(w.ports, { pageSize: 3, mayContinue: pages(1) });
    expect(first).toMatchObject({ done: false, resealed: 3, cursor: 'e2' });
    let run = first;
    for (let n = 0; n < 10 && !run.done; n++)
      run = await rekeyBankAccounts(w.ports, { pageSize: 3, mayContinue: pages(1) });
    expect(run).toMatchObject({ done: true, pass: 2, byKey: { B: 7 }, resealed: 0 });
    for (const [id, row] of w.rows) expect(row.sealed).toBe(`B:${id}:62220000${id.slice(1)}`);
  });

  it('leaves an account that changed meanwhile to the next pass, never writing the old one back', async () => {
    const w = world([
      { id: 'e1', sealed: 'A:e1:1111111111' },
      { id: 'e2', sealed: 'A:e2:2222222222' },
    ]);
    w.hooks.beforeReseal = (id) => {
      if (id !== 'e2') return;
      w.hooks.beforeReseal = undefined;
      // Staff change the account between the procedure's read and its write.
      w.rows.set('e2', { sealed: 'A:e2:9999999999', version: 2 });
    };
    const run = await rekeyBankAccounts(w.ports, { pageSize: 10, mayContinue: () => true });
    expect(run.done).toBe(true);
    expect(run.pass).toBe(3);
    expect(w.rows.get('e2')?.sealed).toBe('B:e2:9999999999');
  });

  it('stops at the end of a pass with accounts that do not open, and names them', async () => {
    const w = world([
      { id: 'e1', sealed: 'A:e1:1111111111' },
      // Copied from another enrolment: bound to e1, so it does not open for e2.
      { id: 'e2', sealed: 'A:e1:1111111111' },
    ]);
    const run = await rekeyBankAccounts(w.ports, { pageSize: 10, mayContinue: () => true });
    expect(run).toMatchObject({ done: false, failedCount: 1, failed: ['e2'], resealed: 1 });
    expect(w.rows.get('e2')?.sealed).toBe('A:e1:1111111111');
    // Once corrected, the next invocation starts a new pass and finishes.
    w.rows.set('e2', { sealed: 'B:e2:2222222222', version: 2 });
    const again = await rekeyBankAccounts(w.ports, { pageSize: 10, mayContinue: () => true });
    expect(again).toMatchObject({ done: true, failedCount: 0, pass: 2 });
  });

  it('moves accounts in the former format with the former key, and fails them without it', async () => {
    const former = [{ id: 'e1', sealed: 'enc:v1:whatever' }];
    const without = world(former);
    expect(await rekeyBankAccounts(without.ports, { pageSize: 10, mayContinue: () => true })).toMatchObject({
      failedCount: 1,
      byKey: { 'former:payout-encryption-key': 1 },
    });
    const w = world(former);
    const run = await rekeyBankAccounts(
      {
        ...w.ports,
        openFormer: () => ({ accountNumber: '3333333333', holderName: '王芳', bankCode: '999331000002' }),
      },
      { pageSize: 10, mayContinue: () => true },
    );
    expect(run.done).toBe(true);
    expect(w.rows.get('e1')?.sealed).toBe('B:e1:3333333333');
  });
});

describe('re-sealing every account an enrolment holds', () => {
  it('moves the earlier accounts and a pending change too, each write on the version the last left', async () => {
    const w = world([{ id: 'e1', sealed: 'A:e1:622200001' }]);
    // The same enrolment also holds an earlier account and a change waiting for a second person.
    const places = new Map([
      ['earlierAccounts[0].account', 'A:e1:622200000'],
      ['pendingAccountChange.account', 'A:e1:622200002'],
    ]);
    const scanAll = w.ports.enrollments.scanAll;
    const resealMain = w.ports.enrollments.resealAccount;
    const withPlaces = async (query: Parameters<typeof scanAll>[0]) => {
      const page = await scanAll(query);
      return {
        ...page,
        items: page.items.map((e) => ({
          ...e,
          earlierAccounts: [
            { account: { ...e.bankAccount, encrypted: places.get('earlierAccounts[0].account') ?? '' } },
          ],
          pendingAccountChange: {
            changeId: 'c1',
            channel: 'counter' as const,
            requestedBy: 'officer-1',
            requestedAt: '2026-03-01T02:00:00.000Z',
            account: { ...e.bankAccount, encrypted: places.get('pendingAccountChange.account') ?? '' },
          },
        })),
      };
    };
    const versions: number[] = [];
    const ports: RekeyPorts = {
      ...w.ports,
      enrollments: {
        scanAll: withPlaces,
        async resealAccount(change) {
          versions.push(change.version);
          if (change.path === 'bankAccount') return resealMain(change);
          const row = w.rows.get(change.enrollmentId);
          if (!row || row.version !== change.version || places.get(change.path) !== change.from) return false;
          places.set(change.path, change.to);
          w.rows.set(change.enrollmentId, { ...row, version: row.version + 1 });
          return true;
        },
      },
    };
    const run = await rekeyBankAccounts(ports, { pageSize: 10, mayContinue: pages(5) });
    expect(run).toMatchObject({ done: true, failedCount: 0 });
    expect(versions.slice(0, 3)).toEqual([1, 2, 3]);
    expect(w.rows.get('e1')?.sealed).toBe('B:e1:622200001');
    expect([...places.values()]).toEqual(['B:e1:622200000', 'B:e1:622200002']);
  });
});
