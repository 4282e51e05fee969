// The service as a user runs it: `tsx src/main.ts` on the test project's database (PGlite in a
// data directory, or a PostgreSQL database of its own). A bad setting stops the start with one
// line; SIGTERM finishes in-flight requests and closes the database; a restart keeps every point.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultKind, newPostgresDatabase } from './support/harness.js';
import { killAllStarted, startService, type ServiceProcess } from './support/service-process.js';

const KEY = 'process-test-admin-key-0123456789';
const kind = defaultKind();
const dataDir = mkdtempSync(join(tmpdir(), 'xuefen-main-'));
let databaseUrl = '';
let dropDatabase = async () => {};
beforeAll(async () => {
  if (kind !== 'postgres') return;
  const db = await newPostgresDatabase();
  databaseUrl = db.url;
  dropDatabase = db.drop;
});
afterAll(async () => {
  await killAllStarted();
  rmSync(dataDir, { recursive: true, force: true });
  await dropDatabase();
});

const start = (env: Record<string, string>) =>
  startService({ DATABASE_URL: databaseUrl, DATA_DIR: dataDir, ADMIN_API_KEYS: KEY, ...env });

async function api(port: number, method: string, path: string, body?: unknown, key = 'g1') {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${KEY}`,
      'content-type': 'application/json',
      'idempotency-key': key,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const stop = async (p: ServiceProcess) => {
  p.child.kill('SIGTERM');
  return p.exited;
};

describe(`the service process on ${kind}`, () => {
  it('refuses a bad setting with one line naming the variable', async () => {
    const p = start({ PORT: 'not-a-port' });
    expect(await p.exited).toBe(78);
    expect(p.output().trim()).toMatch(/^invalid configuration: PORT: /);
    expect(p.output().trim().split('\n')).toHaveLength(1);
  });

  it('keeps data across a graceful restart', async () => {
    const first = start({});
    const port = await first.port;
    const user = await api(port, 'POST', '/v1/users', { channel: 'web', externalId: 'restart' });
    expect(user.status).toBe(201);
    // Requests in flight when SIGTERM arrives still complete.
    const inFlight = Array.from({ length: 20 }, (_, i) =>
      api(
        port,
        'POST',
        '/v1/admin/grants',
        { userId: user.body.id, amount: 100, reason: 'r' },
        `g-${i}`,
      ),
    );
    await Promise.race(inFlight); // the server is busy with the batch when the signal arrives
    first.child.kill('SIGTERM');
    const results = await Promise.allSettled(inFlight);
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('stopped');
    const done = results.filter((r) => r.status === 'fulfilled' && r.value.status === 201).length;
    expect(done).toBeGreaterThan(0);
    // Whatever was accepted was answered; nothing got a 5xx.
    for (const r of results) if (r.status === 'fulfilled') expect(r.value.status).toBe(201);

    const second = start({});
    const port2 = await second.port;
    const balance = await api(port2, 'GET', `/v1/users/${user.body.id}/balance`);
    expect(balance.body.balance).toBe(done * 100);
    expect(await stop(second)).toBe(0);
  });
});
