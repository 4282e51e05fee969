// Adapts the demo catalog module to the NLU's catalog shape (eval script, bench and tests).
import { CATEGORY_NAMES, DEMO_COURSES, DEMO_MALL_ITEMS } from '../../catalog/data/demo-catalog.js';
import type { NluCatalog } from './nlu.types.js';

export function demoNluCatalog(): NluCatalog {
  return {
    courses: DEMO_COURSES,
    items: DEMO_MALL_ITEMS,
    categories: Object.entries(CATEGORY_NAMES).map(([id, c]) => ({
      id,
      zh: c.zh,
      en: c.en,
      aliases: c.aliases,
    })),
  };
}
