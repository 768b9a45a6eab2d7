import type { Request } from '@middy/core';
import { describe, expect, it } from 'vitest';
import { tracing, tracingEnabled } from '../../shared/observability/tracing';

describe('tracingEnabled', () => {
  const lambda = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x' };

  it('is on in a Lambda execution environment unless switched off, as the tracer decides', () => {
    expect(tracingEnabled(lambda)).toBe(true);
    expect(tracingEnabled({ ...lambda, POWERTOOLS_TRACE_ENABLED: 'true' })).toBe(true);
    expect(tracingEnabled({ ...lambda, POWERTOOLS_TRACE_ENABLED: 'FALSE' })).toBe(false);
  });

  it('is off outside Lambda and under the SAM and Amplify emulators', () => {
    expect(tracingEnabled({})).toBe(false);
    expect(tracingEnabled({ ...lambda, AWS_SAM_LOCAL: 'true' })).toBe(false);
    expect(tracingEnabled({ AWS_EXECUTION_ENV: 'AWS_Lambda_amplify-mock' })).toBe(false);
  });
});

describe('tracing', () => {
  it('adds no middleware when tracing is off', () => {
    expect(tracing('svc', false)).toEqual([]);
  });

  it('when on, loads the tracer and runs its handler middleware around the invocation', async () => {
    const middlewares = tracing('svc', true);
    expect(middlewares).toHaveLength(1);
    const [middleware] = middlewares;
    const request = { event: {}, context: {}, response: { ok: true }, error: null, internal: {} } as Request;
    await expect(middleware?.before?.(request)).resolves.toBeUndefined();
    await expect(middleware?.after?.(request)).resolves.toBeUndefined();
  });
});
