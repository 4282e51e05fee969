// Courses and mall items: public listing, bilingual search and detail, admin CRUD, and the
// one-time demo seed. Other modules read the catalog through this service.
import { DomainError } from '../shared/errors.js';
import { audit } from '../shared/audit.js';
import { claimSetting } from '../settings/settings.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import {
  CATEGORY_NAMES,
  DEMO_COURSES,
  DEMO_MALL_ITEMS,
  type MallItemKind,
} from './data/demo-catalog.js';
import { coursePointsPrice, searchEntries } from './catalog.rules.js';
import type { Tier } from '../membership/membership.rules.js';

export interface CourseView {
  id: number;
  slug: string;
  titleZh: string;
  titleEn: string;
  descriptionZh: string;
  descriptionEn: string;
  category: string;
  tags: string[];
  aliases: string[];
  priceFen: number;
  pointsPrice: number;
  pointsPriceOverride: number | null;
  hot: boolean;
  vipFree: boolean;
  membersOnlyTier: Exclude<Tier, 'normal'> | null;
  active: boolean;
}

export interface CourseDetail extends CourseView {
  rating: { average: number | null; count: number };
}

export interface MallItemView {
  id: number;
  slug: string;
  titleZh: string;
  titleEn: string;
  descriptionZh: string;
  descriptionEn: string;
  kind: MallItemKind;
  pointsPrice: number;
  stock: number | null;
  perUserLimit: number | null;
  couponValueFen: number | null;
  trialTier: Exclude<Tier, 'normal'> | null;
  trialDays: number | null;
  aliases: string[];
  active: boolean;
  availableFrom: string | null;
  availableUntil: string | null;
}

export interface CourseInput {
  slug: string;
  titleZh: string;
  titleEn: string;
  descriptionZh?: string;
  descriptionEn?: string;
  category: string;
  tags?: string[];
  aliases?: string[];
  priceFen: number;
  pointsPrice?: number | null;
  hot?: boolean;
  vipFree?: boolean;
  membersOnlyTier?: 'advanced' | 'vip' | null;
  active?: boolean;
}

export interface MallItemInput {
  slug: string;
  titleZh: string;
  titleEn: string;
  descriptionZh?: string;
  descriptionEn?: string;
  kind: MallItemKind;
  pointsPrice: number;
  stock?: number | null;
  perUserLimit?: number | null;
  couponValueFen?: number | null;
  trialTier?: 'advanced' | 'vip' | null;
  trialDays?: number | null;
  aliases?: string[];
  active?: boolean;
  availableFrom?: string | null;
  availableUntil?: string | null;
}

type Row = Record<string, any>;

const COURSE_COLS: Record<keyof Omit<CourseInput, 'slug'>, string> = {
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
const ITEM_COLS: Record<keyof Omit<MallItemInput, 'slug'>, string> = {
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

export function toCourse(r: Row, k = 1): CourseView {
  const priceFen = Number(r.price_fen);
  const override = r.points_price == null ? null : Number(r.points_price);
  return {
    id: Number(r.id),
    slug: r.slug,
    titleZh: r.title_zh,
    titleEn: r.title_en,
    descriptionZh: r.description_zh,
    descriptionEn: r.description_en,
    category: r.category,
    tags: r.tags ?? [],
    aliases: r.aliases ?? [],
    priceFen,
    pointsPrice: coursePointsPrice({ priceFen, pointsPrice: override }, k),
    pointsPriceOverride: override,
    hot: r.hot,
    vipFree: r.vip_free,
    membersOnlyTier: r.members_only_tier ?? null,
    active: r.active,
  };
}

export function toItem(r: Row): MallItemView {
  const iso = (d: unknown) => (d == null ? null : new Date(d as string).toISOString());
  return {
    id: Number(r.id),
    slug: r.slug,
    titleZh: r.title_zh,
    titleEn: r.title_en,
    descriptionZh: r.description_zh,
    descriptionEn: r.description_en,
    kind: r.kind,
    pointsPrice: Number(r.points_price),
    stock: r.stock == null ? null : Number(r.stock),
    perUserLimit: r.per_user_limit == null ? null : Number(r.per_user_limit),
    couponValueFen: r.coupon_value_fen == null ? null : Number(r.coupon_value_fen),
    trialTier: r.trial_tier ?? null,
    trialDays: r.trial_days == null ? null : Number(r.trial_days),
    aliases: r.aliases ?? [],
    active: r.active,
    availableFrom: iso(r.available_from),
    availableUntil: iso(r.available_until),
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;

export function createCatalogService(deps: { em: Em; pointsPerFen?: number }) {
  const k = deps.pointsPerFen ?? 1;

  async function listCourses(
    opts: { q?: string; category?: string; hot?: boolean; includeInactive?: boolean } = {},
  ): Promise<CourseView[]> {
    const rows = await query<Row>(
      deps.em,
      `select * from course where (?::boolean or active) and (?::text is null or category = ?) and (?::boolean is null or hot = ?)
        order by hot desc, id`,
      [
        opts.includeInactive ?? false,
        opts.category ?? null,
        opts.category ?? null,
        opts.hot ?? null,
        opts.hot ?? null,
      ],
    );
    return searchEntries(
      rows.map((r) => toCourse(r, k)),
      opts.q,
    );
  }

  async function courseRow(slug: string, em: Em = deps.em, forUpdate = false): Promise<CourseView> {
    const r = await queryOne<Row>(
      em,
      `select * from course where slug = ?${forUpdate ? ' for update' : ''}`,
      [slug],
    );
    if (!r) throw new DomainError('course_not_found', `no course "${slug}"`, { slug });
    return toCourse(r, k);
  }

  async function getCourse(
    slug: string,
    opts: { includeInactive?: boolean } = {},
  ): Promise<CourseDetail> {
    const course = await courseRow(slug);
    if (!course.active && !opts.includeInactive)
      throw new DomainError('course_not_found', `no course "${slug}"`, { slug });
    const rating = await queryOne<{ avg: string | null; n: string }>(
      deps.em,
      `select round(avg(rating)::numeric, 2)::text as avg, count(*) as n from course_review where course_id = ?`,
      [course.id],
    );
    return {
      ...course,
      rating: {
        average: rating?.avg == null ? null : Number(rating.avg),
        count: Number(rating?.n ?? 0),
      },
    };
  }

  async function courseById(id: number, em: Em = deps.em): Promise<CourseView> {
    const r = await queryOne<Row>(em, `select * from course where id = ?`, [id]);
    if (!r) throw new DomainError('course_not_found', `no course with id ${id}`);
    return toCourse(r, k);
  }

  async function listItems(
    opts: { includeInactive?: boolean; kind?: MallItemKind; q?: string; now?: Date } = {},
  ): Promise<MallItemView[]> {
    const now = (opts.now ?? new Date()).toISOString();
    const rows = await query<Row>(
      deps.em,
      `select * from mall_item where (?::boolean or (active and (available_from is null or available_from <= ?::timestamptz)
          and (available_until is null or available_until > ?::timestamptz))) and (?::text is null or kind = ?)
        order by points_price, id`,
      [opts.includeInactive ?? false, now, now, opts.kind ?? null, opts.kind ?? null],
    );
    const items = rows.map(toItem);
    return searchEntries(
      items.map((i) => ({ ...i, tags: [] as string[] })),
      opts.q,
    ).map(({ tags: _t, ...i }) => i);
  }

  async function getItem(slug: string, em: Em = deps.em): Promise<MallItemView> {
    const r = await queryOne<Row>(em, `select * from mall_item where slug = ?`, [slug]);
    if (!r) throw new DomainError('item_not_found', `no mall item "${slug}"`, { slug });
    return toItem(r);
  }

  function categories() {
    return Object.entries(CATEGORY_NAMES).map(([code, n]) => ({ code, zh: n.zh, en: n.en }));
  }

  async function insertRow(
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

  async function updateRow(
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

  async function createCourse(input: CourseInput, actor: string): Promise<CourseView> {
    return inTransaction(deps.em, async (tx) => {
      await insertRow(tx, 'course', COURSE_COLS, input as unknown as Record<string, unknown>);
      await audit(tx, {
        actor,
        action: 'course.create',
        subject: `course:${input.slug}`,
        details: { ...input },
      });
      return courseRow(input.slug, tx);
    });
  }

  async function updateCourse(
    slug: string,
    patch: Partial<Omit<CourseInput, 'slug'>>,
    actor: string,
  ): Promise<CourseView> {
    return inTransaction(deps.em, async (tx) => {
      if (!(await updateRow(tx, 'course', COURSE_COLS, slug, patch)))
        throw new DomainError('course_not_found', `no course "${slug}"`, { slug });
      await audit(tx, {
        actor,
        action: 'course.update',
        subject: `course:${slug}`,
        details: { ...patch },
      });
      return courseRow(slug, tx);
    });
  }

  /** Deactivates a course: orders and enrollments keep referring to it. */
  async function deleteCourse(slug: string, actor: string): Promise<CourseView> {
    return updateCourse(slug, { active: false }, actor);
  }

  async function createItem(input: MallItemInput, actor: string): Promise<MallItemView> {
    assertItemShape(input);
    return inTransaction(deps.em, async (tx) => {
      await insertRow(tx, 'mall_item', ITEM_COLS, input as unknown as Record<string, unknown>);
      await audit(tx, {
        actor,
        action: 'item.create',
        subject: `item:${input.slug}`,
        details: { ...input },
      });
      return getItem(input.slug, tx);
    });
  }

  async function updateItem(
    slug: string,
    patch: Partial<Omit<MallItemInput, 'slug'>>,
    actor: string,
  ): Promise<MallItemView> {
    return inTransaction(deps.em, async (tx) => {
      if (!(await updateRow(tx, 'mall_item', ITEM_COLS, slug, patch)))
        throw new DomainError('item_not_found', `no mall item "${slug}"`, { slug });
      const item = await getItem(slug, tx);
      assertItemShape(item);
      await audit(tx, {
        actor,
        action: 'item.update',
        subject: `item:${slug}`,
        details: { ...patch },
      });
      return item;
    });
  }

  async function deleteItem(slug: string, actor: string): Promise<MallItemView> {
    return updateItem(slug, { active: false }, actor);
  }

  /** Seeds the demo catalog the first time the service starts; later starts change nothing. */
  async function seedDemo(): Promise<{ seeded: boolean }> {
    return inTransaction(deps.em, async (tx) => {
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

  return {
    listCourses,
    getCourse,
    courseRow,
    courseById,
    listItems,
    getItem,
    categories,
    createCourse,
    updateCourse,
    deleteCourse,
    createItem,
    updateItem,
    deleteItem,
    seedDemo,
  };
}

function assertItemShape(i: {
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
