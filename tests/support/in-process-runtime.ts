import type { Context } from 'aws-lambda';
import type { FunctionRuntime } from '../../local/runtime/function-runtime';
import type { FunctionSpec } from '../../shared/manifest';
import { context } from './lambda';

/**
 * Runs a handler in the test's own process behind the local cloud's runtime interface, so
 * the real pollers can feed handlers built with test dependencies.
 */
export function inProcessRuntime(
  spec: FunctionSpec,
  handler: (event: never, context: Context) => Promise<unknown>,
): FunctionRuntime & { invocations: number } {
  const runtime = {
    spec,
    invocations: 0,
    async invoke(event: unknown) {
      runtime.invocations++;
      return handler(event as never, context());
    },
    async stop() {},
  };
  return runtime;
}

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
