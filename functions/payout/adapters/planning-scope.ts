import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { PlanningScope } from '../domain/ports';

/** Sorts above every character of a key, so `${region}#\uffff` is past all of a region's items. */
const PAST = '\uffff';

interface RegionKeyedPartition {
  readonly index?: string;
  readonly pk: readonly [name: string, value: string];
  /** The sort key's name; its values start with `<six-digit region>#`. */
  readonly sk: string;
}

/**
 * The distinct regions in a partition whose sort keys start with a region code, found
 * without reading the partition: each query asks for the first key past the previous
 * region, so the cost is one small read per region, not per item.
 */
async function distinctRegions(
  db: DynamoDBDocumentClient,
  table: string,
  partition: RegionKeyedPartition,
  regionPrefix: string,
): Promise<string[]> {
  const regions: string[] = [];
  let from = regionPrefix;
  for (;;) {
    const out = await db.send(
      new QueryCommand({
        TableName: table,
        ...(partition.index ? { IndexName: partition.index } : {}),
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': partition.pk[0], '#sk': partition.sk },
        ExpressionAttributeValues: { ':pk': partition.pk[1], ':from': from, ':to': `${regionPrefix}${PAST}` },
        ProjectionExpression: '#sk',
        Limit: 1,
      }),
    );
    const key = out.Items?.[0]?.[partition.sk] as string | undefined;
    if (!key) return regions;
    const region = key.slice(0, 6);
    regions.push(region);
    from = `${region}#${PAST}`;
  }
}

/**
 * Regions with beneficiaries of a scheme in the payout table: the enrolments index by
 * (status, scheme) sorted by region, and the open-items list of held and failed lines.
 */
export function dynamoPlanningScope(db: DynamoDBDocumentClient, table: string): PlanningScope {
  return {
    async regionsWithBeneficiaries(scheme, regionPrefix) {
      const found = await Promise.all([
        ...(['active', 'suspended'] as const).map((status) =>
          distinctRegions(
            db,
            table,
            { index: 'gsi2', pk: ['gsi2pk', `ENROLLMENTS#${status}#${scheme}`], sk: 'gsi2sk' },
            regionPrefix,
          ),
        ),
        distinctRegions(db, table, { pk: ['pk', `OPEN#${scheme}`], sk: 'sk' }, regionPrefix),
      ]);
      return [...new Set(found.flat())].sort();
    },
  };
}
