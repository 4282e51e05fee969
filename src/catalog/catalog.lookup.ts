// Titles of courses and mall items by id, for modules that list what a user bought (orders,
// enrollments) without reading the catalog's tables themselves. One statement for both kinds.
import { query, type Em } from '../db/sql.js';

export interface Titles {
  slug: string;
  titleZh: string;
  titleEn: string;
}

export interface CatalogTitles {
  courses: Map<number, Titles>;
  items: Map<number, Titles & { kind: string }>;
}

export async function titlesOf(
  em: Em,
  ids: { courseIds: number[]; itemIds: number[] },
): Promise<CatalogTitles> {
  const out: CatalogTitles = { courses: new Map(), items: new Map() };
  if (!ids.courseIds.length && !ids.itemIds.length) return out;
  const rows = await query<{
    t: 'course' | 'item';
    id: string;
    slug: string;
    title_zh: string;
    title_en: string;
    kind: string | null;
  }>(
    em,
    `select 'course' as t, id, slug, title_zh, title_en, null as kind from course
      where id in (select jsonb_array_elements_text(?::jsonb)::bigint)
     union all
     select 'item', id, slug, title_zh, title_en, kind from mall_item
      where id in (select jsonb_array_elements_text(?::jsonb)::bigint)`,
    [JSON.stringify(ids.courseIds), JSON.stringify(ids.itemIds)],
  );
  for (const r of rows) {
    const titles = { slug: r.slug, titleZh: r.title_zh, titleEn: r.title_en };
    if (r.t === 'course') out.courses.set(Number(r.id), titles);
    else out.items.set(Number(r.id), { ...titles, kind: r.kind! });
  }
  return out;
}
