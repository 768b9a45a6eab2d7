import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { province, tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { newUlid } from '../../../shared/domain/ids';
import { provinceUrn } from '../../../shared/events/envelope';
import { apiHandler } from '../../../shared/http/api-handler';
import { HttpError } from '../../../shared/http/problem';
import { json } from '../../../shared/http/request';
import { functionSpec } from '../../../shared/manifest';
import { type Observability, observability } from '../../../shared/observability';
import { dynamoMessageRepository, type MessageRepository } from '../adapters/message-repository';
import { dynamoPartnerRepository, type PartnerRepository } from '../adapters/partner-repository';
import { loadSigningKeys } from '../adapters/signing-keys';
import { checkInbound, claimedPartner, type InboundRejection, MAX_MESSAGE_BYTES } from '../domain/inbound';
import { protocolJsonSchemas } from '../domain/json-schemas';
import { activeSigningKeys } from '../domain/key-set';
import { makeReceipt, type Receipt, signedReceipt } from '../domain/receipt';
import type { InboundRecord } from '../domain/records';
import { jwks, type SigningKey, unixSeconds } from '../domain/signing';
import { exchangeManifest } from '../manifest';

const FUNCTION = 'exchange-inbox';

/** Headers kept with a received message: what the signature and the log rest on. */
const KEPT_HEADERS = ['content-type', 'webhook-id', 'webhook-timestamp', 'webhook-signature'];

export interface InboxDeps {
  /** This province's two-digit code. */
  readonly province: string;
  readonly partners: PartnerRepository;
  readonly messages: MessageRepository;
  readonly signingKeys: readonly SigningKey[];
  readonly clock?: Clock;
  readonly observability?: Observability;
}

const refuse = (r: InboundRejection) => new HttpError(r.status, r.slug, r.title, r.detail);

/**
 * The public face of the exchange: partners POST signed messages to the inbox, and read this
 * province's public keys and the protocol's schemas. The inbox stores an accepted message
 * before it answers; forwarding to the areas follows from the stored record (table stream),
 * so an accepted message is never lost between the answer and the queue.
 */
export function buildInbox(deps: InboxDeps) {
  const clock = deps.clock ?? systemClock;
  const obs = deps.observability ?? observability(FUNCTION);
  const ownUrn = provinceUrn(deps.province);
  const schemas = protocolJsonSchemas();

  /** A signed receipt answer with status 202. */
  const receiptAnswer = (receipt: Receipt) => {
    const now = clock.now();
    const signed = signedReceipt(
      receipt,
      activeSigningKeys(deps.signingKeys, now),
      newUlid(now.getTime()),
      unixSeconds(now),
    );
    // The body is canonical JSON; serialising the parsed object again gives the same bytes.
    return json(202, JSON.parse(signed.body), { ...signed.headers });
  };

  const rejected = (rejection: InboundRejection) => {
    obs.metrics.addMetric('InboxRejected', MetricUnit.Count, 1);
    obs.logger.info('inbox refused a message', { reason: rejection.slug });
    return refuse(rejection);
  };

  return apiHandler({
    service: FUNCTION,
    routes: functionSpec(exchangeManifest, FUNCTION).routes ?? [],
    observability: obs,
    handlers: {
      'POST /exchange/v1/inbox': async ({ event, headers }) => {
        const contentType = headers['content-type'] ?? '';
        if (!/^application\/(cloudevents\+)?json\s*(;|$)/i.test(contentType)) {
          throw new HttpError(
            415,
            'unsupported-media-type',
            'Unsupported Media Type',
            'Send the message as application/cloudevents+json.',
          );
        }
        const raw = event.isBase64Encoded
          ? Buffer.from(event.body ?? '', 'base64')
          : Buffer.from(event.body ?? '', 'utf8');
        if (raw.length > MAX_MESSAGE_BYTES) {
          throw rejected({
            status: 413,
            slug: 'payload-too-large',
            title: 'Payload Too Large',
            detail: `A message may be at most ${MAX_MESSAGE_BYTES} bytes.`,
          });
        }
        const body = raw.toString('utf8');
        const claimed = claimedPartner(body);
        if ('status' in claimed) throw rejected(claimed);
        const now = clock.now();
        const check = checkInbound({
          body,
          headers,
          partner: await deps.partners.find(claimed.code),
          ownUrn,
          now,
        });
        if (!check.ok) throw rejected(check.rejection);

        const { message } = check;
        const receipt = makeReceipt({ messageId: message.id, body, receivedAt: now, status: 'accepted' });
        const kept: Record<string, string> = {};
        for (const name of KEPT_HEADERS) if (headers[name] !== undefined) kept[name] = String(headers[name]);
        const record: InboundRecord = {
          direction: 'inbound',
          messageId: message.id,
          partner: claimed.code,
          type: message.type,
          subject: message.subject,
          ...(message.correlationid ? { correlationid: message.correlationid } : {}),
          sequence: Number(message.sequence),
          body,
          sha256: check.sha256,
          headers: kept,
          verification: { ok: true, keyId: check.keyId },
          receipt,
          receivedAt: now.toISOString(),
          status: 'accepted',
        };
        const stored = await deps.messages.putInbound(record);
        if (stored.stored) {
          obs.metrics.addMetric('InboxAccepted', MetricUnit.Count, 1);
          return receiptAnswer(receipt);
        }
        if (stored.existing.sha256 === check.sha256) {
          return receiptAnswer({ ...stored.existing.receipt, status: 'duplicate' });
        }
        // The same id with other content: a partner bug or tampering. Refused and alarmed.
        obs.metrics.addMetric('InboxIdConflict', MetricUnit.Count, 1);
        obs.logger.warn('a partner reused a message id with a different body', {
          partner: claimed.code,
          messageId: message.id,
        });
        throw new HttpError(
          409,
          'id-conflict',
          'Id Conflict',
          'A different message with this id was already received; ids may not be reused.',
        );
      },
      'GET /.well-known/jwks.json': async () =>
        json(200, jwks(deps.signingKeys), { 'cache-control': 'public, max-age=300' }),
      'GET /exchange/v1/schemas': async () => json(200, schemas, { 'cache-control': 'public, max-age=3600' }),
    },
  });
}

export const handler = initOnce(async () => {
  const db = documentClient();
  const table = tableName('exchange');
  return buildInbox({
    province: province(),
    partners: dynamoPartnerRepository(db, table),
    messages: dynamoMessageRepository(db, table),
    signingKeys: await loadSigningKeys(),
  });
});
