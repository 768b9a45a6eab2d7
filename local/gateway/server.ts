import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { consoleAnswer } from '../../shared/console/assets';
import { negotiateLanguage } from '../../shared/http/language';
import { malformedJson, problemResponse, tooManyRequests } from '../../shared/http/problem';
import { toValidationError } from '../../shared/http/request';
import { type AreaManifest, FALLBACK_THROTTLE, throttleOf } from '../../shared/manifest';
import { DevTokenRequest, type IssuerKind, type LocalIssuer } from '../identity';
import type { FunctionRuntime } from '../runtime/function-runtime';
import { staffSignIn } from '../sign-in/staff-sign-in';
import { apiDocsAnswer } from './api-docs';
import { apiGatewayEvent, flattenClaims } from './api-event';
import { compileRoutes, matchRoute } from './routes';
import { type RouteThrottles, routeThrottles } from './throttle';

/** API Gateway's payload limit for HTTP APIs. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly [key: string]: unknown;
}

export interface GatewayOptions {
  readonly province: string;
  readonly port: number;
  readonly manifests: readonly AreaManifest[];
  readonly runtimes: ReadonlyMap<string, FunctionRuntime>;
  readonly issuer: LocalIssuer;
  readonly health: () => Promise<HealthReport>;
  readonly log: (line: string) => void;
  /**
   * The per-route limits of the deployed stage, from the manifests (default: enforced, on
   * the monotonic clock). Tests inject a clock; `false` only for harnesses that measure
   * handlers under load and must not be throttled (the benchmark, the fuzz proof).
   */
  readonly throttles?: RouteThrottles | false;
  /** The built staff console served under `/console` (default: the repository's console/dist). */
  readonly consoleDir?: string;
}

const DEFAULT_CONSOLE_DIR = new URL('../../console/dist', import.meta.url).pathname;

export interface Gateway {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

type Answer = { status: number; headers?: Record<string, string>; body?: string | Buffer };

/** API Gateway's own error answers: it, not the function, writes these bodies. */
const gatewayError = (status: number, message: string, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ message }),
});

async function readBody(request: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Turns a Lambda's answer into HTTP the way API Gateway's payload format 2.0 does. */
function fromLambda(result: unknown): Answer {
  if (result && typeof result === 'object' && 'statusCode' in result) {
    const r = result as APIGatewayProxyStructuredResultV2;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
    if (r.cookies?.length) headers['set-cookie'] = r.cookies.join(', ');
    const body =
      r.body === undefined ? undefined : r.isBase64Encoded ? Buffer.from(r.body, 'base64') : r.body;
    return { status: r.statusCode ?? 200, headers, ...(body !== undefined ? { body } : {}) };
  }
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
}

/**
 * One province's local API Gateway: routes from the manifests to the same handlers the
 * cloud runs, each route's throttle as the stage applies it, JWT checked as the authorizer
 * would, API Gateway's own answers for what it rejects itself. Adds the local-only `/health`, `/dev/token` and `/docs` (the API
 * documentation), the staff console under `/console` and the staff identity provider's
 * sign-in for it (`/dev/staff/authorize`, `/dev/staff/token`). Binds 127.0.0.1 only.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const paths = compileRoutes(options.manifests);
  const apiId = `local${options.province}`;
  const throttles = options.throttles === false ? undefined : (options.throttles ?? routeThrottles());
  const signIn = staffSignIn({ province: options.province, issuer: options.issuer });

  const route = async (request: IncomingMessage): Promise<Answer> => {
    const body = await readBody(request);
    if (body === 'too-large') return gatewayError(413, 'Request Entity Too Large');
    const method = (request.method ?? 'GET').toUpperCase();
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;

    if (path === '/health' && method === 'GET') {
      const report = await options.health();
      return {
        status: report.status === 'ok' ? 200 : 503,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(report),
      };
    }
    if (path === '/dev/token' && method === 'POST') {
      // The same problem+json answers the functions give, from the same helpers.
      const language = negotiateLanguage(request.headers['accept-language']);
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        return fromLambda(problemResponse(malformedJson(), path, language));
      }
      const parsed = DevTokenRequest.safeParse(json);
      if (!parsed.success) {
        return fromLambda(problemResponse(toValidationError(parsed.error, 'body'), path, language));
      }
      const token = await options.issuer.issue(parsed.data);
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      };
    }

    const docs = await apiDocsAnswer(method, path);
    if (docs) return docs;
    const signInAnswer = await signIn.answer(method, new URL(request.url ?? '/', 'http://localhost'), body);
    if (signInAnswer) return signInAnswer;
    const consoleFile = await consoleAnswer(method, path, {
      dir: options.consoleDir ?? DEFAULT_CONSOLE_DIR,
      settings: () => signIn.consoleSettings(),
    });
    if (consoleFile) return consoleFile;

    const match = matchRoute(paths, method, path);
    if (match.kind === 'none') return gatewayError(404, 'Not Found');
    // Before the token check, as the stage's throttle comes before the authorizer: a flood
    // of requests without valid tokens uses up its own route's bucket only.
    const limit = match.kind === 'route' ? throttleOf(match.route) : FALLBACK_THROTTLE;
    const decision = throttles?.take(match.routeKey, limit);
    if (decision && !decision.admitted) {
      const language = negotiateLanguage(request.headers['accept-language']);
      return fromLambda(problemResponse(tooManyRequests(decision.retryAfterSeconds), path, language));
    }
    const isPublic = match.kind === 'route' ? match.route.public === true : match.isPublic;
    // Each route trusts one platform, as its deployed authorizer does: citizen routes the
    // real-name platform, staff routes the staff identity provider (no route admits both).
    const accept: readonly IssuerKind[] =
      match.kind === 'route'
        ? match.route.roles.includes('citizen')
          ? ['citizen']
          : ['staff']
        : ['citizen', 'staff'];
    let claims: Record<string, string> | undefined;
    if (!isPublic) {
      const header = request.headers.authorization ?? '';
      const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      if (!token) return gatewayError(401, 'Unauthorized', { 'www-authenticate': 'Bearer' });
      try {
        claims = flattenClaims(await options.issuer.verify(token, accept));
      } catch {
        return gatewayError(401, 'Unauthorized', {
          'www-authenticate': 'Bearer error="invalid_token" error_description="the token is not valid"',
        });
      }
    }
    const runtime = options.runtimes.get(match.fn.name);
    if (!runtime) return gatewayError(500, 'Internal Server Error');
    const event = apiGatewayEvent({
      request,
      body,
      routeKey: match.routeKey,
      pathParameters: match.pathParameters,
      apiId,
      ...(claims ? { claims } : {}),
    });
    try {
      const answer = fromLambda(await runtime.invoke(event));
      return { ...answer, headers: { ...answer.headers, 'apigw-requestid': event.requestContext.requestId } };
    } catch (error) {
      options.log(`${match.fn.name} failed: ${(error as Error).name}: ${(error as Error).message}`);
      return (error as Error).name === 'Sandbox.Timedout'
        ? gatewayError(503, 'Service Unavailable')
        : gatewayError(500, 'Internal Server Error');
    }
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    route(request)
      .catch((error: unknown) => {
        options.log(`gateway error: ${(error as Error).message}`);
        return gatewayError(500, 'Internal Server Error');
      })
      .then((answer) => {
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body);
      });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
