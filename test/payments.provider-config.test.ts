// PAYMENT_PROVIDER (issue 17, defect 3): with `none` nothing can be bought with money (503
// payments_unavailable, nothing held or recorded) and the sandbox's pages are not served at all;
// points redemptions keep working. The sandbox never starts in production without its opt-in.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHarness,
  http,
  uniqueKey,
  type Harness,
  expectLedgerOk,
  stackWithClock,
  newUser,
  type Stack,
} from './support/harness.js';
import { query } from '../src/db/sql.js';

interface Reply {
  text: string;
  buttons?: { id: string; url?: string }[];
}

let h: Harness;
let st: Stack;
beforeAll(async () => {
  h = await createHarness({ env: { PAYMENT_PROVIDER: 'none' } });
  st = await stackWithClock(h);
});
afterAll(async () => h?.close());

describe('PAYMENT_PROVIDER=none', () => {
  it('does not serve the sandbox pages, nor list them in the OpenAPI document', async () => {
    const ref = 'sbx_0123456789abcdef0123456789abcdef';
    expect((await st.app.request(`/sandbox/pay/${ref}?token=1.${'A'.repeat(43)}`)).status).toBe(
      404,
    );
    for (const action of ['succeed', 'fail']) {
      const res = await st.app.request(`/sandbox/pay/${ref}/${action}`, { method: 'POST' });
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe('not_found');
    }
    const doc = (await http(st.app)('GET', '/openapi.json', { key: null })).body;
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/sandbox'))).toEqual([]);
    expect(Object.keys(doc.paths)).toContain('/v1/users/{id}/orders');
  });

  it('answers 503 payments_unavailable to buying with money, holding and recording nothing', async () => {
    const u = await newUser(st, { balance: 3000 });
    const key = uniqueKey('buy');
    const res = await st.api('POST', `/v1/users/${u.id}/orders`, {
      body: { courseSlug: 'personal-finance', points: 2970 },
      headers: { 'idempotency-key': key },
    });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({
      code: 'payments_unavailable',
      details: { provider: 'none' },
    });
    expect(res.body.error.message).toMatch(/switched off/);
    expect(await query(st.s.em, `select id from shop_order where user_id = ?`, [u.id])).toEqual([]);
    expect(await st.s.account.balance(u.id)).toMatchObject({
      balance: 3000,
      held: 0,
      available: 3000,
    });

    // A provider's webhook is told to come back later, not that it was wrong.
    const hook = await st.api('POST', '/v1/payments/webhook', {
      rawBody: '{"id":"evt_1"}',
      headers: { 'x-sandbox-signature': `t=1,v1=${'0'.repeat(64)}` },
      key: null,
    });
    expect(hook.status).toBe(503);
    expect(hook.body.error.code).toBe('payments_unavailable');

    // Points still buy courses.
    const redeemed = await st.api('POST', `/v1/users/${u.id}/redemptions`, {
      body: {
        kind: 'item',
        slug: 'notebook',
        address: { name: 'A', phone: '+86 138 0000 0000', line1: 'x', city: 'y' },
      },
      headers: { 'idempotency-key': uniqueKey('r') },
    });
    expect(redeemed.status).toBe(201);
    await expectLedgerOk(st.s);
  });

  it('the chat assistant says payments are unavailable instead of giving a link', async () => {
    const ext = uniqueKey('tg');
    const chat = await st.api('POST', '/v1/chat', {
      body: {
        user: { channel: 'telegram', externalId: ext },
        text: 'buy the deep learning course',
      },
    });
    expect(chat.status).toBe(200);
    const replies: Reply[] = chat.body.replies;
    const text = replies.map((r) => r.text).join('\n');
    expect(text).toContain("Paying with money isn't available right now");
    expect(replies.flatMap((r) => r.buttons ?? []).filter((b) => b.url)).toEqual([]);
  });
});

describe('the sandbox in production', () => {
  it('refuses to start with one line unless PAYMENT_SANDBOX_IN_PRODUCTION=true', async () => {
    // A fresh data directory: should the start go ahead, it must not touch anything else.
    const dataDir = mkdtempSync(join(tmpdir(), 'xuefen-pay-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PAYMENT_PROVIDER: 'sandbox',
        PAYMENT_SANDBOX_IN_PRODUCTION: '',
        DATABASE_URL: '',
        DATA_DIR: dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_PRETTY: 'false',
        JOBS_INTERVAL_SECONDS: '0',
        ADMIN_API_KEYS: 'pay-test-admin-key-0123456789',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    // A service that starts anyway is stopped once it listens, so the test fails instead of hanging.
    const listening = setInterval(() => /listening on/.test(out) && child.kill('SIGTERM'), 100);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve)).finally(
      () => {
        clearInterval(listening);
        rmSync(dataDir, { recursive: true, force: true });
      },
    );
    expect(code).toBe(78);
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(out.trim()).toMatch(
      /^invalid configuration: PAYMENT_PROVIDER: .*PAYMENT_SANDBOX_IN_PRODUCTION=true/,
    );
  });
});
