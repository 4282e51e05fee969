// A complete service stack on a fresh database for one test file: a clone of the migrated
// template on PostgreSQL, or an in-memory PGlite; a Stack on it with a clock the test moves; and
// the builders every test uses (users, funded or not, and the ledger check).
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createConfig } from '../../src/config.js';
import { createOrm, migrate, type Orm } from '../../src/db/orm.js';
import { createServices, type AppServices } from '../../src/app.services.js';
import { createApp, type App } from '../../src/http/app.js';
import { createLogger } from '../../src/shared/logger.js';
import { createManualClock, type ManualClock } from '../../src/shared/clock.js';
import { templateDb, urlFor, withAdmin } from './pg-admin.js';
import type { Json } from './json.js';

export const ADMIN_KEY = 'test-admin-key-0123456789';
export const SERVICE_KEY = 'test-service-key-0123456789';

export type DbKind = 'postgres' | 'pglite';

export interface Harness {
  kind: DbKind;
  orm: Orm;
  services: AppServices;
  app: App;
  close(): Promise<void>;
}

export const postgresAvailable = () => inject('postgres');

/**
 * Which database a file runs on: the vitest project's (XF_TEST_DB, `postgres` or `pglite`; the
 * suite runs every integration file in both), else PostgreSQL when reachable, PGlite otherwise.
 */
export function defaultKind(): DbKind {
  if (process.env.XF_TEST_DB === 'pglite') return 'pglite';
  return postgresAvailable() ? 'postgres' : 'pglite';
}

export async function createHarness(
  opts: {
    kind?: DbKind;
    env?: Record<string, string>;
    poolMax?: number;
    /** PGlite on disk (so a command can open it after close()) instead of in memory */ dataDir?: string;
  } = {},
): Promise<Harness> {
  const kind = opts.kind ?? defaultKind();
  let dbName: string | undefined;
  let orm: Orm;
  if (kind === 'postgres') {
    dbName = `xuefen_test_${inject('runId')}_${process.pid}_${randomBytes(4).toString('hex')}`;
    await cloneTemplate(dbName);
    orm = await createOrm({ databaseUrl: urlFor(dbName), poolMax: opts.poolMax ?? 20 });
  } else {
    orm = await createOrm({ dataDir: opts.dataDir });
    await migrate(orm);
  }
  const config = createConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ADMIN_API_KEYS: ADMIN_KEY,
    SERVICE_API_KEYS: SERVICE_KEY,
    JOBS_INTERVAL_SECONDS: '0',
    ...opts.env,
  });
  const logger = createLogger({ level: config.LOG_LEVEL, pretty: false });
  const services = createServices({ config, orm, logger });
  const app = createApp(services);
  return {
    kind,
    orm,
    services,
    app,
    async close() {
      await orm.close(true);
      if (dbName)
        await withAdmin((c) => c.query(`drop database if exists "${dbName}" with (force)`));
    },
  };
}

/** A migrated PostgreSQL database of its own (a clone of the run's template), for tests that run
 * the service or a command as a separate process. */
export async function newPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `xuefen_test_${inject('runId')}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await cloneTemplate(name);
  return {
    url: urlFor(name),
    drop: () =>
      withAdmin((c) => c.query(`drop database if exists "${name}" with (force)`)).then(
        () => undefined,
      ),
  };
}

async function cloneTemplate(name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await withAdmin((c) =>
        c.query(`create database "${name}" template "${templateDb(inject('runId'))}"`),
      );
      return;
    } catch (err) {
      // Two files cloning at the same instant: "source database is being accessed by other users".
      if (attempt >= 20 || (err as { code?: string }).code !== '55006') throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
}

let counter = 0;
export const uniqueKey = (prefix = 'k') => `${prefix}-${process.pid}-${Date.now()}-${++counter}`;

/** HTTP helper around app.request with JSON and auth. */
export function http(app: App, defaults: { key?: string } = { key: ADMIN_KEY }) {
  return async (
    method: string,
    path: string,
    opts: {
      body?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
      key?: string | null;
    } = {},
  ) => {
    const headers: Record<string, string> = { ...opts.headers };
    const key = opts.key === undefined ? defaults.key : opts.key;
    if (key) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && !headers['content-type'])
      headers['content-type'] = 'application/json';
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    let json: Json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, body: json, text, headers: res.headers };
  };
}

/** Services and app sharing the harness's ORM, with a manual clock and the demo catalog. */
export interface Stack {
  h: Harness;
  clock: ManualClock;
  s: AppServices;
  app: App;
  api: ReturnType<typeof http>;
}

/** A Stack on `h`'s database whose clock starts at `start` and moves only when the test says. */
export async function stackWithClock(
  h: Harness,
  start: Date | string = new Date(),
): Promise<Stack> {
  const clock = createManualClock(start);
  const s = createServices({
    config: h.services.config,
    orm: h.orm,
    logger: h.services.logger,
    clock,
  });
  await s.catalog.seedDemo();
  const app = createApp(s);
  return { h, clock, s, app, api: http(app) };
}

/** A user made the way a channel makes one, funded with `balance` points by a ledger credit
 * (on a Stack, at the Stack's clock). */
export async function newUser(
  on: Harness | Stack,
  opts: {
    balance?: number;
    channel?: 'telegram' | 'discord' | 'web';
    externalId?: string;
    name?: string;
  } = {},
) {
  const services = 'services' in on ? on.services : on.s;
  const { user } = await services.users.upsert({
    channel: opts.channel ?? 'web',
    externalId: opts.externalId ?? uniqueKey('u'),
    displayName: opts.name ?? 'Test User',
  });
  if (opts.balance) {
    await services.ledger.credit({
      key: uniqueKey('seed'),
      userId: user.id,
      amount: opts.balance,
      reason: 'test seed',
      actor: 'test',
    });
  }
  return user;
}

/** Throws unless the ledger verifies; returns its totals. */
export async function expectLedgerOk(s: AppServices) {
  const r = await s.ledgerQueries.verify();
  if (r.violations.length) throw new Error(`ledger violations: ${r.violations.join('; ')}`);
  return r.totals;
}
