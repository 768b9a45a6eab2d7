import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MessageRepository } from '../../functions/exchange/adapters/message-repository';
import type { PartnerRepository } from '../../functions/exchange/adapters/partner-repository';
import type { StreamRepository } from '../../functions/exchange/adapters/stream-repository';
import { checkInbound, claimedPartner } from '../../functions/exchange/domain/inbound';
import { type Partner, PROTOCOL_TYPES } from '../../functions/exchange/domain/partner';
import type { InboundRecord } from '../../functions/exchange/domain/records';
import { generateSigningKey, jwks, unixSeconds } from '../../functions/exchange/domain/signing';
import { buildInbox } from '../../functions/exchange/handlers/inbox';
import { fixedClock } from '../../shared/domain/clock';
import { provinceUrn } from '../../shared/events/envelope';
import { apiEvent } from '../support/api-event';
import { partnerMessageBody, signedHeaders } from '../support/exchange-messages';
import { context, parsed, quietObservability } from '../support/lambda';

const NOW = new Date('2026-11-22T09:00:00Z');
const key33 = generateSigningKey('p33-k1');
const key51 = generateSigningKey('p51-k1');

const partner33: Partner = {
  code: '33',
  urn: provinceUrn('33'),
  inboxUrl: 'https://p33.example/exchange/v1/inbox',
  jwks: jwks([key33.verification]),
  inboundTypes: ['cn.gov.jiahe.person.residence-registered.v1'],
  outboundTypes: [...PROTOCOL_TYPES],
  status: 'active',
  updatedAt: NOW.toISOString(),
  updatedBy: 'test',
};

const check = (body: string, headers: Record<string, string>, partner: Partner | undefined = partner33) =>
  checkInbound({ body, headers, partner, ownUrn: provinceUrn('51'), now: NOW });

describe('inbound checks', () => {
  const { id, body } = partnerMessageBody('33', '51', { time: NOW.toISOString() });
  const good = signedHeaders(id, body, [key33.signing], NOW);

  it('accepts a well-signed message of an allowed type', () => {
    const result = check(body, good);
    expect(result).toMatchObject({ ok: true, keyId: 'p33-k1' });
  });

  it.each([
    [
      'a tampered body',
      () => check(body.replace('2026-11-01', '2026-11-02'), good),
      401,
      'invalid-signature',
    ],
    [
      'another key',
      () => check(body, signedHeaders(id, body, [key51.signing], NOW)),
      401,
      'invalid-signature',
    ],
    [
      'no signature headers',
      () => check(body, { 'content-type': 'application/json' }),
      401,
      'invalid-signature',
    ],
    [
      'an unknown partner',
      () => checkInbound({ body, headers: good, partner: undefined, ownUrn: provinceUrn('51'), now: NOW }),
      403,
      'unknown-partner',
    ],
    [
      'a stale timestamp',
      () => check(body, signedHeaders(id, body, [key33.signing], new Date(NOW.getTime() - 301_000))),
      401,
      'timestamp-out-of-window',
    ],
    [
      'a future timestamp',
      () => check(body, signedHeaders(id, body, [key33.signing], new Date(NOW.getTime() + 301_000))),
      401,
      'timestamp-out-of-window',
    ],
  ])('refuses %s', (_name, run, status, slug) => {
    const result = run();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.rejection).toMatchObject({ status, slug });
      // Partners get the detail in the language they ask for (Chinese by default).
      expect(result.rejection.detail.en).toMatch(/^[\x20-\x7e’]+$/);
      expect(result.rejection.detail.zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('refuses a type the partner may not send, a message for another province, and a mismatched id', () => {
    const other = partnerMessageBody('33', '51', { type: 'cn.gov.jiahe.person.residence-ended.v1' });
    const typeCheck = check(other.body, signedHeaders(other.id, other.body, [key33.signing], NOW));
    expect(typeCheck.ok || typeCheck.rejection.slug).toBe('type-not-allowed');

    const elsewhere = partnerMessageBody('33', '44');
    const recipientCheck = check(
      elsewhere.body,
      signedHeaders(elsewhere.id, elsewhere.body, [key33.signing], NOW),
    );
    expect(recipientCheck.ok || recipientCheck.rejection.slug).toBe('wrong-recipient');

    const mismatch = check(body, signedHeaders('01KAQ40000000000000000000A', body, [key33.signing], NOW));
    expect(mismatch.ok || mismatch.rejection.slug).toBe('id-mismatch');
  });

  it('refuses data that does not match the type and envelopes with a resident ID as subject', () => {
    const bad = partnerMessageBody('33', '51', { data: { personRef: 'x' } });
    const dataCheck = check(bad.body, signedHeaders(bad.id, bad.body, [key33.signing], NOW));
    expect(dataCheck.ok || dataCheck.rejection.slug).toBe('invalid-data');
    const rid = partnerMessageBody('33', '51', { subject: '33010619900101123X' });
    const ridCheck = check(rid.body, signedHeaders(rid.id, rid.body, [key33.signing], NOW));
    expect(ridCheck.ok || ridCheck.rejection.slug).toBe('invalid-envelope');
  });

  it('ignores members it does not know, in the envelope and in data (a tolerant reader, §12)', () => {
    const base = JSON.parse(body) as Record<string, unknown>;
    const extended = JSON.stringify({
      ...base,
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      dataschema: 'https://example.gov.cn/schemas/x.json',
      data: { ...(base.data as object), addedInALaterMinor: { any: ['shape'] } },
    });
    const result = check(extended, signedHeaders(id, extended, [key33.signing], NOW));
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(result.message).not.toHaveProperty('traceparent');
  });

  it.each([
    ['1', true],
    ['42', true],
    ['999999999999999', true],
    ['0', false],
    ['042', false],
    ['+1', false],
    ['1e3', false],
    ['0x10', false],
    ['1.0', false],
    [' 1', false],
    ['1000000000000000', false],
  ])('takes sequence %j only as a decimal of at most 15 digits: %s', (sequence, accepted) => {
    const message = partnerMessageBody('33', '51', { sequence });
    const result = check(message.body, signedHeaders(message.id, message.body, [key33.signing], NOW));
    expect(result.ok || result.rejection.slug).toBe(accepted ? true : 'invalid-envelope');
  });

  it('reads the claimed sender only from a province URN', () => {
    expect(claimedPartner(body)).toEqual({ code: '33' });
    expect(claimedPartner('not json')).toMatchObject({ status: 400, slug: 'malformed-json' });
    expect(claimedPartner('{"source":"urn:cn:gov:330106:jiahe"}')).toMatchObject({ status: 400 });
  });
});

/** In-memory stand-ins for the table, enough for the inbox's reads and writes. */
function memoryRepos() {
  const inbound = new Map<string, InboundRecord>();
  const partners: PartnerRepository = {
    find: async (code) => (code === '33' ? partner33 : undefined),
    list: async () => [partner33],
    put: async () => undefined,
    setStatus: async () => undefined,
  };
  const messages = {
    putInbound: async (record: InboundRecord) => {
      const key = `${record.partner}#${record.messageId}`;
      const existing = inbound.get(key);
      if (existing) return { stored: false as const, existing };
      inbound.set(key, record);
      return { stored: true as const };
    },
  } as unknown as MessageRepository;
  // Version 1 only: the batch inbox is exercised against DynamoDB Local (exchange-batch.test.ts).
  const streams = {} as StreamRepository;
  return { partners, messages, streams, inbound };
}

describe('the inbox against an independent implementation of the scheme (node:crypto only)', () => {
  it('accepts a message signed with node:crypto alone, and its receipt verifies with node:crypto', async () => {
    // The sender: a key pair and a signature made without any project code.
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const x = publicKey.export({ format: 'jwk' }).x as string;
    const partner = {
      ...partner33,
      jwks: { keys: [{ kid: 'independent', kty: 'OKP' as const, crv: 'Ed25519' as const, x }] },
    };
    const { id, body } = partnerMessageBody('33', '51', { time: NOW.toISOString() });
    const timestamp = String(unixSeconds(NOW));
    const signature = nodeSign(null, Buffer.from(`${id}.${timestamp}.${body}`, 'utf8'), privateKey).toString(
      'base64',
    );

    const repos = memoryRepos();
    repos.partners.find = async () => partner;
    const inbox = buildInbox({
      province: '51',
      ...repos,
      signingKeys: [key51.signing],
      clock: fixedClock(NOW.toISOString()),
      observability: quietObservability(),
    });
    const event = apiEvent({
      method: 'POST',
      route: '/exchange/v1/inbox',
      headers: {
        'content-type': 'application/cloudevents+json',
        'webhook-id': id,
        'webhook-timestamp': timestamp,
        'webhook-signature': `v1a,${signature}`,
      },
      body,
    });
    const raw = (await inbox(event as never, context())) as { body: string; headers: Record<string, string> };
    const answer = parsed(raw);
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ receiptFor: id, status: 'accepted' });

    // The receipt, checked with node:crypto against 51's public key as published (JWK x).
    const published = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: key51.verification.publicKey.x },
      format: 'jwk',
    });
    const h = raw.headers;
    const entry = (h['webhook-signature'] ?? '').split(' ')[0] ?? '';
    expect(entry.startsWith('v1a,')).toBe(true);
    const receiptInput = Buffer.from(`${h['webhook-id']}.${h['webhook-timestamp']}.${raw.body}`, 'utf8');
    expect(nodeVerify(null, receiptInput, published, Buffer.from(entry.slice(4), 'base64'))).toBe(true);
    // And it names the digest of the exact bytes sent.
    expect(answer.body.sha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(repos.inbound.size).toBe(1);
  });
});

describe('the inbox as a tolerant reader (docs/exchange-protocol.md §2, §12)', () => {
  it('answers 202 to a message with members it does not know, and keeps the body as sent', async () => {
    const base = JSON.parse(partnerMessageBody('33', '51', { time: NOW.toISOString() }).body);
    const body = JSON.stringify({
      ...base,
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      data: { ...base.data, addedInALaterMinor: true },
    });
    const repos = memoryRepos();
    const inbox = buildInbox({
      province: '51',
      ...repos,
      signingKeys: [key51.signing],
      clock: fixedClock(NOW.toISOString()),
      observability: quietObservability(),
    });
    const event = apiEvent({
      method: 'POST',
      route: '/exchange/v1/inbox',
      headers: signedHeaders(base.id, body, [key33.signing], NOW),
      body,
    });
    const answer = parsed(await inbox(event as never, context()));
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ receiptFor: base.id, status: 'accepted' });
    expect([...repos.inbound.values()].map((r) => r.body)).toEqual([body]);
  });
});
