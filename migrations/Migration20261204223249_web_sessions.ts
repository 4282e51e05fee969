import { Migration } from '@mikro-orm/migrations';

export class Migration20261204223249_web_sessions extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "web_session" ("id" bigserial primary key, "selector" varchar(32) not null, "secret_hash" varchar(64) not null, "previous_secret_hash" varchar(64) null, "web_key" varchar(128) not null, "created_at" timestamptz not null default now(), "last_used_at" timestamptz not null, "expires_at" timestamptz not null, "rotated_at" timestamptz not null, "revoked_at" timestamptz null);`,
    );
    this.addSql(
      `alter table "web_session" add constraint "web_session_selector_uq" unique ("selector");`,
    );
    this.addSql(
      `alter table "web_session" add constraint "web_session_web_key_uq" unique ("web_key");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "web_session" cascade;`);
  }
}
