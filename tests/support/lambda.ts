import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { lambdaContext } from '../../local/runtime/lambda-context';
import type { Observability } from '../../shared/observability';

/** A fresh Lambda context with a 10 s budget. */
export const context = () => lambdaContext('test-function', 256, Date.now() + 10_000, '33');

/** Observability that stays quiet in test output: logs silenced, metrics and tracing off. */
export const quietObservability = (): Observability => ({
  logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
  metrics: new Metrics({ serviceName: 'test', namespace: 'test' }),
  tracer: new Tracer({ serviceName: 'test', enabled: false }),
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
