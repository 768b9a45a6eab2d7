import { type EventType, eventCatalog } from '../../../shared/events/catalog';
import { sha256Hex } from './digest';
import { ExchangeMessage } from './envelope';
import { acceptsInbound, type Partner, partnerCodeOf, partnerKeys } from './partner';
import { verify } from './signing';

/** Bodies above this are refused before any parsing (every protocol message is far smaller). */
export const MAX_MESSAGE_BYTES = 128 * 1024;

/** Why a message was refused, as its problem+json answer says. Nothing of it is stored or forwarded. */
export interface InboundRejection {
  readonly status: number;
  readonly slug: string;
  readonly title: string;
  readonly detail: string;
}

const reject = (status: number, slug: string, title: string, detail: string): InboundRejection => ({
  status,
  slug,
  title,
  detail,
});

/** The sender a body claims, before anything is verified: its `source` province code. */
export function claimedPartner(body: string): { code: string } | InboundRejection {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return reject(400, 'malformed-json', 'Malformed JSON', 'The request body is not valid JSON.');
  }
  const source = (json as { source?: unknown } | null)?.source;
  const code = typeof source === 'string' ? partnerCodeOf(source) : undefined;
  if (!code) {
    return reject(
      400,
      'invalid-envelope',
      'Invalid Envelope',
      'The body has no source of the form urn:cn:gov:<NN>0000:jiahe.',
    );
  }
  return { code };
}

export type InboundCheck =
  | { ok: true; message: ExchangeMessage; keyId: string; sha256: string }
  | { ok: false; rejection: InboundRejection };

/**
 * The checks a partner's message passes before it is stored, in this order: the sender is a
 * registered partner; the signature verifies with one of its keys valid now and the
 * timestamp is within ±5 minutes; `webhook-id` is the envelope's `id`; the envelope and its
 * data are well-formed; it is addressed to us; the partner may send this type.
 */
export function checkInbound(input: {
  body: string;
  headers: Readonly<Record<string, string | undefined>>;
  partner: Partner | undefined;
  ownUrn: string;
  now: Date;
}): InboundCheck {
  const { body, headers, partner, now } = input;
  const fail = (rejection: InboundRejection): InboundCheck => ({ ok: false, rejection });
  if (!partner) {
    return fail(
      reject(403, 'unknown-partner', 'Unknown Partner', 'The source is not a partner of this province.'),
    );
  }
  const signature = verify(headers, body, partnerKeys(partner), now);
  if (!signature.ok) {
    const detail: Record<typeof signature.reason, string> = {
      'missing-headers': 'webhook-id, webhook-timestamp and webhook-signature are required.',
      'timestamp-out-of-window': 'webhook-timestamp is more than 5 minutes from our clock.',
      'no-valid-key': 'None of the partner’s registered keys is valid now.',
      'bad-signature': 'No v1a signature verifies with the partner’s keys.',
    };
    const slug =
      signature.reason === 'timestamp-out-of-window' ? 'timestamp-out-of-window' : 'invalid-signature';
    return fail(reject(401, slug, 'Signature Not Accepted', detail[signature.reason]));
  }
  const json = JSON.parse(body) as Record<string, unknown>;
  if (json.id !== headers['webhook-id']?.trim()) {
    return fail(reject(400, 'id-mismatch', 'Id Mismatch', 'webhook-id must equal the envelope id.'));
  }
  const envelope = ExchangeMessage.safeParse(json);
  if (!envelope.success) {
    const fields = envelope.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    return fail(reject(422, 'invalid-envelope', 'Invalid Envelope', `Invalid envelope fields: ${fields}.`));
  }
  const message = envelope.data;
  if (message.recipient !== input.ownUrn) {
    return fail(reject(422, 'wrong-recipient', 'Wrong Recipient', `This inbox is ${input.ownUrn}.`));
  }
  if (!acceptsInbound(partner, message.type)) {
    return fail(
      reject(403, 'type-not-allowed', 'Type Not Allowed', `The partner may not send ${message.type} here.`),
    );
  }
  const schema = eventCatalog[message.type as EventType];
  const data = schema?.safeParse(message.data);
  if (!data?.success) {
    return fail(reject(422, 'invalid-data', 'Invalid Data', `The data does not match ${message.type}.`));
  }
  return { ok: true, message, keyId: signature.keyId, sha256: sha256Hex(body) };
}
