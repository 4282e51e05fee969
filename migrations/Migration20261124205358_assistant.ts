import { Migration } from '@mikro-orm/migrations';

/**
 * The assistant's tables (dialog sessions, FAQ, support tickets) and identity usernames.
 * Generated, then trimmed to these objects: the generator also proposes to drop the
 * hand-written foreign keys and CHECK constraints of earlier migrations, which must stay.
 */
export class Migration20261124205358_assistant extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "assistant_session" ("user_id" bigint primary key, "state" jsonb not null default '{}', "updated_at" timestamptz not null default now());`,
    );
    this.addSql(
      `create table "faq_entry" ("id" varchar(64) not null, "questions_zh" jsonb not null, "questions_en" jsonb not null, "answer_zh" text not null, "answer_en" text not null, "active" boolean not null default true, "updated_at" timestamptz not null default now(), constraint "faq_entry_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create table "support_ticket" ("id" bigserial primary key, "user_id" bigint not null, "channel" varchar(16) not null, "message" text not null, "transcript" jsonb not null default '[]', "status" varchar(16) not null default 'open', "note" text null, "created_at" timestamptz not null default now(), "closed_at" timestamptz null);`,
    );
    this.addSql(`create index "support_ticket_user_idx" on "support_ticket" ("user_id");`);
    this.addSql(`create index "support_ticket_status_idx" on "support_ticket" ("status", "id");`);
    this.addSql(`alter table "user_identity" add column "username" varchar(64) null;`);
    this.addSql(`create index "user_identity_username_idx" on "user_identity" ("username");`);
    this.addSql(
      `alter table "assistant_session" add constraint "assistant_session_user_fk" foreign key ("user_id") references "app_user" ("id");`,
    );
    this.addSql(
      `alter table "support_ticket" add constraint "support_ticket_user_fk" foreign key ("user_id") references "app_user" ("id");`,
    );
    this.addSql(
      `alter table "support_ticket" add constraint "support_ticket_status_ck" check (status in ('open', 'closed'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "assistant_session" cascade;`);
    this.addSql(`drop table if exists "faq_entry" cascade;`);
    this.addSql(`drop table if exists "support_ticket" cascade;`);
    this.addSql(`drop index "user_identity_username_idx";`);
    this.addSql(`alter table "user_identity" drop column "username";`);
  }
}
