import { describe, expect, it } from 'vitest';
import { exchangeManifest } from '../../functions/exchange/manifest';
import { matchesAny, matchesPattern } from '../../local/pollers/filter-pattern';
import { functionSpec } from '../../shared/manifest';

/** Stream records as Lambda sees them: the item images in DynamoDB JSON. */
const record = (eventName: string, image: Record<string, { S: string }>) => ({
  eventName,
  dynamodb: { NewImage: image },
});

describe('stream filter patterns in the local poller', () => {
  it('matches member by member, an array listing the allowed values', () => {
    const pattern = { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['InboundMessage'] } } } };
    expect(matchesPattern(record('INSERT', { entity: { S: 'InboundMessage' } }), pattern)).toBe(true);
    expect(matchesPattern(record('MODIFY', { entity: { S: 'InboundMessage' } }), pattern)).toBe(false);
    expect(matchesPattern(record('INSERT', { entity: { S: 'OutboundMessage' } }), pattern)).toBe(false);
    // A member the record lacks matches nothing.
    expect(matchesPattern({ eventName: 'INSERT' }, pattern)).toBe(false);
    expect(matchesAny({ anything: 1 }, undefined)).toBe(true);
  });

  it("keeps the exchange router's records: received messages and version 1 ones reaching their end", () => {
    const filters = functionSpec(exchangeManifest, 'exchange-router').stream?.filters;
    const kept = (r: unknown) => matchesAny(r, filters);
    expect(kept(record('INSERT', { entity: { S: 'InboundMessage' } }))).toBe(true);
    expect(kept(record('MODIFY', { entity: { S: 'OutboundMessage' }, status: { S: 'delivered' } }))).toBe(
      true,
    );
    expect(kept(record('MODIFY', { entity: { S: 'OutboundMessage' }, status: { S: 'pending' } }))).toBe(
      false,
    );
    // Numbering, heads, log entries and receipts never reach it.
    for (const entity of [
      'OutboundMessage',
      'StreamNumbering',
      'ReceivedBatch',
      'LogEntry',
      'DeliveryAttempt',
    ]) {
      expect(kept(record('INSERT', { entity: { S: entity } }))).toBe(false);
    }
  });
});
