import type { Bilingual } from '../../../shared/domain/errors';
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
  /** In both languages: the answer is given in the one the partner asks for. */
  readonly detail: Bilingual;
}

export const reject = (status: number, slug: string, title: string, detail: Bilingual): InboundRejection => ({
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
    return reject(400, 'malformed-json', 'Malformed JSON', {
      en: 'The request body is not valid JSON.',
      zh: '请求体不是有效的 JSON。',
    });
  }
  const source = (json as { source?: unknown } | null)?.source;
  const code = typeof source === 'string' ? partnerCodeOf(source) : undefined;
  if (!code) {
    return reject(400, 'invalid-envelope', 'Invalid Envelope', {
      en: 'The body has no source of the form urn:cn:gov:<NN>0000:jiahe.',
      zh: '报文没有 urn:cn:gov:<NN>0000:jiahe 形式的 source。',
    });
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
  const sender = checkSender(input);
  if (!sender.ok) return sender;
  const json = JSON.parse(input.body) as Record<string, unknown>;
  if (json.id !== input.headers['webhook-id']?.trim()) {
    return {
      ok: false,
      rejection: reject(400, 'id-mismatch', 'Id Mismatch', {
        en: 'webhook-id must equal the envelope id.',
        zh: 'webhook-id 必须与报文 id 相同。',
      }),
    };
  }
  const envelope = checkEnvelope(json, sender.partner, input.ownUrn);
  if (!envelope.ok) return envelope;
  return { ok: true, message: envelope.message, keyId: sender.keyId, sha256: sha256Hex(input.body) };
}

/**
 * The checks on who sent a request, in this order: the sender is a registered partner; the
 * signature verifies with one of its keys valid now and the timestamp is within ±5 minutes.
 * The same for a single message (v1) and a batch (v2).
 */
export function checkSender(input: {
  body: string;
  headers: Readonly<Record<string, string | undefined>>;
  partner: Partner | undefined;
  now: Date;
}): { ok: true; partner: Partner; keyId: string } | { ok: false; rejection: InboundRejection } {
  const { body, headers, partner, now } = input;
  if (!partner) {
    return {
      ok: false,
      rejection: reject(403, 'unknown-partner', 'Unknown Partner', {
        en: 'The source is not a partner of this province.',
        zh: '发送方不是本省的交换伙伴。',
      }),
    };
  }
  const signature = verify(headers, body, partnerKeys(partner), now);
  if (!signature.ok) {
    const detail: Record<typeof signature.reason, Bilingual> = {
      'missing-headers': {
        en: 'webhook-id, webhook-timestamp and webhook-signature are required.',
        zh: '必须提供 webhook-id、webhook-timestamp 和 webhook-signature。',
      },
      'timestamp-out-of-window': {
        en: 'webhook-timestamp is more than 5 minutes from our clock.',
        zh: 'webhook-timestamp 与本方时钟相差超过 5 分钟。',
      },
      'no-valid-key': {
        en: 'None of the partner’s registered keys is valid now.',
        zh: '该伙伴登记的密钥当前均不在有效期内。',
      },
      'bad-signature': {
        en: 'No v1a signature verifies with the partner’s keys.',
        zh: '没有一个 v1a 签名能用该伙伴的密钥验证通过。',
      },
    };
    const slug =
      signature.reason === 'timestamp-out-of-window' ? 'timestamp-out-of-window' : 'invalid-signature';
    return { ok: false, rejection: reject(401, slug, 'Signature Not Accepted', detail[signature.reason]) };
  }
  return { ok: true, partner, keyId: signature.keyId };
}

/**
 * The checks on one envelope from a verified partner, in this order: the envelope and its
 * data are well-formed; it is addressed to us; the partner may send this type.
 */
export function checkEnvelope(
  json: unknown,
  partner: Partner,
  ownUrn: string,
): { ok: true; message: ExchangeMessage } | { ok: false; rejection: InboundRejection } {
  const fail = (rejection: InboundRejection) => ({ ok: false as const, rejection });
  const envelope = ExchangeMessage.safeParse(json);
  if (!envelope.success) {
    const fields = envelope.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    return fail(
      reject(422, 'invalid-envelope', 'Invalid Envelope', {
        en: `Invalid envelope fields: ${fields}.`,
        zh: `报文信封字段无效：${fields}。`,
      }),
    );
  }
  const message = envelope.data;
  if (message.recipient !== ownUrn) {
    return fail(
      reject(422, 'wrong-recipient', 'Wrong Recipient', {
        en: `This inbox is ${ownUrn}.`,
        zh: `本收件箱属于 ${ownUrn}。`,
      }),
    );
  }
  if (!acceptsInbound(partner, message.type)) {
    return fail(
      reject(403, 'type-not-allowed', 'Type Not Allowed', {
        en: `The partner may not send ${message.type} here.`,
        zh: `该伙伴不得向本省发送 ${message.type}。`,
      }),
    );
  }
  const schema = eventCatalog[message.type as EventType];
  const data = schema?.safeParse(message.data);
  if (!data?.success) {
    return fail(
      reject(422, 'invalid-data', 'Invalid Data', {
        en: `The data does not match ${message.type}.`,
        zh: `data 不符合 ${message.type} 的定义。`,
      }),
    );
  }
  return { ok: true, message };
}
