/**
 * API latency: the deployed handlers (their `handler` exports: middleware, validation,
 * problem mapping, the real adapters) called in this process, warm, one request at a time,
 * against DynamoDB Local, beside a bare handler that makes the same GetItem as "get person"
 * with no middleware at all. The difference of the p99s is what jiahe's layers add.
 *
 * Logs are at WARN (INFO would write a line per request to this terminal); metrics and
 * tracing are off as in the local cloud.
 */

import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { manifests } from '../../functions/manifests';
import { dynamoAccessLog } from '../../functions/registry/adapters/access-log-repository';
import { dynamoPersonRepository } from '../../functions/registry/adapters/person-repository';
import { hmacResidentIdHasher } from '../../functions/registry/adapters/resident-id-hasher';
import { buildPersonsApi } from '../../functions/registry/handlers/persons-api';
import { lambdaContext } from '../../local/runtime/lambda-context';
import { LOCAL_REGION } from '../../local/services/clients';
import { LOCAL_FIELD_KEYS_ENV } from '../../shared/crypto/field-keys';
import { personRefOf } from '../../shared/domain/person-ref';
import {
  localSecretEnvName,
  queueEnvName,
  SECRET_NAMES,
  type TableName,
  tableEnvName,
} from '../../shared/manifest';
import { familyBirth } from '../support/birth-details';
import { residentIdFor } from '../support/resident-ids';
import { BENCH_ISSUERS } from './events';
import type { BenchServices } from './lib/local-services';
import { type Latency, latencyOf } from './lib/stats';

const PROVINCE = '22';
type Handler = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<unknown>;

export interface RouteFigure {
  readonly name: string;
  readonly route: string;
  readonly status: number;
  readonly inProcess: Latency;
  /** The bare handler, measured interleaved with this route. */
  readonly bare: Latency;
  readonly overheadP99Ms: number;
}

export interface ApiResult {
  readonly routes: RouteFigure[];
  readonly bare: Latency;
  /**
   * "get person" with its repository answering from memory, beside a bare function
   * answering the same item from memory: the middleware's own cost, without DynamoDB noise.
   */
  readonly middlewareOnly: {
    readonly route: Latency;
    readonly bare: Latency;
    readonly overheadP99Ms: number;
  };
}

/**
 * A repository whose calls are answered from memory after the first: each method's answer
 * is kept by its arguments, so the handler runs all its own code with no I/O.
 */
function memoized<T extends object>(target: T): T {
  const answers = new Map<string, unknown>();
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const key = `${String(prop)}:${JSON.stringify(args)}`;
        if (!answers.has(key)) answers.set(key, await value.apply(obj, args));
        return answers.get(key);
      };
    },
  });
}

/** Staff claims as the staff platform's JWT authorizer passes them, issued now. */
const claimsOf = (sub: string, roles: string[], region?: string) => ({
  sub,
  iss: BENCH_ISSUERS.staff,
  iat: String(Math.floor(Date.now() / 1000)),
  roles: `[${roles.join(' ')}]`,
  ...(region ? { region } : {}),
});
/** A citizen signed in at the real-name platform (a made-up resident ID). */
const citizenClaimsOf = (sub: string) => ({
  sub,
  iss: BENCH_ISSUERS.citizen,
  resident_id: '33010619900101123X',
});

/** A payload 2.0 event as API Gateway hands it over after the JWT authorizer. */
function event(input: {
  method: string;
  route: string;
  path: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  claims?: Record<string, string>;
}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const now = new Date();
  const routeKey = `${input.method} ${input.route}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: input.path,
    rawQueryString: new URLSearchParams(input.query ?? {}).toString(),
    headers: {
      host: 'api.bench',
      ...(input.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    ...(input.query ? { queryStringParameters: input.query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: input.claims ?? {}, scopes: [] } },
      domainName: 'api.bench',
      domainPrefix: 'api',
      http: {
        method: input.method,
        path: input.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'bench',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(input.body !== undefined ? { body: JSON.stringify(input.body) } : {}),
    isBase64Encoded: false,
  };
}

/** The environment the local cloud gives a function of this province, for every table, queue and secret. */
function setEnvironment(services: BenchServices, resources: Awaited<ReturnType<BenchServices['provision']>>) {
  Object.assign(process.env, {
    JIAHE_PROVINCE: PROVINCE,
    JIAHE_CITIZEN_ISSUER: BENCH_ISSUERS.citizen,
    JIAHE_STAFF_ISSUER: BENCH_ISSUERS.staff,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: services.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: services.endpoints.sqs,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    POWERTOOLS_SERVICE_NAME: 'bench',
    POWERTOOLS_METRICS_NAMESPACE: 'jiahe',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_LOG_LEVEL: 'WARN',
  });
  for (const [table, name] of Object.entries(resources.tables))
    process.env[tableEnvName(table as TableName)] = name;
  for (const [queue, address] of Object.entries(resources.queues))
    process.env[queueEnvName(queue)] = address.url;
  for (const secret of SECRET_NAMES) process.env[localSecretEnvName(secret)] = 'be'.repeat(32);
  process.env[LOCAL_FIELD_KEYS_ENV] = JSON.stringify({
    current: 'bench',
    keys: { bench: Buffer.alloc(32, 7).toString('base64') },
  });
}

/** The `handler` export of the function serving a route, as the manifests say. */
async function handlerFor(method: string, path: string): Promise<Handler> {
  for (const area of manifests) {
    for (const fn of area.functions) {
      if (fn.routes?.some((r) => r.method === method && r.path === path)) {
        const mod = (await import(`../../${fn.entry}`)) as { handler: Handler };
        return mod.handler;
      }
    }
  }
  throw new Error(`no function serves ${method} ${path}`);
}

const context = () => lambdaContext('bench', 512, Date.now() + 10_000, PROVINCE);

async function call(handler: Handler, e: APIGatewayProxyEventV2WithJWTAuthorizer) {
  const result = (await handler(e, context())) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode ?? 0, body: result.body ? JSON.parse(result.body) : undefined };
}

type Call = (i: number) => Promise<{ status: number; body?: unknown }>;

/**
 * Times `count` calls of the route, each followed by one of the bare handler, after untimed
 * warm-up calls of both: interleaved, so machine load that comes and goes (this machine is
 * shared) hits both series alike. Every answer must have the expected status.
 */
async function measurePair(
  count: number,
  status: number,
  run: Call,
  bare: Call,
): Promise<{ route: Latency; bare: Latency }> {
  const warm = Math.min(100, Math.ceil(count / 5));
  const routeSamples: number[] = [];
  const bareSamples: number[] = [];
  const timeOne = async (call: Call, i: number, expected: number, into: number[]) => {
    const start = performance.now();
    const answer = await call(i);
    const ms = performance.now() - start;
    if (answer.status !== expected) {
      throw new Error(
        `expected ${expected}, got ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`,
      );
    }
    if (i >= warm) into.push(ms);
  };
  for (let i = 0; i < warm + count; i++) {
    await timeOne(run, i, status, routeSamples);
    await timeOne(bare, i, 200, bareSamples);
  }
  return { route: latencyOf(routeSamples), bare: latencyOf(bareSamples) };
}

/** A date `days` after 2026-01-01, as YYYY-MM-DD. */
const dayAfter = (days: number) =>
  new Date(Date.UTC(2026, 0, 1) + days * 86_400_000).toISOString().slice(0, 10);

export async function benchApi(
  services: BenchServices,
  options: { requests: number; log: (line: string) => void },
): Promise<ApiResult> {
  const resources = await services.provision(PROVINCE);
  setEnvironment(services, resources);
  const registrar = claimsOf('registrar-bench', ['registrar'], '330000');
  const persons = await handlerFor('POST', '/v1/persons');
  const births = await handlerFor('POST', '/v1/birth-registrations');
  const certificates = await handlerFor('GET', '/v1/public/certificates/verify');
  const enrollments = await handlerFor('GET', '/v1/me/benefits');

  const created = await call(
    persons,
    event({
      method: 'POST',
      route: '/v1/persons',
      path: '/v1/persons',
      claims: registrar,
      body: {
        residentId: residentIdFor('330106', '19900101', '123'),
        name: '王小明',
        sex: 'male',
        birthDate: '1990-01-01',
        hukouRegion: '330106',
        residenceRegion: '330106',
      },
    }),
  );
  if (created.status !== 201) throw new Error(`could not create the person: ${JSON.stringify(created.body)}`);
  const personId = (created.body as { personId: string }).personId;
  const personKey = { pk: `PERSON#${personId}`, sk: 'PERSON' };
  const registryTable = resources.tables.registry;

  const bare = async () => {
    const out = await services.documents.send(new GetCommand({ TableName: registryTable, Key: personKey }));
    return { statusCode: out.Item ? 200 : 404, body: JSON.stringify({ personId: out.Item?.personId }) };
  };
  // The bare handler must find the same item the route finds, or it measures something else.
  if ((await bare()).statusCode !== 200) throw new Error(`person item not at ${JSON.stringify(personKey)}`);

  const n = options.requests;
  const routes: Array<{
    name: string;
    route: string;
    status: number;
    run: (i: number) => Promise<{ status: number; body?: unknown }>;
  }> = [
    {
      name: 'get person',
      route: 'GET /v1/persons/{personId}',
      status: 200,
      run: () =>
        call(
          persons,
          event({
            method: 'GET',
            route: '/v1/persons/{personId}',
            path: `/v1/persons/${personId}`,
            pathParameters: { personId },
            claims: registrar,
          }),
        ),
    },
    {
      name: 'submit birth registration',
      route: 'POST /v1/birth-registrations',
      status: 201,
      // A different family each time: the mother by sequence (even: a woman), the child by birth date.
      run: (i) =>
        call(
          births,
          event({
            method: 'POST',
            route: '/v1/birth-registrations',
            path: '/v1/birth-registrations',
            claims: registrar,
            body: familyBirth(dayAfter(Math.floor(i / 400)), String(100 + 2 * (i % 400))),
          }),
        ),
    },
    {
      name: 'verify certificate (unknown code: the lookup, then 404)',
      route: 'GET /v1/public/certificates/verify',
      status: 404,
      run: () =>
        call(
          certificates,
          event({
            method: 'GET',
            route: '/v1/public/certificates/verify',
            path: '/v1/public/certificates/verify',
            query: { code: '0000000000000000' },
          }),
        ),
    },
    {
      name: 'citizen benefits',
      route: 'GET /v1/me/benefits',
      status: 200,
      run: () =>
        call(
          enrollments,
          event({
            method: 'GET',
            route: '/v1/me/benefits',
            path: '/v1/me/benefits',
            claims: citizenClaimsOf('citizen-bench'),
          }),
        ),
    },
  ];

  const bareCall: Call = async () => {
    const r = await bare();
    return { status: r.statusCode, body: JSON.parse(r.body) };
  };
  const figures: RouteFigure[] = [];
  const bareSamples: Latency[] = [];
  for (const r of routes) {
    options.log(`api: ${r.route}, interleaved with the bare handler`);
    const measured = await measurePair(n, r.status, r.run, bareCall);
    bareSamples.push(measured.bare);
    figures.push({
      name: r.name,
      route: r.route,
      status: r.status,
      inProcess: measured.route,
      bare: measured.bare,
      overheadP99Ms: Math.round((measured.route.p99Ms - measured.bare.p99Ms) * 1000) / 1000,
    });
  }
  const bareLatency = bareSamples[0] as Latency;

  options.log('api: get person with its repository in memory, interleaved with a bare function');
  const inMemory = buildPersonsApi({
    accessLog: dynamoAccessLog(services.documents, registryTable),
    persons: memoized(dynamoPersonRepository(services.documents, registryTable)),
    hasher: hmacResidentIdHasher('be'.repeat(32)),
    personRefOf: (residentId) => personRefOf('be'.repeat(32), residentId),
  }) as unknown as Handler;
  const item = (await services.documents.send(new GetCommand({ TableName: registryTable, Key: personKey })))
    .Item;
  const memoryCall: Call = () =>
    call(
      inMemory,
      event({
        method: 'GET',
        route: '/v1/persons/{personId}',
        path: `/v1/persons/${personId}`,
        pathParameters: { personId },
        claims: registrar,
      }),
    );
  const bareMemory: Call = async () => {
    const r = { statusCode: item ? 200 : 404, body: JSON.stringify({ personId: item?.personId }) };
    return { status: r.statusCode, body: JSON.parse(r.body) };
  };
  const memory = await measurePair(n * 5, 200, memoryCall, bareMemory);
  return {
    routes: figures,
    bare: bareLatency,
    middlewareOnly: {
      route: memory.route,
      bare: memory.bare,
      overheadP99Ms: Math.round((memory.route.p99Ms - memory.bare.p99Ms) * 1000) / 1000,
    },
  };
}
