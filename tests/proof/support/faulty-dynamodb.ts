import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localClientConfig } from '../../../local/services/clients';

/** An error as the DynamoDB service would answer it, so the SDK classifies it the same way. */
function serviceError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} (injected)`), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, attempts: 1, totalRetryDelay: 0 },
  });
}

/**
 * A DynamoDB client against DynamoDB Local that fails some calls before they reach the
 * table, the way throttling and transient server errors do: `rate` of calls at random,
 * and every call that names one of the `poison` strings (a defect that hits particular
 * messages until it is fixed). The SDK's own retries run on top, as in Lambda. Injected
 * here because DynamoDB Local never throttles.
 */
export function faultyDynamoDb(endpoint: string, rate: number) {
  const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 3 });
  const poison = new Set<string>();
  const injected = { throttled: 0, serverErrors: 0, poisoned: 0, calls: 0 };
  let enabled = true;
  client.middlewareStack.add(
    (next) => async (args) => {
      injected.calls++;
      const input = JSON.stringify((args as { input?: unknown }).input ?? {});
      for (const p of poison) {
        if (input.includes(p)) {
          injected.poisoned++;
          throw serviceError('InternalServerError', 500);
        }
      }
      if (enabled && Math.random() < rate) {
        if (Math.random() < 0.5) {
          injected.throttled++;
          throw serviceError('ProvisionedThroughputExceededException', 400);
        }
        injected.serverErrors++;
        throw serviceError('InternalServerError', 500);
      }
      return next(args);
    },
    // Inside the retry loop, so each attempt may fail on its own.
    { step: 'deserialize', name: 'injectFaults', priority: 'low' },
  );
  return {
    client,
    injected,
    poison,
    /** Stops random faults (the poison set stays until cleared). */
    calm: () => {
      enabled = false;
    },
  };
}
