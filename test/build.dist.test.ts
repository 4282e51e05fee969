// The Docker image runs the compiled output (npm run build → dist/), not the sources: what the
// service reads at run time besides code (the ledger's SQL files) must be there, and the
// compiled migration command must build a database from nothing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

// Inside the checkout (test-results/ is ignored by git), so the build resolves node_modules.
mkdirSync('test-results', { recursive: true });
const out = mkdtempSync(join('test-results', 'dist-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('compiles to a build whose migrate command creates the ledger on an empty database', () => {
  const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
    execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  run('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', out]);
  run('node', ['scripts/copy-sql.mjs', out]);
  const printed = run('node', [join(out, 'scripts/migrate.js')], {
    DATABASE_URL: '',
    DATA_DIR: join(out, 'data'),
    NODE_ENV: 'production',
  });
  expect(printed).toMatch(/applied: .*Migration20261124200413_initial/);
  expect(printed).toMatch(/30-transfer\.sql/);
}, 180_000);
