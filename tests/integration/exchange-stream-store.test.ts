import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoStreamRepository } from '../../functions/exchange/adapters/stream-repository';
import type { BatchReceipt } from '../../functions/exchange/domain/batch-receipt';
import { canonicalJson, sha256Hex } from '../../functions/exchange/domain/digest';
import type { InboundBatchOutcome, OutboundCreationOutcome } from '../../functions/exchange/domain/ports';
import { makeReceipt } from '../../functions/exchange/domain/receipt';
import type { InboundRecord, OutboundRecord, StreamDelivery } from '../../functions/exchange/domain/records';
import { checkStreamChain } from '../../functions/exchange/domain/stream';
import { conditionFailed } from '../../shared/aws/conditional-write';
import { fixedClock } from '../../shared/domain/clock';
import { newUlid } from '../../shared/domain/ids';
import { PERSON_RESIDENCE_REGISTERED } from '../../shared/events/exchange-messages';
import { provisionForTest } from '../support/local-aws';

/**
 * The concurrency rules of version 2 streams (§13) in the exchange table, against DynamoDB
 * Local (tables of province 78): numbering on the stream head, storing received batches on
 * the inbound head, and the lease one sender holds. Each test uses partners of its own.
 */
const clock = fixedClock('2026-11-22T09:00:00.000Z');
const NOW = clock.now();
const iso = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();

describe('version 2 stream store', () => {
  let streams: ReturnType<typeof dynamoStreamRepository>;
  let aws: Awaited<ReturnType<typeof provisionForTest>>['aws'];
  let tables: Awaited<ReturnType<typeof provisionForTest>>['resources']['tables'];

  beforeAll(async () => {
    const provisioned = await provisionForTest('78');
    aws = provisioned.aws;
    tables = provisioned.resources.tables;
    streams = dynamoStreamRepository(aws.documents, tables.exchange);
  });

  /** A message to `partner` as the outbox builds it: numbered and chained by the repository. */
  const outbound =
    (partner: string, id: string) =>
    (sequence: number, previousHash: string | null): OutboundRecord => {
      const body = canonicalJson({ id, sequence: String(sequence) });
      return {
        direction: 'outbound',
        protocol: 'v2',
        messageId: id,
        partner,
        type: PERSON_RESIDENCE_REGISTERED,
        subject: `RES-${id.slice(-8)}`,
        sequence,
        body,
        sha256: sha256Hex(body),
        status: 'pending',
        attempts: 0,
        createdAt: NOW.toISOString(),
        previousHash,
      };
    };
  const number = (partner: string, ids: readonly string[]) =>
    streams.numberMessages(
      partner,
      ids.map((id) => ({ messageId: id, build: outbound(partner, id) })),
    );
  const created = (outcomes: readonly OutboundCreationOutcome[]) =>
    outcomes.flatMap((o) => (o.created ? [o.record] : []));
  const gapless = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  // Twenty writers on one head: most rounds lose and run again (about 15 for the last), so it takes seconds.
  it('numbers concurrent calls to one partner 1..n without gaps, each id once, in one intact chain', {
    timeout: 90_000,
  }, async () => {
    const partner = '11';
    const calls = Array.from({ length: 20 }, () => Array.from({ length: 10 }, () => newUlid(NOW.getTime())));
    // Every call repeats two ids of the call before it: whichever is numbered first keeps them.
    for (let i = 1; i < calls.length; i++) calls[i]?.splice(0, 2, ...(calls[i - 1] ?? []).slice(-2));
    const unique = new Set(calls.flat());
    expect(unique.size).toBe(20 * 10 - 19 * 2);

    const results = await Promise.all(calls.map((ids) => number(partner, ids)));
    const records = results.flatMap(created);
    expect(records.map((r) => r.sequence).sort((a, b) => a - b)).toEqual(gapless(unique.size));
    expect(new Set(records.map((r) => r.messageId))).toEqual(unique);
    expect(records).toHaveLength(unique.size);
    // Every entry answered: created once, or not created because another call numbered it.
    for (const [i, outcomes] of results.entries()) {
      expect(outcomes).toHaveLength(10);
      for (const [j, outcome] of outcomes.entries()) {
        if (outcome.created) expect(outcome.record.messageId).toBe(calls[i]?.[j]);
        else expect(outcome).toEqual({ created: false });
      }
    }
    // Within one call, its new messages were numbered in the order given.
    for (const outcomes of results) {
      const sequences = created(outcomes).map((r) => r.sequence);
      expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    }

    expect(await streams.findHead(partner)).toMatchObject({ last: unique.size, delivered: 0, attempt: 0 });
    const chain = await streams.chain(partner, 'outbound');
    expect(chain.map((e) => e.sequence)).toEqual(gapless(unique.size));
    expect(await checkStreamChain(streams, partner, 'outbound')).toEqual({
      entries: unique.size,
      head: chain.at(-1)?.hash,
      ok: true,
    });
    // What the sender reads from the cursor: every message once, in sequence order.
    const waiting = await streams.undelivered(partner, 0, 500);
    expect(waiting.map((r) => r.sequence)).toEqual(gapless(unique.size));
    expect(new Set(waiting.map((r) => r.messageId))).toEqual(unique);
  });

  it('numbers a repeated call to nothing new, and a chain without a head is not intact', async () => {
    const partner = '12';
    const ids = Array.from({ length: 3 }, () => newUlid(NOW.getTime()));
    await number(partner, ids);
    expect(created(await number(partner, [ids[1] ?? '', ids[1] ?? '']))).toEqual([]);
    expect(await streams.findHead(partner)).toMatchObject({ last: 3 });
    expect(await checkStreamChain(streams, partner, 'outbound')).toMatchObject({ entries: 3, ok: true });
    expect(await checkStreamChain(streams, '20', 'outbound')).toEqual({ entries: 0, head: null, ok: true });
  });

  /** A received message: the id, its sequence and its body, as the inbox's batch check gives them. */
  interface Received {
    readonly id: string;
    readonly sequence: number;
    readonly body: string;
    readonly sha256: string;
  }
  const received = (sequence: number, id = newUlid(NOW.getTime()), note = ''): Received => {
    const body = canonicalJson({ id, sequence: String(sequence), note });
    return { id, sequence, body, sha256: sha256Hex(body) };
  };

  /** Stores a batch as the batch inbox does, with a receipt that lists every outcome. */
  const store = (partner: string, batch: readonly Received[], batchId = newUlid(NOW.getTime())) =>
    streams.storeBatch(
      partner,
      batchId,
      batch.map((m) => ({
        messageId: m.id,
        sha256: m.sha256,
        build: (previousHash): InboundRecord => ({
          direction: 'inbound',
          protocol: 'v2',
          messageId: m.id,
          partner,
          type: PERSON_RESIDENCE_REGISTERED,
          subject: `RES-${m.id.slice(-8)}`,
          sequence: m.sequence,
          body: m.body,
          sha256: m.sha256,
          headers: { 'webhook-id': batchId },
          verification: { ok: true, keyId: 'k1' },
          receipt: makeReceipt({ messageId: m.id, body: m.body, receivedAt: NOW, status: 'accepted' }),
          receivedAt: NOW.toISOString(),
          status: 'accepted',
          batchId,
          previousHash,
        }),
      })),
      (outcomes: readonly InboundBatchOutcome[], highest): BatchReceipt => ({
        receiptFor: batchId,
        sha256: sha256Hex(batch.map((m) => m.body).join(',')),
        receivedAt: NOW.toISOString(),
        status: 'accepted',
        ...(highest !== undefined ? { highestSequence: String(highest) } : {}),
        messages: batch.map((m, i) => {
          const outcome = outcomes[i];
          return {
            id: m.id,
            sequence: String(m.sequence),
            sha256: m.sha256,
            ...(outcome === 'id-conflict'
              ? { status: 'refused' as const, reason: 'id-conflict' }
              : { status: outcome ?? 'accepted' }),
          };
        }),
      }),
    );

  it('stores concurrent overlapping batches from one partner once each, duplicates answered as such, in one intact chain', async () => {
    const partner = '13';
    const all = Array.from({ length: 45 }, (_, i) => received(i + 1));
    // Batch k holds messages 5k+1 .. 5k+10: each half is also in a neighbouring batch.
    const batches = Array.from({ length: 8 }, (_, k) => all.slice(5 * k, 5 * k + 10));
    const receipts = await Promise.all(batches.map((batch) => store(partner, batch)));

    const statuses = new Map<string, string[]>();
    for (const [k, receipt] of receipts.entries()) {
      expect(receipt.messages.map((m) => m.id)).toEqual(batches[k]?.map((m) => m.id));
      for (const entry of receipt.messages)
        statuses.set(entry.id ?? '', [...(statuses.get(entry.id ?? '') ?? []), entry.status]);
    }
    for (const m of all) {
      const seen = statuses.get(m.id) ?? [];
      // Accepted in exactly one batch; a duplicate in every other that held it.
      expect(
        seen.filter((s) => s === 'accepted'),
        m.id,
      ).toHaveLength(1);
      expect(
        seen.filter((s) => s !== 'accepted'),
        m.id,
      ).toEqual(Array(seen.length - 1).fill('duplicate'));
    }
    const overlapping = all.filter((m) => (statuses.get(m.id) ?? []).length > 1);
    expect(overlapping).toHaveLength(35);

    const chain = await streams.chain(partner, 'inbound');
    expect(chain).toHaveLength(all.length);
    expect(new Set(chain.map((e) => e.messageId))).toEqual(new Set(all.map((m) => m.id)));
    expect(await checkStreamChain(streams, partner, 'inbound')).toEqual({
      entries: all.length,
      head: chain.at(-1)?.hash,
      ok: true,
    });
    // Each receipt names the highest sequence held once its batch was stored; the last, 45.
    expect(Math.max(...receipts.map((r) => Number(r.highestSequence)))).toBe(45);
  });

  it('refuses an id received before with another digest as a conflict, keeps the original, and answers a repeated batch its receipt', async () => {
    const partner = '14';
    const [a, b] = [received(1), received(2)];
    const batchId = newUlid(NOW.getTime());
    const first = await store(partner, [a, b], batchId);
    expect(first.messages.map((m) => m.status)).toEqual(['accepted', 'accepted']);
    const chained = await streams.chain(partner, 'inbound');

    const forged = received(1, a.id, 'changed');
    const c = received(3);
    // Sent concurrently, the forgery and a copy of the first batch under its own id.
    const [conflict, again] = await Promise.all([
      store(partner, [forged, c]),
      store(partner, [a, b], batchId),
    ]);
    expect(conflict.messages.map((m) => [m.status, m.reason])).toEqual([
      ['refused', 'id-conflict'],
      ['accepted', undefined],
    ]);
    expect(again).toEqual({ ...first, status: 'duplicate' });

    const chain = await streams.chain(partner, 'inbound');
    expect(chain.slice(0, 2)).toEqual(chained);
    expect(chain.map((e) => [e.messageId, e.sha256])).toEqual([
      [a.id, a.sha256],
      [b.id, b.sha256],
      [c.id, c.sha256],
    ]);
    expect(await checkStreamChain(streams, partner, 'inbound')).toMatchObject({ entries: 3, ok: true });
  });

  describe('the lease on a stream', () => {
    const delivery = (partner: string, from: number, to: number): StreamDelivery => ({
      partner,
      batchId: newUlid(NOW.getTime()),
      from,
      to,
      deliveredAt: NOW.toISOString(),
      receiptKeyId: 'k1',
      receiptSha256: 'b'.repeat(64),
      signedReceipt: { body: '{}', headers: {} },
      headers: {},
    });

    it('is held by exactly one of two concurrent claims', async () => {
      const partner = '15';
      await number(partner, [newUlid(NOW.getTime()), newUlid(NOW.getTime())]);
      const [one, two] = await Promise.all([
        streams.claim(partner, 'sender-a', iso(0), iso(60_000)),
        streams.claim(partner, 'sender-b', iso(0), iso(60_000)),
      ]);
      const won = [one, two].filter((head) => head !== undefined);
      expect(won).toHaveLength(1);
      const holder = one ? 'sender-a' : 'sender-b';
      expect(won[0]).toMatchObject({ leaseOwner: holder, leaseUntil: iso(60_000), last: 2, delivered: 0 });
      expect(await streams.findHead(partner)).toMatchObject({ leaseOwner: holder });
      // Nobody takes it while it runs, not even at its last instant.
      expect(await streams.claim(partner, 'sender-c', iso(59_999), iso(120_000))).toBeUndefined();
      expect(await streams.claim(partner, 'sender-c', iso(60_000), iso(120_000))).toBeUndefined();
    });

    it('is taken over once it ran out, by one of many concurrent claims', async () => {
      const partner = '16';
      await number(partner, [newUlid(NOW.getTime())]);
      expect(await streams.claim(partner, 'died', iso(0), iso(60_000))).toBeDefined();
      const claims = await Promise.all(
        Array.from({ length: 6 }, (_, i) => streams.claim(partner, `sender-${i}`, iso(60_001), iso(120_000))),
      );
      expect(claims.filter((head) => head !== undefined)).toHaveLength(1);
    });

    it('is not taken before the next attempt is due', async () => {
      const partner = '17';
      await number(partner, [newUlid(NOW.getTime())]);
      await streams.claim(partner, 'sender-a', iso(0), iso(60_000));
      await streams.recordFailure(partner, 'sender-a', {
        attempt: 1,
        nextAttemptAt: iso(300_000),
        lastError: 'network-error',
      });
      expect(await streams.findHead(partner)).not.toHaveProperty('leaseOwner');
      expect(await streams.claim(partner, 'sender-b', iso(299_999), iso(360_000))).toBeUndefined();
      expect(await streams.claim(partner, 'sender-b', iso(300_000), iso(360_000))).toMatchObject({
        leaseOwner: 'sender-b',
        attempt: 1,
      });
    });

    it('is released by its holder, answering the head as it is then', async () => {
      const partner = '18';
      await number(partner, [newUlid(NOW.getTime())]);
      expect(await streams.claim(partner, 'sender-a', iso(0), iso(60_000))).toMatchObject({ last: 1 });
      // Numbered while the lease was held: the release shows it.
      await number(partner, [newUlid(NOW.getTime()), newUlid(NOW.getTime())]);
      await expect(streams.release(partner, 'sender-b')).rejects.toSatisfy(conditionFailed);
      const released = await streams.release(partner, 'sender-a');
      expect(released).toMatchObject({ partner, last: 3, delivered: 0 });
      expect(released).not.toHaveProperty('leaseOwner');
      expect(released).not.toHaveProperty('leaseUntil');
      expect(await streams.claim(partner, 'sender-b', iso(0), iso(60_000))).toMatchObject({
        leaseOwner: 'sender-b',
      });
    });

    it('moves the cursor only for the holder, from where it stands', async () => {
      const partner = '19';
      await number(partner, [newUlid(NOW.getTime()), newUlid(NOW.getTime()), newUlid(NOW.getTime())]);
      await streams.claim(partner, 'sender-a', iso(0), iso(60_000));
      await expect(streams.recordDelivery(delivery(partner, 1, 2), 'sender-b')).rejects.toSatisfy(
        conditionFailed,
      );
      expect(await streams.findHead(partner)).toMatchObject({ delivered: 0, leaseOwner: 'sender-a' });
      // The holder, but not from the cursor: refused too.
      await expect(streams.recordDelivery(delivery(partner, 2, 3), 'sender-a')).rejects.toSatisfy(
        conditionFailed,
      );
      await streams.recordDelivery(delivery(partner, 1, 2), 'sender-a');
      expect(await streams.findHead(partner)).toMatchObject({ delivered: 2, leaseOwner: 'sender-a' });
      // A sender whose lease was taken over may not move the cursor either.
      await streams.release(partner, 'sender-a');
      await streams.claim(partner, 'sender-b', iso(0), iso(60_000));
      await expect(streams.recordDelivery(delivery(partner, 3, 3), 'sender-a')).rejects.toSatisfy(
        conditionFailed,
      );
      expect(await streams.findHead(partner)).toMatchObject({ delivered: 2, leaseOwner: 'sender-b' });
      expect((await streams.undelivered(partner, 2, 10)).map((r) => r.sequence)).toEqual([3]);
    });

    const receiptsKept = async (partner: string) =>
      (
        await aws.documents.send(
          new QueryCommand({
            TableName: tables.exchange,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `OUTR#${partner}` },
            Select: 'COUNT',
            ConsistentRead: true,
          }),
        )
      ).Count;

    it('keeps no receipt of a delivery it refused', async () => {
      const partner = '20';
      await number(partner, [newUlid(NOW.getTime())]);
      await streams.claim(partner, 'sender-a', iso(0), iso(60_000));
      await expect(streams.recordDelivery(delivery(partner, 1, 1), 'sender-b')).rejects.toSatisfy(
        conditionFailed,
      );
      expect(await receiptsKept(partner)).toBe(0);
      await streams.recordDelivery(delivery(partner, 1, 1), 'sender-a');
      expect(await receiptsKept(partner)).toBe(1);
    });

    it('rewinds for a replay only within what version 2 sent and the partner receipted', async () => {
      const partner = '21';
      // Three numbers given in version 1 (the counter alone), then two in version 2.
      await aws.documents.send(
        new PutCommand({ TableName: tables.exchange, Item: { pk: `SEQ#${partner}`, sk: 'SEQ', last: 3 } }),
      );
      await number(partner, [newUlid(NOW.getTime()), newUlid(NOW.getTime())]);
      expect(await streams.findHead(partner)).toMatchObject({ last: 5, delivered: 3 });
      expect(await streams.rewind(partner, 4)).toBe(false);
      await streams.claim(partner, 'sender-a', iso(0), iso(60_000));
      await streams.recordDelivery(delivery(partner, 4, 5), 'sender-a');
      // Version 1's numbers are not version 2's to send again; beyond the cursor there is nothing to replay.
      expect(await streams.rewind(partner, 3)).toBe(false);
      expect(await streams.rewind(partner, 6)).toBe(false);
      expect(await streams.rewind(partner, 4)).toBe(true);
      expect(await streams.findHead(partner)).toMatchObject({ delivered: 3 });
      expect((await streams.undelivered(partner, 3, 10)).map((r) => r.sequence)).toEqual([4, 5]);
    });
  });
});
