import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { redactingReplacer } from './redact';

export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracer: Tracer;
}

/**
 * Logger (JSON, redacting), metrics (CloudWatch EMF) and tracer (X-Ray) for one function.
 * Built once per cold start. Locally the tracer is off (no X-Ray daemon) and metrics are
 * silenced through POWERTOOLS_* variables the local cloud sets.
 */
export function observability(serviceName: string): Observability {
  return {
    logger: new Logger({ serviceName, jsonReplacerFn: redactingReplacer }),
    metrics: new Metrics({ serviceName, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'jiahe' }),
    tracer: new Tracer({ serviceName }),
  };
}
