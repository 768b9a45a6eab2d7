import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboxRepository } from '../domain/ports';
import { outboxPut } from './outbox';

export type { OutboxRepository } from '../domain/ports';

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
