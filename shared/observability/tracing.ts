import type { MiddlewareObj, Request } from '@middy/core';

/**
 * Whether the Powertools tracer would trace in this process, by its own rule: not when
 * POWERTOOLS_TRACE_ENABLED is "false", and only inside a Lambda execution environment
 * that is not the SAM or Amplify emulator. In AWS (active tracing, no override) it is on.
 */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if ((env.POWERTOOLS_TRACE_ENABLED ?? '').toLowerCase() === 'false') return false;
  const executionEnv = env.AWS_EXECUTION_ENV ?? '';
  return executionEnv !== '' && executionEnv !== 'AWS_Lambda_amplify-mock' && !env.AWS_SAM_LOCAL;
}

/**
 * The tracer's handler middleware (X-Ray segment per invocation, HTTP calls captured,
 * response not captured). The tracer and the X-Ray SDK under it (about 120 KB) are
 * imported only when tracing is on, starting when the handler is built so the import
 * overlaps the rest of the cold start. When tracing is off: no middleware (middy refuses
 * an empty one), nothing loaded.
 */
export function tracing(serviceName: string, enabled: boolean = tracingEnabled()): MiddlewareObj[] {
  if (!enabled) return [];
  const loading = Promise.all([
    import('@aws-lambda-powertools/tracer'),
    import('@aws-lambda-powertools/tracer/middleware'),
  ]).then(([{ Tracer }, { captureLambdaHandler }]) =>
    captureLambdaHandler(new Tracer({ serviceName }), { captureResponse: false }),
  );
  // Surfaces at the first invocation's `before`, not as an unhandled rejection at init.
  loading.catch(() => undefined);
  return [
    {
      before: async (request: Request) => (await loading).before?.(request),
      after: async (request: Request) => (await loading).after?.(request),
      onError: async (request: Request) => (await loading).onError?.(request),
    },
  ];
}
