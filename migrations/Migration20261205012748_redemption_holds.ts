import { Migration } from '@mikro-orm/migrations';

/**
 * A quote can be the first step of a two-step redemption: it records the ledger hold that
 * reserves its points, the shipping address it was made for, and when it was cancelled.
 */
export class Migration20261205012748_redemption_holds extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "redeem_quote" add column "hold_id" bigint null, add column "address" jsonb null, add column "cancelled_at" timestamptz null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "redeem_quote" drop column "hold_id", drop column "address", drop column "cancelled_at";`,
    );
  }
}
