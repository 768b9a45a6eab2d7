import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { MessageLogRepository } from '../../functions/exchange/adapters/message-log-repository';
import type { MessageRepository } from '../../functions/exchange/adapters/message-repository';
import type { LogEntry } from '../../functions/exchange/domain/message-log';
import type { InboundRecord } from '../../functions/exchange/domain/records';
import { buildRouter, type InboundQueue } from '../../functions/exchange/handlers/router';
import { newUlid } from '../../shared/domain/ids';
import { ACK, ACK_BATCH, PERSON_DECEASED } from '../../shared/events/catalog';
import type { EventEnvelope } from '../../shared/events/envelope';
import { context, quietObservability } from '../support/lambda';

function inbound(type: string, data: unknown, correlationid?: string, sequence = 3): InboundRecord {
  const id = newUlid();
  const body = JSON.stringify({
    specversion: '1.0',
    id,
    source: 'urn:cn:gov:330000:jiahe',
    type,
    time: '2026-11-22T09:00:00.000Z',
    subject: 'CASE-1',
    datacontenttype: 'application/json',
    data,
    recipient: 'urn:cn:gov:510000:jiahe',
    ...(correlationid ? { correlationid } : {}),
    sequence: String(sequence),
  });
  return {
    direction: 'inbound',
    messageId: id,
    partner: '33',
    type,
    subject: 'CASE-1',
    ...(correlationid ? { correlationid } : {}),
    sequence,
    body,
    sha256: 'a'.repeat(64),
    headers: { 'webhook-id': id },
    verification: { ok: true, keyId: 'k1' },
    receipt: {
      receiptFor: id,
      sha256: 'a'.repeat(64),
      receivedAt: '2026-11-22T09:00:01.000Z',
      status: 'accepted',
    },
    receivedAt: '2026-11-22T09:00:01.000Z',
    status: 'accepted',
  };
}

const streamEvent = (
  record: InboundRecord,
  eventName: 'INSERT' | 'MODIFY' = 'INSERT',
): DynamoDBStreamEvent => ({
  Records: [
    {
      eventName,
      dynamodb: {
        SequenceNumber: '1',
        NewImage: marshall({
          pk: `MSG#${record.messageId}`,
          sk: 'IN#33',
          entity: 'InboundMessage',
          ...record,
        }) as never,
      },
    },
  ],
});

function fakes() {
  const forwarded: [InboundQueue, EventEnvelope][] = [];
  const acks: [string, string, unknown][] = [];
  const logged: LogEntry[] = [];
  const marked: string[][] = [];
  let highest: number | undefined;
  const messages = {
    recordAcks: async (partner: string, answers: { messageId: string; ack: unknown }[]) => {
      for (const { messageId, ack } of answers) acks.push([partner, messageId, ack]);
      return answers.length;
    },
    markForwarded: async (_p: string, _id: string, queues: readonly string[], check?: string) => {
      marked.push([...queues, check ?? '']);
    },
    noteSequence: async (_p: string, sequence: number) => {
      const previous = highest;
      if (previous !== undefined && sequence <= previous) return { raised: false };
      highest = sequence;
      return previous === undefined ? { raised: true } : { raised: true, previous };
    },
  } as unknown as MessageRepository;
  const log = {
    appendAll: async (_partner: string, entries: LogEntry[]) => {
      logged.push(...entries);
      return entries.map(() => 'appended' as const);
    },
  } as unknown as MessageLogRepository;
  const router = buildRouter({
    messages,
    log,
    forward: async (queue, envelopes) => {
      for (const envelope of envelopes) forwarded.push([queue, envelope]);
      return [];
    },
    observability: quietObservability(),
  });
  return { router, forwarded, acks, logged, marked };
}

describe('exchange router', () => {
  it('logs an accepted message and forwards it, as the envelope areas read, to every area that acts on it', async () => {
    const { router, forwarded, logged, marked } = fakes();
    const data = {
      personId: newUlid(),
      version: 2,
      sex: 'female',
      birthDate: '1950-03-01',
      alive: false,
      deathDate: '2026-11-20',
      hukouRegion: '510104',
      residenceRegion: '330106',
    };
    const record = inbound(PERSON_DECEASED, data);
    const result = await router(streamEvent(record), context());
    expect(result).toEqual({ batchItemFailures: [] });
    expect(forwarded.map(([q]) => q)).toEqual(['registry-inbound', 'payout-inbound']);
    expect(forwarded[0]?.[1]).toMatchObject({
      id: record.messageId,
      source: 'urn:cn:gov:330000:jiahe',
      type: PERSON_DECEASED,
      data,
      recipient: 'urn:cn:gov:510000:jiahe',
    });
    expect(forwarded[0]?.[1]).not.toHaveProperty('sequence');
    expect(logged).toEqual([
      expect.objectContaining({ direction: 'inbound', messageId: record.messageId, type: PERSON_DECEASED }),
    ]);
    // The first message of the stream is number 3: 1 and 2 are missing.
    expect(marked).toEqual([['registry-inbound', 'payout-inbound', 'gap:1-2']]);
  });

  it('records an ack on the message it answers and forwards nothing', async () => {
    const { router, forwarded, acks } = fakes();
    const answered = newUlid();
    const record = inbound(ACK, { outcome: 'fatal-error', reason: 'unknown-person' }, answered);
    await router(streamEvent(record), context());
    expect(forwarded).toEqual([]);
    expect(acks).toEqual([
      [
        '33',
        answered,
        {
          outcome: 'fatal-error',
          reason: 'unknown-person',
          messageId: record.messageId,
          at: record.receivedAt,
        },
      ],
    ]);
  });

  it('records every answer of an ack.v2 on the message each answers, and forwards nothing', async () => {
    const { router, forwarded, acks } = fakes();
    const [first, second] = [newUlid(), newUlid()];
    const record = inbound(ACK_BATCH, {
      answers: [
        { correlationid: first, outcome: 'ok' },
        { correlationid: second, outcome: 'fatal-error', reason: 'unknown-person' },
      ],
    });
    await router(streamEvent(record), context());
    expect(forwarded).toEqual([]);
    expect(acks).toEqual([
      ['33', first, { outcome: 'ok', messageId: record.messageId, at: record.receivedAt }],
      [
        '33',
        second,
        {
          outcome: 'fatal-error',
          reason: 'unknown-person',
          messageId: record.messageId,
          at: record.receivedAt,
        },
      ],
    ]);
  });

  it('ignores later changes to an inbound message (its forwarding marks)', async () => {
    const { router, forwarded, logged } = fakes();
    await router(streamEvent(inbound(ACK, { outcome: 'ok' }, newUlid()), 'MODIFY'), context());
    expect(forwarded).toEqual([]);
    expect(logged).toEqual([]);
  });

  it('notes where each message stands in the partner stream: next, late, or a gap', async () => {
    const { router, marked } = fakes();
    for (const sequence of [1, 2, 5, 3]) {
      await router(streamEvent(inbound(ACK, { outcome: 'ok' }, newUlid(), sequence)), context());
    }
    expect(marked.map((m) => m.at(-1))).toEqual(['next', 'next', 'gap:3-4', 'late']);
  });
});
