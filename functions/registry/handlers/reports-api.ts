import { tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { AccessDeniedError } from '../../../shared/domain/errors';
import { scopePrefixOf } from '../../../shared/domain/region-code';
import { apiHandler } from '../../../shared/http/api-handler';
import { json, parseWith } from '../../../shared/http/request';
import { functionSpec } from '../../../shared/manifest';
import type { Observability } from '../../../shared/observability';
import { dynamoStatisticsStore } from '../adapters/statistics-repository';
import { birthsReport, monthsBetween, type StatisticsStore } from '../domain/statistics';
import { registryManifest } from '../manifest';
import { type BirthsReportView, ReportsBirthsQuery } from '../schemas';

const FUNCTION = 'registry-reports-api';

export interface ReportsApiDeps {
  readonly statistics: StatisticsStore;
  readonly observability?: Observability;
}

/**
 * The prefix a requested region stands for: a six-digit code of a prefecture or province
 * (`330100`, `330000`) means everything under it, as a staff member's own region does.
 */
const prefixOf = (region: string): string => (region.length === 6 ? scopePrefixOf(region) : region);

/**
 * Statistics for staff (registrar, auditor): births by month with sex ratio at birth, birth
 * order, registration timeliness, migrant births, and moves in and out, for a region inside
 * the caller's own. Aggregates only: the answer never lists or names a person.
 */
export function buildReportsApi(deps: ReportsApiDeps) {
  return apiHandler({
    service: FUNCTION,
    routes: functionSpec(registryManifest, FUNCTION).routes ?? [],
    observability: deps.observability,
    handlers: {
      'GET /v1/reports/births': async ({ query, principal }) => {
        const { region, from, to } = parseWith(ReportsBirthsQuery, query, 'query');
        const scope = principal.scopePrefix;
        const prefix = region === undefined ? scope : prefixOf(region);
        // A report may narrow the caller's region, never widen it.
        if (!scope || !prefix?.startsWith(scope)) {
          throw new AccessDeniedError('This region lies outside your region.');
        }
        const months = monthsBetween(from, to);
        const report = birthsReport(prefix, from, to, await deps.statistics.read(prefix, months));
        return json(200, report satisfies BirthsReportView);
      },
    },
  });
}

export const handler = initOnce(() =>
  buildReportsApi({ statistics: dynamoStatisticsStore(documentClient(), tableName('registry')) }),
);
