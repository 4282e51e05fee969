// Module boundaries, checked by `npm run lint`. Table ownership inside SQL text is checked by
// eslint-rules/own-tables.js; this file checks imports.
const DOMAIN = '^src/(ledger|membership|catalog|rewards|orders|assistant|settings|shared|db)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles (type-only imports included) make modules impossible to read alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-imports-no-adapter',
      severity: 'error',
      comment: 'Domain rules never import HTTP, pages, bots or their libraries.',
      from: { path: DOMAIN },
      to: {
        path: [
          '^src/(http|web)/',
          '^bots/',
          '^src/(app\\.services|main|bots|jobs)\\.ts$',
          'node_modules/(hono|@hono|grammy|@grammyjs|discord\\.js)/',
        ],
      },
    },
    {
      name: 'entities-stay-in-their-module',
      severity: 'error',
      comment:
        "A module's tables are read and written only inside it: src/<a>/ imports only src/<a>/*.entities.ts. Exceptions: the ORM's entity list, and entity files, whose relations declare foreign keys to another module's rows.",
      from: {
        path: '^src/([^/]+)/',
        pathNot: ['^src/db/entities\\.ts$', '\\.entities\\.ts$', '\\.test\\.ts$'],
      },
      to: { path: '^src/[^/]+/[^/]+\\.entities\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'assistant-sees-no-database',
      severity: 'error',
      comment: 'The assistant talks to the services it is given, never to the ORM.',
      from: { path: '^src/assistant/(dialog|nlu|replies)/' },
      to: { path: ['^src/db/', 'node_modules/@mikro-orm/'] },
    },
    {
      name: 'error-codes-import-nothing',
      severity: 'error',
      comment:
        "A module's error codes (src/<module>/<module>.errors.ts) form ErrorCode in src/shared/errors.ts; importing anything would make a cycle.",
      from: { path: '^src/[^/]+/[^/]+\\.errors\\.ts$' },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
