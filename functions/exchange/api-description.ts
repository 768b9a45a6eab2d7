import * as z from 'zod';
import type { ApiDescription } from '../../shared/http/api-description';
import { BATCH_CONTENT_TYPE, MAX_BATCH_MESSAGES } from './domain/batch';
import { BatchReceipt } from './domain/batch-receipt';
import { ExchangeMessage } from './domain/envelope';
import { PartnerSettings, PublicJwks } from './domain/partner';
import { Receipt } from './domain/receipt';
import {
  MessageIdParams,
  MessageListQuery,
  PartnerActionParams,
  PartnerCodeParams,
  ReplayRequest,
} from './schemas';

/** Answers the handlers build from records; the main fields are named, records may carry more. */
const PartnerView = z.looseObject({
  code: z.string(),
  urn: z.string(),
  status: z.enum(['active', 'paused']),
  pausedReason: z.enum(['operator', 'delivery-failed']).optional(),
  inboxUrl: z.string(),
  batchInboxUrl: z.string().optional().describe('Set when the partner takes version 2 batches (§13).'),
  stream: z
    .object({
      last: z.number().int().describe('The last sequence number given to a message for the partner.'),
      delivered: z.number().int().describe('The highest sequence the partner has receipted.'),
      waiting: z.number().int().describe('Messages after the cursor, waiting for delivery.'),
      attempt: z
        .number()
        .int()
        .describe('Failed attempts in a row (0 while deliveries succeed), as §7 counts.'),
      nextAttemptAt: z.string().optional(),
      lastError: z.string().optional(),
    })
    .optional()
    .describe('Version 2 partners: the outbound stream’s cursor.'),
  inboundTypes: z.array(z.string()),
  outboundTypes: z.array(z.string()),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
const ChainReportView = z.object({
  entries: z.number().int(),
  head: z.string().nullable(),
  ok: z.boolean(),
  brokenAt: z.number().int().optional(),
});
const MessageView = z.looseObject({
  direction: z.enum(['inbound', 'outbound']),
  messageId: z.string(),
  partner: z.string().describe('The other province’s two-digit code: the recipient, or the sender.'),
  type: z.string(),
  subject: z.string(),
  sequence: z.number().int(),
  sha256: z.string(),
  status: z.enum(['accepted', 'pending', 'waiting', 'delivered', 'failed']),
  attempts: z
    .number()
    .int()
    .min(0)
    .max(10)
    .optional()
    .describe(
      'Outbound: how many delivery attempts the current round has started, 0 before the first; so also the number (1–10) of the latest attempt.',
    ),
  rounds: z
    .number()
    .int()
    .optional()
    .describe('Outbound: rounds of attempts started after the first (each resume or replay starts one).'),
  nextAttemptAt: z.string().optional().describe('Outbound, pending: when the next attempt is due.'),
  lastError: z.string().optional().describe('Outbound: why the latest attempt failed.'),
  ack: z
    .object({
      outcome: z.enum(['ok', 'transient-error', 'fatal-error']),
      reason: z.string().optional(),
      messageId: z.string().describe('The id of the `ack.v1` message.'),
      at: z.string(),
    })
    .optional()
    .describe('Outbound: the latest business answer (`ack.v1`) the partner sent for it, once one came.'),
});
const DeliveryAttempt = z.object({
  attempt: z
    .number()
    .int()
    .min(1)
    .max(10)
    .describe('The attempt’s number within its round, 1–10, as in the retry schedule (protocol §7).'),
  round: z
    .number()
    .int()
    .min(0)
    .describe('0, then one more for each resume of the partner or replay that released the message.'),
  at: z.string().describe('When the attempt was made.'),
  status: z.number().int().optional().describe('The HTTP status answered, if any answer came.'),
  outcome: z.enum(['delivered', 'failed']),
  reason: z
    .string()
    .optional()
    .describe('Why it failed, e.g. `network-error`, `timeout`, `http-503`, `receipt-bad-signature`.'),
  nextAttemptAt: z.string().optional().describe('After a failure: when the next attempt is due.'),
});

const message = {
  specversion: '1.0',
  id: '01JDQ4A1B2C3D4E5F6G7H8J9K0',
  source: 'urn:cn:gov:330000:jiahe',
  type: 'cn.gov.jiahe.birth.registered.v1',
  time: '2026-11-02T08:15:00Z',
  subject: 'case-01JDQ4A1B2C3D4E5F6G7H8J9K1',
  datacontenttype: 'application/json',
  data: {},
  recipient: 'urn:cn:gov:510000:jiahe',
  sequence: '1',
};

/** The exchange's routes (functions/exchange/manifest.ts) with the schemas their handlers validate. */
export const exchangeApi: ApiDescription = {
  'POST /exchange/v1/inbox': {
    summary: 'Receive a signed message from a partner province',
    description:
      'Machine to machine, public by design: the message proves its sender by its Standard Webhooks ' +
      'signature (`webhook-id`, `webhook-timestamp`, `webhook-signature`). The data is checked against the ' +
      'schema of its type (`GET /exchange/v1/schemas`). See docs/exchange-protocol.md for every refusal.',
    body: ExchangeMessage,
    bodyContentType: 'application/cloudevents+json',
    bodyExample: message,
    responses: {
      202: { description: 'Stored; the body is a receipt signed with this province’s keys', schema: Receipt },
    },
    problems: [400, 401, 403, 409, 413, 415, 422],
  },
  'POST /exchange/v2/inbox': {
    summary: 'Receive a signed batch of messages from a partner province (protocol version 2)',
    description:
      'A JSON array of 1 to 98 messages of one stream, in ascending `sequence`, signed once ' +
      '(`webhook-id` is the batch id, a ULID). Answered by one signed receipt with an entry per message: ' +
      '`accepted`, `duplicate` or `refused` with a reason. A batch id received before gets its original ' +
      'receipt. See docs/exchange-protocol.md §13.',
    body: z.array(ExchangeMessage).min(1).max(MAX_BATCH_MESSAGES),
    bodyContentType: BATCH_CONTENT_TYPE,
    bodyExample: [message],
    responses: {
      202: {
        description: 'Stored; the body is a batch receipt signed with this province’s keys',
        schema: BatchReceipt,
      },
    },
    problems: [400, 401, 403, 409, 413, 415],
  },
  'GET /.well-known/jwks.json': {
    summary: 'This province’s public signing keys',
    responses: { 200: { description: 'The key set', schema: PublicJwks } },
  },
  'GET /exchange/v1/schemas': {
    summary: 'JSON Schemas of the protocol: envelope, receipt and the data of every message type',
    responses: { 200: { description: 'The schemas', schema: z.looseObject({}) } },
  },
  'GET /v1/exchange/partners': {
    summary: 'The partner provinces and the state of their streams',
    responses: { 200: { description: 'Partners', schema: z.object({ items: z.array(PartnerView) }) } },
  },
  'PUT /v1/exchange/partners/{code}': {
    summary: 'Register or update a partner: inbox, public keys and the message types each way',
    params: PartnerCodeParams,
    body: PartnerSettings,
    bodyExample: {
      inboxUrl: 'https://jiahe.sc.example.gov.cn/exchange/v1/inbox',
      jwks: {
        keys: [
          {
            kty: 'OKP',
            crv: 'Ed25519',
            x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
            kid: 'sc-2026-11',
            use: 'sig',
            alg: 'EdDSA',
          },
        ],
      },
      inboundTypes: ['cn.gov.jiahe.birth.registered.v1'],
      outboundTypes: ['cn.gov.jiahe.birth.registered.v1'],
    },
    responses: {
      200: { description: 'Updated', schema: PartnerView },
      201: { description: 'Registered', schema: PartnerView },
    },
  },
  'POST /v1/exchange/partners/{code}/actions/{action}': {
    summary: 'Pause or resume the stream to a partner',
    params: PartnerActionParams,
    responses: {
      200: {
        description: 'The stream’s state; on resume, how many waiting messages were released',
        schema: z.object({
          partner: z.string(),
          status: z.enum(['active', 'paused']),
          released: z.number().int().optional(),
        }),
      },
    },
  },
  'GET /v1/exchange/partners/{code}/log': {
    summary: 'Check the hash-chained message log of a partner',
    params: PartnerCodeParams,
    responses: {
      200: {
        description: 'Whether the chain is intact, and where it breaks if not',
        schema: z.object({
          partner: z.string(),
          entries: z.number().int(),
          head: z.string().nullable(),
          ok: z
            .boolean()
            .describe('Every chain of the partner intact: the version 1 log and both version 2 streams.'),
          brokenAt: z.number().int().optional(),
          streams: z
            .object({ outbound: ChainReportView, inbound: ChainReportView })
            .describe('Version 2: the chain of messages sent to the partner, and of those received from it.'),
        }),
      },
    },
  },
  'GET /v1/exchange/messages': {
    summary: 'Messages by partner, direction, status and time',
    description:
      'Newest first. Without `partner`, the list holds version 1 messages only: version 2 messages ' +
      '(§13) are listed per partner. With the `partner` of a version 2 partner (one registered with a ' +
      '`batchInboxUrl`), its version 2 messages come first, read from its own streams (both directions ' +
      'merged by time unless `direction` is given, an outbound one `delivered` once the stream’s cursor ' +
      'has passed it), then its version 1 messages (those of before it took version 2), on the same ' +
      'cursor. Filters apply to the `limit` messages a page reads, so a page may hold fewer, even none, ' +
      'and still have a `nextCursor`: follow it until it is absent.',
    query: MessageListQuery,
    paginated: true,
    responses: {
      200: {
        description: 'A page of messages (without bodies)',
        schema: z.object({
          items: z.array(MessageView),
          nextCursor: z.string().optional().describe('The cursor of the next page.'),
        }),
      },
    },
  },
  'GET /v1/exchange/messages/{messageId}': {
    summary: 'One message id: the messages under it and their delivery attempts',
    params: MessageIdParams,
    responses: {
      200: {
        description: 'The message in each direction and partner it was used with',
        schema: z.object({
          messageId: z.string(),
          messages: z.array(
            MessageView.extend({
              deliveryAttempts: z
                .array(DeliveryAttempt)
                .optional()
                .describe(
                  'Outbound: every attempt of every round, oldest first; `attempts` counts the current round’s.',
                ),
            }),
          ),
        }),
      },
    },
  },
  'POST /v1/exchange/replay': {
    summary: 'Send a partner’s outbound messages of a time range again',
    body: ReplayRequest,
    bodyExample: { partner: '51', from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' },
    responses: {
      202: {
        description: 'Queued for delivery',
        schema: z.object({
          partner: z.string(),
          replayed: z.number().int(),
          messageIds: z.array(z.string()),
        }),
      },
    },
    problems: [404, 409],
  },
};
