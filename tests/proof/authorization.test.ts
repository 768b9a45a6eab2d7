import { importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests } from '../../functions/manifests';
import { ROLES, type Role, routesOf } from '../../shared/manifest';
import { residentIdFor } from '../support/resident-ids';
import {
  AUTHORIZATION_MATRIX,
  expectedOutcome,
  FAMILY_CELLS,
  FAMILY_EXPECTATIONS,
  type FamilyCell,
  type Outcome,
  SCOPE_CELLS,
  TOKEN_CELLS,
  type TokenCell,
} from './authorization-matrix';
import { startApiProvince } from './support/api-province';
import { familyWorld, SIGNED_IN } from './support/family-world';
import { recordFigures } from './support/figures';
import { captureProcessOutput, scanForLeaks } from './support/leaks';

const ISOLATION = '11';
const PROVINCE = '33';
const SAMPLE_ID = '01J00000000000000000000000';
const PROBLEM_KEYS = ['detail', 'instance', 'status', 'title', 'type'];
const concrete = (path: string) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) =>
    name === 'action' ? 'validate' : name === 'code' ? '12' : SAMPLE_ID,
  );

const routes = routesOf(manifests).map(({ route }) => ({ key: `${route.method} ${route.path}`, route }));

describe('the authorization matrix agrees with the manifests', () => {
  it('lists every route, and only routes that exist', () => {
    expect(Object.keys(AUTHORIZATION_MATRIX).sort()).toEqual(routes.map((r) => r.key).sort());
  });

  it.each(routes)('$key admits exactly the roles the manifest names', ({ key, route }) => {
    const rule = AUTHORIZATION_MATRIX[key];
    expect(rule?.scope === 'public').toBe(route.public === true);
    expect([...(rule?.roles ?? [])].sort()).toEqual([...route.roles].sort());
  });
});

describe('the running API answers every cell of the matrix', () => {
  let api: Awaited<ReturnType<typeof startApiProvince>>;
  let capture: ReturnType<typeof captureProcessOutput>;
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
        item: `${routes.length} routes x ${ROLES.length + TOKEN_CELLS.length} role/token cells + scope cells`,
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

  const outcomeOf = (status: number): Outcome =>
    status === 401 ? 'unauthenticated' : status === 403 ? 'forbidden' : 'admit';

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
  it.each(routes)('$key', async ({ key, route }) => {
    const rule = AUTHORIZATION_MATRIX[key];
    if (!rule) throw new Error(`${key} is missing from the matrix`);
    const wrong: string[] = [];
    for (const cell of cellNames) {
      const token = await tokenFor(cell, route.roles.includes('citizen'));
      const response = await fetch(`${api.url}${concrete(route.path)}`, {
        method: route.method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(route.method === 'GET' ? {} : { 'content-type': 'application/json' }),
        },
        ...(route.method === 'GET' ? {} : { body: '{}' }),
      });
      const text = await response.text();
      responses.push(text);
      const expected = expectedOutcome(rule, cell);
      const actual = outcomeOf(response.status);
      cells.checked++;
      if (actual !== expected) {
        cells.disagreed++;
        wrong.push(`${cell}: expected ${expected}, got ${response.status}`);
      }
      if (actual !== 'admit' && !deniesWithoutData(response.status, text)) {
        cells.deniedWithData++;
        wrong.push(`${cell}: denial carried data: ${text.slice(0, 200)}`);
      }
      expect(response.status, `${key} as ${cell}`).toBeLessThan(500);
    }
    expect(wrong).toEqual([]);
  });

  it('region scope: own region and child region see a person, another region sees nothing', async () => {
    const registrar = await api.token({ sub: 'reg-1', roles: ['registrar'], region: '330106' });
    const created = await fetch(`${api.url}/v1/persons`, {
      method: 'POST',
      headers: { authorization: `Bearer ${registrar}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        residentId: residentIdFor('330106', '1985-05-05', '031'),
        name: '张伟',
        sex: 'male',
        birthDate: '1985-05-05',
        hukouRegion: '330106',
        residenceRegion: '330106',
      }),
    });
    expect(created.status).toBe(201);
    const { personId } = (await created.json()) as { personId: string };
    const asAuditor = async (region: string) => {
      const token = await api.token({ sub: `aud-${region}`, roles: ['auditor'], region });
      const r = await fetch(`${api.url}/v1/persons/${personId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: r.status, text: await r.text() };
    };
    const verdicts = {
      'own-region': await asAuditor('330106'),
      'child-region': await asAuditor('330000'),
      'other-region': await asAuditor('510000'),
    };
    for (const [cell, answer] of Object.entries(verdicts)) {
      cells.checked++;
      const expected = SCOPE_CELLS.region[cell as keyof typeof SCOPE_CELLS.region];
      const admitted = answer.status === 200 && answer.text.includes(personId);
      if (admitted !== (expected === 'admit')) cells.disagreed++;
      if (expected === 'deny' && !deniesWithoutData(answer.status, answer.text)) cells.deniedWithData++;
      expect(admitted, cell).toBe(expected === 'admit');
    }
    responses.push(...Object.values(verdicts).map((v) => v.text));
    // Staff see the resident ID masked, never whole.
    expect(verdicts['own-region'].text).not.toContain(residentIdFor('330106', '1985-05-05', '031'));
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
