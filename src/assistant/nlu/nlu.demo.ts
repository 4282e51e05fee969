// Adapts the demo catalog module to the NLU's catalog shape (eval script, bench and tests),
// with its categories named the way the live catalog names them.
import { DEMO_COURSES, DEMO_MALL_ITEMS } from '../../catalog/data/demo-catalog.js';
import { categoriesOf } from '../../catalog/catalog.categories.js';
import type { NluCatalog } from './nlu.types.js';

export function demoNluCatalog(): NluCatalog {
  return {
    courses: DEMO_COURSES,
    items: DEMO_MALL_ITEMS,
    categories: categoriesOf(DEMO_COURSES).map((c) => ({
      id: c.code,
      zh: c.zh,
      en: c.en,
      aliases: c.aliases,
    })),
  };
}
