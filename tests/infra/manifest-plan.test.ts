import { describe, expect, it } from 'vitest';
import { manifests } from '../../functions/manifests';
import { planManifests } from '../../infra/constructs/manifest-plan';
import {
  type AreaManifest,
  DEFAULT_THROTTLES,
  FALLBACK_THROTTLE,
  type FunctionSpec,
  routesOf,
} from '../../shared/manifest';

const fn = (name: string, extra: Partial<FunctionSpec> = {}): FunctionSpec => ({
  name,
  description: name,
  entry: `functions/${name}.ts`,
  memoryMb: 128,
  timeoutSeconds: 3,
  tables: [],
  sends: [],
  ...extra,
});

const area = (
  name: AreaManifest['area'],
  functions: FunctionSpec[],
  extra: Partial<AreaManifest> = {},
): AreaManifest => ({
  area: name,
  table: { stream: false, indexes: [] },
  queues: [],
  functions,
  ...extra,
});

describe('planManifests', () => {
  it('accepts the project manifests', () => {
    const plan = planManifests(manifests);
    expect(plan.queues.map((q) => q.spec.name)).toEqual(
      manifests.flatMap((m) => m.queues.map((q) => q.name)),
    );
    expect([...plan.secrets].sort()).toEqual([
      'cursor-key',
      'exchange-signing-keys',
      'payout-bank-ca',
      'payout-bank-client',
      'payout-encryption-key',
      'payout-fingerprint-key',
      'person-ref-key',
      'resident-id-encryption-key',
      'resident-id-hash-key',
    ]);
  });

  it('adds one ANY route per distinct path of a function', () => {
    const plan = planManifests([
      area('registry', [
        fn('a', {
          routes: [
            { method: 'GET', path: '/x', roles: ['auditor'] },
            { method: 'POST', path: '/x', roles: ['registrar'] },
            { method: 'GET', path: '/y/{id}', roles: [], public: true },
          ],
        }),
      ]),
    ]);
    expect(plan.routes.get('a')?.map((r) => `${r.routeKey} ${r.authorized}`)).toEqual([
      'GET /x true',
      'POST /x true',
      'GET /y/{id} false',
      'ANY /x true',
      'ANY /y/{id} false',
    ]);
  });

  it('puts each route behind the authorizer of its audience, with its throttle', () => {
    const plan = planManifests([
      area('registry', [
        fn('a', {
          routes: [
            { method: 'GET', path: '/me/x', roles: ['citizen'] },
            { method: 'GET', path: '/x', roles: ['registrar'], throttle: { rate: 5, burst: 10 } },
            { method: 'GET', path: '/open', roles: [], public: true },
          ],
        }),
      ]),
    ]);
    expect(
      plan.routes
        .get('a')
        ?.map((r) => [r.routeKey, r.authorizer ?? 'none', r.throttle.rate, r.throttle.burst]),
    ).toEqual([
      ['GET /me/x', 'citizen', DEFAULT_THROTTLES.citizen.rate, DEFAULT_THROTTLES.citizen.burst],
      ['GET /x', 'staff', 5, 10],
      ['GET /open', 'none', DEFAULT_THROTTLES.public.rate, DEFAULT_THROTTLES.public.burst],
      ['ANY /me/x', 'citizen', FALLBACK_THROTTLE.rate, FALLBACK_THROTTLE.burst],
      ['ANY /x', 'staff', FALLBACK_THROTTLE.rate, FALLBACK_THROTTLE.burst],
      ['ANY /open', 'none', FALLBACK_THROTTLE.rate, FALLBACK_THROTTLE.burst],
    ]);
  });

  it('admits citizens or staff on a route, never both, in the project manifests too', () => {
    rejects(
      [
        area('payout', [
          fn('a', { routes: [{ method: 'POST', path: '/x', roles: ['citizen', 'payout-officer'] }] }),
        ]),
      ],
      /POST \/x admits both citizens and staff; split it into two routes/,
    );
    for (const { route } of routesOf(manifests)) {
      const citizen = route.roles.includes('citizen');
      expect(citizen && route.roles.length > 1, `${route.method} ${route.path}`).toBe(false);
    }
  });

  it('rejects a throttle API Gateway would not take', () => {
    for (const throttle of [
      { rate: 0, burst: 10 },
      { rate: 20, burst: 10 },
      { rate: 1, burst: 0.5 },
    ]) {
      rejects(
        [
          area('registry', [
            fn('a', { routes: [{ method: 'GET', path: '/x', roles: ['auditor'], throttle }] }),
          ]),
        ],
        /has a throttle that is not a positive rate within its burst/,
      );
    }
  });

  const rejects = (manifestSet: AreaManifest[], message: RegExp): void => {
    expect(() => planManifests(manifestSet)).toThrow(message);
  };

  it('rejects a keys-only index the table does not have', () => {
    rejects(
      [area('registry', [], { table: { stream: false, indexes: ['gsi1'], keysOnly: ['gsi2'] } })],
      /registry: keys-only index gsi2 is not an index of the table/,
    );
  });

  it('rejects a route key served twice', () => {
    const route = { method: 'GET', path: '/x', roles: ['auditor'] } as const;
    rejects(
      [area('registry', [fn('a', { routes: [route] }), fn('b', { routes: [route] })])],
      /route GET \/x is served by both a and b/,
    );
  });

  it('rejects two functions on one path (the ANY fallback needs one owner)', () => {
    rejects(
      [
        area('registry', [
          fn('a', { routes: [{ method: 'GET', path: '/x', roles: ['auditor'] }] }),
          fn('b', { routes: [{ method: 'POST', path: '/x', roles: ['registrar'] }] }),
        ]),
      ],
      /path \/x is served by both a and b/,
    );
  });

  it('rejects non-public routes without roles', () => {
    rejects(
      [area('registry', [fn('a', { routes: [{ method: 'GET', path: '/x', roles: [] }] })])],
      /neither public nor role-restricted/,
    );
  });

  it('rejects queues no manifest declares, and consuming another area’s queue', () => {
    rejects(
      [area('registry', [fn('a', { sends: [{ queue: 'nowhere', access: 'send' }] })])],
      /queue nowhere is not declared/,
    );
    rejects(
      [
        area('registry', [fn('a', { queue: { queue: 'q', batchSize: 1, maxConcurrency: 2 } })]),
        area('payout', [], {
          queues: [{ name: 'q', visibilityTimeoutSeconds: 30, maxReceiveCount: 3, retentionDays: 1 }],
        }),
      ],
      /consumes q, which belongs to payout/,
    );
  });

  it('rejects touching another area’s table and foreign or disabled streams', () => {
    rejects(
      [area('registry', [fn('a', { tables: [{ table: 'payout', access: 'read' }] })]), area('payout', [])],
      /may not touch table payout/,
    );
    rejects(
      [
        area('registry', [fn('a', { stream: { table: 'payout', batchSize: 1, retryAttempts: 1 } })]),
        area('payout', []),
      ],
      /its own table's stream/,
    );
    rejects(
      [area('registry', [fn('a', { stream: { table: 'registry', batchSize: 1, retryAttempts: 1 } })])],
      /stream, which is off/,
    );
  });

  it('rejects a third reader of a table stream, which Streams would throttle', () => {
    const reader = (name: string) =>
      fn(name, { stream: { table: 'registry', batchSize: 1, retryAttempts: 1 } });
    const streamed = { table: { stream: true, indexes: [] } };
    rejects(
      [area('registry', [reader('a'), reader('b'), reader('c')], streamed)],
      /3 functions read its table stream \(a, b, c\); at most two/,
    );
    expect(() => planManifests([area('registry', [reader('a'), reader('b')], streamed)])).not.toThrow();
  });

  it('rejects duplicate names', () => {
    rejects([area('registry', [fn('a'), fn('a')])], /function name a is used more than once/);
    rejects([area('registry', []), area('registry', [])], /area registry has more than one manifest/);
  });
});
