// An app served on a free loopback port and a headless Debian Chromium (playwright-core) with a
// profile of its own, for the page tests. close() ends both and removes the profile.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { chromium, type BrowserContext } from 'playwright-core';
import type { App } from '../../src/http/app.js';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** Whether Chromium is installed; when not, says so once for the named test file. */
export function chromiumFor(file: string): boolean {
  const have = existsSync(CHROMIUM);
  if (!have)
    console.warn(
      `[${file}] skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`,
    );
  return have;
}

export interface BrowserOnApp {
  base: string;
  context: BrowserContext;
  close(): Promise<void>;
}

export async function browserOnApp(
  app: App,
  options: { locale: string; viewport?: { width: number; height: number } },
): Promise<BrowserOnApp> {
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) =>
    server.listening ? resolve() : server.once('listening', () => resolve()),
  );
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const profile = mkdtempSync(join(tmpdir(), 'xuefen-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    ...options,
  });
  return {
    base,
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
