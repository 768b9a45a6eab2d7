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
import { dynamoStreamRepository, type StreamRepository } from '../adapters/stream-repository';
import { BATCH_CONTENT_TYPE, MAX_BATCH_BYTES } from '../domain/batch';
import { receiveBatch } from '../domain/batch-inbox-service';
import type { BatchReceipt } from '../domain/batch-receipt';
import { type InboundRejection, MAX_MESSAGE_BYTES } from '../domain/inbound';
import { receiveMessage } from '../domain/inbox-service';
import { protocolJsonSchemas } from '../domain/json-schemas';
import { activeSigningKeys } from '../domain/key-set';
import { type Receipt, signedReceipt } from '../domain/receipt';
import { jwks, type SigningKey, unixSeconds } from '../domain/signing';
import { exchangeManifest } from '../manifest';

const FUNCTION = 'exchange-inbox';

export interface InboxDeps {
  /** This province's two-digit code. */
  readonly province: string;
  readonly partners: PartnerRepository;
  readonly messages: MessageRepository;
  readonly streams: StreamRepository;
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

  /** A signed receipt answer with status 202, of a message or a batch. */
  const receiptAnswer = (receipt: Receipt | BatchReceipt) => {
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

  /**
   * The raw body of a POST to an inbox: refused with 415 in another media type, and with
   * 413 above `maxBytes`, before anything is parsed.
   */
  const requestBody = (
    event: { body?: string | null; isBase64Encoded?: boolean },
    headers: Readonly<Record<string, string | undefined>>,
    mediaType: RegExp,
    expected: string,
    maxBytes: number,
  ): string => {
    if (!mediaType.test(headers['content-type'] ?? '')) {
      throw new HttpError(
        415,
        'unsupported-media-type',
        'Unsupported Media Type',
        `Send the body as ${expected}.`,
      );
    }
    const raw = event.isBase64Encoded
      ? Buffer.from(event.body ?? '', 'base64')
      : Buffer.from(event.body ?? '', 'utf8');
    if (raw.length > maxBytes) {
      throw rejected({
        status: 413,
        slug: 'payload-too-large',
        title: 'Payload Too Large',
        detail: { en: `A body may be at most ${maxBytes} bytes.`, zh: `请求体最多 ${maxBytes} 字节。` },
      });
    }
    return raw.toString('utf8');
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
        const raw = requestBody(
          event,
          headers,
          /^application\/(cloudevents\+)?json\s*(;|$)/i,
          'application/cloudevents+json',
          MAX_MESSAGE_BYTES,
        );
        const result = await receiveMessage(
          { body: raw, headers, now: clock.now() },
          { partners: deps.partners, messages: deps.messages, ownUrn },
        );
        if (result.kind === 'rejected') throw rejected(result.rejection);
        if (result.kind === 'accepted') {
          obs.metrics.addMetric('InboxAccepted', MetricUnit.Count, 1);
          return receiptAnswer(result.receipt);
        }
        if (result.kind === 'duplicate') return receiptAnswer(result.receipt);
        // The same id with other content: a partner defect or tampering. Refused, the original kept, alarmed.
        obs.metrics.addMetric('InboxIdConflict', MetricUnit.Count, 1);
        obs.logger.warn('a partner reused a message id with a different body', {
          partner: result.partner,
          messageId: result.messageId,
        });
        throw new HttpError(
          409,
          'id-conflict',
          'Id Conflict',
          'A different message with this id was already received; ids may not be reused.',
        );
      },
      'POST /exchange/v2/inbox': async ({ event, headers }) => {
        const body = requestBody(
          event,
          headers,
          /^application\/cloudevents-batch\+json\s*(;|$)/i,
          BATCH_CONTENT_TYPE,
          MAX_BATCH_BYTES,
        );
        const result = await receiveBatch(
          { body, headers, now: clock.now() },
          { partners: deps.partners, streams: deps.streams, ownUrn },
        );
        if (result.kind === 'rejected') throw rejected(result.rejection);
        obs.metrics.addMetric('InboxAccepted', MetricUnit.Count, result.accepted);
        if (result.conflicts > 0) {
          // Ids reused with other content: a partner defect or tampering. Refused in the receipt, the originals kept.
          obs.metrics.addMetric('InboxIdConflict', MetricUnit.Count, result.conflicts);
          obs.logger.warn('a partner reused message ids with a different body', {
            conflicts: result.conflicts,
          });
        }
        return receiptAnswer(result.receipt);
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
    streams: dynamoStreamRepository(db, table),
    signingKeys: await loadSigningKeys(),
  });
});
