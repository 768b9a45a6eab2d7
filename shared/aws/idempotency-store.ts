import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tableName } from './config';

/** Where first responses to idempotent POSTs are kept: the province's idempotency table. */
export function idempotencyStore(client: DynamoDBClient): DynamoDBPersistenceLayer {
  return new DynamoDBPersistenceLayer({ tableName: tableName('idempotency'), awsSdkV3Client: client });
}
