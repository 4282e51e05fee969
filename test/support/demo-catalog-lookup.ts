// CatalogLookup over the demo catalog, for adapter tests (main.ts provides the real one from the
// catalog service): case-insensitive substring match on slug, titles and aliases.
import { DEMO_COURSES, DEMO_MALL_ITEMS } from '../../src/catalog/data/demo-catalog.js';
import type { CatalogLookup } from '../../bots/discord/discord.types.js';

interface Entry {
  slug: string;
  titleZh: string;
  titleEn: string;
  aliases: string[];
}

function search(entries: Entry[], query: string, lang: 'zh' | 'en') {
  const q = query.trim().toLowerCase();
  return entries
    .filter(
      (e) =>
        !q || [e.slug, e.titleZh, e.titleEn, ...e.aliases].some((f) => f.toLowerCase().includes(q)),
    )
    .map((e) => ({ slug: e.slug, title: lang === 'zh' ? e.titleZh : e.titleEn }));
}

export function createDemoCatalogLookup(): CatalogLookup {
  return {
    searchCourses: (q, lang) => search(DEMO_COURSES, q, lang),
    searchItems: (q, lang) => search(DEMO_MALL_ITEMS, q, lang),
  };
}
