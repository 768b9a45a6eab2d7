import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import { redactingReplacer } from './redact';
import { tracing } from './tracing';

export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** X-Ray tracing of each invocation; no middleware (nothing loaded) when tracing is off. */
  readonly tracing: MiddlewareObj[];
}

/**
 * Logger (JSON, redacting), metrics (CloudWatch EMF) and tracing (X-Ray) for one function.
 * Built once per cold start. Locally tracing is off (no X-Ray daemon) and metrics are
 * silenced through POWERTOOLS_* variables the local cloud sets.
 */
export function observability(serviceName: string): Observability {
  return {
    logger: new Logger({ serviceName, jsonReplacerFn: redactingReplacer }),
    metrics: new Metrics({ serviceName, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'jiahe' }),
    tracing: tracing(serviceName),
  };
}
