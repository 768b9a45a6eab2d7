import type { AreaManifest } from '../../shared/manifest';

/** Registry: persons, households, birth registrations, certificates. */
export const registryManifest: AreaManifest = {
  area: 'registry',
  table: { stream: true, indexes: ['gsi1', 'gsi2'] },
  queues: [],
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
      secrets: ['resident-id-hash-key'],
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
        { method: 'GET', path: '/v1/households/{householdId}', roles: ['registrar', 'auditor'] },
      ],
      tables: [
        { table: 'registry', access: 'readWrite' },
        { table: 'idempotency', access: 'readWrite' },
      ],
      sends: [],
      secrets: ['resident-id-hash-key', 'resident-id-encryption-key'],
    },
    {
      name: 'registry-publisher',
      description: 'Turns registry table changes into domain events for other areas',
      entry: 'functions/registry/handlers/publisher.ts',
      memoryMb: 256,
      timeoutSeconds: 30,
      stream: { table: 'registry', batchSize: 100, retryAttempts: 10 },
      tables: [],
      sends: [{ queue: 'payout-inbound', access: 'send' }],
    },
  ],
};
