import * as z from 'zod';
import { type EventType, eventCatalog } from '../../../shared/events/catalog';
import { ExchangeMessage } from './envelope';
import { PROTOCOL_TYPES } from './partner';
import { Receipt } from './receipt';

/**
 * The JSON Schemas (draft 2020-12) partners implement against: the envelope, the receipt,
 * and the `data` of each message type. Generated from the same zod schemas the inbox
 * validates with, so the published contract cannot drift from what is enforced.
 */
export function protocolJsonSchemas(): {
  envelope: unknown;
  receipt: unknown;
  data: Record<string, unknown>;
} {
  const data: Record<string, unknown> = {};
  for (const type of PROTOCOL_TYPES) {
    data[type] = z.toJSONSchema(eventCatalog[type as EventType], { unrepresentable: 'any' });
  }
  return {
    envelope: z.toJSONSchema(ExchangeMessage, { unrepresentable: 'any' }),
    receipt: z.toJSONSchema(Receipt, { unrepresentable: 'any' }),
    data,
  };
}
