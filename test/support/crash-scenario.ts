// The parts both crash tests share: users with points to spend, and the closing check (balances
// over HTTP, a graceful stop, `npm run ledger:verify` as a process on that database, and the
// ledger audit read straight from the database).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createOrm, type DbTarget } from '../../src/db/orm.js';
import { auditLedger, readLedger, type Audit } from './ledger-audit.js';
import type { createLoad, Gate } from './crash-load.js';
import { stopGracefully, type ServiceProcess } from './service-process.js';
import type { Json } from './json.js';

const run = promisify(execFile);

export const CRASH_ADMIN_KEY = 'crash-test-admin-key-0123456789';

/** Settings of a service under test load: jobs off (the audit expects no entry it did not ask
 * for), and the per-user redemption limit off (six clients redeem for few users on purpose). */
export const loadEnv = (db: Record<string, string>) => ({
  ...db,
  ADMIN_API_KEYS: CRASH_ADMIN_KEY,
  JOBS_INTERVAL_SECONDS: '0',
  RATE_LIMIT_REDEEM_USER: 'off',
});

type Load = ReturnType<typeof createLoad>;

async function api(gate: Gate, method: string, path: string, body?: unknown) {
  const res = await fetch((await gate.wait()) + path, {
    method,
    headers: { authorization: `Bearer ${CRASH_ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

/** `count` users, each granted enough points (through the recorded load) for courses and items. */
export async function seedUsers(
  gate: Gate,
  load: Load,
  tag: string,
  count: number,
): Promise<number[]> {
  const users: number[] = [];
  for (let i = 0; i < count; i++) {
    const u = await api(gate, 'POST', '/v1/users', {
      channel: 'web',
      externalId: `${tag}-user-${i}`,
      displayName: `Crash ${i}`,
    });
    if (u.status !== 201)
      throw new Error(`creating a user answered ${u.status}: ${JSON.stringify(u.body)}`);
    users.push(u.body.id);
    const seed = await load.send(
      load.newCall('grant', u.body.id, '/v1/admin/grants', {
        userId: u.body.id,
        amount: 150_000,
        reason: 'crash test seed',
      }),
    );
    if (seed.status !== 201)
      throw new Error(`seeding a user answered ${seed.status}: ${JSON.stringify(seed.res)}`);
  }
  return users;
}

export interface Verdict {
  audit: Audit;
  /** Balances over HTTP that differ from what the successful requests add up to. */
  apiMismatches: string[];
  stopCode: number | null;
  verify: { code: number; out: string };
}

/** After the load has stopped: compares the service's and the database's view with the record. */
export async function closingCheck(opts: {
  gate: Gate;
  load: Load;
  users: number[];
  service: ServiceProcess;
  env: Record<string, string>;
  target: DbTarget;
}): Promise<Verdict> {
  const apiBalances = new Map<number, number>();
  for (const id of opts.users) {
    const b = await api(opts.gate, 'GET', `/v1/users/${id}/balance`);
    apiBalances.set(id, b.body.balance);
  }
  opts.gate.close();
  const stopCode = await stopGracefully(opts.service);

  const verify = await run('npm', ['run', '--silent', 'ledger:verify'], {
    env: { ...process.env, ...opts.env, LOG_PRETTY: 'false' },
  }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      out: `${e.stdout}${e.stderr}`,
    }),
  );

  const orm = await createOrm({ ...opts.target, poolMax: 2 });
  let rows;
  try {
    rows = await readLedger((sql) => orm.em.getConnection().execute(sql));
  } finally {
    await orm.close(true);
  }
  const audit = auditLedger(opts.load.calls, rows);
  const apiMismatches: string[] = [];
  for (const [id, balance] of apiBalances) {
    const want = audit.expectedBalances.get(id) ?? 0;
    if (balance !== want)
      apiMismatches.push(
        `user ${id}: the API says ${balance}, the successful requests add up to ${want}`,
      );
  }
  return { audit, apiMismatches, stopCode, verify };
}
