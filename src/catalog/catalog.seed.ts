// The demo catalog, seeded the first time the service starts: a settings flag records that it
// ran, so later starts change nothing.
import { claimSetting } from '../settings/settings.js';
import { inTransaction, query, type Em } from '../db/sql.js';
import { DEMO_COURSES, DEMO_MALL_ITEMS } from './data/demo-catalog.js';

/** Seeds the demo catalog the first time the service starts; later starts change nothing. */
export async function seedDemoCatalog(em: Em): Promise<{ seeded: boolean }> {
  return inTransaction(em, async (tx) => {
    if (!(await claimSetting(tx, 'catalog.demo_seeded', true))) return { seeded: false };
    for (const c of DEMO_COURSES) {
      await query(
        tx,
        `insert into course (slug, title_zh, title_en, description_zh, description_en, category, tags, aliases, price_fen, hot, vip_free)
         values (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?) on conflict (slug) do nothing`,
        [
          c.slug,
          c.titleZh,
          c.titleEn,
          c.descriptionZh,
          c.descriptionEn,
          c.category,
          JSON.stringify(c.tags),
          JSON.stringify(c.aliases),
          c.priceFen,
          c.hot,
          c.vipFree,
        ],
      );
    }
    for (const i of DEMO_MALL_ITEMS) {
      const coupon = i.kind === 'coupon' ? 2000 : null;
      const trial = i.kind === 'membership' ? { tier: 'vip', days: 7 } : null;
      await query(
        tx,
        `insert into mall_item (slug, title_zh, title_en, description_zh, description_en, kind, points_price, stock, per_user_limit,
           coupon_value_fen, trial_tier, trial_days, aliases)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) on conflict (slug) do nothing`,
        [
          i.slug,
          i.titleZh,
          i.titleEn,
          i.descriptionZh,
          i.descriptionEn,
          i.kind,
          i.pointsPrice,
          i.stock,
          i.perUserLimit,
          coupon,
          trial?.tier ?? null,
          trial?.days ?? null,
          JSON.stringify(i.aliases),
        ],
      );
    }
    return { seeded: true };
  });
}
