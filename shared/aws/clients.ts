import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * SDK clients, one per cold start. `AWS_ENDPOINT_URL_*` (a standard SDK setting) points
 * them at DynamoDB Local and the SQS emulator in the local cloud; in AWS it is unset.
 */
export function dynamoDbClient(): DynamoDBClient {
  return new DynamoDBClient({ maxAttempts: 5 });
}

export function documentClient(client: DynamoDBClient = dynamoDbClient()): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export function sqsClient(): SQSClient {
  return new SQSClient({ maxAttempts: 5 });
}
