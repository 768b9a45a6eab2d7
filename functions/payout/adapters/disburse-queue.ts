import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DisburseCommand } from '../schemas';

/**
 * The `payout-payments` queue as a disbursing step hands a batch on: a new disbursement
 * command, the same one the publisher sends when a batch is approved.
 */
export const sqsDisburseQueue =
  (sqs: SQSClient, queueUrl: string) =>
  async (batchId: string): Promise<void> => {
    const command: DisburseCommand = { batchId };
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(command) }));
  };
