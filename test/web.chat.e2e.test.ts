// The web chat page in a real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): greet, press a button, ask for the balance, keep a screenshot.
import { mkdirSync, statSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHarness, type Harness } from './support/harness.js';
import { browserOnApp, chromiumFor, type BrowserOnApp } from './support/browser.js';

const SCREENSHOT = 'test-results/web-chat.png';
const haveChromium = chromiumFor('web.chat.e2e');

let h: Harness;
let browser: BrowserOnApp | undefined;
let base = '';
let context: BrowserOnApp['context'] | undefined;

beforeAll(async () => {
  if (!haveChromium) return;
  h = await createHarness();
  await h.services.catalog.seedDemo();
  browser = await browserOnApp(h.app, { locale: 'zh-CN', viewport: { width: 900, height: 900 } });
  ({ base, context } = browser);
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

it.skipIf(!haveChromium)(
  'chats on the web page: text, a button, the balance, a screenshot',
  async () => {
    const page = await context!.newPage();
    await page.goto(`${base}/`);
    await expect.poll(() => page.locator('.msg.bot').count()).toBe(1);

    await page.fill('#text', '你好');
    await page.press('#text', 'Enter');
    const courses = page.locator('.msg.bot button', { hasText: '看课程' });
    await courses.first().waitFor({ timeout: 15_000 });
    expect(await page.locator('.msg.me').first().textContent()).toBe('你好');

    await courses.first().click();
    await page.locator('.msg.bot', { hasText: '全部课程' }).first().waitFor({ timeout: 15_000 });
    expect(await page.locator('.card').count()).toBeGreaterThan(0);
    expect(await page.locator('.msg.bot', { hasText: 'Python 编程入门' }).count()).toBeGreaterThan(
      0,
    );

    await page.fill('#text', '我有多少积分');
    await page.press('#text', 'Enter');
    await page
      .locator('.msg.bot', { hasText: '你的积分余额' })
      .first()
      .waitFor({ timeout: 15_000 });

    // The browser holds the signed HttpOnly session cookie; the page never sees it.
    const cookies = await context!.cookies(base);
    expect(cookies.find((c) => c.name === 'xf_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
    });
    expect(await page.evaluate(() => document.cookie)).not.toContain('xf_session');

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(1000);
    expect(readFileSync(SCREENSHOT).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  },
);

/** Collects what Chromium reports about Content-Security-Policy on a page. */
function cspViolations(page: import('playwright-core').Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

it.skipIf(!haveChromium)(
  'runs the chat page and the API docs under their Content-Security-Policy, with nothing refused',
  async () => {
    const page = await context!.newPage();
    const violations = cspViolations(page);
    const res = await page.goto(`${base}/`);
    expect(res!.headers()['content-security-policy']).toContain("script-src 'self' 'sha256-");
    await expect.poll(() => page.locator('.msg.bot').count()).toBe(1);
    await page.fill('#text', 'hi');
    await page.press('#text', 'Enter');
    await expect
      .poll(() => page.locator('.msg.bot').count(), { timeout: 15_000 })
      .toBeGreaterThan(1);
    // The inline style applied: the header has the brand colour.
    expect(await page.locator('header').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe(
      'rgb(47, 111, 237)',
    );

    const docs = await context!.newPage();
    const docsViolations = cspViolations(docs);
    await docs.goto(`${base}/docs`);
    await docs
      .locator('.swagger-ui .info .title', { hasText: 'xuefen API' })
      .waitFor({ timeout: 20_000 });
    expect(await docs.locator('.opblock').count()).toBeGreaterThan(10);
    expect([...violations, ...docsViolations]).toEqual([]);
  },
);

it.skipIf(!haveChromium)(
  'follows an invite link to the web chat, which applies the code on its first turn',
  async () => {
    const inviter = await h.services.users.upsert({
      channel: 'web',
      externalId: 'e2e-inviter',
      displayName: 'Inviter',
    });
    const { code } = await h.services.referrals.info(inviter.user.id);
    const page = await context!.newPage();
    const violations = cspViolations(page);
    await page.goto(`${base}/r/${code}`);
    expect(await page.locator('h1').textContent()).toBe('加入学分 xuefen');
    await page.locator('a.go', { hasText: '网页' }).click();
    await page.locator('.msg.me', { hasText: code }).waitFor({ timeout: 15_000 });
    await expect
      .poll(() => page.locator('.msg.bot').count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    // The code left the address bar, so a reload does not send it again.
    expect(new URL(page.url()).search).toBe('');
    await expect
      .poll(async () => (await h.services.referrals.info(inviter.user.id)).invited, {
        timeout: 15_000,
      })
      .toBe(1);
    expect(violations).toEqual([]);
  },
);
