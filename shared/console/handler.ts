import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { province, requiredEnv } from '../aws/config';
import { initOnce } from '../aws/lazy-handler';
import { HttpError, problemResponse } from '../http/problem';
import { STAFF_ISSUER_ENV } from '../manifest';
import { observability } from '../observability';
import { type ConsoleAnswer, consoleAnswer, consoleCsp } from './assets';
import { CONSOLE_CLIENT_ID_ENV } from './manifest';
import { discoverConsoleSignIn } from './sign-in-settings';

/** Where the bundle carries the built console (`files` in ./manifest.ts). */
const DIST = join(dirname(fileURLToPath(import.meta.url)), 'console');

/** Text worth compressing: API Gateway passes bodies through as they are. */
const COMPRESSIBLE = /^(text\/|application\/json|image\/svg\+xml)/;

/**
 * The answer as API Gateway wants it: binary bodies base64-encoded, text gzipped for
 * browsers that accept it (the first load is counted gzipped in the console's budget).
 */
export function toProxyResult(answer: ConsoleAnswer, acceptEncoding = ''): APIGatewayProxyStructuredResultV2 {
  const headers = { ...answer.headers };
  if (answer.body === undefined) return { statusCode: answer.status, headers };
  let body = Buffer.from(answer.body);
  if (COMPRESSIBLE.test(headers['content-type'] ?? '') && /\bgzip\b/.test(acceptEncoding)) {
    body = gzipSync(body);
    headers['content-encoding'] = 'gzip';
    headers.vary = 'accept-encoding';
  }
  return { statusCode: answer.status, headers, body: body.toString('base64'), isBase64Encoded: true };
}

const { logger } = observability('console-assets');

const signInUnavailable = () =>
  new HttpError(503, 'sign-in-unavailable', 'Service Unavailable', {
    en: 'The staff sign-in cannot be reached just now. Try again in a minute.',
    zh: '暂时无法连接工作人员登录服务，请稍后重试。',
  });

/**
 * Serves the staff console under `/console` on the API's own origin: no second domain to
 * file for ICP, no CORS, and a CSP of `'self'` plus the staff identity provider's token
 * endpoint. The sign-in settings come from the issuer's discovery document, read once per
 * cold start (and again after a failure, which answers 503 meanwhile).
 */
const serve = initOnce(async () => {
  const signIn = await discoverConsoleSignIn({
    province: province(),
    issuer: requiredEnv(STAFF_ISSUER_ENV),
    clientId: requiredEnv(CONSOLE_CLIENT_ID_ENV),
  });
  const csp = consoleCsp([new URL(signIn.tokenEndpoint).origin]);
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const answer = await consoleAnswer(event.requestContext.http.method, event.rawPath, {
      dir: DIST,
      settings: () => signIn,
      csp,
    });
    return toProxyResult(answer ?? { status: 404 }, event.headers['accept-encoding']);
  };
});

export const handler: typeof serve = (event, context) =>
  serve(event, context).catch((error: unknown) => {
    logger.error('the staff console cannot serve', { error });
    return problemResponse(signInUnavailable(), event.rawPath);
  });
