import type { OutboundMessage } from '../domain/ports';

/**
 * A put of an outbound message that succeeds once per key: the payout publisher sends it
 * when the item appears on the table's stream, so it leaves exactly when the change that
 * caused it is stored.
 */
export function outboxPut(table: string, message: OutboundMessage) {
  return {
    TableName: table,
    Item: { pk: `OUTBOX#${message.key}`, sk: 'OUTBOX', entity: 'Outbound', envelope: message.envelope },
    ConditionExpression: 'attribute_not_exists(pk)',
  };
}
