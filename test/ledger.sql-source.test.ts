// The ledger's functions and triggers live only in src/ledger/sql/: a migrated database holds
// exactly what those files make (an edit by hand, a function missing from the files or one
// they do not have fails here), a database migrated step by step from the oldest migration ends
// like a fresh one, and one at the last version before the SQL files migrates up with its data.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOrm, LEDGER_SQL_DIR, migrate, type Orm } from '../src/db/orm.js';
import { applyRepeatable, applySqlSources, readSqlSources } from '../src/db/migrate-repeatable.js';
import { query, type Em } from '../src/db/sql.js';
import { verifyLedger } from '../src/ledger/ledger.verify.js';
import { mergedUserIds } from '../src/membership/user.lock.js';
import { withIdempotency } from '../src/ledger/idempotency.js';
import { migrationsList } from '../migrations/index.js';
import { createHarness, type Harness } from './support/harness.js';
import { urlFor, withAdmin } from './support/pg-admin.js';

const LAST_BEFORE_SQL_FILES = 'Migration20261205000000_merge_chains_one_hop';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

type Defs = Record<string, string>;

/** Every ledger function (by signature) and every trigger with its definition. */
async function ledgerCode(em: Em): Promise<Defs> {
  const fns = await query<{ k: string; d: string }>(
    em,
    `select p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as k,
            pg_get_functiondef(p.oid) as d
       from pg_proc p where p.proname like 'xf\\_%' and p.pronamespace = current_schema()::regnamespace`,
  );
  const triggers = await query<{ k: string; d: string }>(
    em,
    `select 'trigger ' || tgname as k, pg_get_triggerdef(oid) as d from pg_trigger where not tgisinternal`,
  );
  return Object.fromEntries([...fns, ...triggers].map((r) => [r.k, r.d]));
}

/** Tables, columns, constraints and indexes, besides the ledger's code. */
async function schema(em: Em): Promise<Defs> {
  const rows = await query<{ k: string; d: string }>(
    em,
    `select 'column ' || table_name || '.' || column_name as k,
            concat_ws(' ', data_type, character_maximum_length, is_nullable, column_default) as d
       from information_schema.columns where table_schema = current_schema()
     union all
     select 'constraint ' || conrelid::regclass || '.' || conname, pg_get_constraintdef(oid)
       from pg_constraint where connamespace = current_schema()::regnamespace
     union all
     select 'index ' || indexname, indexdef from pg_indexes where schemaname = current_schema()`,
  );
  return { ...Object.fromEntries(rows.map((r) => [r.k, r.d])), ...(await ledgerCode(em)) };
}

/** The code the files make, applied over the database's own in a transaction rolled back. */
async function codeFromFiles(em: Em, change?: (tx: Em) => Promise<unknown>) {
  const rollback = new Error('rollback');
  let found: { database: Defs; files: Defs } | undefined;
  await em
    .fork()
    .transactional(async (tx) => {
      await change?.(tx as Em);
      const database = await ledgerCode(tx as Em);
      await applySqlSources(tx as Em, readSqlSources(LEDGER_SQL_DIR));
      found = { database, files: await ledgerCode(tx as Em) };
      throw rollback;
    })
    .catch((err: unknown) => {
      if (err !== rollback) throw err;
    });
  return found!;
}

describe('the ledger SQL files', () => {
  it('are every ledger function and trigger of a migrated database, as they are there', async () => {
    const { database, files } = await codeFromFiles(h.orm.em as Em);
    expect(Object.keys(database).filter((k) => k.startsWith('xf_')).length).toBeGreaterThan(20);
    expect(database).toEqual(files);
  });

  it('tell a function edited by hand, a missing one and an extra one', async () => {
    const edited = await codeFromFiles(h.orm.em as Em, (tx) =>
      query(
        tx,
        `create or replace function xf_error(p_code text, p_message text, p_details jsonb default null)
         returns jsonb language plpgsql immutable as $$ begin return null; end $$`,
      ),
    );
    expect(edited.database['xf_error(p_code text, p_message text, p_details jsonb)']).not.toBe(
      edited.files['xf_error(p_code text, p_message text, p_details jsonb)'],
    );
    const extra = await codeFromFiles(h.orm.em as Em, (tx) =>
      query(
        tx,
        `create function xf_extra() returns int language plpgsql as $$ begin return 1; end $$`,
      ),
    );
    expect(Object.keys(extra.database)).toContain('xf_extra()');
    expect(Object.keys(extra.files)).not.toContain('xf_extra()');
    const missing = await codeFromFiles(h.orm.em as Em, (tx) =>
      query(tx, `drop function xf_hold_void(jsonb)`),
    );
    expect(Object.keys(missing.database)).not.toContain('xf_hold_void(p jsonb)');
    expect(Object.keys(missing.files)).toContain('xf_hold_void(p jsonb)');
  });
});

describe('the repeatable step', () => {
  it('applies changed files once when two processes start together, and then nothing', async () => {
    const db = await emptyDatabase();
    try {
      await migrate(db.orm);
      const em = db.orm.em as Em;
      await query(
        em.fork(),
        `update sql_source_applied set sha256 = 'old' where name = '30-transfer.sql'`,
      );
      const sources = readSqlSources(LEDGER_SQL_DIR);
      const both = await Promise.all([applyRepeatable(em, sources), applyRepeatable(em, sources)]);
      expect(both.map((applied) => applied.join()).sort()).toEqual(['', '30-transfer.sql']);
      expect(await applyRepeatable(em, sources)).toEqual([]);
      expect(await ledgerCode(em.fork())).toEqual(await ledgerCode(h.orm.em.fork() as Em));
    } finally {
      await db.drop();
    }
  });
});

/** An empty database of this file's own: PostgreSQL or an in-memory PGlite. */
async function emptyDatabase(): Promise<{ orm: Orm; drop(): Promise<void> }> {
  if (h.kind === 'pglite') {
    const orm = await createOrm({});
    return { orm, drop: () => orm.close(true) };
  }
  const name = `xuefen_test_${inject('runId')}_${process.pid}_src_${randomBytes(4).toString('hex')}`;
  await withAdmin((c) => c.query(`create database "${name}"`));
  const orm = await createOrm({ databaseUrl: urlFor(name), poolMax: 2 });
  return {
    orm,
    async drop() {
      await orm.close(true);
      await withAdmin((c) => c.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

describe('migrating up', () => {
  it('from the oldest migration one step at a time ends identical to a fresh database', async () => {
    const db = await emptyDatabase();
    try {
      for (const m of migrationsList) await db.orm.getMigrator().up({ to: m.name });
      await migrate(db.orm);
      expect(await schema(db.orm.em.fork() as Em)).toEqual(await schema(h.orm.em.fork() as Em));
    } finally {
      await db.drop();
    }
  });

  it('from the last version before the SQL files keeps the ledger data sound', async () => {
    const db = await emptyDatabase();
    try {
      await db.orm.getMigrator().up({ to: LAST_BEFORE_SQL_FILES });
      const em = db.orm.em.fork() as Em;
      await query(em, `insert into app_user (display_name) values ('a'), ('b')`);
      await query(
        em,
        `insert into ledger_account (code, kind, user_id) select 'wallet:' || id, 'wallet', id from app_user`,
      );
      const ids = await query<{ id: string }>(
        em,
        `select id from ledger_account where kind = 'wallet' order by id`,
      );
      const [a, b] = ids.map((r) => Number(r.id));
      const issuance = Number(
        (
          await query<{ id: string }>(em, `select id from ledger_account where code = 'issuance'`)
        )[0]!.id,
      );
      const transfer = (key: string, from: number, to: number, amount: number) =>
        query<{ r: { status: string; entryId: number } }>(em, `select xf_transfer(?::jsonb) as r`, [
          JSON.stringify({
            key,
            hash: key,
            kind: 'grant.admin',
            actor: 'test',
            reason: 'before the upgrade',
            postings: [
              { account: from, amount: -amount },
              { account: to, amount },
            ],
            expiry: { months: 12, tz: 'UTC' },
          }),
        ]);
      await transfer('old-1', issuance, a!, 100);
      await transfer('old-2', a!, b!, 30);
      await query(em, `select xf_hold_reserve(?::jsonb)`, [
        JSON.stringify({
          key: 'old-3',
          hash: 'h3',
          account: b,
          amount: 10,
          ttlSeconds: 600,
          kind: 'deduct.hold',
          actor: 'test',
          reason: 'r',
        }),
      ]);
      // An outcome the TypeScript idempotency wrapper stored before there was one mechanism.
      await query(
        em,
        `insert into idempotency_record (key, request_hash, response, status) values ('redeem:1:old', 'h', '{"orderId": 5}', 201)`,
      );

      await migrate(db.orm);

      const after = db.orm.em.fork() as Em;
      expect((await verifyLedger(after, { mergedUserIds })).violations).toEqual([]);
      const replay = await after
        .fork()
        .transactional((tx) =>
          withIdempotency(tx as Em, 'redeem:1:old', 'h', async () => ({ orderId: 6 })),
        );
      expect(replay).toEqual({ value: { orderId: 5 }, replayed: true });
      const again = await query<{ r: { status: string } }>(
        after,
        `select xf_transfer(?::jsonb) as r`,
        [
          JSON.stringify({
            key: 'new-1',
            hash: 'n1',
            kind: 'grant.admin',
            actor: 'test',
            reason: 'after the upgrade',
            postings: [
              { account: b, amount: -5 },
              { account: a, amount: 5 },
            ],
          }),
        ],
      );
      expect(again[0]!.r.status).toBe('ok');
      expect((await verifyLedger(after, { mergedUserIds })).violations).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});
