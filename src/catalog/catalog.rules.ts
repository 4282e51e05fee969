// Pure catalog rules: points prices and bilingual search scoring over titles, descriptions,
// tags and aliases. No database, no framework.

export interface Searchable {
  slug: string;
  titleZh: string;
  titleEn: string;
  descriptionZh: string;
  descriptionEn: string;
  tags: string[];
  aliases: string[];
  category?: string;
}

/** Points price of a course: the per-course override, else price in fen × k. */
export function coursePointsPrice(
  c: { priceFen: number; pointsPrice: number | null },
  k = 1,
): number {
  return c.pointsPrice ?? c.priceFen * k;
}

const norm = (s: string) => s.normalize('NFKC').toLowerCase().trim();

/** Splits a query into terms: words for Latin text, and the whole run for CJK text. */
export function queryTerms(q: string): string[] {
  return norm(q)
    .split(/[\s,，。.、!！?？;；:："'“”‘’()（）]+/u)
    .filter(Boolean);
}

const CJK = /[\u3400-\u9fff]/u;
/** A label long enough to be found inside a longer query term ("学Python编程" holds "python"). */
const containable = (l: string) => l.length >= 3 || (l.length >= 2 && CJK.test(l));

/**
 * Relevance of one entry for a query (0 = no match). Every term must match somewhere;
 * title and alias/tag hits weigh more than description hits.
 */
export function searchScore(item: Searchable, q: string): number {
  const terms = queryTerms(q);
  if (!terms.length) return 1;
  const titles = norm(`${item.titleZh} ${item.titleEn} ${item.slug}`);
  const labels = item.tags.concat(item.aliases, item.category ? [item.category] : []).map(norm);
  const desc = norm(`${item.descriptionZh} ${item.descriptionEn}`);
  let score = 0;
  for (const t of terms) {
    let s = 0;
    if (labels.includes(t)) s = Math.max(s, 6);
    if (titles.includes(t)) s = Math.max(s, 5);
    if (labels.some((l) => l.includes(t) || (t.includes(l) && containable(l)))) s = Math.max(s, 3);
    if (desc.includes(t)) s = Math.max(s, 1);
    if (s === 0) return 0;
    score += s;
  }
  return score;
}

/** Entries matching the query, best first (stable for equal scores). */
export function searchEntries<T extends Searchable>(items: T[], q: string | undefined): T[] {
  if (!q || !queryTerms(q).length) return items;
  return items
    .map((item, i) => ({ item, i, s: searchScore(item, q) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.item);
}
