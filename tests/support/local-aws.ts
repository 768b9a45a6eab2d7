import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';
import { manifests } from '../../functions/manifests';
import { localClientConfig } from '../../local/services/clients';
import { type ProvinceResources, provisionProvince } from '../../local/services/provision';
import { documentClient } from '../../shared/aws/dynamodb';
import { eventually } from './in-process-runtime';

/** SDK clients for the DynamoDB Local and SQS emulator the integration run shares. */
export function localAws() {
  const dynamodb = new DynamoDBClient({ ...localClientConfig(inject('dynamodbEndpoint')), maxAttempts: 3 });
  return {
    dynamodb,
    documents: documentClient(dynamodb),
    streams: new DynamoDBStreamsClient(localClientConfig(inject('dynamodbEndpoint'))),
    sqs: new SQSClient(localClientConfig(inject('sqsEndpoint'))),
  };
}

/**
 * A province's tables and queues of its own, so test files never see each other's data.
 * Pass a two-digit code no other file uses.
 */
export async function provisionForTest(
  province: string,
): Promise<{ aws: ReturnType<typeof localAws>; resources: ProvinceResources }> {
  const aws = localAws();
  const resources = await provisionProvince({ province, dynamodb: aws.dynamodb, sqs: aws.sqs, manifests });
  return { aws, resources };
}

/** Every item of a table: for asserting that a refused request wrote nothing. */
export async function countItems(client: DynamoDBClient, table: string): Promise<number> {
  const out = await client.send(new ScanCommand({ TableName: table, Select: 'COUNT', ConsistentRead: true }));
  return out.Count ?? 0;
}

/**
 * Resolves once a queue holds no message, waiting or in flight: every message sent to it was
 * handled and deleted by its consumer. For asserting that deliveries changed nothing, without
 * guessing how long they take.
 */
export async function queueDrained(sqs: SQSClient, queueUrl: string): Promise<void> {
  await eventually(async () => {
    const { Attributes: counts = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const left =
      Number(counts.ApproximateNumberOfMessages) + Number(counts.ApproximateNumberOfMessagesNotVisible);
    return left === 0 ? true : undefined;
  });
}
