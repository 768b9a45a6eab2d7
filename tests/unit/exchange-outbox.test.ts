import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { DeliveryRequest } from '../../functions/exchange/adapters/delivery-queue';
import type { MessageRepository } from '../../functions/exchange/adapters/message-repository';
import type { PartnerRepository } from '../../functions/exchange/adapters/partner-repository';
import type { StreamRepository } from '../../functions/exchange/adapters/stream-repository';
import { type Partner, PROTOCOL_TYPES } from '../../functions/exchange/domain/partner';
import type { OutboundRecord } from '../../functions/exchange/domain/records';
import { buildOutbox } from '../../functions/exchange/handlers/outbox';
import { provinceUrn } from '../../shared/events/envelope';
import { residenceNoticeRequest } from '../support/exchange-messages';
import { context, quietObservability } from '../support/lambda';

const partner = (status: Partner['status']): Partner => ({
  code: '51',
  urn: provinceUrn('51'),
  inboxUrl: 'https://p51.example/exchange/v1/inbox',
  jwks: { keys: [] },
  inboundTypes: [...PROTOCOL_TYPES],
  outboundTypes: [...PROTOCOL_TYPES],
  status,
  updatedAt: '2026-11-22T09:00:00.000Z',
  updatedBy: 'test',
});

function setup(status: Partner['status'] = 'active') {
  const created = new Map<string, OutboundRecord>();
  const queued: DeliveryRequest[] = [];
  const waiting: string[] = [];
  const partners = {
    find: async (code: string) => (code === '51' ? partner(status) : undefined),
  } as PartnerRepository;
  const messages = {
    createOutbounds: async (
      p: string,
      entries: { messageId: string; build: (n: number) => OutboundRecord }[],
    ) =>
      entries.map(({ messageId, build }) => {
        if (created.has(`${p}#${messageId}`)) return { created: false };
        try {
          const record = build(created.size + 1);
          created.set(`${p}#${messageId}`, record);
          return { created: true, record };
        } catch (error) {
          return { created: false, error };
        }
      }),
    markWaiting: async (_p: string, id: string) => {
      waiting.push(id);
    },
  } as unknown as MessageRepository;
  const outbox = buildOutbox({
    province: '33',
    partners,
    messages,
    // Version 1 partners only here; version 2 numbering runs against DynamoDB Local (exchange-batch.test.ts).
    streams: {} as StreamRepository,
    delivery: { enqueue: async (r) => void queued.push(r) },
    observability: quietObservability(),
  });
  const run = (bodies: unknown[]) =>
    outbox(
      {
        Records: bodies.map((b, i) => ({
          messageId: `m${i}`,
          body: typeof b === 'string' ? b : JSON.stringify(b),
        })),
      } as SQSEvent,
      context(),
    );
  return { run, created, queued, waiting };
}

describe('exchange outbox', () => {
  it('numbers a request, queues its first attempt, and ignores the same request again', async () => {
    const { run, created, queued } = setup();
    const request = residenceNoticeRequest('33', '51');
    expect(await run([request])).toEqual({ batchItemFailures: [] });
    expect(await run([request])).toEqual({ batchItemFailures: [] });
    expect([...created.values()].map((r) => [r.sequence, r.status])).toEqual([[1, 'pending']]);
    expect(JSON.parse(created.get(`51#${request.id}`)?.body ?? '{}').source).toBe('urn:cn:gov:330000:jiahe');
    expect(queued).toEqual([{ partner: '51', messageId: request.id, attempt: 0 }]);
  });

  it('holds a message for a paused partner instead of sending it', async () => {
    const { run, queued, waiting } = setup('paused');
    const request = residenceNoticeRequest('33', '51');
    await run([request]);
    expect(queued).toEqual([]);
    expect(waiting).toEqual([request.id]);
  });

  it('fails (for the DLQ) requests that cannot become messages, and only those', async () => {
    const { run, created } = setup();
    const good = residenceNoticeRequest('33', '51');
    const result = await run([
      'not json',
      { ...good, id: 'bad' },
      residenceNoticeRequest('33', '44'),
      { ...residenceNoticeRequest('33', '51'), data: { personRef: '33010619900101123X' } },
      good,
    ]);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect(created.size).toBe(1);
  });
});
