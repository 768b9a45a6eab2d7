import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * The SQS client, one per cold start; `AWS_ENDPOINT_URL_SQS` points it at the emulator
 * locally. Kept apart from the DynamoDB clients so a publisher bundles only what it uses.
 */
export function sqsClient(): SQSClient {
  return new SQSClient({ maxAttempts: 5 });
}
