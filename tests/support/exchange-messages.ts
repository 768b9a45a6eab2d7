import { randomBytes } from 'node:crypto';
import { BATCH_CONTENT_TYPE } from '../../functions/exchange/domain/batch';
import { type SigningKey, signatureHeaders, unixSeconds } from '../../functions/exchange/domain/signing';
import { newUlid } from '../../shared/domain/ids';
import { type EventEnvelope, eventSource, provinceUrn } from '../../shared/events/envelope';
import { PERSON_RESIDENCE_REGISTERED } from '../../shared/events/exchange-messages';

/** A well-formed person reference (43 base64url characters); no resident ID behind it. */
export const somePersonRef = (): string => randomBytes(32).toString('base64url');

/** An area's request to the exchange: a residence notice from `from` for province `to`. */
export function residenceNoticeRequest(from: string, to: string, id = newUlid()): EventEnvelope {
  return {
    specversion: '1.0',
    id,
    source: eventSource(from, 'registry'),
    type: PERSON_RESIDENCE_REGISTERED,
    time: new Date().toISOString(),
    subject: `RES-${id.slice(-8)}`,
    datacontenttype: 'application/json',
    data: {
      personRef: somePersonRef(),
      hukouRegion: `${to}0104`,
      residenceRegion: `${from}0106`,
      on: '2026-11-01',
    },
    recipient: provinceUrn(to),
  };
}

/** The exchange message a partner `from` would send `to`, as the exact body text. */
export function partnerMessageBody(
  from: string,
  to: string,
  overrides: Record<string, unknown> = {},
): { id: string; body: string } {
  const request = residenceNoticeRequest(from, to);
  const message = {
    ...request,
    source: provinceUrn(from),
    sequence: '1',
    ...overrides,
  };
  return { id: String(message.id), body: JSON.stringify(message) };
}

/** The request headers of a signed delivery. */
export function signedHeaders(
  id: string,
  body: string,
  keys: SigningKey[],
  at: Date = new Date(),
): Record<string, string> {
  return {
    'content-type': 'application/cloudevents+json',
    ...signatureHeaders({ id, timestamp: unixSeconds(at), body }, keys),
  };
}

/** A version 2 batch body with its signature headers, as a sender posts it: the batch id is the `webhook-id`. */
export const signedBatch = (
  body: string,
  keys: readonly SigningKey[],
  options: { batchId?: string; at: Date },
): { body: string; headers: Record<string, string> } => ({
  body,
  headers: {
    'content-type': BATCH_CONTENT_TYPE,
    ...signatureHeaders(
      { id: options.batchId ?? newUlid(options.at.getTime()), timestamp: unixSeconds(options.at), body },
      keys,
    ),
  },
});
