import type { AreaManifest } from '../../shared/manifest';

/** Payout: schemes, enrolments, payout batches; keeps its own projection of registry facts. */
export const payoutManifest: AreaManifest = {
  area: 'payout',
  table: { stream: true, indexes: ['gsi1'] },
  queues: [{ name: 'payout-inbound', visibilityTimeoutSeconds: 180, maxReceiveCount: 5, retentionDays: 14 }],
  functions: [
    {
      name: 'payout-inbound-consumer',
      description: 'Applies registry and exchange events to the person facts payout relies on',
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
      tables: [{ table: 'payout', access: 'read' }],
      sends: [],
    },
  ],
};
