import type { AreaManifest } from '../../shared/manifest';

/**
 * Exchange: signed notifications between provinces. Its table exists from the start so
 * the message log is in place before the inbox and sender functions are added.
 */
export const exchangeManifest: AreaManifest = {
  area: 'exchange',
  table: { stream: false, indexes: ['gsi1'] },
  // Areas ask for delivery to another province by sending an envelope with `recipient` here.
  queues: [
    { name: 'exchange-outbound', visibilityTimeoutSeconds: 180, maxReceiveCount: 5, retentionDays: 14 },
  ],
  functions: [],
};
