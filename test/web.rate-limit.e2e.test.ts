// The web chat page in headless Chromium when its session is over the chat limit: the page
// says so in the user's language (with the wait from Retry-After) instead of a raw error.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHarness, type Harness } from './support/harness.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`[web.rate-limit.e2e] skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);

let h: Harness;
let server: ServerType | undefined;
let base = '';
let context: BrowserContext | undefined;
let profile: string | undefined;

beforeAll(async () => {
  if (!haveChromium) return;
  h = await createHarness({ env: { RATE_LIMIT_CHAT_SESSION: '2/3600' } });
  const s = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
  server = s;
  await new Promise<void>((resolve) => (s.listening ? resolve() : s.once('listening', () => resolve())));
  base = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  profile = mkdtempSync(join(tmpdir(), 'xuefen-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, locale: 'zh-CN' });
});

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await h?.close();
});

it.skipIf(!haveChromium)('shows a friendly message when the chat is rate limited', async () => {
  const page = await context!.newPage();
  await page.goto(`${base}/`);
  for (const text of ['你好', '我有多少积分']) {
    const bots = await page.locator('.msg.bot').count();
    await page.fill('#text', text);
    await page.press('#text', 'Enter');
    await expect.poll(() => page.locator('.msg.bot').count(), { timeout: 15_000 }).toBeGreaterThan(bots);
  }
  await page.fill('#text', '签到');
  await page.press('#text', 'Enter');
  const refused = page.locator('.msg.bot', { hasText: '消息发得太快了' });
  await refused.first().waitFor({ timeout: 15_000 });
  expect(await refused.first().textContent()).toMatch(/请 \d+ 秒后再试/);
});
