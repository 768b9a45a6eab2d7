import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeReceipt, signedReceipt, verifyReceipt } from '../../functions/exchange/domain/receipt';
import {
  type Ed25519PrivateJwk,
  generateSigningKey,
  jwks,
  publicJwkOf,
  type SigningKey,
  sign,
  signatureHeaders,
  signedContent,
  unixSeconds,
  type VerificationKey,
  verificationKeysFromJwks,
  verify,
} from '../../functions/exchange/domain/signing';

/**
 * TEST-ONLY KEY. Generated once for this file and the worked example of
 * docs/exchange-protocol.md; it belongs to no deployment and signs nothing real.
 */
const WORKED_EXAMPLE_TEST_KEY: Ed25519PrivateJwk = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: 'BW9PYUNKMMEOml9VF46c6zZ62lLJg77-SaPjFQNOKNg',
  d: 'hmipIRu3iWODNV_590OIoxi3F-6RkEjbKYJ7yBCWXqY',
};

const WORKED_EXAMPLE = {
  id: '01KAQ3ZJ8M4W6T9RZ5XH2C7B1D',
  /** 2026-11-22T09:00:00Z */
  timestamp: 1795338000,
  body:
    '{"specversion":"1.0","id":"01KAQ3ZJ8M4W6T9RZ5XH2C7B1D","source":"urn:cn:gov:330000:jiahe",' +
    '"type":"cn.gov.jiahe.birth.registered.v1","time":"2026-11-22T09:00:00Z","subject":"BR-330106-2026-000123",' +
    '"datacontenttype":"application/json","data":{"birthDate":"2026-11-20","registeredIn":"330106",' +
    '"householdRegion":"510104"},"recipient":"urn:cn:gov:510000:jiahe","sequence":"42"}',
  signature: 'v1a,cxPyq89crv4Qr/FlOceqwel5EeoQhilbzho3s4EpoWmtAarA6WjTrVkfYwXtS/jJrSha7DMOMLVjbJMNZQPqAQ==',
};

const NOW = new Date('2026-11-22T09:00:00Z');
const ts = unixSeconds(NOW);
const BODY = '{"hello":"world"}';
const ID = '01KAQ40000000000000000000A';

const current = generateSigningKey('33-2026-11');
const next = generateSigningKey('33-2027-01');
const stranger = generateSigningKey('xx-unknown');

function headersFor(body: string, keys: SigningKey[], id = ID, timestamp: number = ts) {
  return signatureHeaders({ id, timestamp, body }, keys);
}

describe('signing (Standard Webhooks, scheme v1a)', () => {
  it('signs id.timestamp.body', () => {
    expect(signedContent('a', 1, 'b')).toBe('a.1.b');
  });

  it('round-trips', () => {
    const headers = headersFor(BODY, [current.signing]);
    expect(headers['webhook-signature']).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(verify(headers, BODY, [current.verification], NOW)).toEqual({ ok: true, keyId: '33-2026-11' });
  });

  it('round-trips any body, id and timestamp (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ minLength: 1 }), (body, id) => {
        const headers = signatureHeaders({ id: id.replace(/\s/g, '_'), timestamp: ts, body }, [
          current.signing,
        ]);
        return verify(headers, body, [current.verification], NOW).ok;
      }),
      { numRuns: 50 },
    );
  });

  it('refuses a tampered body, id or timestamp', () => {
    const headers = headersFor(BODY, [current.signing]);
    const keys = [current.verification];
    expect(verify(headers, '{"hello":"World"}', keys, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verify({ ...headers, 'webhook-id': `${ID.slice(0, -1)}B` }, BODY, keys, NOW)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verify({ ...headers, 'webhook-timestamp': String(ts - 1) }, BODY, keys, NOW)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('accepts timestamps up to 5 minutes either way, and no further', () => {
    const keys = [current.verification];
    for (const offset of [-300, -299, 0, 299, 300]) {
      expect(verify(headersFor(BODY, [current.signing], ID, ts + offset), BODY, keys, NOW).ok).toBe(true);
    }
    for (const offset of [-301, 301, -86_400]) {
      expect(verify(headersFor(BODY, [current.signing], ID, ts + offset), BODY, keys, NOW)).toEqual({
        ok: false,
        reason: 'timestamp-out-of-window',
      });
    }
    expect(verify(headersFor(BODY, [current.signing], ID, ts + 60), BODY, keys, NOW, 30).ok).toBe(false);
  });

  it('reports missing or malformed headers', () => {
    const headers = headersFor(BODY, [current.signing]);
    const keys = [current.verification];
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      const { [name]: _dropped, ...rest } = headers;
      expect(verify(rest, BODY, keys, NOW)).toEqual({ ok: false, reason: 'missing-headers' });
    }
    expect(verify({ ...headers, 'webhook-timestamp': 'soon' }, BODY, keys, NOW)).toEqual({
      ok: false,
      reason: 'missing-headers',
    });
  });

  it('reads headers case-insensitively', () => {
    const h = headersFor(BODY, [current.signing]);
    const upper = {
      'Webhook-Id': h['webhook-id'],
      'Webhook-Timestamp': h['webhook-timestamp'],
      'Webhook-Signature': h['webhook-signature'],
    };
    expect(verify(upper, BODY, [current.verification], NOW).ok).toBe(true);
  });

  it('during rotation a message signed with old and new keys verifies with either', () => {
    const headers = headersFor(BODY, [current.signing, next.signing]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verify(headers, BODY, [current.verification], NOW)).toEqual({ ok: true, keyId: '33-2026-11' });
    expect(verify(headers, BODY, [next.verification], NOW)).toEqual({ ok: true, keyId: '33-2027-01' });
    expect(verify(headers, BODY, [stranger.verification, next.verification], NOW).ok).toBe(true);
  });

  it('does not use keys outside their validity window', () => {
    const headers = headersFor(BODY, [current.signing]);
    const expired: VerificationKey = { ...current.verification, notAfter: '2026-11-22T08:59:59Z' };
    const notYet: VerificationKey = { ...current.verification, notBefore: '2026-11-22T09:00:01Z' };
    const valid: VerificationKey = {
      ...current.verification,
      notBefore: '2026-11-01T00:00:00Z',
      notAfter: '2026-12-01T00:00:00Z',
    };
    expect(verify(headers, BODY, [expired], NOW)).toEqual({ ok: false, reason: 'no-valid-key' });
    expect(verify(headers, BODY, [notYet], NOW)).toEqual({ ok: false, reason: 'no-valid-key' });
    expect(verify(headers, BODY, [{ ...current.verification, notAfter: NOW.toISOString() }], NOW).ok).toBe(
      false,
    );
    expect(verify(headers, BODY, [expired, valid], NOW)).toEqual({ ok: true, keyId: '33-2026-11' });
    // An expired key among valid ones that do not match: the signature is bad.
    expect(verify(headers, BODY, [expired, next.verification], NOW)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verify(headers, BODY, [], NOW)).toEqual({ ok: false, reason: 'no-valid-key' });
  });

  it('refuses a signature by an unknown key', () => {
    const headers = headersFor(BODY, [stranger.signing]);
    expect(verify(headers, BODY, [current.verification, next.verification], NOW)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('skips entries of unknown schemes and malformed entries', () => {
    const good = sign({ id: ID, timestamp: ts, body: BODY }, [current.signing]);
    const header = `v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v2a,abc garbage v1a,not-base64!! ${good} v1a,`;
    const headers = { 'webhook-id': ID, 'webhook-timestamp': String(ts), 'webhook-signature': header };
    expect(verify(headers, BODY, [current.verification], NOW)).toEqual({ ok: true, keyId: '33-2026-11' });
    const onlyOthers = { ...headers, 'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=' };
    expect(verify(onlyOthers, BODY, [current.verification], NOW)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('ignores a malformed partner key instead of failing', () => {
    const headers = headersFor(BODY, [current.signing]);
    const broken: VerificationKey = { kid: 'bad', publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' } };
    expect(verify(headers, BODY, [broken, current.verification], NOW)).toEqual({
      ok: true,
      keyId: '33-2026-11',
    });
  });

  it('refuses to sign without keys', () => {
    expect(() => sign({ id: ID, timestamp: ts, body: BODY }, [])).toThrow(RangeError);
  });
});

describe('JWKS', () => {
  const rotating: SigningKey[] = [
    { ...current.signing, notBefore: '2026-11-01T00:00:00Z', notAfter: '2027-01-15T00:00:00Z' },
    { ...next.signing, notBefore: '2027-01-01T00:00:00Z' },
  ];

  it('publishes public parts only, with use, alg and validity', () => {
    const set = jwks(rotating);
    expect(JSON.stringify(set)).not.toContain('"d"');
    for (const key of set.keys) expect(key).not.toHaveProperty('d');
    expect(set.keys[0]).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: publicJwkOf(current.signing.privateKey).x,
      kid: '33-2026-11',
      use: 'sig',
      alg: 'EdDSA',
      nbf: Date.parse('2026-11-01T00:00:00Z') / 1000,
      exp: Date.parse('2027-01-15T00:00:00Z') / 1000,
    });
    expect(set.keys[1]).not.toHaveProperty('exp');
  });

  it('never leaks d, even from a key object or a JWK carrying extra members', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const leaky = { ...(privateKey.export({ format: 'jwk' }) as Ed25519PrivateJwk), extra: 'x' };
    const set = jwks([
      { kid: 'a', privateKey },
      { kid: 'b', privateKey: leaky },
      { kid: 'c', publicKey: leaky },
    ]);
    expect(JSON.stringify(set)).not.toMatch(/"d"|extra/);
  });

  it('reads back into verification keys that verify', () => {
    const keys = verificationKeysFromJwks(JSON.parse(JSON.stringify(jwks(rotating))));
    expect(keys.map((k) => k.kid)).toEqual(['33-2026-11', '33-2027-01']);
    expect(keys[0]?.notAfter).toBe('2027-01-15T00:00:00.000Z');
    const headers = headersFor(BODY, [current.signing]);
    expect(verify(headers, BODY, keys, NOW).ok).toBe(true);
    expect(verificationKeysFromJwks({ keys: [{ kty: 'RSA', kid: 'r' }] })).toEqual([]);
    expect(verificationKeysFromJwks(null)).toEqual([]);
  });
});

describe('worked example (docs/exchange-protocol.md)', () => {
  it('produces the documented signature (Ed25519 is deterministic)', () => {
    const signature = sign(WORKED_EXAMPLE, [{ kid: 'example', privateKey: WORKED_EXAMPLE_TEST_KEY }]);
    expect(signature).toBe(WORKED_EXAMPLE.signature);
  });

  it('verifies with node:crypto directly, independently of the project signer', () => {
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: WORKED_EXAMPLE_TEST_KEY.x },
      format: 'jwk',
    });
    const input = Buffer.from(
      `${WORKED_EXAMPLE.id}.${WORKED_EXAMPLE.timestamp}.${WORKED_EXAMPLE.body}`,
      'utf8',
    );
    const bytes = Buffer.from(WORKED_EXAMPLE.signature.slice('v1a,'.length), 'base64');
    expect(nodeVerify(null, input, publicKey, bytes)).toBe(true);
    const privateKey = createPrivateKey({ key: { ...WORKED_EXAMPLE_TEST_KEY }, format: 'jwk' });
    expect(nodeSign(null, input, privateKey).toString('base64')).toBe(bytes.toString('base64'));
  });

  it('verifies with the project verifier from the published JWKS', () => {
    const keys = verificationKeysFromJwks(jwks([{ kid: 'example', privateKey: WORKED_EXAMPLE_TEST_KEY }]));
    const headers = {
      'webhook-id': WORKED_EXAMPLE.id,
      'webhook-timestamp': String(WORKED_EXAMPLE.timestamp),
      'webhook-signature': WORKED_EXAMPLE.signature,
    };
    expect(verify(headers, WORKED_EXAMPLE.body, keys, NOW)).toEqual({ ok: true, keyId: 'example' });
  });
});

describe('receipts', () => {
  const receivedAt = new Date('2026-11-22T09:00:01Z');
  const receipt = makeReceipt({ messageId: ID, body: BODY, receivedAt, status: 'accepted' });

  it('carries the digest of the raw body', () => {
    expect(receipt).toEqual({
      receiptFor: ID,
      sha256: '93a23971a914e5eacbf0a8d25154cda309c3c1c72fbb9914d47c60f3cb681588',
      receivedAt: '2026-11-22T09:00:01.000Z',
      status: 'accepted',
    });
  });

  it('is signed so the sender can verify it against what it sent', () => {
    const response = signedReceipt(
      receipt,
      [next.signing],
      '01KAQ40000000000000000000R',
      unixSeconds(receivedAt),
    );
    expect(response.headers['content-type']).toBe('application/json');
    const sent = { messageId: ID, body: BODY };
    expect(verifyReceipt(response, sent, [next.verification], NOW)).toEqual({
      ok: true,
      receipt,
      keyId: '33-2027-01',
    });
    expect(verifyReceipt(response, sent, [current.verification], NOW)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyReceipt(response, { ...sent, body: `${BODY} ` }, [next.verification], NOW)).toEqual({
      ok: false,
      reason: 'receipt-mismatch',
    });
    const odd = { status: 'accepted' };
    const signedOdd = signedReceipt(odd as never, [next.signing], 'r', unixSeconds(receivedAt));
    expect(verifyReceipt(signedOdd, sent, [next.verification], NOW)).toEqual({
      ok: false,
      reason: 'malformed-receipt',
    });
  });
});
