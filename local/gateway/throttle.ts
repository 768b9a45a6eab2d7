import type { RouteThrottle } from '../../shared/manifest';

/** What a route's bucket says to one request. */
export type ThrottleDecision =
  | { readonly admitted: true }
  | { readonly admitted: false; readonly retryAfterSeconds: number };

export interface RouteThrottles {
  /** Takes one request from the bucket of `routeKey`, sized by `limit`. */
  take(routeKey: string, limit: RouteThrottle): ThrottleDecision;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * API Gateway's throttle, per route key, for the local gateway: a token bucket that holds
 * up to `burst` requests and refills at `rate` per second. `now` is a millisecond clock
 * (monotonic by default), injected so tests decide how much time passes.
 */
export function routeThrottles(now: () => number = () => performance.now()): RouteThrottles {
  const buckets = new Map<string, Bucket>();
  return {
    take(routeKey, { rate, burst }) {
      const at = now();
      const bucket = buckets.get(routeKey) ?? { tokens: burst, at };
      // A clock that steps back (it should not) refills nothing rather than draining.
      bucket.tokens = Math.min(burst, bucket.tokens + (Math.max(0, at - bucket.at) / 1000) * rate);
      bucket.at = at;
      buckets.set(routeKey, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { admitted: true };
      }
      // Whole seconds, as Retry-After takes them, rounded up so a retry then is admitted.
      return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / rate)) };
    },
  };
}
