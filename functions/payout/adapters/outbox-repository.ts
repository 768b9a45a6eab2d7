import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboundMessage } from '../domain/ports';
import { outboxPut } from './outbox';

export interface OutboxRepository {
  /** Stores each message once per key; a repeat (a retried inbound message) changes nothing. */
  put(messages: readonly OutboundMessage[]): Promise<void>;
}

export function dynamoOutboxRepository(db: DynamoDBDocumentClient, table: string): OutboxRepository {
  return {
    async put(messages) {
      for (const message of messages) {
        try {
          await db.send(new PutCommand(outboxPut(table, message)));
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }
    },
  };
}
