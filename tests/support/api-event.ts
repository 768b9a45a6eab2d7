import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { CITIZEN_ISSUER_ENV, STAFF_ISSUER_ENV } from '../../shared/http/claims';

export interface EventInput {
  readonly method: string;
  /** Route key path template, e.g. `/v1/persons/{personId}`. */
  readonly route: string;
  /** Concrete path; defaults to the template. */
  readonly path?: string;
  readonly pathParameters?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Verified claims as API Gateway passes them; omit for an unauthenticated call. */
  readonly claims?: Record<string, string>;
  /** Use the function's ANY route (a method the path does not serve). */
  readonly viaAnyRoute?: boolean;
}

/** An API Gateway HTTP API (payload 2.0) event, as the gateway would deliver it. */
export function apiEvent(input: EventInput): APIGatewayProxyEventV2WithJWTAuthorizer {
  const routeKey = `${input.viaAnyRoute ? 'ANY' : input.method} ${input.route}`;
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: input.path ?? input.route,
    rawQueryString: '',
    headers: { host: 'api.test', ...input.headers },
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: input.claims ?? {}, scopes: [] } },
      domainName: 'api.test',
      domainPrefix: 'api',
      http: {
        method: input.method,
        path: input.path ?? input.route,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(input.body !== undefined ? { body: input.body } : {}),
    isBase64Encoded: false,
  };
}

/** The issuers the test environment trusts (vitest.config.ts sets them; the proof suite its own). */
const issuer = (kind: 'citizen' | 'staff'): string => {
  const value = process.env[kind === 'citizen' ? CITIZEN_ISSUER_ENV : STAFF_ISSUER_ENV];
  if (!value) throw new Error(`no ${kind} issuer in the test environment`);
  return value;
};

/**
 * Claims of a staff member from the staff identity provider, flattened the way HTTP APIs
 * pass them, issued now.
 */
export const staffClaims = (sub: string, roles: string[], region?: string): Record<string, string> => ({
  sub,
  iss: issuer('staff'),
  iat: String(Math.floor(Date.now() / 1000)),
  roles: `[${roles.join(' ')}]`,
  ...(region ? { region } : {}),
});

/** Claims of a citizen signed in at the real-name platform, carrying the verified resident ID. */
export const citizenClaims = (sub: string, residentId: string): Record<string, string> => ({
  sub,
  iss: issuer('citizen'),
  iat: String(Math.floor(Date.now() / 1000)),
  resident_id: residentId,
});
