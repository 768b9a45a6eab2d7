import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../../functions/exchange/domain/digest';
import {
  type ChainedEntry,
  chainEntry,
  type LogEntry,
  verifyChain,
} from '../../functions/exchange/domain/message-log';

const entryArb: fc.Arbitrary<LogEntry> = fc.record(
  {
    direction: fc.constantFrom('inbound' as const, 'outbound' as const),
    messageId: fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
    sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
    at: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    verification: fc.oneof(
      fc.record({ ok: fc.constant(true as const), keyId: fc.string() }),
      fc.record({ ok: fc.constant(false as const), reason: fc.string() }),
    ),
    receiptSha256: fc.stringMatching(/^[0-9a-f]{64}$/),
  },
  { requiredKeys: ['direction', 'messageId', 'sha256', 'at'] },
);

function build(entries: readonly LogEntry[]): ChainedEntry[] {
  const chain: ChainedEntry[] = [];
  for (const entry of entries) chain.push(chainEntry(chain.at(-1)?.hash ?? null, entry));
  return chain;
}

const sample: LogEntry = {
  direction: 'outbound',
  messageId: '01KAQ3ZJ8M4W6T9RZ5XH2C7B1D',
  sha256: 'ab'.repeat(32),
  at: '2026-11-22T09:00:00.000Z',
};

describe('message log hash chain', () => {
  it('hashes the previous hash followed by the canonical entry', () => {
    const first = chainEntry(null, sample);
    expect(first.previousHash).toBeNull();
    expect(first.hash).toBe(sha256Hex(canonicalJson(sample)));
    const second = chainEntry(first.hash, { ...sample, direction: 'inbound' });
    expect(second.hash).toBe(sha256Hex(first.hash + canonicalJson({ ...sample, direction: 'inbound' })));
  });

  it('does not depend on key order, and ignores storage fields', () => {
    const reordered = {
      at: sample.at,
      sha256: sample.sha256,
      messageId: sample.messageId,
      direction: sample.direction,
    };
    expect(chainEntry(null, reordered).hash).toBe(chainEntry(null, sample).hash);
    const stored = { ...chainEntry(null, sample), pk: 'STREAM#51', sk: 'SEQ#1' };
    expect(verifyChain([stored])).toEqual({ ok: true });
  });

  it('canonical JSON sorts keys recursively', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ f: 1, e: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[{"e":2,"f":1}]},"b":1}',
    );
  });

  it('verifies an intact chain, and an empty one', () => {
    fc.assert(fc.property(fc.array(entryArb, { maxLength: 8 }), (entries) => verifyChain(build(entries)).ok));
  });

  it('detects any modification (property)', () => {
    fc.assert(
      fc.property(
        fc.array(entryArb, { minLength: 1, maxLength: 8 }),
        fc.nat(),
        entryArb,
        (entries, i, replacement) => {
          const chain = build(entries);
          const index = i % chain.length;
          const original = chain[index] as ChainedEntry;
          const changed = { ...original, ...replacement };
          fc.pre(canonicalJson({ ...changed, hash: '' }) !== canonicalJson({ ...original, hash: '' }));
          chain[index] = changed;
          const result = verifyChain(chain);
          return !result.ok && result.brokenAt === index;
        },
      ),
    );
  });

  it('detects a modification even when the entry hash is recomputed (property)', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { minLength: 2, maxLength: 8 }), fc.nat(), (entries, i) => {
        const chain = build(entries);
        const index = i % (chain.length - 1);
        const original = chain[index] as ChainedEntry;
        chain[index] = chainEntry(original.previousHash, { ...original, sha256: 'f'.repeat(64) });
        fc.pre(original.sha256 !== 'f'.repeat(64));
        const result = verifyChain(chain);
        return !result.ok && result.brokenAt === index + 1;
      }),
    );
  });

  it('detects the removal of any entry (property)', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { minLength: 1, maxLength: 8 }), fc.nat(), (entries, i) => {
        const chain = build(entries);
        const head = chain.at(-1)?.hash;
        const index = i % chain.length;
        const cut = chain.filter((_, j) => j !== index);
        const result = verifyChain(cut, head === undefined ? {} : { head });
        return !result.ok && result.brokenAt === Math.min(index, cut.length);
      }),
    );
  });

  it('detects any reordering (property)', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { minLength: 2, maxLength: 8 }), fc.nat(), fc.nat(), (entries, a, b) => {
        const chain = build(entries);
        const i = a % chain.length;
        const j = b % chain.length;
        fc.pre(i !== j && chain[i]?.hash !== chain[j]?.hash);
        const swapped = [...chain];
        [swapped[i], swapped[j]] = [chain[j] as ChainedEntry, chain[i] as ChainedEntry];
        const result = verifyChain(swapped);
        return !result.ok && result.brokenAt === Math.min(i, j);
      }),
    );
  });

  it('checks a later segment from a known starting hash', () => {
    const chain = build([
      sample,
      { ...sample, direction: 'inbound' },
      { ...sample, at: '2026-11-23T00:00:00.000Z' },
    ]);
    expect(verifyChain(chain.slice(1), { start: chain[0]?.hash ?? null })).toEqual({ ok: true });
    expect(verifyChain(chain.slice(1))).toEqual({ ok: false, brokenAt: 0 });
    expect(verifyChain(chain.slice(0, 2), { head: chain[2]?.hash ?? '' })).toEqual({
      ok: false,
      brokenAt: 2,
    });
  });
});
