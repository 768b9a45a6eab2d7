import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, inject, it } from 'vitest';
import { localClientConfig } from '../../local/services/clients';
import { eventually } from '../support/in-process-runtime';
import { queueDrained } from '../support/local-aws';
import { residentIdFor } from '../support/resident-ids';
import { citizenToken, http, province, token } from './support';

describe('birth registration over HTTP on the local cloud', () => {
  const zj = province['33'];

  it('a citizen submits, a registrar registers; the child reaches the register and payout; a certificate is verified publicly', async () => {
    const motherId = residentIdFor('510104', '1994-06-07', '062');
    // The mother signs in at the real-name platform; the register knows her where she lives.
    const parent = await citizenToken(zj(), 'citizen-e2e-1', motherId);
    const registrar = await token(zj(), 'registrar-e2e-2', ['registrar'], '330100');
    const recorded = await http(zj(), 'POST', '/v1/persons', {
      token: registrar,
      body: {
        residentId: motherId,
        name: '孙丽',
        sex: 'female',
        birthDate: '1994-06-07',
        hukouRegion: '510104',
        residenceRegion: '330106',
      },
    });
    expect(recorded.status).toBe(201);
    const officer = await token(zj(), 'officer-e2e-2', ['payout-officer'], '330000');
    const childId = residentIdFor('330106', '2026-02-14', '057');
    const body = {
      child: {
        name: '赵安',
        sex: 'male',
        birthDate: '2026-02-14',
        birthRegion: '330106',
        residentId: childId,
      },
      mother: {
        name: '孙丽',
        residentId: motherId,
        birthDate: '1994-06-07',
        hukouRegion: '510104',
      },
      residenceRegion: '330106',
      birthOrder: 1,
    };
    const submit = () =>
      http(zj(), 'POST', '/v1/me/birth-registrations', {
        token: parent,
        headers: { 'idempotency-key': 'birth-e2e-1' },
        body,
      });
    const submitted = await submit();
    expect(submitted.status).toBe(201);
    const id = submitted.body.registrationId;
    const again = await submit();
    expect(again.body.registrationId).toBe(id);

    const action = (name: string, version: number) =>
      http(zj(), 'POST', `/v1/birth-registrations/${id}/actions/${name}`, {
        token: registrar,
        body: {},
        headers: { 'if-match': `"${version}"` },
      });
    expect((await action('validate', 1)).status).toBe(200);
    const registered = await action('register', 2);
    expect(registered.status).toBe(200);
    expect(registered.body.registrationNumber).toMatch(/^330106-\d{4}-\d{6}$/);

    const found = await http(zj(), 'GET', `/v1/persons?residentId=${childId}`, { token: registrar });
    expect(found.body.items).toHaveLength(1);
    const personId = found.body.items[0].personId;
    const facts = await eventually(async () => {
      const reply = await http(zj(), 'GET', `/v1/person-facts/${personId}`, { token: officer });
      return reply.status === 200 ? reply.body : undefined;
    });
    expect(facts).toMatchObject({ birthDate: '2026-02-14', alive: true });

    // The family is now an only-child household: its certificate is issued and verified publicly.
    const households = await http(zj(), 'GET', `/v1/households?personId=${personId}`, { token: registrar });
    expect(households.body.items).toHaveLength(1);
    expect(households.body.items[0].familyType).toBe('only-child');
    const issued = await http(zj(), 'POST', '/v1/certificates', {
      token: registrar,
      body: { householdId: households.body.items[0].householdId, kind: 'only-child-parents' },
    });
    expect(issued.status).toBe(201);
    const verified = await http(
      zj(),
      'GET',
      `/v1/public/certificates/verify?code=${issued.body.verificationCode}`,
    );
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({
      valid: true,
      kind: 'only-child-parents',
      issuedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      issuingRegion: '330100',
      issuingRegionName: '浙江省杭州市',
      holderNameMasked: '孙*',
    });
    const certificates = await http(zj(), 'GET', '/v1/me/certificates', { token: parent });
    expect(certificates.body.items.map((c: { kind: string }) => c.kind)).toEqual(['only-child-parents']);

    const mine = await http(zj(), 'GET', '/v1/me/birth-registrations', { token: parent });
    expect(mine.body.items[0]).toMatchObject({ registrationId: id, status: 'registered' });
    expect(JSON.stringify(mine.body)).not.toContain(childId);

    // Every event the registration produced was consumed: nothing waits in a DLQ.
    const sqs = new SQSClient(localClientConfig(inject('e2eSqsEndpoint')));
    for (const queue of ['p33-payout-inbound', 'p33-exchange-outbound', 'p51-registry-inbound']) {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
      await queueDrained(sqs, QueueUrl ?? '');
    }
    const health = await http(zj(), 'GET', '/health');
    const dlqDepth = health.body.dependencies.sqs.dlqDepth as Record<string, number>;
    expect(dlqDepth).toMatchObject({ 'payout-inbound-dlq': 0, 'registry-stream-dlq': 0 });
    expect(Object.entries(dlqDepth).filter(([, depth]) => depth !== 0)).toEqual([]);
  });
});
