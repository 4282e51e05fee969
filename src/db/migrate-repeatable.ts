// Repeatable migrations (Flyway's R__ files): code the database runs, kept as plain SQL files
// that are the only place it lives, applied after the versioned migrations whenever a file's
// checksum differs from the one recorded in sql_source_applied.
//
// A change to any file re-creates the whole set: every function named xf_% is dropped (with
// the triggers that use it), then every composite type named xf_% (the functions' argument
// types), and the files run again in name order. Files reference each other
// (a trigger names a function, a function another's signature), so applying one changed file
// alone could leave an old overload or a renamed function behind; dropping them all first means
// a function or type deleted from the files does not linger. It runs in one transaction under an
// advisory lock, so two processes starting at once apply it once, and PGlite (one connection)
// takes the same path. Versioned migrations must not create xf_% functions any more.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { query, type Em } from './sql.js';

export interface SqlSource {
  name: string;
  sql: string;
  sha256: string;
}

/** Any number, the same in every process: the lock that serialises the repeatable step. */
const LOCK_KEY = 1_897_411_018;

export const DROP_LEDGER_CODE = /* sql */ `
do $$
declare
  f regprocedure;
  ty regtype;
begin
  for f in select p.oid::regprocedure from pg_proc p
            where p.proname like 'xf\\_%' and p.pronamespace = current_schema()::regnamespace loop
    execute 'drop function ' || f || ' cascade';
  end loop;
  for ty in select y.oid::regtype from pg_type y join pg_class c on c.oid = y.typrelid and c.relkind = 'c'
             where y.typname like 'xf\\_%' and y.typnamespace = current_schema()::regnamespace loop
    execute 'drop type ' || ty || ' cascade';
  end loop;
end $$;`;

/** The .sql files of a directory, in name order, with their checksums. */
export function readSqlSources(dir: URL): SqlSource[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => {
      const sql = readFileSync(new URL(name, dir), 'utf8');
      return { name, sql, sha256: createHash('sha256').update(sql).digest('hex') };
    });
}

/** Drops every xf_% function and runs the files: the ledger's code as the files say. */
export async function applySqlSources(tx: Em, sources: SqlSource[]): Promise<void> {
  await query(tx, DROP_LEDGER_CODE);
  for (const s of sources) await query(tx, s.sql);
}

/** Applies the files when any differs from what was applied last; returns the changed names. */
export async function applyRepeatable(em: Em, sources: SqlSource[]): Promise<string[]> {
  return em.fork().transactional(async (tx) => {
    await query(tx as Em, `select pg_advisory_xact_lock(${LOCK_KEY})`);
    const applied = new Map(
      (
        await query<{ name: string; sha256: string }>(
          tx as Em,
          `select name, sha256 from sql_source_applied`,
        )
      ).map((r) => [r.name, r.sha256]),
    );
    const changed = sources.filter((s) => applied.get(s.name) !== s.sha256).map((s) => s.name);
    const gone = [...applied.keys()].filter((n) => !sources.some((s) => s.name === n));
    if (!changed.length && !gone.length) return [];
    await applySqlSources(tx as Em, sources);
    await query(tx as Em, `delete from sql_source_applied`);
    for (const s of sources) {
      await query(tx as Em, `insert into sql_source_applied (name, sha256) values (?, ?)`, [
        s.name,
        s.sha256,
      ]);
    }
    return [...changed, ...gone];
  });
}
