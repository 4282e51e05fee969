// npm run build: tsc compiles the TypeScript only; the ledger's SQL source files, which the
// migration step reads at run time (src/db/migrate-repeatable.ts), are copied beside the output.
import { cpSync } from 'node:fs';

const outDir = process.argv[2] ?? 'dist';
cpSync('src/ledger/sql', `${outDir}/src/ledger/sql`, { recursive: true });
