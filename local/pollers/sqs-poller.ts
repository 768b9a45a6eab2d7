import { createHash } from 'node:crypto';
import {
  DeleteMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { FunctionRuntime } from '../runtime/function-runtime';
import { LOCAL_REGION } from '../services/clients';

export interface SqsPollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly batchSize: number;
  /** Parallel receive loops, like Lambda's pollers bounded by maximum concurrency. */
  readonly concurrency: number;
  readonly runtime: FunctionRuntime;
  readonly log: (line: string) => void;
}

export interface Poller {
  stop(): Promise<void>;
}

function toRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  const messageAttributes: SQSRecord['messageAttributes'] = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {}) as [
    string,
    MessageAttributeValue,
  ][]) {
    messageAttributes[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined
        ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }
        : {}),
      stringListValues: [],
      binaryListValues: [],
    };
  }
  const body = message.Body ?? '';
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body,
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(attributes.MessageGroupId ? { MessageGroupId: attributes.MessageGroupId } : {}),
      ...(attributes.MessageDeduplicationId
        ? { MessageDeduplicationId: attributes.MessageDeduplicationId }
        : {}),
      ...(attributes.SequenceNumber ? { SequenceNumber: attributes.SequenceNumber } : {}),
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: LOCAL_REGION,
  };
}

/** How long a batch of more than ten gathers messages (the CDK app's batching window). */
const BATCHING_WINDOW_MS = 1_000;

/**
 * Delivers a queue to its consumer as Lambda's SQS event source mapping does: batches of
 * real SQS messages as an SQSEvent, deleting what succeeded and leaving reported
 * `batchItemFailures` (or the whole batch, if the handler throws) to reappear after the
 * visibility timeout, so the queue's redrive policy moves poison messages to the DLQ.
 */
export function startSqsPoller(options: SqsPollerOptions): Poller {
  let running = true;

  const loop = async () => {
    while (running) {
      let messages: Message[] = [];
      try {
        const receive = (wait: number) =>
          options.sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: options.queueUrl,
              MaxNumberOfMessages: Math.min(10, options.batchSize - messages.length),
              WaitTimeSeconds: wait,
              MessageSystemAttributeNames: ['All'],
              MessageAttributeNames: ['All'],
            }),
          );
        messages = (await receive(1)).Messages ?? [];
        // Batches above ten gather until they are full or the batching window has passed, as
        // Lambda does (1 s, set by the CDK app for such sources).
        const until = Date.now() + BATCHING_WINDOW_MS;
        while (
          options.batchSize > 10 &&
          messages.length > 0 &&
          messages.length < options.batchSize &&
          Date.now() < until
        ) {
          // A message whose visibility ran out meanwhile comes again: it is in the batch once.
          const taken = new Set(messages.map((m) => m.MessageId));
          messages.push(...((await receive(1)).Messages ?? []).filter((m) => !taken.has(m.MessageId)));
        }
      } catch (error) {
        if (!running) return;
        options.log(`receive failed on ${options.queueUrl}: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (messages.length === 0) continue;
      const event: SQSEvent = { Records: messages.map((m) => toRecord(m, options.queueArn)) };
      let failed: Set<string>;
      try {
        const response = (await options.runtime.invoke(event)) as SQSBatchResponse | undefined;
        failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (error) {
        options.log(
          `${options.runtime.spec.name} failed a batch of ${messages.length}: ${(error as Error).message}`,
        );
        continue;
      }
      const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
      if (done.length === 0) continue;
      try {
        for (let i = 0; i < done.length; i += 10) {
          await options.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: done
                .slice(i, i + 10)
                .map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle ?? '' })),
            }),
          );
        }
      } catch (error) {
        // The messages come back after the visibility timeout; consumers are idempotent.
        options.log(`delete failed on ${options.queueUrl}: ${(error as Error).message}`);
      }
    }
  };

  const loops = Array.from({ length: Math.max(1, options.concurrency) }, () => loop());
  return {
    // A receive is never cut short: the queue would already count the messages it took as
    // in flight, and they would stay invisible for the whole visibility timeout after a
    // restart. Each loop finishes its short poll (1 s) and the batch it got, then ends.
    async stop() {
      running = false;
      await Promise.allSettled(loops);
    },
  };
}
