import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type {
  Context,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { type Observability, observability } from '../observability';

type Source = { sqs: [SQSEvent, SQSRecord]; stream: [DynamoDBStreamEvent, DynamoDBRecord] };

export interface BatchHandlerOptions<K extends keyof Source> {
  readonly service: string;
  readonly source: K;
  /**
   * Handles one record; a throw marks only that record failed (retried, then DLQ). The
   * invocation's context tells how long it may still run.
   */
  readonly record: (record: Source[K][1], context: Context) => Promise<void>;
  readonly observability?: Observability;
}

/**
 * A queue or table-stream consumer that reports partial batch failures, so one bad
 * record never makes the good ones in its batch run again. Stream records are handled in
 * order (a later change must not overtake an earlier one); queue records in parallel.
 */
export function batchHandler<K extends keyof Source>(options: BatchHandlerOptions<K>) {
  const { logger, metrics, tracing } = options.observability ?? observability(options.service);
  const eventType = options.source === 'sqs' ? EventType.SQS : EventType.DynamoDBStreams;
  const recordHandler = async (record: Source[K][1], context: Context) => {
    try {
      await options.record(record, context);
      metrics.addMetric('RecordsProcessed', MetricUnit.Count, 1);
    } catch (error) {
      metrics.addMetric('RecordsFailed', MetricUnit.Count, 1);
      logger.warn('record failed', { error: error as Error });
      throw error;
    }
  };
  return middy(
    async (event: Source[K][0], context: Context): Promise<SQSBatchResponse> =>
      processPartialResponse(event, recordHandler as never, new BatchProcessor(eventType), {
        context,
        processInParallel: options.source === 'sqs',
      }),
  )
    .use(tracing)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}
