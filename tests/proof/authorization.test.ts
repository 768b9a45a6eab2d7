import { importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests } from '../../functions/manifests';
import { ROLES, type Role, routesOf } from '../../shared/manifest';
import { familyBirth } from '../support/birth-details';
import { residentIdFor } from '../support/resident-ids';
import {
  AUTHORIZATION_MATRIX,
  expectedOutcome,
  type Outcome,
  SCOPE_CELLS,
  TOKEN_CELLS,
  type TokenCell,
} from './authorization-matrix';
import { startApiProvince } from './support/api-province';
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
      tokens.set(role, await api.token({ sub: `${role}-1`, roles: [role], region: `${PROVINCE}0000` }));
    }
    tokens.set('no-token', undefined);
    tokens.set('foreign-issuer', await api.foreignToken({ sub: 'x', roles: [...ROLES], region: '330000' }));
    tokens.set('expired-token', await expiredToken(api));
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
  it.each(routes)('$key', async ({ key, route }) => {
    const rule = AUTHORIZATION_MATRIX[key];
    if (!rule) throw new Error(`${key} is missing from the matrix`);
    const wrong: string[] = [];
    for (const cell of cellNames) {
      const token = tokens.get(cell);
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

  it("own-record scope: a citizen sees their own filing, never another citizen's", async () => {
    const alice = await api.token({ sub: 'citizen-alice', roles: ['citizen'] });
    const bob = await api.token({ sub: 'citizen-bob', roles: ['citizen'] });
    const filed = await fetch(`${api.url}/v1/me/birth-registrations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: JSON.stringify(familyBirth('2026-02-02', '078')),
    });
    expect(filed.status, await filed.clone().text()).toBe(201);
    const { registrationId } = (await filed.json()) as { registrationId: string };
    const listOf = async (token: string) =>
      (await (
        await fetch(`${api.url}/v1/me/birth-registrations`, { headers: { authorization: `Bearer ${token}` } })
      ).text()) as string;
    const own = await listOf(alice);
    const other = await listOf(bob);
    responses.push(own, other);
    const byId = await fetch(`${api.url}/v1/birth-registrations/${registrationId}`, {
      headers: { authorization: `Bearer ${bob}` },
    });
    // The problem names the path it answers (`instance`); the record itself must not appear.
    const { instance: _path, ...byIdBody } = (await byId.json()) as Record<string, unknown>;
    const byIdText = JSON.stringify(byIdBody);
    cells.checked += 2;
    if (!own.includes(registrationId)) cells.disagreed++;
    if (other.includes(registrationId) || byIdText.includes(registrationId)) cells.deniedWithData++;
    expect(own).toContain(registrationId);
    expect(other).not.toContain(registrationId);
    expect(byId.status).toBe(403);
    expect(deniesWithoutData(byId.status, JSON.stringify({ ...byIdBody, instance: _path }))).toBe(true);
    expect(SCOPE_CELLS['own-record']['other-citizen-record']).toBe('deny');
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
async function expiredToken(api: Awaited<ReturnType<typeof startApiProvince>>): Promise<string> {
  const { privateJwk } = await api.exportIssuerKeys();
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ 'cognito:groups': [...ROLES], 'custom:region': '330000', token_use: 'id' })
    .setProtectedHeader({ alg: 'ES256', kid: 'local-1' })
    .setSubject('expired')
    .setIssuer(api.issuer)
    .setAudience(api.audience)
    .setIssuedAt(now - 3600)
    .setExpirationTime(now - 60)
    .sign(await importJWK(privateJwk, 'ES256'));
}
