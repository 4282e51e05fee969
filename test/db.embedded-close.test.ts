// The embedded database is shut down cleanly when the ORM closes: a sequence carries on from
// where it was, where a PostgreSQL that was not shut down replays its WAL and skips ahead 32.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createOrm, migrate } from '../src/db/orm.js';

const dir = mkdtempSync(join(tmpdir(), 'xuefen-close-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const nextEntryId = async () => {
  const orm = await createOrm({ dataDir: dir });
  try {
    await migrate(orm);
    const [row] = await orm.em
      .getConnection()
      .execute<{ n: string }[]>(`select nextval('ledger_entry_id_seq') as n`);
    return Number(row!.n);
  } finally {
    await orm.close(true);
  }
};

it('closes PGlite with the ORM, so the next start finds a cleanly shut down database', async () => {
  const first = await nextEntryId();
  expect(await nextEntryId()).toBe(first + 1);
  expect(await nextEntryId()).toBe(first + 2);
}, 60_000);
