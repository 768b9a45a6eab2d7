import { province, queueUrl, tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { loadSecret } from '../../../shared/aws/secrets';
import { sqsClient } from '../../../shared/aws/sqs';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/domain/errors';
import { provinceUrn } from '../../../shared/events/envelope';
import { apiHandler } from '../../../shared/http/api-handler';
import { decodeCursor, encodeCursor, pageBody } from '../../../shared/http/cursor';
import { json, parseJsonBody, parseWith } from '../../../shared/http/request';
import { functionSpec, LOCAL_LOOPBACK_PARTNERS_ENV } from '../../../shared/manifest';
import type { Observability } from '../../../shared/observability';
import { type DeliveryQueue, SWEEPER_GRACE_MS, sqsDeliveryQueue } from '../adapters/delivery-queue';
import { dynamoMessageLogRepository, type MessageLogRepository } from '../adapters/message-log-repository';
import { dynamoMessageRepository, type MessageRepository } from '../adapters/message-repository';
import { dynamoPartnerRepository, type PartnerRepository } from '../adapters/partner-repository';
import { dynamoStreamRepository, type StreamRepository } from '../adapters/stream-repository';
import { verifyChain } from '../domain/message-log';
import { type Partner, partnerSettings } from '../domain/partner';
import type { PartnerUrlPolicy } from '../domain/partner-url';
import type { AttemptRecord, MessageRecord, OutboundRecord, OutboundStreamHead } from '../domain/records';
import { checkStreamChain, messagePage } from '../domain/stream';
import { exchangeManifest } from '../manifest';
import {
  MessageIdParams,
  MessageListQuery,
  PartnerActionParams,
  PartnerCodeParams,
  ReplayRequest,
} from '../schemas';

const FUNCTION = 'exchange-operations-api';

export interface OperationsApiDeps {
  readonly province: string;
  readonly partners: PartnerRepository;
  readonly messages: MessageRepository;
  readonly log: MessageLogRepository;
  readonly streams: StreamRepository;
  readonly delivery: DeliveryQueue;
  readonly clock?: Clock;
  readonly observability?: Observability;
  /** Which inbox URLs partners may have; public https unless the local cloud asks otherwise. */
  readonly partnerUrls?: PartnerUrlPolicy;
  /** The `cursor-key` secret (page cursors). */
  readonly cursorSecret?: string;
}

/**
 * A message as operators see it: what was sent or received, its digest, headers, signature
 * check, receipt and delivery state. The body (which names people by `personRef`) stays in
 * the table; the digest identifies it.
 */
const view = ({ body: _body, ...message }: MessageRecord) => message;

/** A version 2 stream as operators see it: how far it is numbered and delivered, and its attempts. */
const streamView = (head: OutboundStreamHead) => ({
  last: head.last,
  delivered: head.delivered,
  waiting: head.last - head.delivered,
  attempt: head.attempt,
  ...(head.nextAttemptAt ? { nextAttemptAt: head.nextAttemptAt } : {}),
  ...(head.lastError ? { lastError: head.lastError } : {}),
});

/**
 * One delivery attempt as operators see it, numbered 1–10 within its round as the retry
 * schedule is (docs/exchange-protocol.md §7). The records count from 0, as the delivery
 * queue's requests do.
 */
const attemptView = ({ messageId: _m, partner: _p, attempt, ...rest }: AttemptRecord) => ({
  attempt: attempt + 1,
  ...rest,
});

/**
 * The exchange's operations API: onboard and list partners, pause and resume a partner's
 * stream, follow messages in both directions with their delivery attempts, check a
 * partner's hash-chained log, and replay a time range of outbound messages (same ids; the
 * receiver deduplicates).
 */
export function buildOperationsApi(deps: OperationsApiDeps) {
  const clock = deps.clock ?? systemClock;
  const Settings = partnerSettings(deps.partnerUrls ?? 'public-https');
  const getPartner = async (code: string): Promise<Partner> => {
    const partner = await deps.partners.find(code);
    if (!partner)
      throw new NotFoundError({
        en: `Province ${code} is not a partner.`,
        zh: `省份 ${code} 不是交换伙伴。`,
      });
    return partner;
  };
  /** Starts a new round for each message and queues its first attempt. */
  const release = async (messages: readonly OutboundRecord[], replay: boolean): Promise<string[]> => {
    const released: string[] = [];
    const now = clock.now();
    const pickUp = new Date(now.getTime() + SWEEPER_GRACE_MS).toISOString();
    for (const message of messages) {
      if (!(await deps.messages.restart(message.partner, message.messageId, pickUp, replay))) continue;
      await deps.delivery.enqueue({ partner: message.partner, messageId: message.messageId, attempt: 0 });
      released.push(message.messageId);
    }
    return released;
  };

  /**
   * Resumes a partner's version 2 stream: its next attempt due now, from attempt 0, and its
   * delivery requested. Answers how many messages wait after its cursor.
   */
  const resumeStream = async (code: string): Promise<number> => {
    const head = await deps.streams.findHead(code);
    if (!head || head.last <= head.delivered) return 0;
    await deps.streams.resetAttempts(code);
    await deps.delivery.enqueue({ partner: code, stream: true });
    return head.last - head.delivered;
  };

  return apiHandler({
    service: FUNCTION,
    routes: functionSpec(exchangeManifest, FUNCTION).routes ?? [],
    observability: deps.observability,
    province: deps.province,
    ...(deps.cursorSecret ? { cursorSecret: deps.cursorSecret } : {}),
    handlers: {
      'GET /v1/exchange/partners': async () => {
        const partners = await deps.partners.list();
        const items = await Promise.all(
          partners.map(async (partner) => {
            if (!partner.batchInboxUrl) return partner;
            const head = await deps.streams.findHead(partner.code);
            return head ? { ...partner, stream: streamView(head) } : partner;
          }),
        );
        return json(200, { items });
      },

      'PUT /v1/exchange/partners/{code}': async ({ event, pathParameters, principal }) => {
        const { code } = parseWith(PartnerCodeParams, pathParameters, 'path');
        if (code === deps.province) {
          throw new ValidationError('A province is not its own partner.', [
            { field: 'path.code', message: 'must be another province' },
          ]);
        }
        const settings = parseJsonBody(event, Settings);
        const existing = await deps.partners.find(code);
        const partner: Partner = {
          ...settings,
          code,
          urn: provinceUrn(code),
          status: existing?.status ?? 'active',
          ...(existing?.pausedReason ? { pausedReason: existing.pausedReason } : {}),
          updatedAt: clock.now().toISOString(),
          updatedBy: principal.subject,
        };
        await deps.partners.put(partner);
        return json(existing ? 200 : 201, partner);
      },

      'POST /v1/exchange/partners/{code}/actions/{action}': async ({ pathParameters, principal }) => {
        const { code, action } = parseWith(PartnerActionParams, pathParameters, 'path');
        await getPartner(code);
        const at = clock.now().toISOString();
        if (action === 'pause') {
          await deps.partners.setStatus(code, {
            status: 'paused',
            pausedReason: 'operator',
            at,
            by: principal.subject,
          });
          return json(200, { partner: code, status: 'paused' });
        }
        await deps.partners.setStatus(code, { status: 'active', at, by: principal.subject });
        const released = await release(await deps.messages.listWaiting(code), false);
        const stream = await resumeStream(code);
        return json(200, { partner: code, status: 'active', released: released.length + stream });
      },

      'GET /v1/exchange/partners/{code}/log': async ({ pathParameters }) => {
        const { code } = parseWith(PartnerCodeParams, pathParameters, 'path');
        const [entries, head, outbound, inbound] = await Promise.all([
          deps.log.entries(code),
          deps.log.head(code),
          checkStreamChain(deps.streams, code, 'outbound'),
          checkStreamChain(deps.streams, code, 'inbound'),
        ]);
        const check = verifyChain(entries, head ? { head: head.hash } : {});
        const positions =
          entries.every((e, i) => e.position === i + 1) && (head?.position ?? 0) === entries.length;
        return json(200, {
          partner: code,
          entries: entries.length,
          head: head?.hash ?? null,
          ok: check.ok && positions && outbound.ok && inbound.ok,
          ...(check.ok ? {} : { brokenAt: check.brokenAt }),
          ...(check.ok && !positions ? { brokenAt: entries.findIndex((e, i) => e.position !== i + 1) } : {}),
          // Version 2: each message is its own entry, in one chain per direction (§13).
          streams: { outbound, inbound },
        });
      },

      'GET /v1/exchange/messages': async ({ query, cursors }) => {
        const q = parseWith(MessageListQuery, query, 'query');
        const { cursor, limit: _limit, ...filters } = q;
        const startKey = decodeCursor(cursors.open(cursor, filters));
        // A partner that takes version 2 is listed from its own streams: its messages are in no index.
        const partner = q.partner ? await deps.partners.find(q.partner) : undefined;
        const page = await messagePage(
          deps,
          {
            ...(q.partner ? { partner: q.partner } : {}),
            ...(q.direction ? { direction: q.direction } : {}),
            ...(q.status ? { status: q.status } : {}),
            ...(q.from ? { from: q.from } : {}),
            ...(q.to ? { to: q.to } : {}),
            limit: q.limit,
            ...(startKey ? { startKey } : {}),
          },
          partner?.batchInboxUrl ? partner.code : undefined,
        );
        return json(200, pageBody(page.items.map(view), cursors.seal(encodeCursor(page.lastKey), filters)));
      },

      'GET /v1/exchange/messages/{messageId}': async ({ pathParameters }) => {
        const { messageId } = parseWith(MessageIdParams, pathParameters, 'path');
        const found = await deps.messages.findById(messageId);
        if (found.messages.length === 0) throw new NotFoundError('No message with this id.');
        return json(200, {
          messageId,
          messages: found.messages.map((m) => ({
            ...view(m),
            ...(m.direction === 'outbound'
              ? { deliveryAttempts: found.attempts.filter((a) => a.partner === m.partner).map(attemptView) }
              : {}),
          })),
        });
      },

      'POST /v1/exchange/replay': async ({ event }) => {
        const request = parseJsonBody(event, ReplayRequest);
        const partner = await getPartner(request.partner);
        if (partner.status === 'paused') {
          throw new ConflictError('The partner is paused; resume it before replaying.');
        }
        if (partner.batchInboxUrl) {
          // Version 2 streams replay by position: the cursor goes back, and the stream is sent again from there.
          if (request.fromSequence === undefined) {
            throw new ValidationError('This partner takes version 2: replay from a sequence number.', [
              { field: 'body.fromSequence', message: 'is required for a version 2 partner' },
            ]);
          }
          const head = await deps.streams.findHead(partner.code);
          if (!head || !(await deps.streams.rewind(partner.code, request.fromSequence))) {
            throw new ConflictError(
              head?.streamStart !== undefined && head.delivered >= head.streamStart
                ? `Replay from a sequence between ${head.streamStart} and ${head.delivered}: the messages sent in version 2 and delivered.`
                : 'Nothing sent in version 2 has been delivered to this partner yet.',
            );
          }
          await deps.delivery.enqueue({ partner: partner.code, stream: true });
          return json(202, {
            partner: request.partner,
            replayed: head.delivered - request.fromSequence + 1,
            fromSequence: request.fromSequence,
          });
        }
        if (request.from === undefined || request.to === undefined) {
          throw new ValidationError('This partner takes version 1: replay a time range.', [
            { field: 'body.from', message: 'from and to are required for a version 1 partner' },
          ]);
        }
        const chosen: OutboundRecord[] = [];
        let startKey: Record<string, string | number> | undefined;
        do {
          const page = await deps.messages.list({
            partner: request.partner,
            direction: 'outbound',
            from: request.from,
            to: request.to,
            limit: 100,
            ...(startKey ? { startKey } : {}),
          });
          for (const item of page.items) {
            if (item.direction === 'outbound' && (item.status === 'delivered' || item.status === 'failed')) {
              chosen.push(item);
            }
          }
          startKey = page.lastKey as Record<string, string | number> | undefined;
        } while (startKey);
        // Oldest first, so the partner sees them in the order they were first sent.
        chosen.sort((a, b) => a.sequence - b.sequence);
        const released = await release(chosen, true);
        return json(202, { partner: request.partner, replayed: released.length, messageIds: released });
      },
    },
  });
}

export const handler = initOnce(async () => {
  const db = documentClient();
  const table = tableName('exchange');
  return buildOperationsApi({
    cursorSecret: await loadSecret('cursor-key'),
    province: province(),
    partners: dynamoPartnerRepository(db, table),
    messages: dynamoMessageRepository(db, table),
    log: dynamoMessageLogRepository(db, table),
    streams: dynamoStreamRepository(db, table),
    delivery: sqsDeliveryQueue(sqsClient(), queueUrl('exchange-delivery')),
    // Set by the local cloud only (local/function-env.ts), never by the CDK app.
    partnerUrls: process.env[LOCAL_LOOPBACK_PARTNERS_ENV] === 'allow' ? 'local-loopback' : 'public-https',
  });
});
