import { Migration } from '@mikro-orm/migrations';

/**
 * Merge chains become one hop: every merged user points straight at the user that now owns its
 * accounts (a merge repoints earlier merges at its survivor from now on). Earlier versions left
 * chains (C → B → A) that grew with every link, and a service that stopped following them after
 * 8 hops answered 500 for the oldest ids. Data only; the chains are not worth restoring on down.
 */
export class Migration20261205000000_merge_chains_one_hop extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
with recursive chain(start, cur, depth) as (
  select id, merged_into_id, 1 from app_user where merged_into_id is not null
  union all
  select c.start, u.merged_into_id, c.depth + 1 from chain c join app_user u on u.id = c.cur
   where u.merged_into_id is not null and c.depth < 10000
)
update app_user a set merged_into_id = s.survivor
  from (select distinct on (start) start, cur as survivor from chain order by start, depth desc) s
 where a.id = s.start and a.merged_into_id <> s.survivor;`);
  }

  override async down(): Promise<void> {}
}
