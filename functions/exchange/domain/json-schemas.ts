import * as z from 'zod';
import { type EventType, eventCatalog } from '../../../shared/events/catalog';
import { BatchReceipt } from './batch-receipt';
import { ExchangeMessage } from './envelope';
import { PROTOCOL_TYPES } from './partner';
import { Receipt } from './receipt';

/**
 * The JSON Schemas (draft 2020-12) partners implement against: the envelope, the receipts
 * (of a message, and of a version 2 batch), and the `data` of each message type. Generated from the same zod schemas the inbox
 * validates with, so the published contract cannot drift from what is enforced.
 * They describe what a reader accepts (`io: 'input'`): no `additionalProperties: false`,
 * because a reader ignores members it does not know (docs/exchange-protocol.md §12), as
 * the inbox does.
 */
const toJsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

export function protocolJsonSchemas(): {
  envelope: unknown;
  receipt: unknown;
  batchReceipt: unknown;
  data: Record<string, unknown>;
} {
  const data: Record<string, unknown> = {};
  for (const type of PROTOCOL_TYPES) {
    data[type] = toJsonSchema(eventCatalog[type as EventType]);
  }
  return {
    envelope: toJsonSchema(ExchangeMessage),
    receipt: toJsonSchema(Receipt),
    batchReceipt: toJsonSchema(BatchReceipt),
    data,
  };
}
