import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests } from '../../functions/manifests';
import { routesOf } from '../../shared/manifest';
import { apiEvent, citizenClaims, staffClaims } from '../support/api-event';
import { context, parsed } from '../support/lambda';
import { countItems } from '../support/local-aws';
import { residentIdFor } from '../support/resident-ids';
import { hostileRequest } from './fuzz-requests';
import { startApiProvince } from './support/api-province';
import { recordFigures } from './support/figures';
import { captureProcessOutput, scanForLeaks } from './support/leaks';

/** The citizen the fuzzer signs in as (real-name platforms verify a resident ID). */
const FUZZ_CITIZEN = residentIdFor('330106', '1990-03-07', '002');

/** At least this many requests per run, spread evenly over every route. */
const TOTAL_REQUESTS = 10_000;
const SEED = Number(process.env.JIAHE_FUZZ_SEED ?? Date.now() % 2 ** 31);
const routes = routesOf(manifests);
const perRoute = Math.ceil(TOTAL_REQUESTS / routes.length);

/**
 * Hostile requests at every route, straight into the real handlers on DynamoDB Local:
 * no answer may be a 5xx, every refusal is problem+json that says what was wrong, and a
 * route that refused everything has written nothing to any table.
 */
describe(`fuzzing every route (${perRoute} requests each, seed ${SEED})`, () => {
  let api: Awaited<ReturnType<typeof startApiProvince>>;
  let capture: ReturnType<typeof captureProcessOutput>;
  const totals = { sent: 0, fiveXx: 0, badProblems: 0, writesOnRejected: 0 };
  const byKind = new Map<string, number>();

  beforeAll(async () => {
    capture = captureProcessOutput();
    api = await startApiProvince('12');
  });

  afterAll(async () => {
    await api?.stop();
    capture?.stop();
    const leaks = scanForLeaks(capture?.lines ?? []);
    recordFigures('2-fuzz', [
      {
        suite: 'fuzz',
        item: `${routes.length} routes, seed ${SEED}`,
        counts: {
          requests: totals.sent,
          '5xx': totals.fiveXx,
          badProblems: totals.badProblems,
          writesOnRejected: totals.writesOnRejected,
        },
        mustBeZero: ['5xx', 'badProblems', 'writesOnRejected'],
      },
      {
        suite: 'fuzz',
        item: 'requests by kind',
        counts: Object.fromEntries([...byKind].sort()),
        mustBeZero: [],
      },
    ]);
    recordFigures('5-privacy', [
      {
        suite: 'privacy',
        item: 'function log lines (fuzz run)',
        counts: { lines: leaks.lines, leaks: leaks.residentIds + leaks.accounts + leaks.tokens },
        mustBeZero: ['leaks'],
      },
    ]);
  });

  const tableItems = async () => {
    const counts: Record<string, number> = {};
    for (const [name, table] of Object.entries(api.resources.tables)) {
      counts[name] = await countItems(api.aws.dynamodb, table);
    }
    return counts;
  };

  it.each(routes.map(({ fn, route }) => ({ key: `${route.method} ${route.path}`, fn, route })))(
    '$key',
    async ({ fn, route }) => {
      const handler = api.handlers.get(fn.name);
      if (!handler) throw new Error(`${fn.name} is not served`);
      const before = await tableItems();
      const problems: string[] = [];
      let accepted = 0;
      const samples = fc.sample(hostileRequest(route), { numRuns: perRoute, seed: SEED + totals.sent });
      for (const request of samples) {
        let path = route.path;
        for (const [name, value] of Object.entries(request.pathParameters)) {
          path = path.replace(`{${name}}`, encodeURIComponent(value));
        }
        const headers = { ...request.headers };
        if (headers['content-type'] === '') delete headers['content-type'];
        const event = apiEvent({
          method: route.method,
          route: route.path,
          path,
          pathParameters: request.pathParameters,
          headers,
          ...(request.body !== undefined ? { body: request.body } : {}),
          ...(route.public
            ? {}
            : {
                claims: route.roles.includes('citizen')
                  ? citizenClaims('fuzzer', FUZZ_CITIZEN)
                  : staffClaims('fuzzer', [...route.roles], '330000'),
              }),
        });
        if (request.query) event.queryStringParameters = request.query;
        if (request.base64) event.isBase64Encoded = true;
        const answer = parsedSafely(await handler(event as never, context()));
        totals.sent++;
        byKind.set(request.kind, (byKind.get(request.kind) ?? 0) + 1);
        if (answer.status >= 500) {
          totals.fiveXx++;
          problems.push(`${answer.status} for ${request.kind}: ${JSON.stringify(request).slice(0, 300)}`);
          continue;
        }
        if (answer.status < 400) {
          if (route.method !== 'GET') accepted++;
          continue;
        }
        const why = problemFault(answer);
        if (why) {
          totals.badProblems++;
          problems.push(`${answer.status} ${why} for ${request.kind}`);
        }
      }
      const after = await tableItems();
      if (accepted === 0 && JSON.stringify(after) !== JSON.stringify(before)) {
        totals.writesOnRejected++;
        problems.push(`refused requests wrote: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
      }
      expect(problems.slice(0, 5)).toEqual([]);
    },
  );
});

function parsedSafely(result: unknown) {
  try {
    return { ...parsed(result), raw: result };
  } catch {
    return {
      status: (result as { statusCode?: number }).statusCode ?? 0,
      headers: {},
      body: undefined,
      raw: result,
    };
  }
}

/** What is wrong with a refusal, or undefined when it is a problem that names the fault. */
function problemFault(answer: ReturnType<typeof parsedSafely>): string | undefined {
  const type = answer.headers['content-type'] ?? '';
  if (type !== 'application/problem+json') return `content-type ${type}`;
  const body = answer.body as Record<string, unknown> | undefined;
  if (!body || typeof body.type !== 'string' || typeof body.detail !== 'string' || !body.detail) {
    return 'no problem detail';
  }
  if (body.status !== answer.status) return 'status mismatch';
  if (answer.status === 422) {
    const errors = body.errors as Array<{ field?: string; message?: string }> | undefined;
    if (!errors?.length || errors.some((e) => !e.field || !e.message)) return '422 without field errors';
  }
  return undefined;
}
