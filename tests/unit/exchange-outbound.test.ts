import { describe, expect, it } from 'vitest';
import { assessAttempt } from '../../functions/exchange/domain/delivery';
import {
  activeSigningKeys,
  InvalidKeySetError,
  keySetText,
  parseKeySet,
} from '../../functions/exchange/domain/key-set';
import {
  buildOutboundMessage,
  OutboundRequestError,
  recipientOf,
} from '../../functions/exchange/domain/outbound';
import { type Partner, PROTOCOL_TYPES } from '../../functions/exchange/domain/partner';
import { makeReceipt, signedReceipt } from '../../functions/exchange/domain/receipt';
import { generateSigningKey, unixSeconds } from '../../functions/exchange/domain/signing';
import { provinceUrn } from '../../shared/events/envelope';
import { residenceNoticeRequest } from '../support/exchange-messages';

const NOW = new Date('2026-11-22T09:00:00Z');
const partner51: Partner = {
  code: '51',
  urn: provinceUrn('51'),
  inboxUrl: 'https://p51.example/exchange/v1/inbox',
  jwks: { keys: [] },
  inboundTypes: [...PROTOCOL_TYPES],
  outboundTypes: ['cn.gov.jiahe.person.residence-registered.v1'],
  status: 'active',
  updatedAt: NOW.toISOString(),
  updatedBy: 'test',
};

describe('signing key sets', () => {
  const oldKey = generateSigningKey('k-old', { notAfter: '2026-12-01T00:00:00Z' });
  const newKey = generateSigningKey('k-new', { notBefore: '2026-11-15T00:00:00Z' });

  it('round-trip through the secret text, with their windows', () => {
    const keys = parseKeySet(keySetText([oldKey.signing, newKey.signing]));
    expect(keys.map((k) => k.kid)).toEqual(['k-old', 'k-new']);
    expect(keys[0]?.notAfter).toBe('2026-12-01T00:00:00.000Z');
  });

  it('sign with both keys during the overlap, with the new one alone after it', () => {
    const keys = parseKeySet(keySetText([oldKey.signing, newKey.signing]));
    expect(activeSigningKeys(keys, NOW).map((k) => k.kid)).toEqual(['k-old', 'k-new']);
    expect(activeSigningKeys(keys, new Date('2026-12-02T00:00:00Z')).map((k) => k.kid)).toEqual(['k-new']);
  });

  it('fail clearly, without echoing key material, when the secret is not a usable key set', () => {
    expect(() => parseKeySet('3f9a0c')).toThrow(InvalidKeySetError);
    expect(() => parseKeySet('{"keys":[]}')).toThrow(/not a valid key set/);
    const text = keySetText([oldKey.signing]);
    const swapped = JSON.parse(text);
    swapped.keys[0].x = JSON.parse(keySetText([newKey.signing])).keys[0].x;
    expect(() => parseKeySet(JSON.stringify(swapped))).toThrow(/x is not the public half of d/);
    const twice = JSON.parse(text);
    twice.keys.push(twice.keys[0]);
    expect(() => parseKeySet(JSON.stringify(twice))).toThrow(/appears twice/);
    try {
      parseKeySet(JSON.stringify(swapped));
    } catch (error) {
      expect((error as Error).message).not.toContain(swapped.keys[0].d);
    }
    expect(() => activeSigningKeys(parseKeySet(text), new Date('2027-01-01T00:00:00Z'))).toThrow(
      /no key is valid/,
    );
  });
});

describe('outbound messages', () => {
  const request = residenceNoticeRequest('33', '51');

  it('keep the id, type and data, rewrite the source to the province, and carry the sequence', () => {
    const built = buildOutboundMessage({
      request,
      partner: partner51,
      ownUrn: provinceUrn('33'),
      sequence: 7,
    });
    expect(built.message).toMatchObject({
      id: request.id,
      source: 'urn:cn:gov:330000:jiahe',
      recipient: 'urn:cn:gov:510000:jiahe',
      sequence: '7',
      data: request.data,
    });
    expect(JSON.parse(built.body)).toEqual(built.message);
    expect(recipientOf(request)).toBe('51');
  });

  it('refuse a type the partner does not take, data off the catalog and any resident ID', () => {
    const build = (r: object) =>
      buildOutboundMessage({
        request: r as typeof request,
        partner: partner51,
        ownUrn: provinceUrn('33'),
        sequence: 1,
      });
    expect(() => build({ ...request, type: 'cn.gov.jiahe.person.residence-ended.v1' })).toThrow(
      OutboundRequestError,
    );
    expect(() => build({ ...request, data: { personRef: 'short' } })).toThrow(/does not match/);
    expect(() =>
      build({ ...request, data: { ...(request.data as object), note: '33010619900101123X' } }),
    ).toThrow(/resident ID/);
    expect(() => build({ ...request, subject: 'person 33010619900101123X' })).toThrow(/resident ID/);
    expect(() => recipientOf({ ...request, recipient: undefined })).toThrow(/no recipient/);
  });
});

describe('judging a delivery attempt', () => {
  const recipient = generateSigningKey('p51-k1');
  const body = '{"id":"x"}';
  const messageId = '01KAQ40000000000000000000A';
  const sent = { messageId, body };
  const base = { sent, recipientKeys: [recipient.verification], attempt: 0, now: NOW, random: () => 0.5 };
  const receiptAnswer = (forBody: string) => {
    const r = signedReceipt(
      makeReceipt({ messageId, body: forBody, receivedAt: NOW, status: 'accepted' }),
      [recipient.signing],
      '01KAQ40000000000000000000B',
      unixSeconds(NOW),
    );
    return { status: 202, headers: r.headers, body: r.body };
  };

  it('is delivered only with a receipt signed by the recipient for the bytes sent', () => {
    expect(assessAttempt({ ...base, answer: receiptAnswer(body) }).kind).toBe('delivered');
    const wrongDigest = assessAttempt({ ...base, answer: receiptAnswer('{"id":"y"}') });
    expect(wrongDigest).toMatchObject({
      kind: 'failed',
      reason: 'receipt-receipt-mismatch',
      next: { kind: 'retry' },
    });
    const unsigned = assessAttempt({ ...base, answer: { status: 202, headers: {}, body: '{}' } });
    expect(unsigned).toMatchObject({ kind: 'failed', next: { kind: 'retry', attempt: 1 } });
  });

  it('retries on no answer, 5xx and 429 (honouring Retry-After), gives up on other 4xx and when exhausted', () => {
    const timeout = assessAttempt({ ...base, answer: { headers: {}, body: '', error: 'timeout' } });
    expect(timeout).toMatchObject({ kind: 'failed', reason: 'timeout', next: { kind: 'retry', attempt: 1 } });
    const busy = assessAttempt({
      ...base,
      answer: { status: 429, headers: { 'retry-after': '120' }, body: '' },
    });
    expect(
      busy.kind === 'failed' && busy.next.kind === 'retry' && busy.next.at.getTime() - NOW.getTime(),
    ).toBe(120_000);
    const refused = assessAttempt({ ...base, answer: { status: 403, headers: {}, body: '' } });
    expect(refused).toMatchObject({ kind: 'failed', next: { kind: 'give-up', reason: 'permanent' } });
    const last = assessAttempt({ ...base, attempt: 9, answer: { status: 503, headers: {}, body: '' } });
    expect(last).toMatchObject({ kind: 'failed', next: { kind: 'give-up', reason: 'exhausted' } });
    const short = assessAttempt({
      ...base,
      attempt: 1,
      schedule: [0, 10, 20],
      answer: { status: 500, headers: {}, body: '' },
    });
    expect(short).toMatchObject({ kind: 'failed', next: { kind: 'retry', attempt: 2 } });
  });
});
