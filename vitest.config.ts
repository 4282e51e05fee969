import { defineConfig } from 'vitest/config';

// Every integration file in test/ runs twice, once per database (XF_TEST_DB picks it in
// test/support/harness.ts), so a defect that shows on only one of them fails the suite. Pure rules
// and the files that start the embedded process themselves run once.
const once = [
  'src/**/*.test.ts',
  'bots/**/*.test.ts',
  'test/chat.terminal.test.ts',
  'test/db.embedded-close.test.ts',
  'test/discord.interactions.test.ts',
  'test/telegram.main.test.ts',
  'test/support/*.test.ts',
  'test/architecture.doc.test.ts',
  'test/db.snapshot-untouched.test.ts',
  'test/build.dist.test.ts',
];
const integration = ['test/**/*.test.ts'];
const onceInTest = once.filter((p) => p.startsWith('test/'));

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // In CI a JSON report is written too, so .ci/run can print a plain "N passed, N failed" line.
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]]
      : ['default'],
    projects: [
      { extends: true, test: { name: 'once', include: once } },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: integration,
          exclude: onceInTest,
          env: { XF_TEST_DB: 'postgres' },
        },
      },
      {
        extends: true,
        test: {
          name: 'pglite',
          include: integration,
          exclude: onceInTest,
          env: { XF_TEST_DB: 'pglite' },
        },
      },
    ],
  },
});
