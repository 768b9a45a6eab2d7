import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/domain/clock';
import { staffClaims } from '../support/api-event';
import { callApi } from '../support/call-api';
import { provisionForTest } from '../support/local-aws';
import { payoutApis } from '../support/payout-apis';

const officer = staffClaims('officer-1', ['payout-officer'], '330000');
const officerApprover = staffClaims('officer-1', ['payout-officer', 'payout-approver'], '330000');
const approver = staffClaims('approver-2', ['payout-approver'], '330000');
const ningbo = staffClaims('officer-nb', ['payout-officer'], '330200');

type Listed = { batchId: string; period: string; region: string; state: string };

describe('the list of batches', () => {
  let api: ReturnType<typeof payoutApis>;
  const planned: Record<string, string> = {};

  const list = (claims: Record<string, string>, query: Record<string, string> = {}) =>
    callApi(api.batches, 'GET', '/v1/payout-batches', { claims, query });
  const ids = (body: { items: Listed[] }) => body.items.map((b) => b.batchId).sort();

  beforeAll(async () => {
    const { aws, resources } = await provisionForTest('93');
    api = payoutApis(aws, resources, fixedClock('2026-11-10T02:00:00.000Z'));
    // Five Hangzhou batches and one in Ningbo, none with lines (no one is enrolled here).
    for (const [name, period, region] of [
      ['xihu-01', '2026-01', '330106'],
      ['xihu-02', '2026-02', '330106'],
      ['xihu-03', '2026-03', '330106'],
      ['xihu-04', '2026-04', '330106'],
      ['shangcheng-01', '2026-01', '330102'],
      ['haishu-01', '2026-01', '330203'],
    ] as const) {
      const reply = await callApi(api.batches, 'POST', '/v1/payout-batches', {
        claims: officer,
        body: { scheme: 'rural-reward', period, region },
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      planned[name] = reply.body.batchId;
    }
    const submit = (batchId: string) =>
      callApi(api.batches, 'POST', '/v1/payout-batches/{batchId}/actions/{action}', {
        claims: officer,
        path: { batchId, action: 'submit' },
        body: {},
      });
    expect((await submit(planned['xihu-02'] as string)).status).toBe(200);
    expect((await submit(planned['haishu-01'] as string)).status).toBe(200);
  });

  it("lists the batches of the caller's region, newest period first, and narrows by each filter", async () => {
    const all = await list(officer, { scheme: 'rural-reward' });
    expect(all.status).toBe(200);
    expect(ids(all.body)).toEqual(Object.values(planned).sort());
    const periods = (all.body.items as Listed[]).map((b) => b.period);
    expect(periods).toEqual([...periods].sort().reverse());

    expect(ids((await list(ningbo)).body)).toEqual([planned['haishu-01']]);
    expect(ids((await list(officer, { region: '330106' })).body)).toEqual(
      ['xihu-01', 'xihu-02', 'xihu-03', 'xihu-04'].map((n) => planned[n]).sort(),
    );
    expect(ids((await list(officer, { scheme: 'rural-reward', period: '2026-01' })).body)).toEqual(
      ['xihu-01', 'shangcheng-01', 'haishu-01'].map((n) => planned[n]).sort(),
    );
    expect(ids((await list(officer, { period: '2026-01', region: '330100' })).body)).toEqual(
      ['xihu-01', 'shangcheng-01'].map((n) => planned[n]).sort(),
    );
    expect(ids((await list(officer, { state: 'submitted' })).body)).toEqual(
      [planned['xihu-02'], planned['haishu-01']].sort(),
    );
    expect((await list(officer, { scheme: 'special-assistance' })).body.items).toEqual([]);
  });

  it('shows an approver what waits for them, never a batch they submitted themselves', async () => {
    const waiting = await list(approver, { waitingForMe: 'true' });
    expect(ids(waiting.body)).toEqual([planned['xihu-02'], planned['haishu-01']].sort());
    // The officer who submitted both holds the approver role too: nothing waits for them.
    expect((await list(officerApprover, { waitingForMe: 'true' })).body.items).toEqual([]);
    // Only approvers have an approval queue.
    const notApprover = await list(officer, { waitingForMe: 'true' });
    expect(notApprover.status).toBe(403);
    expect(Object.keys(notApprover.body).sort()).toEqual(['detail', 'instance', 'status', 'title', 'type']);
  });

  it('refuses a region outside the caller’s, with nothing in the answer', async () => {
    const reply = await list(ningbo, { region: '330106' });
    expect(reply.status).toBe(403);
    expect(JSON.stringify(reply.body)).not.toContain(planned['xihu-01']);
  });

  it('pages with sealed cursors: every batch once, and a cursor only for its query and caller', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list(officer, { region: '330100', limit: '2', ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...(page.body.items as Listed[]).map((b) => b.batchId));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen.sort()).toEqual(
      ['xihu-01', 'xihu-02', 'xihu-03', 'xihu-04', 'shangcheng-01'].map((n) => planned[n]).sort(),
    );

    const first = await list(officer, { region: '330100', limit: '2' });
    const next = first.body.nextCursor as string;
    expect(next).toBeDefined();
    for (const [claims, query] of [
      [officer, { region: '330106', limit: '2', cursor: next }],
      [approver, { region: '330100', limit: '2', cursor: next }],
    ] as const) {
      const replayed = await list(claims, query);
      expect(replayed.status).toBe(400);
      expect(replayed.body.type).toMatch(/invalid-cursor$/);
    }
  });
});
