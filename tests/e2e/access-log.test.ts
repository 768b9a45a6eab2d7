import { describe, expect, it } from 'vitest';
import { eventually } from '../support/in-process-runtime';
import { residentIdFor } from '../support/resident-ids';
import { http, province, token } from './support';

interface Entry {
  readonly route: string;
  readonly staff: string;
  readonly purpose: string;
  readonly personId: string;
}

describe('who read my record, over HTTP on the local cloud', () => {
  const zj = province['33'];

  it("a registrar's read and a payout officer's read appear in the family's access log within seconds", async () => {
    const registrar = await token(zj(), 'registrar-access-e2e', ['registrar'], '330100');
    const officer = await token(zj(), 'officer-access-e2e', ['payout-officer'], '330100');
    const residentId = residentIdFor('330106', '1979-10-23', '046');
    const citizenToken = await http(zj(), 'POST', '/dev/token', {
      body: { sub: 'citizen-access-e2e', roles: ['citizen'], residentId },
    });
    expect(citizenToken.status).toBe(200);
    const citizen = citizenToken.body.token as string;
    const logEntries = async (): Promise<Entry[]> => {
      const reply = await http(zj(), 'GET', '/v1/me/access-log', { token: citizen });
      expect(reply.status).toBe(200);
      return reply.body.items as Entry[];
    };

    const recorded = await http(zj(), 'POST', '/v1/persons', {
      token: registrar,
      body: {
        residentId,
        name: '郑雅',
        sex: 'female',
        birthDate: '1979-10-23',
        hukouRegion: '330106',
        residenceRegion: '330106',
      },
    });
    expect(recorded.status).toBe(201);
    const personId = recorded.body.personId as string;
    expect(await logEntries()).toEqual([]);

    const read = await http(zj(), 'GET', `/v1/persons/${personId}`, { token: registrar });
    expect(read.status).toBe(200);
    const registrarRead = await eventually(async () =>
      (await logEntries()).find((e) => e.route === 'GET /v1/persons/{personId}'),
    );
    expect(registrarRead).toMatchObject({
      personId,
      staff: 'registrar-access-e2e',
      purpose: 'counter-service',
    });

    // Payout reads the person's facts (once its projection has them); the read travels as an
    // event through the payout table's stream, the publisher and registry-inbound.
    await eventually(async () => {
      const facts = await http(zj(), 'GET', `/v1/person-facts/${personId}`, {
        token: officer,
        headers: { 'access-purpose': 'payout-review' },
      });
      return facts.status === 200 ? facts : undefined;
    }, 120_000);
    const payoutRead = await eventually(
      async () => (await logEntries()).find((e) => e.route === 'GET /v1/person-facts/{personId}'),
      60_000,
    );
    expect(payoutRead).toMatchObject({ personId, staff: 'officer-access-e2e', purpose: 'payout-review' });

    // Another family sees none of it.
    const other = await http(zj(), 'POST', '/dev/token', {
      body: {
        sub: 'citizen-other-e2e',
        roles: ['citizen'],
        residentId: residentIdFor('330106', '1980-01-02', '051'),
      },
    });
    const theirs = await http(zj(), 'GET', '/v1/me/access-log', { token: other.body.token });
    expect(theirs.body.items).toEqual([]);
  }, 240_000);
});
