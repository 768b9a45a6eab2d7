import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoMessageLogRepository } from '../../functions/exchange/adapters/message-log-repository';
import { dynamoMessageRepository } from '../../functions/exchange/adapters/message-repository';
import { verifyChain } from '../../functions/exchange/domain/message-log';
import type { OutboundRecord } from '../../functions/exchange/domain/records';
import { newUlid } from '../../shared/domain/ids';
import { provisionForTest } from '../support/local-aws';

/** The exchange table's concurrency rules, against DynamoDB Local (province 73's tables). */
describe('exchange store', () => {
  let messages: ReturnType<typeof dynamoMessageRepository>;
  let log: ReturnType<typeof dynamoMessageLogRepository>;

  beforeAll(async () => {
    const { aws, resources } = await provisionForTest('73');
    messages = dynamoMessageRepository(aws.documents, resources.tables.exchange);
    log = dynamoMessageLogRepository(aws.documents, resources.tables.exchange);
  });

  const record =
    (partner: string, id: string) =>
    (sequence: number): OutboundRecord => ({
      direction: 'outbound',
      messageId: id,
      partner,
      type: 'cn.gov.jiahe.ack.v1',
      subject: 'S',
      sequence,
      body: `{"sequence":${sequence}}`,
      sha256: 'a'.repeat(64),
      status: 'pending',
      attempts: 0,
      createdAt: new Date().toISOString(),
    });
  const pickUp = () => new Date(Date.now() + 120_000).toISOString();

  it('numbers concurrent messages to one partner 1..n without gaps or repeats', async () => {
    const ids = Array.from({ length: 12 }, () => newUlid());
    const results = await Promise.all(
      ids.map((id) => messages.createOutbound('51', id, record('51', id), pickUp())),
    );
    const sequences = results.map((r) => (r.created ? r.record.sequence : 0)).sort((x, y) => x - y);
    expect(sequences).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('recognises a repeated request (same recipient and id) and does not use a number for it', async () => {
    const id = newUlid();
    const first = await messages.createOutbound('52', id, record('52', id), pickUp());
    const again = await messages.createOutbound('52', id, record('52', id), pickUp());
    const next = newUlid();
    const following = await messages.createOutbound('52', next, record('52', next), pickUp());
    expect(first).toMatchObject({ created: true, record: { sequence: 1 } });
    expect(again).toEqual({ created: false });
    expect(following).toMatchObject({ created: true, record: { sequence: 2 } });
    // The same id may go to another recipient: it is a separate message in that stream.
    expect(await messages.createOutbound('53', id, record('53', id), pickUp())).toMatchObject({
      created: true,
      record: { sequence: 1 },
    });
  });

  it('numbers concurrent batches and single messages to one partner 1..n, each id once', async () => {
    const batches = Array.from({ length: 4 }, () => Array.from({ length: 10 }, () => newUlid()));
    const singles = Array.from({ length: 5 }, () => newUlid());
    // The second batch repeats two ids of the first: whichever is numbered first keeps them.
    const repeated = batches[1] ?? [];
    repeated.push(...(batches[0] ?? []).slice(0, 2));
    const results = await Promise.all([
      ...batches.map((ids) =>
        messages.createOutbounds(
          '56',
          ids.map((id) => ({ messageId: id, build: record('56', id) })),
          pickUp(),
        ),
      ),
      ...singles.map((id) => messages.createOutbound('56', id, record('56', id), pickUp()).then((r) => [r])),
    ]);
    const created = results.flat().flatMap((r) => (r.created ? [r.record] : []));
    expect(created.map((r) => r.sequence).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 45 }, (_, i) => i + 1),
    );
    expect(new Set(created.map((r) => r.messageId)).size).toBe(45);
    for (const r of created)
      expect((await messages.findOutbound('56', r.messageId))?.sequence).toBe(r.sequence);
  });

  it('in a batch, skips ids already numbered and requests that cannot be built, numbering the rest in order', async () => {
    const known = newUlid();
    await messages.createOutbound('57', known, record('57', known), pickUp());
    const [a, b, c] = [newUlid(), newUlid(), newUlid()];
    const refused = new Error('not a valid message');
    const outcomes = await messages.createOutbounds(
      '57',
      [
        { messageId: a, build: record('57', a) },
        { messageId: known, build: record('57', known) },
        {
          messageId: b,
          build: () => {
            throw refused;
          },
        },
        { messageId: a, build: record('57', a) },
        { messageId: c, build: record('57', c) },
      ],
      pickUp(),
    );
    expect(outcomes).toEqual([
      { created: true, record: expect.objectContaining({ messageId: a, sequence: 2 }) },
      { created: false },
      { created: false, error: refused },
      { created: false },
      { created: true, record: expect.objectContaining({ messageId: c, sequence: 3 }) },
    ]);
    expect(await messages.findOutbound('57', b)).toBeUndefined();
  });

  it('claims each attempt once, however many requests for it arrive', async () => {
    const id = newUlid();
    await messages.createOutbound('54', id, record('54', id), pickUp());
    const claims = await Promise.all(
      Array.from({ length: 5 }, () => messages.claimAttempt('54', id, 0, pickUp())),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await messages.findOutbound('54', id))?.attempts).toBe(1);
  });

  it('keeps one chain under concurrent appends, each message logged once', async () => {
    const entries = Array.from({ length: 10 }, (_, i) => ({
      direction: 'inbound' as const,
      messageId: newUlid(),
      sha256: String(i).repeat(64).slice(0, 64),
      at: new Date().toISOString(),
    }));
    const results = await Promise.all([...entries, ...entries.slice(0, 3)].map((e) => log.append('55', e)));
    expect(results.filter((r) => r === 'appended')).toHaveLength(10);
    const stored = await log.entries('55');
    expect(stored.map((e) => e.position)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(verifyChain(stored, { head: (await log.head('55'))?.hash ?? '' })).toEqual({ ok: true });
  });

  it('appends batches in order under concurrency: one chain, each outcome once', async () => {
    const entry = (i: number) => ({
      direction: 'outbound' as const,
      messageId: newUlid(),
      sha256: String(i % 10).repeat(64),
      at: new Date().toISOString(),
      verification: { ok: true as const, keyId: 'k1' },
    });
    const batches = Array.from({ length: 4 }, (_, b) =>
      Array.from({ length: 8 }, (_, i) => entry(b * 8 + i)),
    );
    // A batch retried after a failure brings entries already logged, one of them twice.
    const retried = [...(batches[0] ?? []).slice(0, 3), (batches[0] ?? [])[0], entry(99)].filter(
      (e): e is ReturnType<typeof entry> => e !== undefined,
    );
    const answers = await Promise.all([...batches, retried].map((b) => log.appendAll('58', b)));
    expect(answers.flat().filter((a) => a === 'appended')).toHaveLength(33);
    const stored = await log.entries('58');
    expect(stored.map((e) => e.position)).toEqual(Array.from({ length: 33 }, (_, i) => i + 1));
    expect(new Set(stored.map((e) => e.messageId)).size).toBe(33);
    expect(verifyChain(stored, { head: (await log.head('58'))?.hash ?? '' })).toEqual({ ok: true });
    // Each batch's entries keep their order in the chain.
    for (const batch of batches) {
      const at = batch.map((e) => stored.findIndex((s) => s.messageId === e.messageId));
      expect(at).toEqual([...at].sort((x, y) => x - y));
    }
  });
});
