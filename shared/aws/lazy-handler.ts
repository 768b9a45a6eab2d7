import type { Context } from 'aws-lambda';

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

/**
 * Builds a handler's dependencies once per cold start, on the first invocation rather
 * than at import, so importing a handler module (in a test or the local cloud) has no
 * side effects. A failed build is retried on the next invocation instead of poisoning
 * the container.
 */
export function initOnce<E, R>(build: () => Promise<Handler<E, R>> | Handler<E, R>): Handler<E, R> {
  let ready: Promise<Handler<E, R>> | undefined;
  return async (event, context) => {
    ready ??= Promise.resolve()
      .then(build)
      .catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
    return (await ready)(event, context);
  };
}
