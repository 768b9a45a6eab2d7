import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyStructuredResultV2, SQSRecord } from 'aws-lambda';
import { lambdaContext } from '../../local/runtime/lambda-context';
import type { Observability } from '../../shared/observability';
import { tracing } from '../../shared/observability/tracing';

/** A fresh Lambda context with a 10 s budget. */
export const context = () => lambdaContext('test-function', 256, Date.now() + 10_000, '33');

/** Observability that stays quiet in test output: logs silenced, metrics and tracing off. */
export const quietObservability = (): Observability => ({
  logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
  metrics: new Metrics({ serviceName: 'test', namespace: 'test' }),
  tracing: tracing('test', false),
});

/** A handler's answer with its JSON body parsed. */
// biome-ignore lint/suspicious/noExplicitAny: assertions read response bodies field by field
export function parsed(result: unknown): { status: number; headers: Record<string, string>; body: any } {
  const r = result as APIGatewayProxyStructuredResultV2;
  return {
    status: r.statusCode ?? 0,
    headers: (r.headers ?? {}) as Record<string, string>,
    body: r.body ? JSON.parse(r.body) : undefined,
  };
}

/** An SQS record as Lambda delivers it, with the given id and body (for handlers fed directly). */
export function sqsRecord(messageId: string, body: string, queue = 'test'): SQSRecord {
  return {
    messageId,
    receiptHandle: messageId,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue}`,
    awsRegion: 'us-east-1',
  };
}
