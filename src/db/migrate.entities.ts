// The repeatable migration step's record (src/db/migrate-repeatable.ts).
import { defineEntity } from '@mikro-orm/core';

/** Each SQL source file (src/ledger/sql/) with its checksum as last applied. */
export const SqlSourceApplied = defineEntity({
  name: 'SqlSourceApplied',
  tableName: 'sql_source_applied',
  properties: (p) => ({
    name: p.string().length(100).primary(),
    sha256: p.string().length(64),
    appliedAt: p.datetime().columnType('timestamptz').defaultRaw('now()'),
  }),
});
