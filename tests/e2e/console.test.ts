import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/in-process-runtime';
import { residentIdFor } from '../support/resident-ids';
import {
  newPage,
  openBrowser,
  openInApp,
  screenshot,
  sidewaysOverflow,
  signIn,
  TABLET,
} from './console-browser';
import { type EnrolledFamily, enrolledFamily } from './console-payout-family';
import { http, province, token } from './support';

/**
 * The staff console in a real browser (Debian's chromium) against the local cloud: sign-in
 * through the local staff identity provider, then each role's main work. Screenshots of
 * each screen go to .local/console-screenshots/.
 */
describe('the staff console in a browser', () => {
  const zj = province['33'];
  let browser: Browser;
  const foreign: string[] = [];
  // A made-up family per run: the shared local cloud keeps other files' records.
  const day = String(1 + Math.floor(Math.random() * 28)).padStart(2, '0');
  const motherBirth = `199${Math.floor(Math.random() * 10)}-05-${day}`;
  const motherId = residentIdFor(
    '510104',
    motherBirth,
    String(100 + 2 * Math.floor(Math.random() * 400)).padStart(3, '0'),
  );
  const childBirth = `2026-10-${day}`;
  const childId = residentIdFor(
    '330106',
    childBirth,
    String(101 + 2 * Math.floor(Math.random() * 400)).padStart(3, '0'),
  );
  const childName = '钱安然';

  beforeAll(async () => {
    browser = await openBrowser();
    const registrar = await token(zj(), 'registrar-e2e-console', ['registrar'], '330100');
    const mother = await http(zj(), 'POST', '/v1/persons', {
      token: registrar,
      body: {
        residentId: motherId,
        name: '孙静',
        sex: 'female',
        birthDate: motherBirth,
        hukouRegion: '510104',
        residenceRegion: '330106',
      },
    });
    expect(mother.status).toBe(201);
    const submitted = await http(zj(), 'POST', '/v1/birth-registrations', {
      token: registrar,
      body: {
        child: {
          name: childName,
          sex: 'male',
          birthDate: childBirth,
          birthRegion: '330106',
          residentId: childId,
        },
        mother: { name: '孙静', residentId: motherId, birthDate: motherBirth, hukouRegion: '510104' },
        residenceRegion: '330106',
        birthOrder: 1,
      },
    });
    expect(submitted.status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    // Everything the console loaded came from the province's own gateway.
    expect(foreign).toEqual([]);
  });

  it('a county registrar signs in, validates and registers a birth, issues the certificate and prints it', async () => {
    const page = await newPage(browser, zj(), foreign);
    await signIn(page, zj(), 'registrar-330106');
    await page.getByRole('tab', { name: '已提交' }).waitFor();
    const child = page.getByRole('link', { name: childName });
    // Newest first, so it is on the first page; a busy queue pages on with "load more".
    const loadMore = page.getByRole('button', { name: '加载更多' });
    for (let pages = 0; pages < 10; pages++) {
      await child.or(loadMore).first().waitFor();
      if ((await child.count()) > 0) break;
      await Promise.all([
        page.waitForResponse((r) => r.url().includes('/v1/birth-registrations?')),
        loadMore.click(),
      ]);
    }
    await screenshot(page, '1-registrar-work-queue');
    await child.click();

    const status = page.getByTestId('registration-status');
    await status.filter({ hasText: '已提交' }).waitFor();
    await page.getByRole('button', { name: '审核通过' }).click();
    await status.filter({ hasText: '已审核' }).waitFor();
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await status.filter({ hasText: '已登记' }).waitFor();
    expect(await page.getByTestId('registration-number').textContent()).toMatch(/^330106-\d{4}-\d{6}$/);
    await screenshot(page, '2-registrar-registration');

    await page.getByRole('link', { name: '查看子女档案' }).click();
    await page.getByRole('link', { name: childName }).click();
    await page.getByTestId('family-type').filter({ hasText: '独生子女家庭' }).waitFor();
    await page.getByRole('button', { name: /发证/ }).click();
    await page.getByRole('cell', { name: '有效' }).waitFor();
    await screenshot(page, '3-registrar-person');

    await page.getByRole('link', { name: '打印' }).click();
    await page.getByTestId('verification-qr').waitFor();
    expect(await page.getByTestId('verification-code').textContent()).toMatch(
      /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/,
    );
    await screenshot(page, '4-certificate-print');
    // The page never shows the resident IDs in full.
    expect(await page.content()).not.toContain(childId);
  }, 120_000);

  it('a payout officer plans and submits the county batch; an approver approves it and its line shows paid', async () => {
    const family: EnrolledFamily = await enrolledFamily(zj());
    const officer = await newPage(browser, zj(), foreign);
    await signIn(officer, zj(), 'payout-officer-330000');
    await officer.getByRole('link', { name: '发放批次' }).click();
    await officer.getByRole('button', { name: '编制批次' }).click();
    const plan = officer.getByRole('dialog', { name: '编制批次' });
    await plan.getByLabel('项目').click();
    // Ant Design's options are listed by their titles (its ARIA options carry the codes).
    await officer.getByTitle('独生子女父母奖励费').click();
    await plan.getByLabel('期次').fill(family.period);
    await plan.getByLabel('辖区').fill(family.region);
    await plan.getByRole('button', { name: '确定' }).click();
    // The new batch opens: one line, the family's, its amount in yuan (the county's rule).
    const state = officer.getByTestId('batch-state');
    await state.filter({ hasText: '已编制' }).waitFor();
    expect(await officer.getByTestId('control-count').textContent()).toBe('1');
    expect(await officer.getByTestId('control-sum').textContent()).toMatch(/^¥[1-9][\d,]*\.\d{2}$/);
    await screenshot(officer, '8-payout-batch-planned');
    await officer.getByRole('button', { name: '提交审批' }).click();
    await officer.getByRole('dialog', { name: '提交审批' }).getByRole('button', { name: '确定' }).click();
    await state.filter({ hasText: '待审批' }).waitFor();
    const batchId = officer.url().split('/').pop() ?? '';

    // A second person, the approver, finds it waiting for them.
    const approver = await newPage(browser, zj(), foreign);
    await signIn(approver, zj(), 'payout-approver-330000');
    await approver.getByRole('link', { name: '待我审批' }).click();
    await approver.getByRole('link', { name: batchId }).click();
    await screenshot(approver, '9-payout-approval');
    await approver.getByRole('button', { name: '审批通过' }).click();
    const approve = approver.getByRole('dialog', { name: '审批通过' });
    await approve.getByText(/1 笔/).waitFor();
    await approve.getByRole('button', { name: '确定' }).click();
    // Disbursed through the bank simulator and reconciled: the screen follows on its own.
    await approver.getByTestId('batch-state').filter({ hasText: '已对账' }).waitFor({ timeout: 60_000 });
    // Opened from the approver's queue the lines show changed accounts only; all of them now.
    await approver.getByRole('checkbox', { name: '只看账户变更' }).click();
    await approver.getByRole('row').filter({ hasText: family.period }).filter({ hasText: '已付' }).waitFor();
    await screenshot(approver, '10-payout-batch-paid');
    expect(await approver.content()).not.toContain('6228480000330302062');
  }, 180_000);

  it('the exchange operator sees the partner province, verifies its log and finds the notification sent to it', async () => {
    // The registration above notified Sichuan (the mother's hukou): wait until it is delivered.
    const operator = await token(zj(), 'operator-e2e-console', ['exchange-operator'], '330000');
    await eventually(async () => {
      const reply = await http(
        zj(),
        'GET',
        '/v1/exchange/messages?partner=51&direction=outbound&status=delivered',
        {
          token: operator,
        },
      );
      return reply.body?.items?.length > 0 ? true : undefined;
    }, 30_000);

    const page = await newPage(browser, zj(), foreign);
    await signIn(page, zj(), 'exchange-operator-330000');
    await page.getByTestId('partner-51-status').filter({ hasText: '正常' }).waitFor();
    // Zhejiang has two partners here (51 and 44): verify 51's log from its own row.
    const partner51 = page.getByRole('row').filter({ has: page.getByTestId('partner-51-status') });
    await partner51.getByRole('button', { name: '核验消息日志' }).click();
    await partner51.getByText(/日志完整/).waitFor();
    await screenshot(page, '5-exchange-partners');

    await page.getByRole('link', { name: '交换消息' }).click();
    await page.getByRole('combobox').first().waitFor();
    // Partners that take version 2 are listed one at a time: the operator names Sichuan.
    await page.getByText(/请输入伙伴省份代码/).waitFor();
    await page.getByLabel('省份').fill('51');
    await page.getByRole('row').filter({ hasText: '已送达' }).first().waitFor();
    await screenshot(page, '6-exchange-messages');
    await page.getByRole('row').filter({ hasText: '已送达' }).first().getByRole('link').click();
    await page.getByRole('heading', { name: /消息/ }).waitFor();
    await screenshot(page, '7-exchange-message');
  }, 120_000);

  it("works on a tablet held upright: each role's main screens fit its width", async () => {
    // Each screen by its path and its heading.
    for (const [staff, screens] of [
      [
        'registrar-330106',
        [
          ['/registrations', '生育登记工作台'],
          ['/persons', '人员查询'],
        ],
      ],
      [
        'payout-approver-330000',
        [
          ['/payout/enrollments', '待遇申领审核'],
          ['/payout/batches', '发放批次'],
          ['/payout/approvals', '待我审批的批次'],
        ],
      ],
      [
        'auditor-330000',
        [
          ['/reports/births', '出生统计'],
          ['/audit/access-log', '访问日志'],
          ['/exchange/messages', '交换消息'],
        ],
      ],
    ] as const) {
      const page = await newPage(browser, zj(), foreign, TABLET);
      await signIn(page, zj(), staff);
      for (const [path, heading] of screens) {
        await openInApp(page, path);
        await page.getByRole('heading', { name: heading, level: 3 }).waitFor();
        await screenshot(page, `tablet${path.replaceAll('/', '-')}`);
        expect({ path, overflow: await sidewaysOverflow(page) }).toEqual({ path, overflow: 0 });
      }
      await page.context().close();
    }
  }, 120_000);
});
