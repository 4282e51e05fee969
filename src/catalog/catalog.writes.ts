// Admin writes of courses and mall items: an input's defined fields become columns, jsonb
// where the column is, so create and update take the same partial shapes.
import { DomainError } from '../shared/errors.js';
import { query, type Em } from '../db/sql.js';
import type { CourseInput, MallItemInput } from './catalog.views.js';

export const COURSE_COLS: Record<keyof Omit<CourseInput, 'slug'>, string> = {
  titleZh: 'title_zh',
  titleEn: 'title_en',
  descriptionZh: 'description_zh',
  descriptionEn: 'description_en',
  category: 'category',
  tags: 'tags',
  aliases: 'aliases',
  priceFen: 'price_fen',
  pointsPrice: 'points_price',
  hot: 'hot',
  vipFree: 'vip_free',
  membersOnlyTier: 'members_only_tier',
  active: 'active',
};
export const ITEM_COLS: Record<keyof Omit<MallItemInput, 'slug'>, string> = {
  titleZh: 'title_zh',
  titleEn: 'title_en',
  descriptionZh: 'description_zh',
  descriptionEn: 'description_en',
  kind: 'kind',
  pointsPrice: 'points_price',
  stock: 'stock',
  perUserLimit: 'per_user_limit',
  couponValueFen: 'coupon_value_fen',
  trialTier: 'trial_tier',
  trialDays: 'trial_days',
  aliases: 'aliases',
  active: 'active',
  availableFrom: 'available_from',
  availableUntil: 'available_until',
};
const JSON_COLS = new Set(['tags', 'aliases']);

export async function insertRow(
  em: Em,
  table: string,
  cols: Record<string, string>,
  input: Record<string, unknown>,
): Promise<void> {
  const names = ['slug'];
  const values: unknown[] = [input.slug];
  for (const [prop, col] of Object.entries(cols)) {
    if (input[prop] === undefined) continue;
    names.push(col);
    values.push(JSON_COLS.has(col) ? JSON.stringify(input[prop]) : input[prop]);
  }
  const placeholders = names.map((n) => (JSON_COLS.has(n) ? '?::jsonb' : '?')).join(', ');
  const inserted = await query(
    em,
    `insert into ${table} (${names.join(', ')}) values (${placeholders}) on conflict (slug) do nothing returning id`,
    values,
  );
  if (!inserted.length)
    throw new DomainError('already_exists', `"${String(input.slug)}" already exists`, {
      slug: input.slug,
    });
}

export async function updateRow(
  em: Em,
  table: string,
  cols: Record<string, string>,
  slug: string,
  patch: Record<string, unknown>,
): Promise<boolean> {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [prop, col] of Object.entries(cols)) {
    if (patch[prop] === undefined) continue;
    sets.push(`${col} = ${JSON_COLS.has(col) ? '?::jsonb' : '?'}`);
    values.push(JSON_COLS.has(col) ? JSON.stringify(patch[prop]) : patch[prop]);
  }
  sets.push('updated_at = now()');
  const rows = await query(
    em,
    `update ${table} set ${sets.join(', ')} where slug = ? returning id`,
    [...values, slug],
  );
  return rows.length > 0;
}

export function assertItemShape(i: {
  kind: string;
  couponValueFen?: number | null;
  trialTier?: string | null;
  trialDays?: number | null;
}) {
  if (i.kind === 'coupon' && !i.couponValueFen)
    throw new DomainError('invalid_input', 'a coupon item needs couponValueFen');
  if (i.kind === 'membership' && (!i.trialTier || !i.trialDays))
    throw new DomainError('invalid_input', 'a membership item needs trialTier and trialDays');
}
