import { Migration } from '@mikro-orm/migrations';

export class Migration20261124200413_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "idempotency_record" ("key" varchar(200) not null, "request_hash" varchar(64) not null, "status" int null, "response" jsonb null, "created_at" timestamptz not null default now(), constraint "idempotency_record_pkey" primary key ("key"));`,
    );

    this.addSql(
      `create table "ledger_account" ("id" bigserial primary key, "code" varchar(64) not null, "kind" varchar(16) not null, "user_id" bigint null, "balance" bigint not null default 0, "held" bigint not null default 0, "created_at" timestamptz not null default now(), constraint ledger_account_kind_ck check (kind in ('wallet', 'pending', 'system')), constraint ledger_account_non_negative_ck check (kind = 'system' or (balance >= 0 and held >= 0 and held <= balance)), constraint ledger_account_owner_ck check ((kind = 'system') = (user_id is null)));`,
    );
    this.addSql(
      `alter table "ledger_account" add constraint "ledger_account_code_uq" unique ("code");`,
    );
    this.addSql(
      `alter table "ledger_account" add constraint "ledger_account_user_kind_uq" unique ("user_id", "kind");`,
    );

    this.addSql(
      `create table "ledger_entry" ("id" bigserial primary key, "idempotency_key" varchar(200) not null, "kind" varchar(40) not null, "actor" varchar(200) not null, "reason" varchar(500) not null, "metadata" jsonb not null default '{}', "reverses_entry_id" bigint null, "hold_id" bigint null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(
      `alter table "ledger_entry" add constraint "ledger_entry_idempotency_key_uq" unique ("idempotency_key");`,
    );
    this.addSql(
      `alter table "ledger_entry" add constraint "ledger_entry_reverses_uq" unique ("reverses_entry_id");`,
    );

    this.addSql(
      `create table "ledger_hold" ("id" bigserial primary key, "account_id" bigint not null, "amount" bigint not null, "status" varchar(16) not null default 'active', "posted_amount" bigint null, "entry_id" bigint null, "kind" varchar(40) not null, "actor" varchar(200) not null, "reason" varchar(500) not null, "metadata" jsonb not null default '{}', "expires_at" timestamptz not null, "created_at" timestamptz not null default now(), "resolved_at" timestamptz null, constraint ledger_hold_amount_ck check (amount > 0), constraint ledger_hold_status_ck check (status in ('active', 'posted', 'voided', 'expired')), constraint ledger_hold_posted_ck check ((status = 'posted') = (posted_amount is not null) and coalesce(posted_amount, 0) between 0 and amount));`,
    );
    this.addSql(
      `create index "ledger_hold_account_status_idx" on "ledger_hold" ("account_id", "status");`,
    );

    this.addSql(
      `create table "ledger_lot" ("id" bigserial primary key, "account_id" bigint not null, "entry_id" bigint not null, "amount" bigint not null, "remaining" bigint not null, "expires_at" timestamptz null, "created_at" timestamptz not null default now(), constraint ledger_lot_amount_ck check (amount > 0), constraint ledger_lot_remaining_ck check (remaining >= 0 and remaining <= amount));`,
    );
    this.addSql(`create index "ledger_lot_entry_idx" on "ledger_lot" ("entry_id");`);
    this.addSql(
      `create index "ledger_lot_account_idx" on "ledger_lot" ("account_id", "expires_at");`,
    );

    this.addSql(
      `create table "ledger_lot_use" ("id" bigserial primary key, "entry_id" bigint not null, "lot_id" bigint not null, "amount" bigint not null, constraint ledger_lot_use_amount_ck check (amount > 0));`,
    );
    this.addSql(`create index "ledger_lot_use_entry_idx" on "ledger_lot_use" ("entry_id");`);

    this.addSql(
      `create table "ledger_posting" ("id" bigserial primary key, "entry_id" bigint not null, "account_id" bigint not null, "amount" bigint not null, "created_at" timestamptz not null default now(), constraint ledger_posting_amount_ck check (amount <> 0));`,
    );
    this.addSql(`create index "ledger_posting_entry_idx" on "ledger_posting" ("entry_id");`);
    this.addSql(
      `create index "ledger_posting_account_idx" on "ledger_posting" ("account_id", "id");`,
    );

    this.addSql(
      `create table "app_user" ("id" bigserial primary key, "display_name" varchar(200) null, "language_code" varchar(8) not null default 'zh', "time_zone" varchar(64) not null default 'Asia/Shanghai', "created_at" timestamptz not null default now());`,
    );

    this.addSql(
      `create table "user_identity" ("id" bigserial primary key, "user_id" bigint not null, "channel" varchar(16) not null, "external_id" varchar(128) not null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(`create index "user_identity_user_idx" on "user_identity" ("user_id");`);
    this.addSql(
      `alter table "user_identity" add constraint "user_identity_channel_external_uq" unique ("channel", "external_id");`,
    );

    this.addSql(
      `alter table "user_identity" add constraint "user_identity_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "user_identity" drop constraint "user_identity_user_id_foreign";`);

    this.addSql(`drop table if exists "idempotency_record" cascade;`);

    this.addSql(`drop table if exists "ledger_account" cascade;`);

    this.addSql(`drop table if exists "ledger_entry" cascade;`);

    this.addSql(`drop table if exists "ledger_hold" cascade;`);

    this.addSql(`drop table if exists "ledger_lot" cascade;`);

    this.addSql(`drop table if exists "ledger_lot_use" cascade;`);

    this.addSql(`drop table if exists "ledger_posting" cascade;`);

    this.addSql(`drop table if exists "app_user" cascade;`);

    this.addSql(`drop table if exists "user_identity" cascade;`);
  }
}
