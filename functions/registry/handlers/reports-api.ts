import { tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { apiHandler } from '../../../shared/http/api-handler';
import { scopedRegion } from '../../../shared/http/auth';
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
        const prefix = scopedRegion(principal, region);
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
