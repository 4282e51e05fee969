// The service as a user runs it: `tsx src/main.ts` on the test project's database (PGlite in a
// data directory, or a PostgreSQL database of its own). A bad setting stops the start with one
// line; SIGTERM finishes in-flight requests and closes the database; a restart keeps every point.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultKind, newPostgresDatabase } from './support/harness.js';

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
  rmSync(dataDir, { recursive: true, force: true });
  await dropDatabase();
});

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, LOG_PRETTY: 'false', LOG_LEVEL: 'info', DATABASE_URL: databaseUrl, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ADMIN_API_KEYS: KEY, JOBS_INTERVAL_SECONDS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(Number(m[1]));
      }
    }, 50);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`exited before listening:\n${out}`));
    });
  });
  port.catch(() => undefined); // a test that expects an early exit never awaits the port
  return { child, port, exited, output: () => out };
}

async function api(port: number, method: string, path: string, body?: unknown, key = 'g1') {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const stop = async (p: { child: ChildProcess; exited: Promise<number | null> }) => {
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
    const inFlight = Array.from({ length: 20 }, (_, i) => api(port, 'POST', '/v1/admin/grants', { userId: user.body.id, amount: 100, reason: 'r' }, `g-${i}`));
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
