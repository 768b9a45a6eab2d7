import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_BATCH_BYTES, MAX_BATCH_MESSAGES, messageDigest } from '../../functions/exchange/domain/batch';
import {
  BatchReceipt,
  BatchReceiptEntry,
  verifyBatchReceipt,
} from '../../functions/exchange/domain/batch-receipt';
import { canonicalJson } from '../../functions/exchange/domain/digest';
import { ExchangeMessage, SEQUENCE_PATTERN } from '../../functions/exchange/domain/envelope';
import { entryHash, type LogEntry } from '../../functions/exchange/domain/message-log';
import { MAX_PARTNER_TYPES, PartnerSettings } from '../../functions/exchange/domain/partner';
import { type EventType, eventCatalog } from '../../shared/events/catalog';

/**
 * The worked examples and checkable claims of docs/exchange-protocol.md: the examples are
 * recomputed with node:crypto alone, as a partner reading only the document would, and
 * compared with what the code does.
 */
const doc = readFileSync('docs/exchange-protocol.md', 'utf8');
const TEST_ONLY_X = 'BW9PYUNKMMEOml9VF46c6zZ62lLJg77-SaPjFQNOKNg';
const TEST_ONLY_PUBLIC = createPublicKey({
  key: { kty: 'OKP', crv: 'Ed25519', x: TEST_ONLY_X },
  format: 'jwk',
});
const verifies = (input: string, signature: string) =>
  verify(
    null,
    Buffer.from(input, 'utf8'),
    TEST_ONLY_PUBLIC,
    Buffer.from(signature.replace(/^v1a,/, ''), 'base64'),
  );
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const body = /^(\{"specversion".*\})$/m.exec(doc)?.[1] ?? '';
const receipt = /^(\{"receiptFor".*\})$/m.exec(doc)?.[1] ?? '';

/** The section of the document under a heading, up to the next heading of the same level or above. */
function section(heading: string): string {
  const start = doc.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const level = /^#+/.exec(heading)?.[0].length ?? 2;
  const rest = doc.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`^#{1,${level}} `, 'm'));
  return end < 0 ? rest : rest.slice(0, end);
}

/** The fenced blocks of a section, by language. */
const blocks = (text: string, language: string) =>
  [...text.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1] ?? '');

/** The JSON objects of a `jsonc` block, each with the message types its comment names. */
function dataExamples(block: string): { types: string[]; value: unknown }[] {
  const examples: { types: string[]; value: unknown }[] = [];
  let types: string[] = [];
  let text = '';
  let depth = 0;
  for (const line of block.split('\n')) {
    if (depth === 0 && line.startsWith('//')) {
      types = [...line.matchAll(/\b([a-z]+(?:\.[a-z-]+)*\.v1)\b/g)].map((m) => `cn.gov.jiahe.${m[1]}`);
      continue;
    }
    for (const char of line) {
      if (char === '{') depth++;
      if (char === '}') depth--;
    }
    text += `${line}\n`;
    if (depth === 0 && text.trim()) {
      examples.push({ types, value: JSON.parse(text) });
      text = '';
    }
  }
  return examples;
}

describe('docs/exchange-protocol.md worked examples', () => {
  it('the message signature verifies over id.timestamp.body', () => {
    const signatures = [...doc.matchAll(/^webhook-signature: (v1a,\S+)$/gm)].map((m) => m[1] ?? '');
    expect(verifies(`01KAQ3ZJ8M4W6T9RZ5XH2C7B1D.1795338000.${body}`, signatures[0] ?? '')).toBe(true);
  });

  it('the receipt carries the body digest and its signature verifies', () => {
    expect(JSON.parse(receipt).sha256).toBe(sha256(body));
    const signatures = [...doc.matchAll(/^webhook-signature: (v1a,\S+)$/gm)].map((m) => m[1] ?? '');
    const receiptSignature = signatures[1] ?? '';
    expect(verifies(`01KAQ3ZK0000000000000000R1.1795338001.${receipt}`, receiptSignature)).toBe(true);
  });

  it('the message log entries hash as §11 says, byte for byte, and as the code hashes them', () => {
    const example = section('### 11.2 Worked example');
    const line = (name: string) => new RegExp(`^${name}: +(\\S.*)$`, 'm').exec(example)?.[1] ?? '';
    const [entry1, hash1, entry2, hash2] = ['entry 1', 'hash 1', 'entry 2', 'hash 2'].map(line);
    // With node:crypto alone.
    expect(sha256(entry1 ?? '')).toBe(hash1);
    expect(sha256(`${hash1}${entry2}`)).toBe(hash2);
    const first = JSON.parse(entry1 ?? '{}');
    expect(first.sha256).toBe(sha256(body));
    expect(first.receiptSha256).toBe(sha256(receipt));
    expect(first.headers['webhook-signature']).toBe(/^webhook-signature: (v1a,\S+)$/m.exec(doc)?.[1]);
    // The code agrees: the lines are its canonical text, and it chains them to the same hashes.
    const second = JSON.parse(entry2 ?? '{}');
    expect([canonicalJson(first), canonicalJson(second)]).toEqual([entry1, entry2]);
    expect(entryHash(null, first as LogEntry)).toBe(hash1);
    expect(entryHash(hash1 ?? '', second as LogEntry)).toBe(hash2);
    expect(canonicalJson(JSON.parse(receipt))).toBe(receipt);
  });
});

describe('docs/exchange-protocol.md version 2 worked example (§13.10)', () => {
  const example = section('### 13.10 Worked example');
  const all = (name: string) =>
    [...example.matchAll(new RegExp(`^${name}: +(\\S+)$`, 'gm'))].map((m) => m[1] ?? '');
  const [batchId = '', receiptId = ''] = all('webhook-id');
  const [batchTimestamp = '', receiptTimestamp = ''] = all('webhook-timestamp');
  const [batchSignature = '', receiptSignature = ''] = all('webhook-signature');
  const batch = /^(\[\{.*\}\])$/m.exec(example)?.[1] ?? '';
  const receiptText = /^(\{"highestSequence".*\})$/m.exec(example)?.[1] ?? '';
  const digest = (name: string) => new RegExp(`^${name}: +([0-9a-f]{64})$`, 'm').exec(example)?.[1];
  const events = JSON.parse(batch || '[]') as Record<string, unknown>[];
  const batchReceipt = JSON.parse(receiptText || '{}');

  it('gives a batch, its headers and a receipt, with the content type of §13.2', () => {
    expect(events).toHaveLength(2);
    expect([batchId, receiptId, batchTimestamp, receiptTimestamp]).not.toContain('');
    expect(example).toContain('content-type: application/cloudevents-batch+json');
    expect(example).toContain(`one line of ${Buffer.byteLength(batch, 'utf8')} bytes`);
    expect(new Date(Number(batchTimestamp) * 1000).toISOString()).toBe('2026-11-22T10:00:00.000Z');
  });

  it('the batch signature verifies over id.timestamp.body with the test-only key', () => {
    expect(verifies(`${batchId}.${batchTimestamp}.${batch}`, batchSignature)).toBe(true);
    expect(verifies(`${batchId}.${batchTimestamp}.${batch} `, batchSignature)).toBe(false);
  });

  it('the receipt verifies, names the batch and its digest, and answers each message by its canonical digest', () => {
    expect(verifies(`${receiptId}.${receiptTimestamp}.${receiptText}`, receiptSignature)).toBe(true);
    expect(batchReceipt.receiptFor).toBe(batchId);
    expect(batchReceipt.sha256).toBe(sha256(batch));
    expect(digest('body')).toBe(sha256(batch));
    expect(batchReceipt.messages).toHaveLength(events.length);
    events.forEach((event, i) => {
      const entry = batchReceipt.messages[i];
      // With node:crypto and §11.1's rules alone.
      const canonical = canonicalFromTheDocument(event);
      expect(entry.sha256).toBe(sha256(canonical));
      expect(digest(`message ${event.sequence}`)).toBe(entry.sha256);
      expect([entry.id, entry.sequence, entry.status]).toEqual([event.id, event.sequence, 'accepted']);
      // The digest does not depend on how the batch was written: other member order, whitespace.
      const rewritten = JSON.stringify(Object.fromEntries(Object.entries(event).reverse()), null, 2);
      expect(sha256(canonicalFromTheDocument(JSON.parse(rewritten)))).toBe(entry.sha256);
      // The code agrees.
      expect(messageDigest(event)).toBe(entry.sha256);
    });
    expect(batchReceipt.highestSequence).toBe(events.at(-1)?.sequence);
    expect(canonicalFromTheDocument(batchReceipt)).toBe(receiptText);
  });

  it('the body is messages of §2 and the receipt the schema a sender checks', () => {
    for (const event of events) expect(ExchangeMessage.safeParse(event).error?.issues).toBeUndefined();
    expect(BatchReceipt.safeParse(batchReceipt).error?.issues).toBeUndefined();
    // jiahe's own sender accepts the receipt for the batch it sent.
    const check = verifyBatchReceipt(
      {
        headers: {
          'webhook-id': receiptId,
          'webhook-timestamp': receiptTimestamp,
          'webhook-signature': receiptSignature,
        },
        body: receiptText,
      },
      {
        batchId,
        body: batch,
        messages: events.map((event) => ({
          id: String(event.id),
          sequence: Number(event.sequence),
          body: canonicalJson(event),
        })),
      },
      [{ kid: 'test-only-2026', publicKey: { kty: 'OKP', crv: 'Ed25519', x: TEST_ONLY_X } }],
      new Date(Number(receiptTimestamp) * 1000),
    );
    expect(check.ok).toBe(true);
  });

  it('the refused entry of the example carries the digest of the message as changed', () => {
    const refused = /`(\{"id":[^`]*"status":"refused"\})`/.exec(example)?.[1] ?? '{}';
    const entry = JSON.parse(refused);
    const changed = { ...events[1], data: { outcome: 'done' } };
    expect(entry.sha256).toBe(sha256(canonicalFromTheDocument(changed)));
    expect(canonicalFromTheDocument(entry)).toBe(refused);
    expect(BatchReceiptEntry.safeParse(entry).success).toBe(true);
  });

  it('the inbound chain entries hash as §13.9 says', () => {
    const line = (name: string) => new RegExp(`^${name}: +(\\S.*)$`, 'm').exec(example)?.[1] ?? '';
    const [entry1, hash1, entry2, hash2] = ['entry 1', 'hash 1', 'entry 2', 'hash 2'].map(line);
    expect(sha256(entry1 ?? '')).toBe(hash1);
    expect(sha256(`${hash1}${entry2}`)).toBe(hash2);
    const entries = [JSON.parse(entry1 ?? '{}'), JSON.parse(entry2 ?? '{}')];
    entries.forEach((entry, i) => {
      const event = events[i] ?? {};
      expect(entry).toEqual({
        at: batchReceipt.receivedAt,
        direction: 'inbound',
        messageId: event.id,
        sequence: Number(event.sequence),
        sha256: batchReceipt.messages[i].sha256,
        type: event.type,
      });
    });
    expect(entryHash(null, entries[0] as LogEntry)).toBe(hash1);
    expect(entryHash(hash1 ?? '', entries[1] as LogEntry)).toBe(hash2);
  });
});

/** Canonical JSON written from §11.1's rules alone, to compare with the code. */
function canonicalFromTheDocument(value: unknown): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '0' : String(value);
  if (typeof value === 'string') {
    const named: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\t': '\\t', '\n': '\\n' };
    Object.assign(named, { '\f': '\\f', '\r': '\\r' });
    let out = '"';
    for (let i = 0; i < value.length; i++) {
      const char = value.charAt(i);
      const unit = value.charCodeAt(i);
      const high = unit >= 0xd800 && unit <= 0xdbff;
      const low = unit >= 0xdc00 && unit <= 0xdfff;
      const paired =
        (high && /[\udc00-\udfff]/.test(value.charAt(i + 1))) ||
        (low && /[\ud800-\udbff]/.test(value.charAt(i - 1)));
      if (named[char]) out += named[char];
      else if (unit < 0x20 || ((high || low) && !paired)) out += `\\u${unit.toString(16).padStart(4, '0')}`;
      else out += char;
    }
    return `${out}"`;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalFromTheDocument).join(',')}]`;
  const members = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${members.map(([name, member]) => `${canonicalFromTheDocument(name)}:${canonicalFromTheDocument(member)}`).join(',')}}`;
}

describe('docs/exchange-protocol.md claims', () => {
  it('canonical JSON is exactly what §11.1 says, for any JSON value and any string', () => {
    const anyString = fc.string({
      unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)),
    });
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(anyString, anyString), (json, strings) => {
        expect(canonicalJson(json)).toBe(canonicalFromTheDocument(json));
        expect(canonicalJson(strings)).toBe(canonicalFromTheDocument(strings));
      }),
      { numRuns: 500 },
    );
    expect(canonicalJson({ b: 1, a: 'é/王\u2028"\\\n\u0001', B: [true, null] })).toBe(
      '{"B":[true,null],"a":"é/王\u2028\\"\\\\\\n\\u0001","b":1}',
    );
  });

  it('its envelope example and every data example match the schemas the inbox enforces', () => {
    const envelope = JSON.parse(blocks(section('## 2. The envelope'), 'json')[0] ?? '{}');
    expect(ExchangeMessage.safeParse(envelope).success).toBe(true);
    expect(eventCatalog[envelope.type as EventType].safeParse(envelope.data).success).toBe(true);
    const examples = blocks(section('## 3. Message types'), 'jsonc').flatMap(dataExamples);
    const covered = new Set(examples.flatMap((e) => e.types));
    expect(covered.size).toBe(10);
    for (const { types, value } of examples) {
      for (const type of types) {
        const schema = eventCatalog[type as EventType];
        expect(schema, type).toBeDefined();
        expect(schema.safeParse(value).error?.issues, `${type}: ${JSON.stringify(value)}`).toBeUndefined();
      }
    }
  });

  it('states the batch limits the code enforces', () => {
    const v2 = section('## 13. Version 2: batches');
    const bytes = String(MAX_BATCH_BYTES).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
    expect(section('### 13.2 The request')).toContain(`1 to ${MAX_BATCH_MESSAGES} messages`);
    expect(section('### 13.2 The request')).toContain(`at most ${bytes} bytes (1 MiB)`);
    expect(v2).toContain(`| 2 | the body is at most ${bytes} bytes | 413 \`payload-too-large\` |`);
    expect(v2).toContain(`| 4 | it is an array of 1 to ${MAX_BATCH_MESSAGES} JSON objects |`);
    expect(MAX_BATCH_BYTES).toBe(1024 * 1024);
    // Every count of messages a batch may hold, anywhere in the document, is the code's.
    const counts = [
      ...doc.matchAll(
        /(?:up to|1 to|at most)\s+(\d+)(?=\s+(?:consecutive\s+)?messages|\s+JSON objects|\s+of them)/g,
      ),
    ].map((m) => Number(m[1]));
    expect(counts.length).toBeGreaterThanOrEqual(5);
    expect(new Set(counts)).toEqual(new Set([MAX_BATCH_MESSAGES]));
    // And every size in bytes stated for a batch.
    const sizes = [...v2.matchAll(/(\d{1,3}(?: \d{3})+) bytes/g)].map((m) =>
      Number(m[1]?.replaceAll(' ', '')),
    );
    expect(new Set(sizes)).toEqual(new Set([MAX_BATCH_BYTES]));
  });

  it('states the sequence pattern and the type-list cap the code enforces', () => {
    expect(doc).toContain(`\`${SEQUENCE_PATTERN.source}\``);
    expect(section('## 9. Onboarding a partner')).toContain(`up to ${MAX_PARTNER_TYPES} distinct types`);
    const settings = JSON.parse(blocks(section('## 9. Onboarding a partner'), 'json')[0] ?? '{}');
    expect(PartnerSettings.safeParse(settings).success).toBe(true);
  });

  it('lists every ack reason the receiving areas send', () => {
    const sources = [
      'functions/registry/domain/inbound-service.ts',
      'functions/payout/domain/inbound-service.ts',
      'functions/payout/domain/claims.ts',
      'functions/payout/domain/claim-service.ts',
    ].map((path) => readFileSync(path, 'utf8'));
    const reasons = new Set(
      sources.flatMap((source) => [
        ...[...source.matchAll(/fatal\('([a-z-]+)'\)/g)].map((m) => m[1]),
        ...[...source.matchAll(/'fatal-error', [^;]*?'([a-z-]+)'\)/g)].map((m) => m[1]),
        ...[...source.matchAll(/outcome: 'ok', reason: '([a-z-]+)'/g)].map((m) => m[1]),
      ]),
    );
    expect(reasons.size).toBeGreaterThanOrEqual(8);
    const table = section('### 3.2 Answers: `ack.v1` and `ack.v2`');
    for (const reason of reasons) expect(table, String(reason)).toContain(`| \`${reason}\` |`);
  });
});
