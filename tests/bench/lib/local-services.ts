/**
 * The parts of the local cloud a benchmark needs, started for this run only: DynamoDB
 * Local and the SQS emulator on loopback, and a province's tables and queues provisioned
 * from the manifests exactly as `npm start` provisions them.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { manifests } from '../../../functions/manifests';
import { localClientConfig } from '../../../local/services/clients';
import { startDynamoDbLocal } from '../../../local/services/dynamodb-local';
import type { RunningService } from '../../../local/services/ports';
import { type ProvinceResources, provisionProvince } from '../../../local/services/provision';
import { startSqsLocal } from '../../../local/services/sqs-local';
import { documentClient } from '../../../shared/aws/dynamodb';

export interface BenchServices {
  readonly dynamodb: DynamoDBClient;
  readonly documents: ReturnType<typeof documentClient>;
  readonly sqs: SQSClient;
  readonly endpoints: { readonly dynamodb: string; readonly sqs: string };
  provision(province: string): Promise<ProvinceResources>;
  stop(): Promise<void>;
}

/** Starts DynamoDB Local and the SQS emulator; `stop()` ends both. */
export async function startBenchServices(): Promise<BenchServices> {
  const started: RunningService[] = [];
  try {
    const ddb = await startDynamoDbLocal({ port: 0 });
    started.push(ddb);
    const sqsService = await startSqsLocal({ port: 0 });
    started.push(sqsService);
    // One attempt: a benchmark should see a failure, not hide it behind retries.
    const dynamodb = new DynamoDBClient({ ...localClientConfig(ddb.endpoint), maxAttempts: 1 });
    const sqs = new SQSClient(localClientConfig(sqsService.endpoint));
    return {
      dynamodb,
      documents: documentClient(dynamodb),
      sqs,
      endpoints: { dynamodb: ddb.endpoint, sqs: sqsService.endpoint },
      provision: (province) => provisionProvince({ province, dynamodb, sqs, manifests }),
      async stop() {
        dynamodb.destroy();
        sqs.destroy();
        for (const s of started.reverse()) await s.stop();
      },
    };
  } catch (error) {
    for (const s of started.reverse()) await s.stop();
    throw error;
  }
}
