// CatalogLookup over the catalog service, for slash-command autocomplete: the service's own
// bilingual search (slug, titles, aliases, tags), answered as { slug, title } in the user's
// language. An empty query lists the catalog in its usual order. Discord shows 25 choices at most.
import type { CatalogService } from '../../src/catalog/catalog.service.js';
import type { Lang } from '../../src/assistant/assistant.types.js';
import type { CatalogEntry, CatalogLookup } from './discord.types.js';

export const MAX_CHOICES = 25;
/** Discord refuses autocomplete values and names over 100 characters. */
const MAX_LENGTH = 100;

type Titled = { slug: string; titleZh: string; titleEn: string };

const entries = (rows: Titled[], lang: Lang): CatalogEntry[] =>
  rows.slice(0, MAX_CHOICES).map((r) => ({
    slug: r.slug,
    title: (lang === 'zh' ? r.titleZh : r.titleEn).slice(0, MAX_LENGTH),
  }));

export function createCatalogLookup(
  catalog: Pick<CatalogService, 'listCourses' | 'listItems'>,
): CatalogLookup {
  const q = (query: string) => query.trim().slice(0, MAX_LENGTH) || undefined;
  return {
    searchCourses: async (query, lang) => entries(await catalog.listCourses({ q: q(query) }), lang),
    searchItems: async (query, lang) => entries(await catalog.listItems({ q: q(query) }), lang),
  };
}
