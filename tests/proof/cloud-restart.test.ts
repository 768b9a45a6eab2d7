import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud';
import { localClientConfig } from '../../local/services/clients';
import { residentIdFor } from '../support/resident-ids';
import { http } from './support/api-province';
import { recordFigures } from './support/figures';
import { scanForLeaks } from './support/leaks';

const PROVINCE = '15';
const PEOPLE = 20;

/**
 * The whole local cloud, stopped while recorded persons are still on their way from the
 * registry to the payout area (table stream → publisher → queue → projection), and started
 * again with `--persist` on the same data: every person arrives, once.
 */
/** Person facts the payout area holds (one item per person who arrived). */
async function factsStored(endpoint: string): Promise<number> {
  const client = new DynamoDBClient(localClientConfig(endpoint));
  const out = await client.send(
    new ScanCommand({
      TableName: `p${PROVINCE}-payout`,
      Select: 'COUNT',
      FilterExpression: 'begins_with(pk, :facts)',
      ExpressionAttributeValues: { ':facts': { S: 'FACTS#' } },
    }),
  );
  client.destroy();
  return out.Count ?? 0;
}

describe('local cloud restarted mid-flow with --persist', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jiahe-restart-'));
  const lines: string[] = [];
  let cloud: LocalCloud | undefined;
  const start = async () => {
    cloud = await startLocalCloud({
      provinces: { [PROVINCE]: 0 },
      persistDir: dir,
      log: (source, line) => lines.push(`[${source}] ${line}`),
    });
    const base = cloud.provinces[0]?.url ?? '';
    const token = async (sub: string, roles: string[]) =>
      (
        (
          await http(base, 'POST', '/dev/token', {
            body: JSON.stringify({ sub, roles, region: `${PROVINCE}0000` }),
          })
        ).body as { token: string }
      ).token;
    return {
      base,
      registrar: await token('registrar-1', ['registrar']),
      officer: await token('officer-1', ['payout-officer']),
    };
  };

  afterAll(async () => {
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
    const leaks = scanForLeaks(lines);
    recordFigures('5-privacy', [
      {
        suite: 'privacy',
        item: 'local cloud log lines (restart run)',
        counts: { lines: leaks.lines, leaks: leaks.residentIds + leaks.accounts + leaks.tokens },
        mustBeZero: ['leaks'],
      },
    ]);
  });

  it('delivers every person recorded before the restart to the payout area exactly once', {
    timeout: 240_000,
  }, async () => {
    const first = await start();
    const personIds: string[] = [];
    for (let i = 0; i < PEOPLE; i++) {
      const birth = `1980-01-${String(i + 1).padStart(2, '0')}`;
      const created = await http(first.base, 'POST', '/v1/persons', {
        token: first.registrar,
        body: JSON.stringify({
          residentId: residentIdFor('150102', birth, '021'),
          name: '其其格',
          sex: 'male',
          birthDate: birth,
          hukouRegion: '150102',
          residenceRegion: '150102',
        }),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      personIds.push((created.body as { personId: string }).personId);
    }
    // How much was still on its way when the cloud stopped (reported, not asserted: timing).
    // Read straight from the payout table, so the check itself gives the flow no extra time.
    const arrivedBeforeStop = await factsStored(cloud?.endpoints.dynamodb ?? '');
    await cloud?.stop();
    cloud = undefined;

    const second = await start();
    const arrived = new Set<string>();
    const deadline = Date.now() + 150_000;
    while (arrived.size < PEOPLE && Date.now() < deadline) {
      for (const id of personIds) {
        if (arrived.has(id)) continue;
        const facts = await http(second.base, 'GET', `/v1/person-facts/${id}`, { token: second.officer });
        if (facts.status === 200) arrived.add(id);
      }
      if (arrived.size < PEOPLE) await new Promise((r) => setTimeout(r, 500));
    }
    const listed = await http(second.base, 'GET', '/v1/persons?limit=100', { token: second.registrar });
    const items = (listed.body as { items?: { personId: string }[] }).items ?? [];
    const recorded = items.filter((p) => personIds.includes(p.personId)).length;
    const counts = {
      sent: PEOPLE,
      delivered: arrived.size,
      duplicates: Math.max(0, recorded - PEOPLE),
      lost: PEOPLE - arrived.size,
    };
    const inFlight = PEOPLE - arrivedBeforeStop;
    recordFigures('3-faults', [
      {
        suite: 'faults',
        item: `local cloud restarted mid-flow (--persist), ${inFlight} in flight at the stop`,
        counts,
        mustBeZero: ['duplicates', 'lost'],
      },
    ]);
    expect(counts).toEqual({ sent: PEOPLE, delivered: PEOPLE, duplicates: 0, lost: 0 });
  });
});
