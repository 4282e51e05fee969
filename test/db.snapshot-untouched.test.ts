// Running the migrations (service start-up, npm run migrate, every test database) must not write
// into the source tree: MikroORM rewrites migrations/.snapshot-xuefen.json after each run that
// applies a migration unless the snapshot is off, and only npm run migration:create turns it on.
import { readFileSync, statSync } from 'node:fs';
import { expect, it } from 'vitest';
import { createOrm, migrate } from '../src/db/orm.js';

const snapshot = new URL('../migrations/.snapshot-xuefen.json', import.meta.url);

it('migrating a fresh database leaves the committed snapshot as it is', async () => {
  const before = { text: readFileSync(snapshot, 'utf8'), mtime: statSync(snapshot).mtimeMs };
  const orm = await createOrm({});
  try {
    expect((await migrate(orm)).length).toBeGreaterThan(0);
  } finally {
    await orm.close();
  }
  expect(statSync(snapshot).mtimeMs).toBe(before.mtime);
  expect(readFileSync(snapshot, 'utf8')).toBe(before.text);
}, 120_000);
