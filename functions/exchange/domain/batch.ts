import { ULID_PATTERN } from '../../../shared/domain/ids';
import { canonicalJson, sha256Hex } from './digest';
import type { ExchangeMessage } from './envelope';
import { checkEnvelope, checkSender, type InboundRejection, reject } from './inbound';
import { type Partner, partnerCodeOf } from './partner';
import { parseSequence } from './sequence';

/**
 * Protocol version 2 (docs/exchange-protocol.md §13): a sender POSTs one signed batch of a
 * partner stream's messages, in sequence order, and the receiver answers one signed receipt
 * for the whole batch. The messages are the version 1 envelopes; only the transport differs.
 */

/** CloudEvents' batched JSON mode: a JSON array of structured events. */
export const BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';

/**
 * At most this many messages in one batch: the receiver stores a batch in one DynamoDB
 * transaction of at most 100 items, the messages with its stream head and the batch's receipt.
 */
export const MAX_BATCH_MESSAGES = 98;

/** A batch body is refused above this size before any parsing (Lambda takes 6 MB). */
export const MAX_BATCH_BYTES = 1024 * 1024;

/**
 * The digest of one message of a batch: SHA-256 of its canonical JSON (§11.1). Both sides
 * compute it from the parsed event, so it does not depend on how the batch was serialised.
 */
export const messageDigest = (event: unknown): string => sha256Hex(canonicalJson(event));

/** A batch body from stored message texts, in the order given. */
export const batchBody = (bodies: readonly string[]): string => `[${bodies.join(',')}]`;

/** A message of a batch that passed every check, with its digest and stream position. */
export interface BatchMessage {
  readonly message: ExchangeMessage;
  readonly sequence: number;
  /** Its canonical JSON: what the receiver stores, and hashes. */
  readonly body: string;
  readonly sha256: string;
}

/** A message of a batch that did not pass, with the refusal its receipt entry gives. */
export interface RefusedMessage {
  readonly id?: string;
  readonly sequence?: string;
  readonly sha256: string;
  readonly rejection: InboundRejection;
}

export type BatchCheck =
  | {
      ok: true;
      partner: Partner;
      keyId: string;
      batchId: string;
      sha256: string;
      accepted: readonly BatchMessage[];
      refused: readonly RefusedMessage[];
    }
  | { ok: false; rejection: InboundRejection };

const refuse = (status: number, slug: string, title: string, en: string, zh: string) => ({
  ok: false as const,
  rejection: reject(status, slug, title, { en, zh }),
});

/** A parsed batch body and the partner code it claims, before anything is verified. */
export type ParsedBatch =
  | { ok: true; events: readonly Record<string, unknown>[]; partnerCode: string }
  | { ok: false; rejection: InboundRejection };

/**
 * Parses a batch body: a JSON array of 1 to 98 objects, the first of which names its
 * `source` province. Who sent it is checked next (`checkBatch`).
 */
export function parseBatch(body: string): ParsedBatch {
  let events: unknown;
  try {
    events = JSON.parse(body);
  } catch {
    return refuse(
      400,
      'malformed-json',
      'Malformed JSON',
      'The request body is not valid JSON.',
      '请求体不是有效的 JSON。',
    );
  }
  if (
    !Array.isArray(events) ||
    events.length === 0 ||
    events.length > MAX_BATCH_MESSAGES ||
    !events.every((event) => event !== null && typeof event === 'object' && !Array.isArray(event))
  ) {
    return refuse(
      400,
      'invalid-batch',
      'Invalid Batch',
      `A batch is a JSON array of 1 to ${MAX_BATCH_MESSAGES} CloudEvents.`,
      `批次是包含 1 至 ${MAX_BATCH_MESSAGES} 条 CloudEvents 报文的 JSON 数组。`,
    );
  }
  const source = (events[0] as { source?: unknown }).source;
  const partnerCode = typeof source === 'string' ? partnerCodeOf(source) : undefined;
  if (!partnerCode) {
    return refuse(
      400,
      'invalid-envelope',
      'Invalid Envelope',
      'The first message has no source of the form urn:cn:gov:<NN>0000:jiahe.',
      '第一条报文没有 urn:cn:gov:<NN>0000:jiahe 形式的 source。',
    );
  }
  return { ok: true, events: events as Record<string, unknown>[], partnerCode };
}

/**
 * The checks on a parsed batch, in this order. The whole batch is refused when: the sender
 * is not a partner or the signature does not verify (as in v1); `webhook-id` (the batch's
 * id) is not a ULID; a message names another `source`; two messages share an id; or the
 * sequences are not strictly ascending. Then each message is checked on its own (envelope,
 * recipient, type allowed, data): those that fail are refused in the receipt, the others
 * are stored. So one bad message never holds back its stream.
 */
export function checkBatch(input: {
  events: readonly Record<string, unknown>[];
  body: string;
  headers: Readonly<Record<string, string | undefined>>;
  partner: Partner | undefined;
  ownUrn: string;
  now: Date;
}): BatchCheck {
  const sender = checkSender(input);
  if (!sender.ok) return sender;
  const batchId = input.headers['webhook-id']?.trim() ?? '';
  if (!ULID_PATTERN.test(batchId)) {
    return refuse(
      400,
      'invalid-batch-id',
      'Invalid Batch Id',
      'webhook-id must be a ULID: the batch’s id.',
      'webhook-id 必须是 ULID（批次标识）。',
    );
  }
  const records = input.events;
  const source = records[0]?.source;
  if (records.some((event) => event.source !== source)) {
    return refuse(
      400,
      'mixed-sources',
      'Mixed Sources',
      'Every message of a batch has the same source.',
      '同一批次的报文必须来自同一发送方。',
    );
  }
  // Messages without an id are refused one by one below; ids that are there must differ.
  const ids = records.map((event) => event.id).filter((id) => id !== undefined);
  if (new Set(ids).size !== ids.length) {
    return refuse(
      400,
      'repeated-id',
      'Repeated Id',
      'A batch names each message id once.',
      '同一批次中报文 id 不得重复。',
    );
  }
  const accepted: BatchMessage[] = [];
  const refused: RefusedMessage[] = [];
  let previous = 0;
  for (const event of records) {
    const sequence = typeof event.sequence === 'string' ? event.sequence : undefined;
    const position = sequence ? safeSequence(sequence) : undefined;
    if (position !== undefined) {
      if (position <= previous) {
        return refuse(
          400,
          'sequence-order',
          'Sequence Order',
          'The messages of a batch are in strictly ascending sequence.',
          '同一批次的报文必须按 sequence 严格递增排列。',
        );
      }
      previous = position;
    }
    const body = canonicalJson(event);
    const sha256 = sha256Hex(body);
    // A well-formed envelope has a well-formed sequence: its position is known.
    const envelope = checkEnvelope(event, sender.partner, input.ownUrn);
    if (envelope.ok) {
      accepted.push({
        message: envelope.message,
        sequence: parseSequence(envelope.message.sequence),
        body,
        sha256,
      });
    } else {
      refused.push({
        // Echoed in the receipt only when well-formed, so the receipt itself stays valid.
        ...(typeof event.id === 'string' && ULID_PATTERN.test(event.id) ? { id: event.id } : {}),
        ...(position !== undefined ? { sequence: String(position) } : {}),
        sha256,
        rejection: envelope.rejection,
      });
    }
  }
  return {
    ok: true,
    partner: sender.partner,
    keyId: sender.keyId,
    batchId,
    sha256: sha256Hex(input.body),
    accepted,
    refused,
  };
}

const safeSequence = (value: string): number | undefined => {
  try {
    return parseSequence(value);
  } catch {
    return undefined;
  }
};
