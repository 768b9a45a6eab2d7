import { describe, expect, it } from 'vitest';
import {
  BATCH_CONTENT_TYPE,
  batchBody,
  checkBatch,
  MAX_BATCH_MESSAGES,
  messageDigest,
  parseBatch,
} from '../../functions/exchange/domain/batch';
import { type BatchReceipt, verifyBatchReceipt } from '../../functions/exchange/domain/batch-receipt';
import { canonicalJson, sha256Hex } from '../../functions/exchange/domain/digest';
import { type Partner, PROTOCOL_TYPES } from '../../functions/exchange/domain/partner';
import { signedReceipt } from '../../functions/exchange/domain/receipt';
import type { OutboundRecord, OutboundStreamHead } from '../../functions/exchange/domain/records';
import {
  generateSigningKey,
  jwks,
  type SigningKey,
  signatureHeaders,
  unixSeconds,
} from '../../functions/exchange/domain/signing';
import { streamDue, streamMessageState } from '../../functions/exchange/domain/stream';
import { fixedClock } from '../../shared/domain/clock';
import { newUlid } from '../../shared/domain/ids';
import { provinceUrn } from '../../shared/events/envelope';
import { PERSON_RESIDENCE_ENDED, PERSON_RESIDENCE_REGISTERED } from '../../shared/events/exchange-messages';
import { partnerMessageBody, signedBatch } from '../support/exchange-messages';

/**
 * Protocol version 2 (§13) as pure rules: what a receiver refuses of a batch, whole or per
 * message, the digests both sides compute, the sender's check of a batch receipt, and when a
 * stream is due and a message delivered. Every instant comes from one fixed clock.
 */
const clock = fixedClock('2026-11-22T09:00:00.000Z');
const NOW = clock.now();
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const iso = (offsetMs: number) => at(offsetMs).toISOString();

const OWN = '51';
const key33 = generateSigningKey('p33-k1');
const key44 = generateSigningKey('p44-k1');
const key51 = generateSigningKey('p51-k1');
const stranger = generateSigningKey('never-registered');

const partnerOf = (code: string, key: typeof key33): Partner => ({
  code,
  urn: provinceUrn(code),
  inboxUrl: `https://p${code}.example/exchange/v1/inbox`,
  batchInboxUrl: `https://p${code}.example/exchange/v2/inbox`,
  jwks: jwks([key.verification]),
  inboundTypes: [PERSON_RESIDENCE_REGISTERED],
  outboundTypes: [...PROTOCOL_TYPES],
  status: 'active',
  updatedAt: NOW.toISOString(),
  updatedBy: 'test',
});
const partners: Record<string, Partner> = { '33': partnerOf('33', key33), '44': partnerOf('44', key44) };

type Event = Record<string, unknown>;

/** A well-formed residence notice from `from` to us, at the fixed time, with its own id. */
const event = (sequence: number | string, overrides: Event = {}, from = '33'): Event =>
  JSON.parse(
    partnerMessageBody(from, OWN, {
      id: newUlid(NOW.getTime()),
      time: NOW.toISOString(),
      sequence: String(sequence),
      ...overrides,
    }).body,
  ) as Event;

/** Events 1..n, in order. */
const events = (n: number, first = 1): Event[] => Array.from({ length: n }, (_, i) => event(first + i));

/** A body signed as a batch: the batch id is the `webhook-id`. */
const signed = (
  body: string,
  options: { batchId?: string; keys?: SigningKey[]; signedAt?: Date } = {},
): { body: string; headers: Record<string, string> } =>
  signedBatch(body, options.keys ?? [key33.signing], {
    at: options.signedAt ?? NOW,
    ...(options.batchId ? { batchId: options.batchId } : {}),
  });
const signedEvents = (list: readonly unknown[], options: Parameters<typeof signed>[1] = {}) =>
  signed(JSON.stringify(list), options);

/** The receiver's two steps, as the batch inbox runs them, at the fixed clock's now. */
const receive = ({ body, headers }: { body: string; headers: Record<string, string> }) => {
  const parsed = parseBatch(body);
  if (!parsed.ok) return parsed;
  return checkBatch({
    events: parsed.events,
    body,
    headers,
    partner: partners[parsed.partnerCode],
    ownUrn: provinceUrn(OWN),
    now: clock.now(),
  });
};

const refusal = (result: ReturnType<typeof receive>) => {
  if (result.ok) throw new Error('the batch was not refused');
  return result.rejection;
};
const accepted = (result: ReturnType<typeof receive>) => {
  if (!result.ok) throw new Error(`the batch was refused: ${result.rejection.slug}`);
  if (!('accepted' in result)) throw new Error('parsed only');
  return result;
};

describe('a batch, as the receiver checks it', () => {
  it('accepts a signed batch of messages in ascending order, each with its digest and place', () => {
    const list = events(3);
    const batchId = newUlid(NOW.getTime());
    const request = signedEvents(list, { batchId });
    const result = accepted(receive(request));
    expect(result).toMatchObject({ keyId: 'p33-k1', batchId, sha256: sha256Hex(request.body) });
    expect(result.partner.code).toBe('33');
    expect(result.refused).toEqual([]);
    expect(result.accepted.map((m) => [m.message.id, m.sequence])).toEqual(list.map((e, i) => [e.id, i + 1]));
    for (const [i, m] of result.accepted.entries()) {
      expect(m.body).toBe(canonicalJson(list[i]));
      expect(m.sha256).toBe(sha256Hex(canonicalJson(list[i])));
    }
  });

  it('takes up to 98 messages, with gaps between sequences, and a timestamp 5 minutes off either way', () => {
    expect(MAX_BATCH_MESSAGES).toBe(98);
    expect(accepted(receive(signedEvents(events(98)))).accepted).toHaveLength(98);
    // A gap is for the receiver to report, not to refuse.
    expect(accepted(receive(signedEvents([event(3), event(10), event(11)]))).accepted).toHaveLength(3);
    for (const offset of [-300_000, 300_000]) {
      expect(receive(signedEvents(events(1), { signedAt: at(offset) })).ok).toBe(true);
    }
  });

  const ninetyNine = () => events(99);
  /** Each whole-batch refusal, in the order the checks run. */
  const wholeBatch: [string, () => { body: string; headers: Record<string, string> }, number, string][] = [
    ['malformed JSON', () => signed('[{"specversion":"1.0",'), 400, 'malformed-json'],
    ['a body that is not an array', () => signed(JSON.stringify(event(1))), 400, 'invalid-batch'],
    ['an empty array', () => signed('[]'), 400, 'invalid-batch'],
    ['99 messages', () => signedEvents(ninetyNine()), 400, 'invalid-batch'],
    ['a null element', () => signedEvents([event(1), null]), 400, 'invalid-batch'],
    ['a string element', () => signedEvents([event(1), 'x']), 400, 'invalid-batch'],
    ['an array element', () => signedEvents([event(1), [event(2)]]), 400, 'invalid-batch'],
    [
      'a first message without source',
      () => signedEvents([event(1, { source: undefined })]),
      400,
      'invalid-envelope',
    ],
    [
      'a first message from a city, not a province',
      () => signedEvents([event(1, { source: 'urn:cn:gov:330106:jiahe' })]),
      400,
      'invalid-envelope',
    ],
    [
      'a first message with a numeric source',
      () => signedEvents([event(1, { source: 33 })]),
      400,
      'invalid-envelope',
    ],
    [
      'an unknown partner',
      () => signedEvents([event(1, {}, '45')], { keys: [stranger.signing] }),
      403,
      'unknown-partner',
    ],
    [
      'a signature by another key',
      () => signedEvents(events(2), { keys: [stranger.signing] }),
      401,
      'invalid-signature',
    ],
    [
      'a body changed after signing',
      () => {
        const request = signedEvents(events(2));
        return { ...request, body: request.body.replace('"on":"2026-11-01"', '"on":"2026-11-02"') };
      },
      401,
      'invalid-signature',
    ],
    [
      'a batch id changed after signing',
      () => {
        const request = signedEvents(events(2));
        return { ...request, headers: { ...request.headers, 'webhook-id': newUlid(NOW.getTime()) } };
      },
      401,
      'invalid-signature',
    ],
    [
      'no signature headers',
      () => ({ body: JSON.stringify(events(2)), headers: { 'content-type': BATCH_CONTENT_TYPE } }),
      401,
      'invalid-signature',
    ],
    [
      'a timestamp 5 minutes and 1 second old',
      () => signedEvents(events(2), { signedAt: at(-301_000) }),
      401,
      'timestamp-out-of-window',
    ],
    [
      'a timestamp 5 minutes and 1 second ahead',
      () => signedEvents(events(2), { signedAt: at(301_000) }),
      401,
      'timestamp-out-of-window',
    ],
    [
      'a webhook-id that is not a ULID',
      () => signedEvents(events(2), { batchId: 'batch-1' }),
      400,
      'invalid-batch-id',
    ],
    [
      'a lower-case ULID as webhook-id',
      () => signedEvents(events(2), { batchId: newUlid(NOW.getTime()).toLowerCase() }),
      400,
      'invalid-batch-id',
    ],
    [
      'mixed sources (another partner in the middle)',
      () => signedEvents([event(1), event(2, {}, '44'), event(3)]),
      400,
      'mixed-sources',
    ],
    [
      'a later message without source',
      () => signedEvents([event(1), event(2, { source: undefined })]),
      400,
      'mixed-sources',
    ],
    [
      'a repeated id',
      () => {
        const [a, b] = events(2) as [Event, Event];
        return signedEvents([a, b, { ...a, sequence: '3' }]);
      },
      400,
      'repeated-id',
    ],
    ['descending sequences', () => signedEvents([event(3), event(2), event(1)]), 400, 'sequence-order'],
    ['a sequence repeated', () => signedEvents([event(1), event(2), event(2)]), 400, 'sequence-order'],
    [
      'a sequence going back after a gap',
      () => signedEvents([event(5), event(9), event(7)]),
      400,
      'sequence-order',
    ],
  ];

  it.each(wholeBatch)('refuses the whole batch for %s', (_name, build, status, slug) => {
    const rejection = refusal(receive(build()));
    expect(rejection).toMatchObject({ status, slug });
    expect(rejection.detail.en).toMatch(/^[\x20-\x7e’]+$/);
    expect(rejection.detail.zh).toMatch(/[\u4e00-\u9fff]/);
  });

  /** Batches with two defects: the one checked first is the answer. */
  const twoDefects: [string, () => { body: string; headers: Record<string, string> }, string][] = [
    ['malformed and unsigned', () => ({ body: '[{', headers: {} }), 'malformed-json'],
    [
      'too many and a first message without source',
      () => signedEvents([event(1, { source: undefined }), ...events(98, 2)]),
      'invalid-batch',
    ],
    [
      'a first message without source and unsigned',
      () => ({ body: JSON.stringify([event(1, { source: undefined })]), headers: {} }),
      'invalid-envelope',
    ],
    [
      'from an unknown partner and unsigned',
      () => ({ body: JSON.stringify([event(1, {}, '45')]), headers: {} }),
      'unknown-partner',
    ],
    [
      'unsigned and of mixed sources',
      () => ({ body: JSON.stringify([event(1), event(2, {}, '44')]), headers: {} }),
      'invalid-signature',
    ],
    [
      'signed by another key and of mixed sources',
      () => signedEvents([event(1), event(2, {}, '44')], { keys: [stranger.signing] }),
      'invalid-signature',
    ],
    [
      'stale and signed by another key',
      () => signedEvents(events(2), { keys: [stranger.signing], signedAt: at(-600_000) }),
      'timestamp-out-of-window',
    ],
    [
      'a bad batch id and mixed sources',
      () => signedEvents([event(1), event(2, {}, '44')], { batchId: 'not-a-ulid' }),
      'invalid-batch-id',
    ],
    [
      'mixed sources and a repeated id',
      () => {
        const a = event(1);
        return signedEvents([a, event(2, {}, '44'), { ...a, sequence: '3' }]);
      },
      'mixed-sources',
    ],
    [
      'a repeated id and descending sequences',
      () => {
        const a = event(3);
        return signedEvents([a, event(2), { ...a, sequence: '1' }]);
      },
      'repeated-id',
    ],
    [
      'a message refused on its own, then a sequence going back',
      () => signedEvents([event(2, { recipient: provinceUrn('44') }), event(1)]),
      'sequence-order',
    ],
  ];

  it.each(twoDefects)(
    'checks in the stated order: a batch %s is refused for the first',
    (_name, build, slug) => {
      expect(refusal(receive(build())).slug).toBe(slug);
    },
  );
});

describe('messages refused one by one', () => {
  it('refuses each bad message in the receipt with its reason and accepts the good ones of the batch', () => {
    const list = [
      event(1),
      event(2, { recipient: provinceUrn('44') }),
      event(3, { type: PERSON_RESIDENCE_ENDED }),
      event(4, { data: { personRef: 'x' } }),
      event(5, { subject: '33010619900101123X' }),
      event(6, { id: 'not-a-ulid' }),
      event(7),
      event('0x8'),
      event('9.0'),
      event('1e1'),
      event('011'),
      event(12, { sequence: 12 }),
      event(13, { sequence: '' }),
      event(14, { id: undefined }),
      event(15),
    ];
    const result = accepted(receive(signedEvents(list)));

    expect(result.accepted.map((m) => [m.message.id, m.sequence])).toEqual([
      [list[0]?.id, 1],
      [list[6]?.id, 7],
      [list[14]?.id, 15],
    ]);
    const expected: [number, number, string, string | undefined][] = [
      [1, 422, 'wrong-recipient', '2'],
      [2, 403, 'type-not-allowed', '3'],
      [3, 422, 'invalid-data', '4'],
      [4, 422, 'invalid-envelope', '5'],
      [5, 422, 'invalid-envelope', '6'],
      // A sequence that is not a well-formed one is not echoed: the receipt stays valid.
      [7, 422, 'invalid-envelope', undefined],
      [8, 422, 'invalid-envelope', undefined],
      [9, 422, 'invalid-envelope', undefined],
      [10, 422, 'invalid-envelope', undefined],
      [11, 422, 'invalid-envelope', undefined],
      [12, 422, 'invalid-envelope', undefined],
      [13, 422, 'invalid-envelope', '14'],
    ];
    expect(result.refused).toHaveLength(expected.length);
    for (const [i, [index, status, slug, sequence]] of expected.entries()) {
      const refused = result.refused[i];
      const sent = list[index] as Event;
      expect(refused?.rejection, `message ${index}`).toMatchObject({ status, slug });
      expect(refused?.sequence, `message ${index}`).toBe(sequence);
      // Nor is an id that is not a ULID.
      expect(refused?.id, `message ${index}`).toBe(index === 5 ? undefined : sent.id);
      expect(refused?.sha256, `message ${index}`).toBe(messageDigest(sent));
    }
    // What was wrong is named: the sequence of a non-decimal one, the id of one without.
    expect(result.refused[5]?.rejection.detail.en).toContain('sequence');
    expect(result.refused[11]?.rejection.detail.en).toMatch(/fields: id\b/);
    expect(result.refused[11]).not.toHaveProperty('id');
  });

  it('accepts a batch whose every message is refused, so the receipt says why for each', () => {
    const result = accepted(
      receive(
        signedEvents([
          event(1, { type: PERSON_RESIDENCE_ENDED }),
          event(2, { recipient: provinceUrn('44') }),
        ]),
      ),
    );
    expect(result.accepted).toEqual([]);
    expect(result.refused.map((r) => r.rejection.slug)).toEqual(['type-not-allowed', 'wrong-recipient']);
  });
});

describe('the digest of a message in a batch', () => {
  /** Every object's members in reverse order, recursively. */
  const reversed = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(reversed);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reversed(v)]),
    );
  };

  it('does not depend on member order, whitespace or escapes of the batch body', () => {
    const list = events(3);
    const compact = signed(JSON.stringify(list));
    const pretty = signed(
      JSON.stringify(reversed(list), null, 2).replaceAll('"RES-', '"\\u0052ES-').replaceAll('\n', '\r\n\t'),
    );
    expect(pretty.body).not.toBe(compact.body);
    const one = accepted(receive(compact));
    const other = accepted(receive(pretty));
    // The batch digest is over the bytes received; each message's is over its canonical JSON.
    expect(other.sha256).not.toBe(one.sha256);
    expect(other.accepted.map((m) => m.sha256)).toEqual(one.accepted.map((m) => m.sha256));
    expect(other.accepted.map((m) => m.body)).toEqual(one.accepted.map((m) => m.body));
    expect(one.accepted.map((m) => m.sha256)).toEqual(list.map((e) => sha256Hex(canonicalJson(e))));
    expect(list.map(messageDigest)).toEqual(list.map((e) => messageDigest(reversed(e))));
  });

  it('is the same for a refused message however it was written, and changes with its content', () => {
    const bad = event(1, { type: PERSON_RESIDENCE_ENDED });
    const one = accepted(receive(signed(JSON.stringify([bad]))));
    const other = accepted(receive(signed(JSON.stringify([reversed(bad)], null, 1))));
    expect(other.refused[0]?.sha256).toBe(one.refused[0]?.sha256);
    expect(messageDigest({ ...bad, subject: 'RES-other' })).not.toBe(messageDigest(bad));
  });
});

describe('the sender’s check of a batch receipt', () => {
  const list = events(3);
  const sent = {
    batchId: newUlid(NOW.getTime()),
    messages: list.map((e, i) => ({ id: String(e.id), sequence: i + 1, body: canonicalJson(e) })),
    body: '',
  };
  sent.body = batchBody(sent.messages.map((m) => m.body));
  type Entry = BatchReceipt['messages'][number];
  const entries: Entry[] = sent.messages.map((m) => ({
    id: m.id,
    sequence: String(m.sequence),
    sha256: messageDigest(JSON.parse(m.body)),
    status: 'accepted',
  }));
  const receipt: BatchReceipt = {
    receiptFor: sent.batchId,
    sha256: sha256Hex(sent.body),
    receivedAt: NOW.toISOString(),
    status: 'accepted',
    highestSequence: '3',
    messages: entries,
  };
  const answer = (value: unknown, keys: SigningKey[] = [key51.signing], signedAt = NOW) =>
    signedReceipt(value as BatchReceipt, keys, newUlid(signedAt.getTime()), unixSeconds(signedAt));
  const check = (
    response: { headers: Record<string, string>; body: string },
    keys = [key51.verification],
    messages = sent.messages,
  ) => verifyBatchReceipt(response, { ...sent, messages }, keys, clock.now());
  const entry = (i: number) => entries[i] as Entry;

  it('accepts a correct signed receipt, refusals and duplicates included', () => {
    expect(check(answer(receipt))).toEqual({ ok: true, receipt, keyId: 'p51-k1' });
    const withRefusal = {
      ...receipt,
      status: 'duplicate' as const,
      messages: [entry(0), { ...entry(1), status: 'refused' as const, reason: 'type-not-allowed' }, entry(2)],
    };
    expect(check(answer(withRefusal))).toMatchObject({ ok: true, receipt: withRefusal });
  });

  it('matches messages sent in any serialisation: the digests are of their canonical JSON', () => {
    const loose = sent.messages.map((m) => ({ ...m, body: JSON.stringify(JSON.parse(m.body), null, 2) }));
    expect(check(answer(receipt), [key51.verification], loose).ok).toBe(true);
  });

  it.each([
    [
      'unsigned',
      () => ({ headers: { 'content-type': 'application/json' }, body: answer(receipt).body }),
      'missing-headers',
    ],
    ['signed by another key', () => answer(receipt, [stranger.signing]), 'bad-signature'],
    ['signed by the sender’s own key', () => answer(receipt, [key33.signing]), 'bad-signature'],
    [
      'changed after signing',
      () => {
        const a = answer(receipt);
        return { ...a, body: a.body.replace('"status":"accepted"', '"status":"duplicate"') };
      },
      'bad-signature',
    ],
    [
      'signed 5 minutes and 1 second ago',
      () => answer(receipt, [key51.signing], at(-301_000)),
      'timestamp-out-of-window',
    ],
  ])('refuses a receipt %s', (_name, build, reason) => {
    expect(check(build())).toEqual({ ok: false, reason });
  });

  it('refuses a receipt signed by a key of the recipient that is no longer valid', () => {
    const retired = generateSigningKey('p51-retired', { notAfter: iso(-1) });
    expect(check(answer(receipt, [retired.signing]), [retired.verification])).toEqual({
      ok: false,
      reason: 'no-valid-key',
    });
  });

  const signedText = (body: string) => ({
    body,
    headers: {
      'content-type': 'application/json',
      ...signatureHeaders({ id: newUlid(NOW.getTime()), timestamp: unixSeconds(NOW), body }, [key51.signing]),
    },
  });

  it.each([
    ['not JSON', () => signedText('{"receiptFor":')],
    ['a JSON array', () => signedText('[]')],
    ['without messages', () => answer({ ...receipt, messages: [] })],
    ['without receivedAt', () => answer({ ...receipt, receivedAt: undefined })],
    ['with a digest in upper case', () => answer({ ...receipt, sha256: receipt.sha256.toUpperCase() })],
    [
      'with an unknown entry status',
      () => answer({ ...receipt, messages: [{ ...entry(0), status: 'lost' }] }),
    ],
    [
      'with a sequence with a leading zero',
      () => answer({ ...receipt, messages: [{ ...entry(0), sequence: '01' }] }),
    ],
    // Malformed and about another batch: the form is checked first.
    [
      'about another batch and without status',
      () => answer({ ...receipt, receiptFor: newUlid(NOW.getTime()), status: undefined }),
    ],
  ])('refuses a malformed receipt: %s', (_name, build) => {
    expect(check(build())).toEqual({ ok: false, reason: 'malformed-receipt' });
  });

  it.each([
    ['for another batch id', { ...receipt, receiptFor: newUlid(NOW.getTime()) }],
    ['for another body', { ...receipt, sha256: sha256Hex(`${sent.body} `) }],
    ['with an entry missing', { ...receipt, messages: [entry(0), entry(1)] }],
    ['with an entry too many', { ...receipt, messages: [...entries, entry(2)] }],
    ['with its entries reordered', { ...receipt, messages: [entry(1), entry(0), entry(2)] }],
    [
      'with another digest',
      { ...receipt, messages: [entry(0), { ...entry(1), sha256: sha256Hex('x') }, entry(2)] },
    ],
    [
      'with the digest of the message as written, not canonical',
      {
        ...receipt,
        messages: [entry(0), entry(1), { ...entry(2), sha256: sha256Hex(JSON.stringify(list[2])) }],
      },
    ],
    ['with another sequence', { ...receipt, messages: [entry(0), { ...entry(1), sequence: '9' }, entry(2)] }],
    [
      'with an entry without sequence',
      { ...receipt, messages: [entry(0), { ...entry(1), sequence: undefined }, entry(2)] },
    ],
    [
      'with another id',
      { ...receipt, messages: [entry(0), entry(1), { ...entry(2), id: newUlid(NOW.getTime()) }] },
    ],
    [
      'with an entry without id',
      { ...receipt, messages: [{ ...entry(0), id: undefined }, entry(1), entry(2)] },
    ],
  ])('refuses a receipt %s', (_name, value) => {
    expect(check(answer(value))).toEqual({ ok: false, reason: 'receipt-mismatch' });
  });

  it('checks the signature before the form, and the form before the match', () => {
    const mismatched = { ...receipt, receiptFor: newUlid(NOW.getTime()) };
    expect(check(answer(mismatched, [stranger.signing]))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(check(answer({ ...mismatched, messages: [] }))).toEqual({
      ok: false,
      reason: 'malformed-receipt',
    });
  });
});

describe('the state of a version 2 stream and its messages', () => {
  const head = (fields: Partial<OutboundStreamHead> = {}): OutboundStreamHead => ({
    partner: '33',
    last: 5,
    hash: 'f'.repeat(64),
    delivered: 3,
    attempt: 0,
    ...fields,
  });

  it.each([
    ['messages wait, no lease, no failure', head(), true],
    ['nothing waits', head({ delivered: 5 }), false],
    ['nothing was ever numbered', head({ last: 0, delivered: 0, hash: null }), false],
    ['a lease runs on', head({ leaseUntil: iso(1), leaseOwner: 'a' }), false],
    ['a lease ends this very instant', head({ leaseUntil: iso(0), leaseOwner: 'a' }), false],
    ['a lease ended', head({ leaseUntil: iso(-1), leaseOwner: 'a' }), true],
    ['the next attempt is in the future', head({ attempt: 2, nextAttemptAt: iso(1) }), false],
    ['the next attempt is now', head({ attempt: 2, nextAttemptAt: iso(0) }), true],
    ['the next attempt is past', head({ attempt: 2, nextAttemptAt: iso(-60_000) }), true],
    [
      'a lease ended but the next attempt is ahead',
      head({ leaseUntil: iso(-1), nextAttemptAt: iso(1) }),
      false,
    ],
    ['the next attempt is due but nothing waits', head({ delivered: 5, nextAttemptAt: iso(-1) }), false],
  ])('is due when %s: %s', (_name, h, due) => {
    expect(streamDue(h, clock.now())).toBe(due);
  });

  const record = (fields: Partial<OutboundRecord> = {}): OutboundRecord => ({
    direction: 'outbound',
    messageId: newUlid(NOW.getTime()),
    partner: '33',
    type: PERSON_RESIDENCE_REGISTERED,
    subject: 'RES-1',
    sequence: 4,
    body: '{}',
    sha256: 'a'.repeat(64),
    protocol: 'v2',
    status: 'pending',
    attempts: 0,
    createdAt: NOW.toISOString(),
    ...fields,
  });

  it('shows a pending version 2 message delivered once the cursor has reached it, and not before', () => {
    const pending = record();
    const reached = streamMessageState(pending, head({ delivered: 4 }));
    expect(reached).toEqual({ ...pending, status: 'delivered' });
    expect(pending.status).toBe('pending');
    expect(streamMessageState(pending, head({ delivered: 5 })).status).toBe('delivered');
    expect(streamMessageState(pending, head({ delivered: 3 }))).toBe(pending);
    expect(streamMessageState(pending, undefined)).toBe(pending);
  });

  it('keeps a refused message failed, and leaves version 1 messages as stored', () => {
    const failed = record({ sequence: 2, status: 'failed', refusedReason: 'type-not-allowed' });
    expect(streamMessageState(failed, head({ delivered: 4 }))).toBe(failed);
    const { protocol: _v2, ...v1 } = record({ sequence: 2 });
    expect(streamMessageState(v1, head({ delivered: 4 }))).toBe(v1);
    const v1Waiting = { ...v1, status: 'waiting' as const };
    expect(streamMessageState(v1Waiting, head({ delivered: 4 }))).toBe(v1Waiting);
  });
});
