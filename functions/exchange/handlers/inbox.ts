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
            detail: {
              en: `A message may be at most ${MAX_MESSAGE_BYTES} bytes.`,
              zh: `一条报文最多 ${MAX_MESSAGE_BYTES} 字节。`,
            },
          });
        }
        const result = await receiveMessage(
          { body: raw.toString('utf8'), headers, now: clock.now() },
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
