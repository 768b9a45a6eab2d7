import { initOnce } from '../../../shared/aws/lazy-handler';
import { NotFoundError } from '../../../shared/domain/errors';
import { apiHandler } from '../../../shared/http/api-handler';
import { json, parseWith } from '../../../shared/http/request';
import { functionSpec } from '../../../shared/manifest';
import type { Observability } from '../../../shared/observability';
import { configuredSchemes } from '../config/schemes';
import { type Scheme, validateScheme } from '../domain/schemes';
import { payoutManifest } from '../manifest';
import { SchemeCodeParams } from '../schemas';

const FUNCTION = 'payout-schemes-api';

const summary = (s: Scheme) => ({
  code: s.code,
  name: s.name,
  frequency: s.frequency,
  ...(s.payMonth ? { payMonth: s.payMonth } : {}),
  versions: s.ruleSets.map((r) => ({
    version: r.version,
    effectiveFrom: r.effectiveFrom,
    effectiveTo: r.effectiveTo,
  })),
});

/** The configured schemes: a summary list, and one scheme with its rule sets and any configuration problems. */
export function buildSchemesApi(deps: { schemes?: readonly Scheme[]; observability?: Observability } = {}) {
  const schemes = deps.schemes ?? configuredSchemes();
  return apiHandler({
    service: FUNCTION,
    routes: functionSpec(payoutManifest, FUNCTION).routes ?? [],
    ...(deps.observability ? { observability: deps.observability } : {}),
    handlers: {
      'GET /v1/schemes': async () => json(200, { items: schemes.map(summary) }),
      'GET /v1/schemes/{code}': async ({ pathParameters }) => {
        const { code } = parseWith(SchemeCodeParams, pathParameters, 'path');
        const scheme = schemes.find((s) => s.code === code);
        if (!scheme)
          throw new NotFoundError({ en: `No scheme ${code} is configured.`, zh: `未配置项目 ${code}。` });
        return json(200, { ...scheme, problems: validateScheme(scheme) });
      },
    },
  });
}

export const handler = initOnce(() => buildSchemesApi());
