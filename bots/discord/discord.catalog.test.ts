// The autocomplete catalog over the real catalog service: the service's bilingual search,
// answered in the user's language, at most 25 choices.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/support/harness.js';
import { createCatalogLookup, MAX_CHOICES } from './discord.catalog.js';

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
  await h.services.catalog.seedDemo();
});
afterAll(() => h?.close());

describe('createCatalogLookup', () => {
  it('finds courses by alias, title or slug, titled in the user language', async () => {
    const lookup = createCatalogLookup(h.services.catalog);
    expect((await lookup.searchCourses('python', 'zh'))[0]).toEqual({
      slug: 'python-basics',
      title: 'Python 编程入门',
    });
    expect((await lookup.searchCourses('Python', 'en'))[0]).toEqual({
      slug: 'python-basics',
      title: 'Python Programming for Beginners',
    });
    expect((await lookup.searchCourses('数据分析', 'zh')).map((c) => c.slug)).toContain(
      'data-analysis-pandas',
    );
    expect(await lookup.searchCourses('no such thing at all', 'en')).toEqual([]);
  });

  it('lists everything for an empty query, capped for Discord', async () => {
    const lookup = createCatalogLookup(h.services.catalog);
    const all = await lookup.searchCourses('  ', 'en');
    expect(all.length).toBe((await h.services.catalog.listCourses()).length);
    expect(all.length).toBeLessThanOrEqual(MAX_CHOICES);
    const items = await lookup.searchItems('', 'zh');
    expect(items.map((i) => i.slug)).toContain('notebook');
    expect((await lookup.searchItems('notebook', 'en'))[0].slug).toBe('notebook');
  });
});
