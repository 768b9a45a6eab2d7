import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../local/cloud';
import { ensureConsoleBuilt } from '../../local/console-build';

/** Debian's browser, as .ci/run installs it (Playwright's own download cannot be reached). */
export const CHROMIUM = process.env.JIAHE_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(REPO_ROOT, '.local', 'console-screenshots');

/** The built console and a headless browser at the size the console is made for. */
export async function openBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk (see README)`);
  ensureConsoleBuilt(REPO_ROOT, () => undefined);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** The screen the console is made for, and a tablet held upright (iPad Air, CSS pixels). */
export const DESKTOP = { width: 1280, height: 800 };
export const TABLET = { width: 820, height: 1180 };

/**
 * A page of a fresh browser context (nothing shared with another user's session) that
 * fails the test on any request leaving the province's own origin.
 */
export async function newPage(
  browser: Browser,
  base: string,
  foreign: string[],
  viewport = DESKTOP,
): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', hasTouch: viewport === TABLET });
  const page = await context.newPage();
  page.on('request', (request) => {
    if (!request.url().startsWith(base) && !request.url().startsWith('data:')) foreign.push(request.url());
  });
  return page;
}

/** Signs in through the console's button and the local staff identity provider's page. */
export async function signIn(page: Page, base: string, staff: string): Promise<void> {
  await page.goto(`${base}/console/`);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: new RegExp(staff) }).click();
  await page.getByTestId('signed-in-as').filter({ hasText: staff }).waitFor();
}

export const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

/** How far the page is wider than its window: 0 when nothing scrolls sideways. */
export const sidewaysOverflow = (page: Page): Promise<number> =>
  // A string: evaluated in the page, whose DOM types this project does not compile against.
  page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');

/**
 * Opens a console path inside the app, as a menu link does (history and the router's
 * popstate): a reload would sign out, since the token lives in memory only.
 */
export const openInApp = (page: Page, path: string): Promise<void> =>
  page.evaluate<void>(
    `window.history.pushState({}, '', ${JSON.stringify(`/console${path}`)}); window.dispatchEvent(new PopStateEvent('popstate'))`,
  );
