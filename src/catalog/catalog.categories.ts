// The course categories the catalog has now: every category some active course is filed under,
// named in both languages. A category an admin invents for a new course is a category at once;
// the built-in ones carry their proper names and aliases, a new one is named by its code.
import { CATEGORY_NAMES } from './data/demo-catalog.js';

export interface CategoryView {
  code: string;
  zh: string;
  en: string;
  /** Other words people use for it ("编程", "coding"). */
  aliases: string[];
}

const KNOWN: Record<string, Omit<CategoryView, 'code'>> = CATEGORY_NAMES;

/** The categories of these courses (as listed by the catalog), in first-seen order. */
export function categoriesOf(courses: readonly { category: string }[]): CategoryView[] {
  const codes = [...new Set(courses.map((c) => c.category).filter(Boolean))];
  return codes.map((code) => {
    const named = KNOWN[code];
    if (named) return { code, zh: named.zh, en: named.en, aliases: named.aliases };
    const words = code.replace(/[-_]+/g, ' ');
    return { code, zh: words, en: words, aliases: words === code ? [] : [code] };
  });
}
