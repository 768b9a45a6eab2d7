import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dynamoMessageRepository } from '../../functions/exchange/adapters/message-repository';
import { dynamoPartnerRepository } from '../../functions/exchange/adapters/partner-repository';
import { dynamoStreamRepository } from '../../functions/exchange/adapters/stream-repository';
import {
  BATCH_CONTENT_TYPE,
  batchBody,
  MAX_BATCH_BYTES,
  messageDigest,
} from '../../functions/exchange/domain/batch';
import { verifyBatchReceipt } from '../../functions/exchange/domain/batch-receipt';
import { canonicalJson } from '../../functions/exchange/domain/digest';
import { type Partner, PROTOCOL_TYPES } from '../../functions/exchange/domain/partner';
import { generateSigningKey, jwks, type SigningKey } from '../../functions/exchange/domain/signing';
import { buildInbox } from '../../functions/exchange/handlers/inbox';
import { fixedClock } from '../../shared/domain/clock';
import { newUlid } from '../../shared/domain/ids';
import { provinceUrn } from '../../shared/events/envelope';
import { PERSON_RESIDENCE_ENDED, PERSON_RESIDENCE_REGISTERED } from '../../shared/events/exchange-messages';
import { PROBLEM_TYPE_BASE } from '../../shared/http/problem';
import { redactingReplacer } from '../../shared/observability/redact';
import { tracing } from '../../shared/observability/tracing';
import { apiEvent } from '../support/api-event';
import { partnerMessageBody, signedBatch } from '../support/exchange-messages';
import { context } from '../support/lambda';
import { countItems, provisionForTest } from '../support/local-aws';
import { recordFigures } from './support/figures';
import { captureProcessOutput, scanForLeaks } from './support/leaks';

/** Tables of this file's own; the inbox serves province 33, as in the version 1 attack suite. */
const ISOLATION = '16';
const OWN = '33';
/** The partner under attack's name, and a second partner whose messages get smuggled. */
const PARTNER = '71';
const OTHER = '72';
const UNKNOWN = '75';

/** The inbox's clock: every signature is made at this instant (or a stated distance from it). */
const clock = fixedClock('2026-11-22T09:00:00.000Z');
const NOW = clock.now();
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const DAY = 86_400_000;

const current = generateSigningKey('p71-current');
const never = generateSigningKey('p71-never-registered');
const rotatedOut = generateSigningKey('p71-rotated-out', {
  notBefore: at(-30 * DAY).toISOString(),
  notAfter: at(-DAY).toISOString(),
});
const otherKey = generateSigningKey('p72-current');
const ownKey = generateSigningKey('p33-current');

const partner = (code: string, keys: (typeof current)['verification'][]): Partner => ({
  code,
  urn: provinceUrn(code),
  inboxUrl: `https://p${code}.example/exchange/v1/inbox`,
  batchInboxUrl: `https://p${code}.example/exchange/v2/inbox`,
  jwks: jwks(keys),
  inboundTypes: [PERSON_RESIDENCE_REGISTERED],
  outboundTypes: [...PROTOCOL_TYPES],
  status: 'active',
  updatedAt: NOW.toISOString(),
  updatedBy: 'test',
});

interface Message {
  readonly id: string;
  readonly sequence: string;
  /** The message as the partner wrote it. */
  readonly body: string;
  readonly event: Record<string, unknown>;
}

let sequence = 0;
/** A residence notice from `from` to us, numbered after every message before it. */
const message = (overrides: Record<string, unknown> = {}, from = PARTNER): Message => {
  const { body } = partnerMessageBody(from, OWN, {
    id: newUlid(NOW.getTime()),
    time: NOW.toISOString(),
    sequence: String(++sequence),
    ...overrides,
  });
  const event = JSON.parse(body) as Record<string, unknown>;
  return { id: String(event.id), sequence: String(event.sequence), body, event };
};
const messages = (n: number) => Array.from({ length: n }, () => message());

interface Request {
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** A batch body with its signature headers: the batch id is the `webhook-id`. */
const signed = (
  body: string,
  options: { batchId?: string; keys?: SigningKey[]; signedAt?: Date } = {},
): Request =>
  signedBatch(body, options.keys ?? [current.signing], {
    at: options.signedAt ?? NOW,
    ...(options.batchId ? { batchId: options.batchId } : {}),
  });
const batchOf = (list: readonly Message[], options: Parameters<typeof signed>[1] = {}) =>
  signed(batchBody(list.map((m) => m.body)), options);

interface Attack {
  readonly name: string;
  readonly status: number;
  readonly slug: string;
  readonly build: () => Request;
  /** The inbox's clock for this request, when not the fixed now (a late replay). */
  readonly receivedAt?: Date;
}

/** The batch the partner sent in the baseline: replayed later by one attack. */
let baseline: Request | undefined;

/** Every way of forging, replaying or bending a batch; each is refused whole. */
const attacks: Attack[] = [
  {
    name: 'a forged signature (a key never registered)',
    status: 401,
    slug: 'invalid-signature',
    build: () => batchOf(messages(2), { keys: [never.signing] }),
  },
  {
    name: 'tampered signature bytes',
    status: 401,
    slug: 'invalid-signature',
    build: () => {
      const request = batchOf(messages(2));
      const signature = request.headers['webhook-signature'] ?? '';
      return {
        ...request,
        headers: { ...request.headers, 'webhook-signature': `${signature.slice(0, -6)}AAAAA=` },
      };
    },
  },
  {
    name: 'no signature headers',
    status: 401,
    slug: 'invalid-signature',
    build: () => ({
      body: batchBody(messages(2).map((m) => m.body)),
      headers: { 'content-type': BATCH_CONTENT_TYPE },
    }),
  },
  {
    name: 'a body tampered after signing',
    status: 401,
    slug: 'invalid-signature',
    build: () => {
      const request = batchOf(messages(3));
      return { ...request, body: request.body.replace('"on":"2026-11-01"', '"on":"2026-11-02"') };
    },
  },
  {
    name: 'a message dropped from the batch after signing',
    status: 401,
    slug: 'invalid-signature',
    build: () => {
      const list = messages(3);
      return { ...batchOf(list), body: batchBody(list.slice(0, 2).map((m) => m.body)) };
    },
  },
  {
    name: 'a batch id swapped after signing',
    status: 401,
    slug: 'invalid-signature',
    build: () => {
      const request = batchOf(messages(2));
      return { ...request, headers: { ...request.headers, 'webhook-id': newUlid(NOW.getTime()) } };
    },
  },
  {
    name: 'a key rotated out',
    status: 401,
    slug: 'invalid-signature',
    build: () => batchOf(messages(2), { keys: [rotatedOut.signing] }),
  },
  {
    name: 'a batch signed by the partner in another partner’s name',
    status: 401,
    slug: 'invalid-signature',
    build: () => batchOf([message({}, OTHER)]),
  },
  {
    name: 'a replay signed 5 minutes and 1 second ago',
    status: 401,
    slug: 'timestamp-out-of-window',
    build: () => batchOf(messages(2), { signedAt: at(-301_000) }),
  },
  {
    name: 'a batch signed 5 minutes and 1 second ahead',
    status: 401,
    slug: 'timestamp-out-of-window',
    build: () => batchOf(messages(2), { signedAt: at(301_000) }),
  },
  {
    name: 'the accepted baseline batch replayed 6 minutes later',
    status: 401,
    slug: 'timestamp-out-of-window',
    build: () => {
      if (!baseline) throw new Error('the baseline batch was not sent');
      return baseline;
    },
    receivedAt: at(6 * 60_000),
  },
  {
    name: 'an unknown partner',
    status: 403,
    slug: 'unknown-partner',
    build: () => batchOf([message({}, UNKNOWN)], { keys: [never.signing] }),
  },
  {
    name: 'an oversized body',
    status: 413,
    slug: 'payload-too-large',
    build: () => batchOf([message(), message({ padding: 'x'.repeat(MAX_BATCH_BYTES) })]),
  },
  {
    name: 'the version 1 media type',
    status: 415,
    slug: 'unsupported-media-type',
    build: () => {
      const request = batchOf(messages(2));
      return { ...request, headers: { ...request.headers, 'content-type': 'application/cloudevents+json' } };
    },
  },
  {
    name: 'no media type',
    status: 415,
    slug: 'unsupported-media-type',
    build: () => {
      const { body, headers } = batchOf(messages(2));
      const { 'content-type': _, ...signatureOnly } = headers;
      return { body, headers: signatureOnly };
    },
  },
  {
    name: 'malformed JSON',
    status: 400,
    slug: 'malformed-json',
    build: () => signed('[{"specversion":"1.0",'),
  },
  {
    name: 'a single envelope, not an array',
    status: 400,
    slug: 'invalid-batch',
    build: () => signed(message().body),
  },
  { name: 'an empty batch', status: 400, slug: 'invalid-batch', build: () => signed('[]') },
  { name: '99 messages', status: 400, slug: 'invalid-batch', build: () => batchOf(messages(99)) },
  {
    name: 'a first message without a province source',
    status: 400,
    slug: 'invalid-envelope',
    build: () => batchOf([message({ source: 'urn:cn:gov:710100:jiahe' }), message()]),
  },
  {
    name: 'a webhook-id that is not a ULID',
    status: 400,
    slug: 'invalid-batch-id',
    build: () => batchOf(messages(2), { batchId: 'batch-0001' }),
  },
  {
    name: 'mixed sources',
    status: 400,
    slug: 'mixed-sources',
    build: () => batchOf([message(), message({}, OTHER)]),
  },
  {
    name: 'a message of another province smuggled in the middle',
    status: 400,
    slug: 'mixed-sources',
    build: () => batchOf([message(), message(), message({}, OTHER), message()]),
  },
  {
    name: 'a message in our own name smuggled in the middle',
    status: 400,
    slug: 'mixed-sources',
    build: () => batchOf([message(), message({ source: provinceUrn(OWN) }), message()]),
  },
  {
    name: 'a repeated id',
    status: 400,
    slug: 'repeated-id',
    build: () => {
      const [a, b] = messages(2) as [Message, Message];
      return batchOf([a, b, message({ id: a.id })]);
    },
  },
  {
    name: 'descending sequences',
    status: 400,
    slug: 'sequence-order',
    build: () => batchOf(messages(3).reverse()),
  },
];

/**
 * Attacks on the version 2 inbox (§13): the real handler on DynamoDB Local, with the real
 * logger (INFO, redacting) whose output is captured. Every forged, replayed or bent batch
 * is refused whole with its problem, changes nothing in the exchange table, is logged as
 * refused, and leaves neither its body nor its signature in the log.
 */
describe('exchange batch inbox under attack', () => {
  let env: Awaited<ReturnType<typeof provisionForTest>>;
  let capture: ReturnType<typeof captureProcessOutput>;
  let streams: ReturnType<typeof dynamoStreamRepository>;
  let inboxMessages: ReturnType<typeof dynamoMessageRepository>;
  const metrics = new Metrics({ serviceName: 'exchange-inbox', namespace: 'test' });
  const emitted = vi.spyOn(metrics, 'addMetric');
  const inboxes = new Map<number, ReturnType<typeof buildInbox>>();
  const figures = { tried: 0, accepted: 0, stored: 0, unlogged: 0, leaked: 0 };

  const table = () => env.resources.tables.exchange;
  const inboxAt = (instant: Date) => {
    let inbox = inboxes.get(instant.getTime());
    if (!inbox) {
      inbox = buildInbox({
        province: OWN,
        partners: dynamoPartnerRepository(env.aws.documents, table()),
        messages: inboxMessages,
        streams,
        signingKeys: [ownKey.signing],
        clock: fixedClock(instant.toISOString()),
        observability: {
          logger: new Logger({
            serviceName: 'exchange-inbox',
            logLevel: 'INFO',
            jsonReplacerFn: redactingReplacer,
          }),
          metrics,
          tracing: tracing('exchange-inbox', false),
        },
      });
      inboxes.set(instant.getTime(), inbox);
    }
    return inbox;
  };

  /** POSTs to the batch inbox; the answer as sent (raw) and parsed. */
  const post = async ({ body, headers }: Request, receivedAt = NOW) => {
    const event = apiEvent({ method: 'POST', route: '/exchange/v2/inbox', headers, body });
    const raw = (await inboxAt(receivedAt)(event as never, context())) as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    };
    // biome-ignore lint/suspicious/noExplicitAny: assertions read the answer field by field
    return { raw, status: raw.statusCode, headers: raw.headers, body: JSON.parse(raw.body) as any };
  };

  /** Every item of the exchange table, in key order. */
  const items = async () => {
    const all: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await env.aws.documents.send(
        new ScanCommand({ TableName: table(), ConsistentRead: true, ExclusiveStartKey: start }),
      );
      all.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    const key = (item: Record<string, unknown>) => `${item.pk}|${item.sk}`;
    return new Map(all.sort((a, b) => key(a).localeCompare(key(b))).map((item) => [key(item), item]));
  };
  const snapshot = async () => JSON.stringify([...(await items()).entries()]);
  const count = () => countItems(env.aws.dynamodb, table());

  /** What may never appear in a log line: the body, its messages' contents and the signature. */
  const secretsOf = ({ body, headers }: Request): string[] => [
    ...(body.length > 0 ? [body] : []),
    ...[...body.matchAll(/"(?:personRef|subject)":"([^"]{6,})"/g)].map((m) => m[1] as string),
    ...(headers['webhook-signature'] ?? '')
      .split(' ')
      .map((entry) => entry.slice(entry.indexOf(',') + 1))
      .filter((part) => part.length >= 16),
  ];
  const leaksIn = (lines: readonly string[], request: Request) => {
    const secrets = secretsOf(request);
    const found = lines.filter((line) => secrets.some((secret) => line.includes(secret)));
    const scanned = scanForLeaks(lines);
    return [...found, ...(scanned.residentIds + scanned.accounts + scanned.tokens > 0 ? ['(scan)'] : [])];
  };
  const logged = (lines: readonly string[]) =>
    lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  const metricsSince = (mark: number) =>
    emitted.mock.calls.slice(mark).map(([name, _unit, value]) => [name, value] as const);

  beforeAll(async () => {
    env = await provisionForTest(ISOLATION);
    streams = dynamoStreamRepository(env.aws.documents, table());
    inboxMessages = dynamoMessageRepository(env.aws.documents, table());
    const partners = dynamoPartnerRepository(env.aws.documents, table());
    await partners.put(partner(PARTNER, [current.verification, rotatedOut.verification]));
    await partners.put(partner(OTHER, [otherKey.verification]));
    capture = captureProcessOutput();
  });

  afterAll(() => {
    capture?.stop();
    const leaks = scanForLeaks(capture?.lines ?? []);
    recordFigures('4-attacks', [
      {
        suite: 'exchange attacks',
        item: 'forged, replayed and malformed partner batches (v2)',
        counts: figures,
        mustBeZero: ['accepted', 'stored', 'unlogged', 'leaked'],
      },
    ]);
    recordFigures('5-privacy', [
      {
        suite: 'privacy',
        item: 'function log lines (batch attack run)',
        counts: { lines: leaks.lines, leaks: leaks.residentIds + leaks.accounts + leaks.tokens },
        mustBeZero: ['leaks'],
      },
    ]);
  });

  it('accepts a correctly signed batch (the baseline, so refusals mean something)', async () => {
    const list = messages(2);
    const batchId = newUlid(NOW.getTime());
    baseline = batchOf(list, { batchId });
    const before = await count();
    const reply = await post(baseline);
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    expect(reply.body.messages.map((m: { status: string }) => m.status)).toEqual(['accepted', 'accepted']);
    // Two messages, the batch, and the partner's inbound head.
    expect(await count()).toBe(before + 4);
    const check = verifyBatchReceipt(
      reply.raw,
      { batchId, body: baseline.body, messages: list.map((m) => ({ ...m, sequence: Number(m.sequence) })) },
      [ownKey.verification],
      NOW,
    );
    expect(check.ok).toBe(true);
  });

  it.each(attacks)('refuses $name: $status $slug, stores nothing, logs no secret', async (attack) => {
    const request = attack.build();
    const [beforeCount, before] = [await count(), await snapshot()];
    const lineMark = capture.lines.length;
    const metricMark = emitted.mock.calls.length;
    const reply = await post(request, attack.receivedAt);
    const [afterCount, after] = [await count(), await snapshot()];
    const lines = capture.lines.slice(lineMark);
    const refusals = logged(lines).filter(
      (line) => line.message === 'inbox refused a message' || line.message === 'request refused',
    );
    const leaks = leaksIn(lines, request);

    figures.tried++;
    if (reply.status < 400) figures.accepted++;
    if (after !== before) figures.stored++;
    if (refusals.length === 0) figures.unlogged++;
    if (leaks.length > 0) figures.leaked++;

    expect(reply.status, JSON.stringify(reply.body)).toBe(attack.status);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(reply.body).toMatchObject({ type: `${PROBLEM_TYPE_BASE}${attack.slug}`, status: attack.status });
    expect(afterCount).toBe(beforeCount);
    expect(after).toBe(before);
    expect(refusals).toContainEqual(
      expect.objectContaining({ message: 'request refused', status: attack.status }),
    );
    if (attack.status !== 415) {
      // Refused by the inbox's own checks: logged with the reason, and counted.
      expect(refusals).toContainEqual(
        expect.objectContaining({ message: 'inbox refused a message', reason: attack.slug }),
      );
      expect(metricsSince(metricMark)).toContainEqual(['InboxRejected', 1]);
    }
    expect(metricsSince(metricMark).map(([name]) => name)).not.toContain('InboxAccepted');
    expect(leaks).toEqual([]);
  });

  it('answers 202 to a batch with a type the partner may not send: that one refused, the others stored', async () => {
    const list = [message(), message({ type: PERSON_RESIDENCE_ENDED }), message()];
    const [first, refused, last] = list as [Message, Message, Message];
    const batchId = newUlid(NOW.getTime());
    const request = batchOf(list, { batchId });
    const before = await items();
    const metricMark = emitted.mock.calls.length;
    const reply = await post(request);

    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    expect(reply.body).toMatchObject({
      receiptFor: batchId,
      status: 'accepted',
      highestSequence: last.sequence,
    });
    expect(reply.body.messages).toEqual([
      { id: first.id, sequence: first.sequence, sha256: messageDigest(first.event), status: 'accepted' },
      {
        id: refused.id,
        sequence: refused.sequence,
        sha256: messageDigest(refused.event),
        status: 'refused',
        reason: 'type-not-allowed',
      },
      { id: last.id, sequence: last.sequence, sha256: messageDigest(last.event), status: 'accepted' },
    ]);
    // The receipt is what the sender can check: signed by us, one entry per message sent.
    const messagesSent = list.map((m) => ({ ...m, sequence: Number(m.sequence) }));
    expect(
      verifyBatchReceipt(
        reply.raw,
        { batchId, body: request.body, messages: messagesSent },
        [ownKey.verification],
        NOW,
      ).ok,
    ).toBe(true);

    // Stored: the two accepted messages and the batch; nothing of the refused one.
    const after = await items();
    const added = [...after.keys()].filter((key) => !before.has(key)).sort();
    expect(added.filter((key) => key.startsWith('MSG#'))).toEqual(
      [`MSG#${first.id}|IN#${PARTNER}`, `MSG#${last.id}|IN#${PARTNER}`].sort(),
    );
    expect(added.filter((key) => !key.startsWith('MSG#'))).toEqual([
      expect.stringMatching(new RegExp(`^INB#${PARTNER}\\|\\d{15}$`)),
    ]);
    expect(await inboxMessages.findInbound(PARTNER, refused.id)).toBeUndefined();
    for (const m of [first, last]) {
      expect(await inboxMessages.findInbound(PARTNER, m.id)).toMatchObject({
        protocol: 'v2',
        batchId,
        body: canonicalJson(m.event),
        sha256: messageDigest(m.event),
        sequence: Number(m.sequence),
        status: 'accepted',
      });
    }
    const chain = await streams.chain(PARTNER, 'inbound');
    expect(chain.slice(-2).map((e) => e.messageId)).toEqual([first.id, last.id]);
    expect(metricsSince(metricMark)).toContainEqual(['InboxAccepted', 2]);
    expect(metricsSince(metricMark).map(([name]) => name)).not.toContain('InboxIdConflict');
  });

  it('refuses an id sent before with another body as id-conflict, keeps the original, and alarms', async () => {
    const original = message();
    const first = await post(batchOf([original]));
    expect(first.body.messages).toMatchObject([{ id: original.id, status: 'accepted' }]);
    const key = { pk: `MSG#${original.id}`, sk: `IN#${PARTNER}` };
    const get = async () =>
      (await env.aws.documents.send(new GetCommand({ TableName: table(), Key: key, ConsistentRead: true })))
        .Item;
    const kept = await get();

    const changedBody = original.body.replace('"on":"2026-11-01"', '"on":"2026-11-03"');
    const changed = {
      ...original,
      body: changedBody,
      event: JSON.parse(changedBody) as Record<string, unknown>,
    };
    const fresh = message();
    const batchId = newUlid(NOW.getTime());
    const request = batchOf([changed, fresh], { batchId });
    const lineMark = capture.lines.length;
    const metricMark = emitted.mock.calls.length;
    const reply = await post(request);
    const lines = capture.lines.slice(lineMark);

    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    expect(reply.body.messages).toEqual([
      {
        id: original.id,
        sequence: original.sequence,
        sha256: messageDigest(changed.event),
        status: 'refused',
        reason: 'id-conflict',
      },
      { id: fresh.id, sequence: fresh.sequence, sha256: messageDigest(fresh.event), status: 'accepted' },
    ]);
    expect(messageDigest(changed.event)).not.toBe(messageDigest(original.event));
    // The original stands, exactly as it was stored.
    expect(await get()).toEqual(kept);
    expect(kept).toMatchObject({
      sha256: messageDigest(original.event),
      body: canonicalJson(original.event),
    });
    expect(await inboxMessages.findInbound(PARTNER, fresh.id)).toMatchObject({ batchId });
    // Alarmed (the InboxIdConflict alarm), and logged without the bodies or the signature.
    expect(metricsSince(metricMark)).toContainEqual(['InboxIdConflict', 1]);
    expect(logged(lines)).toContainEqual(
      expect.objectContaining({
        message: 'a partner reused message ids with a different body',
        conflicts: 1,
      }),
    );
    expect(leaksIn(lines, request)).toEqual([]);
  });

  it('answers an exact replay of a batch within the window with its original receipt, and stores nothing', async () => {
    const list = messages(2);
    const request = batchOf(list);
    const first = await post(request);
    expect(first.status).toBe(202);
    const before = await snapshot();
    const again = await post(request, at(60_000));
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ ...first.body, status: 'duplicate' });
    expect(await snapshot()).toBe(before);
  });
});
