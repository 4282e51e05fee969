// The entities describe the schema the migrations build, foreign keys, checks and partial
// indexes included: the migration generator then finds nothing to do, and a new migration made
// with `npm run migration:create` holds only the change it is made for.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHarness, type Harness } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

it('finds no difference between the entities and the migrated database', async () => {
  const diff = await h.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
  expect(diff.trim()).toBe('');
});
