// The NLU over the live catalog, so a course (or a category) created over the admin API is
// recognised without a code change. The catalog is read at most once per TTL, by one turn
// while the others wait for it (not once per concurrent turn).
import type { CatalogService } from '../../catalog/catalog.service.js';
import { categoriesOf } from '../../catalog/catalog.categories.js';
import { sharedNlu } from '../nlu/nlu.shared.js';
import type { Nlu } from '../nlu/nlu.js';

const CATALOG_TTL_MS = 15_000;

export function createUnderstanding(
  catalog: Pick<CatalogService, 'listCourses' | 'listItems'>,
  ttlMs = CATALOG_TTL_MS,
) {
  let loadedAt = 0;
  let loading: Promise<void> | undefined;
  let topics: ReadonlySet<string> = new Set();

  async function load(): Promise<void> {
    const [courses, items] = await Promise.all([catalog.listCourses(), catalog.listItems()]);
    const categories = categoriesOf(courses);
    sharedNlu().updateCatalog({
      courses,
      items,
      categories: categories.map((c) => ({ id: c.code, zh: c.zh, en: c.en, aliases: c.aliases })),
    });
    topics = new Set(categories.map((c) => c.code));
    loadedAt = Date.now();
  }

  /** The NLU, with the catalog of at most `ttlMs` ago, and the catalog's categories. */
  async function current(): Promise<{ nlu: Nlu; topics: ReadonlySet<string> }> {
    if (Date.now() - loadedAt >= ttlMs) {
      loading ??= load().finally(() => (loading = undefined));
      await loading;
    }
    return { nlu: sharedNlu(), topics };
  }

  return { current };
}
