import { type EventType, eventCatalog } from '../../../shared/events/catalog';
import type { EventEnvelope } from '../../../shared/events/envelope';
import { canonicalJson, sha256Hex } from './digest';
import { ExchangeMessage, RESIDENT_ID_LIKE } from './envelope';
import { MAX_MESSAGE_BYTES } from './inbound';
import { allowsOutbound, type Partner, partnerCodeOf } from './partner';

/** An area's request that cannot become a message; it stays on the queue's DLQ for an operator. */
export class OutboundRequestError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'OutboundRequestError';
  }
}

/** Whether any string inside a value looks like a resident ID. */
function carriesResidentId(value: unknown): boolean {
  if (typeof value === 'string') return RESIDENT_ID_LIKE.test(value);
  if (Array.isArray(value)) return value.some(carriesResidentId);
  if (value && typeof value === 'object') return Object.values(value).some(carriesResidentId);
  return false;
}

/** The recipient's province code of an outbound request; throws when it names none. */
export function recipientOf(request: EventEnvelope): string {
  const code = request.recipient ? partnerCodeOf(request.recipient) : undefined;
  if (!code) throw new OutboundRequestError('the request has no recipient province');
  return code;
}

/**
 * The message sent to a partner for an area's request: the same id, type, subject, data and
 * correlation, `source` rewritten to this province's URN, and the stream's next `sequence`.
 * Refused: a type the partner does not take from us, data that does not match the catalog,
 * and any resident ID in subject or data (people cross provinces only as `personRef`).
 * The body text (canonical JSON, §11.1) is fixed here, once: every attempt and every replay
 * sends the same bytes, and its digest is the one a version 2 receipt gives for it.
 */
export function buildOutboundMessage(input: {
  request: EventEnvelope;
  partner: Partner;
  ownUrn: string;
  sequence: number;
}): { message: ExchangeMessage; body: string; sha256: string } {
  const { request, partner } = input;
  if (!allowsOutbound(partner, request.type)) {
    throw new OutboundRequestError(`${request.type} is not allowed to partner ${partner.code}`);
  }
  const schema = eventCatalog[request.type as EventType];
  if (!schema?.safeParse(request.data).success) {
    throw new OutboundRequestError(`the data does not match ${request.type}`);
  }
  if (carriesResidentId(request.data) || carriesResidentId(request.subject)) {
    throw new OutboundRequestError('the request carries a resident ID; name people by personRef');
  }
  const candidate = {
    specversion: '1.0',
    id: request.id,
    source: input.ownUrn,
    type: request.type,
    time: request.time,
    subject: request.subject,
    datacontenttype: 'application/json',
    data: request.data,
    recipient: partner.urn,
    ...(request.correlationid ? { correlationid: request.correlationid } : {}),
    sequence: String(input.sequence),
  };
  const parsed = ExchangeMessage.safeParse(candidate);
  if (!parsed.success) {
    throw new OutboundRequestError(
      `not a valid exchange message: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
    );
  }
  const body = canonicalJson(candidate);
  // What no inbox would take (§5) is refused here, before it takes a number in the stream.
  if (Buffer.byteLength(body, 'utf8') > MAX_MESSAGE_BYTES) {
    throw new OutboundRequestError(`the message is larger than ${MAX_MESSAGE_BYTES} bytes`);
  }
  return { message: parsed.data, body, sha256: sha256Hex(body) };
}
