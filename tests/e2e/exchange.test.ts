import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  generateSigningKey,
  jwks,
  verificationKeysFromJwks,
  verify,
} from '../../functions/exchange/domain/signing';
import { localClientConfig } from '../../local/services/clients';
import { newUlid } from '../../shared/domain/ids';
import {
  BENEFIT_ENROLLMENT_CLAIMED,
  PERSON_RESIDENCE_REGISTERED,
} from '../../shared/events/exchange-messages';
import {
  partnerMessageBody,
  residenceNoticeRequest,
  signedHeaders,
  somePersonRef,
} from '../support/exchange-messages';
import { eventually } from '../support/in-process-runtime';
import { http, province, token } from './support';

/** The test partner registered in 51 with a key only this file holds. */
const TEST_PARTNER = '71';
const testKey = generateSigningKey('p71-test');
const otherKey = generateSigningKey('p71-not-registered');

describe('exchange between provinces 33 and 51 on the local cloud', () => {
  let operator33: string;
  let operator51: string;
  let sqs: SQSClient;

  beforeAll(async () => {
    operator33 = await token(province['33'](), 'operator-33', ['exchange-operator'], '330000');
    operator51 = await token(province['51'](), 'operator-51', ['exchange-operator'], '510000');
    sqs = new SQSClient(localClientConfig(inject('e2eSqsEndpoint')));
    // A partner of 51 whose key the test holds, allowed residence notices only.
    const put = await http(province['51'](), 'PUT', `/v1/exchange/partners/${TEST_PARTNER}`, {
      token: operator51,
      body: {
        inboxUrl: 'http://127.0.0.1:9/exchange/v1/inbox',
        jwks: jwks([testKey.verification]),
        inboundTypes: [PERSON_RESIDENCE_REGISTERED],
        outboundTypes: [],
      },
    });
    expect(put.status, put.text).toBeLessThan(300);
  });

  it('delivers a message from 33 to 51 signed; 51 verifies, stores and forwards it; both logs show it', async () => {
    const request = residenceNoticeRequest('33', '51');
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'p33-exchange-outbound' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(request) }));

    const sent = await eventually(async () => {
      const reply = await http(province['33'](), 'GET', `/v1/exchange/messages/${request.id}`, {
        token: operator33,
      });
      const out = reply.body?.messages?.find((m: { direction: string }) => m.direction === 'outbound');
      return out?.status === 'delivered' ? out : undefined;
    }, 30_000);
    expect(sent.partner).toBe('51');
    expect(sent.sequence).toBeGreaterThanOrEqual(1);
    // The local provinces speak version 2: delivered in a batch, proved by the batch's signed receipt.
    expect(sent.protocol).toBe('v2');
    expect(sent.deliveryAttempts).toEqual([]);
    const { delivery } = sent;
    expect(delivery.from).toBeLessThanOrEqual(sent.sequence);
    expect(delivery.to).toBeGreaterThanOrEqual(sent.sequence);

    // The receipt verifies with the key 51 publishes, and names this message with its digest.
    const published = await http(province['51'](), 'GET', '/.well-known/jwks.json');
    expect(published.status).toBe(200);
    expect(JSON.stringify(published.body)).not.toContain('"d"');
    const signature = verify(
      delivery.signedReceipt.headers,
      delivery.signedReceipt.body,
      verificationKeysFromJwks(published.body),
      new Date(Number(delivery.signedReceipt.headers['webhook-timestamp']) * 1000),
    );
    expect(signature).toEqual({ ok: true, keyId: delivery.receiptKeyId });
    const receipt = JSON.parse(delivery.signedReceipt.body);
    expect(receipt.receiptFor).toBe(delivery.batchId);
    expect(receipt.messages).toContainEqual({
      id: request.id,
      sequence: String(sent.sequence),
      sha256: sent.sha256,
      status: 'accepted',
    });

    const received = await eventually(async () => {
      const reply = await http(province['51'](), 'GET', `/v1/exchange/messages/${request.id}`, {
        token: operator51,
      });
      return reply.body?.messages?.find((m: { direction: string }) => m.direction === 'inbound');
    });
    expect(received).toMatchObject({
      partner: '33',
      status: 'accepted',
      protocol: 'v2',
      batchId: delivery.batchId,
      sha256: sent.sha256,
      verification: { ok: true },
    });
    // Forwarded to 51's registry, which answered it: the answer is recorded at 33.
    await eventually(async () => {
      const reply = await http(province['33'](), 'GET', `/v1/exchange/messages/${request.id}`, {
        token: operator33,
      });
      return reply.body?.messages?.find((m: { direction: string }) => m.direction === 'outbound')?.ack;
    }, 30_000);

    // Both sides list it and log it in an intact chain.
    const listed33 = await http(
      province['33'](),
      'GET',
      '/v1/exchange/messages?partner=51&direction=outbound',
      {
        token: operator33,
      },
    );
    expect(listed33.body.items.map((m: { messageId: string }) => m.messageId)).toContain(request.id);
    const listed51 = await http(
      province['51'](),
      'GET',
      '/v1/exchange/messages?partner=33&direction=inbound',
      {
        token: operator51,
      },
    );
    expect(listed51.body.items.map((m: { messageId: string }) => m.messageId)).toContain(request.id);
    for (const [base, auth, partner] of [
      [province['33'](), operator33, '51'],
      [province['51'](), operator51, '33'],
    ] as const) {
      const log = await eventually(async () => {
        const reply = await http(base, 'GET', `/v1/exchange/partners/${partner}/log`, { token: auth });
        const { outbound, inbound } = reply.body?.streams ?? {};
        return outbound?.entries > 0 && inbound?.entries > 0 ? reply.body : undefined;
      });
      expect(log.ok).toBe(true);
    }
  });

  it('records 51’s business answer (ack.v1) on the message it answers in 33', async () => {
    const request = residenceNoticeRequest('33', '51');
    const outbound = async (province33: string) =>
      (await sqs.send(new GetQueueUrlCommand({ QueueName: `p${province33}-exchange-outbound` }))).QueueUrl;
    await sqs.send(
      new SendMessageCommand({ QueueUrl: await outbound('33'), MessageBody: JSON.stringify(request) }),
    );
    await eventually(async () => {
      const reply = await http(province['51'](), 'GET', `/v1/exchange/messages/${request.id}`, {
        token: operator51,
      });
      return reply.status === 200 ? true : undefined;
    }, 30_000);
    // 51's registry does not know the person named, and answers so through its own exchange.
    const answered = await eventually(async () => {
      const reply = await http(province['33'](), 'GET', `/v1/exchange/messages/${request.id}`, {
        token: operator33,
      });
      const out = reply.body?.messages?.find((m: { direction: string }) => m.direction === 'outbound');
      return out?.ack ? out : undefined;
    }, 30_000);
    expect(answered.ack).toMatchObject({
      outcome: 'fatal-error',
      reason: 'unknown-person',
      messageId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
    });
  });

  describe('the inbox refuses, stores nothing and forwards nothing', () => {
    const inbox = (body: string, headers: Record<string, string>) =>
      http(province['51'](), 'POST', '/exchange/v1/inbox', { body, headers });
    const notStored = async (id: string) => {
      const reply = await http(province['51'](), 'GET', `/v1/exchange/messages/${id}`, { token: operator51 });
      expect(reply.status).toBe(404);
    };

    it('accepts a correctly signed message from the test partner (the baseline)', async () => {
      const { id, body } = partnerMessageBody(TEST_PARTNER, '51');
      const reply = await inbox(body, signedHeaders(id, body, [testKey.signing]));
      expect(reply.status, reply.text).toBe(202);
      expect(reply.body).toMatchObject({ receiptFor: id, status: 'accepted' });
    });

    it('a tampered body: 401', async () => {
      const { id, body } = partnerMessageBody(TEST_PARTNER, '51');
      const headers = signedHeaders(id, body, [testKey.signing]);
      const reply = await inbox(body.replace('"on":"2026-11-01"', '"on":"2026-11-02"'), headers);
      expect(reply.status).toBe(401);
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
      await notStored(id);
    });

    it('a key the partner never registered: 401', async () => {
      const { id, body } = partnerMessageBody(TEST_PARTNER, '51');
      const reply = await inbox(body, signedHeaders(id, body, [otherKey.signing]));
      expect(reply.status).toBe(401);
      expect(reply.body.type).toMatch(/invalid-signature$/);
      await notStored(id);
    });

    it('an unknown partner: 403', async () => {
      const { id, body } = partnerMessageBody('72', '51');
      const reply = await inbox(body, signedHeaders(id, body, [testKey.signing]));
      expect(reply.status).toBe(403);
      expect(reply.body.type).toMatch(/unknown-partner$/);
      await notStored(id);
    });

    it('a type the partner may not send: 403', async () => {
      const { id, body } = partnerMessageBody(TEST_PARTNER, '51', {
        type: BENEFIT_ENROLLMENT_CLAIMED,
        data: {
          claimId: newUlid(),
          personRef: somePersonRef(),
          scheme: 'rural-reward',
          fromPeriod: '2026-12',
          claimingRegion: '710100',
        },
      });
      const reply = await inbox(body, signedHeaders(id, body, [testKey.signing]));
      expect(reply.status).toBe(403);
      expect(reply.body.type).toMatch(/type-not-allowed$/);
      await notStored(id);
    });

    it('a stale or a future timestamp: 401', async () => {
      for (const offsetMs of [-6 * 60_000, 6 * 60_000]) {
        const { id, body } = partnerMessageBody(TEST_PARTNER, '51');
        const at = new Date(Date.now() + offsetMs);
        const reply = await inbox(body, signedHeaders(id, body, [testKey.signing], at));
        expect(reply.status).toBe(401);
        expect(reply.body.type).toMatch(/timestamp-out-of-window$/);
        await notStored(id);
      }
    });

    it('the same id again gets the original receipt; with a different body, 409', async () => {
      const { id, body } = partnerMessageBody(TEST_PARTNER, '51');
      const first = await inbox(body, signedHeaders(id, body, [testKey.signing]));
      expect(first.status).toBe(202);
      const again = await inbox(body, signedHeaders(id, body, [testKey.signing]));
      expect(again.status).toBe(202);
      expect(again.body).toEqual({ ...first.body, status: 'duplicate' });

      const changed = body.replace('"on":"2026-11-01"', '"on":"2026-11-03"');
      const conflict = await inbox(changed, signedHeaders(id, changed, [testKey.signing]));
      expect(conflict.status).toBe(409);
      expect(conflict.body.type).toMatch(/id-conflict$/);
      const stored = await http(province['51'](), 'GET', `/v1/exchange/messages/${id}`, {
        token: operator51,
      });
      expect(stored.body.messages).toHaveLength(1);
      expect(stored.body.messages[0].sha256).toBe(first.body.sha256);
    });
  });
});
