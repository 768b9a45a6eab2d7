import type { AreaManifest } from '../../shared/manifest';

const READERS = ['exchange-operator', 'auditor'] as const;
const OPERATORS = ['exchange-operator'] as const;

/**
 * Exchange: signed notifications between provinces (docs/exchange-protocol.md). Partners
 * reach the public inbox; areas ask for delivery through `exchange-outbound`; the table's
 * stream logs every message and forwards accepted ones to the areas' inbound queues.
 */
export const exchangeManifest: AreaManifest = {
  area: 'exchange',
  table: { stream: true, indexes: ['gsi1', 'gsi2'] },
  queues: [
    // Areas ask for delivery to another province by sending an envelope with `recipient` here.
    { name: 'exchange-outbound', visibilityTimeoutSeconds: 180, maxReceiveCount: 5, retentionDays: 14 },
    // One delivery attempt per message; retries come back delayed (up to 15 minutes).
    { name: 'exchange-delivery', visibilityTimeoutSeconds: 90, maxReceiveCount: 5, retentionDays: 14 },
  ],
  functions: [
    {
      name: 'exchange-inbox',
      description:
        'Receives signed partner messages, stores them and answers signed receipts; publishes keys',
      entry: 'functions/exchange/handlers/inbox.ts',
      memoryMb: 512,
      timeoutSeconds: 10,
      // Machine-to-machine and public by design: a message proves its sender by its signature.
      routes: [
        // Partners only, signature-checked in the handler, but reachable by anyone: its own
        // limit, below the staff routes'. Senders honour 429 and Retry-After (exchange protocol).
        {
          method: 'POST',
          path: '/exchange/v1/inbox',
          roles: [],
          public: true,
          throttle: { rate: 50, burst: 100 },
        },
        // Version 2: one signed batch of up to 98 messages per POST, the same limit per request.
        {
          method: 'POST',
          path: '/exchange/v2/inbox',
          roles: [],
          public: true,
          throttle: { rate: 50, burst: 100 },
        },
        { method: 'GET', path: '/.well-known/jwks.json', roles: [], public: true },
        { method: 'GET', path: '/exchange/v1/schemas', roles: [], public: true },
      ],
      tables: [{ table: 'exchange', access: 'readWrite' }],
      sends: [],
      secrets: ['exchange-signing-keys'],
      alarms: [
        {
          metric: 'InboxIdConflict',
          threshold: 1,
          description:
            'A partner sent a message id already received with a different body (refused with 409): a ' +
            'partner defect or tampering. Contact the partner; the original message stands.',
        },
      ],
    },
    {
      name: 'exchange-outbox',
      description: 'Turns delivery requests of the areas into numbered outbound messages',
      entry: 'functions/exchange/handlers/outbox.ts',
      memoryMb: 256,
      timeoutSeconds: 30,
      // Up to 100 requests gathered for 1 s: a partner's messages are numbered 98 to a transaction.
      queue: { queue: 'exchange-outbound', batchSize: 100, maxConcurrency: 5 },
      tables: [{ table: 'exchange', access: 'readWrite' }],
      sends: [{ queue: 'exchange-delivery', access: 'send' }],
    },
    {
      name: 'exchange-sender',
      description: 'Signs and delivers outbound messages to partner inboxes, retrying on schedule',
      entry: 'functions/exchange/handlers/sender.ts',
      memoryMb: 256,
      timeoutSeconds: 30,
      queue: { queue: 'exchange-delivery', batchSize: 5, maxConcurrency: 10 },
      tables: [{ table: 'exchange', access: 'readWrite' }],
      sends: [{ queue: 'exchange-delivery', access: 'send' }],
      secrets: ['exchange-signing-keys'],
      alarms: [
        {
          metric: 'DeliveryFailed',
          threshold: 1,
          description:
            'An exchange message was not delivered after its last attempt (or was refused by the partner). ' +
            'It is kept as failed; see docs/operations.md: check the partner, resume, replay.',
        },
        {
          metric: 'PartnerPaused',
          threshold: 1,
          description:
            "A partner's stream was paused after exhausted deliveries; its messages wait. Resume and replay " +
            'once the partner is reachable.',
        },
      ],
    },
    {
      name: 'exchange-sweeper',
      description: 'Queues delivery attempts that are due after long waits or were lost',
      entry: 'functions/exchange/handlers/sweeper.ts',
      memoryMb: 256,
      timeoutSeconds: 60,
      schedules: [
        { name: 'exchange-sweep', expression: 'rate(1 minute)', timezone: 'Asia/Shanghai', payload: {} },
      ],
      tables: [{ table: 'exchange', access: 'readWrite' }],
      sends: [{ queue: 'exchange-delivery', access: 'send' }],
    },
    {
      name: 'exchange-router',
      description:
        'Logs version 1 messages in the hash-chained log and forwards accepted messages to the areas, in batches',
      entry: 'functions/exchange/handlers/router.ts',
      memoryMb: 256,
      timeoutSeconds: 30,
      stream: {
        table: 'exchange',
        batchSize: 100,
        retryAttempts: 10,
        // Only what it acts on: messages received, and version 1 messages sent reaching their end.
        filters: [
          { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['InboundMessage'] } } } },
          {
            eventName: ['MODIFY'],
            dynamodb: {
              NewImage: { entity: { S: ['OutboundMessage'] }, status: { S: ['delivered', 'failed'] } },
            },
          },
        ],
        // Batches of one shard in parallel: forwarding needs no order, and each log append is conditional.
        parallelization: 4,
      },
      tables: [{ table: 'exchange', access: 'readWrite' }],
      sends: [
        { queue: 'registry-inbound', access: 'send' },
        { queue: 'payout-inbound', access: 'send' },
      ],
    },
    {
      name: 'exchange-operations-api',
      description: 'Partners, message log, pause/resume and replay for exchange operators',
      entry: 'functions/exchange/handlers/operations-api.ts',
      memoryMb: 256,
      timeoutSeconds: 30,
      // Partners and messages concern every county alike: province-wide staff only.
      routes: [
        { method: 'GET', path: '/v1/exchange/partners', roles: [...READERS], scope: 'province' },
        { method: 'PUT', path: '/v1/exchange/partners/{code}', roles: [...OPERATORS], scope: 'province' },
        {
          method: 'POST',
          path: '/v1/exchange/partners/{code}/actions/{action}',
          roles: [...OPERATORS],
          scope: 'province',
        },
        { method: 'GET', path: '/v1/exchange/partners/{code}/log', roles: [...READERS], scope: 'province' },
        { method: 'GET', path: '/v1/exchange/messages', roles: [...READERS], scope: 'province' },
        { method: 'GET', path: '/v1/exchange/messages/{messageId}', roles: [...READERS], scope: 'province' },
        { method: 'POST', path: '/v1/exchange/replay', roles: [...OPERATORS], scope: 'province' },
      ],
      tables: [{ table: 'exchange', access: 'readWrite' }],
      sends: [{ queue: 'exchange-delivery', access: 'send' }],
      secrets: ['cursor-key'],
    },
  ],
};
