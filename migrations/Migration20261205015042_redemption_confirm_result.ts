import { Migration } from '@mikro-orm/migrations';

/**
 * A quote remembers what it was for (ref_id: the course or item) and what confirming it answered
 * (result), so a confirm needs no catalog look-up and a repeated confirm replays the answer.
 */
export class Migration20261205015042_redemption_confirm_result extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "redeem_quote" add column "ref_id" bigint null, add column "result" jsonb null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "redeem_quote" drop column "ref_id", drop column "result";`);
  }
}
