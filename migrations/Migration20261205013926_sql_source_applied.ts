import { Migration } from '@mikro-orm/migrations';

/**
 * From here on the ledger's functions and triggers are not in versioned migrations: they live as
 * plain SQL in src/ledger/sql/ and are applied after the versioned migrations whenever a file
 * changed (src/db/migrate-repeatable.ts). Table sql_source_applied records each file's checksum as applied.
 *
 * And one idempotency format: outcomes stored by the TypeScript withIdempotency (status 201, the
 * bare value) become what xf_idem_finish stores ({status: 'ok', value}, status 200), so a replay
 * of a request made before this version reads the same as one made after.
 */
export class Migration20261205013926_sql_source_applied extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "sql_source_applied" ("name" varchar(100) not null, "sha256" varchar(64) not null, "applied_at" timestamptz not null default now(), constraint "sql_source_applied_pkey" primary key ("name"));`,
    );
    this.addSql(
      `update idempotency_record set response = jsonb_build_object('status', 'ok', 'value', response), status = 200
        where status = 201 and response is not null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `update idempotency_record set response = response->'value', status = 201
        where status = 200 and response->>'status' = 'ok' and response ? 'value'
          and (select count(*) from jsonb_object_keys(response)) = 2;`,
    );
    this.addSql(`drop table if exists "sql_source_applied" cascade;`);
  }
}
