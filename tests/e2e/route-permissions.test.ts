import { describe, expect, it } from 'vitest';
import { manifests } from '../../functions/manifests';
import { ROLES, routesOf } from '../../shared/manifest';
import { residentIdFor } from '../support/resident-ids';
import { citizenToken, http, province, token } from './support';

const STAFF_ROLES = ROLES.filter((r) => r !== 'citizen');

const SAMPLE_ID = '01J00000000000000000000000';
const concrete = (path: string) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'action' ? 'validate' : SAMPLE_ID));

/**
 * Generated from the manifests, so a new route cannot go untested: every non-public route
 * refuses a caller without a token (401), a token from the other identity platform (401:
 * citizen routes trust the real-name platform, staff routes the staff identity provider)
 * and a staff member whose roles it does not admit (403), and no answer carries data.
 */
describe('every route refuses callers it does not admit', () => {
  const routes = routesOf(manifests).filter(({ route }) => !route.public);

  it.each(routes.map(({ fn, route }) => ({ key: `${route.method} ${route.path}`, name: fn.name, route })))(
    '$key ($name)',
    async ({ route }) => {
      const base = province['33']();
      const body = route.method === 'GET' ? {} : { body: {} };
      const anonymous = await http(base, route.method, concrete(route.path), body);
      expect(anonymous.status).toBe(401);
      const citizenRoute = route.roles.includes('citizen');
      const otherPlatform = citizenRoute
        ? await token(base, 'staff', STAFF_ROLES, '330000')
        : await citizenToken(base, 'citizen', residentIdFor('330106', '1990-03-07', '002'));
      const wrongPlatform = await http(base, route.method, concrete(route.path), {
        token: otherPlatform,
        ...body,
      });
      expect(wrongPlatform.status).toBe(401);
      expect(wrongPlatform.body).toEqual({ message: 'Unauthorized' });
      const others = STAFF_ROLES.filter((r) => !route.roles.includes(r));
      if (citizenRoute || others.length === 0) return;
      const stranger = await token(base, 'stranger', others, '330000');
      const refused = await http(base, route.method, concrete(route.path), { token: stranger, ...body });
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual(
        expect.objectContaining({ status: 403, type: 'urn:cn:gov:jiahe:problem:forbidden' }),
      );
      expect(Object.keys(refused.body).sort()).toEqual(['detail', 'instance', 'status', 'title', 'type']);
    },
  );
});
