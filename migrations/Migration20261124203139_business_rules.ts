import { Migration } from '@mikro-orm/migrations';

export class Migration20261124203139_business_rules extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "app_setting" ("key" varchar(100) not null, "value" jsonb not null, "created_at" timestamptz not null default now(), constraint "app_setting_pkey" primary key ("key"));`,
    );

    this.addSql(
      `create table "audit_log" ("id" bigserial primary key, "actor" varchar(200) not null, "action" varchar(60) not null, "subject" varchar(120) not null, "details" jsonb not null default '{}', "created_at" timestamptz not null default now());`,
    );
    this.addSql(`create index "audit_log_subject_idx" on "audit_log" ("subject", "id");`);

    this.addSql(
      `create table "checkin" ("id" bigserial primary key, "user_id" bigint not null, "local_date" varchar(10) not null, "streak" int not null, "points" int not null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(
      `alter table "checkin" add constraint "checkin_user_date_uq" unique ("user_id", "local_date");`,
    );

    this.addSql(
      `create table "community_member" ("id" bigserial primary key, "community" varchar(80) not null, "user_id" bigint not null, "joined_at" timestamptz not null default now());`,
    );
    this.addSql(`create index "community_member_user_idx" on "community_member" ("user_id");`);
    this.addSql(
      `alter table "community_member" add constraint "community_member_uq" unique ("community", "user_id");`,
    );

    this.addSql(
      `create table "coupon_code" ("code" varchar(40) not null, "user_id" bigint not null, "order_id" bigint not null, "item_id" bigint not null, "value_fen" int not null, "used_order_id" bigint null, "used_at" timestamptz null, "created_at" timestamptz not null default now(), constraint "coupon_code_pkey" primary key ("code"));`,
    );
    this.addSql(`create index "coupon_code_user_idx" on "coupon_code" ("user_id");`);

    this.addSql(
      `create table "course" ("id" bigserial primary key, "slug" varchar(80) not null, "title_zh" varchar(200) not null, "title_en" varchar(200) not null, "description_zh" text not null default '', "description_en" text not null default '', "category" varchar(40) not null, "tags" jsonb not null default '[]', "aliases" jsonb not null default '[]', "price_fen" bigint not null, "points_price" bigint null, "hot" boolean not null default false, "vip_free" boolean not null default false, "members_only_tier" varchar(16) null, "active" boolean not null default true, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint course_price_ck check (price_fen >= 0), constraint course_points_price_ck check (points_price is null or points_price >= 0), constraint course_members_only_ck check (members_only_tier is null or members_only_tier in ('advanced', 'vip')));`,
    );
    this.addSql(`alter table "course" add constraint "course_slug_uq" unique ("slug");`);
    this.addSql(`create index "course_category_idx" on "course" ("category");`);

    this.addSql(
      `create table "earning_rule" ("code" varchar(60) not null, "trigger" varchar(60) not null, "title_zh" varchar(200) not null, "title_en" varchar(200) not null, "description_zh" text not null default '', "description_en" text not null default '', "amount" int null, "rate_per_yuan" int null, "streak_bonus" int null, "max_points" int null, "daily_limit" int null, "total_limit" int null, "monthly_limit" int null, "cooldown_seconds" int null, "actor_daily_max" int null, "apply_multiplier" boolean not null default true, "pending_days" int null, "active" boolean not null default true, "starts_at" timestamptz null, "ends_at" timestamptz null, "sort_order" int not null default 0, "updated_at" timestamptz not null default now(), "updated_by" varchar(200) not null default 'system', constraint "earning_rule_pkey" primary key ("code"), constraint earning_rule_amount_ck check ((amount is null) <> (rate_per_yuan is null)), constraint earning_rule_positive_ck check (coalesce(amount, 1) >= 0 and coalesce(rate_per_yuan, 1) >= 0));`,
    );

    this.addSql(
      `create table "enrollment" ("id" bigserial primary key, "user_id" bigint not null, "course_id" bigint not null, "order_id" bigint null, "source" varchar(16) not null, "status" varchar(16) not null default 'active', "created_at" timestamptz not null default now(), "revoked_at" timestamptz null, constraint enrollment_status_ck check (status in ('active', 'revoked', 'merged')), constraint enrollment_source_ck check (source in ('points', 'paid', 'vip_free', 'admin')));`,
    );
    this.addSql(`create index "enrollment_user_idx" on "enrollment" ("user_id");`);
    this.addSql(`create index "enrollment_course_idx" on "enrollment" ("course_id");`);

    this.addSql(
      `create table "learning_event" ("id" bigserial primary key, "event_key" varchar(200) not null, "request_hash" varchar(64) not null, "user_id" bigint not null, "type" varchar(60) not null, "data" jsonb not null default '{}', "outcome" jsonb not null default '{}', "occurred_at" timestamptz not null default now(), "created_at" timestamptz not null default now());`,
    );
    this.addSql(
      `alter table "learning_event" add constraint "learning_event_key_uq" unique ("event_key");`,
    );
    this.addSql(`create index "learning_event_user_idx" on "learning_event" ("user_id", "id");`);

    this.addSql(
      `create table "link_code" ("code_hash" varchar(64) not null, "user_id" bigint not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "used_by_user_id" bigint null, "created_at" timestamptz not null default now(), constraint "link_code_pkey" primary key ("code_hash"));`,
    );
    this.addSql(`create index "link_code_user_idx" on "link_code" ("user_id");`);

    this.addSql(
      `create table "mall_item" ("id" bigserial primary key, "slug" varchar(80) not null, "title_zh" varchar(200) not null, "title_en" varchar(200) not null, "description_zh" text not null default '', "description_en" text not null default '', "kind" varchar(16) not null, "points_price" bigint not null, "stock" int null, "per_user_limit" int null, "coupon_value_fen" int null, "trial_tier" varchar(16) null, "trial_days" int null, "aliases" jsonb not null default '[]', "active" boolean not null default true, "available_from" timestamptz null, "available_until" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint mall_item_stock_ck check (stock is null or stock >= 0), constraint mall_item_points_ck check (points_price >= 0), constraint mall_item_limit_ck check (per_user_limit is null or per_user_limit > 0), constraint mall_item_kind_ck check (kind in ('physical', 'digital', 'coupon', 'membership')));`,
    );
    this.addSql(`alter table "mall_item" add constraint "mall_item_slug_uq" unique ("slug");`);

    this.addSql(
      `create table "membership" ("user_id" bigint not null primary key, "tier" varchar(16) not null default 'normal', "earned365" bigint not null default 0, "trial_tier" varchar(16) null, "trial_until" timestamptz null, "effective_tier" varchar(16) not null default 'normal', "updated_at" timestamptz not null default now(), constraint membership_tier_ck check (tier in ('normal', 'advanced', 'vip')), constraint membership_trial_tier_ck check (trial_tier is null or trial_tier in ('advanced', 'vip')));`,
    );

    this.addSql(
      `create table "moderator_grant" ("id" bigserial primary key, "idempotency_key" varchar(200) not null, "moderator_user_id" bigint not null, "user_id" bigint not null, "community" varchar(80) not null, "points" int not null, "reason" varchar(500) not null, "award_id" bigint not null, "entry_id" bigint not null, "local_date" varchar(10) not null, "undone_at" timestamptz null, "undone_by" varchar(200) null, "undo_entry_id" bigint null, "created_at" timestamptz not null default now(), constraint moderator_grant_points_ck check (points > 0));`,
    );
    this.addSql(
      `alter table "moderator_grant" add constraint "moderator_grant_key_uq" unique ("idempotency_key");`,
    );
    this.addSql(
      `create index "moderator_grant_moderator_idx" on "moderator_grant" ("moderator_user_id", "created_at");`,
    );

    this.addSql(
      `create table "moderator_role" ("id" bigserial primary key, "user_id" bigint not null, "community" varchar(80) not null, "granted_by" varchar(200) not null, "granted_at" timestamptz not null default now(), "revoked_at" timestamptz null, "revoked_by" varchar(200) null);`,
    );
    this.addSql(`create index "moderator_role_user_idx" on "moderator_role" ("user_id");`);

    this.addSql(
      `create table "payment_event" ("event_id" varchar(100) not null, "provider" varchar(40) not null, "type" varchar(60) not null, "payment_ref" varchar(100) not null, "payload" jsonb not null, "outcome" varchar(60) null, "received_at" timestamptz not null default now(), constraint "payment_event_pkey" primary key ("event_id"));`,
    );

    this.addSql(
      `create table "redeem_quote" ("id" varchar(40) not null, "user_id" bigint not null, "kind" varchar(16) not null, "slug" varchar(80) not null, "quantity" int not null, "unit_points" bigint not null, "points_total" bigint not null, "discount_pct" int not null, "expires_at" timestamptz not null, "used_order_id" bigint null, "created_at" timestamptz not null default now(), constraint "redeem_quote_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "redeem_quote_user_idx" on "redeem_quote" ("user_id");`);

    this.addSql(
      `create table "referral" ("id" bigserial primary key, "invitee_user_id" bigint not null, "inviter_user_id" bigint not null, "code" varchar(32) not null, "status" varchar(16) not null default 'active', "join_awarded_at" timestamptz null, "purchase_order_id" bigint null, "note" varchar(200) null, "created_at" timestamptz not null default now(), constraint referral_not_self_ck check (inviter_user_id <> invitee_user_id), constraint referral_status_ck check (status in ('active', 'void')));`,
    );
    this.addSql(
      `alter table "referral" add constraint "referral_invitee_uq" unique ("invitee_user_id");`,
    );
    this.addSql(`create index "referral_inviter_idx" on "referral" ("inviter_user_id");`);

    this.addSql(
      `create table "referral_code" ("code" varchar(32) not null, "user_id" bigint not null, "created_at" timestamptz not null default now(), constraint "referral_code_pkey" primary key ("code"));`,
    );
    this.addSql(`create index "referral_code_user_idx" on "referral_code" ("user_id");`);

    this.addSql(
      `create table "course_review" ("id" bigserial primary key, "user_id" bigint not null, "course_id" bigint not null, "rating" int not null, "comment" text not null default '', "created_at" timestamptz not null default now(), constraint course_review_rating_ck check (rating between 1 and 5));`,
    );
    this.addSql(`create index "course_review_course_idx" on "course_review" ("course_id");`);
    this.addSql(
      `alter table "course_review" add constraint "course_review_user_course_uq" unique ("user_id", "course_id");`,
    );

    this.addSql(
      `create table "reward_award" ("id" bigserial primary key, "user_id" bigint not null, "rule_code" varchar(60) not null, "source_key" varchar(200) not null, "base_points" int not null, "multiplier_permille" int not null, "points" int not null, "status" varchar(16) not null, "entry_id" bigint not null, "release_entry_id" bigint null, "reverse_entry_id" bigint null, "release_at" timestamptz null, "order_id" bigint null, "actor" varchar(200) not null, "local_date" varchar(10) not null, "metadata" jsonb not null default '{}', "created_at" timestamptz not null default now(), constraint reward_award_status_ck check (status in ('granted', 'pending', 'released', 'reversed')), constraint reward_award_points_ck check (points > 0));`,
    );
    this.addSql(
      `alter table "reward_award" add constraint "reward_award_source_uq" unique ("source_key");`,
    );
    this.addSql(
      `create index "reward_award_user_rule_idx" on "reward_award" ("user_id", "rule_code", "created_at");`,
    );
    this.addSql(`create index "reward_award_created_idx" on "reward_award" ("created_at");`);
    this.addSql(`create index "reward_award_order_idx" on "reward_award" ("order_id");`);

    this.addSql(
      `create table "sandbox_charge" ("ref" varchar(100) not null, "merchant_order_id" varchar(100) not null, "amount_fen" bigint not null, "currency" varchar(3) not null, "description" varchar(300) not null, "status" varchar(16) not null, "refunded_fen" bigint not null default 0, "refund_keys" jsonb not null default '[]', "expires_at" timestamptz not null, "created_at" timestamptz not null default now(), constraint "sandbox_charge_pkey" primary key ("ref"), constraint sandbox_charge_status_ck check (status in ('pending', 'succeeded', 'failed', 'cancelled')), constraint sandbox_charge_refund_ck check (refunded_fen >= 0 and refunded_fen <= amount_fen));`,
    );

    this.addSql(
      `create table "shop_order" ("id" bigserial primary key, "user_id" bigint not null, "kind" varchar(16) not null, "course_id" bigint null, "item_id" bigint null, "quantity" int not null default 1, "unit_points" bigint not null default 0, "points_charged" bigint not null default 0, "discount_pct" int not null default 0, "price_fen" bigint not null default 0, "coupon_fen" bigint not null default 0, "amount_fen" bigint not null default 0, "status" varchar(20) not null, "address" jsonb null, "quote_id" varchar(40) null, "entry_id" bigint null, "hold_id" bigint null, "coupon_code" varchar(40) null, "payment_ref" varchar(100) null, "pay_url" varchar(500) null, "expires_at" timestamptz null, "paid_at" timestamptz null, "refund_window_ends_at" timestamptz null, "refunded_at" timestamptz null, "refund_ref" varchar(100) null, "status_history" jsonb not null default '[]', "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint shop_order_kind_ck check (kind in ('course', 'item', 'paid_course')), constraint shop_order_status_ck check (status in ('completed', 'placed', 'shipped', 'delivered', 'cancelled', 'pending_payment', 'paid', 'failed', 'expired', 'refunding', 'refunded')), constraint shop_order_amounts_ck check (points_charged >= 0 and amount_fen >= 0 and quantity > 0));`,
    );
    this.addSql(
      `alter table "shop_order" add constraint "shop_order_payment_ref_uq" unique ("payment_ref");`,
    );
    this.addSql(`create index "shop_order_user_idx" on "shop_order" ("user_id", "id");`);
    this.addSql(`create index "shop_order_item_user_idx" on "shop_order" ("item_id", "user_id");`);
    this.addSql(`create index "shop_order_status_idx" on "shop_order" ("status", "expires_at");`);

    this.addSql(
      `create table "tier_change" ("id" bigserial primary key, "user_id" bigint not null, "from_tier" varchar(16) not null, "to_tier" varchar(16) not null, "reason" varchar(40) not null, "earned365" bigint not null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(`create index "tier_change_user_idx" on "tier_change" ("user_id", "id");`);

    this.addSql(
      `alter table "app_user" add column "merged_into_id" bigint null, add column "merged_at" timestamptz null;`,
    );
    // Hand-written: partial unique indexes, foreign keys to users, and the default earning rules.
    this.addSql(HAND_UP);
  }

  override async down(): Promise<void> {
    this.addSql(HAND_DOWN);
    this.addSql(`drop table if exists "app_setting" cascade;`);

    this.addSql(`drop table if exists "audit_log" cascade;`);

    this.addSql(`drop table if exists "checkin" cascade;`);

    this.addSql(`drop table if exists "community_member" cascade;`);

    this.addSql(`drop table if exists "coupon_code" cascade;`);

    this.addSql(`drop table if exists "course" cascade;`);

    this.addSql(`drop table if exists "earning_rule" cascade;`);

    this.addSql(`drop table if exists "enrollment" cascade;`);

    this.addSql(`drop table if exists "learning_event" cascade;`);

    this.addSql(`drop table if exists "link_code" cascade;`);

    this.addSql(`drop table if exists "mall_item" cascade;`);

    this.addSql(`drop table if exists "membership" cascade;`);

    this.addSql(`drop table if exists "moderator_grant" cascade;`);

    this.addSql(`drop table if exists "moderator_role" cascade;`);

    this.addSql(`drop table if exists "payment_event" cascade;`);

    this.addSql(`drop table if exists "redeem_quote" cascade;`);

    this.addSql(`drop table if exists "referral" cascade;`);

    this.addSql(`drop table if exists "referral_code" cascade;`);

    this.addSql(`drop table if exists "course_review" cascade;`);

    this.addSql(`drop table if exists "reward_award" cascade;`);

    this.addSql(`drop table if exists "sandbox_charge" cascade;`);

    this.addSql(`drop table if exists "shop_order" cascade;`);

    this.addSql(`drop table if exists "tier_change" cascade;`);

    this.addSql(`alter table "app_user" drop column "merged_into_id", drop column "merged_at";`);
  }
}

const HAND_UP = /* sql */ `
create unique index enrollment_active_uq on enrollment (user_id, course_id) where status = 'active';
create unique index moderator_role_active_uq on moderator_role (user_id, community) where revoked_at is null;
create index reward_award_pending_idx on reward_award (release_at) where status = 'pending';
create index app_user_merged_idx on app_user (merged_into_id) where merged_into_id is not null;
alter table reward_award add constraint reward_award_user_fk foreign key (user_id) references app_user (id);
alter table checkin add constraint checkin_user_fk foreign key (user_id) references app_user (id);
alter table shop_order add constraint shop_order_user_fk foreign key (user_id) references app_user (id);
alter table enrollment add constraint enrollment_user_fk foreign key (user_id) references app_user (id);
alter table enrollment add constraint enrollment_course_fk foreign key (course_id) references course (id);
alter table membership add constraint membership_user_fk foreign key (user_id) references app_user (id);
alter table course_review add constraint course_review_user_fk foreign key (user_id) references app_user (id);
alter table course_review add constraint course_review_course_fk foreign key (course_id) references course (id);
alter table referral add constraint referral_invitee_fk foreign key (invitee_user_id) references app_user (id);
alter table referral add constraint referral_inviter_fk foreign key (inviter_user_id) references app_user (id);
alter table moderator_role add constraint moderator_role_user_fk foreign key (user_id) references app_user (id);
alter table app_user add constraint app_user_merged_into_fk foreign key (merged_into_id) references app_user (id);

insert into earning_rule (code, trigger, title_zh, title_en, description_zh, description_en, amount, rate_per_yuan,
  streak_bonus, max_points, daily_limit, total_limit, monthly_limit, cooldown_seconds, actor_daily_max,
  apply_multiplier, pending_days, sort_order) values
('purchase.course', 'purchase.course', '购买课程', 'Buy a course',
 '每支付 1 元得 5 积分，退款期（7 天）结束后到账', '5 points per ¥1 paid; credited when the 7-day refund window closes',
 null, 5, null, null, null, null, null, null, null, true, 7, 10),
('purchase.other', 'purchase.completed', '其他消费', 'Other purchases',
 '每支付 1 元得 1 积分，退款期结束后到账', '1 point per ¥1 paid; credited when the refund window closes',
 null, 1, null, null, null, null, null, null, null, true, 7, 20),
('checkin.daily', 'checkin', '每日签到', 'Daily check-in',
 '每天签到得 10 积分，连续签到每天多 10 分，最多 70 分', '10 points a day, +10 for each day in a row, up to 70',
 10, null, 10, 70, 1, null, null, null, null, true, null, 30),
('lesson.completed', 'lesson.completed', '完成课时', 'Complete a lesson',
 '每完成一节课得 5 积分，每天最多 10 次', '5 points per lesson completed, up to 10 a day',
 5, null, null, null, 10, null, null, 60, null, true, null, 40),
('quiz.passed', 'quiz.passed', '通过课后测验', 'Pass a lesson quiz',
 '每通过一次测验得 20 积分，每天最多 5 次', '20 points per quiz passed, up to 5 a day',
 20, null, null, null, 5, null, null, 60, null, true, null, 50),
('review.posted', 'review.posted', '首次评价课程', 'First course review',
 '第一次评价已报名的课程得 50 积分', '50 points for your first review of a course you are enrolled in',
 50, null, null, null, null, 1, null, null, null, true, null, 60),
('referral.joined', 'referral.joined', '邀请好友', 'Invite a friend',
 '好友通过你的邀请码加入并首次互动，你得 500 积分（每月最多 20 位）', '500 points when a friend you invited first interacts (up to 20 friends a month)',
 500, null, null, null, null, null, 20, null, null, true, null, 70),
('referral.first_purchase', 'referral.first_purchase', '好友首次购课', 'Friend''s first purchase',
 '受邀好友首次付费购课，你再得 1000 积分（退款期结束后到账）', '1,000 more points at your invited friend''s first paid purchase (credited after the refund window)',
 1000, null, null, null, null, null, 20, null, null, true, 7, 80),
('moderator.grant', 'moderator.grant', '社群任务奖励', 'Community task reward',
 '社群管理员为完成任务的成员发放积分（每次最多 500 分）', 'Moderators reward community tasks (up to 500 points per grant)',
 500, null, null, null, null, null, null, null, 5000, false, null, 90);
`;

const HAND_DOWN = /* sql */ `
delete from earning_rule;
alter table app_user drop constraint if exists app_user_merged_into_fk;
drop index if exists app_user_merged_idx;
`;
