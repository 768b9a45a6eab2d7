import type { AreaManifest, FunctionSpec, RouteSpec } from '../../shared/manifest';

export interface CompiledPath {
  readonly path: string;
  readonly pattern: RegExp;
  readonly params: readonly string[];
  readonly fn: FunctionSpec;
  readonly routes: readonly RouteSpec[];
}

export type RouteMatch =
  | {
      readonly kind: 'route';
      readonly fn: FunctionSpec;
      readonly route: RouteSpec;
      readonly routeKey: string;
      readonly pathParameters: Record<string, string>;
    }
  | {
      readonly kind: 'any';
      readonly fn: FunctionSpec;
      readonly routeKey: string;
      readonly pathParameters: Record<string, string>;
      readonly isPublic: boolean;
    }
  | { readonly kind: 'none' };

/** Compiles every manifest path, grouped per function, as API Gateway would route it. */
export function compileRoutes(manifests: readonly AreaManifest[]): CompiledPath[] {
  const byPath = new Map<string, CompiledPath>();
  for (const fn of manifests.flatMap((m) => m.functions)) {
    for (const route of fn.routes ?? []) {
      const existing = byPath.get(route.path);
      if (existing && existing.fn !== fn) throw new Error(`path ${route.path} served by two functions`);
      const params: string[] = [];
      const source = route.path
        .split('/')
        .map((segment) => {
          const m = /^\{(\w+)(\+)?\}$/.exec(segment);
          if (!m) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          params.push(m[1] as string);
          return m[2] ? '(.+)' : '([^/]+)';
        })
        .join('/');
      byPath.set(route.path, {
        path: route.path,
        pattern: new RegExp(`^${source}$`),
        params,
        fn,
        routes: [...(existing?.routes ?? []), route],
      });
    }
  }
  return [...byPath.values()];
}

/** Percent-decodes a path segment; a malformed escape is passed on as written for the handler to refuse. */
function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * Matches a request like API Gateway: the most specific path wins (fewest parameters),
 * a route for the exact method gives its own route key, otherwise the function's `ANY`
 * route for that path takes it so the function can answer 405.
 */
export function matchRoute(paths: readonly CompiledPath[], method: string, rawPath: string): RouteMatch {
  const candidates = paths
    .map((p) => ({ p, m: p.pattern.exec(rawPath) }))
    .filter((c): c is { p: CompiledPath; m: RegExpExecArray } => c.m !== null)
    .sort((a, b) => a.p.params.length - b.p.params.length);
  const hit = candidates[0];
  if (!hit) return { kind: 'none' };
  const pathParameters: Record<string, string> = {};
  hit.p.params.forEach((name, i) => {
    pathParameters[name] = decodeSegment(hit.m[i + 1] ?? '');
  });
  const route = hit.p.routes.find((r) => r.method === method);
  if (route)
    return { kind: 'route', fn: hit.p.fn, route, routeKey: `${method} ${hit.p.path}`, pathParameters };
  return {
    kind: 'any',
    fn: hit.p.fn,
    routeKey: `ANY ${hit.p.path}`,
    pathParameters,
    isPublic: hit.p.routes.every((r) => r.public === true),
  };
}
