// With the database out of reach every route answers 503 `unavailable` with Retry-After (it
// used to be 500 `internal`), so clients and load balancers back off and retry. On PostgreSQL the
// test database stops taking connections and its sessions are terminated; a second case puts a
// TCP proxy between the service and PostgreSQL and closes it (connection refused). On PGlite the
// embedded instance is closed under the service.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import {
  createHarness,
  http,
  newUser,
  uniqueKey,
  ADMIN_KEY,
  type Harness,
} from './support/harness.js';
import { urlFor, withAdmin } from './support/pg-admin.js';
import { createConfig } from '../src/config.js';
import { createOrm } from '../src/db/orm.js';
import { createServices } from '../src/app.services.js';
import { createApp, type App } from '../src/http/app.js';
import { createLogger } from '../src/shared/logger.js';

/** Answered from code and memory, not from the database (metrics must be scrapeable during an outage). */
const STATIC = new Set(['/v1/categories', '/metrics']);

type OpenApi = { paths: Record<string, Record<string, unknown>> };

/** A request for every operation of the document: ids of real rows, and valid bodies where we have them. */
function requests(
  doc: OpenApi,
  userId: number,
): { method: string; path: string; body?: unknown; headers?: Record<string, string> }[] {
  const bodies: Record<string, unknown> = {
    'POST /v1/users': { channel: 'web', externalId: 'down-1' },
    'POST /v1/admin/grants': { userId, amount: 5, reason: 'down' },
    'POST /v1/admin/deductions': { userId, amount: 5, reason: 'down' },
    'POST /v1/admin/holds': { userId, amount: 5, reason: 'down' },
    'POST /v1/chat': {
      user: { channel: 'telegram', externalId: 'down-chat' },
      text: '我有多少积分',
    },
    'POST /v1/users/{id}/checkins': {},
    'POST /v1/users/{id}/redemptions': { kind: 'course', slug: 'python-basics' },
    'POST /v1/users/{id}/link-code': {},
    'PUT /v1/admin/faq/{id}': {
      questions: { zh: ['问'], en: ['q'] },
      answer: { zh: '答', en: 'a' },
    },
  };
  const out = [];
  for (const [template, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops)) {
      const key = `${method.toUpperCase()} ${template}`;
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) =>
        name === 'id'
          ? String(userId)
          : name === 'slug'
            ? 'python-basics'
            : name === 'ref'
              ? `sbx_${'0'.repeat(32)}`
              : '1',
      );
      out.push({
        method: method.toUpperCase(),
        path,
        body: bodies[key] ?? (method === 'get' ? undefined : {}),
        headers: { 'idempotency-key': uniqueKey('down') },
        key,
      });
    }
  }
  return out;
}

async function expectUnavailable(app: App, doc: OpenApi, userId: number) {
  const api = http(app);
  const fivexx: string[] = [];
  let unavailable = 0;
  for (const r of requests(doc, userId)) {
    const res = await api(r.method, r.path, { body: r.body, headers: r.headers });
    if (res.status >= 500 && res.status !== 503)
      fivexx.push(`${r.method} ${r.path} → ${res.status} ${res.text.slice(0, 120)}`);
    // Every read that passes validation (some need query parameters), and every write with a
    // valid body, reaches the database: a 503 with Retry-After.
    const mustReach =
      r.method === 'GET'
        ? res.status !== 400 && !STATIC.has(r.path)
        : r.body !== undefined && JSON.stringify(r.body) !== '{}';
    if (res.status === 503) unavailable++;
    if (mustReach || res.status === 503) {
      expect(`${r.method} ${r.path} → ${res.status}`).toBe(`${r.method} ${r.path} → 503`);
      if (r.path === '/healthz') expect(res.body).toEqual({ status: 'unavailable' });
      else
        expect(res.body.error).toMatchObject({
          code: 'unavailable',
          message: expect.stringMatching(/database/),
        });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  }
  expect(fivexx).toEqual([]);
  console.log(`[http.unavailable] ${unavailable} routes answered 503`);
  expect(unavailable).toBeGreaterThanOrEqual(40);
  // Without a key the web chat needs the database for its session secret: 503 as well.
  const keyless = await http(app, {})('POST', '/v1/chat', {
    body: { user: { channel: 'web' }, text: 'hi' },
  });
  expect(keyless.status).toBe(503);
  expect(keyless.headers.get('retry-after')).toBeTruthy();
}

describe('database out of reach', () => {
  let h: Harness;
  let doc: OpenApi;
  let userId: number;
  let dbName: string;
  beforeAll(async () => {
    h = await createHarness();
    await h.services.catalog.seedDemo();
    userId = (await newUser(h, { balance: 100 })).id;
    doc = (await (await h.app.request('/openapi.json')).json()) as OpenApi;
    dbName = h.orm.config.get('dbName')!;
  });
  afterAll(async () => {
    if (h?.kind === 'postgres')
      await withAdmin((c) => c.query(`alter database "${dbName}" allow_connections true`));
    await h?.close();
  });

  it('answers 503 unavailable with Retry-After on every route, never 500', async () => {
    const before = await http(h.app)('GET', `/v1/users/${userId}/balance`);
    expect(before.status).toBe(200);
    if (h.kind === 'postgres') {
      await withAdmin(async (c) => {
        await c.query(`alter database "${dbName}" allow_connections false`);
        await c.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1`, [
          dbName,
        ]);
      });
    } else {
      const pglite = await (
        h.orm.config.get('driverOptions') as {
          connection: { pglite: () => PGlite | Promise<PGlite> };
        }
      ).connection.pglite();
      await pglite.close();
    }
    await expectUnavailable(h.app, doc, userId);
  });

  // A refused TCP connection only exists with a server to connect to.
  it.skipIf(process.env.XF_TEST_DB === 'pglite')(
    'answers 503 when connections to PostgreSQL are refused (server down; PostgreSQL only: PGlite has no TCP connection to refuse)',
    async () => {
      if (h.kind !== 'postgres') return;
      await withAdmin((c) => c.query(`alter database "${dbName}" allow_connections true`));
      const sockets = new Set<net.Socket>();
      const proxy = net.createServer((client) => {
        const server = net.connect(
          Number(new URL(urlFor(dbName)).port || 5432),
          new URL(urlFor(dbName)).hostname,
        );
        for (const s of [client, server]) {
          sockets.add(s);
          s.on('error', () => {});
        }
        client.pipe(server).pipe(client);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const url = new URL(urlFor(dbName));
      url.host = `127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
      const orm = await createOrm({ databaseUrl: url.toString(), poolMax: 4 });
      try {
        const config = createConfig({
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          ADMIN_API_KEYS: ADMIN_KEY,
          JOBS_INTERVAL_SECONDS: '0',
        });
        const app = createApp(
          createServices({ config, orm, logger: createLogger({ level: 'silent', pretty: false }) }),
        );
        expect((await http(app)('GET', `/v1/users/${userId}/balance`)).status).toBe(200);
        proxy.close();
        for (const s of sockets) s.destroy();
        await expectUnavailable(app, doc, userId);
      } finally {
        proxy.close();
        await orm.close(true);
      }
    },
  );
});
