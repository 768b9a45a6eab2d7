import { importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests } from '../../functions/manifests';
import { ROLES, type Role, routesOf } from '../../shared/manifest';
import {
  AUTHORIZATION_MATRIX,
  expectedOutcome,
  FAMILY_CELLS,
  FAMILY_EXPECTATIONS,
  type FamilyCell,
  type Outcome,
  type RegionCell,
  type RouteRule,
  SCOPE_CELLS,
  type ScopeKind,
  scopeExpectation,
  TOKEN_CELLS,
  type TokenCell,
} from './authorization-matrix';
import { startApiProvince } from './support/api-province';
import { familyWorld, SIGNED_IN } from './support/family-world';
import { recordFigures } from './support/figures';
import { captureProcessOutput, scanForLeaks } from './support/leaks';
import { type RouteRequest, routeWorld, WORLD_COUNTY } from './support/route-world';

const ISOLATION = '11';
/** Where the caller of each region cell sits, for records in WORLD_COUNTY (Binjiang, Hangzhou). */
const REGION_CELL_REGIONS: Record<RegionCell, string> = {
  'own-region': WORLD_COUNTY,
  'child-region': '330100',
  'other-region': '330200',
};
/** The province-wide routes' cells: the province itself, one of its prefectures, the county. */
const PROVINCE_CELL_REGIONS: Record<keyof typeof SCOPE_CELLS.province, string> = {
  province: '330000',
  prefecture: '330100',
  county: WORLD_COUNTY,
};
const PROVINCE = '33';
const PROBLEM_KEYS = ['detail', 'instance', 'status', 'title', 'type'];

const routes = routesOf(manifests).map(({ route }) => ({ key: `${route.method} ${route.path}`, route }));

describe('the authorization matrix agrees with the manifests', () => {
  it('lists every route, and only routes that exist', () => {
    expect(Object.keys(AUTHORIZATION_MATRIX).sort()).toEqual(routes.map((r) => r.key).sort());
  });

  it.each(routes)('$key admits exactly the roles the manifest names', ({ key, route }) => {
    const rule = AUTHORIZATION_MATRIX[key];
    expect(rule?.scope === 'public').toBe(route.public === true);
    expect(rule?.scope === 'province').toBe(route.scope === 'province');
    expect([...(rule?.roles ?? [])].sort()).toEqual([...route.roles].sort());
  });
});

describe('the running API answers every cell of the matrix', () => {
  let api: Awaited<ReturnType<typeof startApiProvince>>;
  let capture: ReturnType<typeof captureProcessOutput>;
  let world: Awaited<ReturnType<typeof routeWorld>>;
  const tokens = new Map<Role | TokenCell, string | undefined>();
  const cells = { checked: 0, disagreed: 0, deniedWithData: 0 };
  /** Every response body of the suite, scanned for unmasked resident IDs, accounts and tokens. */
  const responses: string[] = [];

  beforeAll(async () => {
    capture = captureProcessOutput();
    api = await startApiProvince(ISOLATION, PROVINCE);
    for (const role of ROLES) {
      tokens.set(
        role,
        await api.token(
          role === 'citizen'
            ? { sub: 'citizen-1', roles: ['citizen'], residentId: SIGNED_IN }
            : { sub: `${role}-1`, roles: [role], region: `${PROVINCE}0000` },
        ),
      );
    }
    tokens.set('no-token', undefined);
    world = await routeWorld(api);
  });

  afterAll(async () => {
    await api?.stop();
    capture?.stop();
    const leaks = scanForLeaks(capture?.lines ?? []);
    const shown = scanForLeaks(responses);
    // Accounts are not counted here: the public protocol schemas carry 16-digit integer bounds.
    const unmasked = shown.residentIds + shown.tokens;
    recordFigures('1-authorization', [
      {
        suite: 'authorization',
        item: `${routes.length} routes x ${ROLES.length + TOKEN_CELLS.length} role/token cells, each a valid request; + region, province and family scope cells`,
        counts: { ...cells, unmaskedInResponses: unmasked },
        mustBeZero: ['disagreed', 'deniedWithData', 'unmaskedInResponses'],
      },
    ]);
    recordFigures('5-privacy', [
      {
        suite: 'privacy',
        item: 'function log lines (authorization run)',
        counts: { lines: leaks.lines, leaks: leaks.residentIds + leaks.accounts + leaks.tokens },
        mustBeZero: ['leaks'],
      },
    ]);
  });

  /** 2xx is admitted: every cell sends a request the route must accept when it admits the caller. */
  const outcomeOf = (status: number): Outcome | 'other' =>
    status >= 200 && status < 300
      ? 'admit'
      : status === 401
        ? 'unauthenticated'
        : status === 403
          ? 'forbidden'
          : 'other';
  const send = async (method: string, request: RouteRequest, token: string | undefined) => {
    const raw = typeof request.body === 'string';
    const response = await fetch(`${api.url}${request.path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(request.body !== undefined && !raw ? { 'content-type': 'application/json' } : {}),
        ...request.headers,
      },
      ...(request.body !== undefined
        ? { body: raw ? (request.body as string) : JSON.stringify(request.body) }
        : {}),
    });
    const text = await response.text();
    responses.push(text);
    return { status: response.status, text };
  };
  /** A refusal carries no data: a bare problem, and nothing of the world's people. */
  const refusalLeaks = (status: number, text: string) =>
    !deniesWithoutData(status, text) || namesPeople(text);
  /** Whether an answer names one of the world's people (by name or resident ID). */
  const namesPeople = (text: string) => world.secrets.some((secret) => text.includes(secret));

  const cellNames = [...TOKEN_CELLS, ...ROLES];
  /** Token cells depend on the platform a route trusts: each is tried with that platform's kind of token. */
  const tokenFor = async (cell: Role | TokenCell, citizenRoute: boolean): Promise<string | undefined> => {
    const request = citizenRoute
      ? { sub: 'x', roles: ['citizen'], residentId: SIGNED_IN }
      : { sub: 'x', roles: ROLES.filter((r) => r !== 'citizen'), region: '330000' };
    if (cell === 'foreign-issuer') return api.foreignToken(request);
    if (cell === 'expired-token') return expiredToken(api, citizenRoute);
    return tokens.get(cell);
  };

  it('has a valid request for every route, so that only 2xx counts as admitted', () => {
    expect([...world.routes].sort()).toEqual(routes.map((r) => r.key).sort());
  });

  it.each(routes)('$key', async ({ key, route }) => {
    const rule = AUTHORIZATION_MATRIX[key];
    if (!rule) throw new Error(`${key} is missing from the matrix`);
    const wrong: string[] = [];
    // A request is sent until a cell is admitted; what that consumed is made afresh.
    const unused = new Map<Role, RouteRequest>();
    for (const cell of cellNames) {
      const role: Role = (ROLES as readonly string[]).includes(cell)
        ? (cell as Role)
        : (rule.roles[0] ?? 'registrar');
      const request = unused.get(role) ?? (await world.request(key, role));
      unused.set(role, request);
      const token =
        cell === 'citizen' && request.citizen
          ? request.citizen
          : await tokenFor(cell, route.roles.includes('citizen'));
      const answer = await send(route.method, request, token);
      const expected = expectedOutcome(rule, cell);
      const actual = outcomeOf(answer.status);
      if (actual === 'admit') unused.delete(role);
      cells.checked++;
      if (actual !== expected) {
        cells.disagreed++;
        wrong.push(`${cell}: expected ${expected}, got ${answer.status} ${answer.text.slice(0, 200)}`);
      }
      if (actual !== 'admit' && refusalLeaks(answer.status, answer.text)) {
        cells.deniedWithData++;
        wrong.push(`${cell}: denial carried data: ${answer.text.slice(0, 200)}`);
      }
      expect(answer.status, `${key} as ${cell}`).toBeLessThan(500);
    }
    expect(wrong).toEqual([]);
  });

  /** Asks a route as a caller of one region, with the route's first role; tells what came back. */
  const scopeCell = async (key: string, region: string, expected: 'admit' | 'deny') => {
    const rule = AUTHORIZATION_MATRIX[key] as RouteRule;
    const role = rule.roles[0] as Role;
    const token = await api.token({ sub: `scope-${region}-${role}`, roles: [role], region });
    const request = await world.request(key, role);
    const answer = await send(key.slice(0, key.indexOf(' ')), request, token);
    const admitted =
      outcomeOf(answer.status) === 'admit' &&
      (request.shows === undefined || answer.text.includes(request.shows));
    const problems: string[] = [];
    cells.checked++;
    if (admitted !== (expected === 'admit')) {
      cells.disagreed++;
      problems.push(
        `region ${region}: expected ${expected}, got ${answer.status} ${answer.text.slice(0, 200)}`,
      );
    }
    // A list may answer an outsider 200 with nothing in it; anything else refused is a bare 403.
    const emptyList = answer.status === 200 && request.shows !== undefined && !admitted;
    if (!admitted && (emptyList ? namesPeople(answer.text) : refusalLeaks(answer.status, answer.text))) {
      cells.deniedWithData++;
      problems.push(`region ${region}: refusal carried data: ${answer.text.slice(0, 200)}`);
    }
    return problems;
  };

  const scoped = (kind: ScopeKind) => routes.filter(({ key }) => AUTHORIZATION_MATRIX[key]?.scope === kind);

  it.each(scoped('region'))('region scope: $key', async ({ key }) => {
    const problems: string[] = [];
    for (const [cell, region] of Object.entries(REGION_CELL_REGIONS)) {
      problems.push(...(await scopeCell(key, region, scopeExpectation(key, cell as RegionCell))));
    }
    expect(problems).toEqual([]);
  });

  it.each(scoped('province'))('province scope: $key', async ({ key }) => {
    const problems: string[] = [];
    for (const [cell, region] of Object.entries(PROVINCE_CELL_REGIONS)) {
      problems.push(
        ...(await scopeCell(key, region, SCOPE_CELLS.province[cell as keyof typeof SCOPE_CELLS.province])),
      );
    }
    expect(problems).toEqual([]);
  });

  describe('family scope: every citizen route x (self, own child, spouse, another family, unknown resident ID)', () => {
    let world: Awaited<ReturnType<typeof familyWorld>>;
    beforeAll(async () => {
      world = await familyWorld(api);
    });

    it.each(Object.keys(FAMILY_EXPECTATIONS))('%s', async (key) => {
      const expected = { ...FAMILY_EXPECTATIONS[key] } as Record<FamilyCell, 'admit' | 'deny'>;
      expected['other-family'] = 'deny';
      expected['unknown-resident-id'] = 'deny';
      const answers = new Map<FamilyCell, { status: number; text: string; admitted: boolean }>();
      for (const cell of FAMILY_CELLS) {
        const answer = await world.ask(key, cell);
        answers.set(cell, answer);
        responses.push(answer.text);
        cells.checked++;
        if (answer.admitted !== (expected[cell] === 'admit')) cells.disagreed++;
        expect(answer.admitted, `${key} ${cell}: ${answer.status} ${answer.text.slice(0, 200)}`).toBe(
          expected[cell] === 'admit',
        );
      }
      // Another family's member and an unknown resident ID cannot be told apart.
      const other = answers.get('other-family');
      const unknown = answers.get('unknown-resident-id');
      expect(other?.status).toBe(unknown?.status);
      expect(shapeOf(other?.text ?? '')).toEqual(shapeOf(unknown?.text ?? ''));
      if ((other?.status ?? 0) >= 400) {
        if (!deniesWithoutData(other?.status ?? 0, other?.text ?? '')) cells.deniedWithData++;
        expect(deniesWithoutData(other?.status ?? 0, other?.text ?? '')).toBe(true);
      }
    });
  });
});

/** A refusal is a bare problem (or the gateway's one-line message), nothing more. */
function deniesWithoutData(status: number, text: string): boolean {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return false;
  }
  if (status === 401 && Object.keys(body).join() === 'message') return true;
  const keys = Object.keys(body).sort();
  return keys.every((k) => PROBLEM_KEYS.includes(k)) && body.status === status;
}

/** A token the issuer really signed, whose lifetime ended a minute ago. */
async function expiredToken(
  api: Awaited<ReturnType<typeof startApiProvince>>,
  citizen: boolean,
): Promise<string> {
  const { privateJwk } = await api.exportIssuerKeys();
  const now = Math.floor(Date.now() / 1000);
  const claims = citizen
    ? { resident_id: SIGNED_IN }
    : { roles: ROLES.filter((r) => r !== 'citizen'), region: '330000' };
  return new SignJWT({ ...claims, token_use: 'id' })
    .setProtectedHeader({ alg: 'ES256', kid: 'local-1' })
    .setSubject('expired')
    .setIssuer(citizen ? api.issuers.citizen : api.issuers.staff)
    .setAudience(api.audience)
    .setIssuedAt(now - 3600)
    .setExpirationTime(now - 60)
    .sign(await importJWK(privateJwk, 'ES256'));
}

/** The structure of a JSON answer (keys and value types), without its values. */
function shapeOf(text: string): unknown {
  const shape = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(shape);
    if (value && typeof value === 'object') {
      const { instance: _path, ...rest } = value as Record<string, unknown>;
      return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, shape(v)]));
    }
    return typeof value;
  };
  try {
    return shape(JSON.parse(text));
  } catch {
    return text;
  }
}
