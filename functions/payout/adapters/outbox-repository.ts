import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { writtenIfCondition } from '../../../shared/aws/conditional-write';
import type { OutboxRepository } from '../domain/ports';
import { outboxPut } from './outbox';

export type { OutboxRepository } from '../domain/ports';

export function dynamoOutboxRepository(db: DynamoDBDocumentClient, table: string): OutboxRepository {
  return {
    async put(messages) {
      for (const message of messages) {
        // Kept once: a message already there was put by an earlier delivery.
        await writtenIfCondition(db.send(new PutCommand(outboxPut(table, message))));
      }
    },
  };
}
