import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { batchHandler } from '../../../shared/aws/batch-handler';
import { queueUrl, tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { sqsClient } from '../../../shared/aws/sqs';
import { ACK, ACK_BATCH } from '../../../shared/events/catalog';
import type { EventEnvelope } from '../../../shared/events/envelope';
import { Ack, AckBatch } from '../../../shared/events/exchange-messages';
import { type Observability, observability } from '../../../shared/observability';
import { StoredMessage } from '../adapters/message-items';
import { dynamoMessageLogRepository, type MessageLogRepository } from '../adapters/message-log-repository';
import { dynamoMessageRepository, type MessageRepository } from '../adapters/message-repository';
import { canonicalJson, sha256Hex } from '../domain/digest';
import type { LogEntry } from '../domain/message-log';
import { INBOUND_ROUTES } from '../domain/partner';
import type { InboundRecord, OutboundRecord } from '../domain/records';
import { checkSequence } from '../domain/sequence';

export type InboundQueue = 'registry-inbound' | 'payout-inbound';

/**
 * Puts verified partner messages on an area's queue, as the envelope areas read; answers
 * the ids of those the queue did not take.
 */
export type Forward = (queue: InboundQueue, envelopes: readonly EventEnvelope[]) => Promise<string[]>;

export interface RouterDeps {
  readonly messages: MessageRepository;
  readonly log: MessageLogRepository;
  readonly forward: Forward;
  readonly observability?: Observability;
}

const image = (raw: Record<string, unknown> | undefined) =>
  raw ? (unmarshall(raw as Record<string, AttributeValue>) as Record<string, unknown>) : undefined;

/**
 * Follows the exchange table's stream, so what happens next rests on what was stored:
 * an accepted inbound message is logged and forwarded to the areas that act on its type
 * (an `ack.v1` is recorded on the message it answers instead); an outbound message that
 * reaches `delivered` or `failed` is logged. Forwarding is at least once; consumers are
 * idempotent by message id.
 */
export function buildRouter(deps: RouterDeps) {
  const obs = deps.observability ?? observability('exchange-router');

  /** Where the message stands in the partner's stream: `next`, `late` (a retry or reorder) or a gap. */
  const sequenceCheck = async (message: InboundRecord): Promise<string> => {
    const noted = await deps.messages.noteSequence(message.partner, message.sequence);
    if (!noted.raised) return 'late';
    const check = checkSequence(noted.previous, message.sequence);
    if (typeof check === 'object') {
      obs.metrics.addMetric('SequenceGap', MetricUnit.Count, 1);
      obs.logger.warn('gap in a partner stream', { partner: message.partner, missing: check.gap });
      return `gap:${check.gap[0]}-${check.gap[1]}`;
    }
    return check === 'next' ? 'next' : 'late';
  };

  /** After its log entry: the stream position noted, then the ack recorded or the message forwarded. */
  const inbound = async (message: InboundRecord) => {
    const position = await sequenceCheck(message);
    if (isAnswer(message)) {
      await deps.messages.recordAcks(message.partner, answersOf(message));
      await deps.messages.markForwarded(message.partner, message.messageId, [], position);
      return;
    }
    const queues = INBOUND_ROUTES[message.type] ?? [];
    for (const queue of queues) {
      const missed = await deps.forward(queue, [envelopeOf(message)]);
      if (missed.length > 0) throw new Error(`${queue} did not take message ${message.messageId}`);
    }
    await deps.messages.markForwarded(message.partner, message.messageId, queues, position);
  };

  /** Version 2 messages not forwarded (or answers not recorded) in this invocation, by stream record; their records fail. */
  const notForwarded = new Map<string, unknown>();

  /**
   * Records the answers among the version 2 messages of a stream batch, those from one partner
   * together: up to 100 to a request, each on the message it answers.
   */
  const recordAnswers = async (records: readonly DynamoDBRecord[]) => {
    const byPartner = new Map<string, { record: string; answers: ReturnType<typeof answersOf> }[]>();
    for (const record of records) {
      const change = changeOf(record);
      if (change?.kind !== 'inbound-v2' || !isAnswer(change.message)) continue;
      const list = byPartner.get(change.message.partner) ?? [];
      list.push({ record: record.eventID ?? '', answers: answersOf(change.message) });
      byPartner.set(change.message.partner, list);
    }
    await Promise.all(
      [...byPartner].map(async ([partner, items]) => {
        try {
          await deps.messages.recordAcks(
            partner,
            items.flatMap(({ answers }) => answers),
          );
        } catch (error) {
          for (const { record } of items) notForwarded.set(record, error);
        }
      }),
    );
  };

  /**
   * Forwards the version 2 messages of a stream batch: those for one queue together, ten to a
   * request. Nothing is written back: the message is its own log entry, and its stream's
   * position was checked when its batch was stored (§13).
   */
  const forwardBatch = async (records: readonly DynamoDBRecord[]) => {
    const byQueue = new Map<InboundQueue, { record: string; envelope: EventEnvelope }[]>();
    for (const record of records) {
      const change = changeOf(record);
      if (change?.kind !== 'inbound-v2' || isAnswer(change.message)) continue;
      for (const queue of INBOUND_ROUTES[change.message.type] ?? []) {
        const list = byQueue.get(queue) ?? [];
        list.push({ record: record.eventID ?? '', envelope: envelopeOf(change.message) });
        byQueue.set(queue, list);
      }
    }
    await Promise.all(
      [...byQueue].map(async ([queue, items]) => {
        try {
          const missed = new Set(
            await deps.forward(
              queue,
              items.map(({ envelope }) => envelope),
            ),
          );
          for (const { record, envelope } of items) {
            if (missed.has(envelope.id))
              notForwarded.set(record, new Error(`${queue} did not take ${envelope.id}`));
          }
        } catch (error) {
          for (const { record } of items) notForwarded.set(record, error);
        }
      }),
    );
  };

  /** Log entries that failed to append in this invocation, by stream record; their records fail. */
  const notLogged = new Map<string, unknown>();

  /**
   * Appends the log entries of a whole stream batch first, those to one partner together and
   * in stream order (one chain extension per partner instead of one per message).
   */
  const logBatch = async (records: readonly DynamoDBRecord[]) => {
    const byPartner = new Map<string, { record: string; entry: LogEntry }[]>();
    for (const record of records) {
      const change = changeOf(record);
      if (!change || change.kind === 'inbound-v2') continue;
      const list = byPartner.get(change.message.partner) ?? [];
      list.push({ record: record.eventID ?? '', entry: logEntryOf(change) });
      byPartner.set(change.message.partner, list);
    }
    await Promise.all(
      [...byPartner].map(async ([partner, items]) => {
        try {
          await deps.log.appendAll(
            partner,
            items.map(({ entry }) => entry),
          );
        } catch (error) {
          for (const { record } of items) notLogged.set(record, error);
        }
      }),
    );
  };

  const report = batchHandler({
    service: 'exchange-router',
    source: 'stream',
    observability: obs,
    record: async (record: DynamoDBRecord) => {
      const change = changeOf(record);
      if (!change) return;
      const id = record.eventID ?? '';
      if (notLogged.has(id)) throw notLogged.get(id);
      if (notForwarded.has(id)) throw notForwarded.get(id);
      if (change.kind === 'inbound') await inbound(change.message);
    },
  });

  return async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
    try {
      await Promise.all([logBatch(event.Records), forwardBatch(event.Records), recordAnswers(event.Records)]);
      return await report(event, context);
    } finally {
      notLogged.clear();
      notForwarded.clear();
    }
  };
}

/**
 * A stream record the router acts on: an accepted inbound message, or a version 1 outbound
 * one reaching its end (the log records both); a version 2 inbound message, already its own
 * log entry, to forward. Version 2 outbound messages need nothing: they are chained when numbered.
 */
type Change =
  | { kind: 'inbound'; message: InboundRecord }
  | { kind: 'outbound'; message: OutboundRecord }
  | { kind: 'inbound-v2'; message: InboundRecord };

function changeOf(record: DynamoDBRecord): Change | undefined {
  const next = image(record.dynamodb?.NewImage);
  if (!next) return undefined;
  if (next.protocol === 'v2') {
    return next.entity === 'InboundMessage' && record.eventName === 'INSERT'
      ? { kind: 'inbound-v2', message: storedInbound(next) }
      : undefined;
  }
  if (next.entity === 'InboundMessage' && record.eventName === 'INSERT') {
    return { kind: 'inbound', message: next as unknown as InboundRecord };
  }
  if (next.entity === 'OutboundMessage') {
    const before = image(record.dynamodb?.OldImage);
    const status = next.status as string;
    if ((status === 'delivered' || status === 'failed') && before?.status !== status) {
      return { kind: 'outbound', message: next as unknown as OutboundRecord };
    }
  }
  return undefined;
}

/** A version 2 message received, parsed from its stream image (its keys are not among its fields). */
function storedInbound(image: Record<string, unknown>): InboundRecord {
  const { pk: _pk, sk: _sk, entity: _entity, ...fields } = image;
  const record = StoredMessage.parse(fields);
  if (record.direction !== 'inbound') throw new Error('an inbound message item holds an outbound message');
  return record;
}

/** Whether a partner's message answers others (`ack.v1`, `ack.v2`): recorded here, never forwarded. */
const isAnswer = (message: InboundRecord) => message.type === ACK || message.type === ACK_BATCH;

/** The answers a message carries, each for the message it names: one in `ack.v1`, many in `ack.v2`. */
function answersOf(message: InboundRecord): { messageId: string; ack: NonNullable<OutboundRecord['ack']> }[] {
  const data = (JSON.parse(message.body) as { data?: unknown }).data;
  const answer = (a: { outcome: string; reason?: string | undefined }, messageId: string) => ({
    messageId,
    ack: {
      outcome: a.outcome,
      ...(a.reason ? { reason: a.reason } : {}),
      messageId: message.messageId,
      at: message.receivedAt,
    },
  });
  if (message.type === ACK_BATCH) {
    return AckBatch.parse(data).answers.map((a) => answer(a, a.correlationid));
  }
  // An ack without `correlationid` names nothing: stored and logged, otherwise ignored (§3.2).
  return message.correlationid ? [answer(Ack.parse(data), message.correlationid)] : [];
}

/** The envelope areas read for a partner's message: the stored one without its stream position. */
function envelopeOf(message: InboundRecord): EventEnvelope {
  const body = JSON.parse(message.body) as Record<string, unknown>;
  return {
    specversion: '1.0',
    id: message.messageId,
    source: body.source,
    type: message.type,
    time: body.time,
    subject: message.subject,
    datacontenttype: 'application/json',
    data: body.data,
    recipient: body.recipient,
    ...(message.correlationid ? { correlationid: message.correlationid } : {}),
  } as EventEnvelope;
}

/** The log entry of a version 1 change: the message's digest, headers, and its signature or receipt check. */
function logEntryOf(change: Exclude<Change, { kind: 'inbound-v2' }>): LogEntry {
  if (change.kind === 'inbound') {
    const message = change.message;
    return {
      direction: 'inbound',
      messageId: message.messageId,
      type: message.type,
      headers: message.headers,
      sha256: message.sha256,
      at: message.receivedAt,
      verification: message.verification,
      receiptSha256: sha256Hex(canonicalJson(message.receipt)),
    };
  }
  const message = change.message;
  return {
    direction: 'outbound',
    messageId: message.messageId,
    type: message.type,
    ...(message.headers ? { headers: message.headers } : {}),
    sha256: message.sha256,
    at: message.deliveredAt ?? message.failedAt ?? message.createdAt,
    verification:
      message.status === 'delivered'
        ? { ok: true, keyId: message.receiptKeyId ?? '' }
        : { ok: false, reason: message.lastError ?? 'failed' },
    ...(message.receiptSha256 ? { receiptSha256: message.receiptSha256 } : {}),
  };
}

/**
 * Forwarding through SQS, ten envelopes to a request, the envelope type as an attribute (as
 * every area publisher does).
 */
export function sqsForward(sqs: SQSClient, urls: Record<InboundQueue, string>): Forward {
  return async (queue, envelopes) => {
    const chunks: EventEnvelope[][] = [];
    for (let i = 0; i < envelopes.length; i += 10) chunks.push(envelopes.slice(i, i + 10));
    const missed = await Promise.all(
      chunks.map(async (chunk) => {
        const out = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: urls[queue],
            Entries: chunk.map((envelope, i) => ({
              Id: String(i),
              MessageBody: JSON.stringify(envelope),
              MessageAttributes: { type: { DataType: 'String', StringValue: envelope.type } },
            })),
          }),
        );
        return (out.Failed ?? []).map((failure) => chunk[Number(failure.Id)]?.id ?? '');
      }),
    );
    return missed.flat();
  };
}

export const handler = initOnce(() => {
  const db = documentClient();
  const table = tableName('exchange');
  return buildRouter({
    messages: dynamoMessageRepository(db, table),
    log: dynamoMessageLogRepository(db, table),
    forward: sqsForward(sqsClient(), {
      'registry-inbound': queueUrl('registry-inbound'),
      'payout-inbound': queueUrl('payout-inbound'),
    }),
  });
});
