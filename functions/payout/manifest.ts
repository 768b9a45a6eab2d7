import type { AreaManifest, RouteSpec } from '../../shared/manifest';

const STAFF = ['payout-officer', 'payout-approver'] as const;
const READERS = ['payout-officer', 'payout-approver', 'auditor'] as const;

/** Both ways a pain.002 arrives (imported by an officer, fetched from the bank) alarm on a refused one. */
const BANK_REPORT_REFUSED = {
  metric: 'BankReportRefused',
  threshold: 1,
  description:
    'A pain.002 status report was refused: not signed by the bank, or not an answer to a file this ' +
    'province sent. Nothing was changed. See docs/operations.md (refused bank reports).',
};

const enrollmentRoutes: RouteSpec[] = [
  // Counter enrolment by officers; citizens apply in the app for their own family only.
  { method: 'POST', path: '/v1/enrollments', roles: ['payout-officer'] },
  { method: 'POST', path: '/v1/me/enrollments', roles: ['citizen'] },
  { method: 'GET', path: '/v1/enrollments', roles: [...READERS] },
  { method: 'GET', path: '/v1/enrollments/{enrollmentId}', roles: [...READERS] },
  // Approval needs payout-approver and a second person (the handler and domain check both).
  { method: 'POST', path: '/v1/enrollments/{enrollmentId}/actions/{action}', roles: [...STAFF] },
  // An officer reverses a suspension another province's death notice caused, with a reason.
  {
    method: 'POST',
    path: '/v1/enrollments/{enrollmentId}/death-notice-reversal',
    roles: ['payout-officer'],
  },
  { method: 'POST', path: '/v1/enrollments/{enrollmentId}/account-changes', roles: [...STAFF] },
  // Confirming needs payout-approver and someone other than the requester; either role may reject.
  {
    method: 'POST',
    path: '/v1/enrollments/{enrollmentId}/account-changes/{changeId}/{decision}',
    roles: [...STAFF],
  },
  { method: 'GET', path: '/v1/me/benefits', roles: ['citizen'] },
  { method: 'GET', path: '/v1/me/enrollments/{enrollmentId}/account-changes', roles: ['citizen'] },
  { method: 'POST', path: '/v1/me/enrollments/{enrollmentId}/account-changes', roles: ['citizen'] },
  {
    method: 'POST',
    path: '/v1/me/enrollments/{enrollmentId}/account-changes/{changeId}/confirm',
    roles: ['citizen'],
  },
];

const batchRoutes: RouteSpec[] = [
  { method: 'GET', path: '/v1/payout-batches', roles: [...READERS] },
  { method: 'POST', path: '/v1/payout-batches', roles: ['payout-officer'] },
  { method: 'GET', path: '/v1/payout-batches/{batchId}', roles: [...READERS] },
  { method: 'GET', path: '/v1/payout-batches/{batchId}/payments', roles: [...READERS] },
  { method: 'POST', path: '/v1/payout-batches/{batchId}/actions/{action}', roles: [...STAFF] },
  { method: 'GET', path: '/v1/payout-batches/{batchId}/payment-file', roles: [...STAFF] },
  { method: 'POST', path: '/v1/payout-batches/{batchId}/status-reports', roles: ['payout-officer'] },
  { method: 'GET', path: '/v1/reports/payouts', roles: [...READERS] },
];

/** Payout: schemes, enrolments, payout batches; keeps its own projection of registry facts. */
export const payoutManifest: AreaManifest = {
  area: 'payout',
  table: {
    stream: true,
    indexes: ['gsi1', 'gsi2', 'gsi3', 'gsi4'],
    // Payment lines by enrolment: lines change state up to three times each, and a keys-only
    // index takes a write only when a line is added.
    keysOnly: ['gsi4'],
    // Reads of decrypted accounts (functions/payout/domain/decrypted-reads.ts): an audit record.
    appendOnly: [{ prefix: 'DECRYPTED-READS#', writers: ['payout-batches-api'] }],
  },
  queues: [
    { name: 'payout-inbound', visibilityTimeoutSeconds: 180, maxReceiveCount: 5, retentionDays: 14 },
    // One message per approved batch; a worker that dies mid-batch leaves it to be redelivered.
    { name: 'payout-payments', visibilityTimeoutSeconds: 300, maxReceiveCount: 10, retentionDays: 14 },
    // One message per batch the schedule asks for: (scheme, period, region).
    { name: 'payout-planning', visibilityTimeoutSeconds: 360, maxReceiveCount: 5, retentionDays: 14 },
  ],
  functions: [
    {
      name: 'payout-inbound-consumer',
      description:
        'Applies registry and exchange events to payout facts, enrolments and cross-province claims',
      entry: 'functions/payout/handlers/inbound-consumer.ts',
      memoryMb: 256,
      timeoutSeconds: 30,
      queue: { queue: 'payout-inbound', batchSize: 10, maxConcurrency: 10 },
      tables: [{ table: 'payout', access: 'readWrite' }],
      sends: [],
    },
    {
      name: 'payout-person-facts-api',
      description: 'Shows payout staff the registry facts a payout decision rests on',
      entry: 'functions/payout/handlers/person-facts-api.ts',
      memoryMb: 256,
      timeoutSeconds: 10,
      routes: [
        {
          method: 'GET',
          path: '/v1/person-facts/{personId}',
          roles: ['payout-officer', 'payout-approver', 'auditor'],
        },
      ],
      // Writes only outbox items: each read, for the registry's access log.
      tables: [{ table: 'payout', access: 'readWrite' }],
      sends: [],
    },
    {
      name: 'payout-schemes-api',
      description: 'Benefit schemes and their versioned rules, as configured',
      entry: 'functions/payout/handlers/schemes-api.ts',
      memoryMb: 256,
      timeoutSeconds: 10,
      // Schemes are published policy: anyone may read them, without an account.
      routes: [
        { method: 'GET', path: '/v1/schemes', roles: [], public: true },
        { method: 'GET', path: '/v1/schemes/{code}', roles: [], public: true },
      ],
      tables: [],
      sends: [],
      settings: ['payout-configuration'],
    },
    {
      name: 'payout-enrollments-api',
      description:
        'Enrolment in benefit schemes: application, four-eyes review, account changes, suspension, and the citizen benefits view',
      entry: 'functions/payout/handlers/enrollments-api.ts',
      memoryMb: 512,
      timeoutSeconds: 10,
      routes: enrollmentRoutes,
      tables: [
        { table: 'payout', access: 'readWrite' },
        { table: 'idempotency', access: 'readWrite' },
      ],
      sends: [],
      secrets: ['payout-fingerprint-key', 'person-ref-key', 'cursor-key'],
      fieldKeys: [{ field: 'payout/bank-account', use: 'seal-and-open' }],
      settings: ['payout-configuration'],
    },
    {
      name: 'payout-batches-api',
      description:
        'Payout batches: planning, maker-checker approval, payment file, status reports, aggregates',
      entry: 'functions/payout/handlers/batches-api.ts',
      memoryMb: 512,
      timeoutSeconds: 30,
      routes: batchRoutes,
      tables: [
        { table: 'payout', access: 'readWrite' },
        { table: 'idempotency', access: 'readWrite' },
      ],
      // The later parts of a region over the batch line cap.
      sends: [{ queue: 'payout-planning', access: 'send' }],
      fieldKeys: [{ field: 'payout/bank-account', use: 'open' }],
      secrets: ['payout-bank-ca', 'cursor-key'],
      settings: ['payout-configuration'],
      alarms: [BANK_REPORT_REFUSED],
    },
    {
      name: 'payout-planner',
      description: 'Asks for the batches due this month, one per county with beneficiaries, on a schedule',
      entry: 'functions/payout/handlers/planner.ts',
      memoryMb: 256,
      timeoutSeconds: 60,
      schedules: [
        {
          name: 'payout-monthly-planning',
          expression: 'cron(0 2 1 * ? *)',
          timezone: 'Asia/Shanghai',
          payload: {},
        },
      ],
      tables: [{ table: 'payout', access: 'read' }],
      sends: [{ queue: 'payout-planning', access: 'send' }],
      settings: ['payout-configuration'],
    },
    {
      name: 'payout-region-planner',
      description: 'Plans one batch per request of the schedule, the counties side by side',
      entry: 'functions/payout/handlers/region-planner.ts',
      memoryMb: 512,
      timeoutSeconds: 300,
      queue: { queue: 'payout-planning', batchSize: 1, maxConcurrency: 20 },
      tables: [{ table: 'payout', access: 'readWrite' }],
      // The next part of a region split by the batch line cap.
      sends: [{ queue: 'payout-planning', access: 'send' }],
      settings: ['payout-configuration'],
    },
    {
      name: 'payout-publisher',
      description: 'Sends claims and answers to the exchange and approved batches to the disbursing workers',
      entry: 'functions/payout/handlers/publisher.ts',
      memoryMb: 256,
      timeoutSeconds: 30,
      stream: { table: 'payout', batchSize: 100, retryAttempts: 10 },
      tables: [],
      sends: [
        { queue: 'exchange-outbound', access: 'send' },
        { queue: 'payout-payments', access: 'send' },
        // Staff reads of persons' data, for the registry's access log.
        { queue: 'registry-inbound', access: 'send' },
      ],
    },
    {
      name: 'payout-disburser',
      description:
        'Disburses approved batches through the bank rail: exactly one payment per scheme, period and person',
      entry: 'functions/payout/handlers/disburser.ts',
      memoryMb: 512,
      timeoutSeconds: 240,
      // County batches disburse side by side: each batch's lines live in one partition, so
      // parallel batches, not a faster loop, are what scale (docs/performance.md).
      queue: { queue: 'payout-payments', batchSize: 1, maxConcurrency: 50 },
      tables: [{ table: 'payout', access: 'readWrite' }],
      // A batch too large for one invocation is handed on to the next step as a new command.
      sends: [{ queue: 'payout-payments', access: 'send' }],
      fieldKeys: [{ field: 'payout/bank-account', use: 'open' }],
      secrets: ['payout-bank-client', 'payout-bank-ca'],
      settings: ['payout-bank-url', 'payout-configuration'],
    },
    {
      name: 'payout-bank-reports',
      description: 'Imports the bank’s later status reports (returned payments) into their batches',
      entry: 'functions/payout/handlers/bank-reports.ts',
      memoryMb: 256,
      timeoutSeconds: 60,
      schedules: [
        {
          name: 'payout-bank-reports',
          expression: 'rate(5 minutes)',
          timezone: 'Asia/Shanghai',
          payload: {},
        },
      ],
      tables: [{ table: 'payout', access: 'readWrite' }],
      sends: [],
      secrets: ['payout-bank-client', 'payout-bank-ca'],
      settings: ['payout-bank-url'],
      alarms: [BANK_REPORT_REFUSED],
    },
    {
      name: 'payout-field-rekeyer',
      description:
        'Re-seals bank accounts under the current field key (key rotation, and accounts still under the ' +
        'former secret-derived key); run by an operator, resumable, idempotent',
      entry: 'functions/payout/handlers/field-rekeyer.ts',
      memoryMb: 512,
      timeoutSeconds: 900,
      // No trigger: an operator invokes it (docs/operations.md, key rotation) until it reports done.
      tables: [{ table: 'payout', access: 'readWrite' }],
      sends: [],
      // The former key only opens accounts sealed before envelope encryption, to re-seal them.
      secrets: ['payout-encryption-key'],
      fieldKeys: [{ field: 'payout/bank-account', use: 'seal-and-open' }],
    },
  ],
};
