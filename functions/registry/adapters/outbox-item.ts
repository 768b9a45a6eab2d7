import type { OutboxMessage } from '../domain/outbox';

/** Outbox items are kept 30 days (the exchange keeps its own log), then expire by TTL. */
const KEEP_SECONDS = 30 * 86_400;

/**
 * The table item of a message for another province. Keyed by id and recipient, since one
 * id may go to two provinces; written once, in the transaction of the change it reports.
 */
export const outboxItem = (message: OutboxMessage) => ({
  pk: `OUTBOX#${message.messageId}#${message.recipient}`,
  sk: 'OUTBOX',
  entity: 'Outbox',
  ...message,
  expiresAt: Math.floor(Date.parse(message.createdAt) / 1000) + KEEP_SECONDS,
});

/** The message of a stored outbox item. */
export function toOutboxMessage(item: Record<string, unknown>): OutboxMessage {
  const { pk: _pk, sk: _sk, entity: _e, expiresAt: _x, ...message } = item;
  return message as unknown as OutboxMessage;
}
