import {
  type AreaManifest,
  type AreaName,
  FALLBACK_THROTTLE,
  type FunctionSpec,
  type HttpMethod,
  type QueueSpec,
  type RouteThrottle,
  routeAudience,
  type SecretName,
  throttleOf,
} from '../../shared/manifest';

/** One route to put on the shared HTTP API. */
export interface PlannedRoute {
  readonly method: HttpMethod | 'ANY';
  readonly path: string;
  /** `GET /v1/persons/{personId}`: the API Gateway route key. */
  readonly routeKey: string;
  /** False for public routes, and for an `ANY` fallback on a path whose routes are all public. */
  readonly authorized: boolean;
  /**
   * The JWT authorizer of an authorized route: `citizen` (the real-name platform's tokens)
   * for routes that admit citizens, `staff` (the staff identity provider's) for the rest.
   */
  readonly authorizer?: 'citizen' | 'staff';
  /** The stage's limit for this route key. */
  readonly throttle: RouteThrottle;
}

/** A manifest queue with the area that owns (consumes) it. */
export interface PlannedQueue {
  readonly area: AreaName;
  readonly spec: QueueSpec;
}

/** What the stacks need to know about all manifests together, checked for consistency. */
export interface ManifestPlan {
  readonly queues: readonly PlannedQueue[];
  readonly secrets: readonly SecretName[];
  /** Areas whose table stream feeds a function, hence need a stream failure DLQ. */
  readonly streamSubscribedAreas: readonly AreaName[];
  /** Routes by function name, including the `ANY` fallback per distinct path. */
  readonly routes: ReadonlyMap<string, readonly PlannedRoute[]>;
}

/**
 * Checks the manifests against each other and derives what the stacks build. Every rule
 * here would otherwise fail later and further away: at deploy (duplicate route keys),
 * at run time (a queue nobody created), or silently (a function reading another area's
 * table, which the design forbids).
 */
export function planManifests(manifests: readonly AreaManifest[]): ManifestPlan {
  const errors: string[] = [];
  const areas = new Set<AreaName>();
  for (const m of manifests) {
    if (areas.has(m.area)) errors.push(`area ${m.area} has more than one manifest`);
    areas.add(m.area);
  }

  const queues = manifests.flatMap((m) => m.queues.map((spec) => ({ area: m.area, spec })));
  const queueNames = new Set<string>();
  for (const { spec } of queues) {
    if (queueNames.has(spec.name)) errors.push(`queue ${spec.name} is declared more than once`);
    queueNames.add(spec.name);
  }

  for (const m of manifests) {
    // A keys-only index must be one the table has, or its projection would silently not apply.
    for (const index of m.table.keysOnly ?? [])
      if (!m.table.indexes.includes(index))
        errors.push(`${m.area}: keys-only index ${index} is not an index of the table`);
  }

  const functionNames = new Set<string>();
  const streamSubscribedAreas = new Set<AreaName>();
  const streamReaders = new Map<AreaName, string[]>();
  const secrets = new Set<SecretName>();
  for (const m of manifests) {
    for (const fn of m.functions) {
      const where = `${m.area}/${fn.name}`;
      if (functionNames.has(fn.name)) errors.push(`function name ${fn.name} is used more than once`);
      functionNames.add(fn.name);
      if (!/\.(ts|mts|js|mjs)$/.test(fn.entry)) errors.push(`${where}: entry ${fn.entry} is not a module`);
      for (const { table } of fn.tables) {
        if (table !== 'idempotency' && table !== m.area) {
          errors.push(`${where}: may not touch table ${table}; areas share data only through queues`);
        }
      }
      for (const queue of [...fn.sends.map((s) => s.queue), ...(fn.queue ? [fn.queue.queue] : [])]) {
        if (!queueNames.has(queue)) errors.push(`${where}: queue ${queue} is not declared by any manifest`);
      }
      if (fn.queue) {
        const owner = queues.find((q) => q.spec.name === fn.queue?.queue);
        if (owner && owner.area !== m.area) {
          errors.push(`${where}: consumes ${fn.queue.queue}, which belongs to ${owner.area}`);
        }
      }
      if (fn.stream) {
        if (fn.stream.table !== m.area) errors.push(`${where}: may only subscribe to its own table's stream`);
        else if (!m.table.stream) errors.push(`${where}: subscribes to ${m.area}'s stream, which is off`);
        else {
          streamSubscribedAreas.add(m.area);
          streamReaders.set(m.area, [...(streamReaders.get(m.area) ?? []), fn.name]);
        }
      }
      for (const secret of fn.secrets ?? []) secrets.add(secret);
    }
  }

  // DynamoDB Streams serves at most two simultaneous readers per shard; a third is throttled
  // and falls behind. More consumers share a reader (fan out inside it).
  for (const [area, readers] of streamReaders) {
    if (readers.length > 2)
      errors.push(
        `${area}: ${readers.length} functions read its table stream (${readers.join(', ')}); at most two`,
      );
  }

  const routes = planRoutes(manifests, errors);
  if (errors.length > 0) throw new Error(`Inconsistent function manifests:\n  - ${errors.join('\n  - ')}`);
  return {
    queues,
    secrets: [...secrets],
    streamSubscribedAreas: [...streamSubscribedAreas],
    routes,
  };
}

/**
 * The manifest routes plus, per distinct path of a function, an `ANY` route to the same
 * function so it answers 405 problem+json for methods it does not serve (as the local
 * gateway does). The `ANY` route needs a token unless every route on that path is public.
 */
function planRoutes(manifests: readonly AreaManifest[], errors: string[]): Map<string, PlannedRoute[]> {
  const byKey = new Map<string, string>();
  const pathOwner = new Map<string, string>();
  const planned = new Map<string, PlannedRoute[]>();
  const claim = (routeKey: string, fn: FunctionSpec): void => {
    const other = byKey.get(routeKey);
    if (other) errors.push(`route ${routeKey} is served by both ${other} and ${fn.name}`);
    byKey.set(routeKey, fn.name);
  };
  for (const fn of manifests.flatMap((m) => m.functions)) {
    const routes: PlannedRoute[] = [];
    const paths = new Map<string, Set<string>>();
    for (const route of fn.routes ?? []) {
      const routeKey = `${route.method} ${route.path}`;
      if (!route.path.startsWith('/')) errors.push(`${fn.name}: route path ${route.path} must start with /`);
      if (!route.public && route.roles.length === 0)
        errors.push(`${fn.name}: ${routeKey} is neither public nor role-restricted`);
      // Citizens and staff sign in at different issuers, checked by different authorizers;
      // a route can sit behind one of them only.
      if (route.roles.includes('citizen') && route.roles.some((role) => role !== 'citizen'))
        errors.push(`${fn.name}: ${routeKey} admits both citizens and staff; split it into two routes`);
      if (route.throttle && !validThrottle(route.throttle))
        errors.push(`${fn.name}: ${routeKey} has a throttle that is not a positive rate within its burst`);
      claim(routeKey, fn);
      const audience = routeAudience(route);
      routes.push({
        method: route.method,
        path: route.path,
        routeKey,
        authorized: audience !== 'public',
        ...(audience === 'public' ? {} : { authorizer: audience }),
        throttle: throttleOf(route),
      });
      const kinds = paths.get(route.path) ?? new Set<string>();
      kinds.add(audience);
      paths.set(route.path, kinds);
    }
    for (const [path, audiences] of paths) {
      const owner = pathOwner.get(path);
      if (owner)
        errors.push(
          `path ${path} is served by both ${owner} and ${fn.name}; its ANY fallback needs one owner`,
        );
      pathOwner.set(path, fn.name);
      const routeKey = `ANY ${path}`;
      claim(routeKey, fn);
      // The fallback only answers 405; it takes the citizens' authorizer where every route on
      // the path is theirs, the staff's where any is, and none where all are public.
      const authorizer = audiences.has('staff') ? 'staff' : audiences.has('citizen') ? 'citizen' : undefined;
      routes.push({
        method: 'ANY',
        path,
        routeKey,
        authorized: authorizer !== undefined,
        ...(authorizer ? { authorizer } : {}),
        throttle: FALLBACK_THROTTLE,
      });
    }
    planned.set(fn.name, routes);
  }
  return planned;
}

/** A rate API Gateway accepts: positive, finite, and no more than the burst. */
const validThrottle = ({ rate, burst }: RouteThrottle): boolean =>
  Number.isFinite(rate) && rate > 0 && Number.isInteger(burst) && burst >= 1 && rate <= burst;
