import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/** Rounds before giving up: the queue or the caller retries later, when the contention has passed. */
const MAX_ROUNDS = 50;

/**
 * Runs a read-decide-write round until it goes through: `round` reads what it needs, decides
 * and writes one transaction conditional on what it read. A transaction cancelled by another
 * writer (a condition no longer held, or a conflicting transaction) is not a fault here: the
 * round runs again after a short random wait, and reads the other writer's result. Any
 * other error is thrown. Answers what the last round answered.
 */
export async function untilUncontended<T>(label: string, round: () => Promise<T>): Promise<T> {
  for (let tries = 0; tries < MAX_ROUNDS; tries++) {
    try {
      return await round();
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * Math.min(tries + 1, 5)));
    }
  }
  throw new Error(`${label}: too much contention`);
}
