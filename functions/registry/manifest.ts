import type { AreaManifest } from '../../shared/manifest';

/** Registry: persons, households, birth registrations, certificates. */
export const registryManifest: AreaManifest = {
  area: 'registry',
  table: { stream: true, indexes: ['gsi1', 'gsi2'] },
  // Messages from other provinces, verified and routed here by the exchange inbox.
  queues: [
    { name: 'registry-inbound', visibilityTimeoutSeconds: 180, maxReceiveCount: 5, retentionDays: 14 },
  ],
  functions: [
    {
      name: 'registry-persons-api',
      description: 'Record, correct, search and read persons in the population register',
      entry: 'functions/registry/handlers/persons-api.ts',
      memoryMb: 512,
      timeoutSeconds: 10,
      routes: [
        { method: 'POST', path: '/v1/persons', roles: ['registrar'] },
        { method: 'GET', path: '/v1/persons', roles: ['registrar', 'auditor'] },
        { method: 'GET', path: '/v1/persons/{personId}', roles: ['registrar', 'auditor'] },
        { method: 'PATCH', path: '/v1/persons/{personId}', roles: ['registrar'] },
        { method: 'GET', path: '/v1/persons/{personId}/history', roles: ['registrar', 'auditor'] },
        { method: 'POST', path: '/v1/persons/{personId}/actions/{action}', roles: ['registrar'] },
      ],
      tables: [
        { table: 'registry', access: 'readWrite' },
        { table: 'idempotency', access: 'readWrite' },
      ],
      sends: [],
      secrets: ['resident-id-hash-key', 'person-ref-key'],
    },
    {
      name: 'registry-death-notices-api',
      description:
        'Death notices held because the sending province was not competent: list, confirm or reject',
      entry: 'functions/registry/handlers/death-notices-api.ts',
      memoryMb: 256,
      timeoutSeconds: 10,
      routes: [
        { method: 'GET', path: '/v1/held-death-notices', roles: ['registrar', 'auditor'] },
        {
          method: 'POST',
          path: '/v1/held-death-notices/{noticeId}/actions/{action}',
          roles: ['registrar'],
        },
      ],
      tables: [
        { table: 'registry', access: 'readWrite' },
        { table: 'idempotency', access: 'readWrite' },
      ],
      sends: [],
      secrets: ['cursor-key'],
    },
    {
      name: 'registry-family-api',
      description:
        'A family’s own view of the register, and the mandates (guardians, authorised relatives) to act for another',
      entry: 'functions/registry/handlers/family-api.ts',
      memoryMb: 256,
      timeoutSeconds: 10,
      routes: [
        { method: 'GET', path: '/v1/me', roles: ['citizen'] },
        { method: 'GET', path: '/v1/me/household', roles: ['citizen'] },
        { method: 'GET', path: '/v1/me/mandates', roles: ['citizen'] },
        { method: 'POST', path: '/v1/me/mandates', roles: ['citizen'] },
        { method: 'POST', path: '/v1/me/mandates/{mandateId}/actions/revoke', roles: ['citizen'] },
        { method: 'POST', path: '/v1/persons/{personId}/mandates', roles: ['registrar'] },
        { method: 'GET', path: '/v1/persons/{personId}/mandates', roles: ['registrar', 'auditor'] },
        {
          method: 'POST',
          path: '/v1/persons/{personId}/mandates/{mandateId}/actions/revoke',
          roles: ['registrar'],
        },
      ],
      tables: [{ table: 'registry', access: 'readWrite' }],
      sends: [],
      secrets: ['person-ref-key', 'cursor-key'],
    },
    {
      name: 'registry-birth-registrations-api',
      description: 'Birth registration as a service to families: submit, audit, validate, register, correct',
      entry: 'functions/registry/handlers/birth-registrations-api.ts',
      memoryMb: 512,
      timeoutSeconds: 10,
      routes: [
        { method: 'POST', path: '/v1/birth-registrations', roles: ['registrar'] },
        { method: 'GET', path: '/v1/birth-registrations', roles: ['registrar', 'auditor'] },
        { method: 'GET', path: '/v1/birth-registrations/{registrationId}', roles: ['registrar', 'auditor'] },
        {
          method: 'POST',
          path: '/v1/birth-registrations/{registrationId}/actions/{action}',
          roles: ['registrar'],
        },
        { method: 'GET', path: '/v1/me/birth-registrations', roles: ['citizen'] },
        { method: 'POST', path: '/v1/me/birth-registrations', roles: ['citizen'] },
        { method: 'GET', path: '/v1/households', roles: ['registrar', 'auditor'] },
        { method: 'GET', path: '/v1/households/{householdId}', roles: ['registrar', 'auditor'] },
      ],
      tables: [
        { table: 'registry', access: 'readWrite' },
        { table: 'idempotency', access: 'readWrite' },
      ],
      sends: [],
      secrets: ['resident-id-hash-key', 'resident-id-encryption-key', 'person-ref-key', 'cursor-key'],
    },
    {
      name: 'registry-certificates-api',
      description:
        'Certificates for families (独生子女父母光荣证, 特扶证): issue, revoke, list, public verification',
      entry: 'functions/registry/handlers/certificates-api.ts',
      memoryMb: 256,
      timeoutSeconds: 10,
      routes: [
        { method: 'POST', path: '/v1/certificates', roles: ['registrar'] },
        { method: 'GET', path: '/v1/certificates', roles: ['registrar', 'auditor'] },
        { method: 'POST', path: '/v1/certificates/{certificateId}/actions/revoke', roles: ['registrar'] },
        { method: 'GET', path: '/v1/me/certificates', roles: ['citizen'] },
        // Asking another province whether one of its certificates is valid (exchange messages).
        { method: 'POST', path: '/v1/certificates/remote-verifications', roles: ['registrar'] },
        {
          method: 'GET',
          path: '/v1/certificates/remote-verifications/{requestId}',
          roles: ['registrar', 'auditor'],
        },
        // Anyone shown a certificate may check it, without an account: the answer discloses
        // validity, kind, issue date, issuing office and a masked name only.
        // Anyone may ask, so a flood is likeliest here: the lowest limit of any named route.
        {
          method: 'GET',
          path: '/v1/public/certificates/verify',
          roles: [],
          public: true,
          throttle: { rate: 10, burst: 20 },
        },
      ],
      tables: [
        { table: 'registry', access: 'readWrite' },
        { table: 'idempotency', access: 'readWrite' },
      ],
      sends: [],
      // A citizen's family is found by their person reference (shared/http/family-scope.ts).
      secrets: ['person-ref-key', 'cursor-key'],
    },
    {
      name: 'registry-access-log-api',
      description: "Who read my record: staff reads of a family's data, for the family and for auditors",
      entry: 'functions/registry/handlers/access-log-api.ts',
      memoryMb: 256,
      timeoutSeconds: 10,
      routes: [
        { method: 'GET', path: '/v1/me/access-log', roles: ['citizen'] },
        { method: 'GET', path: '/v1/access-log', roles: ['auditor'] },
      ],
      // Writes only access entries: an auditor's look at the log is recorded too.
      tables: [{ table: 'registry', access: 'readWrite' }],
      sends: [],
      secrets: ['person-ref-key', 'cursor-key'],
    },
    {
      name: 'registry-projections',
      description:
        'Keeps households in step with their members and the statistics counters, from registry table changes',
      entry: 'functions/registry/handlers/projections.ts',
      memoryMb: 256,
      timeoutSeconds: 30,
      // The stream's second reader (the publisher is the first): Streams throttles beyond two per shard.
      stream: { table: 'registry', batchSize: 100, retryAttempts: 10 },
      tables: [{ table: 'registry', access: 'readWrite' }],
      sends: [],
    },
    {
      name: 'registry-publisher',
      description:
        'Turns registry table changes into domain events for other areas and notifications for other provinces',
      entry: 'functions/registry/handlers/publisher.ts',
      memoryMb: 256,
      timeoutSeconds: 30,
      stream: { table: 'registry', batchSize: 100, retryAttempts: 10 },
      tables: [],
      sends: [
        { queue: 'payout-inbound', access: 'send' },
        { queue: 'exchange-outbound', access: 'send' },
      ],
    },
    {
      name: 'registry-inbound-consumer',
      description:
        'Acts on notifications from other provinces (births, residence, deaths, certificate checks) and answers each',
      entry: 'functions/registry/handlers/inbound-consumer.ts',
      memoryMb: 256,
      timeoutSeconds: 30,
      queue: { queue: 'registry-inbound', batchSize: 10, maxConcurrency: 5 },
      // Answers leave through the table stream and the publisher, never from here.
      tables: [{ table: 'registry', access: 'readWrite' }],
      sends: [],
    },
    {
      name: 'registry-reports-api',
      description: 'Birth statistics by region and month for staff: aggregates only',
      entry: 'functions/registry/handlers/reports-api.ts',
      memoryMb: 256,
      timeoutSeconds: 10,
      routes: [{ method: 'GET', path: '/v1/reports/births', roles: ['registrar', 'auditor'] }],
      tables: [{ table: 'registry', access: 'read' }],
      sends: [],
    },
  ],
};
