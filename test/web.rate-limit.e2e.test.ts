// The web chat page in headless Chromium when its session is over the chat limit: the page
// says so in the user's language (with the wait from Retry-After) instead of a raw error.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHarness, type Harness } from './support/harness.js';
import { browserOnApp, chromiumFor, type BrowserOnApp } from './support/browser.js';

const haveChromium = chromiumFor('web.rate-limit.e2e');

let h: Harness;
let browser: BrowserOnApp | undefined;
let base = '';
let context: BrowserOnApp['context'] | undefined;

beforeAll(async () => {
  if (!haveChromium) return;
  h = await createHarness({ env: { RATE_LIMIT_CHAT_SESSION: '2/3600' } });
  browser = await browserOnApp(h.app, { locale: 'zh-CN' });
  ({ base, context } = browser);
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

it.skipIf(!haveChromium)('shows a friendly message when the chat is rate limited', async () => {
  const page = await context!.newPage();
  await page.goto(`${base}/`);
  for (const text of ['你好', '我有多少积分']) {
    const bots = await page.locator('.msg.bot').count();
    await page.fill('#text', text);
    await page.press('#text', 'Enter');
    await expect
      .poll(() => page.locator('.msg.bot').count(), { timeout: 15_000 })
      .toBeGreaterThan(bots);
  }
  await page.fill('#text', '签到');
  await page.press('#text', 'Enter');
  const refused = page.locator('.msg.bot', { hasText: '消息发得太快了' });
  await refused.first().waitFor({ timeout: 15_000 });
  expect(await refused.first().textContent()).toMatch(/请 \d+ 秒后再试/);
});
