import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The worked examples of docs/exchange-protocol.md, checked with node:crypto alone, as a
 * partner reading only the document would check them.
 */
const doc = readFileSync('docs/exchange-protocol.md', 'utf8');
const TEST_ONLY_PUBLIC = createPublicKey({
  key: { kty: 'OKP', crv: 'Ed25519', x: 'BW9PYUNKMMEOml9VF46c6zZ62lLJg77-SaPjFQNOKNg' },
  format: 'jwk',
});
const verifies = (input: string, signature: string) =>
  verify(
    null,
    Buffer.from(input, 'utf8'),
    TEST_ONLY_PUBLIC,
    Buffer.from(signature.replace(/^v1a,/, ''), 'base64'),
  );

describe('docs/exchange-protocol.md worked examples', () => {
  const body = /^(\{"specversion".*\})$/m.exec(doc)?.[1] ?? '';
  const receipt = /^(\{"receiptFor".*\})$/m.exec(doc)?.[1] ?? '';

  it('the message signature verifies over id.timestamp.body', () => {
    const signatures = [...doc.matchAll(/^webhook-signature: (v1a,\S+)$/gm)].map((m) => m[1] ?? '');
    expect(verifies(`01KAQ3ZJ8M4W6T9RZ5XH2C7B1D.1795338000.${body}`, signatures[0] ?? '')).toBe(true);
  });

  it('the receipt carries the body digest and its signature verifies', () => {
    expect(JSON.parse(receipt).sha256).toBe(createHash('sha256').update(body).digest('hex'));
    const signatures = [...doc.matchAll(/^webhook-signature: (v1a,\S+)$/gm)].map((m) => m[1] ?? '');
    const receiptSignature = signatures[1] ?? '';
    expect(verifies(`01KAQ3ZK0000000000000000R1.1795338001.${receipt}`, receiptSignature)).toBe(true);
  });
});
