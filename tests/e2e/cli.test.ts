import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { province } from './support';

/** Runs `bin/jiahe.mjs` (what `npx jiahe` runs) against a province of the e2e local cloud. */
function jiahe(
  args: string[],
  base: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/jiahe.mjs', ...args], {
      env: { ...process.env, JIAHE_URL: base, JIAHE_TOKEN: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the operator CLI against the local cloud', { timeout: 120_000 }, () => {
  it('lists exchange partners as JSON', async () => {
    const run = await jiahe(['partner', 'list', '--json'], province['33']());
    expect(run.code, run.stderr).toBe(0);
    const codes = JSON.parse(run.stdout).items.map((p: { code: string }) => p.code);
    expect(codes).toContain('51');
  });

  it('seeds synthetic persons through the API', async () => {
    const run = await jiahe(['seed', '--persons', '12', '--region', '330110', '--json'], province['33']());
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ region: '330110', failed: 0 });
    expect(JSON.parse(run.stdout).recorded + JSON.parse(run.stdout).duplicate).toBe(12);
  });

  it('plans, submits and approves a batch (the approver is another person) until it is settled', async () => {
    const base = province['33']();
    const planned = await jiahe(
      ['batch', 'plan', '--scheme', 'rural-reward', '--period', '2026-11', '--region', '330110', '--json'],
      base,
    );
    expect(planned.code, planned.stderr).toBe(0);
    const { batchId, state, control } = JSON.parse(planned.stdout);
    expect(state).toBe('planned');
    expect((await jiahe(['batch', 'submit', batchId], base)).code).toBe(0);
    // The approver finds it in their queue: submitted by someone else.
    const waiting = await jiahe(['batch', 'list', '--waiting', '--region', '330110', '--json'], base);
    expect(waiting.code, waiting.stderr).toBe(0);
    expect(JSON.parse(waiting.stdout).items.map((b: { batchId: string }) => b.batchId)).toContain(batchId);
    const approved = await jiahe(['batch', 'approve', batchId, '--wait'], base);
    expect(approved.code, approved.stderr).toBe(0);
    if (control.count > 0) {
      expect(approved.stdout).toContain('state     reconciled');
    } else {
      // Nobody enrolled in this county: no file goes to the bank, and the CLI says so.
      expect(approved.stdout).toContain('state     nothing-to-pay');
      const exported = await jiahe(['batch', 'export', batchId], base);
      expect(exported.code).toBe(1);
      expect(exported.stderr).toContain('409');
    }
    // Approving again is refused by the API: exit code 1 and the problem's detail.
    const again = await jiahe(['batch', 'approve', batchId], base);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('409');
  });

  it('pauses and resumes a partner, and lists exchange messages', async () => {
    const base = province['33']();
    const paused = await jiahe(['partner', 'pause', '51', '--json'], base);
    expect(paused.code, paused.stderr).toBe(0);
    expect(JSON.parse(paused.stdout)).toEqual({ partner: '51', status: 'paused' });
    const resumed = await jiahe(['partner', 'resume', '51', '--json'], base);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ partner: '51', status: 'active' });
    const listed = await jiahe(
      ['exchange', 'list', '--partner', '51', '--direction', 'outbound', '--json'],
      base,
    );
    expect(listed.code, listed.stderr).toBe(0);
    expect(Array.isArray(JSON.parse(listed.stdout).items)).toBe(true);
  });

  it('exits 2 for a bad command line and 3 when nothing answers', async () => {
    expect((await jiahe(['batch', 'show'], province['33']())).code).toBe(2);
    expect((await jiahe(['batch', 'show', '01M82NNJ9VNMR6FSGW65FR4ETF'], 'http://127.0.0.1:9')).code).toBe(3);
  });
});
